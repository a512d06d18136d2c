//! The tenant a request belongs to, resolved from the Host header through configured hostnames.
use crate::entities::{tenant, tenant_host};
use crate::scope::TenantScope;
use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, DbErr, EntityTrait};
use settle_domain::locale::Locale;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

#[derive(Clone, Debug)]
pub struct TenantCtx {
    pub id: i64,
    pub slug: String,
    pub name: String,
    /// Scheme, host and port used for every link the tenant sends; never the request's Host.
    pub base_url: String,
    pub default_locale: Locale,
    pub tz: chrono_tz::Tz,
    pub row: tenant::Model,
}

impl TenantCtx {
    pub fn from_model(row: tenant::Model) -> Self {
        Self {
            id: row.id,
            slug: row.slug.clone(),
            name: row.display_name.clone(),
            base_url: row.base_url.trim_end_matches('/').to_string(),
            default_locale: Locale::parse(&row.default_locale).unwrap_or(Locale::En),
            tz: row.time_zone.parse().unwrap_or(chrono_tz::Europe::Amsterdam),
            row,
        }
    }
    pub fn scope(&self) -> TenantScope {
        TenantScope::system(self.id)
    }
    pub fn https(&self) -> bool {
        self.base_url.starts_with("https://")
    }
    pub fn link(&self, path_and_query: &str) -> String {
        format!("{}{}", self.base_url, path_and_query)
    }
    /// The tenant's country, by its language: the default region for phone numbers typed
    /// without a country code.
    pub fn country(&self) -> &'static str {
        match self.default_locale {
            settle_domain::locale::Locale::De => "DE",
            _ => "NL",
        }
    }
    pub fn today(&self, now: DateTime<Utc>) -> chrono::NaiveDate {
        now.with_timezone(&self.tz).date_naive()
    }
}

/// Lower-cases and drops the port, so `LocalHost:3000` finds `localhost`.
pub fn normalize_host(host: &str) -> String {
    let host = host.trim().to_ascii_lowercase();
    if let Some(rest) = host.strip_prefix('[') {
        // IPv6 literal: [::1]:3000
        return rest.split(']').next().unwrap_or_default().to_string();
    }
    host.rsplit_once(':')
        .filter(|(_, port)| port.chars().all(|c| c.is_ascii_digit()))
        .map(|(h, _)| h.to_string())
        .unwrap_or(host)
}

/// A tenant by its slug, for operator commands (requests resolve tenants by host).
pub async fn by_slug<C: sea_orm::ConnectionTrait>(db: &C, slug: &str) -> Result<Option<TenantCtx>, DbErr> {
    use sea_orm::{ColumnTrait, QueryFilter};
    Ok(tenant::Entity::find()
        .filter(tenant::Column::Slug.eq(slug))
        .one(db)
        .await?
        .map(TenantCtx::from_model))
}

/// Host lookups, cached briefly: every request needs one, tenants change rarely.
/// When a host was looked up, and what it led to (None: no tenant).
type CacheEntry = (Instant, Option<Arc<TenantCtx>>);

#[derive(Clone, Default)]
pub struct TenantCache {
    inner: Arc<RwLock<HashMap<String, CacheEntry>>>,
}

const CACHE_TTL: Duration = Duration::from_secs(30);

impl TenantCache {
    pub async fn resolve(&self, db: &DatabaseConnection, host: &str) -> Result<Option<Arc<TenantCtx>>, DbErr> {
        let host = normalize_host(host);
        if let Ok(map) = self.inner.read() {
            if let Some((at, hit)) = map.get(&host) {
                if at.elapsed() < CACHE_TTL {
                    return Ok(hit.clone());
                }
            }
        }
        let found = match tenant_host::Entity::find_by_id(host.clone()).one(db).await? {
            Some(h) => tenant::Entity::find_by_id(h.tenant_id)
                .one(db)
                .await?
                .map(|t| Arc::new(TenantCtx::from_model(t))),
            None => None,
        };
        if let Ok(mut map) = self.inner.write() {
            if map.len() > 10_000 {
                // Unknown hosts are cached too; bound the map so junk Host headers cannot grow it.
                map.clear();
            }
            map.insert(host, (Instant::now(), found.clone()));
        }
        Ok(found)
    }

    pub fn clear(&self) {
        if let Ok(mut map) = self.inner.write() {
            map.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::normalize_host;

    #[test]
    fn port_and_case_are_ignored() {
        assert_eq!(normalize_host("LocalHost:3000"), "localhost");
        assert_eq!(normalize_host("energie.localhost"), "energie.localhost");
        assert_eq!(normalize_host("[::1]:3000"), "::1");
        assert_eq!(normalize_host("127.0.0.1"), "127.0.0.1");
    }
}
