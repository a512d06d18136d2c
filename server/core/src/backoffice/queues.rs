//! The work queues: callbacks by slot (claim, reschedule, log the outcome, which closes it) and
//! disputes (accept with a correction, or reject with an explanation the debtor reads), with
//! the counts the back office home shows.
use super::debtors::{callback_row, dispute_row};
use crate::audit;
use crate::entities::{callback, customer, dispute, invoice, outbox, payment, staff_task};
use crate::error::{ServiceError, ServiceResult};
use crate::scope::{AuthLevel, DebtorScope};
use crate::services::disputes::{self, Decision};
use crate::staff::StaffScope;
use crate::state::AppState;
use crate::tenant::TenantCtx;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, TransactionTrait};
use serde_json::json;
use settle_domain::backoffice::{CallbackRow, DisputeQueueRow, QueueCounts};
use settle_domain::money::Money;
use std::collections::HashMap;

pub async fn counts<C: ConnectionTrait>(db: &C, scope: &StaffScope, now: DateTime<Utc>) -> ServiceResult<QueueCounts> {
    let tid = scope.tenant_id();
    let open_disputes = || {
        dispute::Entity::find()
            .filter(dispute::Column::TenantId.eq(tid))
            .filter(dispute::Column::Status.eq("open"))
    };
    Ok(QueueCounts {
        callbacks: callback::Entity::find()
            .filter(callback::Column::TenantId.eq(tid))
            .filter(callback::Column::Status.eq("booked"))
            .count(db)
            .await?,
        disputes: open_disputes().count(db).await?,
        disputes_overdue: open_disputes()
            .filter(dispute::Column::SlaDueAt.lt(now))
            .count(db)
            .await?,
        requests: staff_task::Entity::find()
            .filter(staff_task::Column::TenantId.eq(tid))
            .filter(staff_task::Column::Status.eq("open"))
            .filter(staff_task::Column::Kind.is_in(["plan_request", "deferral_request"]))
            .count(db)
            .await?,
        unmatched: payment::Entity::find()
            .filter(payment::Column::TenantId.eq(tid))
            .filter(payment::Column::MatchState.eq("unmatched"))
            .filter(payment::Column::UnallocatedCents.gt(0))
            .count(db)
            .await?,
        delivery: outbox::Entity::find()
            .filter(outbox::Column::TenantId.eq(tid))
            .filter(outbox::Column::Status.is_in(["failed", "bounced"]))
            .count(db)
            .await?,
    })
}

async fn debtor_names<C: ConnectionTrait>(
    db: &C,
    scope: &StaffScope,
    ids: impl IntoIterator<Item = i64>,
) -> ServiceResult<HashMap<i64, String>> {
    Ok(customer::Entity::find()
        .filter(customer::Column::TenantId.eq(scope.tenant_id()))
        .filter(customer::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect())
}

/// Booked callbacks, earliest slot first.
pub async fn callbacks<C: ConnectionTrait>(
    db: &C,
    tenant: &TenantCtx,
    scope: &StaffScope,
) -> ServiceResult<Vec<CallbackRow>> {
    let rows = callback::Entity::find()
        .filter(callback::Column::TenantId.eq(scope.tenant_id()))
        .filter(callback::Column::Status.eq("booked"))
        .order_by_asc(callback::Column::SlotStart)
        .all(db)
        .await?;
    let staff = super::staff_names(db, scope.tenant_id()).await?;
    let debtors = debtor_names(db, scope, rows.iter().map(|r| r.customer_id)).await?;
    Ok(rows
        .iter()
        .map(|r| {
            let name = debtors.get(&r.customer_id).cloned().unwrap_or_default();
            callback_row(tenant, scope, r, &name, &staff)
        })
        .collect())
}

async fn booked<C: ConnectionTrait>(db: &C, scope: &StaffScope, id: i64) -> ServiceResult<callback::Model> {
    callback::Entity::find_by_id(id)
        .filter(callback::Column::TenantId.eq(scope.tenant_id()))
        .filter(callback::Column::Status.eq("booked"))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// Takes a callback: nobody else works it unless it is released (by logging its outcome).
pub async fn claim(state: &AppState, scope: &StaffScope, id: i64) -> ServiceResult<()> {
    let now = state.clock.now();
    let row = booked(&state.db, scope, id).await?;
    let taken = callback::Entity::update_many()
        .col_expr(callback::Column::ClaimedBy, Expr::value(Some(scope.staff_id())))
        .col_expr(callback::Column::UpdatedAt, Expr::value(now))
        .filter(callback::Column::Id.eq(row.id))
        .filter(
            Condition::any()
                .add(callback::Column::ClaimedBy.is_null())
                .add(callback::Column::ClaimedBy.eq(scope.staff_id())),
        )
        .exec(&state.db)
        .await?
        .rows_affected;
    if taken != 1 {
        return Err(ServiceError::invalid("form", "claimed_by_other"));
    }
    audit::record(
        &state.db,
        now,
        scope.tenant_id(),
        Some(row.customer_id),
        &scope.actor(),
        "callback_claimed",
        json!({ "callback_id": row.id }),
    )
    .await?;
    Ok(())
}

/// How a callback went: reached, not reached, or a promise to pay by a date. Closes it; its
/// hold on dunning lifts.
pub async fn outcome(
    state: &AppState,
    tenant: &TenantCtx,
    scope: &StaffScope,
    id: i64,
    outcome: &str,
    note: &str,
    promised_on: &str,
) -> ServiceResult<()> {
    let now = state.clock.now();
    let today = tenant.today(now);
    if !["reached", "not_reached", "promise"].contains(&outcome) {
        return Err(ServiceError::invalid("outcome", "required"));
    }
    let promised = match outcome {
        "promise" => Some(
            NaiveDate::parse_from_str(promised_on.trim(), "%Y-%m-%d")
                .ok()
                .filter(|d| *d >= today)
                .ok_or_else(|| ServiceError::invalid("promised_on", "date_invalid"))?,
        ),
        _ => None,
    };
    let note = settle_domain::text::block(note, 2_000).map_err(|code| ServiceError::invalid("note", code))?;
    let note = note.as_str();
    let tx = state.db.begin().await?;
    let row = booked(&tx, scope, id).await?;
    if row.claimed_by.is_some_and(|s| s != scope.staff_id()) {
        return Err(ServiceError::invalid("form", "claimed_by_other"));
    }
    let done = callback::Entity::update_many()
        .col_expr(callback::Column::Status, Expr::value("done"))
        .col_expr(callback::Column::ClaimedBy, Expr::value(Some(scope.staff_id())))
        .col_expr(callback::Column::Outcome, Expr::value(Some(outcome)))
        .col_expr(
            callback::Column::OutcomeNote,
            Expr::value((!note.is_empty()).then(|| note.to_string())),
        )
        .col_expr(callback::Column::PromisedOn, Expr::value(promised))
        .col_expr(callback::Column::UpdatedAt, Expr::value(now))
        .filter(callback::Column::Id.eq(row.id))
        .filter(callback::Column::Status.eq("booked"))
        .exec(&tx)
        .await?
        .rows_affected;
    if done != 1 {
        return Err(ServiceError::NotFound);
    }
    if row.holds_dunning {
        let owner = DebtorScope::new(scope.tenant_id(), row.customer_id, AuthLevel::Full);
        let named: Vec<&str> = row
            .invoices
            .split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .collect();
        crate::services::holds::refresh(&tx, &owner, &named, now).await?;
    }
    audit::record(
        &tx,
        now,
        scope.tenant_id(),
        Some(row.customer_id),
        &scope.actor(),
        "callback_closed",
        json!({ "callback_id": row.id, "outcome": outcome, "promised_on": promised, "note": note }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Moves a booked callback to another offered slot (the debtor is told, as when they move it).
pub async fn reschedule(
    state: &AppState,
    tenant: &TenantCtx,
    scope: &StaffScope,
    id: i64,
    slot: &str,
) -> ServiceResult<()> {
    let row = booked(&state.db, scope, id).await?;
    let owner = DebtorScope::new(scope.tenant_id(), row.customer_id, AuthLevel::Full);
    crate::services::callbacks::reschedule(state, tenant, &owner, row.id, slot).await?;
    audit::record(
        &state.db,
        state.clock.now(),
        scope.tenant_id(),
        Some(row.customer_id),
        &scope.actor(),
        "callback_rescheduled",
        json!({ "callback_id": row.id, "slot": slot }),
    )
    .await?;
    Ok(())
}

/// Open disputes, those past their SLA first, then oldest first.
pub async fn disputes<C: ConnectionTrait>(
    db: &C,
    tenant: &TenantCtx,
    scope: &StaffScope,
    now: DateTime<Utc>,
) -> ServiceResult<Vec<DisputeQueueRow>> {
    let rows = dispute::Entity::find()
        .filter(dispute::Column::TenantId.eq(scope.tenant_id()))
        .filter(dispute::Column::Status.eq("open"))
        .order_by_asc(dispute::Column::SlaDueAt)
        .all(db)
        .await?;
    let invoices: HashMap<i64, invoice::Model> = invoice::Entity::find()
        .filter(invoice::Column::TenantId.eq(scope.tenant_id()))
        .filter(invoice::Column::Id.is_in(rows.iter().map(|d| d.invoice_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.id, i))
        .collect();
    let debtors = debtor_names(db, scope, rows.iter().map(|d| d.customer_id)).await?;
    Ok(rows
        .iter()
        .map(|d| {
            let inv = invoices.get(&d.invoice_id);
            DisputeQueueRow {
                dispute: dispute_row(tenant, d, inv.map(|i| i.number.clone()).unwrap_or_default(), now),
                debtor_id: d.customer_id,
                debtor: debtors.get(&d.customer_id).cloned().unwrap_or_default(),
                open: Money::eur(inv.map(|i| i.open_cents).unwrap_or_default()),
            }
        })
        .collect())
}

/// Decides a dispute: `decision` is reject, accept, cancel or credit (with `credit` in euros).
pub async fn decide(
    state: &AppState,
    tenant: &TenantCtx,
    scope: &StaffScope,
    id: i64,
    decision: &str,
    credit: &str,
    explanation: &str,
) -> ServiceResult<()> {
    let decision = match decision {
        "reject" => Decision::Reject,
        "accept" => Decision::Accept,
        "cancel" => Decision::AcceptCancel,
        "credit" => {
            let cents = settle_domain::money::Money::parse_decimal(credit.trim(), settle_domain::money::Currency::Eur)
                .map_err(|_| ServiceError::invalid("credit", "amount_invalid"))?
                .cents;
            Decision::AcceptCredit(cents)
        }
        _ => return Err(ServiceError::invalid("decision", "required")),
    };
    disputes::resolve(
        &state.db,
        tenant,
        &scope.actor(),
        id,
        decision,
        explanation,
        state.clock.now(),
    )
    .await
}
