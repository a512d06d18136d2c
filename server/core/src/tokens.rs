//! One-time secrets: link tokens (256 bits, base64url) and typed codes; only hashes are stored.
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::{rngs::OsRng, Rng, RngCore};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// A fresh token to put in a link, and the hash to store.
pub struct NewToken {
    pub raw: String,
    pub hash: String,
}

pub fn new_link_token() -> NewToken {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let raw = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash_token(&raw);
    NewToken { raw, hash }
}

/// A 6-digit code to type from an email or SMS; safe only with attempt limits and short expiry.
pub fn new_code() -> NewToken {
    let raw = format!("{:06}", OsRng.gen_range(0..1_000_000u32));
    let hash = hash_token(&raw);
    NewToken { raw, hash }
}

/// A code for a letter (50 bits; typed at `/code`, which is throttled like every code entry).
pub fn new_letter_code() -> NewToken {
    let mut indices = [0u8; settle_domain::letter_code::LEN];
    OsRng.fill_bytes(&mut indices);
    let raw = settle_domain::letter_code::from_indices(indices);
    let hash = hash_token(&raw);
    NewToken { raw, hash }
}

pub fn hash_token(raw: &str) -> String {
    hex::encode(Sha256::digest(raw.trim().as_bytes()))
}

pub fn hmac_b64(key: &[u8], parts: &[&[u8]]) -> String {
    URL_SAFE_NO_PAD.encode(hmac_raw(key, parts))
}

fn hmac_raw(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut mac = match Hmac::<Sha256>::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => unreachable!("HMAC accepts keys of any length"),
    };
    for p in parts {
        mac.update(&(p.len() as u64).to_be_bytes());
        mac.update(p);
    }
    mac.finalize().into_bytes().to_vec()
}

pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

pub fn random_b64(len: usize) -> String {
    let mut bytes = vec![0u8; len];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// 18 random bytes for a Content-Security-Policy nonce, one per response: from the thread's
/// cryptographically secure generator (seeded from the OS), which spares every page view a
/// system call. Secrets that are stored (tokens, keys) use `random_b64`.
pub fn csp_nonce() -> String {
    let mut bytes = [0u8; 18];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_tokens_are_long_random_and_hashed() {
        let a = new_link_token();
        let b = new_link_token();
        assert_ne!(a.raw, b.raw);
        assert_eq!(a.raw.len(), 43);
        assert_eq!(a.hash, hash_token(&a.raw));
        assert_eq!(a.hash.len(), 64);
        assert!(!a.hash.contains(&a.raw));
    }

    #[test]
    fn hmac_separates_parts() {
        assert_ne!(hmac_b64(b"k", &[b"ab", b"c"]), hmac_b64(b"k", &[b"a", b"bc"]));
    }
}
