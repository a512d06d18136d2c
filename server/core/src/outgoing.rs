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

/// Many events of one tenant at once (a booking batch), their payloads serialized: one
/// multi-row statement per chunk.
pub async fn emit_many<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    tenant_id: i64,
    events: Vec<(&str, String)>,
) -> Result<(), DbErr> {
    let rows = events
        .into_iter()
        .map(|(kind, payload)| vec![kind.into(), payload.into()])
        .collect();
    crate::sql::insert_rows(
        db,
        "outgoing_events",
        &["kind", "payload"],
        &[("tenant_id", tenant_id.into()), ("created_at", now.into())],
        rows,
        None,
    )
    .await
    .map(|_| ())
}
