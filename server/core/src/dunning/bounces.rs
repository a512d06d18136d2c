//! Bounces: a delivery status notification (RFC 3464) read from an MTA (`settle ingest-bounce`)
//! or an email provider's event, tied to its message by the VERP return path or the original
//! Message-ID. A permanent failure (5.x.x) marks the address invalid, falls back to the step's
//! next channel, and tells the debtor by SMS to correct their address; a temporary one (4.x.x)
//! is recorded and left to the MTA's retries.
use super::compose::Compose;
use super::issue::reachable;
use super::plans;
use crate::entities::{customer, invoice, outbox, reminder, tenant};
use crate::error::ServiceResult;
use crate::message_events;
use crate::tenant::TenantCtx;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait};
use settle_domain::dunning::steps::{hold_of, Channel};
use settle_domain::dunning::texts;
use settle_domain::locale::Locale;

/// What a bounce says, as far as Settle needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bounce {
    /// From a VERP return path `...+b{id}@...`.
    pub outbox_id: Option<i64>,
    /// The bounced message's Message-ID, from the returned headers.
    pub message_id: Option<String>,
    /// The enhanced status code, e.g. `5.1.1`.
    pub status: String,
}

impl Bounce {
    pub fn permanent(&self) -> bool {
        self.status.starts_with('5')
    }
}

/// The VERP return path for a message: the sender's local part plus `+b{id}`.
pub fn verp(from_address: &str, outbox_id: i64) -> String {
    match from_address.split_once('@') {
        Some((local, domain)) => format!("{local}+b{outbox_id}@{domain}"),
        None => from_address.to_string(),
    }
}

/// Reads a DSN. None when it names neither a message nor a status.
pub fn parse_dsn(raw: &str) -> Option<Bounce> {
    let mut outbox_id = None;
    let mut message_id = None;
    let mut status = None;
    for line in raw.lines() {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "to" | "delivered-to" | "x-original-to" | "envelope-to" if outbox_id.is_none() => {
                outbox_id = verp_id(value);
            }
            "status" if status.is_none() => {
                let code = value.split_whitespace().next().unwrap_or_default();
                if is_status(code) {
                    status = Some(code.to_string());
                }
            }
            "message-id" => {
                // The DSN's own Message-ID comes first; the returned message's is the last one.
                message_id = Some(value.to_string());
            }
            _ => {}
        }
    }
    let status = status?;
    (outbox_id.is_some() || message_id.is_some()).then_some(Bounce {
        outbox_id,
        message_id,
        status,
    })
}

fn verp_id(addr: &str) -> Option<i64> {
    let at = addr.find('@')?;
    let local = &addr[..at];
    let tag = local.rsplit_once("+b")?.1;
    tag.parse().ok()
}

fn is_status(code: &str) -> bool {
    let parts: Vec<&str> = code.split('.').collect();
    parts.len() == 3
        && matches!(parts[0], "2" | "4" | "5")
        && parts[1..]
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Applied {
    /// No message of ours.
    Unknown,
    Deferred,
    /// The address is marked invalid; this many replacement messages were queued.
    Bounced {
        fallbacks: usize,
    },
}

/// Records a bounce and, for a permanent one, recovers: in one transaction.
pub async fn apply(db: &DatabaseConnection, bounce: &Bounce, now: DateTime<Utc>) -> ServiceResult<Applied> {
    let msg = match (bounce.outbox_id, &bounce.message_id) {
        (Some(id), _) => outbox::Entity::find_by_id(id).one(db).await?,
        (None, Some(mid)) => {
            outbox::Entity::find()
                .filter(outbox::Column::MessageId.eq(mid.as_str()))
                .one(db)
                .await?
        }
        _ => None,
    };
    let Some(msg) = msg.filter(|m| m.channel == "email") else {
        return Ok(Applied::Unknown);
    };
    let txn = db.begin().await?;
    if !bounce.permanent() {
        message_events::record(&txn, msg.tenant_id, msg.id, "deferred", &bounce.status, now).await?;
        txn.commit().await?;
        return Ok(Applied::Deferred);
    }
    message_events::undeliverable(&txn, &msg, "bounced", &bounce.status, now).await?;
    let mut fallbacks = 0;
    if let Some(customer_id) = msg.customer_id {
        // Only the address that bounced is marked: the debtor may have changed it since.
        customer::Entity::update_many()
            .col_expr(customer::Column::EmailInvalidAt, Expr::value(now))
            .filter(customer::Column::Id.eq(customer_id))
            .filter(customer::Column::Email.eq(msg.recipient.as_str()))
            .exec(&txn)
            .await?;
        fallbacks = recover(&txn, &msg, now).await?;
    }
    txn.commit().await?;
    Ok(Applied::Bounced { fallbacks })
}

/// The reminder's next channel where email was the first choice, and an SMS asking the debtor
/// to correct their address.
async fn recover(txn: &sea_orm::DatabaseTransaction, msg: &outbox::Model, now: DateTime<Utc>) -> ServiceResult<usize> {
    let (Some(rid), Some(iid), Some(cid)) = (msg.reminder_id, msg.invoice_id, msg.customer_id) else {
        return Ok(0);
    };
    let rem = reminder::Entity::find_by_id(rid).one(txn).await?;
    let inv = invoice::Entity::find_by_id(iid).one(txn).await?;
    let cust = customer::Entity::find_by_id(cid).one(txn).await?;
    let trow = tenant::Entity::find_by_id(msg.tenant_id).one(txn).await?;
    let (Some(rem), Some(inv), Some(cust), Some(trow)) = (rem, inv, cust, trow) else {
        return Ok(0);
    };
    if hold_of(&inv.status, inv.dunning_hold.as_deref(), cust.legal_stop.as_deref()).is_some() {
        return Ok(0);
    }
    let tenant = TenantCtx::from_model(trow);
    let plans = plans::load(txn, tenant.id).await?;
    let Some(step) = plans.step(rem.plan_id, rem.step_id).map(|(_, s)| s.clone()) else {
        return Ok(0);
    };
    let already: Vec<String> = outbox::Entity::find()
        .filter(outbox::Column::ReminderId.eq(rid))
        .all(txn)
        .await?
        .into_iter()
        .map(|m| m.channel)
        .collect();
    let locale = cust
        .language
        .as_deref()
        .and_then(Locale::parse)
        .unwrap_or(tenant.default_locale);
    let today = tenant.today(now);
    let compose = Compose {
        tenant: &tenant,
        inv: &inv,
        cust: &cust,
        reminder_id: rid,
        kind: step.kind,
        locale,
        // The same wording the bounced message had.
        variant: rem
            .variant
            .as_deref()
            .and_then(settle_domain::dunning::steps::Variant::parse)
            .unwrap_or(settle_domain::dunning::steps::Variant::A),
        today,
        now,
        open_cents: inv.open_cents,
        fee_cents: 0,
        interest_cents: 0,
        costs_cents: rem.costs_cents,
        term_ends: rem.term_ends,
        track_clicks: false,
        track_opens: false,
        represented: None,
    };
    let mut queued = 0;
    // `cust` is read after the address was marked invalid, so email is no longer reachable.
    for (channel, recipient) in reachable(&step, &cust) {
        if already.iter().any(|c| c == channel.as_str()) {
            continue;
        }
        compose.queue(txn, channel, &recipient).await?;
        queued += 1;
    }
    if let Some(phone) = cust
        .phone_e164
        .as_deref()
        .filter(|_| !already.iter().any(|c| c == "sms"))
    {
        let (link, _) = compose.link(txn, Channel::Sms).await?;
        let body = texts::email_bounced_sms(locale, &tenant.name, &link);
        let text = texts::Text {
            subject: String::new(),
            body,
        };
        let notice = Compose {
            reminder_id: rid,
            ..compose
        };
        notice
            .queue_text(txn, Channel::Sms, phone, text, Default::default())
            .await?;
        queued += 1;
    }
    Ok(queued)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DSN: &str = "From: MAILER-DAEMON@mx.example.net\r\nTo: no-reply+b42@settle.test\r\nMessage-ID: <dsn1@mx.example.net>\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net\r\n\r\nFinal-Recipient: rfc822; gone@example.nl\r\nAction: failed\r\nStatus: 5.1.1 (user unknown)\r\n--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <r7.email.demo@settle>\r\nSubject: Herinnering\r\n--b--\r\n";

    #[test]
    fn a_dsn_names_its_message_and_status() {
        let b = parse_dsn(DSN).unwrap();
        assert_eq!(b.outbox_id, Some(42));
        assert_eq!(b.message_id.as_deref(), Some("<r7.email.demo@settle>"));
        assert_eq!(b.status, "5.1.1");
        assert!(b.permanent());
        let soft = DSN
            .replace("Status: 5.1.1", "Status: 4.2.2")
            .replace("Action: failed", "Action: delayed");
        assert!(!parse_dsn(&soft).unwrap().permanent());
    }

    #[test]
    fn mail_that_is_no_dsn_is_refused() {
        assert_eq!(parse_dsn("Subject: hello\r\n\r\nJust a letter."), None);
        assert_eq!(parse_dsn("To: x+b1@y\r\nStatus: five"), None);
    }

    #[test]
    fn verp_addresses_round_trip() {
        assert_eq!(verp("no-reply@settle.test", 42), "no-reply+b42@settle.test");
        assert_eq!(verp_id(&verp("no-reply@settle.test", 42)), Some(42));
    }
}
