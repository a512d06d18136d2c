//! The master secret and the per-purpose subkeys derived from it with HKDF-SHA256.
use hkdf::Hkdf;
use sha2::Sha256;

/// Subkeys, one per purpose, so a leak of one (say, a CSRF token oracle) says nothing of another.
#[derive(Clone)]
pub struct Keys {
    pub cookie: [u8; 64],
    pub csrf: [u8; 32],
    pub tokens: [u8; 32],
    pub at_rest: [u8; 32],
    /// At-rest keys of earlier master keys (SETTLE_PREVIOUS_SECRET_KEY), to open old secrets.
    pub at_rest_previous: Vec<[u8; 32]>,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(<redacted>)")
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the secret key must be exactly 64 bytes (base64 encoded), got {0}")]
pub struct KeyLengthError(pub usize);

impl Keys {
    pub fn derive(master: &[u8]) -> Result<Self, KeyLengthError> {
        if master.len() != 64 {
            return Err(KeyLengthError(master.len()));
        }
        let hk = Hkdf::<Sha256>::new(Some(b"settle-v1"), master);
        let mut keys = Keys {
            cookie: [0; 64],
            csrf: [0; 32],
            tokens: [0; 32],
            at_rest: [0; 32],
            at_rest_previous: Vec::new(),
        };
        // Output lengths are fixed and far below HKDF's 255*32 byte limit, so expand cannot fail.
        let _ = hk.expand(b"cookies", &mut keys.cookie);
        let _ = hk.expand(b"csrf", &mut keys.csrf);
        let _ = hk.expand(b"tokens", &mut keys.tokens);
        let _ = hk.expand(b"secrets-at-rest", &mut keys.at_rest);
        Ok(keys)
    }

    /// Fresh random keys, for tests only: a server restarted with these logs everyone out.
    pub fn random() -> Self {
        let mut master = [0u8; 64];
        rand::Rng::fill(&mut rand::rngs::OsRng, &mut master[..]);
        match Self::derive(&master) {
            Ok(k) => k,
            Err(_) => unreachable!("64 bytes given"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subkeys_differ_per_purpose_and_are_stable() {
        let a = Keys::derive(&[7u8; 64]).unwrap();
        let b = Keys::derive(&[7u8; 64]).unwrap();
        assert_eq!(a.csrf, b.csrf);
        assert_ne!(a.csrf, a.tokens);
        assert_ne!(&a.cookie[..32], &a.csrf[..]);
    }

    #[test]
    fn wrong_length_is_refused() {
        assert!(Keys::derive(&[0u8; 32]).is_err());
    }
}
