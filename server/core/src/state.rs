//! Everything a request or worker needs, built once at start and shared.
use crate::clock::Clock;
use crate::keys::Keys;
use crate::passwords::Hasher;
use crate::tenant::TenantCache;
use crate::throttle::Throttle;
use sea_orm::DatabaseConnection;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunMode {
    Dev,
    Production,
}

#[derive(Clone)]
pub struct AppState {
    /// Requests' connection: on Postgres with `SETTLE_DATABASE_APP_URL`, the application role,
    /// confined by row-level security to the tenant the request works for.
    pub db: DatabaseConnection,
    /// The owner's connection, for work that spans tenants: resolving a request's host, the
    /// operator's tenant list and creation, provider callbacks that name no tenant, metrics and
    /// the workers. The same connection as `db` unless an application role is configured.
    pub system_db: DatabaseConnection,
    /// The payment-link and session lookups, beside `db` (see `hot_reads`).
    pub hot: crate::hot_reads::HotReads,
    pub keys: Keys,
    pub clock: Clock,
    pub mode: RunMode,
    pub hasher: Hasher,
    pub throttle: Throttle,
    pub tenants: TenantCache,
    /// Email link clicks noted in memory, written in batches by the serve loop.
    pub tracker: crate::tracking::Tracker,
    /// Session expiry refreshes noted in memory, written in batches by the serve loop.
    pub session_refreshes: crate::session_refresh::SessionRefreshes,
    /// `SETTLE_EMAIL_WEBHOOK_TOKEN`: without it `/webhooks/email` answers 404.
    pub email_webhook_token: Option<String>,
    /// For payment providers: short timeouts, so a slow provider cannot hold a request for long.
    pub http: reqwest::Client,
    /// `SETTLE_UPLOAD_DIR`: debtors' uploads, outside the web root.
    pub upload_dir: std::path::PathBuf,
    /// `SETTLE_DNS_SERVER`: where the branding page checks the tenant's mail DNS records.
    pub dns: DnsLookup,
    /// `SETTLE_WEBHOOK_ALLOW_PRIVATE=true` (dev only): webhooks may go to private addresses.
    pub webhook_allow_private: bool,
}

/// How the branding page checks published DNS records live.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DnsLookup {
    /// Not at all (tests, and machines without DNS): the records are listed, unchecked.
    Off,
    /// Through the system's resolver configuration.
    System,
    /// Through this nameserver.
    Server(std::net::SocketAddr),
}

impl AppState {
    /// Where webhooks may go.
    /// Whether an attempt may go ahead: the in-memory limits per IP and account, then (for an
    /// account) the count every instance shares in the database.
    pub async fn attempt(
        &self,
        action: crate::throttle::Action,
        tenant_id: i64,
        ip: &str,
        account: Option<&str>,
    ) -> crate::error::ServiceResult<()> {
        if !self.throttle.check(action, tenant_id, ip, account) {
            return Err(crate::error::ServiceError::RateLimited);
        }
        if let Some(a) = account {
            let now = self.clock.now();
            if !crate::throttle::shared_attempt(&self.db, &self.keys.tokens, action, tenant_id, a, now).await? {
                return Err(crate::error::ServiceError::RateLimited);
            }
        }
        Ok(())
    }

    pub fn webhook_policy(&self) -> crate::webhooks::Policy {
        crate::webhooks::Policy {
            production: self.mode == RunMode::Production,
            allow_private: self.webhook_allow_private && self.mode != RunMode::Production,
        }
    }

    /// The state for serving requests through the application role's connection; workers keep
    /// the owner's.
    pub fn with_request_db(&self, app: DatabaseConnection) -> Self {
        Self {
            hot: crate::hot_reads::HotReads::new(&app, true),
            db: app,
            ..self.clone()
        }
    }

    pub fn new(db: DatabaseConnection, keys: Keys, clock: Clock, mode: RunMode) -> anyhow::Result<Self> {
        Ok(Self {
            system_db: db.clone(),
            hot: crate::hot_reads::HotReads::new(&db, false),
            db,
            keys,
            clock,
            mode,
            hasher: Hasher::new()?,
            throttle: Throttle::default(),
            tenants: TenantCache::default(),
            tracker: crate::tracking::Tracker::default(),
            session_refreshes: Default::default(),
            email_webhook_token: None,
            http: reqwest::Client::builder()
                .connect_timeout(std::time::Duration::from_secs(5))
                .timeout(std::time::Duration::from_secs(15))
                .build()?,
            upload_dir: std::path::PathBuf::from("data/uploads"),
            dns: DnsLookup::Off,
            webhook_allow_private: false,
        })
    }
}
