//! API keys of the creditor's systems. A key is `settle_` and 32 characters of base64url (192
//! random bits); only its SHA-256 is stored, with its first characters to recognise it by. A
//! key reads (`read`) or also writes (`write`); revoked, it is dead at once.
use crate::audit;
use crate::entities::api_key;
use crate::error::{ServiceError, ServiceResult};
use crate::tokens::hash_token;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use rand::{rngs::OsRng, RngCore};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use serde_json::json;

const PREFIX: &str = "settle_";
/// How much of the key is kept to recognise it by (`settle_` and five characters).
const SHOWN: usize = 12;
/// `last_used_at` is written at most this often per key.
const USE_GRANULARITY_SECS: i64 = 60;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    Read,
    Write,
}

impl Scope {
    pub fn parse(s: &str) -> Option<Scope> {
        match s.trim() {
            "read" => Some(Scope::Read),
            "write" => Some(Scope::Write),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
        }
    }
}

/// A key as the API sees it after checking it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ApiCaller {
    pub tenant_id: i64,
    pub key_id: i64,
    pub scope: Scope,
}

/// Makes a key for the tenant; returns its row and the key itself, which is never shown again.
pub async fn create(
    db: &DatabaseConnection,
    tenant_id: i64,
    name: &str,
    scope: Scope,
    actor: &str,
    now: DateTime<Utc>,
) -> ServiceResult<(api_key::Model, String)> {
    let name = settle_domain::text::line(name, 100).map_err(|code| ServiceError::invalid("name", code))?;
    let name = name.as_str();
    let mut bytes = [0u8; 24];
    OsRng.fill_bytes(&mut bytes);
    let key = format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes));
    let tx = db.begin().await?;
    let row = api_key::ActiveModel {
        tenant_id: Set(tenant_id),
        name: Set(name.to_string()),
        scope: Set(scope.as_str().to_string()),
        prefix: Set(key[..SHOWN].to_string()),
        key_hash: Set(hash_token(&key)),
        created_by: Set(actor.to_string()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    let detail = json!({ "key": row.id, "name": row.name, "scope": row.scope, "prefix": row.prefix });
    audit::record(&tx, now, tenant_id, None, actor, "api_key_created", detail).await?;
    tx.commit().await?;
    Ok((row, key))
}

/// The tenant's keys, newest first, revoked ones included.
pub async fn list<C: ConnectionTrait>(db: &C, tenant_id: i64) -> ServiceResult<Vec<api_key::Model>> {
    Ok(api_key::Entity::find()
        .filter(api_key::Column::TenantId.eq(tenant_id))
        .order_by_desc(api_key::Column::Id)
        .all(db)
        .await?)
}

/// Revokes one of the tenant's keys (another tenant's id is not found).
pub async fn revoke(
    db: &DatabaseConnection,
    tenant_id: i64,
    id: i64,
    actor: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let tx = db.begin().await?;
    let row = api_key::Entity::find_by_id(id)
        .filter(api_key::Column::TenantId.eq(tenant_id))
        .one(&tx)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if row.revoked_at.is_some() {
        return Err(ServiceError::invalid("key", "api_key_revoked"));
    }
    let detail = json!({ "key": row.id, "name": row.name, "prefix": row.prefix });
    let mut active: api_key::ActiveModel = row.into();
    active.revoked_at = Set(Some(now));
    active.update(&tx).await?;
    audit::record(&tx, now, tenant_id, None, actor, "api_key_revoked", detail).await?;
    tx.commit().await?;
    Ok(())
}

/// The caller a presented key stands for, if it is a live key of this tenant.
pub async fn authenticate(
    db: &DatabaseConnection,
    tenant_id: i64,
    presented: &str,
    now: DateTime<Utc>,
) -> ServiceResult<Option<ApiCaller>> {
    let presented = presented.trim();
    if !presented.starts_with(PREFIX) || presented.len() > 100 {
        return Ok(None);
    }
    // Looked up by its hash: comparing hashes leaks nothing useful about the key.
    let Some(row) = api_key::Entity::find()
        .filter(api_key::Column::KeyHash.eq(hash_token(presented)))
        .filter(api_key::Column::TenantId.eq(tenant_id))
        .filter(api_key::Column::RevokedAt.is_null())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let Some(scope) = Scope::parse(&row.scope) else {
        return Ok(None);
    };
    let stale = row
        .last_used_at
        .is_none_or(|at| (now - at).num_seconds() >= USE_GRANULARITY_SECS);
    if stale {
        api_key::Entity::update_many()
            .col_expr(api_key::Column::LastUsedAt, sea_orm::sea_query::Expr::value(Some(now)))
            .filter(api_key::Column::Id.eq(row.id))
            .exec(db)
            .await?;
    }
    Ok(Some(ApiCaller {
        tenant_id,
        key_id: row.id,
        scope,
    }))
}
