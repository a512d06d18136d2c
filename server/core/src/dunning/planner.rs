//! The planner pass: as of an instant, for every open invoice of a tenant, which step of its
//! plan is due. It reads only invoices whose stored next due day has come (a partial index),
//! decides with the domain's `decide`, and writes reminders (once per invoice and step: a unique
//! index) together with each invoice's new position and next due day. At most one step per
//! invoice per day, so a catch-up after downtime never bursts.
use super::plans::{self, Plan, Plans};
use super::policy;
use crate::error::ServiceResult;
use crate::sql::{chunked_in, insert_rows_skipping_duplicates, update_from_values};
use crate::tenant::TenantCtx;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, QueryResult, Statement, TransactionTrait, Value};
use settle_domain::dunning::segments::{choose_plan, parse_tags, CustomerFacts};
use settle_domain::dunning::steps::{day_number, decide, from_day_number, Decision, Progress};
use std::collections::{HashMap, HashSet};

/// Invoices read and written per transaction: bounds memory and lock time.
const CHUNK: usize = 10_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Planned {
    pub invoice_id: i64,
    pub invoice_number: String,
    pub plan: String,
    pub step: String,
    pub kind: &'static str,
    pub send_after: DateTime<Utc>,
}

#[derive(Clone, Debug, Default)]
pub struct PassReport {
    pub tenant: String,
    /// Invoices that got a plan in this pass.
    pub assigned: usize,
    pub planned: Vec<Planned>,
    /// Invoices whose announced collection costs became due (their 14-day term ran out).
    pub costs_due: u64,
}

struct Candidate {
    id: i64,
    customer_id: i64,
    number: String,
    due: NaiveDate,
    open_cents: i64,
    plan_id: i64,
    progress: Progress,
    next_day: Option<i32>,
}

pub async fn plan_tenant(
    db: &DatabaseConnection,
    tenant: &TenantCtx,
    now: DateTime<Utc>,
    dry_run: bool,
) -> ServiceResult<PassReport> {
    let plans = plans::load(db, tenant.id).await?;
    let policy = policy::load(db, tenant).await?;
    let today = tenant.today(now);
    let mut report = PassReport {
        tenant: tenant.slug.clone(),
        ..PassReport::default()
    };
    if plans.by_id.is_empty() {
        return Ok(report);
    }
    let send_after = policy.next_opening(tenant, now).unwrap_or(now);
    let stopped = legally_stopped(db, tenant.id).await?;
    let ctx = Ctx {
        stopped,
        tenant,
        plans: &plans,
        today,
        now,
        send_after,
        dry_run,
    };
    if !dry_run {
        report.costs_due = charge_costs_after_term(db, tenant.id, today).await?;
    }
    // Invoices new to dunning get their plan, and whatever is due for them at once.
    let mut after = 0i64;
    loop {
        let rows = unplanned(db, tenant.id, after).await?;
        let Some(last) = rows.last() else { break };
        after = last.try_get("", "id")?;
        let full = rows.len() == CHUNK;
        let fresh = assign(db, &ctx, rows, &mut report).await?;
        process(db, &ctx, fresh, &mut report).await?;
        if !full {
            break;
        }
    }
    let mut cursor = (i32::MIN, 0i64);
    loop {
        let batch = due(db, tenant.id, day_number(today), cursor).await?;
        let Some(last) = batch.last() else { break };
        cursor = (last.next_day.unwrap_or(i32::MIN), last.id);
        let full = batch.len() == CHUNK;
        process(db, &ctx, batch, &mut report).await?;
        if !full {
            break;
        }
    }
    Ok(report)
}

struct Ctx<'a> {
    /// Debtors with a legal stop: few, so they are skipped here rather than joined per invoice.
    stopped: HashSet<i64>,
    tenant: &'a TenantCtx,
    plans: &'a Plans,
    today: NaiveDate,
    now: DateTime<Utc>,
    send_after: DateTime<Utc>,
    dry_run: bool,
}

fn stmt(db: &DatabaseConnection, sql: &str, values: Vec<Value>) -> Statement {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => crate::sql::numbered(sql),
        _ => sql.to_string(),
    };
    Statement::from_sql_and_values(backend, sql, values)
}

/// The announced costs of a 14-day letter join the open amount once its term has run out;
/// an invoice paid in time (no longer open) never owes them.
async fn charge_costs_after_term(db: &DatabaseConnection, tenant_id: i64, today: NaiveDate) -> ServiceResult<u64> {
    let r = db
        .execute_raw(stmt(
            db,
            "UPDATE invoices SET open_cents = open_cents + costs_pending_cents, \
             costs_open_cents = costs_open_cents + costs_pending_cents, costs_pending_cents = 0 \
             WHERE tenant_id = ? AND status = 'open' AND costs_pending_cents > 0 AND dunning_term_ends < ?",
            vec![tenant_id.into(), today.into()],
        ))
        .await?;
    Ok(r.rows_affected())
}

async fn legally_stopped(db: &DatabaseConnection, tenant_id: i64) -> ServiceResult<HashSet<i64>> {
    let rows = db
        .query_all_raw(stmt(
            db,
            "SELECT id FROM customers WHERE tenant_id = ? AND legal_stop IS NOT NULL",
            vec![tenant_id.into()],
        ))
        .await?;
    rows.iter().map(|r| Ok(r.try_get("", "id")?)).collect()
}

async fn unplanned(db: &DatabaseConnection, tenant_id: i64, after: i64) -> ServiceResult<Vec<QueryResult>> {
    Ok(db
        .query_all_raw(stmt(
            db,
            &format!(
                "SELECT i.id, i.customer_id, i.number, i.due_date, i.open_cents, c.tags, c.language \
                 FROM invoices i JOIN customers c ON c.id = i.customer_id \
                 WHERE i.tenant_id = ? AND i.status = 'open' AND i.dunning_plan_id IS NULL \
                 AND c.legal_stop IS NULL AND i.id > ? ORDER BY i.id LIMIT {CHUNK}"
            ),
            vec![tenant_id.into(), after.into()],
        ))
        .await?)
}

/// Chooses each new invoice's plan by its debtor's segment and stores it with the day its first
/// step falls due. Returns the invoices with something due today.
async fn assign(
    db: &DatabaseConnection,
    ctx: &Ctx<'_>,
    rows: Vec<QueryResult>,
    report: &mut PassReport,
) -> ServiceResult<Vec<Candidate>> {
    let mut customers: Vec<i64> = Vec::new();
    for r in &rows {
        customers.push(r.try_get("", "customer_id")?);
    }
    customers.sort_unstable();
    customers.dedup();
    let history = customer_history(db, ctx.tenant.id, &customers).await?;
    let mut updates: Vec<Vec<Value>> = Vec::new();
    let mut fresh = Vec::new();
    for r in rows {
        let customer_id: i64 = r.try_get("", "customer_id")?;
        let (open_cents, reminded) = history.get(&customer_id).copied().unwrap_or_default();
        let facts = CustomerFacts {
            tags: parse_tags(&r.try_get::<String>("", "tags")?),
            language: r.try_get("", "language")?,
            open_cents,
            reminded_invoices: reminded,
        };
        let Some(plan_id) = choose_plan(&ctx.plans.choices, &facts) else {
            continue;
        };
        let Some(plan) = ctx.plans.by_id.get(&plan_id) else {
            continue;
        };
        let c = Candidate {
            id: r.try_get("", "id")?,
            customer_id,
            number: r.try_get("", "number")?,
            due: r.try_get("", "due_date")?,
            open_cents: r.try_get("", "open_cents")?,
            plan_id,
            progress: Progress::default(),
            next_day: None,
        };
        let next = decide(&plan.steps, c.due, c.open_cents, &c.progress, ctx.today).next_on();
        updates.push(vec![c.id.into(), plan_id.into(), next.map(day_number).into()]);
        if next.is_some_and(|d| d <= ctx.today) {
            fresh.push(c);
        }
        report.assigned += 1;
    }
    if !ctx.dry_run {
        update_from_values(
            db,
            "invoices",
            &["dunning_plan_id", "dunning_next_day"],
            &["bigint", "integer"],
            updates,
            ctx.now,
        )
        .await?;
    }
    Ok(fresh)
}

/// Per customer: the open amount of all their invoices, and how many of their invoices were
/// reminded before (the payment history segments look at).
async fn customer_history(
    db: &DatabaseConnection,
    tenant_id: i64,
    customers: &[i64],
) -> ServiceResult<HashMap<i64, (i64, i64)>> {
    let mut out: HashMap<i64, (i64, i64)> = HashMap::new();
    for part in customers.chunks(chunked_in::MAX) {
        let list = part.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(",");
        let open = db
            .query_all_raw(stmt(
                db,
                &format!(
                    "SELECT customer_id, SUM(open_cents) AS open_cents FROM invoices \
                     WHERE tenant_id = ? AND status IN ('open', 'pending') AND customer_id IN ({list}) \
                     GROUP BY customer_id"
                ),
                vec![tenant_id.into()],
            ))
            .await?;
        for r in open {
            let sum: Option<i64> = r.try_get("", "open_cents").ok();
            out.entry(r.try_get("", "customer_id")?).or_default().0 = sum.unwrap_or(0);
        }
        let reminded = db
            .query_all_raw(stmt(
                db,
                &format!(
                    "SELECT customer_id, COUNT(DISTINCT invoice_id) AS n FROM reminders \
                     WHERE tenant_id = ? AND status = 'issued' AND customer_id IN ({list}) GROUP BY customer_id"
                ),
                vec![tenant_id.into()],
            ))
            .await?;
        for r in reminded {
            out.entry(r.try_get("", "customer_id")?).or_default().1 = r.try_get("", "n")?;
        }
    }
    Ok(out)
}

/// Invoices in a plan whose next step has come, in (next day, id) order from `after` on: the
/// order of the partial index, so a pass reads just the due entries.
async fn due(db: &DatabaseConnection, tenant_id: i64, today: i32, after: (i32, i64)) -> ServiceResult<Vec<Candidate>> {
    let rows = db
        .query_all_raw(stmt(
            db,
            &format!(
                "SELECT id, customer_id, number, due_date, open_cents, dunning_plan_id, dunning_position, \
                 dunning_term_ends, dunning_next_day FROM invoices \
                 WHERE tenant_id = ? AND status = 'open' AND dunning_hold IS NULL AND dunning_next_day <= ? \
                 AND (dunning_next_day > ? OR (dunning_next_day = ? AND id > ?)) \
                 ORDER BY dunning_next_day, id LIMIT {CHUNK}"
            ),
            vec![
                tenant_id.into(),
                today.into(),
                after.0.into(),
                after.0.into(),
                after.1.into(),
            ],
        ))
        .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Candidate {
                id: r.try_get("", "id")?,
                customer_id: r.try_get("", "customer_id")?,
                number: r.try_get("", "number")?,
                due: r.try_get("", "due_date")?,
                open_cents: r.try_get("", "open_cents")?,
                plan_id: r.try_get("", "dunning_plan_id")?,
                progress: Progress {
                    last_position: r.try_get("", "dunning_position")?,
                    term_ends: r.try_get("", "dunning_term_ends")?,
                },
                next_day: r.try_get("", "dunning_next_day")?,
            })
        })
        .collect()
}

/// Decides for each candidate and writes the reminders and the invoices' progress in one
/// transaction.
async fn process(
    db: &DatabaseConnection,
    ctx: &Ctx<'_>,
    batch: Vec<Candidate>,
    report: &mut PassReport,
) -> ServiceResult<()> {
    let mut reminders: Vec<Vec<Value>> = Vec::new();
    let mut progress: Vec<Vec<Value>> = Vec::new();
    for c in batch {
        let Some(plan) = ctx.plans.by_id.get(&c.plan_id) else {
            continue;
        };
        if ctx.stopped.contains(&c.customer_id) {
            continue;
        }
        match decide(&plan.steps, c.due, c.open_cents, &c.progress, ctx.today) {
            Decision::Send { position, due_on } => {
                let Some((step_id, step_name, step)) = plan.step_at(position) else {
                    continue;
                };
                reminders.push(vec![
                    c.id.into(),
                    c.customer_id.into(),
                    c.plan_id.into(),
                    step_id.into(),
                    position.into(),
                    step.kind.as_str().into(),
                    due_on.into(),
                ]);
                let next = next_day_after(plan, &c, position, ctx.today);
                progress.push(vec![c.id.into(), Some(position).into(), next.into()]);
                report.planned.push(Planned {
                    invoice_id: c.id,
                    invoice_number: c.number,
                    plan: plan.name.clone(),
                    step: step_name.to_string(),
                    kind: step.kind.as_str(),
                    send_after: ctx.send_after,
                });
            }
            Decision::Wait { next_on } => {
                let next = next_on.map(day_number);
                if next != c.next_day {
                    progress.push(vec![c.id.into(), c.progress.last_position.into(), next.into()]);
                }
            }
        }
    }
    if ctx.dry_run || (reminders.is_empty() && progress.is_empty()) {
        return Ok(());
    }
    let txn = db.begin().await?;
    // As in the statement import: foreign keys checked at commit spare SQLite a statement
    // journal per bulk statement.
    crate::sql::defer_foreign_keys(&txn).await?;
    insert_rows_skipping_duplicates(
        &txn,
        "reminders",
        &[
            "invoice_id",
            "customer_id",
            "plan_id",
            "step_id",
            "position",
            "kind",
            "due_on",
        ],
        &[
            ("tenant_id", ctx.tenant.id.into()),
            ("status", "planned".into()),
            ("send_after", ctx.send_after.into()),
            ("planned_at", ctx.now.into()),
        ],
        reminders,
    )
    .await?;
    update_from_values(
        &txn,
        "invoices",
        &["dunning_position", "dunning_next_day"],
        &["integer", "integer"],
        progress,
        ctx.now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The day the step after `position` falls due, but never today: one step per invoice per day.
fn next_day_after(plan: &Plan, c: &Candidate, position: i32, today: NaiveDate) -> Option<i32> {
    let after = Progress {
        last_position: Some(position),
        term_ends: c.progress.term_ends,
    };
    let tomorrow = today.succ_opt()?;
    decide(&plan.steps, c.due, c.open_cents, &after, today)
        .next_on()
        .map(|d| day_number(d.max(tomorrow)))
}

/// For display: the stored next day as a date.
pub fn next_due_date(next_day: Option<i32>) -> Option<NaiveDate> {
    next_day.map(from_day_number)
}
