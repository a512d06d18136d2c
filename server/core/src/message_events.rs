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
