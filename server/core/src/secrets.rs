//! Secrets at rest (provider credentials): XChaCha20-Poly1305 under the at-rest subkey, stored
//! with a key id so a rotated master key can still open what the previous one sealed.
use crate::keys::Keys;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, OsRng};
use chacha20poly1305::{AeadCore, XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("sealed with key {0}, which this server does not have (rotated away?)")]
    UnknownKey(String),
    #[error("the sealed value is damaged or was sealed with another key")]
    Damaged,
}

/// A short public name of a key: the first 8 hex digits of its SHA-256.
pub fn key_id(key: &[u8; 32]) -> String {
    let digest = Sha256::digest(key);
    format!("k{}", hex::encode(&digest[..4]))
}

/// Returns (key id, base64 of nonce || ciphertext).
pub fn seal(keys: &Keys, plaintext: &[u8]) -> (String, String) {
    let cipher = XChaCha20Poly1305::new((&keys.at_rest).into());
    let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
    // Encryption with a fresh nonce and an in-memory buffer does not fail.
    let sealed = cipher.encrypt(&nonce, plaintext).unwrap_or_default();
    let mut out = nonce.to_vec();
    out.extend(sealed);
    (key_id(&keys.at_rest), STANDARD.encode(out))
}

pub fn open(keys: &Keys, id: &str, sealed: &str) -> Result<Vec<u8>, SecretError> {
    let key = std::iter::once(&keys.at_rest)
        .chain(keys.at_rest_previous.iter())
        .find(|k| key_id(k) == id)
        .ok_or_else(|| SecretError::UnknownKey(id.to_string()))?;
    let raw = STANDARD.decode(sealed).map_err(|_| SecretError::Damaged)?;
    if raw.len() < 24 {
        return Err(SecretError::Damaged);
    }
    let (nonce, body) = raw.split_at(24);
    XChaCha20Poly1305::new(key.into())
        .decrypt(XNonce::from_slice(nonce), body)
        .map_err(|_| SecretError::Damaged)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secrets_open_with_the_same_key_only() {
        let keys = Keys::random();
        let (id, sealed) = seal(&keys, b"live_abc");
        assert!(!sealed.contains("live_abc"));
        assert_eq!(open(&keys, &id, &sealed).unwrap(), b"live_abc");
        let other = Keys::random();
        assert!(matches!(open(&other, &id, &sealed), Err(SecretError::UnknownKey(_))));
    }

    #[test]
    fn a_previous_key_still_opens_after_rotation() {
        let old = Keys::random();
        let (id, sealed) = seal(&old, b"whsec_1");
        let mut new = Keys::random();
        new.at_rest_previous.push(old.at_rest);
        assert_eq!(open(&new, &id, &sealed).unwrap(), b"whsec_1");
    }

    #[test]
    fn tampering_is_detected() {
        let keys = Keys::random();
        let (id, sealed) = seal(&keys, b"secret");
        let mut raw = STANDARD.decode(&sealed).unwrap();
        let last = raw.len() - 1;
        raw[last] ^= 1;
        assert!(matches!(
            open(&keys, &id, &STANDARD.encode(raw)),
            Err(SecretError::Damaged)
        ));
    }
}
