//! Audit events: who did what, when; details carry ids and codes, never PII or secrets.
use crate::entities::audit_event;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};

pub async fn record<C: ConnectionTrait>(
    db: &C,
    now: chrono::DateTime<chrono::Utc>,
    tenant_id: i64,
    customer_id: Option<i64>,
    actor: &str,
    action: &str,
    detail: serde_json::Value,
) -> Result<(), DbErr> {
    audit_event::ActiveModel {
        tenant_id: Set(tenant_id),
        customer_id: Set(customer_id),
        actor: Set(actor.to_string()),
        action: Set(action.to_string()),
        detail: Set(detail.to_string()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(|_| ())
}

/// A debtor's action without further detail (login failed, activation asked, ...).
pub async fn debtor<C: ConnectionTrait>(
    db: &C,
    now: chrono::DateTime<chrono::Utc>,
    tenant_id: i64,
    customer_id: i64,
    action: &str,
) -> Result<(), DbErr> {
    record(
        db,
        now,
        tenant_id,
        Some(customer_id),
        "debtor",
        action,
        serde_json::json!({}),
    )
    .await
}
