//! Argon2id hashing off the async executor, bounded by a semaphore sized to the cores.
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

use crate::error::{ServiceError, ServiceResult};

#[derive(Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
    /// Verified against when an account does not exist, so timing reveals nothing.
    dummy_hash: Arc<String>,
}

impl Hasher {
    pub fn new() -> anyhow::Result<Self> {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        let dummy = hash_blocking(&crate::tokens::random_b64(16))?;
        Ok(Self {
            permits: Arc::new(Semaphore::new(cores)),
            dummy_hash: Arc::new(dummy),
        })
    }

    async fn permit(&self) -> ServiceResult<tokio::sync::OwnedSemaphorePermit> {
        // Waiting briefly smooths bursts; a longer queue means overload, answered as rate-limited.
        match tokio::time::timeout(Duration::from_secs(3), self.permits.clone().acquire_owned()).await {
            Ok(Ok(p)) => Ok(p),
            _ => Err(ServiceError::RateLimited),
        }
    }

    pub async fn hash(&self, password: &str) -> ServiceResult<String> {
        let _permit = self.permit().await?;
        let pw = password.to_string();
        tokio::task::spawn_blocking(move || hash_blocking(&pw))
            .await
            .map_err(|e| ServiceError::Internal(e.into()))?
            .map_err(ServiceError::Internal)
    }

    /// Verifies against the stored hash, or against a dummy when there is none.
    pub async fn verify(&self, password: &str, stored: Option<&str>) -> ServiceResult<bool> {
        let _permit = self.permit().await?;
        let pw = password.to_string();
        let real = stored.is_some();
        let hash = stored
            .map(str::to_string)
            .unwrap_or_else(|| self.dummy_hash.to_string());
        let ok = tokio::task::spawn_blocking(move || {
            PasswordHash::new(&hash)
                .map(|parsed| Argon2::default().verify_password(pw.as_bytes(), &parsed).is_ok())
                .unwrap_or(false)
        })
        .await
        .map_err(|e| ServiceError::Internal(e.into()))?;
        Ok(ok && real)
    }
}

/// Argon2id with the crate defaults (m = 19 MiB, t = 2, p = 1), as OWASP recommends.
pub fn hash_blocking(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("argon2: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn verifies_right_password_only_and_never_without_an_account() {
        let h = Hasher::new().unwrap();
        let stored = h.hash("correct horse").await.unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(h.verify("correct horse", Some(&stored)).await.unwrap());
        assert!(!h.verify("wrong horse", Some(&stored)).await.unwrap());
        assert!(!h.verify("correct horse", None).await.unwrap());
    }
}
