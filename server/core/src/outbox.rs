//! The transactional outbox: messages are written in the same transaction as the change that
//! causes them and sent later by the dispatcher, with retries and backoff; none is ever dropped.
use crate::entities::outbox;
use chrono::{DateTime, Duration, Utc};
use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

pub const MAX_ATTEMPTS: i32 = 10;

pub struct Email<'a> {
    pub tenant_id: i64,
    pub to: &'a str,
    pub subject: String,
    pub body_text: String,
    pub dedupe_key: Option<String>,
}

pub async fn enqueue_email<C: ConnectionTrait>(db: &C, now: DateTime<Utc>, mail: Email<'_>) -> Result<i64, DbErr> {
    let row = outbox::ActiveModel {
        tenant_id: Set(mail.tenant_id),
        channel: Set("email".into()),
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
        created_at: Set(now),
        sent_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

/// Where email goes: a real SMTP server, or (dev, no SMTP configured) the dev outbox page.
#[derive(Clone)]
pub enum Mailer {
    Smtp {
        transport: Box<AsyncSmtpTransport<Tokio1Executor>>,
        from: Box<Mailbox>,
    },
    DevOutbox,
}

impl Mailer {
    /// `smtp://host:port` (plain, for local relays and tests), `smtps://` (TLS) or
    /// `smtp://...?tls=required` (STARTTLS), with optional user:password.
    pub fn from_url(url: &str, from: &str) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| anyhow::anyhow!("SETTLE_SMTP_URL: {e}"))?
            .timeout(Some(std::time::Duration::from_secs(20)))
            .build();
        let from: Mailbox = from.parse().map_err(|e| anyhow::anyhow!("SETTLE_SMTP_FROM: {e}"))?;
        Ok(Mailer::Smtp {
            transport: Box::new(transport),
            from: Box::new(from),
        })
    }
}

/// Exponential backoff: 30 s, 1 min, 2 min ... capped at 6 hours.
pub fn backoff(attempts: i32) -> Duration {
    let secs = 30i64.saturating_mul(1i64 << attempts.clamp(0, 20));
    Duration::seconds(secs.min(6 * 3600))
}

/// Sends what is due. Each row is leased first (its next attempt pushed forward with a guard on
/// the old value), so several instances never send the same message twice.
pub async fn dispatch_due(db: &DatabaseConnection, mailer: &Mailer, now: DateTime<Utc>) -> Result<usize, DbErr> {
    let due = outbox::Entity::find()
        .filter(outbox::Column::Status.eq("pending"))
        .filter(outbox::Column::Channel.eq("email"))
        .filter(outbox::Column::NextAttemptAt.lte(now))
        .order_by_asc(outbox::Column::NextAttemptAt)
        .limit(50)
        .all(db)
        .await?;
    let mut sent = 0;
    for row in due {
        let lease_until = now + Duration::minutes(5);
        let claimed = outbox::Entity::update_many()
            .col_expr(outbox::Column::NextAttemptAt, Expr::value(lease_until))
            .filter(outbox::Column::Id.eq(row.id))
            .filter(outbox::Column::Status.eq("pending"))
            .filter(outbox::Column::NextAttemptAt.eq(row.next_attempt_at))
            .exec(db)
            .await?;
        if claimed.rows_affected != 1 {
            continue;
        }
        let result = deliver(mailer, &row).await;
        let mut active: outbox::ActiveModel = row.clone().into();
        match result {
            Ok(status) => {
                active.status = Set(status.into());
                active.sent_at = Set(Some(now));
                active.last_error = Set(None);
                sent += 1;
            }
            Err(err) => {
                let attempts = row.attempts + 1;
                tracing::warn!(outbox_id = row.id, attempts, error = %err, "email delivery failed");
                active.attempts = Set(attempts);
                active.last_error = Set(Some(err.to_string()));
                if attempts >= MAX_ATTEMPTS {
                    active.status = Set("failed".into());
                } else {
                    active.next_attempt_at = Set(now + backoff(attempts));
                }
            }
        }
        active.update(db).await?;
    }
    Ok(sent)
}

async fn deliver(mailer: &Mailer, row: &outbox::Model) -> anyhow::Result<&'static str> {
    match mailer {
        Mailer::DevOutbox => Ok("dev"),
        Mailer::Smtp { transport, from } => {
            let to: Mailbox = row.recipient.parse()?;
            let text = SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .body(row.body_text.clone());
            let builder = Message::builder()
                .from(from.as_ref().clone())
                .to(to)
                .subject(row.subject.clone())
                .message_id(Some(format!("<outbox-{}@settle>", row.id)));
            let message = match &row.body_html {
                Some(html) => builder.multipart(
                    MultiPart::alternative()
                        .singlepart(text)
                        .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(html.clone())),
                )?,
                None => builder.singlepart(text)?,
            };
            transport.send(message).await?;
            Ok("sent")
        }
    }
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
