//! Provider settings (admins): the tenant's mail identity (From, Reply-To, DKIM key), SMS
//! provider, payment provider and print provider. Credentials are write-only: sealed at rest,
//! never shown again; a field left blank keeps what is stored. Every change is audited, without
//! the credentials.
use crate::entities::{email_setting, payment_setting, print_setting, sms_setting};
use crate::error::{ServiceError, ServiceResult};
use crate::services::email_settings::{self, Algorithm, DkimKey, Identity};
use crate::services::payment_settings::{self, Credentials, PaymentSettings, ProviderKind};
use crate::services::{print_settings, sms_settings};
use crate::staff::{Role, StaffScope};
use crate::state::{AppState, RunMode};
use crate::{audit, secrets};
use lettre::message::Mailbox;
use sea_orm::{ConnectionTrait, EntityTrait, TransactionTrait};
use serde_json::json;
use settle_domain::backoffice::{MailIdentityView, PaymentProviderView, ProvidersView};
use settle_domain::money::{Currency, Money};

pub async fn view<C: ConnectionTrait>(db: &C, state: &AppState, scope: &StaffScope) -> ServiceResult<ProvidersView> {
    scope.require(Role::Admin)?;
    let tid = scope.tenant_id();
    let email = email_setting::Entity::find_by_id(tid)
        .one(db)
        .await?
        .map(|r| MailIdentityView {
            from: r.from_address,
            reply_to: r.reply_to.unwrap_or_default(),
            dkim_selector: r.dkim_selector,
            dkim_algorithm: r.dkim_algorithm,
        });
    let payment = payment_setting::Entity::find_by_id(tid)
        .one(db)
        .await?
        .map(|r| PaymentProviderView {
            provider: r.provider,
            allow_partial: r.allow_partial,
            min_partial_cents: r.min_partial_cents,
        });
    Ok(ProvidersView {
        email,
        sms: sms_setting::Entity::find_by_id(tid).one(db).await?.map(|r| r.provider),
        payment,
        print_url: print_setting::Entity::find_by_id(tid).one(db).await?.map(|r| r.url),
        sandbox_allowed: state.mode != RunMode::Production,
    })
}

/// What the mail identity form sends. `dkim`: keep, new_rsa, new_ed25519 or none.
pub struct MailForm<'a> {
    pub from: &'a str,
    pub reply_to: &'a str,
    pub dkim: &'a str,
    pub selector: &'a str,
}

pub async fn save_mail(state: &AppState, scope: &StaffScope, f: &MailForm<'_>) -> ServiceResult<()> {
    scope.require(Role::Admin)?;
    let tid = scope.tenant_id();
    let from: Mailbox = f
        .from
        .trim()
        .parse()
        .map_err(|_| ServiceError::invalid("from", "email_invalid"))?;
    let domain = from.email.domain().to_ascii_lowercase();
    let current = email_setting::Entity::find_by_id(tid).one(&state.db).await?;
    let selector = f.selector.trim().to_ascii_lowercase();
    if f.dkim != "none" && !email_settings::valid_label(&selector) {
        return Err(ServiceError::invalid("selector", "dkim_name_invalid"));
    }
    let generate = |alg| async move {
        // RSA key generation takes a while: off the async executor.
        tokio::task::spawn_blocking(move || DkimKey::generate(alg))
            .await
            .map_err(|e| ServiceError::Internal(anyhow::anyhow!("dkim task: {e}")))?
    };
    let key = match f.dkim {
        "none" => None,
        "new_rsa" => Some(generate(Algorithm::Rsa).await?),
        "new_ed25519" => Some(generate(Algorithm::Ed25519).await?),
        "keep" => Some(stored_key(state, current.as_ref()).ok_or(ServiceError::invalid("dkim", "dkim_none_stored"))?),
        _ => return Err(ServiceError::invalid("dkim", "required")),
    };
    let reply_to = Some(f.reply_to.trim()).filter(|r| !r.is_empty());
    let from_text = from.to_string();
    let identity = Identity {
        from: &from_text,
        reply_to,
        dkim: key.as_ref().map(|k| (domain.as_str(), selector.as_str(), k)),
    };
    let now = state.clock.now();
    let tx = state.db.begin().await?;
    email_settings::save(&tx, &state.keys, now, tid, &identity)
        .await
        .map_err(|e| match e {
            ServiceError::Invalid(mut fields) => {
                // The domain is the From's own; a bad name can only be the selector.
                if let Some(code) = fields.remove("dkim_domain") {
                    fields.insert("selector".into(), code);
                }
                ServiceError::Invalid(fields)
            }
            other => other,
        })?;
    let detail = json!({
        "channel": "email", "from": from_text, "reply_to": reply_to,
        "dkim": key.as_ref().map(|_| json!({ "selector": selector, "key": f.dkim })),
    });
    audit::record(&tx, now, tid, None, &scope.actor(), "provider_saved", detail).await?;
    tx.commit().await?;
    Ok(())
}

/// The DKIM key stored now, opened.
fn stored_key(state: &AppState, row: Option<&email_setting::Model>) -> Option<DkimKey> {
    let row = row?;
    let (alg, sealed, kid) = (
        row.dkim_algorithm.as_deref()?,
        row.dkim_key.as_deref()?,
        row.dkim_key_id.as_deref()?,
    );
    let private = String::from_utf8(secrets::open(&state.keys, kid, sealed).ok()?).ok()?;
    DkimKey::from_private(Algorithm::parse(alg)?, &private).ok()
}

/// The SMS form: the provider (twilio, messagebird or none) and its credentials by name.
pub async fn save_sms(
    state: &AppState,
    scope: &StaffScope,
    provider: &str,
    fields: &[(&str, &str)],
) -> ServiceResult<()> {
    scope.require(Role::Admin)?;
    let tid = scope.tenant_id();
    let names: &[&str] = match provider {
        "twilio" => &["account_sid", "auth_token", "from"],
        "messagebird" => &["access_key", "originator"],
        "none" => &[],
        _ => return Err(ServiceError::invalid("provider", "required")),
    };
    let mut creds = serde_json::Map::new();
    for name in names {
        let v = fields.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.trim());
        if v.is_empty() {
            return Err(ServiceError::invalid(name, "required"));
        }
        creds.insert((*name).to_string(), json!(v));
    }
    let now = state.clock.now();
    let tx = state.db.begin().await?;
    if provider == "none" {
        sms_setting::Entity::delete_by_id(tid).exec(&tx).await?;
    } else {
        sms_settings::save(&tx, &state.keys, now, tid, provider, None, &creds.into()).await?;
    }
    let detail = json!({ "channel": "sms", "provider": provider });
    audit::record(&tx, now, tid, None, &scope.actor(), "provider_saved", detail).await?;
    tx.commit().await?;
    Ok(())
}

/// The payment form. Blank credentials keep the stored ones when the provider stays the same.
pub struct PaymentForm<'a> {
    pub provider: &'a str,
    pub api_key: &'a str,
    pub webhook_secret: &'a str,
    pub previous_webhook_secret: &'a str,
    pub allow_partial: bool,
    pub min_partial: &'a str,
}

pub async fn save_payment(state: &AppState, scope: &StaffScope, f: &PaymentForm<'_>) -> ServiceResult<()> {
    scope.require(Role::Admin)?;
    let tid = scope.tenant_id();
    let provider = ProviderKind::parse(f.provider).ok_or(ServiceError::invalid("provider", "required"))?;
    if provider == ProviderKind::Sandbox && state.mode == RunMode::Production {
        return Err(ServiceError::invalid("provider", "sandbox_not_in_production"));
    }
    let min_partial_cents = match f.min_partial.trim() {
        "" => 100,
        typed => Money::parse_decimal(typed, Currency::Eur)
            .ok()
            .map(|m| m.cents)
            .filter(|c| *c >= 1)
            .ok_or(ServiceError::invalid("min_partial", "amount_invalid"))?,
    };
    let stored = payment_settings::load(&state.db, &state.keys, tid)
        .await?
        .filter(|s| s.provider == provider)
        .map(|s| s.credentials);
    let credentials = match provider {
        ProviderKind::Sandbox => Credentials::default(),
        _ => {
            let secrets: Vec<String> = [f.webhook_secret, f.previous_webhook_secret]
                .iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            let api_key = f.api_key.trim();
            match (api_key.is_empty(), stored) {
                (true, Some(mut kept)) => {
                    if !secrets.is_empty() {
                        kept.webhook_secrets = secrets;
                    }
                    kept
                }
                (true, None) => return Err(ServiceError::invalid("api_key", "required")),
                (false, kept) => Credentials {
                    api_key: api_key.to_string(),
                    webhook_secrets: if secrets.is_empty() {
                        kept.map(|k| k.webhook_secrets).unwrap_or_default()
                    } else {
                        secrets
                    },
                },
            }
        }
    };
    if provider == ProviderKind::Stripe && credentials.webhook_secrets.is_empty() {
        return Err(ServiceError::invalid("webhook_secret", "required"));
    }
    let settings = PaymentSettings {
        provider,
        credentials,
        api_base: None,
        allow_partial: f.allow_partial,
        min_partial_cents,
    };
    let now = state.clock.now();
    let tx = state.db.begin().await?;
    payment_settings::save(&tx, &state.keys, now, tid, &settings).await?;
    let detail = json!({
        "channel": "payment", "provider": provider.as_str(),
        "allow_partial": f.allow_partial, "min_partial_cents": min_partial_cents,
    });
    audit::record(&tx, now, tid, None, &scope.actor(), "provider_saved", detail).await?;
    tx.commit().await?;
    Ok(())
}

/// The print form: an https endpoint (http on loopback only outside production), or blank for
/// the print spool. A blank token keeps the stored one for the same endpoint.
pub async fn save_print(state: &AppState, scope: &StaffScope, url: &str, token: &str) -> ServiceResult<()> {
    scope.require(Role::Admin)?;
    let tid = scope.tenant_id();
    let url = Some(url.trim()).filter(|u| !u.is_empty());
    if let Some(u) = url {
        if state.mode == RunMode::Production && !u.starts_with("https://") {
            return Err(ServiceError::invalid("url", "print_url_invalid"));
        }
    }
    let token = Some(token.trim()).filter(|t| !t.is_empty()).map(str::to_string);
    let token = match (token, url) {
        (Some(t), _) => Some(t),
        (None, Some(u)) => print_settings::load(&state.db, &state.keys, tid)
            .await?
            .filter(|p| p.url == u)
            .and_then(|p| p.token),
        (None, None) => None,
    };
    let now = state.clock.now();
    let tx = state.db.begin().await?;
    print_settings::save(&tx, &state.keys, now, tid, url, token.as_deref()).await?;
    let detail = json!({ "channel": "letter", "url": url });
    audit::record(&tx, now, tid, None, &scope.actor(), "provider_saved", detail).await?;
    tx.commit().await?;
    Ok(())
}
