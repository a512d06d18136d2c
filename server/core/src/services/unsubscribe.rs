//! Opting out of reminder emails (RFC 8058 one-click, and a page for people): a long-lived
//! token per debtor in the `List-Unsubscribe` header. Legally required notices still go out.
use crate::entities::customer;
use crate::error::{ServiceError, ServiceResult};
use crate::services::auth::{find_live_token, insert_token};
use crate::state::AppState;
use crate::tenant::TenantCtx;
use crate::throttle::Action;
use crate::{audit, tokens};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionTrait};

pub const PURPOSE: &str = "unsubscribe";
const VALID_DAYS: i64 = 365;

/// A fresh one-click unsubscribe URL for a debtor.
pub async fn link<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    tenant: &TenantCtx,
    customer_id: i64,
) -> ServiceResult<String> {
    let t = tokens::new_link_token();
    insert_token(
        db,
        now,
        tenant.id,
        customer_id,
        PURPOSE,
        None,
        Duration::days(VALID_DAYS),
        &t.hash,
    )
    .await?;
    Ok(tenant.link(&format!("/u/{}", t.raw)))
}

/// The debtor a token names (for the page's language), throttled like payment links.
pub async fn debtor(state: &AppState, tenant: &TenantCtx, raw: &str, ip: &str) -> ServiceResult<customer::Model> {
    if !state.throttle.check(Action::PayLookup, tenant.id, ip, None) {
        return Err(ServiceError::RateLimited);
    }
    let token = find_live_token(&state.db, state.clock.now(), tenant.id, raw, &[PURPOSE])
        .await?
        .ok_or(ServiceError::NotFound)?;
    customer::Entity::find_by_id(token.customer_id)
        .filter(customer::Column::TenantId.eq(tenant.id))
        .one(&state.db)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// Stops reminder emails for the token's debtor. Repeating it changes nothing.
pub async fn apply(state: &AppState, tenant: &TenantCtx, raw: &str, ip: &str) -> ServiceResult<()> {
    let who = debtor(state, tenant, raw, ip).await?;
    let txn = state.db.begin().await?;
    customer::Entity::update_many()
        .col_expr(customer::Column::PrefEmail, Expr::value(false))
        .filter(customer::Column::Id.eq(who.id))
        .filter(customer::Column::TenantId.eq(tenant.id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        state.clock.now(),
        tenant.id,
        Some(who.id),
        "debtor",
        "contact.email_reminders_stopped",
        serde_json::json!({ "via": "list-unsubscribe" }),
    )
    .await?;
    crate::outgoing::emit(
        &txn,
        state.clock.now(),
        tenant.id,
        "customer.updated",
        serde_json::json!({ "customer_number": who.customer_number, "changes": { "email_reminders": false } }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
