//! Payment references: one per-tenant table (an invoice's RF, later a checkout, instalment or
//! batch), so every way of paying resolves a reference the same way.
use crate::entities::{checkout_item, payment_reference};
use crate::error::ServiceResult;
use crate::sql::chunked_in;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect, Statement};
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

/// Resolves references (uppercase, no spaces) to the invoices they pay, in settling order.
/// Unknown references are absent from the map.
pub async fn resolve<C: ConnectionTrait>(
    db: &C,
    tenant_id: i64,
    references: &[String],
) -> ServiceResult<HashMap<String, Vec<i64>>> {
    let mut map: HashMap<String, Vec<i64>> = HashMap::new();
    let mut checkouts: Vec<(String, i64)> = Vec::new();
    for part in references.chunks(chunked_in::MAX) {
        let rows: Vec<(String, Option<i64>, Option<i64>)> = payment_reference::Entity::find()
            .select_only()
            .columns([
                payment_reference::Column::Reference,
                payment_reference::Column::InvoiceId,
                payment_reference::Column::CheckoutId,
            ])
            .filter(payment_reference::Column::TenantId.eq(tenant_id))
            .filter(payment_reference::Column::Reference.is_in(part.iter().cloned()))
            .into_tuple()
            .all(db)
            .await?;
        for (reference, invoice, checkout) in rows {
            match (invoice, checkout) {
                (Some(invoice), _) => {
                    map.insert(reference, vec![invoice]);
                }
                (None, Some(checkout)) => checkouts.push((reference, checkout)),
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
        map.insert(reference, items.into_iter().map(|i| i.invoice_id).collect());
    }
    Ok(map)
}
