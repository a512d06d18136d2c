//! The channels a message leaves by: email over SMTP, SMS through the tenant's HTTP provider,
//! letters as A4 PDFs in a print spool. `deliver` sends one claimed outbox message.
pub mod email;
pub mod letter;
pub mod sms;

pub use email::Mailer;

use crate::entities::{outbox, tenant};
use crate::keys::Keys;
use sms::{SmsError, SmsProvider};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Where each channel's messages go.
#[derive(Clone)]
pub struct Senders {
    pub mail: Mailer,
    /// SMS goes through each tenant's own provider account (`sms_settings`).
    pub sms: Option<SmsAccess>,
    /// Letters' PDFs are written here, one folder per tenant, for the print run.
    pub letter_spool: Option<PathBuf>,
}

impl From<Mailer> for Senders {
    fn from(mail: Mailer) -> Self {
        Senders {
            mail,
            sms: None,
            letter_spool: None,
        }
    }
}

/// What SMS sending needs: the key that opens tenants' credentials and an HTTP client.
#[derive(Clone)]
pub struct SmsAccess {
    pub keys: Keys,
    pub http: reqwest::Client,
    /// Providers by tenant, read once per process (a changed provider needs a restart).
    providers: std::sync::Arc<Mutex<HashMap<i64, Option<SmsProvider>>>>,
}

impl SmsAccess {
    /// With an HTTP client that gives a provider 5 s to connect and 15 s to answer.
    pub fn with_timeouts(keys: Keys) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .connect_timeout(std::time::Duration::from_secs(5))
            .timeout(std::time::Duration::from_secs(15))
            .build()?;
        Ok(Self::new(keys, http))
    }

    pub fn new(keys: Keys, http: reqwest::Client) -> Self {
        Self {
            keys,
            http,
            providers: Default::default(),
        }
    }
}

/// The outcome of one delivery: the status to record and the provider's id of the message.
pub struct Delivered {
    pub status: &'static str,
    pub provider_id: Option<String>,
}

impl Delivered {
    fn status(status: &'static str) -> Self {
        Self {
            status,
            provider_id: None,
        }
    }
}

/// Whether a failure will not go away by retrying (a refused number, bad credentials).
pub fn is_permanent(err: &anyhow::Error) -> bool {
    err.downcast_ref::<SmsError>().is_some_and(|e| !e.is_transient())
}

pub async fn deliver(
    db: &sea_orm::DatabaseConnection,
    senders: &Senders,
    tenant: Option<&tenant::Model>,
    row: &outbox::Model,
) -> anyhow::Result<Delivered> {
    match (row.channel.as_str(), &senders.mail) {
        ("letter", _) if senders.letter_spool.is_some() => {
            let spool = senders.letter_spool.as_deref().unwrap_or(Path::new("."));
            spool_letter(spool, tenant, row).await?;
            Ok(Delivered::status("sent"))
        }
        ("sms", _) if senders.sms.is_some() => send_sms(db, senders, tenant, row).await,
        (_, Mailer::DevOutbox) => Ok(Delivered::status("dev")),
        ("email", mailer) => Ok(Delivered::status(mailer.send(tenant, row).await?)),
        (other, _) => anyhow::bail!("no sender configured for channel {other}"),
    }
}

async fn send_sms(
    db: &sea_orm::DatabaseConnection,
    senders: &Senders,
    tenant: Option<&tenant::Model>,
    row: &outbox::Model,
) -> anyhow::Result<Delivered> {
    let Some(access) = &senders.sms else {
        anyhow::bail!("no SMS access");
    };
    let cached = access
        .providers
        .lock()
        .ok()
        .and_then(|m| m.get(&row.tenant_id).cloned());
    let provider = match cached {
        Some(p) => p,
        None => {
            let p = crate::services::sms_settings::load(db, &access.keys, row.tenant_id).await?;
            if let Ok(mut m) = access.providers.lock() {
                m.insert(row.tenant_id, p.clone());
            }
            p
        }
    };
    let Some(provider) = provider else {
        if matches!(senders.mail, Mailer::DevOutbox) {
            return Ok(Delivered::status("dev"));
        }
        anyhow::bail!("the tenant has no SMS provider");
    };
    let callback = tenant.map(|t| {
        let kind = match provider {
            SmsProvider::Twilio { .. } => "twilio",
            SmsProvider::MessageBird { .. } => "messagebird",
        };
        format!("{}/webhooks/sms/{kind}", t.base_url.trim_end_matches('/'))
    });
    let key = row.dedupe_key.clone().unwrap_or_else(|| format!("outbox-{}", row.id));
    let sent = provider
        .send(&access.http, &row.recipient, &row.body_text, &key, callback.as_deref())
        .await?;
    Ok(Delivered {
        status: "sent",
        provider_id: Some(sent.provider_id),
    })
}

/// Writes a letter's PDF as `{spool}/{tenant}/{message id}.pdf`, atomically (a print run never
/// sees half a file); a resend after a crash overwrites it with the same bytes.
async fn spool_letter(spool: &Path, tenant: Option<&tenant::Model>, row: &outbox::Model) -> anyhow::Result<()> {
    let pdf = row
        .document
        .as_deref()
        .ok_or_else(|| anyhow::anyhow!("letter {} has no document", row.id))?;
    let safe = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
            .collect()
    };
    let folder = spool.join(safe(tenant.map_or("unknown", |t| t.slug.as_str())));
    let name = safe(
        row.message_id
            .as_deref()
            .and_then(|m| m.trim_matches(['<', '>']).split('@').next())
            .unwrap_or(&format!("outbox-{}", row.id)),
    );
    tokio::fs::create_dir_all(&folder).await?;
    let tmp = folder.join(format!(".{name}.pdf.partial"));
    tokio::fs::write(&tmp, pdf).await?;
    tokio::fs::rename(&tmp, folder.join(format!("{name}.pdf"))).await?;
    Ok(())
}
