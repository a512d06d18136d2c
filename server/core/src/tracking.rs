//! Click and open tracking for dunning emails, each only where the tenant has its debtors'
//! consent. The link in the email goes through `/t/c/{reminder}e.{payment link token}`, which
//! redirects to the payment link at once; the email's pixel is `/t/o/` with the same id. Both
//! only note the event in memory; the serve loop writes the notes in batches, after checking
//! that the token is a payment link of that reminder's invoice (so a made-up id records
//! nothing). An open or a click is never proof of receipt: images may be fetched by a proxy or
//! blocked.
use crate::entities::{customer, message_event, one_time_token, outbox};
use crate::services::paylinks::PURPOSE;
use crate::tenant::TenantCtx;
use crate::tokens::hash_token;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set};
use std::sync::{Arc, Mutex};

/// Notes kept between two flushes at most; beyond that clicks are dropped (counted, not lost
/// money: the payment link itself always works).
const MAX_PENDING: usize = 100_000;

#[derive(Clone, Default)]
pub struct Tracker {
    pending: Arc<Mutex<Vec<Note>>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seen {
    Opened,
    Clicked,
}

impl Seen {
    fn event(self) -> &'static str {
        match self {
            Seen::Opened => "opened",
            Seen::Clicked => "clicked",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Note {
    seen: Seen,
    reminder_id: i64,
    token: String,
    at: DateTime<Utc>,
}

/// The tracked form of a payment link in an email.
pub fn click_link(tenant: &TenantCtx, reminder_id: i64, pay_link: &str) -> String {
    match pay_link.rsplit_once("/pay/") {
        Some((_, token)) => tenant.link(&format!("/t/c/{reminder_id}e.{token}")),
        None => pay_link.to_string(),
    }
}

/// The open pixel's address for an email whose payment link is `pay_link`; None for a link
/// that is not a payment link.
pub fn open_pixel(tenant: &TenantCtx, reminder_id: i64, pay_link: &str) -> Option<String> {
    let token = pay_link.rsplit_once("/pay/")?.1;
    Some(tenant.link(&format!("/t/o/{reminder_id}e.{token}")))
}

/// A transparent 1x1 GIF, the smallest image every mail client shows.
pub const PIXEL_GIF: &[u8] = &[
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff,
    0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02,
    0x02, 0x44, 0x01, 0x00, 0x3b,
];

/// Reads `/t/c/{id}` and `/t/o/{id}`: the reminder and the payment link token, or None when
/// malformed.
pub fn parse_click_id(id: &str) -> Option<(i64, &str)> {
    let (rid, token) = id.split_once("e.")?;
    let ok = !token.is_empty()
        && token.len() <= 64
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    Some((rid.parse().ok()?, token)).filter(|_| ok)
}

impl Tracker {
    pub fn note(&self, seen: Seen, reminder_id: i64, token: &str, at: DateTime<Utc>) {
        if let Ok(mut p) = self.pending.lock() {
            if p.len() < MAX_PENDING {
                p.push(Note {
                    seen,
                    reminder_id,
                    token: token.to_string(),
                    at,
                });
            }
        }
    }

    fn take(&self) -> Vec<Note> {
        self.pending
            .lock()
            .map(|mut p| std::mem::take(&mut *p))
            .unwrap_or_default()
    }

    /// Writes the noted clicks and opens as `clicked` and `opened` events of their emails (an
    /// email counts as opened once). Returns how many counted.
    pub async fn flush(&self, db: &DatabaseConnection) -> Result<usize, DbErr> {
        let mut counted = 0;
        for click in self.take() {
            let Some(mail) = outbox::Entity::find()
                .filter(outbox::Column::DedupeKey.eq(format!("reminder:{}.email", click.reminder_id)))
                .one(db)
                .await?
            else {
                continue;
            };
            let Some(token) = one_time_token::Entity::find()
                .filter(one_time_token::Column::TokenHash.eq(hash_token(&click.token)))
                .filter(one_time_token::Column::Purpose.eq(PURPOSE))
                .filter(one_time_token::Column::TenantId.eq(mail.tenant_id))
                .filter(one_time_token::Column::InvoiceId.eq(mail.invoice_id))
                .one(db)
                .await?
            else {
                continue;
            };
            // A debtor who said no to counting is not counted, also on emails sent before.
            let refused = customer::Entity::find_by_id(token.customer_id)
                .filter(customer::Column::TenantId.eq(mail.tenant_id))
                .one(db)
                .await?
                .is_some_and(|c| c.tracking_refused_at.is_some());
            if refused {
                continue;
            }
            if click.seen == Seen::Opened
                && message_event::Entity::find()
                    .filter(message_event::Column::OutboxId.eq(mail.id))
                    .filter(message_event::Column::Kind.eq("opened"))
                    .one(db)
                    .await?
                    .is_some()
            {
                continue;
            }
            message_event::ActiveModel {
                tenant_id: Set(mail.tenant_id),
                outbox_id: Set(mail.id),
                kind: Set(click.seen.event().into()),
                detail: Set(String::new()),
                created_at: Set(click.at),
                ..Default::default()
            }
            .insert(db)
            .await?;
            counted += 1;
        }
        Ok(counted)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn click_ids_name_a_reminder_and_a_token() {
        assert_eq!(super::parse_click_id("12e.abc-DEF_9"), Some((12, "abc-DEF_9")));
        for bad in ["12.abc", "xe.abc", "12e.", "12e.a/b", "12e.a%2e"] {
            assert_eq!(super::parse_click_id(bad), None, "{bad}");
        }
    }
}
