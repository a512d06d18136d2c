//! The events of a queued message, in the order they happened: what the debtor's timeline
//! shows next to each message.
use crate::entities::message_event;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};

pub async fn record<C: ConnectionTrait>(
    db: &C,
    tenant_id: i64,
    outbox_id: i64,
    kind: &str,
    detail: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    message_event::ActiveModel {
        tenant_id: Set(tenant_id),
        outbox_id: Set(outbox_id),
        kind: Set(kind.to_string()),
        // Provider error texts may be long; the event keeps the start.
        detail: Set(detail.chars().take(500).collect()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(|_| ())
}

/// A message that did not reach the debtor (a hard bounce, a failed SMS, a returned letter): its
/// event on the timeline, and `message.bounced` for the creditor's systems.
pub async fn undeliverable<C: ConnectionTrait>(
    db: &C,
    msg: &crate::entities::outbox::Model,
    kind: &str,
    detail: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    use crate::entities::{customer, invoice};
    use sea_orm::{EntityTrait, QuerySelect};
    record(db, msg.tenant_id, msg.id, kind, detail, now).await?;
    let customer_number: Option<String> = match msg.customer_id {
        Some(id) => {
            customer::Entity::find_by_id(id)
                .select_only()
                .column(customer::Column::CustomerNumber)
                .into_tuple()
                .one(db)
                .await?
        }
        None => None,
    };
    let invoice_number: Option<String> = match msg.invoice_id {
        Some(id) => {
            invoice::Entity::find_by_id(id)
                .select_only()
                .column(invoice::Column::Number)
                .into_tuple()
                .one(db)
                .await?
        }
        None => None,
    };
    crate::outgoing::emit(
        db,
        now,
        msg.tenant_id,
        "message.bounced",
        serde_json::json!({
            "message_id": msg.id,
            "channel": msg.channel,
            "kind": kind,
            "reason": detail.chars().take(200).collect::<String>(),
            "customer_number": customer_number,
            "invoice_number": invoice_number,
        }),
    )
    .await
}
