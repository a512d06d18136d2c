//! Payments the creditor received elsewhere (at its counter, by another provider), registered
//! through the API: booked through the same ledger as every payment, once per external id.
use super::{amount_of, cents};
use crate::entities::{invoice, payment, payment_allocation};
use crate::error::{ServiceError, ServiceResult};
use crate::services::booking::{self, Incoming, Outcome, Source};
use crate::services::references;
use crate::tenant::TenantCtx;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentInput {
    /// The creditor's own id of the payment: a second registration with it books nothing.
    #[schema(example = "KAS-2026-0042")]
    pub external_id: String,
    /// Euros with a `.`.
    #[schema(example = "132.45")]
    pub amount: String,
    pub received_on: NaiveDate,
    /// The invoice it pays; or give `reference` (an RF reference Settle issued).
    pub invoice_number: Option<String>,
    pub reference: Option<String>,
    pub debtor_name: Option<String>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PaidInvoice {
    pub number: String,
    pub status: String,
    pub open_amount: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Payment {
    pub external_id: String,
    pub amount: String,
    pub received_on: NaiveDate,
    /// matched, partially_matched (the invoice is still partly open), overpaid, unmatched (in
    /// the back office's queue).
    pub match_state: String,
    /// What no invoice took.
    pub unallocated_amount: String,
    pub invoices: Vec<PaidInvoice>,
}

fn dedup(external_id: &str) -> String {
    format!("api:{external_id}")
}

/// Registers the payment; `true` when it was booked now, `false` when the external id was known.
pub async fn register(
    db: &DatabaseConnection,
    tenant: &TenantCtx,
    input: &PaymentInput,
    now: DateTime<Utc>,
) -> ServiceResult<(Payment, bool)> {
    let mut errors = BTreeMap::new();
    let external_id = settle_domain::text::or_note(
        settle_domain::text::line(&input.external_id, 100),
        &mut errors,
        "external_id",
    );
    let external_id = external_id.as_str();
    let amount = cents(&input.amount).filter(|c| *c > 0);
    if amount.is_none() {
        errors.insert("amount".into(), "amount_invalid".into());
    }
    if input.invoice_number.is_some() && input.reference.is_some() {
        errors.insert("reference".into(), "one_of_invoice_or_reference".into());
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let tx = crate::db::begin_write(db).await?;
    let invoices: Vec<i64> = match (&input.invoice_number, &input.reference) {
        (Some(number), _) => vec![
            invoice::Entity::find()
                .filter(invoice::Column::TenantId.eq(tenant.id))
                .filter(invoice::Column::Number.eq(number.trim()))
                .one(&tx)
                .await?
                .ok_or(ServiceError::invalid("invoice_number", "invoice_unknown"))?
                .id,
        ],
        (None, Some(r)) => {
            let r: String = r
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_uppercase();
            let resolved = references::resolve(&tx, tenant.id, std::slice::from_ref(&r)).await?;
            resolved.invoices_of.get(&r).cloned().unwrap_or_default()
        }
        (None, None) => Vec::new(),
    };
    let incoming = Incoming {
        source: Source::Api,
        dedup_key: dedup(external_id),
        amount_cents: amount.unwrap_or_default(),
        currency: "EUR".into(),
        received_on: input.received_on,
        debtor_name: input.debtor_name.as_deref().map(str::trim).map(String::from),
        debtor_iban: None,
        reference_text: input
            .reference
            .clone()
            .or_else(|| input.invoice_number.clone())
            .unwrap_or_default(),
        end_to_end_id: None,
        checkout_id: None,
        invoices,
    };
    let outcome = booking::book(&tx, tenant.id, now, vec![incoming]).await?;
    let out = view(&tx, tenant.id, external_id).await?;
    tx.commit().await?;
    Ok((out, outcome.first() != Some(&Outcome::Duplicate)))
}

/// The payment registered under an external id.
pub async fn get<C: ConnectionTrait>(db: &C, tenant_id: i64, external_id: &str) -> ServiceResult<Payment> {
    view(db, tenant_id, external_id.trim()).await
}

async fn view<C: ConnectionTrait>(db: &C, tenant_id: i64, external_id: &str) -> ServiceResult<Payment> {
    let p = payment::Entity::find()
        .filter(payment::Column::TenantId.eq(tenant_id))
        .filter(payment::Column::DedupKey.eq(dedup(external_id)))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let paid: Vec<i64> = payment_allocation::Entity::find()
        .filter(payment_allocation::Column::PaymentId.eq(p.id))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.invoice_id)
        .collect();
    let invoices = invoice::Entity::find()
        .filter(invoice::Column::TenantId.eq(tenant_id))
        .filter(invoice::Column::Id.is_in(paid))
        .all(db)
        .await?
        .into_iter()
        .map(|i| PaidInvoice {
            number: i.number,
            status: i.status,
            open_amount: amount_of(i.open_cents),
        })
        .collect();
    Ok(Payment {
        external_id: external_id.to_string(),
        amount: amount_of(p.amount_cents),
        received_on: p.received_on,
        match_state: p.match_state,
        unallocated_amount: amount_of(p.unallocated_cents),
        invoices,
    })
}
