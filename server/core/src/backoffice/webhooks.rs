//! Webhooks in the back office (admins): the tenant's endpoints with what waits and what failed,
//! a new endpoint (its signing secret shown once), a new secret, removal, and each endpoint's
//! delivery log with redelivery. The same rules as through the API (`crate::webhooks`).
use super::local;
use crate::entities::webhook_delivery;
use crate::error::ServiceResult;
use crate::staff::{Role, StaffScope};
use crate::state::AppState;
use crate::tenant::TenantCtx;
use crate::webhooks::{self, Endpoint, EVENT_TYPES};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;
use settle_domain::backoffice::{WebhookDeliveryRow, WebhookRow, WebhooksPageView};

async fn row(db: &DatabaseConnection, tenant: &TenantCtx, e: Endpoint) -> ServiceResult<WebhookRow> {
    let count = |status: &'static str| {
        webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::TenantId.eq(tenant.id))
            .filter(webhook_delivery::Column::EndpointId.eq(e.id))
            .filter(webhook_delivery::Column::Status.eq(status))
            .count(db)
    };
    let (pending, failed) = (count("pending").await?, count("failed").await?);
    let last_delivered = webhook_delivery::Entity::find()
        .select_only()
        .column(webhook_delivery::Column::DeliveredAt)
        .filter(webhook_delivery::Column::TenantId.eq(tenant.id))
        .filter(webhook_delivery::Column::EndpointId.eq(e.id))
        .filter(webhook_delivery::Column::DeliveredAt.is_not_null())
        .order_by_desc(webhook_delivery::Column::DeliveredAt)
        .into_tuple::<Option<chrono::DateTime<chrono::Utc>>>()
        .one(db)
        .await?
        .flatten();
    Ok(WebhookRow {
        id: e.id,
        url: e.url,
        events: e.events,
        created: local(tenant, e.created_at),
        pending,
        failed,
        last_delivered: last_delivered.map(|t| local(tenant, t)),
    })
}

/// The page: every live endpoint, and with `selected` that endpoint's last 100 deliveries.
pub async fn page(
    db: &DatabaseConnection,
    tenant: &TenantCtx,
    scope: &StaffScope,
    selected: Option<i64>,
) -> ServiceResult<WebhooksPageView> {
    scope.require(Role::Admin)?;
    let mut endpoints = Vec::new();
    for e in webhooks::list(db, tenant.id).await? {
        endpoints.push(row(db, tenant, e).await?);
    }
    let log = match selected {
        None => None,
        Some(id) => {
            let shown = endpoints
                .iter()
                .find(|e| e.id == id)
                .cloned()
                .ok_or(crate::error::ServiceError::NotFound)?;
            let deliveries = webhooks::deliveries(db, tenant.id, id).await?;
            let rows = deliveries
                .into_iter()
                .map(|d| {
                    let answer = match (d.last_status, d.last_response, d.last_error) {
                        (Some(code), body, _) => {
                            let body: String = body.unwrap_or_default().chars().take(120).collect();
                            format!("HTTP {code} {body}").trim().to_string()
                        }
                        (None, _, Some(error)) => error,
                        _ => String::new(),
                    };
                    WebhookDeliveryRow {
                        id: d.id,
                        event_type: d.event_type,
                        next_attempt: (d.status == "pending").then(|| local(tenant, d.next_attempt_at)),
                        status: d.status,
                        attempts: d.attempts,
                        created: local(tenant, d.created_at),
                        delivered: d.delivered_at.map(|t| local(tenant, t)),
                        answer,
                    }
                })
                .collect();
            Some((shown, rows))
        }
    };
    Ok(WebhooksPageView {
        endpoints,
        event_types: EVENT_TYPES.iter().map(|t| t.to_string()).collect(),
        secret_once: None,
        log,
    })
}

async fn audit(state: &AppState, scope: &StaffScope, action: &str, detail: serde_json::Value) -> ServiceResult<()> {
    let now = state.clock.now();
    crate::audit::record(&state.db, now, scope.tenant_id(), None, &scope.actor(), action, detail).await?;
    Ok(())
}

/// A new endpoint; the returned secret is shown once.
pub async fn create(state: &AppState, scope: &StaffScope, url: &str, events: &[String]) -> ServiceResult<String> {
    scope.require(Role::Admin)?;
    let now = state.clock.now();
    let e = webhooks::create(
        &state.db,
        &state.keys,
        state.webhook_policy(),
        scope.tenant_id(),
        url,
        events,
        now,
    )
    .await?;
    audit(
        state,
        scope,
        "webhook_created",
        json!({ "endpoint": e.id, "url": e.url, "events": e.events }),
    )
    .await?;
    Ok(e.secret.unwrap_or_default())
}

/// A new secret beside the current one; the returned secret is shown once.
pub async fn rotate(state: &AppState, scope: &StaffScope, id: i64) -> ServiceResult<String> {
    scope.require(Role::Admin)?;
    let e = webhooks::rotate(&state.db, &state.keys, scope.tenant_id(), id).await?;
    audit(state, scope, "webhook_rotated", json!({ "endpoint": id })).await?;
    Ok(e.secret.unwrap_or_default())
}

pub async fn remove(state: &AppState, scope: &StaffScope, id: i64) -> ServiceResult<()> {
    scope.require(Role::Admin)?;
    webhooks::remove(&state.db, scope.tenant_id(), id, state.clock.now()).await?;
    audit(state, scope, "webhook_removed", json!({ "endpoint": id })).await
}

pub async fn redeliver(state: &AppState, scope: &StaffScope, id: i64, delivery: i64) -> ServiceResult<()> {
    scope.require(Role::Admin)?;
    webhooks::redeliver(&state.db, scope.tenant_id(), id, delivery, state.clock.now()).await?;
    audit(
        state,
        scope,
        "webhook_redelivered",
        json!({ "endpoint": id, "delivery": delivery }),
    )
    .await
}
