//! What staff do on the debtor page: keep a note, pause dunning for an invoice with a reason (a
//! "Mahnstopp") and resume it, and send a fresh payment link by email or SMS. Each writes the
//! audit log with the staff member as actor; pausing and resuming also tell the creditor.
use super::debtors::find;
use crate::entities::{invoice, staff_note};
use crate::error::{ServiceError, ServiceResult};
use crate::scope::{AuthLevel, DebtorScope};
use crate::services::mails::{self, Kind};
use crate::staff::StaffScope;
use crate::tenant::TenantCtx;
use crate::{audit, outgoing};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set, TransactionTrait,
};
use serde_json::json;
use settle_domain::locale::Locale;
use settle_domain::money::Money;

pub const NOTE_MAX: usize = 4_000;

/// A debtor of the staff member's tenant (for actions that address the debtor by number).
pub async fn debtor(
    db: &DatabaseConnection,
    scope: &StaffScope,
    id: i64,
) -> ServiceResult<crate::entities::customer::Model> {
    find(db, scope, id).await
}
pub const REASON_MAX: usize = 500;
/// Holds a pause may replace: they come back by themselves when the pause ends.
const DERIVED: [&str; 2] = ["disputed", "callback"];

fn text(field: &str, raw: &str, max: usize) -> ServiceResult<String> {
    settle_domain::text::required_block(raw, max).map_err(|code| ServiceError::invalid(field, code))
}

pub async fn add_note(
    db: &DatabaseConnection,
    scope: &StaffScope,
    customer_id: i64,
    body: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let body = text("note", body, NOTE_MAX)?;
    let c = find(db, scope, customer_id).await?;
    let tx = db.begin().await?;
    let note = staff_note::ActiveModel {
        tenant_id: Set(scope.tenant_id()),
        customer_id: Set(c.id),
        staff_id: Set(scope.staff_id()),
        body: Set(body),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    audit::record(
        &tx,
        now,
        scope.tenant_id(),
        Some(c.id),
        &scope.actor(),
        "note_added",
        json!({ "note_id": note.id }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn invoice_of<C: ConnectionTrait>(
    db: &C,
    scope: &StaffScope,
    customer_id: i64,
    number: &str,
) -> ServiceResult<invoice::Model> {
    invoice::Entity::find()
        .filter(invoice::Column::TenantId.eq(scope.tenant_id()))
        .filter(invoice::Column::CustomerId.eq(customer_id))
        .filter(invoice::Column::Number.eq(number))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// Stops dunning for one open invoice until staff resume it.
pub async fn pause(
    db: &DatabaseConnection,
    scope: &StaffScope,
    customer_id: i64,
    number: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let reason = text("reason", reason, REASON_MAX)?;
    let tx = db.begin().await?;
    let inv = invoice_of(&tx, scope, customer_id, number).await?;
    if inv.status != "open" {
        return Err(ServiceError::invalid("form", "invoice_not_open"));
    }
    let mut free = Condition::any().add(invoice::Column::DunningHold.is_null());
    for d in DERIVED {
        free = free.add(invoice::Column::DunningHold.eq(d));
    }
    let done = invoice::Entity::update_many()
        .col_expr(invoice::Column::DunningHold, Expr::value("paused"))
        .col_expr(invoice::Column::HoldReason, Expr::value(Some(reason.clone())))
        .col_expr(invoice::Column::UpdatedAt, Expr::value(now))
        .filter(invoice::Column::Id.eq(inv.id))
        .filter(free)
        .exec(&tx)
        .await?
        .rows_affected;
    if done != 1 {
        // Paused already, in a payment plan or handed over: that hold stays in charge.
        return Err(ServiceError::invalid("form", "already_held"));
    }
    record(
        &tx,
        scope,
        &inv,
        "dunning.paused",
        json!({ "invoice_number": inv.number, "reason": reason }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn resume(
    db: &DatabaseConnection,
    tenant: &TenantCtx,
    scope: &StaffScope,
    customer_id: i64,
    number: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let tx = db.begin().await?;
    let inv = invoice_of(&tx, scope, customer_id, number).await?;
    let done = invoice::Entity::update_many()
        .col_expr(invoice::Column::DunningHold, Expr::value(Option::<String>::None))
        .col_expr(invoice::Column::HoldReason, Expr::value(Option::<String>::None))
        .col_expr(
            invoice::Column::DunningNextDay,
            Expr::value(settle_domain::dunning::steps::day_number(tenant.today(now))),
        )
        .col_expr(invoice::Column::UpdatedAt, Expr::value(now))
        .filter(invoice::Column::Id.eq(inv.id))
        .filter(invoice::Column::DunningHold.eq("paused"))
        .exec(&tx)
        .await?
        .rows_affected;
    if done != 1 {
        return Err(ServiceError::invalid("form", "not_paused"));
    }
    // A dispute or callback that came in meanwhile holds again.
    let owner = DebtorScope::new(scope.tenant_id(), customer_id, AuthLevel::Full);
    crate::services::holds::refresh(&tx, &owner, &[inv.number.as_str()], now).await?;
    record(
        &tx,
        scope,
        &inv,
        "dunning.resumed",
        json!({ "invoice_number": inv.number }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn record<C: ConnectionTrait>(
    db: &C,
    scope: &StaffScope,
    inv: &invoice::Model,
    kind: &str,
    detail: serde_json::Value,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    audit::record(
        db,
        now,
        scope.tenant_id(),
        Some(inv.customer_id),
        &scope.actor(),
        kind,
        detail.clone(),
    )
    .await?;
    outgoing::emit(db, now, scope.tenant_id(), kind, detail).await?;
    Ok(())
}

/// A new payment link for an open invoice, sent to the debtor's email or mobile number.
pub async fn resend_link(
    db: &DatabaseConnection,
    tenant: &TenantCtx,
    scope: &StaffScope,
    customer_id: i64,
    number: &str,
    channel: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let c = find(db, scope, customer_id).await?;
    let tx = db.begin().await?;
    let inv = invoice_of(&tx, scope, c.id, number).await?;
    if inv.status != "open" || inv.open_cents <= 0 {
        return Err(ServiceError::invalid("form", "invoice_not_open"));
    }
    let raw = crate::services::paylinks::create(&tx, now, &inv).await?;
    let link = tenant.link(&format!("/pay/{raw}"));
    let l = c
        .language
        .as_deref()
        .and_then(Locale::parse)
        .unwrap_or(tenant.default_locale);
    let amount = Money::eur(inv.open_cents).format(l);
    match channel {
        "email" => {
            let to = c
                .email
                .as_deref()
                .filter(|_| c.email_invalid_at.is_none())
                .ok_or_else(|| ServiceError::invalid("channel", "no_email_on_file"))?;
            mails::queue(
                &tx,
                now,
                tenant,
                to,
                Some(c.id),
                l,
                Kind::PaymentLink {
                    invoice: &inv.number,
                    amount: &amount,
                    link: &link,
                },
            )
            .await?;
        }
        "sms" => {
            let to = c
                .phone_e164
                .as_deref()
                .ok_or_else(|| ServiceError::invalid("channel", "no_phone_on_file"))?;
            let text = settle_domain::i18n::mail::payment_link(l, &tenant.name, &inv.number, &amount, &link);
            crate::outbox::enqueue_sms(&tx, now, tenant.id, Some(c.id), to, format!("{} {link}", text.subject)).await?;
        }
        _ => return Err(ServiceError::invalid("channel", "required")),
    }
    audit::record(
        &tx,
        now,
        tenant.id,
        Some(c.id),
        &scope.actor(),
        "payment_link_sent",
        json!({ "invoice_number": inv.number, "channel": channel }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Contact data as staff correct it (after talking to the debtor, or from returned mail).
pub struct Contact<'a> {
    pub email: &'a str,
    pub phone: &'a str,
    pub street: &'a str,
    pub postcode: &'a str,
    pub city: &'a str,
    pub country: &'a str,
    /// Empty, or one of the legal stops (debt restructuring, insolvency, debt counselling,
    /// deceased): dunning stops for every invoice of the debtor while it is set.
    pub legal_stop: &'a str,
}

/// Corrects contact data; every field is checked, each change kept with its old value and the
/// staff member's name, audited, and sent to the creditor as `customer.updated`.
pub async fn correct_contact(
    db: &DatabaseConnection,
    tenant: &TenantCtx,
    scope: &StaffScope,
    customer_id: i64,
    new: &Contact<'_>,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let mut errors = std::collections::BTreeMap::new();
    let email = match new.email.trim() {
        "" => None,
        e => match settle_domain::contact::EmailAddress::parse(e) {
            Ok(e) => Some(e.as_str().to_string()),
            Err(_) => {
                errors.insert("email".to_string(), "email_invalid".to_string());
                None
            }
        },
    };
    let phone = match new.phone.trim() {
        "" => None,
        p => match crate::phone::e164(p, tenant.country()) {
            Ok(p) => Some(p),
            Err(code) => {
                errors.insert("phone".to_string(), code.to_string());
                None
            }
        },
    };
    let address = settle_domain::address::parse(new.street, new.postcode, new.city, new.country);
    if let Err(fields) = &address {
        errors.extend(fields.clone());
    }
    let stop = match new.legal_stop.trim() {
        "" => None,
        s if settle_domain::dunning::steps::LEGAL_STOPS.contains(&s) => Some(s.to_string()),
        _ => {
            errors.insert("legal_stop".to_string(), "required".to_string());
            None
        }
    };
    let Ok(address) = address else {
        return Err(ServiceError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let tx = db.begin().await?;
    let c = find(&tx, scope, customer_id).await?;
    if let Some(e) = &email {
        let taken = crate::entities::customer::Entity::find()
            .filter(crate::entities::customer::Column::TenantId.eq(scope.tenant_id()))
            .filter(crate::entities::customer::Column::Email.eq(e.as_str()))
            .filter(crate::entities::customer::Column::Id.ne(c.id))
            .one(&tx)
            .await?
            .is_some();
        if taken {
            return Err(ServiceError::invalid("email", "email_in_use"));
        }
    }
    crate::services::profile::changed_by(
        &tx,
        now,
        &c,
        &scope.actor(),
        &[
            ("email", c.email.clone(), email.clone()),
            ("phone", c.phone_e164.clone(), phone.clone()),
            ("street", Some(c.street.clone()), Some(address.street.clone())),
            ("postcode", Some(c.postcode.clone()), Some(address.postcode.clone())),
            ("city", Some(c.city.clone()), Some(address.city.clone())),
            ("country", Some(c.country.clone()), Some(address.country.clone())),
            ("legal_stop", c.legal_stop.clone(), stop.clone()),
        ],
    )
    .await?;
    let email_changed = c.email != email;
    let old_phone = c.phone_e164.clone();
    let moved = (&c.street, &c.postcode, &c.city, &c.country)
        != (&address.street, &address.postcode, &address.city, &address.country);
    let mut row: crate::entities::customer::ActiveModel = c.into();
    if email_changed {
        // A corrected address is a working one until it bounces again.
        row.email_invalid_at = Set(None);
    }
    if moved {
        // Likewise a corrected postal address, until a letter comes back.
        row.address_invalid_at = Set(None);
    }
    row.email = Set(email);
    row.set_phone(&old_phone, phone);
    row.street = Set(address.street);
    row.postcode = Set(address.postcode);
    row.city = Set(address.city);
    row.country = Set(address.country);
    row.legal_stop = Set(stop);
    row.updated_at = Set(now);
    row.update(&tx).await?;
    tx.commit().await?;
    Ok(())
}

/// A debtor asked to be erased (GDPR article 17): an admin erases their contact data now
/// (`retention::erase_contact_now`), after ticking that the request was checked. Refused while
/// anything is open for them (`erase_open`); bookkeeping data stays for the legal retention.
pub async fn erase_contact(
    db: &DatabaseConnection,
    scope: &StaffScope,
    customer_id: i64,
    confirmed: bool,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    scope.require(crate::staff::Role::Admin)?;
    let c = find(db, scope, customer_id).await?;
    if !confirmed {
        return Err(ServiceError::invalid("confirm", "required"));
    }
    if c.contact_erased_at.is_some() {
        return Ok(());
    }
    match crate::retention::erase_contact_now(db, scope.tenant_id(), c.id, &scope.actor(), now).await? {
        true => Ok(()),
        false => Err(ServiceError::Conflict("erase_open")),
    }
}
