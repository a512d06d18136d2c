//! The planner pass: as of an instant, for every open invoice of a tenant, which step of its
//! plan is due. Invoices new to dunning get their plan first (segments, in Rust). Then one
//! set-based statement decides for every invoice whose stored next due day has come (a partial
//! index finds them): the domain's `decide`, written in SQL (`decision_sql`; a test compares
//! the two on generated invoices on both databases). Its result goes into a temporary table,
//! from which the reminders (once per invoice and step: a unique index) and each invoice's new
//! position and next due day are written. All in one transaction; a dry run rolls it back.
use super::plans::{self, Plans};
use super::policy;
use crate::error::ServiceResult;
use crate::sql::{chunked_in, update_from_values, ValuesUpdate};
use crate::tenant::TenantCtx;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, QueryResult, Statement, TransactionTrait, Value};
use settle_domain::dunning::segments::{choose_plan, parse_tags, CustomerFacts};
use settle_domain::dunning::steps::{day_number, decide, Progress, StepKind};
use std::collections::{HashMap, HashSet};

/// New invoices given a plan per statement.
const CHUNK: usize = 10_000;
/// Planned steps listed in a report; the count covers all.
pub const REPORT_MAX: usize = 1_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Planned {
    pub invoice_id: i64,
    pub invoice_number: String,
    pub plan: String,
    pub step: String,
    pub kind: String,
    pub send_after: DateTime<Utc>,
}

#[derive(Clone, Debug, Default)]
pub struct PassReport {
    pub tenant: String,
    /// Invoices that got a plan in this pass.
    pub assigned: usize,
    /// How many steps were planned; `planned` lists the first [`REPORT_MAX`].
    pub planned_count: usize,
    pub planned: Vec<Planned>,
    /// Invoices whose announced collection costs became due (their 14-day term ran out).
    pub costs_due: u64,
}

pub async fn plan_tenant(
    db: &sea_orm::DatabaseConnection,
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
    let txn = db.begin().await?;
    report.costs_due = charge_costs_after_term(&txn, tenant.id, today).await?;
    let mut after = 0i64;
    loop {
        let rows = unplanned(&txn, tenant.id, after).await?;
        let Some(last) = rows.last() else { break };
        after = last.try_get("", "id")?;
        let full = rows.len() == CHUNK;
        report.assigned += assign(&txn, tenant.id, &plans, today, now, rows).await?;
        if !full {
            break;
        }
    }
    let stopped = legally_stopped(&txn, tenant.id).await?;
    let backend = txn.get_database_backend();
    let decided = decision_sql(&plans, &stopped, tenant.id, day_number(today));
    txn.execute_unprepared(&format!("CREATE TEMPORARY TABLE dunning_pass AS {decided}"))
        .await?;
    let (insert, due_on) = match backend {
        DbBackend::Postgres => ("INSERT INTO", "DATE '1970-01-01' + due_on_day"),
        _ => ("INSERT OR IGNORE INTO", "date(due_on_day * 86400, 'unixepoch')"),
    };
    let conflict = if backend == DbBackend::Postgres {
        " ON CONFLICT DO NOTHING"
    } else {
        ""
    };
    txn.execute_raw(stmt(
        backend,
        &format!(
            "{insert} reminders (tenant_id, invoice_id, customer_id, plan_id, step_id, position, kind, status, \
             due_on, send_after, planned_at) SELECT ?, invoice_id, customer_id, plan_id, step_id, position, kind, \
             'planned', {due_on}, ?, ? FROM dunning_pass WHERE step_id IS NOT NULL{conflict}"
        ),
        vec![tenant.id.into(), send_after.into(), now.into()],
    ))
    .await?;
    txn.execute_unprepared(
        "UPDATE invoices SET dunning_position = COALESCE(p.position, invoices.dunning_position), \
         dunning_next_day = p.next_day FROM dunning_pass p WHERE invoices.id = p.invoice_id \
         AND (p.step_id IS NOT NULL OR invoices.dunning_next_day IS DISTINCT FROM p.next_day)",
    )
    .await?;
    let count = txn
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT COUNT(*) AS n FROM dunning_pass WHERE step_id IS NOT NULL",
        ))
        .await?
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0);
    report.planned_count = usize::try_from(count).unwrap_or(0);
    let rows = txn
        .query_all_raw(Statement::from_string(
            backend,
            format!(
                "SELECT p.invoice_id, i.number, p.plan_id, p.step_id, p.kind FROM dunning_pass p \
                 JOIN invoices i ON i.id = p.invoice_id WHERE p.step_id IS NOT NULL ORDER BY p.invoice_id \
                 LIMIT {REPORT_MAX}"
            ),
        ))
        .await?;
    for r in rows {
        let plan_id: i64 = r.try_get("", "plan_id")?;
        let step_id: i64 = r.try_get("", "step_id")?;
        let plan = plans.by_id.get(&plan_id);
        report.planned.push(Planned {
            invoice_id: r.try_get("", "invoice_id")?,
            invoice_number: r.try_get("", "number")?,
            plan: plan.map(|p| p.name.clone()).unwrap_or_default(),
            step: plans
                .step(plan_id, step_id)
                .map(|(n, _)| n.to_string())
                .unwrap_or_default(),
            kind: r.try_get("", "kind")?,
            send_after,
        });
    }
    txn.execute_unprepared("DROP TABLE dunning_pass").await?;
    if dry_run {
        txn.rollback().await?;
    } else {
        txn.commit().await?;
    }
    Ok(report)
}

fn stmt(backend: DbBackend, sql: &str, values: Vec<Value>) -> Statement {
    let sql = match backend {
        DbBackend::Postgres => crate::sql::numbered(sql),
        _ => sql.to_string(),
    };
    Statement::from_sql_and_values(backend, sql, values)
}

/// `CASE kind WHEN ... END` from the domain's rule, so SQL never keeps its own list.
fn kind_case(value: impl Fn(StepKind) -> i64, default: i64) -> String {
    let arms: String = StepKind::ALL
        .iter()
        .filter(|k| value(**k) != default)
        .map(|k| format!(" WHEN '{}' THEN {}", k.as_str(), value(*k)))
        .collect();
    if arms.is_empty() {
        default.to_string()
    } else {
        format!("(CASE s.kind{arms} ELSE {default} END)")
    }
}

/// The domain's `decide` as one query over every invoice of the tenant whose next day has come
/// (`today` is a day number). One row per invoice: the chosen step (or NULLs) and the next day
/// to look again. An invoice whose last step is still waiting to go out is left for a later
/// pass: the next step must not overtake it (nor start before the 14-day term it will set).
/// See `settle_domain::dunning::steps::decide` for the rule in words: remaining
/// steps that apply, each due at its offset but not before a running term ends; of the due
/// ones the first required step, else the most advanced; next day at least tomorrow.
pub fn decision_sql(plans: &Plans, stopped: &HashSet<i64>, tenant_id: i64, today: i32) -> String {
    let plan_ids = list(plans.by_id.keys());
    let not_stopped = if stopped.is_empty() {
        String::new()
    } else {
        format!(" AND customer_id NOT IN ({})", list(stopped.iter()))
    };
    let required = kind_case(|k| i64::from(k.is_required()), 0);
    let arrears = kind_case(StepKind::min_arrears_cents, 0);
    // Window aggregates and one GROUP BY instead of joins between the intermediate results:
    // SQLite joins those by nested loops, quadratic in the number of due invoices. Invoices
    // without any remaining step keep one row (the LEFT JOIN) so their next day is cleared.
    format!(
        "WITH c AS (SELECT id, customer_id, dunning_plan_id AS plan_id, \
           COALESCE(dunning_position, -2147483647) AS lp, due_day, open_cents, dunning_term_day AS term_day \
           FROM invoices WHERE tenant_id = {tenant_id} AND status = 'open' AND dunning_hold IS NULL \
           AND dunning_next_day <= {today} AND dunning_plan_id IN ({plan_ids}){not_stopped} \
           AND NOT EXISTS (SELECT 1 FROM reminders r WHERE r.invoice_id = invoices.id AND r.status = 'planned')), \
         e AS (SELECT c.id AS invoice_id, c.customer_id, c.plan_id, s.id AS step_id, s.position, s.kind, \
           {required} AS required, CASE WHEN s.id IS NULL THEN NULL \
             WHEN c.term_day IS NOT NULL AND c.term_day + 1 > c.due_day + s.offset_days THEN c.term_day + 1 \
             ELSE c.due_day + s.offset_days END AS falls \
           FROM c LEFT JOIN dunning_steps s ON s.plan_id = c.plan_id AND s.position > c.lp \
           AND c.open_cents >= {arrears} AND NOT (s.offset_days < 0 AND {today} > c.due_day)), \
         w AS (SELECT e.*, COALESCE( \
           MIN(CASE WHEN required = 1 AND falls <= {today} THEN position END) OVER (PARTITION BY invoice_id), \
           MAX(CASE WHEN falls <= {today} THEN position END) OVER (PARTITION BY invoice_id)) AS cp FROM e), \
         g AS (SELECT invoice_id, MAX(customer_id) AS customer_id, MAX(plan_id) AS plan_id, MAX(cp) AS cp, \
           MAX(CASE WHEN position = cp THEN step_id END) AS step_id, \
           MAX(CASE WHEN position = cp THEN kind END) AS kind, \
           MAX(CASE WHEN position = cp THEN falls END) AS due_on_day, \
           MIN(CASE WHEN cp IS NULL OR position > cp THEN falls END) AS next_raw FROM w GROUP BY invoice_id) \
         SELECT invoice_id, customer_id, plan_id, step_id, cp AS position, kind, due_on_day, \
           CASE WHEN step_id IS NOT NULL AND next_raw <= {today} THEN {today} + 1 ELSE next_raw END AS next_day \
         FROM g"
    )
}

fn list<'a>(ids: impl Iterator<Item = &'a i64>) -> String {
    let v: Vec<String> = ids.map(|i| i.to_string()).collect();
    if v.is_empty() {
        "NULL".into()
    } else {
        v.join(",")
    }
}

/// The same decision in Rust for one invoice: (chosen position, next day). What the
/// comparison test holds the SQL to.
pub fn decision_rust(
    plan: &super::plans::Plan,
    due: NaiveDate,
    open_cents: i64,
    progress: &Progress,
    today: NaiveDate,
) -> (Option<i32>, Option<i32>) {
    use settle_domain::dunning::steps::Decision;
    match decide(&plan.steps, due, open_cents, progress, today) {
        Decision::Send { position, .. } => {
            let after = Progress {
                last_position: Some(position),
                term_ends: progress.term_ends,
            };
            let tomorrow = today.succ_opt().unwrap_or(today);
            let next = decide(&plan.steps, due, open_cents, &after, today)
                .next_on()
                .map(|d| day_number(d.max(tomorrow)));
            (Some(position), next)
        }
        Decision::Wait { next_on } => (None, next_on.map(day_number)),
    }
}

/// The announced costs of a 14-day letter join the open amount once its term has run out;
/// an invoice paid in time (no longer open) never owes them.
async fn charge_costs_after_term(txn: &DatabaseTransaction, tenant_id: i64, today: NaiveDate) -> ServiceResult<u64> {
    let r = txn
        .execute_raw(stmt(
            txn.get_database_backend(),
            "UPDATE invoices SET open_cents = open_cents + costs_pending_cents, \
             costs_open_cents = costs_open_cents + costs_pending_cents, costs_pending_cents = 0 \
             WHERE tenant_id = ? AND status = 'open' AND costs_pending_cents > 0 AND dunning_term_day < ?",
            vec![tenant_id.into(), day_number(today).into()],
        ))
        .await?;
    Ok(r.rows_affected())
}

async fn legally_stopped(txn: &DatabaseTransaction, tenant_id: i64) -> ServiceResult<HashSet<i64>> {
    let rows = txn
        .query_all_raw(stmt(
            txn.get_database_backend(),
            "SELECT id FROM customers WHERE tenant_id = ? AND legal_stop IS NOT NULL",
            vec![tenant_id.into()],
        ))
        .await?;
    rows.iter().map(|r| Ok(r.try_get("", "id")?)).collect()
}

async fn unplanned(txn: &DatabaseTransaction, tenant_id: i64, after: i64) -> ServiceResult<Vec<QueryResult>> {
    Ok(txn
        .query_all_raw(stmt(
            txn.get_database_backend(),
            &format!(
                "SELECT i.id, i.customer_id, i.due_date, i.open_cents, c.tags, c.language \
                 FROM invoices i JOIN customers c ON c.id = i.customer_id \
                 WHERE i.tenant_id = ? AND i.status = 'open' AND i.dunning_plan_id IS NULL \
                 AND c.legal_stop IS NULL AND i.id > ? ORDER BY i.id LIMIT {CHUNK}"
            ),
            vec![tenant_id.into(), after.into()],
        ))
        .await?)
}

/// Chooses each new invoice's plan by its debtor's segment and stores it with its due day and
/// the day its first step falls due (today or earlier: the decision below plans it now).
async fn assign(
    txn: &DatabaseTransaction,
    tenant_id: i64,
    plans: &Plans,
    today: NaiveDate,
    now: DateTime<Utc>,
    rows: Vec<QueryResult>,
) -> ServiceResult<usize> {
    let mut customers: Vec<i64> = Vec::new();
    for r in &rows {
        customers.push(r.try_get("", "customer_id")?);
    }
    customers.sort_unstable();
    customers.dedup();
    let history = customer_history(txn, tenant_id, &customers).await?;
    let mut updates: Vec<Vec<Value>> = Vec::new();
    for r in rows {
        let customer_id: i64 = r.try_get("", "customer_id")?;
        let (open_cents, reminded) = history.get(&customer_id).copied().unwrap_or_default();
        let facts = CustomerFacts {
            tags: parse_tags(&r.try_get::<String>("", "tags")?),
            language: r.try_get("", "language")?,
            open_cents,
            reminded_invoices: reminded,
        };
        let Some(plan) = choose_plan(&plans.choices, &facts).and_then(|id| plans.by_id.get(&id)) else {
            continue;
        };
        let due: NaiveDate = r.try_get("", "due_date")?;
        let open: i64 = r.try_get("", "open_cents")?;
        let next = decide(&plan.steps, due, open, &Progress::default(), today).next_on();
        updates.push(vec![
            r.try_get::<i64>("", "id")?.into(),
            plan.id.into(),
            day_number(due).into(),
            next.map(day_number).into(),
        ]);
    }
    let n = updates.len();
    let spec = ValuesUpdate {
        table: "invoices",
        key: ("id", "bigint"),
        columns: &[
            ("dunning_plan_id", "bigint"),
            ("due_day", "integer"),
            ("dunning_next_day", "integer"),
        ],
        updated_at: Some(now),
        only_forward: None,
    };
    update_from_values(txn, &spec, updates).await?;
    Ok(n)
}

/// Per customer: the open amount of all their invoices, and how many of their invoices were
/// reminded before (the payment history segments look at).
async fn customer_history(
    txn: &DatabaseTransaction,
    tenant_id: i64,
    customers: &[i64],
) -> ServiceResult<HashMap<i64, (i64, i64)>> {
    let backend = txn.get_database_backend();
    let mut out: HashMap<i64, (i64, i64)> = HashMap::new();
    for part in customers.chunks(chunked_in::MAX) {
        let ids = list(part.iter());
        let open = txn
            .query_all_raw(Statement::from_string(
                backend,
                format!(
                    "SELECT customer_id, SUM(open_cents) AS open_cents FROM invoices \
                     WHERE tenant_id = {tenant_id} AND status IN ('open', 'pending') AND customer_id IN ({ids}) \
                     GROUP BY customer_id"
                ),
            ))
            .await?;
        for r in open {
            let sum: Option<i64> = r.try_get("", "open_cents").ok();
            out.entry(r.try_get("", "customer_id")?).or_default().0 = sum.unwrap_or(0);
        }
        let reminded = txn
            .query_all_raw(Statement::from_string(
                backend,
                format!(
                    "SELECT customer_id, COUNT(DISTINCT invoice_id) AS n FROM reminders \
                     WHERE tenant_id = {tenant_id} AND status = 'issued' AND customer_id IN ({ids}) \
                     GROUP BY customer_id"
                ),
            ))
            .await?;
        for r in reminded {
            out.entry(r.try_get("", "customer_id")?).or_default().1 = r.try_get("", "n")?;
        }
    }
    Ok(out)
}
