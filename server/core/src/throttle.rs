//! Rate limits per (tenant, IP) and per (tenant, account) for logins, activations and links.
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;
use std::sync::Arc;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    Login,
    Activate,
    LinkRequest,
    CodeEntry,
    PayLookup,
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
