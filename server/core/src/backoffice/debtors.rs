//! Finding a debtor (name, customer number, email, phone, invoice number or payment reference)
//! and the debtor page: contact data and its history, invoices with status, hold and dunning
//! stage, disputes, callbacks, and one timeline of messages with their events, payments, what
//! the debtor and staff did, and notes.
use super::local;
use crate::entities::{
    audit_event, callback, customer, customer_change, dispute, dunning_step, invoice, message_event, outbox, payment,
    payment_reference, reminder, staff_note,
};
use crate::error::{ServiceError, ServiceResult};
use crate::services::invoices::summary;
use crate::staff::StaffScope;
use crate::tenant::TenantCtx;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use settle_domain::backoffice::{
    CallbackRow, ChangeRow, DebtorHit, DebtorPageView, DisputeRow, StaffInvoiceRow, TimelineEntry,
};
use settle_domain::money::Money;
use std::collections::HashMap;

pub const MAX_HITS: u64 = 50;
const TIMELINE: u64 = 200;

/// `%` and `_` typed by staff are searched for, not wildcards (or "%" would list everyone).
fn like_pattern(q: &str) -> String {
    let mut p = String::from("%");
    for c in q.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

pub async fn search<C: ConnectionTrait>(
    db: &C,
    tenant: &TenantCtx,
    scope: &StaffScope,
    q: &str,
) -> ServiceResult<Vec<DebtorHit>> {
    let q = q.trim();
    if q.chars().count() < 2 || q.chars().count() > 100 {
        return Ok(Vec::new());
    }
    // SQL's lower() folds only ASCII on SQLite (and in a C locale), every letter elsewhere: the
    // typed text is folded both ways, so the name as written ("Şükrü") finds its debtor on both
    // databases, and in any case where lower() folds every letter.
    let name_like = |pattern: String| {
        Expr::expr(Func::lower(Expr::col(customer::Column::Name))).like(LikeExpr::new(pattern).escape('\\'))
    };
    let mut by_id = Condition::any()
        .add(name_like(like_pattern(&q.to_lowercase())))
        .add(name_like(like_pattern(&q.to_ascii_lowercase())))
        .add(customer::Column::CustomerNumber.eq(q))
        .add(customer::Column::Email.eq(q.to_lowercase()));
    if let Ok(phone) = crate::phone::e164(q, tenant.country()) {
        by_id = by_id.add(customer::Column::PhoneE164.eq(phone));
    }
    // An invoice number, or a payment reference (an invoice's, an instalment's), names its debtor.
    let compact: String = q
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    let via_invoice: Vec<i64> = invoice::Entity::find()
        .select_only()
        .column(invoice::Column::CustomerId)
        .filter(invoice::Column::TenantId.eq(scope.tenant_id()))
        .filter(
            Condition::any()
                .add(invoice::Column::Number.eq(q))
                .add(invoice::Column::RfReference.eq(compact.clone())),
        )
        .into_tuple()
        .all(db)
        .await?;
    let via_reference: Vec<Option<i64>> = payment_reference::Entity::find()
        .select_only()
        .column(payment_reference::Column::InvoiceId)
        .filter(payment_reference::Column::TenantId.eq(scope.tenant_id()))
        .filter(payment_reference::Column::Reference.eq(compact))
        .into_tuple()
        .all(db)
        .await?;
    let mut ids = via_invoice;
    let invoice_ids: Vec<i64> = via_reference.into_iter().flatten().collect();
    if !invoice_ids.is_empty() {
        ids.extend(
            invoice::Entity::find()
                .select_only()
                .column(invoice::Column::CustomerId)
                .filter(invoice::Column::TenantId.eq(scope.tenant_id()))
                .filter(invoice::Column::Id.is_in(invoice_ids))
                .into_tuple::<i64>()
                .all(db)
                .await?,
        );
    }
    if !ids.is_empty() {
        by_id = by_id.add(customer::Column::Id.is_in(ids));
    }
    let rows = customer::Entity::find()
        .filter(customer::Column::TenantId.eq(scope.tenant_id()))
        .filter(by_id)
        .order_by_asc(customer::Column::Name)
        .limit(MAX_HITS)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|c| DebtorHit {
            id: c.id,
            customer_number: c.customer_number,
            name: c.name,
            email: c.email,
            phone: c.phone_e164,
        })
        .collect())
}

/// A debtor of the staff member's tenant; another tenant's id is simply not found.
pub(crate) async fn find<C: ConnectionTrait>(db: &C, scope: &StaffScope, id: i64) -> ServiceResult<customer::Model> {
    customer::Entity::find_by_id(id)
        .filter(customer::Column::TenantId.eq(scope.tenant_id()))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)
}

pub async fn page<C: ConnectionTrait>(
    db: &C,
    tenant: &TenantCtx,
    scope: &StaffScope,
    id: i64,
    now: DateTime<Utc>,
) -> ServiceResult<DebtorPageView> {
    let c = find(db, scope, id).await?;
    let today = tenant.today(now);
    let tid = scope.tenant_id();
    let invoices = invoice::Entity::find()
        .filter(invoice::Column::TenantId.eq(tid))
        .filter(invoice::Column::CustomerId.eq(c.id))
        .order_by_desc(invoice::Column::DueDate)
        .all(db)
        .await?;
    let number_of: HashMap<i64, String> = invoices.iter().map(|i| (i.id, i.number.clone())).collect();
    let steps: HashMap<(i64, i32), String> = dunning_step::Entity::find()
        .filter(dunning_step::Column::TenantId.eq(tid))
        .all(db)
        .await?
        .into_iter()
        .map(|s| ((s.plan_id, s.position), s.name))
        .collect();
    let staff_names = super::staff_names(db, tid).await?;
    let who = |actor: &str| match actor.strip_prefix("staff:").and_then(|s| s.parse::<i64>().ok()) {
        Some(id) => staff_names.get(&id).cloned().unwrap_or_else(|| actor.to_string()),
        None => actor.to_string(),
    };
    let rows: Vec<StaffInvoiceRow> = invoices
        .iter()
        .map(|i| StaffInvoiceRow {
            number: i.number.clone(),
            due: i.due_date,
            amount: Money::eur(i.amount_cents),
            open: Money::eur(i.open_cents),
            status: summary(i, today).status,
            hold: i.dunning_hold.clone(),
            hold_reason: i.hold_reason.clone(),
            stage: match (i.dunning_plan_id, i.dunning_position) {
                (Some(plan), Some(pos)) if pos > 0 => Some(format!(
                    "{pos}: {}",
                    steps.get(&(plan, pos)).cloned().unwrap_or_default()
                )),
                _ => None,
            },
        })
        .collect();
    let disputes = dispute::Entity::find()
        .filter(dispute::Column::TenantId.eq(tid))
        .filter(dispute::Column::CustomerId.eq(c.id))
        .order_by_desc(dispute::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(|d| {
            dispute_row(
                tenant,
                &d,
                number_of.get(&d.invoice_id).cloned().unwrap_or_default(),
                now,
            )
        })
        .collect();
    let callbacks = callback::Entity::find()
        .filter(callback::Column::TenantId.eq(tid))
        .filter(callback::Column::CustomerId.eq(c.id))
        .order_by_desc(callback::Column::SlotStart)
        .limit(20)
        .all(db)
        .await?
        .into_iter()
        .map(|cb| callback_row(tenant, scope, &cb, &c.name, &staff_names))
        .collect();
    let changes = customer_change::Entity::find()
        .filter(customer_change::Column::TenantId.eq(tid))
        .filter(customer_change::Column::CustomerId.eq(c.id))
        .order_by_desc(customer_change::Column::CreatedAt)
        .limit(50)
        .all(db)
        .await?
        .into_iter()
        .map(|ch| ChangeRow {
            at: local(tenant, ch.created_at),
            field: ch.field,
            old: ch.old_value,
            new: ch.new_value,
            by: who(&ch.actor),
        })
        .collect();
    let timeline = timeline(db, tenant, &c, &number_of, &who).await?;
    let consents = crate::services::consents::history(db, tenant, c.id).await?;
    let rep = crate::services::representatives::of(db, tid, c.id).await?;
    let mut channels = Vec::new();
    for (on, name) in [(c.pref_email, "email"), (c.pref_sms, "sms"), (c.pref_letter, "letter")] {
        if on {
            channels.push(name.to_string());
        }
    }
    Ok(DebtorPageView {
        id: c.id,
        customer_number: c.customer_number.clone(),
        name: c.name.clone(),
        email: c.email.clone(),
        phone: c.phone_e164.clone(),
        address: format!("{}, {} {} ({})", c.street, c.postcode, c.city, c.country),
        street: c.street.clone(),
        postcode: c.postcode.clone(),
        city: c.city.clone(),
        country: c.country.clone(),
        language: c.language.clone(),
        channels,
        representative: rep.map(|r| format!("{} ({}, {})", r.name, r.kind, r.mode)),
        legal_stop: c.legal_stop.clone(),
        address_invalid: c.address_invalid_at.map(|at| local(tenant, at)),
        contact_erased: c.contact_erased_at.map(|at| local(tenant, at)),
        returnable_letters: super::returned_letters::returnable(db, tenant, c.id).await?,
        invoices: rows,
        disputes,
        callbacks,
        changes,
        timeline,
        consents,
    })
}

pub(crate) fn dispute_row(tenant: &TenantCtx, d: &dispute::Model, invoice: String, now: DateTime<Utc>) -> DisputeRow {
    DisputeRow {
        id: d.id,
        invoice,
        reason: d.reason.clone(),
        text: d.text.clone(),
        status: d.status.clone(),
        overdue: d.status == "open" && d.sla_due_at < now,
        raised: local(tenant, d.created_at),
    }
}

pub(crate) fn callback_row(
    tenant: &TenantCtx,
    scope: &StaffScope,
    cb: &callback::Model,
    debtor: &str,
    staff_names: &HashMap<i64, String>,
) -> CallbackRow {
    CallbackRow {
        id: cb.id,
        debtor_id: cb.customer_id,
        debtor: debtor.to_string(),
        topic: cb.topic.clone(),
        phone: cb.phone.clone(),
        slot: local(tenant, cb.slot_start),
        status: cb.status.clone(),
        claimed_by: cb.claimed_by.and_then(|id| staff_names.get(&id).cloned()),
        mine: cb.claimed_by == Some(scope.staff_id()),
        outcome: cb.outcome.clone(),
        promised_on: cb.promised_on,
    }
}

/// Everything that happened, newest first: messages (with delivery, opens, clicks, bounces),
/// payments, the audit log (logins, changes, disputes, plans, staff actions) and notes.
async fn timeline<C: ConnectionTrait>(
    db: &C,
    tenant: &TenantCtx,
    c: &customer::Model,
    number_of: &HashMap<i64, String>,
    who: &dyn Fn(&str) -> String,
) -> ServiceResult<Vec<TimelineEntry>> {
    let tid = tenant.id;
    let mut out = Vec::new();
    let messages = outbox::Entity::find()
        .select_only()
        .columns([
            outbox::Column::Id,
            outbox::Column::Channel,
            outbox::Column::Recipient,
            outbox::Column::Subject,
            outbox::Column::Status,
            outbox::Column::InvoiceId,
            outbox::Column::CreatedAt,
            outbox::Column::SentAt,
        ])
        .filter(outbox::Column::TenantId.eq(tid))
        .filter(outbox::Column::CustomerId.eq(c.id))
        .order_by_desc(outbox::Column::Id)
        .limit(TIMELINE)
        .into_tuple::<(
            i64,
            String,
            String,
            String,
            String,
            Option<i64>,
            DateTime<Utc>,
            Option<DateTime<Utc>>,
        )>()
        .all(db)
        .await?;
    let ids: Vec<i64> = messages.iter().map(|m| m.0).collect();
    let invoice_of_message: HashMap<i64, Option<i64>> = messages.iter().map(|m| (m.0, m.5)).collect();
    for (_, channel, to, subject, status, inv, created, sent) in messages {
        out.push(TimelineEntry {
            at: local(tenant, sent.unwrap_or(created)),
            kind: "message".into(),
            what: channel,
            detail: format!("{subject} → {to} ({status})"),
            invoice: inv.and_then(|i| number_of.get(&i).cloned()),
            choice: None,
        });
    }
    if !ids.is_empty() {
        for e in message_event::Entity::find()
            .filter(message_event::Column::TenantId.eq(tid))
            .filter(message_event::Column::OutboxId.is_in(ids))
            .all(db)
            .await?
        {
            out.push(TimelineEntry {
                at: local(tenant, e.created_at),
                kind: "message_event".into(),
                what: e.kind,
                detail: e.detail,
                invoice: invoice_of_message
                    .get(&e.outbox_id)
                    .copied()
                    .flatten()
                    .and_then(|i| number_of.get(&i).cloned()),
                choice: None,
            });
        }
    }
    // Why a reminder went out when it did: the learner's choice with its evidence, or the
    // holdout's fixed plan.
    for r in reminder::Entity::find()
        .filter(reminder::Column::TenantId.eq(tid))
        .filter(reminder::Column::CustomerId.eq(c.id))
        .filter(reminder::Column::Cohort.is_not_null())
        .order_by_desc(reminder::Column::Id)
        .limit(TIMELINE)
        .all(db)
        .await?
    {
        out.push(TimelineEntry {
            at: local(tenant, r.issued_at.unwrap_or(r.send_after)),
            kind: "choice".into(),
            what: r.cohort.unwrap_or_default(),
            detail: String::new(),
            invoice: number_of.get(&r.invoice_id).cloned(),
            choice: r.choice.as_deref().and_then(|j| serde_json::from_str(j).ok()),
        });
    }
    for p in payment::Entity::find()
        .filter(payment::Column::TenantId.eq(tid))
        .filter(payment::Column::CustomerId.eq(c.id))
        .order_by_desc(payment::Column::Id)
        .limit(TIMELINE)
        .all(db)
        .await?
    {
        out.push(TimelineEntry {
            at: local(tenant, p.created_at),
            kind: "payment".into(),
            what: p.source,
            detail: format!(
                "{} · {} · {}",
                Money::eur(p.amount_cents).format(settle_domain::locale::Locale::En),
                p.match_state,
                p.reference_text
            ),
            invoice: None,
            choice: None,
        });
    }
    for a in audit_event::Entity::find()
        .filter(audit_event::Column::TenantId.eq(tid))
        .filter(audit_event::Column::CustomerId.eq(c.id))
        .order_by_desc(audit_event::Column::Id)
        .limit(TIMELINE)
        .all(db)
        .await?
    {
        out.push(TimelineEntry {
            at: local(tenant, a.created_at),
            kind: "audit".into(),
            what: a.action,
            detail: format!("{} · {}", who(&a.actor), a.detail),
            invoice: None,
            choice: None,
        });
    }
    for n in staff_note::Entity::find()
        .filter(staff_note::Column::TenantId.eq(tid))
        .filter(staff_note::Column::CustomerId.eq(c.id))
        .order_by_desc(staff_note::Column::Id)
        .limit(TIMELINE)
        .all(db)
        .await?
    {
        out.push(TimelineEntry {
            at: local(tenant, n.created_at),
            kind: "note".into(),
            what: who(&format!("staff:{}", n.staff_id)),
            detail: n.body,
            invoice: None,
            choice: None,
        });
    }
    out.sort_by_key(|e| std::cmp::Reverse(e.at));
    out.truncate(TIMELINE as usize);
    Ok(out)
}
