//! The REST API's use cases (`/api/v1`, wired in the server): what the creditor's systems read
//! and write, scoped to the API key's tenant. Types here are the API's own (documented in the
//! OpenAPI document); entities never cross the wire.
pub mod customers;
pub mod events;
pub mod idempotency;
pub mod import;
pub mod invoice_batch;
pub mod invoices;
pub mod payment_links;
pub mod payments;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// Pages hold at most this many items; 50 unless the caller asks for fewer.
pub const MAX_LIMIT: u64 = 200;
pub const DEFAULT_LIMIT: u64 = 50;

/// An opaque cursor for keyset pagination: the last id seen.
pub fn cursor_of(id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("v1:{id}"))
}

/// The id a cursor stands for; `None` for anything not made by [`cursor_of`].
pub fn id_of(cursor: &str) -> Option<i64> {
    let raw = URL_SAFE_NO_PAD.decode(cursor.trim()).ok()?;
    String::from_utf8(raw).ok()?.strip_prefix("v1:")?.parse().ok()
}

/// Cents from an amount as the API writes it: euros with a `.` and at most two decimals
/// (`"132.45"`, `"7"`, `"0.5"`), at most 1,000,000,000.
pub fn cents(s: &str) -> Option<i64> {
    let s = s.trim();
    let (euros, frac) = s.split_once('.').unwrap_or((s, ""));
    let digits = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
    if !digits(euros) || euros.len() > 10 || (s.contains('.') && !(digits(frac) && frac.len() <= 2)) {
        return None;
    }
    let frac = format!("{frac:0<2}");
    let c = euros
        .parse::<i64>()
        .ok()?
        .checked_mul(100)?
        .checked_add(frac.parse::<i64>().ok()?)?;
    (c <= 100_000_000_000).then_some(c)
}

/// An amount as the API writes it: `"132.45"`.
pub fn amount_of(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", cents.abs() / 100, cents.abs() % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_euros_with_a_dot() {
        assert_eq!(cents("132.45"), Some(13_245));
        assert_eq!(cents("7"), Some(700));
        assert_eq!(cents("0.5"), Some(50));
        for bad in ["", "1,5", "1.234", "-1", "1.", ".5", "1e3", "abc", "12345678901"] {
            assert_eq!(cents(bad), None, "{bad}");
        }
        assert_eq!(amount_of(13_245), "132.45");
        assert_eq!(amount_of(5), "0.05");
    }

    #[test]
    fn cursors_round_trip_and_junk_is_refused() {
        assert_eq!(id_of(&cursor_of(42)), Some(42));
        for junk in ["", "42", "djE6", "!!", &URL_SAFE_NO_PAD.encode("v2:1")] {
            assert_eq!(id_of(junk), None, "{junk}");
        }
    }
}
