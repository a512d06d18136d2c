//! What happened, for the creditor's systems to read in order: the same events the signed
//! webhooks carry (`invoice.paid`, `dispute.opened`, ...), oldest first, after a cursor.
use super::{cursor_of, id_of, DEFAULT_LIMIT, MAX_LIMIT};
use crate::entities::outgoing_event;
use crate::error::{ServiceError, ServiceResult};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Event {
    pub id: i64,
    /// e.g. `invoice.paid`.
    #[serde(rename = "type")]
    #[schema(example = "invoice.paid")]
    pub kind: String,
    pub created_at: DateTime<Utc>,
    /// The event's content, as the webhook sends it.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct EventPage {
    pub items: Vec<Event>,
    /// Pass as `cursor` for what comes next. Always present: keep the last one and ask again
    /// later for newer events.
    pub next_cursor: String,
}

pub async fn list<C: ConnectionTrait>(
    db: &C,
    tenant_id: i64,
    cursor: Option<&str>,
    limit: Option<u64>,
) -> ServiceResult<EventPage> {
    let after = match cursor {
        None => 0,
        Some(c) => id_of(c).ok_or(ServiceError::invalid("cursor", "cursor_invalid"))?,
    };
    let limit = match limit {
        None => DEFAULT_LIMIT,
        Some(n) if (1..=MAX_LIMIT).contains(&n) => n,
        Some(_) => return Err(ServiceError::invalid("limit", "limit_invalid")),
    };
    let rows = outgoing_event::Entity::find()
        .filter(outgoing_event::Column::TenantId.eq(tenant_id))
        .filter(outgoing_event::Column::Id.gt(after))
        .order_by_asc(outgoing_event::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let last = rows.last().map_or(after, |r| r.id);
    Ok(EventPage {
        items: rows
            .into_iter()
            .map(|e| Event {
                id: e.id,
                kind: e.kind,
                created_at: e.created_at,
                data: serde_json::from_str(&e.payload).unwrap_or(serde_json::Value::Null),
            })
            .collect(),
        next_cursor: cursor_of(last),
    })
}
