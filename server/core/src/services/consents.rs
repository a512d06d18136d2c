//! Consent records: each time a debtor gives or withdraws consent for reminders by SMS or for
//! counting opens and clicks of reminder emails, one row saying what, when, how and in which
//! language the wording was shown. The current state lives on the customer row
//! (`sms_consent_at`, `tracking_refused_at`); these rows are the proof and the history.
use crate::entities::consent;
use crate::tenant::TenantCtx;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};
use settle_domain::locale::Locale;
use settle_domain::views::ConsentRow;

pub const SMS: &str = "sms";
pub const TRACKING: &str = "tracking";
/// Automated reminder calls.
pub const VOICE: &str = "voice";

/// Who recorded a consent and how.
pub struct Recorded<'a> {
    /// `portal` or `backoffice`.
    pub source: &'a str,
    /// `staff:{id}` when staff recorded it.
    pub actor: Option<&'a str>,
    pub locale: Locale,
    pub at: DateTime<Utc>,
}

/// Writes one record, in the caller's transaction.
pub async fn record<C: ConnectionTrait>(
    db: &C,
    tenant_id: i64,
    customer_id: i64,
    purpose: &str,
    granted: bool,
    how: &Recorded<'_>,
) -> Result<(), DbErr> {
    consent::ActiveModel {
        tenant_id: Set(tenant_id),
        customer_id: Set(customer_id),
        purpose: Set(purpose.to_string()),
        granted: Set(granted),
        source: Set(how.source.to_string()),
        actor: Set(how.actor.map(str::to_string)),
        locale: Set(how.locale.code().to_string()),
        recorded_at: Set(how.at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The debtor's records, newest first, in the tenant's time.
pub async fn history<C: ConnectionTrait>(
    db: &C,
    tenant: &TenantCtx,
    customer_id: i64,
) -> Result<Vec<ConsentRow>, DbErr> {
    Ok(consent::Entity::find()
        .filter(consent::Column::TenantId.eq(tenant.id))
        .filter(consent::Column::CustomerId.eq(customer_id))
        .order_by_desc(consent::Column::RecordedAt)
        .order_by_desc(consent::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|r| ConsentRow {
            at: r.recorded_at.with_timezone(&tenant.tz).naive_local(),
            purpose: r.purpose,
            granted: r.granted,
            source: r.source,
        })
        .collect())
}
