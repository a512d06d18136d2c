//! The dunning holds a debtor's own actions set: an open dispute (`disputed`) or a pending
//! callback (`callback`). One invoice may have both; the hold is derived from what is still
//! open, so ending one never lifts the other, and holds staff or the system set (paused, payment
//! plan, handed over) are never touched.
use crate::entities::{callback, dispute, invoice};
use crate::scope::DebtorScope;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use std::collections::HashSet;

const DERIVED: [&str; 2] = ["disputed", "callback"];

/// Sets the hold of each of the debtor's invoices in `numbers` (all open ones when empty) to
/// what its open disputes and pending callbacks call for: three queries and at most three
/// updates, however many invoices.
pub async fn refresh<C: ConnectionTrait>(
    db: &C,
    scope: &DebtorScope,
    numbers: &[&str],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut q = invoice::Entity::find()
        .filter(invoice::Column::TenantId.eq(scope.tenant_id()))
        .filter(invoice::Column::CustomerId.eq(scope.customer_id()))
        .filter(invoice::Column::Status.eq("open"));
    if !numbers.is_empty() {
        q = q.filter(invoice::Column::Number.is_in(numbers.iter().copied()));
    }
    let invoices: Vec<invoice::Model> = q
        .all(db)
        .await?
        .into_iter()
        .filter(|i| i.dunning_hold.as_deref().is_none_or(|h| DERIVED.contains(&h)))
        .collect();
    if invoices.is_empty() {
        return Ok(());
    }
    let disputed: HashSet<i64> = dispute::Entity::find()
        .filter(dispute::Column::TenantId.eq(scope.tenant_id()))
        .filter(dispute::Column::InvoiceId.is_in(invoices.iter().map(|i| i.id)))
        .filter(dispute::Column::Status.eq("open"))
        .all(db)
        .await?
        .into_iter()
        .map(|d| d.invoice_id)
        .collect();
    let callbacks = callback::Entity::find()
        .filter(callback::Column::TenantId.eq(scope.tenant_id()))
        .filter(callback::Column::CustomerId.eq(scope.customer_id()))
        .filter(callback::Column::Status.eq("booked"))
        .filter(callback::Column::HoldsDunning.eq(true))
        .all(db)
        .await?;
    let called = |number: &str| {
        callbacks
            .iter()
            .any(|c| c.invoices.is_empty() || c.invoices.split(',').any(|n| n.trim() == number))
    };
    let mut by_hold: [(Option<&str>, Vec<i64>); 3] =
        [(Some("disputed"), vec![]), (Some("callback"), vec![]), (None, vec![])];
    for inv in &invoices {
        let want = if disputed.contains(&inv.id) {
            0
        } else if called(&inv.number) {
            1
        } else {
            2
        };
        if inv.dunning_hold.as_deref() != by_hold[want].0 {
            by_hold[want].1.push(inv.id);
        }
    }
    for (hold, ids) in by_hold {
        if !ids.is_empty() {
            invoice::Entity::update_many()
                .col_expr(invoice::Column::DunningHold, Expr::value(hold.map(String::from)))
                .col_expr(invoice::Column::UpdatedAt, Expr::value(now))
                .filter(invoice::Column::TenantId.eq(scope.tenant_id()))
                .filter(invoice::Column::Id.is_in(ids))
                .exec(db)
                .await?;
        }
    }
    Ok(())
}
