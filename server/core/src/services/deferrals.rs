//! "Pay later": a debtor moves an open invoice's due date, once, by up to the tenant's number of
//! days, and it is done at once; anything beyond that becomes a request for staff. A moved due
//! date moves the whole dunning schedule with it: reminders planned but not yet sent are
//! cancelled, and the planner decides again from the new date on its next pass.
use crate::entities::{invoice, reminder, self_service_setting, staff_task};
use crate::error::{ServiceError, ServiceResult};
use crate::scope::DebtorScope;
use crate::services::auth::Caller;
use crate::state::AppState;
use crate::{audit, outgoing};
use chrono::{Duration, NaiveDate};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TransactionTrait};
use serde_json::json;
use settle_domain::dunning::steps::day_number;

pub const DEFAULT_MAX_DAYS: i32 = 14;

#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The due date moved.
    Granted,
    /// Beyond policy: staff decide.
    Requested,
}

async fn max_days<C: ConnectionTrait>(db: &C, tenant_id: i64) -> ServiceResult<i32> {
    Ok(self_service_setting::Entity::find_by_id(tenant_id)
        .one(db)
        .await?
        .map_or(DEFAULT_MAX_DAYS, |s| s.deferral_max_days))
}

/// Open, unpaid and held by nothing: a new date may be asked for.
pub fn movable(inv: &invoice::Model) -> bool {
    settle_domain::views::self_service_open(&inv.status, inv.open_cents, inv.dunning_hold.as_deref())
}

/// The latest due date the debtor may choose at once, or None when the invoice cannot move.
pub async fn latest<C: ConnectionTrait>(db: &C, inv: &invoice::Model) -> ServiceResult<Option<NaiveDate>> {
    if !movable(inv) || inv.deferred_from.is_some() {
        return Ok(None);
    }
    let days = max_days(db, inv.tenant_id).await?;
    Ok((days > 0).then(|| inv.due_date + Duration::days(i64::from(days))))
}

/// Moves the due date, keeping the first original one: the dunning schedule moves with it
/// (planned reminders are cancelled; the planner decides again from the new date).
async fn move_due<C: ConnectionTrait>(
    db: &C,
    inv: &invoice::Model,
    until: NaiveDate,
    today: NaiveDate,
    now: chrono::DateTime<chrono::Utc>,
) -> ServiceResult<()> {
    invoice::Entity::update_many()
        .col_expr(invoice::Column::DueDate, Expr::value(until))
        .col_expr(invoice::Column::DueDay, Expr::value(day_number(until)))
        .col_expr(
            invoice::Column::DeferredFrom,
            Expr::value(Some(inv.deferred_from.unwrap_or(inv.due_date))),
        )
        .col_expr(invoice::Column::DunningNextDay, Expr::value(day_number(today)))
        .col_expr(invoice::Column::UpdatedAt, Expr::value(now))
        .filter(invoice::Column::Id.eq(inv.id))
        .filter(invoice::Column::DueDate.eq(inv.due_date))
        .exec(db)
        .await?;
    reminder::Entity::update_many()
        .col_expr(reminder::Column::Status, Expr::value("cancelled"))
        .col_expr(reminder::Column::Reason, Expr::value("deferred"))
        .filter(reminder::Column::InvoiceId.eq(inv.id))
        .filter(reminder::Column::Status.eq("planned"))
        .exec(db)
        .await?;
    Ok(())
}

/// What staff decide on a request for a later date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Approve,
    /// Another date than asked for.
    Counter(NaiveDate),
    Reject,
}

/// Staff decide a deferral request (a staff task): the date as asked, another date, or no.
/// The debtor is told by email.
pub async fn decide(
    db: &sea_orm::DatabaseConnection,
    tenant: &crate::tenant::TenantCtx,
    actor: &str,
    task_id: i64,
    decision: Decision,
    explanation: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> ServiceResult<()> {
    // Emailed to the debtor: the text rule, and a length an email can carry.
    let explanation =
        settle_domain::text::block(explanation, 2_000).map_err(|code| ServiceError::invalid("explanation", code))?;
    let explanation = explanation.as_str();
    if decision == Decision::Reject && explanation.is_empty() {
        return Err(ServiceError::invalid("explanation", "required"));
    }
    let today = tenant.today(now);
    let tx = db.begin().await?;
    let task = staff_task::Entity::find_by_id(task_id)
        .filter(staff_task::Column::TenantId.eq(tenant.id))
        .filter(staff_task::Column::Kind.eq("deferral_request"))
        .filter(staff_task::Column::Status.eq("open"))
        .one(&tx)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let inv = invoice::Entity::find_by_id(task.invoice_id.unwrap_or_default())
        .filter(invoice::Column::TenantId.eq(tenant.id))
        .one(&tx)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let asked = serde_json::from_str::<serde_json::Value>(&task.detail)
        .ok()
        .and_then(|d| {
            d["until"]
                .as_str()
                .and_then(|u| NaiveDate::parse_from_str(u, "%Y-%m-%d").ok())
        });
    let until = match decision {
        Decision::Approve => Some(asked.ok_or_else(|| ServiceError::invalid("until", "date_invalid"))?),
        Decision::Counter(d) => Some(d),
        Decision::Reject => None,
    };
    if let Some(until) = until {
        if until <= inv.due_date.max(today) {
            return Err(ServiceError::invalid("until", "date_too_early"));
        }
        if inv.status != "open" || inv.open_cents <= 0 {
            return Err(ServiceError::invalid("form", "invoice_not_open"));
        }
        move_due(&tx, &inv, until, today, now).await?;
    }
    crate::services::requests::close(&tx, &task, actor, until.is_some(), explanation, now).await?;
    crate::services::requests::tell(
        &tx,
        tenant,
        inv.customer_id,
        "deferral",
        until,
        explanation,
        &format!("/invoices/{}", inv.number),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn defer(
    state: &AppState,
    c: &Caller<'_>,
    scope: &DebtorScope,
    number: &str,
    until: &str,
) -> ServiceResult<Outcome> {
    scope.require_full()?;
    let until = NaiveDate::parse_from_str(until.trim(), "%Y-%m-%d")
        .map_err(|_| ServiceError::invalid("until", "date_invalid"))?;
    let now = state.clock.now();
    let today = c.tenant.today(now);
    let tx = state.db.begin().await?;
    let inv = crate::services::invoices::find_scoped(&tx, scope, number).await?;
    if !movable(&inv) {
        return Err(ServiceError::invalid("form", "deferral_not_possible"));
    }
    if until <= inv.due_date.max(today) {
        return Err(ServiceError::invalid("until", "date_too_early"));
    }
    let within = latest(&tx, &inv).await?.is_some_and(|max| until <= max);
    let outcome = if within {
        move_due(&tx, &inv, until, today, now).await?;
        Outcome::Granted
    } else {
        let pending = staff_task::Entity::find()
            .filter(staff_task::Column::InvoiceId.eq(inv.id))
            .filter(staff_task::Column::Kind.eq("deferral_request"))
            .filter(staff_task::Column::Status.eq("open"))
            .one(&tx)
            .await?;
        if pending.is_some() {
            return Err(ServiceError::invalid("form", "deferral_pending"));
        }
        staff_task::ActiveModel {
            tenant_id: Set(scope.tenant_id()),
            customer_id: Set(scope.customer_id()),
            invoice_id: Set(Some(inv.id)),
            kind: Set("deferral_request".into()),
            status: Set("open".into()),
            detail: Set(json!({ "invoice": inv.number, "due": inv.due_date, "until": until }).to_string()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
        Outcome::Requested
    };
    let status = if outcome == Outcome::Granted {
        "granted"
    } else {
        "pending"
    };
    audit::record(
        &tx,
        now,
        scope.tenant_id(),
        Some(scope.customer_id()),
        "debtor",
        "deferral",
        json!({ "invoice_id": inv.id, "until": until, "status": status }),
    )
    .await?;
    outgoing::emit(
        &tx,
        now,
        scope.tenant_id(),
        "deferral.requested",
        json!({ "invoice_number": inv.number, "due_date": inv.due_date, "until": until, "status": status }),
    )
    .await?;
    tx.commit().await?;
    Ok(outcome)
}
