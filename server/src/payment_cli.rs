//! Operator commands for payments: configure a tenant's provider (credentials from standard
//! input, never echoed) and carry out refund tasks (through the provider, or as a pain.001 file).
use clap::{Args, ValueEnum};
use settle_core::clock::Clock;
use settle_core::services::payment_settings::{self, Credentials, PaymentSettings, ProviderKind};
use settle_core::services::refunds;
use settle_core::state::AppState;
use settle_core::tenant::TenantCtx;
use std::io::BufRead;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Provider {
    Sandbox,
    Mollie,
    Stripe,
}

#[derive(Args)]
pub struct ProviderArgs {
    #[arg(long)]
    pub tenant: String,
    #[arg(long, value_enum)]
    pub provider: Provider,
    /// The provider's API address (tests, proxies); default: the provider's own.
    #[arg(long)]
    pub api_base: Option<String>,
    /// Let debtors pay part of an invoice online.
    #[arg(long)]
    pub allow_partial: bool,
    /// Smallest part payable, in cents.
    #[arg(long, default_value_t = 1000)]
    pub min_partial_cents: i64,
}

#[derive(Args)]
pub struct RefundArgs {
    #[arg(long)]
    pub tenant: String,
    /// Refund this task through the provider the money came in by.
    #[arg(long, conflicts_with = "export_sepa")]
    pub via_provider: Option<i64>,
    /// Write all open refund tasks with a known IBAN to this pain.001 file.
    #[arg(long)]
    pub export_sepa: Option<std::path::PathBuf>,
}

/// The tenant an operator command names; an unknown slug is an error (exit 1).
pub async fn tenant(db: &settle_core::sea_orm::DatabaseConnection, slug: &str) -> anyhow::Result<TenantCtx> {
    settle_core::tenant::by_slug(db, slug)
        .await?
        .ok_or_else(|| anyhow::anyhow!("unknown tenant {slug:?}"))
}

/// Reads `api_key=...` and `webhook_secret=...` lines (two secrets during rotation) from stdin.
fn read_credentials(input: impl BufRead) -> anyhow::Result<Credentials> {
    let mut c = Credentials::default();
    for line in input.lines() {
        let line = line?;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match line.split_once('=') {
            Some(("api_key", v)) => c.api_key = v.trim().to_string(),
            Some(("webhook_secret", v)) => c.webhook_secrets.push(v.trim().to_string()),
            _ => anyhow::bail!("expected api_key=... or webhook_secret=... lines"),
        }
    }
    Ok(c)
}

pub async fn configure_provider(state: &AppState, args: ProviderArgs) -> anyhow::Result<()> {
    let t = tenant(&state.db, &args.tenant).await?;
    let provider = match args.provider {
        Provider::Sandbox => ProviderKind::Sandbox,
        Provider::Mollie => ProviderKind::Mollie,
        Provider::Stripe => ProviderKind::Stripe,
    };
    let credentials = match provider {
        ProviderKind::Sandbox => Credentials::default(),
        _ => {
            eprintln!("Credentials on standard input (api_key=..., webhook_secret=...), then end of input:");
            read_credentials(std::io::stdin().lock())?
        }
    };
    if provider != ProviderKind::Sandbox && credentials.api_key.is_empty() {
        anyhow::bail!("api_key is required for {}", provider.as_str());
    }
    if provider == ProviderKind::Stripe && credentials.webhook_secrets.is_empty() {
        anyhow::bail!("stripe needs at least one webhook_secret (whsec_...)");
    }
    let settings = PaymentSettings {
        provider,
        credentials,
        api_base: args.api_base,
        allow_partial: args.allow_partial,
        min_partial_cents: args.min_partial_cents.max(1),
    };
    let key_id = payment_settings::save(&state.db, &state.keys, state.clock.now(), t.id, &settings).await?;
    println!(
        "Payment provider for {} set to {} (credentials sealed with key {key_id}; they are not shown again)",
        t.slug,
        provider.as_str()
    );
    Ok(())
}

pub async fn refund(state: &AppState, args: RefundArgs) -> anyhow::Result<()> {
    let t = tenant(&state.db, &args.tenant).await?;
    if let Some(id) = args.via_provider {
        let refund_id = refunds::via_provider(state, &t, id).await?;
        println!("Refund task {id} refunded through the provider ({refund_id})");
        return Ok(());
    }
    if let Some(path) = args.export_sepa {
        match refunds::export_sepa(state, &t).await? {
            Some((xml, n)) => {
                std::fs::write(&path, xml)?;
                println!("{n} refund(s) written to {}", path.display());
            }
            None => println!("No open refund tasks with a known IBAN"),
        }
        return Ok(());
    }
    let tasks = refunds::open_tasks(state, t.id).await?;
    if tasks.is_empty() {
        println!("No open refund tasks");
    }
    for task in tasks {
        println!(
            "{:>6}  {:>12}  {}  {}",
            task.id,
            format!(
                "{}.{:02} {}",
                task.amount_cents / 100,
                task.amount_cents % 100,
                task.currency
            ),
            task.payee_iban
                .as_deref()
                .unwrap_or("(no IBAN: refund through the provider)"),
            task.payee_name.as_deref().unwrap_or("")
        );
    }
    Ok(())
}

/// The state the payment commands need: the database and keys, on the system clock.
pub fn state(
    conn: settle_core::sea_orm::DatabaseConnection,
    settings: &crate::settings::Settings,
) -> anyhow::Result<AppState> {
    AppState::new(conn, settings.keys.clone(), Clock::System, settings.mode)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_read_from_key_value_lines() {
        let c =
            read_credentials("# mollie\napi_key=live_x\n\nwebhook_secret=whsec_a\nwebhook_secret=whsec_b\n".as_bytes())
                .unwrap();
        assert_eq!(c.api_key, "live_x");
        assert_eq!(c.webhook_secrets, vec!["whsec_a", "whsec_b"]);
        assert!(read_credentials("apikey live".as_bytes()).is_err());
    }
}
