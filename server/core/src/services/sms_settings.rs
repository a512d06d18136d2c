//! A tenant's SMS provider account: credentials sealed at rest, checked before they are stored.
use crate::channels::sms::{from_config, SmsProvider};
use crate::entities::sms_setting;
use crate::error::{ServiceError, ServiceResult};
use crate::keys::Keys;
use crate::secrets;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait, Set};

/// Stores the provider after building it once from the credentials (so a typo is refused now,
/// not at the first reminder). Returns the id of the key that sealed them.
pub async fn save<C: ConnectionTrait>(
    db: &C,
    keys: &Keys,
    now: DateTime<Utc>,
    tenant_id: i64,
    provider: &str,
    api_base: Option<&str>,
    credentials: &serde_json::Value,
) -> ServiceResult<String> {
    from_config(provider, api_base, credentials)
        .map_err(|_| ServiceError::invalid("credentials", "sms_credentials_invalid"))?;
    let (key_id, sealed) = secrets::seal(keys, credentials.to_string().as_bytes());
    sms_setting::Entity::insert(sms_setting::ActiveModel {
        tenant_id: Set(tenant_id),
        provider: Set(provider.to_string()),
        credentials: Set(sealed),
        credentials_key_id: Set(key_id.clone()),
        api_base: Set(api_base.map(String::from)),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(sms_setting::Column::TenantId)
            .update_columns([
                sms_setting::Column::Provider,
                sms_setting::Column::Credentials,
                sms_setting::Column::CredentialsKeyId,
                sms_setting::Column::ApiBase,
                sms_setting::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(key_id)
}

/// The tenant's provider, or None when it has none.
pub async fn load<C: ConnectionTrait>(db: &C, keys: &Keys, tenant_id: i64) -> ServiceResult<Option<SmsProvider>> {
    let Some(row) = sms_setting::Entity::find_by_id(tenant_id).one(db).await? else {
        return Ok(None);
    };
    let plain = secrets::open(keys, &row.credentials_key_id, &row.credentials)
        .map_err(|e| ServiceError::Internal(anyhow::anyhow!("sms credentials: {e}")))?;
    let creds: serde_json::Value =
        serde_json::from_slice(&plain).map_err(|e| ServiceError::Internal(anyhow::anyhow!("sms credentials: {e}")))?;
    from_config(&row.provider, row.api_base.as_deref(), &creds)
        .map(Some)
        .map_err(|e| ServiceError::Internal(anyhow::anyhow!("sms provider: {e}")))
}
