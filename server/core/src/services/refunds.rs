//! Refund tasks from overpayments: carried out through the provider's refund API (when the
//! money came in through it) or exported as a SEPA credit transfer file (pain.001).
use crate::entities::{checkout, payment, refund_task};
use crate::error::{ServiceError, ServiceResult};
use crate::providers::{sandbox, RefundRequest};
use crate::services::payment_settings::{self, Client};
use crate::state::AppState;
use crate::statements::pain001;
use crate::tenant::TenantCtx;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait};
use settle_domain::i18n::{t, Key};

pub async fn open_tasks(state: &AppState, tenant_id: i64) -> ServiceResult<Vec<refund_task::Model>> {
    Ok(refund_task::Entity::find()
        .filter(refund_task::Column::TenantId.eq(tenant_id))
        .filter(refund_task::Column::Status.eq("open"))
        .order_by_asc(refund_task::Column::Id)
        .all(&state.db)
        .await?)
}

/// Refunds one task through the provider the overpayment came in by. The provider then
/// reports the refund like any other event, which books it.
pub async fn via_provider(state: &AppState, tenant: &TenantCtx, task_id: i64) -> ServiceResult<String> {
    let task = refund_task::Entity::find_by_id(task_id)
        .filter(refund_task::Column::TenantId.eq(tenant.id))
        .filter(refund_task::Column::Status.eq("open"))
        .one(&state.db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let paid = payment::Entity::find_by_id(task.payment_id)
        .filter(payment::Column::TenantId.eq(tenant.id))
        .one(&state.db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let co = match paid.checkout_id {
        Some(id) => {
            checkout::Entity::find_by_id(id)
                .filter(checkout::Column::TenantId.eq(tenant.id))
                .one(&state.db)
                .await?
        }
        None => None,
    };
    let Some((co, target)) = co.and_then(|c| c.refund_target.clone().map(|t| (c, t))) else {
        return Err(ServiceError::Conflict("not_paid_through_provider"));
    };
    let settings = payment_settings::load(&state.db, &state.keys, tenant.id)
        .await?
        .ok_or(ServiceError::Conflict("online_payment_unavailable"))?;
    let request = RefundRequest {
        refund_target: target.clone(),
        amount_cents: task.amount_cents,
        currency: task.currency.clone(),
        description: format!("{} {}", tenant.name, t(tenant.default_locale, Key::RefundRemittance)),
        idempotency_key: format!("refund-task-{}", task.id),
    };
    let created = match settings.client(&state.http) {
        Client::Sandbox => sandbox::refund(&state.db, tenant.id, &target, task.amount_cents).await,
        Client::Mollie(c) => c.create_refund(&request).await,
        Client::Stripe(c) => c.create_refund(&request).await,
    }
    .map_err(crate::services::checkout::provider_error)?;
    refund_task::Entity::update(refund_task::ActiveModel {
        id: Set(task.id),
        status: Set("refunded".into()),
        provider_refund_id: Set(Some(created.refund_id.clone())),
        done_at: Set(Some(state.clock.now())),
        ..Default::default()
    })
    .exec(&state.db)
    .await?;
    if co.provider == "sandbox" {
        // The sandbox has no outgoing webhook of its own for refunds: fetch and apply now.
        crate::services::checkout::refresh(state, tenant, &co).await?;
    }
    Ok(created.refund_id)
}

/// All open tasks with a payee IBAN, as one pain.001 file; they are marked exported in the same
/// transaction, so a second export does not pay them twice. Returns the XML and the task count.
pub async fn export_sepa(state: &AppState, tenant: &TenantCtx) -> ServiceResult<Option<(String, usize)>> {
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let tasks: Vec<refund_task::Model> = refund_task::Entity::find()
        .filter(refund_task::Column::TenantId.eq(tenant.id))
        .filter(refund_task::Column::Status.eq("open"))
        .filter(refund_task::Column::PayeeIban.is_not_null())
        .order_by_asc(refund_task::Column::Id)
        .all(&txn)
        .await?;
    if tasks.is_empty() {
        txn.rollback().await?;
        return Ok(None);
    }
    let refunds: Vec<pain001::Refund> = tasks
        .iter()
        .map(|task| pain001::Refund {
            end_to_end_id: format!("SETTLE-REFUND-{}", task.id),
            amount_cents: task.amount_cents,
            creditor_name: task.payee_name.clone().unwrap_or_else(|| "NOTPROVIDED".into()),
            creditor_iban: task.payee_iban.clone().unwrap_or_default(),
            remittance: format!("{} {}", tenant.name, t(tenant.default_locale, Key::RefundRemittance)),
        })
        .collect();
    let debtor = pain001::Debtor {
        name: tenant.row.creditor_legal_name.clone(),
        iban: tenant.row.creditor_iban.clone(),
        bic: tenant.row.creditor_bic.clone(),
    };
    let msg_id = format!("SETTLE-{}-{}", tenant.slug, now.format("%Y%m%d%H%M%S"));
    let xml = pain001::document(&msg_id, now.naive_utc(), tenant.today(now), &debtor, &refunds)
        .map_err(|e| ServiceError::Internal(anyhow::anyhow!("pain.001: {e}")))?;
    let ids: Vec<i64> = tasks.iter().map(|t| t.id).collect();
    refund_task::Entity::update_many()
        .col_expr(refund_task::Column::Status, Expr::value("exported"))
        .col_expr(refund_task::Column::DoneAt, Expr::value(now))
        .filter(refund_task::Column::TenantId.eq(tenant.id))
        .filter(refund_task::Column::Id.is_in(ids))
        .exec(&txn)
        .await?;
    crate::audit::record(
        &txn,
        now,
        tenant.id,
        None,
        "system",
        "refunds.exported",
        serde_json::json!({ "count": tasks.len(), "msg_id": msg_id }),
    )
    .await?;
    txn.commit().await?;
    Ok(Some((xml, tasks.len())))
}
