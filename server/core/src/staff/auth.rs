//! Staff login: the password (argon2id, against a dummy hash for unknown addresses, so timing
//! tells nothing), then the second factor where one is set up (TOTP, or a one-time recovery
//! code); throttled per address and per account. The session keeps `staff:{id}` and every
//! request rebuilds the scope from the database, so disabling an account or changing a role
//! takes effect at once. Staff of one tenant exist only on that tenant's hosts; operators on all.
use super::accounts::{recovery_hash, totp_secret};
use super::{totp, Role, StaffScope};
use crate::audit;
use crate::entities::{staff_recovery_code, staff_user};
use crate::error::{ServiceError, ServiceResult};
use crate::services::auth::Caller;
use crate::state::AppState;
use crate::tenant::TenantCtx;
use crate::throttle::Action;
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, TransactionTrait};
use serde_json::json;
use settle_domain::contact::EmailAddress;

const PREFIX: &str = "staff:";

/// Where a correct password leads.
#[derive(Debug)]
pub enum Step {
    Done(StaffScope),
    /// The code from the authenticator app (or a recovery code) comes next.
    SecondFactor(i64),
}

pub fn identity_string(scope: &StaffScope) -> String {
    format!("{PREFIX}{}", scope.staff_id())
}

async fn throttle(state: &AppState, c: &Caller<'_>, action: Action, account: &str) -> ServiceResult<()> {
    state.attempt(action, c.tenant.id, c.ip, Some(account)).await
}

/// The staff member who may work on this tenant: its own staff, or an operator.
async fn usable<C: ConnectionTrait>(
    db: &C,
    tenant: &TenantCtx,
    cond: Condition,
) -> ServiceResult<Option<(staff_user::Model, Role)>> {
    let row = staff_user::Entity::find()
        .filter(cond)
        .filter(staff_user::Column::DisabledAt.is_null())
        .filter(
            Condition::any()
                .add(staff_user::Column::TenantId.eq(tenant.id))
                .add(staff_user::Column::TenantId.is_null()),
        )
        // The tenant's own account before an operator's with the same address.
        .order_by_desc(staff_user::Column::TenantId)
        .one(db)
        .await?;
    Ok(row.and_then(|r| {
        let role = Role::parse(&r.role)?;
        // An operator row without the operator role (or the reverse) never signs in.
        ((role == Role::Operator) == r.tenant_id.is_none()).then_some((r, role))
    }))
}

pub async fn login(state: &AppState, c: &Caller<'_>, email: &str, password: &str) -> ServiceResult<Step> {
    let email = EmailAddress::parse(email).map_err(|_| ServiceError::invalid("email", "email_invalid"))?;
    if password.is_empty() {
        return Err(ServiceError::invalid("password", "required"));
    }
    throttle(state, c, Action::StaffLogin, email.as_str()).await?;
    let now = state.clock.now();
    let found = usable(
        &state.db,
        c.tenant,
        Condition::all().add(staff_user::Column::Email.eq(email.as_str())),
    )
    .await?;
    let ok = state
        .hasher
        .verify(password, found.as_ref().map(|(s, _)| s.password_hash.as_str()))
        .await?;
    let Some((staff, role)) = found else {
        return Err(ServiceError::invalid("form", "login_failed"));
    };
    let actor = format!("{PREFIX}{}", staff.id);
    if !ok {
        audit::record(
            &state.db,
            now,
            c.tenant.id,
            None,
            &actor,
            "staff_login_failed",
            json!({}),
        )
        .await?;
        return Err(ServiceError::invalid("form", "login_failed"));
    }
    if staff.totp_sealed.is_some() {
        return Ok(Step::SecondFactor(staff.id));
    }
    if role.needs_second_factor() {
        // An admin without a second factor cannot sign in until one is set up (`settle staff`).
        return Err(ServiceError::invalid("form", "second_factor_missing"));
    }
    signed_in(&state.db, c, &staff, role, "password", now).await
}

async fn signed_in<C: ConnectionTrait>(
    db: &C,
    c: &Caller<'_>,
    staff: &staff_user::Model,
    role: Role,
    method: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> ServiceResult<Step> {
    staff_user::Entity::update_many()
        .col_expr(staff_user::Column::LastLoginAt, Expr::value(Some(now)))
        .filter(staff_user::Column::Id.eq(staff.id))
        .exec(db)
        .await?;
    audit::record(
        db,
        now,
        c.tenant.id,
        None,
        &format!("{PREFIX}{}", staff.id),
        "staff_login",
        json!({ "method": method }),
    )
    .await?;
    Ok(Step::Done(StaffScope::new(c.tenant.id, staff.id, role)))
}

/// The second step: a six-digit code from the authenticator app (each works once), or one of
/// the recovery codes (each works once).
pub async fn second_factor(state: &AppState, c: &Caller<'_>, staff_id: i64, code: &str) -> ServiceResult<StaffScope> {
    let code = code.trim();
    if code.is_empty() {
        return Err(ServiceError::invalid("code", "required"));
    }
    throttle(state, c, Action::StaffCode, &staff_id.to_string()).await?;
    let now = state.clock.now();
    let wrong = || ServiceError::invalid("code", "code_invalid");
    let (staff, role) = usable(
        &state.db,
        c.tenant,
        Condition::all().add(staff_user::Column::Id.eq(staff_id)),
    )
    .await?
    .ok_or(ServiceError::Unauthenticated)?;
    let secret = totp_secret(&state.keys, &staff)?.ok_or(ServiceError::Unauthenticated)?;
    let tx = state.db.begin().await?;
    let unix = u64::try_from(now.timestamp()).unwrap_or(0);
    let digits: String = code.chars().filter(|ch| !ch.is_whitespace()).collect();
    let method = if let Some(step) = totp::verify(&secret, &digits, unix, staff.totp_last_step) {
        // Conditional, so two requests with the same code cannot both pass.
        let taken = staff_user::Entity::update_many()
            .col_expr(staff_user::Column::TotpLastStep, Expr::value(Some(step)))
            .filter(staff_user::Column::Id.eq(staff.id))
            .filter(
                Condition::any()
                    .add(staff_user::Column::TotpLastStep.is_null())
                    .add(staff_user::Column::TotpLastStep.lt(step)),
            )
            .exec(&tx)
            .await?
            .rows_affected;
        if taken != 1 {
            return Err(wrong());
        }
        "totp"
    } else {
        let hash = recovery_hash(code).ok_or_else(wrong)?;
        let used = staff_recovery_code::Entity::update_many()
            .col_expr(staff_recovery_code::Column::UsedAt, Expr::value(Some(now)))
            .filter(staff_recovery_code::Column::StaffId.eq(staff.id))
            .filter(staff_recovery_code::Column::CodeHash.eq(hash))
            .filter(staff_recovery_code::Column::UsedAt.is_null())
            .exec(&tx)
            .await?
            .rows_affected;
        if used != 1 {
            audit::record(
                &tx,
                now,
                c.tenant.id,
                None,
                &format!("{PREFIX}{}", staff.id),
                "staff_code_failed",
                json!({}),
            )
            .await?;
            tx.commit().await?;
            return Err(wrong());
        }
        "recovery_code"
    };
    let step = signed_in(&tx, c, &staff, role, method, now).await?;
    tx.commit().await?;
    match step {
        Step::Done(scope) => Ok(scope),
        Step::SecondFactor(_) => Err(ServiceError::Unauthenticated),
    }
}

/// The staff scope of a session identity on this tenant's host, with the staff member's row.
pub async fn scope_from_identity<C: ConnectionTrait>(
    db: &C,
    tenant: &TenantCtx,
    id: &str,
) -> ServiceResult<Option<(StaffScope, staff_user::Model)>> {
    let Some(staff_id) = id.strip_prefix(PREFIX).and_then(|s| s.parse::<i64>().ok()) else {
        return Ok(None);
    };
    Ok(
        usable(db, tenant, Condition::all().add(staff_user::Column::Id.eq(staff_id)))
            .await?
            .map(|(row, role)| (StaffScope::new(tenant.id, row.id, role), row)),
    )
}
