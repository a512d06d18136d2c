//! The built-in sandbox provider for the demo and tests: its own checkout page on the Settle
//! server, its own payment records, and the same webhook-then-fetch flow as a real provider.
//! Refused in production mode.
use super::{CreatePayment, CreatedPayment, PaymentSnapshot, PaymentState, ProviderError};
use crate::entities::sandbox_payment;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

/// What the tester clicks on the sandbox page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Pay,
    /// A bank still processing: pending now, paid later by a second click.
    Pending,
    Fail,
    Cancel,
}

impl Action {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pay" => Some(Self::Pay),
            "pending" => Some(Self::Pending),
            "fail" => Some(Self::Fail),
            "cancel" => Some(Self::Cancel),
            _ => None,
        }
    }
    fn state(self) -> PaymentState {
        match self {
            Self::Pay => PaymentState::Paid,
            Self::Pending => PaymentState::Pending,
            Self::Fail => PaymentState::Failed,
            Self::Cancel => PaymentState::Canceled,
        }
    }
}

fn db_err(e: sea_orm::DbErr) -> ProviderError {
    ProviderError::Http(format!("sandbox store: {e}"))
}

pub async fn create<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    tenant_id: i64,
    p: &CreatePayment,
) -> Result<CreatedPayment, ProviderError> {
    let id = format!("sbx_{}", crate::tokens::random_b64(12));
    sandbox_payment::Entity::insert(sandbox_payment::ActiveModel {
        id: Set(id.clone()),
        tenant_id: Set(tenant_id),
        checkout_id: Set(p.checkout_id.clone()),
        amount_cents: Set(p.amount_cents),
        refunded_cents: Set(0),
        currency: Set(p.currency.clone()),
        description: Set(p.description.clone()),
        status: Set(PaymentState::Open.as_str().into()),
        redirect_url: Set(p.redirect_url.clone()),
        created_at: Set(now),
    })
    .exec(db)
    .await
    .map_err(db_err)?;
    Ok(CreatedPayment {
        // Relative: the sandbox lives on this server, whatever host and port it is reached by.
        checkout_url: format!("/sandbox/checkout/{id}"),
        provider_payment_id: id,
    })
}

pub async fn find<C: ConnectionTrait>(
    db: &C,
    tenant_id: i64,
    id: &str,
) -> Result<Option<sandbox_payment::Model>, ProviderError> {
    sandbox_payment::Entity::find_by_id(id.to_string())
        .filter(sandbox_payment::Column::TenantId.eq(tenant_id))
        .one(db)
        .await
        .map_err(db_err)
}

/// The "API" fetch a webhook handler does before acting.
pub async fn get<C: ConnectionTrait>(db: &C, tenant_id: i64, id: &str) -> Result<PaymentSnapshot, ProviderError> {
    let row = find(db, tenant_id, id).await?.ok_or_else(|| ProviderError::Api {
        status: 404,
        message: "no such sandbox payment".into(),
    })?;
    Ok(PaymentSnapshot {
        state: PaymentState::parse(&row.status).unwrap_or(PaymentState::Open),
        provider_payment_id: row.id.clone(),
        checkout_id: Some(row.checkout_id),
        amount_cents: row.amount_cents,
        currency: row.currency,
        refunded_cents: row.refunded_cents,
        charged_back_cents: 0,
        refund_target: Some(row.id),
    })
}

/// Applies the tester's click, as the provider would; final states do not change again.
pub async fn act<C: ConnectionTrait>(db: &C, tenant_id: i64, id: &str, action: Action) -> Result<bool, ProviderError> {
    let Some(row) = find(db, tenant_id, id).await? else {
        return Ok(false);
    };
    let current = PaymentState::parse(&row.status).unwrap_or(PaymentState::Open);
    if current.is_final() || !current.may_become(action.state()) {
        return Ok(false);
    }
    sandbox_payment::Entity::update(sandbox_payment::ActiveModel {
        id: Set(row.id),
        status: Set(action.state().as_str().into()),
        ..Default::default()
    })
    .exec(db)
    .await
    .map_err(db_err)?;
    Ok(true)
}

/// A refund through the sandbox "API": raises the refunded total.
pub async fn refund<C: ConnectionTrait>(
    db: &C,
    tenant_id: i64,
    id: &str,
    amount_cents: i64,
) -> Result<super::RefundCreated, ProviderError> {
    let row = find(db, tenant_id, id).await?.ok_or_else(|| ProviderError::Api {
        status: 404,
        message: "no such sandbox payment".into(),
    })?;
    if row.refunded_cents + amount_cents > row.amount_cents || amount_cents <= 0 {
        return Err(ProviderError::Api {
            status: 422,
            message: "refund exceeds the payment".into(),
        });
    }
    sandbox_payment::Entity::update(sandbox_payment::ActiveModel {
        id: Set(row.id.clone()),
        refunded_cents: Set(row.refunded_cents + amount_cents),
        ..Default::default()
    })
    .exec(db)
    .await
    .map_err(db_err)?;
    Ok(super::RefundCreated {
        refund_id: format!("sbx_re_{}", crate::tokens::random_b64(8)),
        status: "refunded".into(),
    })
}
