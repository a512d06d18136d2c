//! A debtor's own data, for download from the portal (GDPR article 15 and 20): every row of
//! every table that belongs to them, as JSON or as CSV. Sign-in secrets stay out: password and
//! token hashes, sessions, one-time codes, message texts (they carry live links), stored
//! files and their paths.
use crate::audit;
use crate::dunning::early_signals::cell;
use crate::error::{ServiceError, ServiceResult};
use crate::scope::{AuthLevel, DebtorScope};
use chrono::{DateTime, Utc};
use sea_orm::{
    AccessMode, ConnectionTrait, FromQueryResult, IsolationLevel, JsonValue, Statement, TransactionSession,
    TransactionTrait,
};
use serde_json::{Map, Value};

/// How a table's rows belong to the debtor.
#[derive(Clone, Copy, Debug)]
enum Owner {
    /// The debtor's own row (`id`).
    Itself,
    /// `customer_id`.
    Debtor,
    /// Through one of the debtor's invoices (`invoice_id`).
    Invoice,
    /// Through one of the debtor's payment plans (`plan_id`).
    Plan,
    /// Through one of the messages sent to the debtor (`outbox_id`).
    Message,
    /// Through one of the debtor's online payments (`checkout_id`).
    Checkout,
    /// Through one of the debtor's invoices or payment plans (`invoice_id`, `plan_id`).
    InvoiceOrPlan,
}

/// Every table the export reads, in the order it lists them.
const TABLES: &[(&str, Owner)] = &[
    ("customers", Owner::Itself),
    ("portal_accounts", Owner::Debtor),
    ("representatives", Owner::Debtor),
    ("customer_changes", Owner::Debtor),
    ("consents", Owner::Debtor),
    ("invoices", Owner::Debtor),
    ("invoice_lines", Owner::Invoice),
    ("payments", Owner::Debtor),
    ("payment_allocations", Owner::Invoice),
    ("checkouts", Owner::Debtor),
    ("checkout_items", Owner::Checkout),
    ("payment_references", Owner::InvoiceOrPlan),
    ("refund_tasks", Owner::Debtor),
    ("payment_plans", Owner::Debtor),
    ("plan_instalments", Owner::Plan),
    ("plan_invoices", Owner::Plan),
    ("reminders", Owner::Debtor),
    ("outbox", Owner::Debtor),
    ("message_events", Owner::Message),
    ("callbacks", Owner::Debtor),
    ("disputes", Owner::Debtor),
    ("staff_notes", Owner::Debtor),
    ("staff_tasks", Owner::Debtor),
    ("audit_events", Owner::Debtor),
];

/// Tables that hold or point at a debtor's rows but are left out, and why (a test checks that
/// every table with a `customer_id`, `invoice_id`, `plan_id`, `checkout_id`, `outbox_id` or
/// `payment_id` column is either exported or listed here).
pub const LEFT_OUT: &[(&str, &str)] = &[
    ("sessions", "sign-in state"),
    ("one_time_tokens", "hashed one-time codes and links"),
    (
        "checkout_locks",
        "a lock held for seconds while an online payment starts",
    ),
    (
        "dunning_steps",
        "the creditor's reminder schedule (its plan_id is a dunning plan)",
    ),
    (
        "learned_arms",
        "what each time of day achieved per dunning plan, counts over all debtors (its plan_id is a dunning plan)",
    ),
    (
        "sandbox_payments",
        "the built-in test payment provider's own books (it stands in for a real one)",
    ),
];

/// Every table the export reads.
pub fn tables() -> impl Iterator<Item = &'static str> {
    TABLES.iter().map(|(t, _)| *t)
}

/// Columns never exported: secrets and where files lie on the server (the files' names and
/// sizes are exported). A message's text and its letter hold the payment link, the letter's
/// code and the unsubscribe link, all live sign-in secrets: the export lists each message by
/// channel, recipient, subject, status and dates. An event's detail may hold a clicked link.
fn secret(table: &str, column: &str) -> bool {
    column.ends_with("_hash")
        || column.ends_with("_path")
        || column == "state"
        || (table == "outbox" && ["body_text", "body_html", "document", "list_unsubscribe"].contains(&column))
        || (table == "message_events" && column == "detail")
}

/// A binary column (a stored PDF): sea-orm gives its bytes as an array of numbers.
fn bytes(v: &Value) -> bool {
    v.as_array()
        .is_some_and(|a| !a.is_empty() && a.iter().all(Value::is_u64))
}

fn condition(owner: Owner) -> &'static str {
    match owner {
        Owner::Itself => "tenant_id = $1 AND id = $2",
        Owner::Debtor => "tenant_id = $1 AND customer_id = $2",
        Owner::Invoice => {
            "tenant_id = $1 AND invoice_id IN (SELECT id FROM invoices WHERE tenant_id = $1 AND customer_id = $2)"
        }
        Owner::Plan => {
            "tenant_id = $1 AND plan_id IN (SELECT id FROM payment_plans WHERE tenant_id = $1 AND customer_id = $2)"
        }
        Owner::Message => {
            "tenant_id = $1 AND outbox_id IN (SELECT id FROM outbox WHERE tenant_id = $1 AND customer_id = $2)"
        }
        Owner::Checkout => {
            "tenant_id = $1 AND checkout_id IN (SELECT id FROM checkouts WHERE tenant_id = $1 AND customer_id = $2)"
        }
        Owner::InvoiceOrPlan => {
            "tenant_id = $1 AND (invoice_id IN (SELECT id FROM invoices WHERE tenant_id = $1 AND customer_id = $2) \
             OR plan_id IN (SELECT id FROM payment_plans WHERE tenant_id = $1 AND customer_id = $2))"
        }
    }
}

/// The export: `{"exported_at": ..., "tables": {"customers": [{...}], ...}}`. Needs a full
/// login (a payment link's code is not enough); the download is audited.
pub async fn export<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    scope: &DebtorScope,
    now: DateTime<Utc>,
) -> ServiceResult<Value> {
    if scope.level() != AuthLevel::Full {
        return Err(ServiceError::Forbidden);
    }
    let backend = db.get_database_backend();
    // One snapshot, read only: rows added while reading do not appear in one table and not
    // another. (A SQLite read transaction is a snapshot in WAL mode and takes no write lock.)
    let tx = match backend {
        sea_orm::DbBackend::Postgres => {
            db.begin_with_config(Some(IsolationLevel::RepeatableRead), Some(AccessMode::ReadOnly))
                .await?
        }
        _ => db.begin().await?,
    };
    let mut tables = Map::new();
    for (table, owner) in TABLES {
        // $1/$2 work on both databases (SQLite reads them as numbered parameters).
        let sql = format!("SELECT * FROM {table} WHERE {} ORDER BY id", condition(*owner));
        let stmt = Statement::from_sql_and_values(backend, sql, [scope.tenant_id().into(), scope.customer_id().into()]);
        let rows: Vec<Value> = JsonValue::find_by_statement(stmt)
            .all(&tx)
            .await?
            .into_iter()
            .map(|mut row| {
                if let Value::Object(m) = &mut row {
                    m.retain(|k, v| !secret(table, k) && !bytes(v));
                }
                row
            })
            .collect();
        tables.insert(table.to_string(), Value::Array(rows));
    }
    tx.commit().await?;
    audit::record(
        db,
        now,
        scope.tenant_id(),
        Some(scope.customer_id()),
        "debtor",
        "data_export",
        serde_json::json!({}),
    )
    .await?;
    let mut out = Map::new();
    out.insert("exported_at".into(), Value::String(now.to_rfc3339()));
    out.insert("tables".into(), Value::Object(tables));
    Ok(Value::Object(out))
}

/// The same data as CSV, one line per value (`table;row;field;value`), so every table fits
/// one sheet; cells a spreadsheet would run are defused.
pub fn csv(export: &Value) -> ServiceResult<Vec<u8>> {
    let err = |e: csv::Error| ServiceError::Internal(e.into());
    let mut out = csv::WriterBuilder::new().delimiter(b';').from_writer(Vec::new());
    out.write_record(["table", "row", "field", "value"]).map_err(err)?;
    let empty = Map::new();
    let tables = export.get("tables").and_then(Value::as_object).unwrap_or(&empty);
    for (table, rows) in tables {
        for (n, row) in rows.as_array().into_iter().flatten().enumerate() {
            for (field, value) in row.as_object().unwrap_or(&empty) {
                // Only text is defused: a number such as -500 stays a number.
                let text = match value {
                    Value::Null => String::new(),
                    Value::String(s) => cell(s),
                    other => other.to_string(),
                };
                out.write_record([table.as_str(), &(n + 1).to_string(), field.as_str(), &text])
                    .map_err(err)?;
            }
        }
    }
    out.into_inner()
        .map_err(|e| ServiceError::Internal(anyhow::anyhow!("csv: {e}")))
}
