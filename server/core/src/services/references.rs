//! Payment references: one per-tenant table (an invoice's RF, later a checkout, instalment or
//! batch), so every way of paying resolves a reference the same way.
use crate::entities::{checkout_item, invoice, payment_reference, plan_invoice};
use crate::error::ServiceResult;
use crate::services::booking::OpenInvoice;
use crate::sql::chunked_in;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, JoinType, QueryFilter, QueryOrder, QuerySelect,
    Statement,
};
use std::collections::HashMap;

/// Registers the RF reference of every invoice of the tenant that has none yet (after seeding,
/// an import or the API created invoices).
pub async fn sync_invoices<C: ConnectionTrait>(db: &C, tenant_id: i64) -> Result<u64, DbErr> {
    let backend = db.get_database_backend();
    let p = if backend == sea_orm::DatabaseBackend::Postgres {
        "$1"
    } else {
        "?"
    };
    let sql = format!(
        "INSERT INTO payment_references (tenant_id, reference, kind, invoice_id, created_at) \
         SELECT i.tenant_id, i.rf_reference, 'invoice', i.id, i.created_at FROM invoices i \
         WHERE i.tenant_id = {p} AND NOT EXISTS (SELECT 1 FROM payment_references r \
         WHERE r.tenant_id = i.tenant_id AND r.reference = i.rf_reference)"
    );
    let res = db
        .execute_raw(Statement::from_sql_and_values(backend, sql, [tenant_id.into()]))
        .await?;
    Ok(res.rows_affected())
}

/// What references resolved to: the invoices each pays (in settling order), and the state of
/// the invoices found, read in the same query so booking need not load them again.
pub struct Resolved {
    pub invoices_of: HashMap<String, Vec<i64>>,
    pub invoices: Vec<OpenInvoice>,
}

impl Resolved {
    pub fn extend(&mut self, more: Resolved) {
        self.invoices_of.extend(more.invoices_of);
        self.invoices.extend(more.invoices);
    }
}

#[derive(FromQueryResult)]
struct Row {
    reference: String,
    checkout_id: Option<i64>,
    plan_id: Option<i64>,
    id: Option<i64>,
    invoice_tenant_id: Option<i64>,
    customer_id: Option<i64>,
    number: Option<String>,
    currency: Option<String>,
    status: Option<String>,
    open_cents: Option<i64>,
    costs_open_cents: Option<i64>,
    interest_open_cents: Option<i64>,
}

impl Row {
    fn invoice(&self) -> Option<OpenInvoice> {
        Some(OpenInvoice {
            id: self.id?,
            tenant_id: self.invoice_tenant_id?,
            customer_id: self.customer_id?,
            number: self.number.clone()?,
            currency: self.currency.clone()?,
            status: self.status.clone()?,
            open_cents: self.open_cents?,
            costs_open_cents: self.costs_open_cents?,
            interest_open_cents: self.interest_open_cents?,
        })
    }
}

/// Resolves references (uppercase, no spaces) to the invoices they pay. Unknown references are
/// absent from the map.
pub async fn resolve<C: ConnectionTrait>(db: &C, tenant_id: i64, references: &[String]) -> ServiceResult<Resolved> {
    let mut resolved = Resolved {
        invoices_of: HashMap::new(),
        invoices: Vec::new(),
    };
    let mut checkouts: Vec<(String, i64)> = Vec::new();
    let mut plans: Vec<(String, i64)> = Vec::new();
    let to_invoice: sea_orm::RelationDef = payment_reference::Entity::belongs_to(invoice::Entity)
        .from(payment_reference::Column::InvoiceId)
        .to(invoice::Column::Id)
        .into();
    for part in references.chunks(chunked_in::MAX) {
        let rows: Vec<Row> = payment_reference::Entity::find()
            .select_only()
            .columns([
                payment_reference::Column::Reference,
                payment_reference::Column::CheckoutId,
                payment_reference::Column::PlanId,
            ])
            .column(invoice::Column::Id)
            .column_as(invoice::Column::TenantId, "invoice_tenant_id")
            .columns(OpenInvoice::STATE)
            .join(JoinType::LeftJoin, to_invoice.clone())
            .filter(payment_reference::Column::TenantId.eq(tenant_id))
            .filter(payment_reference::Column::Reference.is_in(part.iter().cloned()))
            .into_model::<Row>()
            .all(db)
            .await?;
        for row in rows {
            match (row.invoice(), row.checkout_id, row.plan_id) {
                // The reference table is per tenant; the invoice's own tenant is checked too.
                (Some(invoice), _, _) if invoice.tenant_id == tenant_id => {
                    resolved.invoices_of.insert(row.reference, vec![invoice.id]);
                    resolved.invoices.push(invoice);
                }
                (None, Some(checkout), _) => checkouts.push((row.reference, checkout)),
                (None, None, Some(plan)) => plans.push((row.reference, plan)),
                _ => {}
            }
        }
    }
    for (reference, checkout) in checkouts {
        let items = checkout_item::Entity::find()
            .filter(checkout_item::Column::TenantId.eq(tenant_id))
            .filter(checkout_item::Column::CheckoutId.eq(checkout))
            .all(db)
            .await?;
        resolved
            .invoices_of
            .insert(reference, items.into_iter().map(|i| i.invoice_id).collect());
    }
    // An instalment pays the plan's invoices in the plan's order, whatever was paid before.
    for (reference, plan) in plans {
        let invoices: Vec<i64> = plan_invoice::Entity::find()
            .select_only()
            .column(plan_invoice::Column::InvoiceId)
            .filter(plan_invoice::Column::TenantId.eq(tenant_id))
            .filter(plan_invoice::Column::PlanId.eq(plan))
            .order_by_asc(plan_invoice::Column::Seq)
            .into_tuple()
            .all(db)
            .await?;
        resolved.invoices_of.insert(reference, invoices);
    }
    Ok(resolved)
}
