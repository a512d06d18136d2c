//! The emails the portal sends, rendered in the recipient's language and queued in the outbox.
use crate::outbox::{self, Email};
use crate::tenant::TenantCtx;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr};
use settle_domain::i18n::mail::{self, MailText};
use settle_domain::locale::Locale;

pub enum Kind<'a> {
    SetPassword {
        link: &'a str,
    },
    LoginLink {
        link: &'a str,
    },
    PasswordReset {
        link: &'a str,
    },
    StepUpCode {
        code: &'a str,
    },
    Receipt {
        amount: &'a str,
        invoices: &'a str,
    },
    EmailChangeConfirm {
        link: &'a str,
    },
    EmailChangeNotice {
        new: &'a str,
    },
    DisputeDecided {
        invoice: &'a str,
        accepted: bool,
        explanation: &'a str,
        link: &'a str,
    },
    PaymentLink {
        invoice: &'a str,
        amount: &'a str,
        link: &'a str,
    },
    RequestDecided {
        kind: &'a str,
        granted: bool,
        date: &'a str,
        explanation: &'a str,
        link: &'a str,
    },
}

pub async fn queue<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    tenant: &TenantCtx,
    to: &str,
    customer_id: Option<i64>,
    locale: Locale,
    kind: Kind<'_>,
) -> Result<i64, DbErr> {
    let name = tenant.name.as_str();
    let MailText { subject, body } = match kind {
        Kind::SetPassword { link } => mail::set_password(locale, name, link),
        Kind::LoginLink { link } => mail::login_link(locale, name, link),
        Kind::PasswordReset { link } => mail::password_reset(locale, name, link),
        Kind::StepUpCode { code } => mail::step_up_code(locale, name, code),
        Kind::Receipt { amount, invoices } => mail::receipt(locale, name, amount, invoices),
        Kind::EmailChangeConfirm { link } => mail::email_change_confirm(locale, name, link),
        Kind::EmailChangeNotice { new } => mail::email_change_notice(locale, name, new),
        Kind::DisputeDecided {
            invoice,
            accepted,
            explanation,
            link,
        } => mail::dispute_decided(locale, name, invoice, accepted, explanation, link),
        Kind::PaymentLink { invoice, amount, link } => mail::payment_link(locale, name, invoice, amount, link),
        Kind::RequestDecided {
            kind,
            granted,
            date,
            explanation,
            link,
        } => mail::request_decided(locale, name, kind, granted, date, explanation, link),
    };
    let footer = format!("\n\n--\n{}\n{}", tenant.row.display_name, tenant.row.support_email);
    outbox::enqueue_email(
        db,
        now,
        Email {
            tenant_id: tenant.id,
            customer_id,
            to,
            subject,
            body_text: format!("{body}{footer}"),
            dedupe_key: None,
        },
    )
    .await
}
