//! The statutory interest a step charges: accrued on the principal since the debtor fell into
//! default, less what the invoice's earlier reminders charged. Partial payments are not split
//! into periods; interest runs on today's open principal, which never overcharges.
use crate::entities::{invoice, reminder};
use crate::error::ServiceResult;
use chrono::{Duration, NaiveDate};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use settle_domain::dunning::fees::InterestRule;
use settle_domain::dunning::steps::{Step, StepKind};

/// A German consumer is in default after the first Mahnung (§ 286 (1) BGB), at the latest 30
/// days after the due date (§ 286 (3)).
const DE_DEFAULT_AFTER_DAYS: i64 = 30;

pub async fn due<C: ConnectionTrait>(
    db: &C,
    step: &Step,
    inv: &invoice::Model,
    today: NaiveDate,
) -> ServiceResult<i64> {
    if step.interest == InterestRule::None {
        return Ok(0);
    }
    let earlier = reminder::Entity::find()
        .filter(reminder::Column::InvoiceId.eq(inv.id))
        .filter(reminder::Column::Status.eq("issued"))
        .order_by_asc(reminder::Column::DueOn)
        .all(db)
        .await?;
    let charged: i64 = earlier.iter().map(|r| r.interest_cents).sum();
    let default_day = match step.interest {
        InterestRule::De => earlier
            .iter()
            .filter(|r| r.kind == StepKind::Reminder.as_str() && r.due_on >= inv.due_date)
            .filter_map(|r| r.issued_at.map(|t| t.date_naive()))
            .min()
            .unwrap_or(inv.due_date + Duration::days(DE_DEFAULT_AFTER_DAYS))
            .min(inv.due_date + Duration::days(DE_DEFAULT_AFTER_DAYS)),
        _ => inv.due_date,
    };
    let principal = inv.open_cents - inv.costs_open_cents - inv.interest_open_cents;
    Ok(step.interest.due_cents(principal, default_day, today, charged))
}
