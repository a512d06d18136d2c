//! What a debtor sees of their invoices: list, detail with payment instructions, dashboard.
use crate::entities::{invoice, invoice_line, refund_task};
use crate::error::{ServiceError, ServiceResult};
use crate::qr;
use crate::scope::DebtorScope;
use crate::services::payment_settings;
use crate::tenant::TenantCtx;
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect};
use settle_domain::epc::{EpcTransfer, Remittance};
use settle_domain::iban::{Bic, Iban};
use settle_domain::money::{Currency, Money};
use settle_domain::rf::RfReference;
use settle_domain::views::{
    DashboardView, DisplayStatus, InvoiceDetail, InvoiceSummary, LineView, PaymentInstructions,
};

fn money(cents: i64, currency: &str) -> Money {
    Money {
        cents,
        currency: Currency::parse(currency).unwrap_or(Currency::Eur),
    }
}

pub fn summary(row: &invoice::Model, today: NaiveDate) -> InvoiceSummary {
    SummaryRow::from(row).into_summary(today)
}

/// The columns a summary needs: the list and the payment-link page read these, not whole
/// invoices.
#[derive(Clone, Debug, FromQueryResult)]
pub(crate) struct SummaryRow {
    pub(crate) number: String,
    pub(crate) issue_date: NaiveDate,
    pub(crate) due_date: NaiveDate,
    pub(crate) amount_cents: i64,
    pub(crate) open_cents: i64,
    pub(crate) currency: String,
    pub(crate) status: String,
}

impl From<&invoice::Model> for SummaryRow {
    fn from(row: &invoice::Model) -> Self {
        Self {
            number: row.number.clone(),
            issue_date: row.issue_date,
            due_date: row.due_date,
            amount_cents: row.amount_cents,
            open_cents: row.open_cents,
            currency: row.currency.clone(),
            status: row.status.clone(),
        }
    }
}

impl SummaryRow {
    /// Its columns, for queries that read it (`list`, the payment-link lookup).
    pub(crate) const COLUMNS: [invoice::Column; 7] = [
        invoice::Column::Number,
        invoice::Column::IssueDate,
        invoice::Column::DueDate,
        invoice::Column::AmountCents,
        invoice::Column::OpenCents,
        invoice::Column::Currency,
        invoice::Column::Status,
    ];

    pub(crate) fn status(&self, today: NaiveDate) -> DisplayStatus {
        DisplayStatus::of(&self.status, self.amount_cents, self.open_cents, self.due_date, today)
    }

    pub(crate) fn into_summary(self, today: NaiveDate) -> InvoiceSummary {
        InvoiceSummary {
            status: self.status(today),
            amount: money(self.amount_cents, &self.currency),
            open: money(self.open_cents, &self.currency),
            number: self.number,
            issue_date: self.issue_date,
            due_date: self.due_date,
        }
    }
}

/// Open invoices first (overdue before the rest), then by due date, newest last within a group.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    scope: &DebtorScope,
    today: NaiveDate,
) -> ServiceResult<Vec<InvoiceSummary>> {
    use invoice::Column as I;
    let rows = invoice::Entity::find()
        .select_only()
        .columns(SummaryRow::COLUMNS)
        .filter(I::TenantId.eq(scope.tenant_id()))
        .filter(I::CustomerId.eq(scope.customer_id()))
        .order_by_asc(I::DueDate)
        .limit(500)
        .into_model::<SummaryRow>()
        .all(db)
        .await?;
    let mut list: Vec<InvoiceSummary> = rows.into_iter().map(|r| r.into_summary(today)).collect();
    list.sort_by_key(|s| {
        let day = i64::from(chrono::Datelike::num_days_from_ce(&s.due_date));
        // Payable: soonest due first; settled: most recent first.
        (s.status.rank(), if s.status.is_payable() { day } else { -day })
    });
    Ok(list)
}

pub async fn dashboard<C: ConnectionTrait>(
    db: &C,
    scope: &DebtorScope,
    today: NaiveDate,
) -> ServiceResult<DashboardView> {
    let list = list(db, scope, today).await?;
    let payable: Vec<&InvoiceSummary> = list.iter().filter(|s| s.status.is_payable()).collect();
    let sum = |items: &[&InvoiceSummary]| Money::eur(items.iter().map(|s| s.open.cents).sum());
    let overdue: Vec<&InvoiceSummary> = payable
        .iter()
        .copied()
        .filter(|s| s.status == DisplayStatus::Overdue)
        .collect();
    let next = payable
        .iter()
        .filter(|s| s.due_date >= today)
        .min_by_key(|s| s.due_date);
    Ok(DashboardView {
        total_due: sum(&payable),
        overdue_total: sum(&overdue),
        overdue_count: overdue.len(),
        open_count: payable.len(),
        next_due: next.map(|s| s.due_date),
        next_due_invoice: next.map(|s| s.number.clone()),
        credit: Money::eur(credit(db, scope).await?),
    })
}

/// Overpaid money still to be refunded to the debtor.
pub async fn credit<C: ConnectionTrait>(db: &C, scope: &DebtorScope) -> ServiceResult<i64> {
    let tasks = refund_task::Entity::find()
        .filter(refund_task::Column::TenantId.eq(scope.tenant_id()))
        .filter(refund_task::Column::CustomerId.eq(scope.customer_id()))
        .filter(refund_task::Column::Status.eq("open"))
        .all(db)
        .await?;
    Ok(tasks.iter().map(|t| t.amount_cents).sum())
}

pub(crate) async fn find_scoped<C: ConnectionTrait>(
    db: &C,
    scope: &DebtorScope,
    number: &str,
) -> ServiceResult<invoice::Model> {
    invoice::Entity::find()
        .filter(invoice::Column::TenantId.eq(scope.tenant_id()))
        .filter(invoice::Column::CustomerId.eq(scope.customer_id()))
        .filter(invoice::Column::Number.eq(number))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)
}

pub async fn detail<C: ConnectionTrait>(
    db: &C,
    tenant: &TenantCtx,
    scope: &DebtorScope,
    number: &str,
    today: NaiveDate,
    part_cents: Option<i64>,
) -> ServiceResult<InvoiceDetail> {
    let row = find_scoped(db, scope, number).await?;
    let lines = invoice_line::Entity::find()
        .filter(invoice_line::Column::TenantId.eq(scope.tenant_id()))
        .filter(invoice_line::Column::InvoiceId.eq(row.id))
        .order_by_asc(invoice_line::Column::Position)
        .all(db)
        .await?;
    let summary = summary(&row, today);
    let policy = payment_settings::policy(db, scope.tenant_id()).await?;
    let online = payment_settings::offer(policy, summary.status.is_payable(), row.open_cents);
    // A part within the tenant's bounds gets its own transfer details; anything else the whole.
    let part = part_cents.filter(|p| {
        online
            .as_ref()
            .and_then(|o| o.partial)
            .is_some_and(|(min, max)| *p >= min.cents && *p <= max.cents)
    });
    let amount = part.map(|p| money(p, &row.currency)).unwrap_or(summary.open);
    let payment = instructions_for(tenant, &row.rf_reference, &summary, amount)?;
    Ok(InvoiceDetail {
        description: row.description.clone(),
        lines: lines
            .into_iter()
            .map(|l| LineView {
                description: l.description,
                amount: money(l.amount_cents, &row.currency),
            })
            .collect(),
        payment,
        online,
        has_pdf: row.pdf_filename.is_some(),
        disputes: crate::services::disputes::of_invoice(db, scope, row.id, tenant).await?,
        can_dispute: crate::services::disputes::may_open(db, &row).await?,
        defer_until: crate::services::deferrals::latest(db, &row).await?,
        deferred_from: row.deferred_from,
        can_defer: crate::services::deferrals::movable(&row),
        plan: crate::services::plans::view_of(db, tenant, &row, today).await?,
        summary,
    })
}

/// Bank-transfer details and the EPC QR code, for invoices that can still be paid.
pub fn payment_instructions(
    tenant: &TenantCtx,
    rf_reference: &str,
    summary: &InvoiceSummary,
) -> ServiceResult<Option<PaymentInstructions>> {
    instructions_for(tenant, rf_reference, summary, summary.open)
}

/// The same for a part of the open amount: the QR code carries exactly that amount.
pub fn instructions_for(
    tenant: &TenantCtx,
    rf_reference: &str,
    summary: &InvoiceSummary,
    amount: Money,
) -> ServiceResult<Option<PaymentInstructions>> {
    if !summary.status.is_payable() {
        return Ok(None);
    }
    let parts = epc_for(tenant, rf_reference, amount)?;
    Ok(Some(PaymentInstructions {
        beneficiary: tenant.row.creditor_legal_name.clone(),
        iban: parts.iban,
        bic: parts.bic,
        reference: parts.reference,
        amount,
        qr_url: qr::epc_path(rf_reference, amount),
    }))
}

/// A bank transfer of `amount` for an invoice: the EPC QR payload, and the IBAN, BIC and RF
/// reference as people read them.
pub struct EpcParts {
    pub payload: String,
    pub iban: String,
    pub bic: Option<String>,
    pub reference: String,
}

/// The transfer to the tenant's account quoting `rf_reference`.
pub fn epc_for(tenant: &TenantCtx, rf_reference: &str, amount: Money) -> ServiceResult<EpcParts> {
    let t = &tenant.row;
    let iban =
        Iban::parse(&t.creditor_iban).map_err(|e| ServiceError::Internal(anyhow::anyhow!("tenant IBAN: {e}")))?;
    let bic = t.creditor_bic.as_deref().and_then(|b| Bic::parse(b).ok());
    let reference =
        RfReference::parse(rf_reference).map_err(|e| ServiceError::Internal(anyhow::anyhow!("reference: {e}")))?;
    let transfer = EpcTransfer {
        bic: bic.clone(),
        beneficiary: t.creditor_legal_name.clone(),
        iban: iban.clone(),
        amount: Some(amount),
        purpose: None,
        remittance: Remittance::Structured(reference.clone()),
        info: None,
    };
    let payload = transfer
        .payload()
        .map_err(|e| ServiceError::Internal(anyhow::anyhow!("epc: {e}")))?;
    Ok(EpcParts {
        payload,
        iban: iban.grouped(),
        bic: bic.map(|b| b.as_str().to_string()),
        reference: reference.grouped(),
    })
}

/// The creditor's PDF of an invoice, when one was supplied.
pub async fn pdf<C: ConnectionTrait>(db: &C, scope: &DebtorScope, number: &str) -> ServiceResult<(String, Vec<u8>)> {
    let row = find_scoped(db, scope, number).await?;
    match (row.pdf_filename, row.pdf) {
        (Some(name), Some(bytes)) => Ok((name, bytes)),
        _ => Err(ServiceError::NotFound),
    }
}
