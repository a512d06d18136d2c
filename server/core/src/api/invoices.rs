//! Invoices through the API: upsert by number (with lines and an optional PDF) and get one with
//! its status, open amount and dunning stage. An invoice nothing was paid on yet may be changed
//! freely; once money came in, only its description and PDF (use credit or cancel for the rest).
use super::{amount_of, cents};
use crate::entities::{customer, dunning_step, invoice, invoice_line, payment_reference};
use crate::error::{ServiceError, ServiceResult};
use crate::tenant::TenantCtx;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionSession, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use settle_domain::rf::RfReference;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// The largest PDF an invoice may carry.
pub const MAX_PDF_BYTES: usize = 5 * 1024 * 1024;
const MAX_LINES: usize = 200;

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Line {
    #[schema(example = "Premie basisverzekering november")]
    pub description: String,
    /// Euros with a `.` and at most two decimals.
    #[schema(example = "127.45")]
    pub amount: String,
}

/// What the creditor's system sends for an invoice.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvoiceInput {
    #[schema(example = "100001")]
    pub customer_number: String,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    /// EUR (the only currency for now).
    #[serde(default = "eur")]
    pub currency: String,
    #[schema(example = "Premie november 2026")]
    pub description: String,
    /// At least one; the invoice's amount is their sum.
    pub lines: Vec<Line>,
    /// The creditor's own PDF of the invoice, base64; debtors can download it.
    pub pdf_base64: Option<String>,
}

fn eur() -> String {
    "EUR".into()
}

/// Where an invoice is in the dunning plan.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Dunning {
    /// The name of the last step taken, e.g. "Herinnering".
    pub stage: Option<String>,
    /// Why dunning holds, if it does: disputed, payment_plan, callback, paused, handed_over.
    pub hold: Option<String>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Invoice {
    pub number: String,
    pub customer_number: String,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub currency: String,
    #[schema(example = "132.45")]
    pub amount: String,
    /// What is still to be paid, collection costs and interest included.
    #[schema(example = "132.45")]
    pub open_amount: String,
    /// open, paid, cancelled, ...
    pub status: String,
    pub description: String,
    /// The structured reference (RF) a bank transfer quotes.
    pub payment_reference: String,
    pub lines: Vec<Line>,
    pub has_pdf: bool,
    pub dunning: Dunning,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

struct Checked {
    customer_id: i64,
    fields: Fields,
}

/// An invoice's own fields, checked without the database.
pub(super) struct Fields {
    pub lines: Vec<(String, i64)>,
    pub total: i64,
    pub pdf: Option<Vec<u8>>,
    pub description: String,
}

/// Checks what needs no database; every problem goes into `errors`.
pub(super) fn check_fields(input: &InvoiceInput, errors: &mut BTreeMap<String, String>) -> Fields {
    if input.currency != "EUR" {
        errors.insert("currency".into(), "currency_unsupported".into());
    }
    if input.due_date < input.issue_date {
        errors.insert("due_date".into(), "due_before_issue".into());
    }
    let description = settle_domain::text::or_note(
        settle_domain::text::line(&input.description, 200),
        errors,
        "description",
    );
    if input.lines.is_empty() || input.lines.len() > MAX_LINES {
        errors.insert("lines".into(), "lines_invalid".into());
    }
    let mut lines = Vec::with_capacity(input.lines.len());
    for (i, l) in input.lines.iter().enumerate() {
        let text = settle_domain::text::or_note(
            settle_domain::text::line(&l.description, 200),
            errors,
            format!("lines[{i}].description"),
        );
        match cents(&l.amount) {
            Some(c) => lines.push((text, c)),
            None => {
                errors.insert(format!("lines[{i}].amount"), "amount_invalid".into());
            }
        }
    }
    let total: i64 = lines.iter().map(|(_, c)| c).sum();
    if lines.len() == input.lines.len() && total <= 0 && !input.lines.is_empty() {
        errors.insert("lines".into(), "amount_invalid".into());
    }
    let pdf = match input.pdf_base64.as_deref() {
        None => None,
        Some(b64) => match STANDARD.decode(b64.trim()) {
            Ok(bytes) if bytes.len() > MAX_PDF_BYTES => {
                errors.insert("pdf_base64".into(), "file_too_large".into());
                None
            }
            Ok(bytes) if bytes.starts_with(b"%PDF-") => Some(bytes),
            _ => {
                errors.insert("pdf_base64".into(), "pdf_invalid".into());
                None
            }
        },
    };
    Fields {
        lines,
        total,
        pdf,
        description,
    }
}

async fn check<C: ConnectionTrait>(db: &C, tenant_id: i64, input: &InvoiceInput) -> ServiceResult<Checked> {
    let mut errors = BTreeMap::new();
    let fields = check_fields(input, &mut errors);
    let customer = customer::Entity::find()
        .filter(customer::Column::TenantId.eq(tenant_id))
        .filter(customer::Column::CustomerNumber.eq(input.customer_number.trim()))
        .one(db)
        .await?;
    if customer.is_none() {
        errors.insert("customer_number".into(), "customer_unknown".into());
    }
    match customer {
        Some(c) if errors.is_empty() => Ok(Checked {
            customer_id: c.id,
            fields,
        }),
        _ => Err(ServiceError::Invalid(errors)),
    }
}

/// An invoice number as the creditor's system may use it: 1 to 40 of `A-Z a-z 0-9 - / . _`.
pub(super) fn number_ok(number: &str) -> bool {
    !number.is_empty()
        && number.len() <= 40
        && number
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-/._".contains(&b))
}

/// The RF reference a new invoice gets first: its number's letters and digits behind the
/// tenant's id, when that makes one (else one from the row's id, see `create`).
pub(super) fn rf_of_number(tenant_id: i64, number: &str) -> Option<RfReference> {
    let base: String = number.chars().filter(char::is_ascii_alphanumeric).collect();
    RfReference::create(&format!("{tenant_id}{base}")).ok()
}

/// Creates or updates the invoice with this number; `true` when it was created.
pub async fn upsert<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    tenant: &TenantCtx,
    actor: &str,
    number: &str,
    input: &InvoiceInput,
    now: DateTime<Utc>,
) -> ServiceResult<(Invoice, bool)> {
    let number = number.trim();
    if !number_ok(number) {
        return Err(ServiceError::invalid("number", "invoice_number_invalid"));
    }
    let tx = crate::db::begin_write(db).await?;
    let c = check(&tx, tenant.id, input).await?;
    let existing = invoice::Entity::find()
        .filter(invoice::Column::TenantId.eq(tenant.id))
        .filter(invoice::Column::Number.eq(number))
        .lock_exclusive()
        .one(&tx)
        .await?;
    let (row, created) = match existing {
        None => (create(&tx, tenant, number, input, &c, now).await?, true),
        Some(old) => {
            let untouched =
                old.status == "open" && old.open_cents == old.amount_cents && old.dunning_position.is_none();
            let same_money = old.customer_id == c.customer_id
                && old.amount_cents == c.fields.total
                && old.due_date == input.due_date
                && old.issue_date == input.issue_date
                && lines_of(&tx, old.id).await? == c.fields.lines;
            if !untouched && !same_money {
                return Err(ServiceError::Conflict("invoice_in_progress"));
            }
            let id = old.id;
            let mut row: invoice::ActiveModel = old.into();
            row.customer_id = Set(c.customer_id);
            row.issue_date = Set(input.issue_date);
            row.due_date = Set(input.due_date);
            row.amount_cents = Set(c.fields.total);
            if untouched {
                row.open_cents = Set(c.fields.total);
            }
            row.description = Set(c.fields.description.clone());
            if let Some(pdf) = c.fields.pdf.clone() {
                row.pdf = Set(Some(pdf));
                row.pdf_filename = Set(Some(format!("{number}.pdf")));
            }
            row.updated_at = Set(now);
            let row = row.update(&tx).await?;
            invoice_line::Entity::delete_many()
                .filter(invoice_line::Column::InvoiceId.eq(id))
                .exec(&tx)
                .await?;
            insert_lines(&tx, tenant.id, id, &c.fields.lines).await?;
            (row, false)
        }
    };
    let action = if created { "invoice_created" } else { "invoice_updated" };
    let detail = serde_json::json!({ "number": number, "amount_cents": row.amount_cents });
    crate::audit::record(&tx, now, tenant.id, Some(row.customer_id), actor, action, detail).await?;
    let out = view(&tx, tenant.id, row).await?;
    tx.commit().await?;
    Ok((out, created))
}

async fn create<C: ConnectionTrait>(
    db: &C,
    tenant: &TenantCtx,
    number: &str,
    input: &InvoiceInput,
    c: &Checked,
    now: DateTime<Utc>,
) -> ServiceResult<invoice::Model> {
    let row = invoice::ActiveModel {
        tenant_id: Set(tenant.id),
        customer_id: Set(c.customer_id),
        number: Set(number.to_string()),
        issue_date: Set(input.issue_date),
        due_date: Set(input.due_date),
        amount_cents: Set(c.fields.total),
        open_cents: Set(c.fields.total),
        currency: Set("EUR".into()),
        status: Set("open".into()),
        description: Set(c.fields.description.clone()),
        // Set below, once the id is known.
        rf_reference: Set(String::new()),
        pdf: Set(c.fields.pdf.clone()),
        pdf_filename: Set(c.fields.pdf.as_ref().map(|_| format!("{number}.pdf"))),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    // The number itself when it makes an RF reference nobody of this tenant uses, else one
    // from the row's id (prefix 6, apart from plan instalments' 8).
    let mut rf = None;
    let by_id = RfReference::create(&format!("{}6{}", tenant.id, row.id)).ok();
    for r in [rf_of_number(tenant.id, number), by_id].into_iter().flatten() {
        let taken = payment_reference::Entity::find()
            .filter(payment_reference::Column::TenantId.eq(tenant.id))
            .filter(payment_reference::Column::Reference.eq(r.as_str()))
            .one(db)
            .await?
            .is_some();
        if !taken {
            rf = Some(r);
            break;
        }
    }
    let rf = rf.ok_or(ServiceError::Conflict("reference_taken"))?;
    payment_reference::ActiveModel {
        tenant_id: Set(tenant.id),
        reference: Set(rf.as_str().to_string()),
        kind: Set("invoice".into()),
        invoice_id: Set(Some(row.id)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let mut active: invoice::ActiveModel = row.into();
    active.rf_reference = Set(rf.as_str().to_string());
    let row = active.update(db).await?;
    insert_lines(db, tenant.id, row.id, &c.fields.lines).await?;
    Ok(row)
}

async fn insert_lines<C: ConnectionTrait>(
    db: &C,
    tenant_id: i64,
    invoice_id: i64,
    lines: &[(String, i64)],
) -> ServiceResult<()> {
    for (i, (text, cents)) in lines.iter().enumerate() {
        invoice_line::ActiveModel {
            tenant_id: Set(tenant_id),
            invoice_id: Set(invoice_id),
            position: Set(i32::try_from(i + 1).unwrap_or(i32::MAX)),
            description: Set(text.clone()),
            amount_cents: Set(*cents),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

async fn lines_of<C: ConnectionTrait>(db: &C, invoice_id: i64) -> ServiceResult<Vec<(String, i64)>> {
    Ok(invoice_line::Entity::find()
        .filter(invoice_line::Column::InvoiceId.eq(invoice_id))
        .order_by_asc(invoice_line::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|l| (l.description, l.amount_cents))
        .collect())
}

async fn view<C: ConnectionTrait>(db: &C, tenant_id: i64, row: invoice::Model) -> ServiceResult<Invoice> {
    let customer_number = customer::Entity::find_by_id(row.customer_id)
        .filter(customer::Column::TenantId.eq(tenant_id))
        .one(db)
        .await?
        .map(|c| c.customer_number)
        .unwrap_or_default();
    let stage = match (row.dunning_plan_id, row.dunning_position) {
        (Some(plan), Some(pos)) => dunning_step::Entity::find()
            .filter(dunning_step::Column::TenantId.eq(tenant_id))
            .filter(dunning_step::Column::PlanId.eq(plan))
            .filter(dunning_step::Column::Position.eq(pos))
            .one(db)
            .await?
            .map(|s| s.name),
        _ => None,
    };
    let lines = lines_of(db, row.id)
        .await?
        .into_iter()
        .map(|(description, c)| Line {
            description,
            amount: amount_of(c),
        })
        .collect();
    Ok(Invoice {
        number: row.number,
        customer_number,
        issue_date: row.issue_date,
        due_date: row.due_date,
        currency: row.currency,
        amount: amount_of(row.amount_cents),
        open_amount: amount_of(row.open_cents),
        status: row.status,
        description: row.description,
        payment_reference: row.rf_reference,
        lines,
        has_pdf: row.pdf.is_some(),
        dunning: Dunning {
            stage,
            hold: row.dunning_hold,
        },
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

pub async fn get<C: ConnectionTrait>(db: &C, tenant_id: i64, number: &str) -> ServiceResult<Invoice> {
    let row = invoice::Entity::find()
        .filter(invoice::Column::TenantId.eq(tenant_id))
        .filter(invoice::Column::Number.eq(number.trim()))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    view(db, tenant_id, row).await
}

/// What the creditor's system does to an open invoice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Correction {
    /// Nothing is owed any more: dunning stops.
    Cancel,
    /// This much less is owed (cents); credited in full, the invoice is cancelled.
    Credit(i64),
}

/// The body of a credit.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreditInput {
    /// Euros with a `.`, at most what is open.
    #[schema(example = "20.00")]
    pub amount: String,
    #[schema(example = "Correctie premie")]
    pub reason: Option<String>,
}

/// The body of a cancellation.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelInput {
    pub reason: Option<String>,
}

/// Cancels or credits an open invoice. Dunning stops (cancelled) or goes on from today for what
/// remains; the invoice's holds stay as they are (a dispute, a plan).
pub async fn correct(
    db: &DatabaseConnection,
    tenant: &TenantCtx,
    actor: &str,
    number: &str,
    correction: Correction,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> ServiceResult<Invoice> {
    let reason = reason
        .map(|r| settle_domain::text::block(r, 500))
        .transpose()
        .map_err(|code| ServiceError::invalid("reason", code))?;
    let reason = reason.as_deref().filter(|r| !r.is_empty());
    let tx = crate::db::begin_write(db).await?;
    let inv = invoice::Entity::find()
        .filter(invoice::Column::TenantId.eq(tenant.id))
        .filter(invoice::Column::Number.eq(number.trim()))
        .lock_exclusive()
        .one(&tx)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if inv.status != "open" {
        return Err(ServiceError::Conflict("invoice_not_open"));
    }
    let open = match correction {
        Correction::Cancel => 0,
        Correction::Credit(c) if c <= 0 || c > inv.open_cents => {
            return Err(ServiceError::invalid("amount", "amount_out_of_range"))
        }
        Correction::Credit(c) => inv.open_cents - c,
    };
    let (customer_id, credited) = (inv.customer_id, inv.open_cents - open);
    let mut row: invoice::ActiveModel = inv.into();
    row.open_cents = Set(open);
    if open == 0 {
        row.status = Set("cancelled".into());
        row.costs_open_cents = Set(0);
        row.interest_open_cents = Set(0);
    } else {
        row.dunning_next_day = Set(Some(settle_domain::dunning::steps::day_number(tenant.today(now))));
    }
    row.updated_at = Set(now);
    let row = row.update(&tx).await?;
    let action = if open == 0 {
        "invoice_cancelled"
    } else {
        "invoice_credited"
    };
    let detail = serde_json::json!({ "number": row.number, "credited_cents": credited, "reason": reason });
    crate::audit::record(&tx, now, tenant.id, Some(customer_id), actor, action, detail).await?;
    let out = view(&tx, tenant.id, row).await?;
    tx.commit().await?;
    Ok(out)
}
