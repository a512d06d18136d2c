//! The unmatched payments queue: money nobody could match to an invoice (or the rest of it).
//! Staff allocate it to one or more invoices of the tenant (each at most its open amount;
//! several for a split), or mark the rest for refund. Allocation books through the same
//! ledger as every payment (allocations, invoice status, queued reminders, events).
use crate::audit;
use crate::entities::{invoice, payment, refund_task};
use crate::error::{ServiceError, ServiceResult};
use crate::services::booking::{allocation_row, load_invoices, settle_invoices};
use crate::staff::StaffScope;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};
use serde_json::json;
use settle_domain::allocation::allocate_one;
use settle_domain::backoffice::{Suggestion, UnmatchedRow};
use settle_domain::money::{Currency, Money};

pub const MAX_SPLIT: usize = 5;

/// Payments with money not yet allocated, oldest first, each with open invoices of exactly
/// that amount as suggestions.
pub async fn unmatched<C: ConnectionTrait>(db: &C, scope: &StaffScope) -> ServiceResult<Vec<UnmatchedRow>> {
    let rows = payment::Entity::find()
        .filter(payment::Column::TenantId.eq(scope.tenant_id()))
        .filter(payment::Column::MatchState.eq("unmatched"))
        .filter(payment::Column::UnallocatedCents.gt(0))
        .filter(payment::Column::ReversedAt.is_null())
        .order_by_asc(payment::Column::Id)
        .limit(200)
        .all(db)
        .await?;
    // Open invoices of exactly the amounts waiting, in one query.
    let mut by_amount: std::collections::HashMap<i64, Vec<Suggestion>> = std::collections::HashMap::new();
    for i in invoice::Entity::find()
        .filter(invoice::Column::TenantId.eq(scope.tenant_id()))
        .filter(invoice::Column::Status.eq("open"))
        .filter(invoice::Column::OpenCents.is_in(rows.iter().map(|p| p.unallocated_cents)))
        .order_by_asc(invoice::Column::DueDate)
        .all(db)
        .await?
    {
        let same = by_amount.entry(i.open_cents).or_default();
        if same.len() < 5 {
            same.push(Suggestion {
                number: i.number,
                open: Money::eur(i.open_cents),
            });
        }
    }
    let out = rows
        .into_iter()
        .map(|p| UnmatchedRow {
            id: p.id,
            received_on: p.received_on,
            amount: Money::eur(p.amount_cents),
            unallocated: Money::eur(p.unallocated_cents),
            suggestions: by_amount.get(&p.unallocated_cents).cloned().unwrap_or_default(),
            name: p.debtor_name,
            iban: p.debtor_iban,
            reference: p.reference_text,
            source: p.source,
        })
        .collect();
    Ok(out)
}

async fn open_payment<C: ConnectionTrait>(db: &C, scope: &StaffScope, id: i64) -> ServiceResult<payment::Model> {
    payment::Entity::find_by_id(id)
        .filter(payment::Column::TenantId.eq(scope.tenant_id()))
        .filter(payment::Column::MatchState.eq("unmatched"))
        .filter(payment::Column::UnallocatedCents.gt(0))
        .filter(payment::Column::ReversedAt.is_null())
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// `parts`: invoice numbers with an amount in euros (empty: as much as the invoice's open
/// amount and the rest allow).
pub async fn allocate(
    db: &DatabaseConnection,
    scope: &StaffScope,
    payment_id: i64,
    parts: &[(String, String)],
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let parts: Vec<&(String, String)> = parts.iter().filter(|(n, _)| !n.trim().is_empty()).collect();
    if parts.is_empty() {
        return Err(ServiceError::invalid("invoice", "select_invoice"));
    }
    if parts.len() > MAX_SPLIT {
        return Err(ServiceError::invalid("invoice", "too_many_invoices"));
    }
    let tx = crate::db::begin_write(db).await?;
    let p = open_payment(&tx, scope, payment_id).await?;
    let mut ids = Vec::with_capacity(parts.len());
    for (number, _) in &parts {
        let id: Option<i64> = invoice::Entity::find()
            .select_only()
            .column(invoice::Column::Id)
            .filter(invoice::Column::TenantId.eq(scope.tenant_id()))
            .filter(invoice::Column::Number.eq(number.trim()))
            .filter(invoice::Column::Status.eq("open"))
            .into_tuple()
            .one(&tx)
            .await?;
        ids.push(id.ok_or_else(|| ServiceError::invalid("invoice", "invoice_unknown"))?);
    }
    let mut invoices = load_invoices(&tx, scope.tenant_id(), &ids).await?;
    let mut left = p.unallocated_cents;
    let mut customer = p.customer_id;
    for ((_, amount), id) in parts.iter().zip(&ids) {
        let state = invoices
            .get_mut(id)
            .ok_or_else(|| ServiceError::invalid("invoice", "invoice_unknown"))?;
        let open = state.open.total();
        let cents = match amount.trim() {
            "" => open.min(left),
            typed => {
                Money::parse_decimal(typed, Currency::Eur)
                    .map_err(|_| ServiceError::invalid("amount", "amount_invalid"))?
                    .cents
            }
        };
        if cents <= 0 || cents > open || cents > left {
            return Err(ServiceError::invalid("amount", "amount_out_of_range"));
        }
        let a = allocate_one(cents, &state.open);
        state.open = state.open.after(&a);
        state.changed = true;
        left -= cents;
        customer = customer.or(Some(state.row.customer_id));
        allocation_row(scope.tenant_id(), p.id, *id, &a, now)
            .insert(&tx)
            .await?;
    }
    payment::Entity::update_many()
        .col_expr(payment::Column::UnallocatedCents, Expr::value(left))
        .col_expr(
            payment::Column::MatchState,
            Expr::value(if left == 0 { "matched" } else { "unmatched" }),
        )
        .col_expr(payment::Column::CustomerId, Expr::value(customer))
        .filter(payment::Column::Id.eq(p.id))
        .exec(&tx)
        .await?;
    settle_invoices(&tx, scope.tenant_id(), now, &invoices, "allocation").await?;
    audit::record(
        &tx,
        now,
        scope.tenant_id(),
        customer,
        &scope.actor(),
        "payment_allocated",
        json!({ "payment_id": p.id, "invoices": parts.iter().map(|(n, _)| n.trim()).collect::<Vec<_>>(), "left_cents": left }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The money is not ours to keep: a refund task for what is left (paid back with `settle
/// refunds`), and the payment leaves the queue.
pub async fn mark_for_refund(
    db: &DatabaseConnection,
    scope: &StaffScope,
    payment_id: i64,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let tx = db.begin().await?;
    let p = open_payment(&tx, scope, payment_id).await?;
    let taken = payment::Entity::update_many()
        .col_expr(payment::Column::UnallocatedCents, Expr::value(0i64))
        .col_expr(payment::Column::MatchState, Expr::value("refund"))
        .filter(payment::Column::Id.eq(p.id))
        .filter(payment::Column::UnallocatedCents.eq(p.unallocated_cents))
        .exec(&tx)
        .await?
        .rows_affected;
    if taken != 1 {
        return Err(ServiceError::NotFound);
    }
    refund_task::ActiveModel {
        tenant_id: Set(scope.tenant_id()),
        customer_id: Set(p.customer_id),
        payment_id: Set(p.id),
        amount_cents: Set(p.unallocated_cents),
        currency: Set(p.currency.clone()),
        status: Set("open".into()),
        payee_name: Set(p.debtor_name.clone()),
        payee_iban: Set(p.debtor_iban.clone()),
        provider_refund_id: Set(None),
        created_at: Set(now),
        done_at: Set(None),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    audit::record(
        &tx,
        now,
        scope.tenant_id(),
        p.customer_id,
        &scope.actor(),
        "payment_marked_for_refund",
        json!({ "payment_id": p.id, "amount_cents": p.unallocated_cents }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
