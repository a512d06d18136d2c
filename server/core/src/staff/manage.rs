//! Admins manage their tenant's staff: list them, add one (a second factor set up for admins,
//! optional for agents; its secret and recovery codes shown once), disable or enable an account
//! (not their own), and give someone a new second factor. Operators are managed by operators
//! only (`settle staff --operator`).
use super::accounts::{create, new_recovery_codes, NewStaff};
use super::{totp, Role, StaffScope};
use crate::audit;
use crate::backoffice::local;
use crate::entities::staff_user;
use crate::error::{ServiceError, ServiceResult};
use crate::state::AppState;
use crate::tenant::TenantCtx;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, TransactionTrait};
use serde_json::json;
use settle_domain::backoffice::{SecondFactorOnce, StaffRow};

pub async fn list<C: ConnectionTrait>(db: &C, tenant: &TenantCtx, scope: &StaffScope) -> ServiceResult<Vec<StaffRow>> {
    scope.require(Role::Admin)?;
    Ok(staff_user::Entity::find()
        .filter(staff_user::Column::TenantId.eq(scope.tenant_id()))
        .order_by_asc(staff_user::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|s| StaffRow {
            id: s.id,
            name: s.name,
            email: s.email,
            role: s.role,
            second_factor: s.totp_sealed.is_some(),
            last_login: s.last_login_at.map(|t| local(tenant, t)),
            disabled: s.disabled_at.is_some(),
            me: s.id == scope.staff_id(),
        })
        .collect())
}

pub(crate) fn once(
    tenant: &TenantCtx,
    email: &str,
    secret: &[u8],
    codes: Vec<String>,
) -> ServiceResult<SecondFactorOnce> {
    let uri = totp::uri(secret, &format!("Settle {}", tenant.name), email);
    Ok(SecondFactorOnce {
        email: email.to_string(),
        secret: totp::base32(secret),
        qr_svg: crate::qr::svg(&uri).map_err(ServiceError::Internal)?,
        uri,
        recovery_codes: codes,
    })
}

pub struct NewMember<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: &'a str,
    pub password: &'a str,
    pub second_factor: bool,
}

/// Adds a staff member of the tenant; returns what they need once to set up their second factor.
pub async fn add(
    state: &AppState,
    tenant: &TenantCtx,
    scope: &StaffScope,
    m: &NewMember<'_>,
) -> ServiceResult<Option<SecondFactorOnce>> {
    scope.require(Role::Admin)?;
    let role = match m.role {
        "agent" => Role::Agent,
        "admin" => Role::Admin,
        _ => return Err(ServiceError::invalid("role", "required")),
    };
    settle_domain::password::check_new_password(m.password).map_err(|p| ServiceError::invalid("password", p.code()))?;
    let hash = state.hasher.hash(m.password).await?;
    let now = state.clock.now();
    let tx = state.db.begin().await?;
    let created = create(
        &tx,
        &state.keys,
        now,
        NewStaff {
            tenant_id: Some(scope.tenant_id()),
            email: m.email,
            name: m.name,
            role,
            password_hash: hash,
            totp: m.second_factor.then_some(None),
        },
    )
    .await?;
    audit::record(
        &tx,
        now,
        scope.tenant_id(),
        None,
        &scope.actor(),
        "staff_added",
        json!({ "staff_id": created.id, "role": role.as_str(), "second_factor": created.totp_secret.is_some() }),
    )
    .await?;
    tx.commit().await?;
    match created.totp_secret {
        Some(secret) => Ok(Some(once(
            tenant,
            &m.email.trim().to_lowercase(),
            &secret,
            created.recovery_codes,
        )?)),
        None => Ok(None),
    }
}

async fn member<C: ConnectionTrait>(db: &C, scope: &StaffScope, id: i64) -> ServiceResult<staff_user::Model> {
    staff_user::Entity::find_by_id(id)
        .filter(staff_user::Column::TenantId.eq(scope.tenant_id()))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// Disables (or enables again) a colleague's account; a disabled account's sessions end at once
/// (every request checks the account).
pub async fn set_disabled(state: &AppState, scope: &StaffScope, id: i64, disabled: bool) -> ServiceResult<()> {
    scope.require(Role::Admin)?;
    if id == scope.staff_id() {
        return Err(ServiceError::invalid("form", "not_yourself"));
    }
    let now = state.clock.now();
    let tx = state.db.begin().await?;
    let s = member(&tx, scope, id).await?;
    staff_user::Entity::update_many()
        .col_expr(staff_user::Column::DisabledAt, Expr::value(disabled.then_some(now)))
        .filter(staff_user::Column::Id.eq(s.id))
        .exec(&tx)
        .await?;
    audit::record(
        &tx,
        now,
        scope.tenant_id(),
        None,
        &scope.actor(),
        if disabled { "staff_disabled" } else { "staff_enabled" },
        json!({ "staff_id": s.id }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A new second factor (a lost phone): new secret, new recovery codes, the old ones dead.
pub async fn new_second_factor(
    state: &AppState,
    tenant: &TenantCtx,
    scope: &StaffScope,
    id: i64,
) -> ServiceResult<SecondFactorOnce> {
    scope.require(Role::Admin)?;
    let now = state.clock.now();
    let tx = state.db.begin().await?;
    let s = member(&tx, scope, id).await?;
    let secret = totp::new_secret();
    let (key_id, sealed) = crate::secrets::seal(&state.keys, &secret);
    staff_user::Entity::update_many()
        .col_expr(staff_user::Column::TotpKeyId, Expr::value(Some(key_id)))
        .col_expr(staff_user::Column::TotpSealed, Expr::value(Some(sealed)))
        .col_expr(staff_user::Column::TotpLastStep, Expr::value(Option::<i64>::None))
        .filter(staff_user::Column::Id.eq(s.id))
        .exec(&tx)
        .await?;
    let codes = new_recovery_codes(&tx, s.id).await?;
    audit::record(
        &tx,
        now,
        scope.tenant_id(),
        None,
        &scope.actor(),
        "staff_second_factor_renewed",
        json!({ "staff_id": s.id }),
    )
    .await?;
    tx.commit().await?;
    once(tenant, &s.email, &secret, codes)
}
