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
    pub db: DatabaseConnection,
    pub keys: Keys,
    pub clock: Clock,
    pub mode: RunMode,
    pub hasher: Hasher,
    pub throttle: Throttle,
    pub tenants: TenantCache,
}

impl AppState {
    pub fn new(db: DatabaseConnection, keys: Keys, clock: Clock, mode: RunMode) -> anyhow::Result<Self> {
        Ok(Self {
            db,
            keys,
            clock,
            mode,
            hasher: Hasher::new()?,
            throttle: Throttle::default(),
            tenants: TenantCache::default(),
        })
    }
}
