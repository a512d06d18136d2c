//! Delivery reports from providers, recorded as events of the message they are about.
use crate::channels::sms::DeliveryStatus;
use crate::entities::outbox;
use crate::error::ServiceResult;
use crate::message_events;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// Records an SMS provider's status for its message id. Unknown ids are ignored (a report for
/// a message of another tenant, or a forged one, changes nothing). Returns whether it matched.
pub async fn sms_report<C: ConnectionTrait>(
    db: &C,
    tenant_id: i64,
    provider_id: &str,
    status: DeliveryStatus,
    now: DateTime<Utc>,
) -> ServiceResult<bool> {
    let Some(msg) = outbox::Entity::find()
        .filter(outbox::Column::ProviderMessageId.eq(provider_id))
        .filter(outbox::Column::TenantId.eq(tenant_id))
        .filter(outbox::Column::Channel.eq("sms"))
        .one(db)
        .await?
    else {
        return Ok(false);
    };
    match status {
        DeliveryStatus::Sent => {}
        DeliveryStatus::Delivered => message_events::record(db, tenant_id, msg.id, "delivered", "", now).await?,
        DeliveryStatus::Failed | DeliveryStatus::Undelivered => {
            message_events::undeliverable(db, &msg, "failed", "", now).await?
        }
    }
    Ok(true)
}
