//! Time-based one-time passwords (RFC 6238: SHA-1, six digits, 30-second steps), as every
//! authenticator app reads them. A code is accepted one step early or late, and only for a step
//! after the last one accepted, so an overheard code cannot be replayed.
use rand::RngCore;
use totp_rs::{Algorithm, Secret, TOTP};

pub const STEP_SECONDS: u64 = 30;

/// A new 160-bit secret.
pub fn new_secret() -> Vec<u8> {
    let mut s = vec![0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut s);
    s
}

/// The secret as authenticator apps take it when typed (RFC 4648 base32, no padding).
pub fn base32(secret: &[u8]) -> String {
    Secret::Raw(secret.to_vec()).to_encoded().to_string()
}

/// A typed base32 secret (spaces and case do not matter), of at least 128 bits.
pub fn parse_base32(s: &str) -> Option<Vec<u8>> {
    let clean: String = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    Secret::Encoded(clean).to_bytes().ok().filter(|b| b.len() >= 16)
}

/// The `otpauth://` URI an authenticator app scans.
pub fn uri(secret: &[u8], issuer: &str, account: &str) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'@' => (b as char).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits=6&period=30",
        enc(issuer),
        enc(account),
        base32(secret),
        enc(issuer)
    )
}

fn generator(secret: &[u8]) -> TOTP {
    TOTP::new_unchecked(Algorithm::SHA1, 6, 1, STEP_SECONDS, secret.to_vec())
}

/// The code for a Unix time (for tests and the demo).
pub fn code_at(secret: &[u8], unix: u64) -> String {
    generator(secret).generate(unix)
}

/// The time step the code belongs to, when it is right for now (one step either side) and later
/// than `last_step`.
pub fn verify(secret: &[u8], code: &str, unix: u64, last_step: Option<i64>) -> Option<i64> {
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let g = generator(secret);
    let now = i64::try_from(unix / STEP_SECONDS).ok()?;
    (now - 1..=now + 1)
        .filter(|step| last_step.is_none_or(|last| *step > last))
        .find(|step| {
            let at = u64::try_from(*step).unwrap_or(0) * STEP_SECONDS;
            crate::tokens::constant_time_eq(&g.generate(at), code)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_6238_vector_and_replay() {
        // RFC 6238 appendix B, SHA-1, truncated to six digits.
        let secret = b"12345678901234567890";
        assert_eq!(code_at(secret, 59), "287082");
        assert_eq!(code_at(secret, 1_111_111_109), "081804");
        let step = verify(secret, "081804", 1_111_111_109, None).unwrap();
        assert_eq!(verify(secret, "081804", 1_111_111_120, Some(step)), None, "used once");
        assert_eq!(verify(secret, "081804", 1_111_111_109 + 120, None), None, "too late");
        assert_eq!(verify(secret, "08180", 1_111_111_109, None), None);
    }

    #[test]
    fn base32_round_trip() {
        let s = new_secret();
        assert_eq!(parse_base32(&base32(&s).to_lowercase()), Some(s));
        assert!(uri(b"12345678901234567890", "Settle demo", "admin@settle.test")
            .starts_with("otpauth://totp/Settle%20demo:admin@settle.test?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"));
    }
}
