//! Which sent reminder messages earned their invoice's outcome (paid in full, or a payment plan
//! agreed, within the window after the last message before it: `settle_domain`'s rule), for
//! the messages of reminders issued in a time range. The dashboard shows these figures; the
//! learner learns from them.
use crate::error::ServiceResult;
use crate::sql::numbered;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, DatabaseBackend, QueryResult, Statement, Value};
use settle_domain::dunning::outcomes;
use std::collections::{BTreeSet, HashMap};

/// A raw query with `?` placeholders, numbered for Postgres.
pub(crate) async fn query<C: ConnectionTrait>(
    db: &C,
    sql: &str,
    values: Vec<Value>,
) -> ServiceResult<Vec<QueryResult>> {
    let backend = db.get_database_backend();
    let sql = if backend == DatabaseBackend::Postgres {
        numbered(sql)
    } else {
        sql.to_string()
    };
    Ok(db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?)
}

/// One message that went out for a reminder of the range; or (`message` false) a reminder the
/// learner had placed later in the day that never went out because the invoice was paid or a
/// plan agreed before its time: the learner's decision, counted with its outcome (intention to
/// treat), else waiting would look like losing.
#[derive(Clone, Debug)]
pub struct Sent {
    pub id: i64,
    pub customer: i64,
    pub plan: i64,
    pub position: i32,
    /// The step's name (its kind when the step is gone).
    pub step: String,
    pub channel: String,
    pub at: DateTime<Utc>,
    /// `learner`, `holdout`, or none (learning was off).
    pub cohort: Option<String>,
    /// The template variant the learner chose, if it chose one.
    pub variant: Option<String>,
    pub message: bool,
    /// For a decision its outcome overtook: the part of the day it had been held for.
    pub held_for: Option<String>,
}

pub struct Credit {
    pub sent: Vec<Sent>,
    /// The ids of the messages in `sent` credited with their invoice's outcome.
    pub credited: BTreeSet<i64>,
}

/// The messages sent for reminders issued in `[start, end)` of the tenant, and which of them
/// got the credit. Only messages that went out count (not those cancelled before sending, nor
/// failures); a later message of the same invoice, also after the range, takes the credit.
pub async fn of_range<C: ConnectionTrait>(
    db: &C,
    tenant_id: i64,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    window: Duration,
) -> ServiceResult<Credit> {
    let range = || -> Vec<Value> { vec![tenant_id.into(), start.into(), end.into()] };
    let sent: Vec<Sent> = query(
        db,
        "SELECT o.id, r.customer_id, r.plan_id, r.position, COALESCE(s.name, r.kind), COALESCE(o.sent_at, r.issued_at), \
         o.channel, r.cohort, r.variant FROM reminders r JOIN outbox o ON o.reminder_id = r.id \
         LEFT JOIN dunning_steps s ON s.id = r.step_id \
         WHERE r.tenant_id = ? AND r.issued_at >= ? AND r.issued_at < ? AND o.status = 'sent'",
        range(),
    )
    .await?
    .into_iter()
    .filter_map(|r| {
        Some(Sent {
            id: r.try_get_by_index(0).ok()?,
            customer: r.try_get_by_index(1).ok()?,
            plan: r.try_get_by_index(2).ok()?,
            position: r.try_get_by_index(3).unwrap_or(0),
            step: r.try_get_by_index(4).unwrap_or_default(),
            at: r.try_get_by_index(5).ok()?,
            channel: r.try_get_by_index(6).unwrap_or_default(),
            cohort: r.try_get_by_index(7).unwrap_or_default(),
            variant: r.try_get_by_index(8).unwrap_or_default(),
            message: true,
            held_for: None,
        })
    })
    .collect();
    // Decisions overtaken by their outcome (ids negated: they are reminders, not messages).
    let overtaken: Vec<Sent> = query(
        db,
        "SELECT r.id, r.customer_id, r.plan_id, r.position, COALESCE(s.name, r.kind), r.send_after, r.cohort, r.variant, \
         r.choice \
         FROM reminders r LEFT JOIN dunning_steps s ON s.id = r.step_id \
         WHERE r.tenant_id = ? AND r.send_after >= ? AND r.send_after < ? AND r.status = 'cancelled' \
         AND r.reason IN ('settled', 'payment_plan') AND r.choice IS NOT NULL",
        range(),
    )
    .await?
    .into_iter()
    .filter_map(|r| {
        // Only a reminder held back for a part of the day: one the daily cap postponed, or
        // that only had its wording chosen, waited for no choice of the learner's.
        let choice: String = r.try_get_by_index(8).ok()?;
        let choice: settle_domain::backoffice::LearnedChoice = serde_json::from_str(&choice).ok()?;
        let held_for = choice.band.filter(|_| choice.held)?;
        Some(Sent {
            id: -r.try_get_by_index::<i64>(0).ok()?,
            customer: r.try_get_by_index(1).ok()?,
            plan: r.try_get_by_index(2).ok()?,
            position: r.try_get_by_index(3).unwrap_or(0),
            step: r.try_get_by_index(4).unwrap_or_default(),
            at: r.try_get_by_index(5).ok()?,
            channel: String::new(),
            cohort: r.try_get_by_index(6).unwrap_or_default(),
            variant: r.try_get_by_index(7).unwrap_or_default(),
            message: false,
            held_for: Some(held_for),
        })
    })
    .collect();
    let of_range = "(SELECT invoice_id FROM reminders WHERE tenant_id = ? AND issued_at >= ? AND issued_at < ?)";
    let with_range = || -> Vec<Value> {
        let mut v = vec![tenant_id.into()];
        v.extend(range());
        v
    };
    // Every message of those invoices, also after the range: a later one takes the credit.
    let all_sent: Vec<outcomes::Message> = query(
        db,
        &format!(
            "SELECT o.id, r.invoice_id, r.id, COALESCE(o.sent_at, r.issued_at) FROM reminders r \
             JOIN outbox o ON o.reminder_id = r.id WHERE r.tenant_id = ? AND o.status = 'sent' AND r.invoice_id IN {of_range}"
        ),
        with_range(),
    )
    .await?
    .into_iter()
    .filter_map(|r| {
        Some(outcomes::Message {
            id: r.try_get_by_index(0).ok()?,
            invoice: r.try_get_by_index(1).ok()?,
            reminder: r.try_get_by_index(2).ok()?,
            at: r.try_get_by_index(3).ok()?,
        })
    })
    .collect();
    let mut outcome: HashMap<i64, DateTime<Utc>> = HashMap::new();
    let mut note = |rows: Vec<QueryResult>| {
        for r in rows {
            if let (Ok(invoice), Ok(at)) = (r.try_get_by_index::<i64>(0), r.try_get_by_index::<DateTime<Utc>>(1)) {
                let e = outcome.entry(invoice).or_insert(at);
                *e = (*e).min(at);
            }
        }
    };
    note(
        query(
            db,
            &format!(
                "SELECT a.invoice_id, MAX(a.created_at) FROM payment_allocations a JOIN invoices i ON i.id = a.invoice_id \
                 WHERE a.tenant_id = ? AND i.status = 'paid' AND a.invoice_id IN {of_range} GROUP BY a.invoice_id"
            ),
            with_range(),
        )
        .await?,
    );
    note(
        query(
            db,
            &format!(
                "SELECT pi.invoice_id, MIN(p.created_at) FROM plan_invoices pi JOIN payment_plans p ON p.id = pi.plan_id \
                 WHERE pi.tenant_id = ? AND p.status IN ('active', 'completed', 'broken') AND pi.invoice_id IN {of_range} \
                 GROUP BY pi.invoice_id"
            ),
            with_range(),
        )
        .await?,
    );
    let mut credited = outcomes::credited(&all_sent, &outcome, window);
    credited.extend(overtaken.iter().map(|d| d.id));
    let mut sent = sent;
    sent.extend(overtaken);
    Ok(Credit { sent, credited })
}
