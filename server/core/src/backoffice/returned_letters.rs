//! A letter that came back undelivered ("retour afzender", "Empfänger unbekannt"): staff register
//! it on the debtor page. The message is marked returned (an event on the timeline), and the
//! postal address counts as invalid: the planner sends no letter there (a step falls back to its
//! next channel) until the address is corrected by staff or the debtor. It shows among the
//! delivery problems.
use super::debtors::find;
use super::local;
use crate::entities::{customer, outbox};
use crate::error::{ServiceError, ServiceResult};
use crate::staff::StaffScope;
use crate::tenant::TenantCtx;
use crate::{audit, message_events};
use chrono::{DateTime, NaiveDateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};
use serde_json::json;

/// Why the post brought it back.
pub const REASONS: [&str; 4] = ["moved", "unknown", "refused", "other"];

/// The debtor's letters that went out and may still come back: (message id, when sent).
pub async fn returnable<C: ConnectionTrait>(
    db: &C,
    tenant: &TenantCtx,
    customer_id: i64,
) -> ServiceResult<Vec<(i64, NaiveDateTime)>> {
    let rows = outbox::Entity::find()
        .select_only()
        .columns([outbox::Column::Id, outbox::Column::CreatedAt, outbox::Column::SentAt])
        .filter(outbox::Column::TenantId.eq(tenant.id))
        .filter(outbox::Column::CustomerId.eq(customer_id))
        .filter(outbox::Column::Channel.eq("letter"))
        .filter(outbox::Column::Status.eq("sent"))
        .order_by_desc(outbox::Column::Id)
        .limit(20)
        .into_tuple::<(i64, DateTime<Utc>, Option<DateTime<Utc>>)>()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, created, sent)| (id, local(tenant, sent.unwrap_or(created))))
        .collect())
}

/// Registers letter `outbox_id` of debtor `customer_id` as returned, all at once or not at all.
pub async fn register(
    db: &DatabaseConnection,
    scope: &StaffScope,
    customer_id: i64,
    outbox_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    if !REASONS.contains(&reason) {
        return Err(ServiceError::invalid("reason", "required"));
    }
    let tx = db.begin().await?;
    let c = find(&tx, scope, customer_id).await?;
    let letter = outbox::Entity::find_by_id(outbox_id)
        .filter(outbox::Column::TenantId.eq(scope.tenant_id()))
        .filter(outbox::Column::CustomerId.eq(c.id))
        .filter(outbox::Column::Channel.eq("letter"))
        .one(&tx)
        .await?
        .ok_or(ServiceError::invalid("letter", "letter_unknown"))?;
    match letter.status.as_str() {
        "sent" => {}
        "returned" => return Err(ServiceError::invalid("letter", "letter_already_returned")),
        _ => return Err(ServiceError::invalid("letter", "letter_not_sent")),
    }
    message_events::undeliverable(&tx, &letter, "returned", reason, now).await?;
    let mut row: outbox::ActiveModel = letter.into();
    row.status = Set("returned".into());
    row.last_error = Set(Some(format!("returned: {reason}")));
    row.update(&tx).await?;
    let first = c.address_invalid_at.is_none();
    let mut cust: customer::ActiveModel = c.into();
    if first {
        cust.address_invalid_at = Set(Some(now));
        cust.updated_at = Set(now);
        cust.update(&tx).await?;
    }
    audit::record(
        &tx,
        now,
        scope.tenant_id(),
        Some(customer_id),
        &scope.actor(),
        "letter_returned",
        json!({ "message": outbox_id, "reason": reason }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
