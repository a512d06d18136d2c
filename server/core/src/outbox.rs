//! The transactional outbox: messages are written in the same transaction as the change that
//! causes them and sent later by the dispatcher, with retries and backoff; none is ever dropped.
use crate::entities::{outbox, tenant};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, Statement,
};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

pub use crate::channels::{Mailer, Senders};
use crate::message_events as events;

pub const MAX_ATTEMPTS: i32 = 10;

pub struct Email<'a> {
    pub tenant_id: i64,
    /// The debtor the message is for (their data download lists it, their erasure blanks it);
    /// None for staff.
    pub customer_id: Option<i64>,
    pub to: &'a str,
    pub subject: String,
    pub body_text: String,
    pub dedupe_key: Option<String>,
}

pub async fn enqueue_email<C: ConnectionTrait>(db: &C, now: DateTime<Utc>, mail: Email<'_>) -> Result<i64, DbErr> {
    enqueue(db, now, "email", mail).await
}

/// A text message (a code, a confirmation): the subject stays empty, the text goes as it is.
pub async fn enqueue_sms<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    tenant_id: i64,
    customer_id: Option<i64>,
    to: &str,
    text: String,
) -> Result<i64, DbErr> {
    let sms = Email {
        tenant_id,
        customer_id,
        to,
        subject: String::new(),
        body_text: text,
        dedupe_key: None,
    };
    enqueue(db, now, "sms", sms).await
}

async fn enqueue<C: ConnectionTrait>(db: &C, now: DateTime<Utc>, channel: &str, mail: Email<'_>) -> Result<i64, DbErr> {
    let row = outbox::ActiveModel {
        tenant_id: Set(mail.tenant_id),
        channel: Set(channel.into()),
        recipient: Set(mail.to.to_string()),
        subject: Set(mail.subject),
        body_text: Set(mail.body_text),
        body_html: Set(None),
        status: Set("pending".into()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        last_error: Set(None),
        dedupe_key: Set(mail.dedupe_key),
        invoice_id: Set(None),
        customer_id: Set(mail.customer_id),
        created_at: Set(now),
        sent_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

/// Exponential backoff: 30 s, 1 min, 2 min ... capped at 6 hours.
pub fn backoff(attempts: i32) -> Duration {
    let secs = 30i64.saturating_mul(1i64 << attempts.clamp(0, 20));
    Duration::seconds(secs.min(6 * 3600))
}

/// The hold of a reminder's invoice in SQL, for the claim: the same rule as
/// `settle_domain::dunning::steps::hold_of` (a test compares the two). A hand-over's own notice
/// still goes out under the hold it creates.
const UNHELD: &str = "(outbox.reminder_id IS NULL OR EXISTS (SELECT 1 FROM invoices i \
     JOIN customers c ON c.id = i.customer_id WHERE i.id = outbox.invoice_id AND i.status = 'open' \
     AND c.legal_stop IS NULL AND (i.dunning_hold IS NULL OR i.dunning_hold = 'handed_over' AND EXISTS \
     (SELECT 1 FROM reminders r WHERE r.id = outbox.reminder_id AND r.kind = 'hand_over'))))";

/// How long a claimed message may take to send before another dispatcher may try it again
/// (after a crash mid-send: at most one resend, with the same Message-ID).
pub const LEASE_MINUTES: i64 = 5;

/// What one dispatch pass did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Dispatched {
    pub sent: usize,
    pub failed: usize,
    pub cancelled: usize,
}

/// Sends what is due, in two short transactions per message around the network call: the
/// claim (pending -> sending, with the invoice's hold checked in the same statement) and the
/// result. A message left `sending` by a crashed dispatcher is claimed again once its lease
/// ran out. Several instances never send one message at the same time.
pub async fn dispatch_due(db: &DatabaseConnection, mailer: &Mailer, now: DateTime<Utc>) -> Result<usize, DbErr> {
    Ok(dispatch(db, &Senders::from(mailer.clone()), now, 50).await?.sent)
}

pub async fn dispatch(
    db: &DatabaseConnection,
    senders: &Senders,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Dispatched, DbErr> {
    let due = outbox::Entity::find()
        .filter(outbox::Column::Status.is_in(["pending", "sending"]))
        .filter(outbox::Column::NextAttemptAt.lte(now))
        .order_by_asc(outbox::Column::NextAttemptAt)
        .limit(limit)
        .all(db)
        .await?;
    let mut tenants: HashMap<i64, Option<tenant::Model>> = HashMap::new();
    for row in &due {
        if let std::collections::hash_map::Entry::Vacant(e) = tenants.entry(row.tenant_id) {
            e.insert(tenant::Entity::find_by_id(row.tenant_id).one(db).await?);
        }
    }
    // Several messages at once: an SMTP exchange waits mostly on the network (lettre writes a
    // message and its final dot separately, so Nagle's algorithm and delayed ACKs cost about
    // 40 ms a message), and each message is claimed on its own, so order does not matter.
    let limit = Arc::new(Semaphore::new(CONCURRENCY));
    let mut tasks = JoinSet::new();
    for row in due {
        let Ok(permit) = limit.clone().acquire_owned().await else {
            break;
        };
        let (db, senders) = (db.clone(), senders.clone());
        let tenant = tenants.get(&row.tenant_id).cloned().flatten();
        tasks.spawn(async move {
            let outcome = send_one(&db, &senders, tenant.as_ref(), row, now).await;
            drop(permit);
            outcome
        });
    }
    let mut done = Dispatched::default();
    while let Some(joined) = tasks.join_next().await {
        match joined.map_err(|e| DbErr::Custom(format!("dispatch task: {e}")))?? {
            SendResult::Delivered => done.sent += 1,
            SendResult::Failed => done.failed += 1,
            SendResult::Cancelled => done.cancelled += 1,
            SendResult::Retry | SendResult::Taken => {}
        }
    }
    Ok(done)
}

/// Messages in flight at once per dispatcher (the SMTP pool holds as many connections).
pub const CONCURRENCY: usize = 24;

enum SendResult {
    Delivered,
    Failed,
    Retry,
    Cancelled,
    Taken,
}

async fn send_one(
    db: &DatabaseConnection,
    senders: &Senders,
    tenant: Option<&tenant::Model>,
    row: outbox::Model,
    now: DateTime<Utc>,
) -> Result<SendResult, DbErr> {
    match claim(db, &row, now).await? {
        Claim::Mine => {}
        Claim::Held => return Ok(SendResult::Cancelled),
        Claim::Taken => return Ok(SendResult::Taken),
    }
    let result = crate::channels::deliver(db, senders, tenant, &row, now).await;
    let mut active: outbox::ActiveModel = row.clone().into();
    let outcome = match &result {
        Ok(delivered) => {
            active.status = Set(delivered.status.into());
            active.sent_at = Set(Some(now));
            active.last_error = Set(None);
            active.provider_message_id = Set(delivered.provider_id.clone());
            events::record(db, row.tenant_id, row.id, "sent", "", now).await?;
            crate::metrics::MESSAGES_SENT
                .with_label_values(&[row.channel.as_str()])
                .inc();
            SendResult::Delivered
        }
        Err(err) => {
            let attempts = row.attempts + 1;
            tracing::warn!(outbox_id = row.id, attempts, error = %err, "delivery failed");
            active.attempts = Set(attempts);
            active.last_error = Set(Some(err.to_string()));
            if attempts >= MAX_ATTEMPTS || crate::channels::is_permanent(err) {
                active.status = Set("failed".into());
                events::record(db, row.tenant_id, row.id, "failed", &err.to_string(), now).await?;
                crate::metrics::MESSAGES_FAILED
                    .with_label_values(&[row.channel.as_str(), "failed"])
                    .inc();
                SendResult::Failed
            } else {
                active.status = Set("pending".into());
                crate::metrics::MESSAGES_FAILED
                    .with_label_values(&[row.channel.as_str(), "retry"])
                    .inc();
                active.next_attempt_at = Set(retry_at(db, tenant, &row, now + backoff(attempts)).await?);
                events::record(db, row.tenant_id, row.id, "deferred", &err.to_string(), now).await?;
                SendResult::Retry
            }
        }
    };
    active.update(db).await?;
    if let (SendResult::Failed, Err(err)) = (&outcome, &result) {
        // A mail server that refuses the recipient while we send is a bounce like a returned
        // DSN: the address is marked invalid and the reminder falls back to its next channel.
        let refused = err
            .downcast_ref::<crate::channels::SmtpError>()
            .and_then(|e| e.bounce_status());
        if let Some(status) = refused {
            let bounce = crate::dunning::bounces::Bounce {
                outbox_id: Some(row.id),
                message_id: None,
                status,
            };
            if let Err(e) = crate::dunning::bounces::apply(db, &bounce, now).await {
                tracing::error!(outbox_id = row.id, error = %e, "a refused recipient was not recorded as a bounce");
            }
        }
    }
    Ok(outcome)
}

/// When a failed message may be tried again: after its backoff, and a dunning message (one that
/// belongs to a reminder) not before the tenant's sending window opens again.
async fn retry_at(
    db: &DatabaseConnection,
    tenant: Option<&tenant::Model>,
    row: &outbox::Model,
    after: DateTime<Utc>,
) -> Result<DateTime<Utc>, DbErr> {
    let (Some(_), Some(t)) = (row.reminder_id, tenant) else {
        return Ok(after);
    };
    let ctx = crate::tenant::TenantCtx::from_model(t.clone());
    let policy = crate::dunning::policy::load(db, &ctx).await?;
    Ok(policy.next_opening(&ctx, after).map_or(after, |open| open.max(after)))
}

enum Claim {
    Mine,
    Held,
    Taken,
}

async fn claim(db: &DatabaseConnection, row: &outbox::Model, now: DateTime<Utc>) -> Result<Claim, DbErr> {
    let backend = db.get_database_backend();
    let lease_until = now + Duration::minutes(LEASE_MINUTES);
    let sql = format!(
        "UPDATE outbox SET status = 'sending', next_attempt_at = ? WHERE id = ? \
         AND status = ? AND next_attempt_at = ? AND {UNHELD}"
    );
    let sql = match backend {
        DatabaseBackend::Postgres => crate::sql::numbered(&sql),
        _ => sql,
    };
    let claimed = db
        .execute_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [
                lease_until.into(),
                row.id.into(),
                row.status.clone().into(),
                row.next_attempt_at.into(),
            ],
        ))
        .await?;
    if claimed.rows_affected() == 1 {
        return Ok(Claim::Mine);
    }
    // Not claimed: either another dispatcher has it, or its invoice is held now.
    let held = outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value("cancelled"))
        .col_expr(outbox::Column::LastError, Expr::value("invoice held or settled"))
        .filter(outbox::Column::Id.eq(row.id))
        .filter(outbox::Column::Status.eq(row.status.clone()))
        .filter(outbox::Column::NextAttemptAt.eq(row.next_attempt_at))
        .exec(db)
        .await?;
    Ok(if held.rows_affected == 1 {
        Claim::Held
    } else {
        Claim::Taken
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff(0), Duration::seconds(30));
        assert_eq!(backoff(1), Duration::seconds(60));
        assert!(backoff(5) > backoff(4));
        assert_eq!(backoff(40), Duration::hours(6));
    }
}
