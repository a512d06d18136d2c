//! A tenant's own channels from the command line:
//! - `settle sms-provider --tenant SLUG --provider twilio|messagebird [--api-base URL]`: the SMS
//!   account; credentials as JSON on standard input, sealed at rest, never echoed.
//! - `settle email-identity --tenant SLUG --from ADDR ...`: From, Reply-To and the DKIM key.
//! - `settle print-provider --tenant SLUG --url URL | --off`: letters to a print provider.
//! - `settle early-signals --tenant SLUG [--all]`: the early-signal export as CSV.
use settle_core::dunning::early_signals;
use settle_core::sea_orm::DatabaseConnection;
use settle_core::services::{print_settings, sms_settings};
use settle_core::state::AppState;
use std::io::Read;

#[derive(clap::Args)]
pub struct SmsProviderArgs {
    #[arg(long)]
    pub tenant: String,
    /// twilio (account_sid, auth_token, from) or messagebird (access_key, originator).
    #[arg(long)]
    pub provider: String,
    /// Another API base (a test double, or a provider's regional endpoint).
    #[arg(long)]
    pub api_base: Option<String>,
}

pub async fn configure_sms(state: &AppState, args: SmsProviderArgs) -> anyhow::Result<()> {
    let t = crate::payment_cli::tenant(&state.db, &args.tenant).await?;
    eprintln!("Credentials as JSON on standard input, then end of input:");
    let mut raw = String::new();
    std::io::stdin().lock().read_to_string(&mut raw)?;
    let creds: serde_json::Value =
        serde_json::from_str(&raw).map_err(|_| anyhow::anyhow!("the credentials are not a JSON object"))?;
    let key_id = sms_settings::save(
        &state.db,
        &state.keys,
        state.clock.now(),
        t.id,
        &args.provider,
        args.api_base.as_deref(),
        &creds,
    )
    .await
    .map_err(|_| {
        anyhow::anyhow!(
            "{} needs {}",
            args.provider,
            match args.provider.as_str() {
                "twilio" => "account_sid, auth_token and from",
                "messagebird" => "access_key and originator",
                _ => "to be twilio or messagebird",
            }
        )
    })?;
    println!(
        "SMS provider for {} set to {} (credentials sealed with key {key_id}; they are not shown again)",
        t.slug, args.provider
    );
    Ok(())
}

#[derive(clap::Args)]
pub struct PrintProviderArgs {
    #[arg(long)]
    pub tenant: String,
    /// The provider's endpoint that letters are POSTed to (https, or http on loopback).
    #[arg(long, required_unless_present = "off")]
    pub url: Option<String>,
    /// Back to the print spool.
    #[arg(long, conflicts_with = "url")]
    pub off: bool,
    /// Read a bearer token from standard input.
    #[arg(long)]
    pub token_stdin: bool,
}

pub async fn configure_print(state: &AppState, args: PrintProviderArgs) -> anyhow::Result<()> {
    let t = crate::payment_cli::tenant(&state.db, &args.tenant).await?;
    let token = if args.token_stdin {
        eprintln!("Token on standard input, then end of input:");
        let mut raw = String::new();
        std::io::stdin().lock().read_to_string(&mut raw)?;
        Some(raw.trim().to_string())
    } else {
        None
    };
    let url = if args.off { None } else { args.url.as_deref() };
    print_settings::save(&state.db, &state.keys, state.clock.now(), t.id, url, token.as_deref())
        .await
        .map_err(|_| anyhow::anyhow!("the print provider URL must be https:// (or http:// on loopback)"))?;
    match url {
        Some(u) => println!("Letters of {} go to the print provider at {u}", t.slug),
        None => println!("Letters of {} go to the print spool", t.slug),
    }
    Ok(())
}

#[derive(clap::Args)]
pub struct EarlySignalArgs {
    #[arg(long)]
    pub tenant: String,
    /// Export every signal again, not only the new ones.
    #[arg(long)]
    pub all: bool,
}

pub async fn early_signals(conn: &DatabaseConnection, args: EarlySignalArgs) -> anyhow::Result<()> {
    let t = crate::payment_cli::tenant(conn, &args.tenant).await?;
    let (n, csv) = early_signals::export(conn, &t.row, chrono::Utc::now(), args.all).await?;
    print!("{csv}");
    eprintln!("{n} early signal(s) of {} exported", t.slug);
    Ok(())
}

#[derive(clap::Args)]
pub struct EmailIdentityArgs {
    #[arg(long)]
    pub tenant: String,
    /// The From of the tenant's mail, e.g. "Zorg Demo <herinnering@zorg.example>".
    #[arg(long)]
    pub from: String,
    #[arg(long)]
    pub reply_to: Option<String>,
    /// Sign with DKIM for this domain (the From's domain or a parent of it).
    #[arg(long, requires = "dkim_selector")]
    pub dkim_domain: Option<String>,
    #[arg(long, requires = "dkim_domain")]
    pub dkim_selector: Option<String>,
    /// rsa (2048 bits; every receiver verifies it) or ed25519.
    #[arg(long, default_value = "rsa")]
    pub dkim_algorithm: String,
    /// The private key (RSA: PKCS#1 PEM; Ed25519: base64 of the seed); without it a new key is made.
    #[arg(long, requires = "dkim_domain")]
    pub dkim_key: Option<std::path::PathBuf>,
}

pub async fn configure_email(state: &AppState, args: EmailIdentityArgs) -> anyhow::Result<()> {
    use settle_core::services::email_settings::{self, Algorithm, DkimKey, Identity};
    let t = crate::payment_cli::tenant(&state.db, &args.tenant).await?;
    let key = match (&args.dkim_domain, &args.dkim_key) {
        (None, _) => None,
        (Some(_), path) => {
            let alg = Algorithm::parse(&args.dkim_algorithm)
                .ok_or_else(|| anyhow::anyhow!("--dkim-algorithm is rsa or ed25519"))?;
            let key = match path {
                Some(p) => {
                    let pem = std::fs::read_to_string(p).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?;
                    DkimKey::from_private(alg, &pem)
                        .map_err(|_| anyhow::anyhow!("{}: not a {} private key", p.display(), args.dkim_algorithm))?
                }
                None => DkimKey::generate(alg).map_err(|e| anyhow::anyhow!("{e}"))?,
            };
            Some(key)
        }
    };
    let dkim = match (&args.dkim_domain, &args.dkim_selector, &key) {
        (Some(d), Some(s), Some(k)) => Some((d.as_str(), s.as_str(), k)),
        _ => None,
    };
    let identity = Identity {
        from: &args.from,
        reply_to: args.reply_to.as_deref(),
        dkim,
    };
    email_settings::save(&state.db, &state.keys, state.clock.now(), t.id, &identity)
        .await
        .map_err(|e| match e {
            settle_core::error::ServiceError::Invalid(fields) => anyhow::anyhow!(
                "refused: {}",
                fields
                    .iter()
                    .map(|(field, code)| match code.as_str() {
                        "email_invalid" => format!("--{} is not an email address", field.replace('_', "-")),
                        "dkim_name_invalid" => "--dkim-domain and --dkim-selector must be DNS names".to_string(),
                        "dkim_not_aligned" => {
                            "--dkim-domain must be the From address's domain or a parent of it (DMARC alignment)"
                                .to_string()
                        }
                        other => format!("{field}: {other}"),
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            other => anyhow::anyhow!("{other}"),
        })?;
    println!("Mail of {} now goes out as {}", t.slug, args.from);
    if let (Some((domain, selector, _)), Some(k)) = (dkim, &key) {
        println!("Publish this DNS record before the first mail goes out (signatures fail until it exists):");
        // A TXT string holds 255 bytes at most; longer values are several strings in one record.
        let txt = k.dns_txt();
        let strings: Vec<String> = txt
            .as_bytes()
            .chunks(250)
            .map(|c| format!("\"{}\"", String::from_utf8_lossy(c)))
            .collect();
        println!("{selector}._domainkey.{domain}. IN TXT {}", strings.join(" "));
    }
    Ok(())
}
