//! Rate limits per (tenant, IP) and per (tenant, account) for logins, activations and links:
//! in memory per instance (the first line, no database work), and per account also in the
//! database, so that several instances behind a load balancer share one count of guesses.
use chrono::{DateTime, Utc};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use hmac::{Hmac, Mac};
use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr, Statement};
use sha2::{Digest, Sha256};
use std::num::NonZeroU32;
use std::sync::Arc;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    Login,
    Activate,
    LinkRequest,
    CodeEntry,
    PayLookup,
    /// Drawing an EPC QR code image (CPU-heavy, anonymous).
    QrImage,
    /// A debtor downloading all their data (about 25 queries each).
    DataExport,
    StaffLogin,
    StaffCode,
}

#[derive(Clone)]
pub struct Throttle {
    per_ip: Arc<DefaultKeyedRateLimiter<(Action, i64, String)>>,
    per_account: Arc<DefaultKeyedRateLimiter<(Action, i64, String)>>,
    /// REST API requests per key.
    per_api_key: Arc<DefaultKeyedRateLimiter<i64>>,
}

/// REST API requests a key may make per minute, and in a burst.
pub const API_PER_MINUTE: u32 = 600;
pub const API_BURST: u32 = 100;

fn quota(per_minute: u32, burst: u32) -> Quota {
    let rate = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
    let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
    Quota::per_minute(rate).allow_burst(burst)
}

impl Default for Throttle {
    fn default() -> Self {
        // Per account the limit is low enough to stop guessing and high enough that a stranger
        // cannot lock the owner out for long (one attempt regained every 3 minutes; magic links
        // stay available).
        Self {
            per_ip: Arc::new(RateLimiter::keyed(quota(30, 20))),
            per_account: Arc::new(RateLimiter::keyed(
                Quota::with_period(std::time::Duration::from_secs(180))
                    .unwrap_or_else(|| quota(1, 1))
                    .allow_burst(NonZeroU32::new(10).unwrap_or(NonZeroU32::MIN)),
            )),
            per_api_key: Arc::new(RateLimiter::keyed(quota(API_PER_MINUTE, API_BURST))),
        }
    }
}

impl Throttle {
    /// Both limits must allow the attempt; the account key is normalised by the caller.
    pub fn check(&self, action: Action, tenant_id: i64, ip: &str, account: Option<&str>) -> bool {
        if self.per_ip.check_key(&(action, tenant_id, ip.to_string())).is_err() {
            return false;
        }
        match account {
            Some(a) => self.per_account.check_key(&(action, tenant_id, a.to_string())).is_ok(),
            None => true,
        }
    }

    /// `None` when the API key may make a request now, else how long until it may.
    pub fn api(&self, key_id: i64) -> Option<std::time::Duration> {
        use governor::clock::{Clock, DefaultClock};
        self.per_api_key
            .check_key(&key_id)
            .err()
            .map(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }

    pub fn forget_idle(&self) {
        self.per_ip.retain_recent();
        self.per_account.retain_recent();
        self.per_api_key.retain_recent();
    }
}

/// Attempts one account may have in a window, counted across every instance.
pub const SHARED_ATTEMPTS: i64 = 10;
/// The shared count's window (fixed, 30 minutes).
pub const SHARED_WINDOW_SECS: i64 = 1_800;

/// Counts an attempt on an account in the database; `false` when the account has used up its
/// attempts in this window on all instances together. The account is stored as an HMAC.
pub async fn shared_attempt<C: ConnectionTrait>(
    db: &C,
    key: &[u8],
    action: Action,
    tenant_id: i64,
    account: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    // Keyed, so a list of email addresses cannot be matched against the table.
    let bucket = match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(format!("{action:?}|{tenant_id}|{account}").as_bytes());
            hex::encode(mac.finalize().into_bytes())
        }
        Err(_) => hex::encode(Sha256::digest(format!("{action:?}|{tenant_id}|{account}").as_bytes())),
    };
    let window = now.timestamp().div_euclid(SHARED_WINDOW_SECS) * SHARED_WINDOW_SECS;
    let backend = db.get_database_backend();
    let sql = "INSERT INTO throttle_windows (bucket, window_start, hits) VALUES (?, ?, 1) \
               ON CONFLICT (bucket, window_start) DO UPDATE SET hits = throttle_windows.hits + 1 RETURNING hits";
    let sql = match backend {
        DatabaseBackend::Postgres => crate::sql::numbered(sql),
        _ => sql.to_string(),
    };
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [bucket.into(), window.into()],
        ))
        .await?;
    let hits: i64 = row.map(|r| r.try_get("", "hits")).transpose()?.unwrap_or(0);
    Ok(hits <= SHARED_ATTEMPTS)
}

/// Forgets windows that ended before the last one.
pub async fn purge_windows<C: ConnectionTrait>(db: &C, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let before = now.timestamp() - 2 * SHARED_WINDOW_SECS;
    let backend = db.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Postgres => "DELETE FROM throttle_windows WHERE window_start < $1",
        _ => "DELETE FROM throttle_windows WHERE window_start < ?",
    };
    Ok(db
        .execute_raw(Statement::from_sql_and_values(backend, sql, [before.into()]))
        .await?
        .rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_limit_holds_across_ips_and_tenants_are_separate() {
        let t = Throttle::default();
        for i in 0..10 {
            assert!(t.check(Action::Login, 1, &format!("10.0.0.{i}"), Some("a@x.nl")));
        }
        assert!(!t.check(Action::Login, 1, "10.0.1.1", Some("a@x.nl")));
        assert!(t.check(Action::Login, 2, "10.0.1.1", Some("a@x.nl")));
    }
}
