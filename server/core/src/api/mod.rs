//! The REST API's use cases (`/api/v1`, wired in the server): what the creditor's systems read
//! and write, scoped to the API key's tenant. Types here are the API's own (documented in the
//! OpenAPI document); entities never cross the wire.
pub mod customers;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_junk_is_refused() {
        assert_eq!(id_of(&cursor_of(42)), Some(42));
        for junk in ["", "42", "djE6", "!!", &URL_SAFE_NO_PAD.encode("v2:1")] {
            assert_eq!(id_of(junk), None, "{junk}");
        }
    }
}
