//! Outgoing events for the creditor's systems (`outgoing_events`), written in the transaction
//! of the change they report; delivery is the webhooks' job.
use crate::entities::outgoing_event;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};

pub async fn emit<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    tenant_id: i64,
    kind: &str,
    payload: serde_json::Value,
) -> Result<(), DbErr> {
    outgoing_event::ActiveModel {
        tenant_id: Set(tenant_id),
        kind: Set(kind.to_string()),
        payload: Set(payload.to_string()),
        created_at: Set(now),
        delivered_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(|_| ())
}
