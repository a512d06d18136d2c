//! API keys in the back office (admins): the tenant's keys with who made them and when they were
//! last used, a new key (shown once), and revoking one.
use super::{local, staff_names};
use crate::api_keys::{self, Scope};
use crate::error::{ServiceError, ServiceResult};
use crate::staff::{Role, StaffScope};
use crate::state::AppState;
use crate::tenant::TenantCtx;
use sea_orm::ConnectionTrait;
use settle_domain::backoffice::ApiKeyRow;

pub async fn list<C: ConnectionTrait>(db: &C, tenant: &TenantCtx, scope: &StaffScope) -> ServiceResult<Vec<ApiKeyRow>> {
    scope.require(Role::Admin)?;
    let names = staff_names(db, scope.tenant_id()).await?;
    let who = |actor: &str| {
        actor
            .strip_prefix("staff:")
            .and_then(|id| id.parse::<i64>().ok())
            .and_then(|id| names.get(&id).cloned())
            .unwrap_or_else(|| actor.to_string())
    };
    Ok(api_keys::list(db, scope.tenant_id())
        .await?
        .into_iter()
        .map(|k| ApiKeyRow {
            id: k.id,
            name: k.name,
            scope: k.scope,
            prefix: k.prefix,
            created: local(tenant, k.created_at),
            created_by: who(&k.created_by),
            last_used: k.last_used_at.map(|t| local(tenant, t)),
            revoked: k.revoked_at.map(|t| local(tenant, t)),
        })
        .collect())
}

/// A new key; the returned key is shown once.
pub async fn create(state: &AppState, scope: &StaffScope, name: &str, key_scope: &str) -> ServiceResult<String> {
    scope.require(Role::Admin)?;
    let key_scope = Scope::parse(key_scope).ok_or(ServiceError::invalid("scope", "required"))?;
    let now = state.clock.now();
    let (_, key) = api_keys::create(&state.db, scope.tenant_id(), name, key_scope, &scope.actor(), now).await?;
    Ok(key)
}

pub async fn revoke(state: &AppState, scope: &StaffScope, id: i64) -> ServiceResult<()> {
    scope.require(Role::Admin)?;
    api_keys::revoke(&state.db, scope.tenant_id(), id, &scope.actor(), state.clock.now()).await
}
