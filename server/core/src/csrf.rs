//! CSRF tokens. Logged-in forms carry a random token kept in the server-side session; anonymous
//! forms (login, activation) carry a stateless HMAC bound to the tenant and the day.
use crate::keys::Keys;
use crate::tokens::{constant_time_eq, hmac_b64, random_b64};
use chrono::{DateTime, Utc};

pub const FIELD: &str = "csrf";
pub const HEADER: &str = "x-csrf-token";
pub const SESSION_KEY: &str = "csrf";

pub fn new_session_token() -> String {
    random_b64(32)
}

fn day(now: DateTime<Utc>) -> i64 {
    now.timestamp().div_euclid(86_400)
}

fn anon_for_day(keys: &Keys, tenant_id: i64, day: i64) -> String {
    format!(
        "a{day}.{}",
        hmac_b64(&keys.csrf, &[b"anon", &tenant_id.to_be_bytes(), &day.to_be_bytes()])
    )
}

pub fn anon_token(keys: &Keys, tenant_id: i64, now: DateTime<Utc>) -> String {
    anon_for_day(keys, tenant_id, day(now))
}

/// Accepts today's and yesterday's token, so a page left open over midnight still posts.
pub fn verify_anon(keys: &Keys, tenant_id: i64, now: DateTime<Utc>, token: &str) -> bool {
    let today = day(now);
    [today, today - 1]
        .iter()
        .any(|d| constant_time_eq(&anon_for_day(keys, tenant_id, *d), token))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn anon_tokens_bind_tenant_and_expire_after_a_day() {
        let keys = Keys::derive(&[1u8; 64]).unwrap();
        let now = Utc::now();
        let t = anon_token(&keys, 1, now);
        assert!(verify_anon(&keys, 1, now, &t));
        assert!(verify_anon(&keys, 1, now + Duration::hours(24), &t));
        assert!(!verify_anon(&keys, 1, now + Duration::hours(49), &t));
        assert!(!verify_anon(&keys, 2, now, &t));
        assert!(!verify_anon(&keys, 1, now, "a1.forged"));
    }
}
