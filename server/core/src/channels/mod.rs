//! The channels a message leaves by: email over SMTP, SMS through the tenant's HTTP provider,
//! letters as A4 PDFs in a print spool. `deliver` sends one claimed outbox message.
pub mod email;
pub mod html_email;
pub mod letter;
mod letter_logo;
pub mod print;
pub mod sms;

pub use email::{EmailIdentity, Mailer, SmtpError};
pub use print::PrintProvider;

use crate::entities::{outbox, tenant};
use crate::keys::Keys;
use sms::{SmsError, SmsProvider};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Where each channel's messages go.
#[derive(Clone)]
pub struct Senders {
    pub mail: Mailer,
    /// Each tenant's own accounts: SMS provider, mail identity (From, DKIM), print provider.
    pub accounts: Option<Accounts>,
    /// Letters' PDFs are written here, one folder per tenant, for the print run (unless the
    /// tenant hands its letters to a print provider).
    pub letter_spool: Option<PathBuf>,
}

impl From<Mailer> for Senders {
    fn from(mail: Mailer) -> Self {
        Senders {
            mail,
            accounts: None,
            letter_spool: None,
        }
    }
}

/// How long a tenant's accounts are reused before they are read again: a changed setting takes
/// effect within this time on every instance.
const ACCOUNTS_TTL: Duration = Duration::from_secs(60);

/// What sending through tenants' own accounts needs: the key that opens their credentials, an
/// HTTP client, and the accounts read recently.
#[derive(Clone)]
pub struct Accounts {
    pub keys: Keys,
    pub http: reqwest::Client,
    cache: Arc<Mutex<HashMap<i64, (Instant, TenantAccounts)>>>,
}

/// One tenant's accounts; None where it has none.
#[derive(Clone, Default)]
pub struct TenantAccounts {
    pub sms: Option<SmsProvider>,
    pub email: Option<EmailIdentity>,
    pub print: Option<PrintProvider>,
}

impl Accounts {
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
            cache: Default::default(),
        }
    }

    pub async fn of(&self, db: &sea_orm::DatabaseConnection, tenant_id: i64) -> TenantAccounts {
        let fresh = self.cache.lock().ok().and_then(|m| {
            m.get(&tenant_id)
                .filter(|(at, _)| at.elapsed() < ACCOUNTS_TTL)
                .map(|(_, a)| a.clone())
        });
        if let Some(a) = fresh {
            return a;
        }
        use crate::services::{email_settings, print_settings, sms_settings};
        // A broken account is logged and left out, so it stops only its own channel: SMS then
        // fails (and retries), mail goes from the platform's address.
        fn usable<T>(tenant_id: i64, what: &str, r: crate::error::ServiceResult<Option<T>>) -> Option<T> {
            r.unwrap_or_else(|e| {
                tracing::error!(tenant_id, account = what, error = %e, "a tenant account cannot be used");
                None
            })
        }
        let a = TenantAccounts {
            sms: usable(tenant_id, "sms", sms_settings::load(db, &self.keys, tenant_id).await),
            email: usable(
                tenant_id,
                "email",
                email_settings::load(db, &self.keys, tenant_id).await,
            ),
            print: usable(
                tenant_id,
                "print",
                print_settings::load(db, &self.keys, tenant_id).await,
            ),
        };
        if let Ok(mut m) = self.cache.lock() {
            m.insert(tenant_id, (Instant::now(), a.clone()));
        }
        a
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

/// Whether a failure will not go away by retrying (a refused number or address, bad credentials).
pub fn is_permanent(err: &anyhow::Error) -> bool {
    err.downcast_ref::<SmsError>().is_some_and(|e| !e.is_transient())
        || err.downcast_ref::<SmtpError>().is_some_and(|e| !e.is_transient())
        || err
            .downcast_ref::<print::PrintError>()
            .is_some_and(|e| !e.is_transient())
}

pub async fn deliver(
    db: &sea_orm::DatabaseConnection,
    senders: &Senders,
    tenant: Option<&tenant::Model>,
    row: &outbox::Model,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<Delivered> {
    let accounts = match &senders.accounts {
        Some(a) => a.of(db, row.tenant_id).await,
        None => TenantAccounts::default(),
    };
    let access = senders.accounts.as_ref();
    match (row.channel.as_str(), &senders.mail) {
        ("letter", _) => match (&accounts.print, access, &senders.letter_spool) {
            (Some(print), Some(access), _) => Ok(Delivered {
                status: "sent",
                provider_id: Some(print.hand_off(&access.http, tenant, row).await?),
            }),
            (_, _, Some(spool)) => {
                spool_letter(spool, tenant, row).await?;
                Ok(Delivered::status("sent"))
            }
            (_, _, None) if matches!(senders.mail, Mailer::DevOutbox) => Ok(Delivered::status("dev")),
            _ => anyhow::bail!("no sender configured for letters"),
        },
        ("sms", mail) if access.is_some() => match (&accounts.sms, access) {
            (Some(provider), Some(access)) => send_sms(&access.http, provider, tenant, row).await,
            _ if matches!(mail, Mailer::DevOutbox) => Ok(Delivered::status("dev")),
            _ => anyhow::bail!("the tenant has no SMS provider"),
        },
        ("voice", mail) if access.is_some() => match (&accounts.sms, access, tenant) {
            (Some(provider), Some(access), Some(t)) => {
                // A call rings now: never outside the sending window, however late the
                // dispatcher got to it (the retry waits for the window to open again).
                let ctx = crate::tenant::TenantCtx::from_model(t.clone());
                let policy = crate::dunning::policy::load(db, &ctx).await?;
                if policy.next_opening(&ctx, now) != Some(now) {
                    return Err(SmsError::Transient("outside the sending window".into()).into());
                }
                // Consent withdrawn or the number changed since the call was queued: no call.
                use crate::entities::customer;
                use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
                let callee = customer::Entity::find_by_id(row.customer_id.unwrap_or_default())
                    .filter(customer::Column::TenantId.eq(row.tenant_id))
                    .one(db)
                    .await?;
                let agreed = callee.is_some_and(|c| {
                    c.voice_consent_at.is_some() && c.phone_e164.as_deref() == Some(row.recipient.as_str())
                });
                if !agreed {
                    return Err(SmsError::Permanent("no consent to call this number any more".into()).into());
                }
                place_call(access, provider, t, row).await
            }
            _ if matches!(mail, Mailer::DevOutbox) => Ok(Delivered::status("dev")),
            _ => anyhow::bail!("the tenant has no voice provider"),
        },
        (_, Mailer::DevOutbox) => Ok(Delivered::status("dev")),
        ("email", mailer) => Ok(Delivered::status(
            mailer.send(tenant, accounts.email.as_ref(), row).await?,
        )),
        (other, _) => anyhow::bail!("no sender configured for channel {other}"),
    }
}

/// An automated call: the provider fetches the script from the call's signed address.
async fn place_call(
    access: &Accounts,
    provider: &SmsProvider,
    tenant: &tenant::Model,
    row: &outbox::Model,
) -> anyhow::Result<Delivered> {
    let base = tenant.base_url.trim_end_matches('/');
    let sig = crate::voice::call_sig(&access.keys.tokens, row.id);
    let script = format!("{base}/voice/{}/{sig}", row.id);
    let status = format!("{base}/webhooks/voice/{}/{sig}", row.id);
    let sid = provider.call(&access.http, &row.recipient, &script, &status).await?;
    Ok(Delivered {
        status: "sent",
        provider_id: Some(sid),
    })
}

async fn send_sms(
    http: &reqwest::Client,
    provider: &SmsProvider,
    tenant: Option<&tenant::Model>,
    row: &outbox::Model,
) -> anyhow::Result<Delivered> {
    let callback = tenant.map(|t| {
        let kind = match provider {
            SmsProvider::Twilio { .. } => "twilio",
            SmsProvider::MessageBird { .. } => "messagebird",
        };
        format!("{}/webhooks/sms/{kind}", t.base_url.trim_end_matches('/'))
    });
    let key = row.dedupe_key.clone().unwrap_or_else(|| format!("outbox-{}", row.id));
    let sent = provider
        .send(http, &row.recipient, &row.body_text, &key, callback.as_deref())
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
