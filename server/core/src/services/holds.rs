//! The dunning holds a debtor's own actions set: an open dispute (`disputed`) or a pending
//! callback (`callback`). One invoice may have both; the hold is derived from what is still
//! open, so ending one never lifts the other, and holds staff or the system set (paused, payment
//! plan, handed over) are never touched.
use crate::entities::{callback, dispute, invoice};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

const DERIVED: [&str; 2] = ["disputed", "callback"];

/// Sets each invoice's hold to what its open disputes and pending callbacks call for.
pub async fn refresh<C: ConnectionTrait>(db: &C, invoice_ids: &[i64], now: DateTime<Utc>) -> Result<(), DbErr> {
    if invoice_ids.is_empty() {
        return Ok(());
    }
    let invoices = invoice::Entity::find()
        .filter(invoice::Column::Id.is_in(invoice_ids.iter().copied()))
        .all(db)
        .await?;
    for inv in invoices {
        if inv.dunning_hold.as_deref().is_some_and(|h| !DERIVED.contains(&h)) {
            continue;
        }
        let disputed = dispute::Entity::find()
            .filter(dispute::Column::InvoiceId.eq(inv.id))
            .filter(dispute::Column::Status.eq("open"))
            .one(db)
            .await?
            .is_some();
        let called = !disputed
            && inv.status == "open"
            && callback::Entity::find()
                .filter(callback::Column::TenantId.eq(inv.tenant_id))
                .filter(callback::Column::CustomerId.eq(inv.customer_id))
                .filter(callback::Column::Status.eq("booked"))
                .filter(callback::Column::HoldsDunning.eq(true))
                .all(db)
                .await?
                .iter()
                .any(|c| c.invoices.is_empty() || c.invoices.split(',').any(|n| n.trim() == inv.number));
        let want = if disputed {
            Some("disputed")
        } else if called {
            Some("callback")
        } else {
            None
        };
        if inv.dunning_hold.as_deref() != want {
            invoice::Entity::update_many()
                .col_expr(invoice::Column::DunningHold, Expr::value(want.map(String::from)))
                .col_expr(invoice::Column::UpdatedAt, Expr::value(now))
                .filter(invoice::Column::Id.eq(inv.id))
                .exec(db)
                .await?;
        }
    }
    Ok(())
}
