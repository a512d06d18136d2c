//! `Idempotency-Key` for API requests that create something: the first request's response is
//! kept for 24 hours and replayed for the same key and the same request; the same key with
//! another request is refused, and so is a repeat while the first still runs. Kept responses
//! are sealed at rest (one may hold a payment link).
use crate::entities::idempotency_key;
use crate::error::{ServiceError, ServiceResult};
use crate::keys::Keys;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};

/// How long a response is replayed.
pub const KEEP_HOURS: i64 = 24;
pub const MAX_KEY_LEN: usize = 255;

/// What to do with a request.
pub enum Claim {
    /// First time: run it, then [`store`] its response under this row.
    Run(i64),
    /// Seen before: answer with this (status, content type, body).
    Replay(u16, String, String),
}

pub fn fingerprint(method: &str, path: &str, body: &[u8]) -> String {
    let mut h = Sha256::new();
    for part in [method.as_bytes(), path.as_bytes(), body] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part);
    }
    hex::encode(h.finalize())
}

/// Claims `key` for a request with this fingerprint. `Conflict("idempotency_key_in_use")` while
/// the first request runs; `Invalid` for the same key with another request.
pub async fn claim(
    db: &DatabaseConnection,
    keys: &Keys,
    tenant_id: i64,
    api_key_id: i64,
    key: &str,
    fingerprint: &str,
    now: DateTime<Utc>,
) -> ServiceResult<Claim> {
    let scoped = || {
        idempotency_key::Entity::find()
            .filter(idempotency_key::Column::TenantId.eq(tenant_id))
            .filter(idempotency_key::Column::ApiKeyId.eq(api_key_id))
            .filter(idempotency_key::Column::IdemKey.eq(key))
    };
    if let Some(row) = scoped().one(db).await? {
        if row.created_at > now - Duration::hours(KEEP_HOURS) {
            if row.request_hash != fingerprint {
                return Err(ServiceError::invalid("Idempotency-Key", "idempotency_key_reused"));
            }
            if row.status == 0 {
                return Err(ServiceError::Conflict("idempotency_key_in_use"));
            }
            let status = u16::try_from(row.status).unwrap_or(500);
            let body = row
                .body
                .split_once(':')
                .and_then(|(kid, sealed)| crate::secrets::open(keys, kid, sealed).ok())
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .ok_or_else(|| ServiceError::Internal(anyhow::anyhow!("idempotent response unreadable")))?;
            return Ok(Claim::Replay(status, row.content_type, body));
        }
        idempotency_key::Entity::delete_by_id(row.id).exec(db).await?;
    }
    let inserted = idempotency_key::ActiveModel {
        tenant_id: Set(tenant_id),
        api_key_id: Set(api_key_id),
        idem_key: Set(key.to_string()),
        request_hash: Set(fingerprint.to_string()),
        status: Set(0),
        content_type: Set(String::new()),
        body: Set(String::new()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await;
    match inserted {
        Ok(row) => Ok(Claim::Run(row.id)),
        // The unique index: the same key arrived twice at once.
        Err(_) => Err(ServiceError::Conflict("idempotency_key_in_use")),
    }
}

/// Keeps the response of a claimed request; a server error frees the key for a retry instead.
pub async fn store(
    db: &DatabaseConnection,
    keys: &Keys,
    id: i64,
    status: u16,
    content_type: &str,
    body: &str,
) -> ServiceResult<()> {
    if status >= 500 {
        idempotency_key::Entity::delete_by_id(id).exec(db).await?;
        return Ok(());
    }
    idempotency_key::ActiveModel {
        id: Set(id),
        status: Set(i32::from(status)),
        content_type: Set(content_type.to_string()),
        body: Set({
            let (kid, sealed) = crate::secrets::seal(keys, body.as_bytes());
            format!("{kid}:{sealed}")
        }),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

/// Forgets responses older than 24 hours (housekeeping).
pub async fn forget_old(db: &DatabaseConnection, now: DateTime<Utc>) -> ServiceResult<u64> {
    Ok(idempotency_key::Entity::delete_many()
        .filter(idempotency_key::Column::CreatedAt.lt(now - Duration::hours(KEEP_HOURS)))
        .exec(db)
        .await?
        .rows_affected)
}
