//! A tenant's print provider: the endpoint letters are POSTed to, and its token sealed at rest.
use crate::channels::PrintProvider;
use crate::entities::print_setting;
use crate::error::{ServiceError, ServiceResult};
use crate::keys::Keys;
use crate::secrets;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait, Set};

/// Stores (or, with `url` None, removes) the provider. Only `https://` endpoints are accepted,
/// or `http://` on loopback for tests and local relays.
pub async fn save<C: ConnectionTrait>(
    db: &C,
    keys: &Keys,
    now: DateTime<Utc>,
    tenant_id: i64,
    url: Option<&str>,
    token: Option<&str>,
) -> ServiceResult<()> {
    let Some(url) = url else {
        print_setting::Entity::delete_by_id(tenant_id).exec(db).await?;
        return Ok(());
    };
    if !endpoint_allowed(url) {
        return Err(ServiceError::invalid("url", "print_url_invalid"));
    }
    let sealed = token
        .filter(|t| !t.is_empty())
        .map(|t| secrets::seal(keys, t.as_bytes()));
    print_setting::Entity::insert(print_setting::ActiveModel {
        tenant_id: Set(tenant_id),
        url: Set(url.to_string()),
        token: Set(sealed.as_ref().map(|(_, s)| s.clone())),
        token_key_id: Set(sealed.map(|(id, _)| id)),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(print_setting::Column::TenantId)
            .update_columns([
                print_setting::Column::Url,
                print_setting::Column::Token,
                print_setting::Column::TokenKeyId,
                print_setting::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}

fn endpoint_allowed(url: &str) -> bool {
    let Ok(u) = url::Url::parse(url) else {
        return false;
    };
    let loopback = matches!(u.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    u.username().is_empty() && (u.scheme() == "https" || (u.scheme() == "http" && loopback))
}

pub async fn load<C: ConnectionTrait>(db: &C, keys: &Keys, tenant_id: i64) -> ServiceResult<Option<PrintProvider>> {
    let Some(row) = print_setting::Entity::find_by_id(tenant_id).one(db).await? else {
        return Ok(None);
    };
    let token = match (&row.token, &row.token_key_id) {
        (Some(sealed), Some(id)) => {
            let plain = secrets::open(keys, id, sealed)
                .map_err(|e| ServiceError::Internal(anyhow::anyhow!("print token: {e}")))?;
            Some(
                String::from_utf8(plain)
                    .map_err(|_| ServiceError::Internal(anyhow::anyhow!("print token: not text")))?,
            )
        }
        _ => None,
    };
    Ok(Some(PrintProvider { url: row.url, token }))
}

#[cfg(test)]
mod tests {
    #[test]
    fn print_endpoints_are_https_or_loopback() {
        for ok in ["https://print.example/v1/letters", "http://127.0.0.1:9000/letters"] {
            assert!(super::endpoint_allowed(ok), "{ok}");
        }
        for bad in [
            "http://print.example/letters",
            "ftp://x",
            "https://u:p@print.example/",
            "not a url",
        ] {
            assert!(!super::endpoint_allowed(bad), "{bad}");
        }
    }
}
