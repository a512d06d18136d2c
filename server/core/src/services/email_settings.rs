//! A tenant's mail identity: the From and Reply-To of its mail, and the DKIM key that signs it
//! (sealed at rest). A key can be made here (RSA 2048, what every receiver verifies, or
//! Ed25519) or brought as a file; either way the DNS record to publish comes back.
use crate::channels::EmailIdentity;
use crate::entities::email_setting;
use crate::error::{ServiceError, ServiceResult};
use crate::keys::Keys;
use crate::secrets;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{DateTime, Utc};
use lettre::message::dkim::{
    DkimCanonicalization, DkimCanonicalizationType, DkimConfig, DkimSigningAlgorithm, DkimSigningKey,
};
use lettre::message::header::HeaderName;
use lettre::message::Mailbox;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait, Set};
use std::sync::Arc;

/// The headers a signature covers: everything a reader or a filter acts on, including the
/// one-click unsubscribe pair (RFC 8058 wants both signed). Absent ones are signed as absent,
/// so nobody can add them on the way. Not `Content-Type`: lettre writes a multipart's
/// Content-Type with the body, after signing, so a signature over it would never verify.
const SIGNED: [&str; 9] = [
    "From",
    "Reply-To",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "MIME-Version",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    Rsa,
    Ed25519,
}

impl Algorithm {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "rsa" | "rsa-sha256" => Some(Self::Rsa),
            "ed25519" | "ed25519-sha256" => Some(Self::Ed25519),
            _ => None,
        }
    }
    fn as_str(self) -> &'static str {
        match self {
            Self::Rsa => "rsa-sha256",
            Self::Ed25519 => "ed25519-sha256",
        }
    }
    fn lettre(self) -> DkimSigningAlgorithm {
        match self {
            Self::Rsa => DkimSigningAlgorithm::Rsa,
            Self::Ed25519 => DkimSigningAlgorithm::Ed25519,
        }
    }
}

/// A DKIM key: private (PKCS#1 PEM for RSA, base64 of the 32-byte seed for Ed25519) and the
/// public part as DNS wants it.
pub struct DkimKey {
    pub algorithm: Algorithm,
    pub private: String,
    pub public_b64: String,
}

impl DkimKey {
    pub fn generate(algorithm: Algorithm) -> ServiceResult<Self> {
        let internal = |e: String| ServiceError::Internal(anyhow::anyhow!("dkim key: {e}"));
        match algorithm {
            Algorithm::Rsa => {
                use rsa::pkcs1::EncodeRsaPrivateKey;
                let key = rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048).map_err(|e| internal(e.to_string()))?;
                let pem = key
                    .to_pkcs1_pem(rsa::pkcs8::LineEnding::LF)
                    .map_err(|e| internal(e.to_string()))?;
                Self::from_private(algorithm, &pem)
            }
            Algorithm::Ed25519 => {
                let mut seed = [0u8; 32];
                rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut seed);
                Self::from_private(algorithm, &STANDARD.encode(seed))
            }
        }
    }

    /// Reads a private key and works out its public part; refuses anything lettre cannot sign
    /// with.
    pub fn from_private(algorithm: Algorithm, private: &str) -> ServiceResult<Self> {
        let bad = || ServiceError::invalid("dkim_key", "dkim_key_invalid");
        let private = private.trim().to_string();
        DkimSigningKey::new(&private, algorithm.lettre()).map_err(|_| bad())?;
        let public_b64 = match algorithm {
            Algorithm::Rsa => {
                use rsa::pkcs1::DecodeRsaPrivateKey;
                use rsa::pkcs8::EncodePublicKey;
                let key = rsa::RsaPrivateKey::from_pkcs1_pem(&private).map_err(|_| bad())?;
                let der = key.to_public_key().to_public_key_der().map_err(|_| bad())?;
                STANDARD.encode(der.as_bytes())
            }
            Algorithm::Ed25519 => {
                let seed: [u8; 32] = STANDARD
                    .decode(&private)
                    .map_err(|_| bad())?
                    .try_into()
                    .map_err(|_| bad())?;
                let public = ed25519_dalek::SigningKey::from_bytes(&seed).verifying_key();
                STANDARD.encode(public.as_bytes())
            }
        };
        Ok(Self {
            algorithm,
            private,
            public_b64,
        })
    }

    /// The TXT record's value at `{selector}._domainkey.{domain}`.
    pub fn dns_txt(&self) -> String {
        let k = match self.algorithm {
            Algorithm::Rsa => "rsa",
            Algorithm::Ed25519 => "ed25519",
        };
        format!("v=DKIM1; k={k}; p={}", self.public_b64)
    }
}

pub struct Identity<'a> {
    pub from: &'a str,
    pub reply_to: Option<&'a str>,
    /// (domain, selector, key)
    pub dkim: Option<(&'a str, &'a str, &'a DkimKey)>,
}

pub(crate) fn valid_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.split('.')
            .all(|l| !l.is_empty() && l.len() <= 63 && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
}

pub async fn save<C: ConnectionTrait>(
    db: &C,
    keys: &Keys,
    now: DateTime<Utc>,
    tenant_id: i64,
    id: &Identity<'_>,
) -> ServiceResult<()> {
    let from: Mailbox = id
        .from
        .parse()
        .map_err(|_| ServiceError::invalid("from", "email_invalid"))?;
    if let Some(r) = id.reply_to {
        r.parse::<Mailbox>()
            .map_err(|_| ServiceError::invalid("reply_to", "email_invalid"))?;
    }
    if let Some((domain, selector, _)) = id.dkim {
        if !valid_label(domain) || !valid_label(selector) {
            return Err(ServiceError::invalid("dkim_domain", "dkim_name_invalid"));
        }
        // A receiver checks DKIM alignment against the From domain (DMARC).
        let from_domain = from.email.domain().to_ascii_lowercase();
        let d = domain.to_ascii_lowercase();
        if from_domain != d && !from_domain.ends_with(&format!(".{d}")) {
            return Err(ServiceError::invalid("dkim_domain", "dkim_not_aligned"));
        }
    }
    let sealed = id.dkim.map(|(_, _, k)| secrets::seal(keys, k.private.as_bytes()));
    email_setting::Entity::insert(email_setting::ActiveModel {
        tenant_id: Set(tenant_id),
        from_address: Set(from.to_string()),
        reply_to: Set(id.reply_to.map(String::from)),
        dkim_domain: Set(id.dkim.map(|(d, _, _)| d.to_ascii_lowercase())),
        dkim_selector: Set(id.dkim.map(|(_, s, _)| s.to_string())),
        dkim_algorithm: Set(id.dkim.map(|(_, _, k)| k.algorithm.as_str().to_string())),
        dkim_key: Set(sealed.as_ref().map(|(_, s)| s.clone())),
        dkim_key_id: Set(sealed.map(|(kid, _)| kid)),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(email_setting::Column::TenantId)
            .update_columns([
                email_setting::Column::FromAddress,
                email_setting::Column::ReplyTo,
                email_setting::Column::DkimDomain,
                email_setting::Column::DkimSelector,
                email_setting::Column::DkimAlgorithm,
                email_setting::Column::DkimKey,
                email_setting::Column::DkimKeyId,
                email_setting::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}

pub async fn load<C: ConnectionTrait>(db: &C, keys: &Keys, tenant_id: i64) -> ServiceResult<Option<EmailIdentity>> {
    let Some(row) = email_setting::Entity::find_by_id(tenant_id).one(db).await? else {
        return Ok(None);
    };
    let broken = |what: &str| ServiceError::Internal(anyhow::anyhow!("email identity: {what}"));
    let from: Mailbox = row.from_address.parse().map_err(|_| broken("from"))?;
    let reply_to = row.reply_to.as_deref().and_then(|r| r.parse::<Mailbox>().ok());
    let dkim = match (
        &row.dkim_domain,
        &row.dkim_selector,
        &row.dkim_algorithm,
        &row.dkim_key,
        &row.dkim_key_id,
    ) {
        (Some(domain), Some(selector), Some(alg), Some(sealed), Some(kid)) => {
            let alg = Algorithm::parse(alg).ok_or_else(|| broken("algorithm"))?;
            let private = secrets::open(keys, kid, sealed).map_err(|e| broken(&e.to_string()))?;
            let private = String::from_utf8(private).map_err(|_| broken("key"))?;
            let key = DkimSigningKey::new(&private, alg.lettre()).map_err(|_| broken("key"))?;
            Some(Arc::new(DkimConfig::new(
                selector.clone(),
                domain.clone(),
                key,
                SIGNED.iter().map(|h| HeaderName::new_from_ascii_str(h)).collect(),
                DkimCanonicalization {
                    header: DkimCanonicalizationType::Relaxed,
                    body: DkimCanonicalizationType::Relaxed,
                },
            )))
        }
        _ => None,
    };
    Ok(Some(EmailIdentity { from, reply_to, dkim }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ed25519_key_reads_back_with_its_public_part_and_junk_is_refused() {
        let k = DkimKey::generate(Algorithm::Ed25519).unwrap();
        let again = DkimKey::from_private(Algorithm::Ed25519, &k.private).unwrap();
        assert_eq!(k.public_b64, again.public_b64);
        assert!(k.dns_txt().starts_with("v=DKIM1; k=ed25519; p="));
        assert!(DkimKey::from_private(Algorithm::Ed25519, "not base64!").is_err());
        assert!(DkimKey::from_private(
            Algorithm::Rsa,
            "-----BEGIN RSA PRIVATE KEY-----\nxx\n-----END RSA PRIVATE KEY-----"
        )
        .is_err());
    }

    #[test]
    fn dns_names_are_checked() {
        assert!(valid_label("zorg.example.nl") && valid_label("s2026"));
        for bad in ["", "a..b", "a b", "x;y", &"a".repeat(64)] {
            assert!(!valid_label(bad), "{bad:?}");
        }
    }
}
