//! Payment plans for one invoice or several together: within the tenant's policy the debtor
//! chooses the invoices, the number of instalments and the first date, sees the schedule and
//! accepts it, and the plan binds at once (the invoices' dunning holds; each instalment gets its
//! own RF reference, which pays the plan's invoices in order, and its own payment link). Outside
//! the policy the proposal goes to staff. Progress is what was paid on the plan's invoices since
//! it started, against the cumulative schedule (see `progress`); `upkeep` reminds, breaks and
//! completes plans.
mod progress;
pub mod requests;
mod upkeep;

pub use progress::view_of;
pub(crate) use progress::Progress;
pub use upkeep::{check, instalment_link, remind, REMIND_DAYS_BEFORE};

use crate::entities::{
    invoice, payment_plan, payment_reference, plan_instalment, plan_invoice, self_service_setting, staff_task,
};
use crate::error::{unique_or, ServiceError, ServiceResult};
use crate::scope::DebtorScope;
use crate::services::auth::Caller;
use crate::services::checkout::{self, Amount, Order};
use crate::services::invoices::find_scoped;
use crate::state::AppState;
use crate::tenant::TenantCtx;
use crate::{audit, outgoing};
use chrono::{Duration, NaiveDate};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};
use serde_json::json;
use settle_domain::locale::Locale;
use settle_domain::money::Money;
use settle_domain::payment_plans::{outside_policy, schedule, PlanPolicy};
use settle_domain::rf::RfReference;
use settle_domain::views::self_service_open;
use settle_domain::views::{PlanCandidate, PlanPageView};

/// The most instalments the form offers (beyond the policy they become a request).
pub const MAX_OFFERED: u32 = 12;
/// The most invoices one plan covers.
pub const MAX_INVOICES: usize = 20;
/// The purpose under which instalment payment links are stored.
pub const LINK_PURPOSE: &str = "instalment_link";

async fn policy<C: ConnectionTrait>(db: &C, tenant_id: i64) -> ServiceResult<(PlanPolicy, i64)> {
    let s = self_service_setting::Entity::find_by_id(tenant_id).one(db).await?;
    let d = PlanPolicy::default();
    Ok(match s {
        Some(s) => (
            PlanPolicy {
                min_total_cents: s.plan_min_total_cents,
                max_instalments: u32::try_from(s.plan_max_instalments).unwrap_or(d.max_instalments),
                min_instalment_cents: s.plan_min_instalment_cents,
                first_due_within_days: i64::from(s.plan_first_due_days),
            },
            i64::from(s.plan_grace_days),
        ),
        None => (d, 7),
    })
}

/// The debtor's invoices a plan may cover now (open, owing, no hold), oldest due first: the
/// order in which the plan's payments settle them.
async fn candidates<C: ConnectionTrait>(db: &C, scope: &DebtorScope) -> ServiceResult<Vec<invoice::Model>> {
    Ok(invoice::Entity::find()
        .filter(invoice::Column::TenantId.eq(scope.tenant_id()))
        .filter(invoice::Column::CustomerId.eq(scope.customer_id()))
        .filter(invoice::Column::Status.eq("open"))
        .filter(invoice::Column::OpenCents.gt(0))
        .filter(invoice::Column::DunningHold.is_null())
        .order_by_asc(invoice::Column::DueDate)
        .order_by_asc(invoice::Column::Number)
        .all(db)
        .await?)
}

/// The invoice the page is for and the others asked for, as a sorted set of numbers.
fn wanted(number: &str, also: &[String]) -> Vec<String> {
    let mut all: Vec<String> = std::iter::once(number.to_string())
        .chain(also.iter().map(|n| n.trim().to_string()))
        .filter(|n| !n.is_empty())
        .collect();
    all.sort();
    all.dedup();
    all
}

pub async fn page(
    state: &AppState,
    tenant: &TenantCtx,
    scope: &DebtorScope,
    number: &str,
    also: &[String],
    asked: Option<(u32, NaiveDate)>,
) -> ServiceResult<PlanPageView> {
    let inv = find_scoped(&state.db, scope, number).await?;
    let (p, _) = policy(&state.db, tenant.id).await?;
    let today = tenant.today(state.clock.now());
    let wanted = wanted(number, also);
    let candidates = candidates(&state.db, scope).await?;
    let total: i64 = candidates
        .iter()
        .filter(|c| wanted.contains(&c.number))
        .map(|c| c.open_cents)
        .sum();
    let chosen = asked.filter(|(n, first)| (2..=MAX_OFFERED).contains(n) && *first >= today);
    let cur = |c: i64| Money::eur(c);
    Ok(PlanPageView {
        number: inv.number.clone(),
        own_open: cur(inv.open_cents),
        total: cur(total),
        can_plan: self_service_open(&inv.status, inv.open_cents, inv.dunning_hold.as_deref()),
        candidates: candidates
            .iter()
            .map(|c| PlanCandidate {
                number: c.number.clone(),
                open: cur(c.open_cents),
                due: c.due_date,
                chosen: wanted.contains(&c.number),
            })
            .collect(),
        max_instalments: MAX_OFFERED,
        first_due_max: today + Duration::days(p.first_due_within_days),
        preview: chosen.map(|(n, first)| {
            schedule(total, n, first)
                .into_iter()
                .map(|i| (i.due, cur(i.cents)))
                .collect()
        }),
        chosen,
        outside: chosen
            .map(|(n, first)| {
                outside_policy(&p, total, n, first, today)
                    .into_iter()
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default(),
    })
}

#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Active,
    Requested,
}

/// What the debtor submitted on the plan page.
pub struct Proposal<'a> {
    /// The invoice whose page it came from.
    pub number: &'a str,
    /// Other invoices to include.
    pub also: &'a [String],
    pub n: &'a str,
    pub first: &'a str,
}

/// Accepts the schedule for `n` instalments from `first` over the chosen invoices: binding at
/// once within policy, a request for staff otherwise.
pub async fn accept(
    state: &AppState,
    c: &Caller<'_>,
    scope: &DebtorScope,
    proposal: &Proposal<'_>,
) -> ServiceResult<Outcome> {
    scope.require_full()?;
    let n: u32 = proposal
        .n
        .trim()
        .parse()
        .ok()
        .filter(|n| (2..=MAX_OFFERED).contains(n))
        .ok_or_else(|| ServiceError::invalid("n", "plan_instalments_out_of_range"))?;
    let now = state.clock.now();
    let today = c.tenant.today(now);
    let first = NaiveDate::parse_from_str(proposal.first.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| *d >= today)
        .ok_or_else(|| ServiceError::invalid("first", "date_invalid"))?;
    let wanted = wanted(proposal.number, proposal.also);
    if wanted.len() > MAX_INVOICES {
        return Err(ServiceError::invalid("form", "too_many_invoices"));
    }
    let (p, _) = policy(&state.db, c.tenant.id).await?;
    let tx = state.db.begin().await?;
    let mut invoices = Vec::with_capacity(wanted.len());
    for number in &wanted {
        // Another debtor's invoice, or none at all: not found, whichever it was.
        let inv = find_scoped(&tx, scope, number).await?;
        if !self_service_open(&inv.status, inv.open_cents, inv.dunning_hold.as_deref()) {
            return Err(ServiceError::invalid("form", "plan_not_possible"));
        }
        invoices.push(inv);
    }
    invoices.sort_by(|a, b| (a.due_date, &a.number).cmp(&(b.due_date, &b.number)));
    let page_invoice = invoices
        .iter()
        .find(|i| i.number == proposal.number)
        .map(|i| i.id)
        .ok_or(ServiceError::NotFound)?;
    let total: i64 = invoices.iter().map(|i| i.open_cents).sum();
    let reasons = outside_policy(&p, total, n, first, today);
    let within = reasons.is_empty();
    let plan = payment_plan::ActiveModel {
        tenant_id: Set(scope.tenant_id()),
        customer_id: Set(scope.customer_id()),
        invoice_id: Set(page_invoice),
        status: Set(if within { "active" } else { "requested" }.into()),
        total_cents: Set(total),
        paid_at_start_cents: Set(invoices.iter().map(|i| i.amount_cents - i.open_cents).sum()),
        instalments: Set(i32::try_from(n).unwrap_or(i32::MAX)),
        created_at: Set(now),
        ended_at: Set(None),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    for (seq, inv) in (1..).zip(&invoices) {
        plan_invoice::ActiveModel {
            tenant_id: Set(scope.tenant_id()),
            plan_id: Set(plan.id),
            invoice_id: Set(inv.id),
            seq: Set(seq),
            paid_at_start_cents: Set(inv.amount_cents - inv.open_cents),
            live: Set(true),
            ..Default::default()
        }
        .insert(&tx)
        .await
        // The partial unique index: an invoice already in a live plan (a double submit).
        .map_err(|e| unique_or(e, "plan_exists"))?;
    }
    write_schedule(&tx, &plan, total, n, first).await?;
    let numbers: Vec<&str> = invoices.iter().map(|i| i.number.as_str()).collect();
    let outcome = if within {
        activate(&tx, &plan, now).await?;
        Outcome::Active
    } else {
        staff_task::ActiveModel {
            tenant_id: Set(scope.tenant_id()),
            customer_id: Set(scope.customer_id()),
            invoice_id: Set(Some(page_invoice)),
            kind: Set("plan_request".into()),
            status: Set("open".into()),
            detail: Set(json!({ "plan_id": plan.id, "instalments": n, "first": first, "invoices": numbers, "reasons": reasons }).to_string()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
        Outcome::Requested
    };
    let kind = if within { "plan.created" } else { "plan.requested" };
    audit::record(
        &tx,
        now,
        scope.tenant_id(),
        Some(scope.customer_id()),
        "debtor",
        kind,
        json!({ "plan_id": plan.id }),
    )
    .await?;
    outgoing::emit(
        &tx,
        now,
        scope.tenant_id(),
        kind,
        json!({ "plan_id": plan.id, "invoice_numbers": numbers, "total_cents": total, "instalments": n, "first_due": first }),
    )
    .await?;
    tx.commit().await?;
    Ok(outcome)
}

/// The instalments of `n` monthly payments from `first` over `total`, each with its own RF
/// reference (registered for payment only once the plan is active).
pub(crate) async fn write_schedule<C: ConnectionTrait>(
    db: &C,
    plan: &payment_plan::Model,
    total: i64,
    n: u32,
    first: NaiveDate,
) -> ServiceResult<()> {
    for (seq, inst) in (1..).zip(schedule(total, n, first)) {
        let rf = RfReference::create(&format!("{}8{}{:02}", plan.tenant_id, plan.id, seq))
            .map_err(|e| ServiceError::Internal(anyhow::anyhow!("instalment reference: {e}")))?;
        plan_instalment::ActiveModel {
            tenant_id: Set(plan.tenant_id),
            plan_id: Set(plan.id),
            seq: Set(seq),
            due_date: Set(inst.due),
            amount_cents: Set(inst.cents),
            rf_reference: Set(rf.as_str().to_string()),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Makes a plan binding: its instalments' references pay it, and dunning holds for its
/// invoices. Refused when one of them is no longer open or is held for another reason.
pub(crate) async fn activate<C: ConnectionTrait>(
    db: &C,
    plan: &payment_plan::Model,
    now: chrono::DateTime<chrono::Utc>,
) -> ServiceResult<()> {
    let instalments = plan_instalment::Entity::find()
        .filter(plan_instalment::Column::TenantId.eq(plan.tenant_id))
        .filter(plan_instalment::Column::PlanId.eq(plan.id))
        .all(db)
        .await?;
    for i in &instalments {
        payment_reference::ActiveModel {
            tenant_id: Set(plan.tenant_id),
            reference: Set(i.rf_reference.clone()),
            kind: Set("instalment".into()),
            invoice_id: Set(None),
            checkout_id: Set(None),
            plan_id: Set(Some(plan.id)),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    let ids: Vec<i64> = plan_invoice::Entity::find()
        .filter(plan_invoice::Column::TenantId.eq(plan.tenant_id))
        .filter(plan_invoice::Column::PlanId.eq(plan.id))
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.invoice_id)
        .collect();
    let held = invoice::Entity::update_many()
        .col_expr(invoice::Column::DunningHold, Expr::value("payment_plan"))
        .col_expr(invoice::Column::UpdatedAt, Expr::value(now))
        .filter(invoice::Column::TenantId.eq(plan.tenant_id))
        .filter(invoice::Column::Id.is_in(ids.clone()))
        .filter(invoice::Column::Status.eq("open"))
        .filter(invoice::Column::DunningHold.is_null())
        .exec(db)
        .await?
        .rows_affected;
    if held != ids.len() as u64 {
        return Err(ServiceError::invalid("form", "plan_not_possible"));
    }
    payment_plan::Entity::update_many()
        .col_expr(payment_plan::Column::Status, Expr::value("active"))
        .filter(payment_plan::Column::Id.eq(plan.id))
        .exec(db)
        .await?;
    Ok(())
}

/// "Pay this instalment online" on the invoice page: a checkout for what the next instalment of
/// the invoice's plan still owes, spread over the plan's open invoices.
pub async fn pay_next(
    state: &AppState,
    tenant: &TenantCtx,
    scope: &DebtorScope,
    number: &str,
    locale: Locale,
) -> ServiceResult<String> {
    let inv = find_scoped(&state.db, scope, number).await?;
    let plan = plan_invoice::Entity::find()
        .filter(plan_invoice::Column::TenantId.eq(scope.tenant_id()))
        .filter(plan_invoice::Column::InvoiceId.eq(inv.id))
        .filter(plan_invoice::Column::Live.eq(true))
        .one(&state.db)
        .await?
        .ok_or(ServiceError::Conflict("plan_not_active"))?;
    let (p, at) = Progress::of_plan(&state.db, scope.tenant_id(), plan.plan_id)
        .await?
        .and_then(|p| p.next().map(|at| (p, at)))
        .ok_or(ServiceError::Conflict("plan_not_active"))?;
    pay_instalment(state, tenant, &p, at, "plan", locale).await
}

/// A checkout for what instalment `at` still owes.
pub(crate) async fn pay_instalment(
    state: &AppState,
    tenant: &TenantCtx,
    p: &Progress,
    at: usize,
    origin: &'static str,
    locale: Locale,
) -> ServiceResult<String> {
    checkout::start(
        state,
        tenant,
        Order {
            tenant_id: p.plan.tenant_id,
            customer_id: p.plan.customer_id,
            invoice_numbers: p.open_numbers(),
            amount: Amount::Instalment(p.owed[at]),
            origin,
            locale,
        },
    )
    .await
}
