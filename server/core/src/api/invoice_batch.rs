//! New invoices many at a time, for the bulk import: a batch's customers, existing numbers and
//! references are looked up with one query each, and its invoices, references and lines are
//! written with one multi-row statement each. What is not plainly new (a number that exists or
//! comes twice, a reference already taken) is left to the one-by-one upsert, which decides it
//! as the API does.
use super::invoices::{check_fields, number_ok, rf_of_number, InvoiceInput};
use crate::entities::{customer, invoice, payment_reference};
use crate::error::ServiceResult;
use crate::sql::insert_rows;
use crate::tenant::TenantCtx;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Value};
use std::collections::{BTreeMap, HashMap, HashSet};

/// A row of the file: its line, the invoice number and what the API's PUT would get.
pub struct Pending {
    pub line: u64,
    pub number: String,
    pub input: InvoiceInput,
}

/// What [`create_new`] did with a batch.
#[derive(Default)]
pub struct Outcome {
    pub created: u64,
    /// Line and field errors of rows refused.
    pub rejected: Vec<(u64, BTreeMap<String, String>)>,
    /// Rows for the one-by-one upsert, in file order.
    pub rest: Vec<Pending>,
}

struct New {
    number: String,
    customer_id: i64,
    input: InvoiceInput,
    fields: super::invoices::Fields,
    rf: String,
}

/// Creates the plainly new invoices among `rows` (which lie in one transaction's scope).
pub async fn create_new<C: ConnectionTrait>(
    db: &C,
    tenant: &TenantCtx,
    actor: &str,
    rows: Vec<Pending>,
    now: DateTime<Utc>,
) -> ServiceResult<Outcome> {
    let mut out = Outcome::default();
    let customers = customer_ids(db, tenant.id, &rows).await?;
    let numbers: Vec<String> = rows.iter().map(|r| r.number.trim().to_string()).collect();
    let existing: HashSet<String> = invoice::Entity::find()
        .select_only()
        .column(invoice::Column::Number)
        .filter(invoice::Column::TenantId.eq(tenant.id))
        .filter(invoice::Column::Number.is_in(numbers))
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let (mut numbers_seen, mut references_seen) = (HashSet::new(), HashSet::new());
    let mut fresh = Vec::with_capacity(rows.len());
    for row in rows {
        let number = row.number.trim().to_string();
        if !number_ok(&number) {
            out.rejected.push((
                row.line,
                BTreeMap::from([("number".into(), "invoice_number_invalid".into())]),
            ));
            continue;
        }
        let mut errors = BTreeMap::new();
        let fields = check_fields(&row.input, &mut errors);
        let customer_id = customers.get(row.input.customer_number.trim()).copied();
        if customer_id.is_none() {
            errors.insert("customer_number".into(), "customer_unknown".into());
        }
        if !errors.is_empty() {
            out.rejected.push((row.line, errors));
            continue;
        }
        let rf = rf_of_number(tenant.id, &number).map(|r| r.as_str().to_string());
        match (customer_id, rf) {
            (Some(customer_id), Some(rf))
                if !existing.contains(&number)
                    && numbers_seen.insert(number.clone())
                    && references_seen.insert(rf.clone()) =>
            {
                fresh.push((
                    row.line,
                    New {
                        number,
                        customer_id,
                        input: row.input,
                        fields,
                        rf,
                    },
                ));
            }
            _ => out.rest.push(row),
        }
    }
    let taken = taken_references(db, tenant.id, fresh.iter().map(|(_, n)| n.rf.clone()).collect()).await?;
    let (fresh, later): (Vec<_>, Vec<_>) = fresh.into_iter().partition(|(_, n)| !taken.contains(&n.rf));
    out.rest.extend(later.into_iter().map(|(line, n)| Pending {
        line,
        number: n.number,
        input: n.input,
    }));
    out.rest.sort_by_key(|p| p.line);
    if fresh.is_empty() {
        return Ok(out);
    }
    out.created = write(db, tenant.id, now, fresh.into_iter().map(|(_, n)| n).collect()).await?;
    let detail = serde_json::json!({ "count": out.created });
    crate::audit::record(db, now, tenant.id, None, actor, "invoices_imported", detail).await?;
    Ok(out)
}

async fn customer_ids<C: ConnectionTrait>(
    db: &C,
    tenant_id: i64,
    rows: &[Pending],
) -> ServiceResult<HashMap<String, i64>> {
    let wanted: HashSet<&str> = rows.iter().map(|r| r.input.customer_number.trim()).collect();
    Ok(customer::Entity::find()
        .select_only()
        .column(customer::Column::CustomerNumber)
        .column(customer::Column::Id)
        .filter(customer::Column::TenantId.eq(tenant_id))
        .filter(customer::Column::CustomerNumber.is_in(wanted))
        .into_tuple::<(String, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

async fn taken_references<C: ConnectionTrait>(
    db: &C,
    tenant_id: i64,
    references: Vec<String>,
) -> ServiceResult<HashSet<String>> {
    Ok(payment_reference::Entity::find()
        .select_only()
        .column(payment_reference::Column::Reference)
        .filter(payment_reference::Column::TenantId.eq(tenant_id))
        .filter(payment_reference::Column::Reference.is_in(references))
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

async fn write<C: ConnectionTrait>(db: &C, tenant_id: i64, now: DateTime<Utc>, fresh: Vec<New>) -> ServiceResult<u64> {
    let rows = fresh
        .iter()
        .map(|n| {
            let filename = n.fields.pdf.as_ref().map(|_| format!("{}.pdf", n.number));
            vec![
                n.customer_id.into(),
                n.number.clone().into(),
                n.input.issue_date.into(),
                n.input.due_date.into(),
                n.fields.total.into(),
                n.fields.total.into(),
                n.fields.description.clone().into(),
                n.rf.clone().into(),
                n.fields.pdf.clone().into(),
                filename.into(),
            ]
        })
        .collect();
    let returned = insert_rows(
        db,
        "invoices",
        &[
            "customer_id",
            "number",
            "issue_date",
            "due_date",
            "amount_cents",
            "open_cents",
            "description",
            "rf_reference",
            "pdf",
            "pdf_filename",
        ],
        &[
            ("tenant_id", tenant_id.into()),
            ("currency", "EUR".into()),
            ("status", "open".into()),
            ("costs_open_cents", 0i64.into()),
            ("interest_open_cents", 0i64.into()),
            ("costs_pending_cents", 0i64.into()),
            ("created_at", now.into()),
            ("updated_at", now.into()),
        ],
        rows,
        Some("id, number"),
    )
    .await?;
    let mut ids: HashMap<String, i64> = HashMap::with_capacity(returned.len());
    for r in returned {
        ids.insert(r.try_get("", "number")?, r.try_get("", "id")?);
    }
    let mut references: Vec<Vec<Value>> = Vec::with_capacity(fresh.len());
    let mut lines: Vec<Vec<Value>> = Vec::with_capacity(fresh.len());
    for n in &fresh {
        let id = ids[&n.number];
        references.push(vec![n.rf.clone().into(), id.into()]);
        for (i, (text, cents)) in n.fields.lines.iter().enumerate() {
            let position = i32::try_from(i + 1).unwrap_or(i32::MAX);
            lines.push(vec![id.into(), position.into(), text.clone().into(), (*cents).into()]);
        }
    }
    insert_rows(
        db,
        "payment_references",
        &["reference", "invoice_id"],
        &[
            ("tenant_id", tenant_id.into()),
            ("kind", "invoice".into()),
            ("created_at", now.into()),
        ],
        references,
        None,
    )
    .await?;
    insert_rows(
        db,
        "invoice_lines",
        &["invoice_id", "position", "description", "amount_cents"],
        &[("tenant_id", tenant_id.into())],
        lines,
        None,
    )
    .await?;
    Ok(fresh.len() as u64)
}
