//! Early signalling ("vroegsignalering"): the plan's early-signal step leaves a staff task; this
//! export turns the tasks not exported yet into one CSV file for the municipality's intake, and
//! marks them exported in the same transaction, so each signal leaves exactly once. Amounts are
//! the debtor's whole arrears with this creditor as of the export.
use crate::entities::{customer, invoice, staff_task, tenant};
use crate::error::ServiceResult;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, TransactionTrait};
use settle_domain::dunning::steps::StepKind;
use settle_domain::money::Money;

pub const HEADER: [&str; 15] = [
    "signal_date",
    "creditor",
    "creditor_contact",
    "customer_number",
    "name",
    "street",
    "postcode",
    "city",
    "country",
    "phone",
    "email",
    "arrears_eur",
    "open_invoices",
    "oldest_due_date",
    "days_in_arrears",
];

/// A cell as a spreadsheet will not execute it: text starting with `=`, `+`, `-`, `@`, tab or
/// carriage return gets a leading apostrophe (OWASP's CSV injection advice).
pub(crate) fn cell(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

/// The CSV (UTF-8, `;`-separated, as Dutch spreadsheets expect) of the signals not exported
/// yet, or of all of them with `again`; the count is the number of signals in it.
pub async fn export(
    db: &sea_orm::DatabaseConnection,
    tenant: &tenant::Model,
    now: DateTime<Utc>,
    again: bool,
) -> ServiceResult<(usize, String)> {
    let txn = db.begin().await?;
    let mut q = staff_task::Entity::find()
        .filter(staff_task::Column::TenantId.eq(tenant.id))
        .filter(staff_task::Column::Kind.eq(StepKind::EarlySignal.as_str()))
        .order_by_asc(staff_task::Column::Id);
    if !again {
        q = q.filter(staff_task::Column::ExportedAt.is_null());
    }
    let tasks = q.all(&txn).await?;
    let mut out = csv::WriterBuilder::new().delimiter(b';').from_writer(Vec::new());
    let csv_err = |e: csv::Error| crate::error::ServiceError::Internal(e.into());
    out.write_record(HEADER).map_err(csv_err)?;
    let today = now.date_naive();
    let mut seen = std::collections::HashSet::new();
    for task in &tasks {
        // One line per debtor: two signals of one debtor in one file would double the arrears.
        if !seen.insert(task.customer_id) {
            continue;
        }
        let Some(c) = customer::Entity::find_by_id(task.customer_id)
            .filter(customer::Column::TenantId.eq(tenant.id))
            .one(&txn)
            .await?
        else {
            continue;
        };
        let open = invoice::Entity::find()
            .filter(invoice::Column::TenantId.eq(tenant.id))
            .filter(invoice::Column::CustomerId.eq(c.id))
            .filter(invoice::Column::Status.eq("open"))
            .filter(invoice::Column::DueDate.lt(today))
            .all(&txn)
            .await?;
        let arrears: i64 = open.iter().map(|i| i.open_cents).sum();
        let oldest: Option<NaiveDate> = open.iter().map(|i| i.due_date).min();
        let days = oldest.map(|d| (today - d).num_days()).unwrap_or(0);
        out.write_record([
            cell(&task.created_at.date_naive().to_string()),
            cell(&tenant.creditor_legal_name),
            cell(&tenant.support_phone),
            cell(&c.customer_number),
            cell(&c.name),
            cell(&c.street),
            cell(&c.postcode),
            cell(&c.city),
            cell(&c.country),
            cell(c.phone_e164.as_deref().unwrap_or("")),
            cell(c.email.as_deref().unwrap_or("")),
            Money::eur(arrears).to_epc_amount(),
            open.len().to_string(),
            oldest.map(|d| d.to_string()).unwrap_or_default(),
            days.to_string(),
        ])
        .map_err(csv_err)?;
    }
    let ids: Vec<i64> = tasks.iter().map(|t| t.id).collect();
    if !ids.is_empty() {
        staff_task::Entity::update_many()
            .col_expr(staff_task::Column::ExportedAt, Expr::value(Some(now)))
            .filter(staff_task::Column::Id.is_in(ids))
            .filter(staff_task::Column::ExportedAt.is_null())
            .exec(&txn)
            .await?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| crate::error::ServiceError::Internal(anyhow::anyhow!("csv: {e}")))?;
    txn.commit().await?;
    Ok((seen.len(), String::from_utf8_lossy(&bytes).into_owned()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn cells_that_a_spreadsheet_would_run_are_defused() {
        assert_eq!(super::cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(super::cell("+31 6"), "'+31 6");
        assert_eq!(super::cell("@SUM"), "'@SUM");
        assert_eq!(super::cell("Jansen"), "Jansen");
        assert_eq!(super::cell(""), "");
    }
}
