//! A tenant's payment provider: which one, its credentials (sealed at rest, never shown or
//! logged again after saving) and whether debtors may pay part of an invoice.
use crate::entities::payment_setting;
use crate::error::{ServiceError, ServiceResult};
use crate::keys::Keys;
use crate::providers::mollie::MollieClient;
use crate::providers::stripe::StripeClient;
use crate::secrets;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, EntityTrait, Set};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProviderKind {
    Sandbox,
    Mollie,
    Stripe,
}

impl ProviderKind {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "sandbox" => Some(Self::Sandbox),
            "mollie" => Some(Self::Mollie),
            "stripe" => Some(Self::Stripe),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sandbox => "sandbox",
            Self::Mollie => "mollie",
            Self::Stripe => "stripe",
        }
    }
}

/// What is sealed: the API key and (Stripe) the webhook signing secrets, two during rotation.
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct Credentials {
    pub api_key: String,
    #[serde(default)]
    pub webhook_secrets: Vec<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Credentials(<redacted>)")
    }
}

#[derive(Clone, Debug)]
pub struct PaymentSettings {
    pub provider: ProviderKind,
    pub credentials: Credentials,
    pub api_base: Option<String>,
    pub allow_partial: bool,
    pub min_partial_cents: i64,
}

/// A provider client ready to call.
pub enum Client {
    Sandbox,
    Mollie(MollieClient),
    Stripe(StripeClient),
}

impl PaymentSettings {
    pub fn client(&self, http: &reqwest::Client) -> Client {
        let base = |default: &str| self.api_base.clone().unwrap_or_else(|| default.to_string());
        match self.provider {
            ProviderKind::Sandbox => Client::Sandbox,
            ProviderKind::Mollie => Client::Mollie(MollieClient::new(
                http.clone(),
                &base(crate::providers::mollie::DEFAULT_BASE),
                &self.credentials.api_key,
            )),
            ProviderKind::Stripe => Client::Stripe(StripeClient::new(
                http.clone(),
                &base(crate::providers::stripe::DEFAULT_BASE),
                &self.credentials.api_key,
            )),
        }
    }
}

pub async fn load<C: ConnectionTrait>(db: &C, keys: &Keys, tenant_id: i64) -> ServiceResult<Option<PaymentSettings>> {
    let Some(row) = payment_setting::Entity::find_by_id(tenant_id).one(db).await? else {
        return Ok(None);
    };
    let provider = ProviderKind::parse(&row.provider)
        .ok_or_else(|| ServiceError::Internal(anyhow::anyhow!("unknown provider {:?}", row.provider)))?;
    let credentials = match (&row.credentials_key_id, &row.credentials) {
        (Some(id), Some(sealed)) => {
            let plain = secrets::open(keys, id, sealed).map_err(|e| ServiceError::Internal(e.into()))?;
            serde_json::from_slice(&plain).map_err(|e| ServiceError::Internal(e.into()))?
        }
        _ => Credentials::default(),
    };
    Ok(Some(PaymentSettings {
        provider,
        credentials,
        api_base: row.api_base,
        allow_partial: row.allow_partial,
        min_partial_cents: row.min_partial_cents,
    }))
}

/// Saves (or replaces) the tenant's provider; returns the key id the credentials were sealed with.
pub async fn save<C: ConnectionTrait>(
    db: &C,
    keys: &Keys,
    now: DateTime<Utc>,
    tenant_id: i64,
    settings: &PaymentSettings,
) -> ServiceResult<String> {
    let plain = serde_json::to_vec(&settings.credentials).map_err(|e| ServiceError::Internal(e.into()))?;
    let (key_id, sealed) = secrets::seal(keys, &plain);
    let row = payment_setting::ActiveModel {
        tenant_id: Set(tenant_id),
        provider: Set(settings.provider.as_str().into()),
        credentials: Set(Some(sealed)),
        credentials_key_id: Set(Some(key_id.clone())),
        api_base: Set(settings.api_base.clone()),
        allow_partial: Set(settings.allow_partial),
        min_partial_cents: Set(settings.min_partial_cents),
        updated_at: Set(now),
    };
    // One statement: a failure never leaves the tenant without a provider.
    payment_setting::Entity::insert(row)
        .on_conflict(
            sea_orm::sea_query::OnConflict::column(payment_setting::Column::TenantId)
                .update_columns([
                    payment_setting::Column::Provider,
                    payment_setting::Column::Credentials,
                    payment_setting::Column::CredentialsKeyId,
                    payment_setting::Column::ApiBase,
                    payment_setting::Column::AllowPartial,
                    payment_setting::Column::MinPartialCents,
                    payment_setting::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec(db)
        .await?;
    Ok(key_id)
}

/// Whether the tenant takes online payments, and its partial-payment policy, without opening
/// the credentials: what pages need to show the pay buttons.
pub async fn policy<C: ConnectionTrait>(db: &C, tenant_id: i64) -> ServiceResult<Option<(bool, i64)>> {
    Ok(payment_setting::Entity::find_by_id(tenant_id)
        .one(db)
        .await?
        .map(|r| (r.allow_partial, r.min_partial_cents)))
}

/// The online-payment offer for an invoice with `open_cents` left, if any.
pub fn offer(
    policy: Option<(bool, i64)>,
    payable: bool,
    open_cents: i64,
) -> Option<settle_domain::views::OnlinePayment> {
    let (allow_partial, min) = policy?;
    if !payable {
        return None;
    }
    let partial = (allow_partial && open_cents > min).then(|| {
        (
            settle_domain::money::Money::eur(min),
            settle_domain::money::Money::eur(open_cents),
        )
    });
    Some(settle_domain::views::OnlinePayment { partial })
}
