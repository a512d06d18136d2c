//! One dunning message, written: its own payment link, the text in the debtor's language, a
//! letter's PDF, the hash that proves the content, and the outbox row that sends it. Issuing
//! and bounce recovery both queue messages through here.
use crate::channels::html_email::{self, HtmlEmail};
use crate::entities::{customer, invoice, outbox};
use crate::error::{ServiceError, ServiceResult};
use crate::services::auth::insert_token;
use crate::services::paylinks::{PAY_LINK_DAYS, PURPOSE};
use crate::tenant::TenantCtx;
use crate::tokens;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use settle_domain::dunning::steps::{Channel, StepKind, Variant, DISCONNECTION_NOTICE_DAYS};
use settle_domain::dunning::texts::{self, Facts, Text};
use settle_domain::i18n::{t as t_, Key};
use settle_domain::letter_code;
use settle_domain::locale::{format_date, Locale};
use settle_domain::money::Money;
use sha2::{Digest, Sha256};

pub struct Compose<'a> {
    pub tenant: &'a TenantCtx,
    pub inv: &'a invoice::Model,
    pub cust: &'a customer::Model,
    pub reminder_id: i64,
    pub kind: StepKind,
    pub locale: Locale,
    /// The template variant (B falls back to A where the tenant wrote no B for a channel).
    pub variant: Variant,
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
    /// The open amount the message states.
    pub open_cents: i64,
    /// A fee this message charges, and costs it announces with the last day of their term.
    pub fee_cents: i64,
    /// Statutory interest this message charges (already in `open_cents`).
    pub interest_cents: i64,
    pub costs_cents: i64,
    pub term_ends: Option<NaiveDate>,
    /// Count clicks on the email's link, and opens by a pixel (the tenant has consent).
    pub track_clicks: bool,
    pub track_opens: bool,
    /// The message goes to the representative of this debtor (`cust` is then the stand-in): it
    /// says on whose behalf, gets its own Message-ID, and no unsubscribe link (that would stop
    /// the debtor's mail).
    pub represented: Option<&'a customer::Model>,
}

/// What a message carries besides its text: the link (a button in HTML), the open pixel, and a
/// letter's typed-login code.
#[derive(Clone, Copy, Default)]
pub struct Extras<'a> {
    pub link: Option<&'a str>,
    pub pixel: Option<&'a str>,
    pub login_code: Option<&'a str>,
}

/// The proof of what was sent: SHA-256 over the subject, the text and the HTML part.
pub fn proof(text: &Text, html: Option<&str>) -> String {
    let mut h = Sha256::new();
    h.update(text.subject.as_bytes());
    h.update(b"\n\n");
    h.update(text.body.as_bytes());
    if let Some(html) = html {
        h.update(b"\n\n");
        h.update(html.as_bytes());
    }
    hex::encode(h.finalize())
}

impl Compose<'_> {
    /// A fresh payment link for this message (revocable on its own, dead once the invoice is
    /// settled). A letter gets a short code instead, typed at the tenant's `/code` page: the
    /// link then names that page and the code comes back too.
    pub async fn link<C: ConnectionTrait>(&self, db: &C, channel: Channel) -> ServiceResult<(String, Option<String>)> {
        let token = match channel {
            Channel::Letter => tokens::new_letter_code(),
            _ => tokens::new_link_token(),
        };
        insert_token(
            db,
            self.now,
            self.tenant.id,
            self.cust.id,
            PURPOSE,
            Some(self.inv.id),
            Duration::days(PAY_LINK_DAYS),
            &token.hash,
        )
        .await?;
        Ok(match channel {
            Channel::Letter => (self.tenant.link("/code"), Some(letter_code::display(&token.raw))),
            _ => (self.tenant.link(&format!("/pay/{}", token.raw)), None),
        })
    }

    /// The text of the message: the tenant's active template for this step, channel and
    /// language, else the shipped wording. A stored template that no longer renders (it was
    /// checked when saved) falls back to the shipped wording rather than sending nothing.
    pub fn text_from(
        &self,
        template: Option<&crate::entities::message_template::Model>,
        channel: Channel,
        link: &str,
        login_code: Option<&str>,
    ) -> Text {
        let Some(t) = template else {
            return self.text(channel, link, login_code);
        };
        match self.with_facts(link, login_code, |f| crate::templates::render(&t.subject, &t.body, f)) {
            Ok(text) => self.for_representative(text),
            Err(e) => {
                tracing::error!(template = t.id, error = %e, "tenant template failed; shipped wording used");
                self.text(channel, link, login_code)
            }
        }
    }

    pub fn text(&self, channel: Channel, link: &str, login_code: Option<&str>) -> Text {
        let text = self.with_facts(link, login_code, |f| texts::message(self.locale, self.kind, channel, f));
        self.for_representative(text)
    }

    /// Calls `f` with this message's facts, formatted for its language.
    fn with_facts<T>(&self, link: &str, login_code: Option<&str>, f: impl FnOnce(&Facts) -> T) -> T {
        let l = self.locale;
        let eur = |c: i64| Money::eur(c).format(l);
        let amount = eur(self.open_cents);
        let due = format_date(self.inv.due_date, l);
        let fee = (self.fee_cents > 0).then(|| eur(self.fee_cents));
        let costs = (self.costs_cents > 0).then(|| eur(self.costs_cents));
        let interest = (self.interest_cents > 0).then(|| eur(self.interest_cents));
        let term = self.term_ends.map(|d| format_date(d, l));
        let disconnect = (self.kind == StepKind::DisconnectionNotice)
            .then(|| format_date(self.today + Duration::days(DISCONNECTION_NOTICE_DAYS), l));
        let facts = Facts {
            tenant: &self.tenant.name,
            name: &self.cust.name,
            invoice: &self.inv.number,
            amount: &amount,
            due: &due,
            link,
            fee: fee.as_deref(),
            interest: interest.as_deref(),
            costs: costs.as_deref(),
            term_ends: term.as_deref(),
            disconnect_on: disconnect.as_deref(),
            support_phone: &self.tenant.row.support_phone,
            login_code,
            pre_due: self.today < self.inv.due_date,
        };
        f(&facts)
    }

    /// A representative's copy says on whose behalf, first thing.
    fn for_representative(&self, mut text: Text) -> Text {
        let l = self.locale;
        if let Some(debtor) = self.represented {
            text.body = format!(
                "{} {}, {} {}\n\n{}",
                t_(l, Key::OnBehalfOf),
                debtor.name,
                t_(l, Key::CustomerNumber),
                debtor.customer_number,
                text.body
            );
            text.subject = format!("{} · {}", text.subject, debtor.name);
        }
        text
    }

    /// Writes the message for one channel into the outbox.
    pub async fn queue<C: ConnectionTrait>(&self, db: &C, channel: Channel, recipient: &str) -> ServiceResult<()> {
        let (pay, code) = self.link(db, channel).await?;
        let email = channel == Channel::Email;
        let link = match email && self.track_clicks {
            true => crate::tracking::click_link(self.tenant, self.reminder_id, &pay),
            false => pay.clone(),
        };
        let pixel = (email && self.track_opens)
            .then(|| crate::tracking::open_pixel(self.tenant, self.reminder_id, &pay))
            .flatten();
        use crate::services::message_templates::{active, Key};
        // A call's text is the SMS it offers to send (what it says is Settle's, see `voice`).
        let written = match channel {
            Channel::Voice => Channel::Sms,
            other => other,
        };
        let key = Key {
            kind: self.kind,
            channel: written,
            locale: self.locale,
            variant: Variant::A,
        };
        let mut template = None;
        if let Some(b) = key.with_variant(self.variant).filter(|_| self.variant != Variant::A) {
            template = active(db, self.tenant.id, b).await?;
        }
        if template.is_none() {
            template = active(db, self.tenant.id, key).await?;
        }
        let text = self.text_from(template.as_ref(), written, &link, code.as_deref());
        let extras = Extras {
            link: Some(&link),
            pixel: pixel.as_deref(),
            login_code: code.as_deref(),
        };
        self.queue_text(db, channel, recipient, text, extras).await
    }

    pub async fn queue_text<C: ConnectionTrait>(
        &self,
        db: &C,
        channel: Channel,
        recipient: &str,
        text: Text,
        extras: Extras<'_>,
    ) -> ServiceResult<()> {
        let login_code = extras.login_code;
        let document = match channel {
            Channel::Letter => Some(super::letters::render(self, &text, login_code).await?),
            _ => None,
        };
        // Plain reminders may be opted out of; the notices the law requires may not.
        let unsubscribe = match (channel, self.kind) {
            (Channel::Email, StepKind::Reminder) if self.represented.is_none() => {
                Some(crate::services::unsubscribe::link(db, self.now, self.tenant, self.cust.id).await?)
            }
            _ => None,
        };
        let html = match channel {
            Channel::Email => Some(self.html(&text, &extras, unsubscribe.as_deref())?),
            _ => None,
        };
        let digest = proof(&text, html.as_deref());
        let tag = match self.represented.is_some() {
            true => format!("{}.{}.rep", self.reminder_id, channel.as_str()),
            false => format!("{}.{}", self.reminder_id, channel.as_str()),
        };
        outbox::ActiveModel {
            tenant_id: Set(self.tenant.id),
            channel: Set(channel.as_str().into()),
            recipient: Set(recipient.to_string()),
            subject: Set(text.subject),
            body_text: Set(text.body),
            body_html: Set(html),
            status: Set("pending".into()),
            attempts: Set(0),
            next_attempt_at: Set(self.now),
            last_error: Set(None),
            dedupe_key: Set(Some(format!("reminder:{tag}"))),
            invoice_id: Set(Some(self.inv.id)),
            created_at: Set(self.now),
            sent_at: Set(None),
            customer_id: Set(Some(self.cust.id)),
            reminder_id: Set(Some(self.reminder_id)),
            message_id: Set(Some(format!("<r{tag}.{}@settle>", self.tenant.slug))),
            content_sha256: Set(Some(digest)),
            document: Set(document),
            list_unsubscribe: Set(unsubscribe),
            ..Default::default()
        }
        .insert(db)
        .await?;
        Ok(())
    }

    /// The HTML part, in the tenant's branding, from the same text.
    fn html(&self, text: &Text, extras: &Extras<'_>, unsubscribe: Option<&str>) -> ServiceResult<String> {
        let t = &self.tenant.row;
        let l = self.locale;
        html_email::render(&HtmlEmail {
            lang: l.code(),
            brand: &t.brand_primary,
            tenant: &self.tenant.name,
            subject: &text.subject,
            body: &text.body,
            link: extras.link,
            button: texts::pay_button(l),
            footer: &t.legal_footer,
            unsubscribe: unsubscribe.map(|u| (t_(l, Key::UnsubscribeButton), u)),
            pixel: extras.pixel,
        })
        .map_err(ServiceError::Internal)
    }
}
