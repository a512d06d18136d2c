//! The command line: `settle serve | migrate | demo | import-statement | unmatched | remind | ...`
//! (`settle --help` lists them all).
use crate::settings::{Settings, Sources};
use crate::{start, workers, ServeOptions};
use clap::{Parser, Subcommand};
use settle_core::channels::Accounts;
use settle_core::clock::Clock;
use settle_core::entities::payment;
use settle_core::outbox::{Mailer, Senders};
use settle_core::sea_orm::DatabaseConnection;
use settle_core::services::statement_import;
use settle_core::state::AppState;
use settle_core::{db, demo};

#[derive(Parser)]
#[command(
    name = "settle",
    version,
    about = "Settle: a self-service debtor portal with a dunning engine"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Serve the portal (applies pending migrations first).
    Serve,
    /// An online backup of a SQLite database into FILE (a consistent snapshot while Settle
    /// runs; FILE must not exist). Postgres: use pg_dump (see the README).
    Backup { file: std::path::PathBuf },
    /// Copy a SQLite installation (stopped, or a backup) into an empty Postgres database,
    /// every table verified by row count and checksum; nothing is written on a mismatch.
    CopyDb {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Apply the retention rules now (the server does so once a day): delete opens and clicks
    /// past each tenant's period, erase closed debtors' contact data, and their name and address
    /// once the legal retention of the bookkeeping has ended.
    Retention,
    /// Migrate, seed the demo tenants (idempotent) and print the demo logins.
    Demo,
    /// Import a bank statement (camt.053, camt.054 or MT940) and book its incoming payments.
    ImportStatement {
        /// Slug of the tenant whose account the statement is for.
        #[arg(long)]
        tenant: String,
        /// The statement file; the format is recognised from its content.
        file: std::path::PathBuf,
        /// Print the counts as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Import customers or invoices from a CSV or JSON Lines file; prints every rejected row.
    Import(crate::import_cli::ImportArgs),
    /// List the payments nobody could match to an invoice yet, newest first.
    Unmatched {
        #[arg(long)]
        tenant: String,
        /// Print a JSON array instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Choose a tenant's payment provider; credentials are read from standard input.
    PaymentProvider(crate::payment_cli::ProviderArgs),
    /// List open refund tasks (overpayments), refund one through the provider, or export a
    /// SEPA credit transfer file.
    Refunds(crate::payment_cli::RefundArgs),
    /// Run the dunning engine: one planner pass and one dispatch pass, and print what happened.
    Remind(crate::remind_cli::RemindArgs),
    /// Read a bounce (RFC 3464 DSN) on standard input: mark the address, fall back, notify.
    IngestBounce,
    /// Choose a tenant's SMS provider; credentials (JSON) are read from standard input.
    SmsProvider(crate::channel_cli::SmsProviderArgs),
    /// Set a tenant's mail identity: From, Reply-To and a DKIM key (new, or read from a file);
    /// prints the DNS record to publish.
    EmailIdentity(crate::channel_cli::EmailIdentityArgs),
    /// Hand a tenant's letters to a print provider over HTTP (or back to the spool with --off);
    /// the provider's token is read from standard input.
    PrintProvider(crate::channel_cli::PrintProviderArgs),
    /// Export the early signals (vroegsignalering) not exported yet, as CSV on standard output.
    EarlySignals(crate::channel_cli::EarlySignalArgs),
    /// Set or remove a debtor's representative (bewindvoerder, guardian, debt counsellor).
    Representative(crate::customer_cli::RepresentativeArgs),
    /// Add a back-office staff member (the password is read from standard input); prints the
    /// TOTP secret and recovery codes once.
    Staff(crate::staff_cli::StaffArgs),
    /// API keys of a tenant's systems: create (the key is printed once, alone on the last
    /// line), list, revoke.
    #[command(subcommand)]
    ApiKey(crate::api_key_cli::ApiKeyCommand),
    /// Secrets sealed at rest: `status` counts them per key, `reseal` seals them all again
    /// under the current SETTLE_SECRET_KEY (the last step of a key rotation).
    #[command(subcommand)]
    Secrets(crate::secrets_cli::SecretsCommand),
}

/// Exit codes: 0 done, 1 runtime failure, 2 bad configuration.
pub async fn run(cli: Cli) -> i32 {
    let settings = match Sources::load().and_then(|s| Settings::from_sources(&s)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("settle: configuration error: {e}");
            return 2;
        }
    };
    match execute(cli.command, settings).await {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("settle: {e:#}");
            1
        }
    }
}

async fn execute(command: Command, settings: Settings) -> anyhow::Result<()> {
    if let Command::CopyDb { from, to } = &command {
        return copy_db(from, to).await;
    }
    let conn = db::connect(&settings.database_url).await?;
    if let Command::Backup { file } = &command {
        // As the database is: a backup never migrates it first.
        db::backup(&conn, file).await?;
        println!("Backed up {} to {}", settings.database_url, file.display());
        return Ok(());
    }
    db::migrate(&conn).await?;
    match command {
        Command::Backup { .. } | Command::CopyDb { .. } => Ok(()),
        Command::Migrate => {
            println!("Migrations applied to {}", settings.database_url);
            Ok(())
        }
        Command::Retention => {
            let r = settle_core::retention::run(&conn, &settings.upload_dir, chrono::Utc::now()).await?;
            println!(
                "Retention: {} opens and clicks deleted, {} debtors' contact data erased, {} debtors' name and address erased",
                r.tracking_events, r.contacts_erased, r.people_erased
            );
            Ok(())
        }
        Command::PaymentProvider(args) => {
            let state = crate::payment_cli::state(conn, &settings)?;
            crate::payment_cli::configure_provider(&state, args).await
        }
        Command::Refunds(args) => {
            let state = crate::payment_cli::state(conn, &settings)?;
            crate::payment_cli::refund(&state, args).await
        }
        Command::Remind(args) => crate::remind_cli::run(&conn, &settings, args).await,
        Command::IngestBounce => crate::remind_cli::ingest_bounce(&conn).await,
        Command::SmsProvider(args) => {
            let state = crate::payment_cli::state(conn, &settings)?;
            crate::channel_cli::configure_sms(&state, args).await
        }
        Command::EmailIdentity(args) => {
            let state = crate::payment_cli::state(conn, &settings)?;
            crate::channel_cli::configure_email(&state, args).await
        }
        Command::PrintProvider(args) => {
            let state = crate::payment_cli::state(conn, &settings)?;
            crate::channel_cli::configure_print(&state, args).await
        }
        Command::ApiKey(cmd) => crate::api_key_cli::run(&conn, chrono::Utc::now(), cmd).await,
        Command::Secrets(cmd) => crate::secrets_cli::run(&conn, &settings.keys, cmd).await,
        Command::EarlySignals(args) => crate::channel_cli::early_signals(&conn, args).await,
        Command::Representative(args) => crate::customer_cli::representative(&conn, args).await,
        Command::Staff(args) => {
            let state = crate::payment_cli::state(conn, &settings)?;
            crate::staff_cli::run(&state, args).await
        }
        Command::Demo => {
            demo::seed(&conn, chrono::Utc::now()).await?;
            let state = crate::payment_cli::state(conn.clone(), &settings)?;
            settle_core::demo_staff::seed(&state.db, &state.keys, chrono::Utc::now()).await?;
            println!("Demo data ready in {}. Logins:", settings.database_url);
            for l in demo::logins() {
                println!("  {:<42} {}", l.tenant, l.what);
            }
            Ok(())
        }
        Command::ImportStatement { tenant, file, json } => {
            let tenant_id = tenant_id(&conn, &tenant).await?;
            let reader = std::fs::File::open(&file)
                .map(|f| std::io::BufReader::with_capacity(256 * 1024, f))
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let summary = statement_import::import(&conn, tenant_id, chrono::Utc::now(), reader).await?;
            if json {
                println!("{}", serde_json::to_string(&summary)?);
            } else {
                println!(
                    "{}: {} entries; {} new payments ({} matched, {} partially matched, {} overpaid, {} unmatched), \
                     {} duplicates, {} ignored",
                    file.display(),
                    summary.entries,
                    summary.new,
                    summary.matched,
                    summary.partially_matched,
                    summary.overpaid,
                    summary.unmatched,
                    summary.duplicates,
                    summary.ignored
                );
            }
            Ok(())
        }
        Command::Import(args) => crate::import_cli::run(&conn, args).await,
        Command::Unmatched { tenant, json } => {
            let tenant_id = tenant_id(&conn, &tenant).await?;
            let payments = statement_import::unmatched(&conn, tenant_id).await?;
            if json {
                let rows: Vec<UnmatchedView> = payments.into_iter().map(UnmatchedView::from).collect();
                println!("{}", serde_json::to_string(&rows)?);
            } else if payments.is_empty() {
                println!("No unmatched payments.");
            } else {
                for p in payments {
                    println!(
                        "{}  {:>12}  {:<30}  {:<34}  {}",
                        p.received_on,
                        format!("{} {}", cents(p.amount_cents), p.currency),
                        p.debtor_name.as_deref().unwrap_or("-"),
                        p.debtor_iban.as_deref().unwrap_or("-"),
                        cut(&p.reference_text, 60)
                    );
                }
            }
            Ok(())
        }
        Command::Serve => {
            let senders = senders(&settings)?;
            let mut state = AppState::new(conn, settings.keys.clone(), Clock::System, settings.mode)?;
            state.email_webhook_token = settings.email_webhook_token.clone();
            state.upload_dir = settings.upload_dir.clone();
            state.dns = settings.dns;
            state.webhook_allow_private = settings.webhook_allow_private;
            let listener = std::net::TcpListener::bind(settings.addr)?;
            tracing::info!(addr = %settings.addr, mode = ?settings.mode, "serving");
            println!("Settle is serving on http://{}", settings.addr);
            let requests = match &settings.database_app_url {
                Some(url) => {
                    state.with_request_db(settle_core::row_security::connect_app(&state.system_db, url).await?)
                }
                None => {
                    // The owner's connections carry no tenant setting: it must see every tenant.
                    if !settings.database_url.is_sqlite() {
                        settle_core::row_security::check_owner_role(&state.system_db).await?;
                    }
                    state.clone()
                }
            };
            let server = start(
                requests,
                ServeOptions {
                    metrics_token: settings.metrics_token.clone(),
                    ..ServeOptions::from_env(settings.trusted_proxies.clone())
                },
                listener,
            )?;
            let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
            let worker = workers::spawn(state, senders, stop_rx);
            // actix handles SIGINT/SIGTERM: it stops accepting, finishes requests, then returns.
            let served = server.await;
            // Also after a server error: the workers finish their round and write what the
            // requests noted in memory.
            let _ = stop_tx.send(true);
            let _ = worker.await;
            Ok(served?)
        }
    }
}

async fn copy_db(from: &str, to: &str) -> anyhow::Result<()> {
    let parse = |u: &str| db::DatabaseUrl::parse(u).map_err(|e| anyhow::anyhow!(e));
    let (from, to) = (parse(from)?, parse(to)?);
    let source = db::connect(&from).await?;
    let target = db::connect(&to).await?;
    let copied = settle_core::db_copy::copy(&source, &target).await?;
    for c in &copied {
        println!("{:<28} {:>10} rows  checksum {}", c.table, c.rows, c.checksum);
    }
    let rows: u64 = copied.iter().map(|c| c.rows).sum();
    println!(
        "Copied {} tables, {rows} rows, from {from} to {to}; every table verified.",
        copied.len()
    );
    Ok(())
}

/// SMTP when `SETTLE_SMTP_URL` is set (in development without it, the dev outbox page);
/// letters to the spool directory.
pub fn senders(settings: &Settings) -> anyhow::Result<Senders> {
    let mail = match &settings.smtp_url {
        Some(url) => Mailer::from_url_timeout(url, &settings.smtp_from, settings.smtp_timeout)?,
        None => {
            if settings.mode == settle_core::state::RunMode::Production {
                anyhow::bail!("SETTLE_SMTP_URL is required in production");
            }
            Mailer::DevOutbox
        }
    };
    Ok(Senders {
        mail,
        accounts: Some(Accounts::with_timeouts(settings.keys.clone())?),
        letter_spool: Some(settings.letter_spool.clone()),
    })
}

async fn tenant_id(conn: &DatabaseConnection, slug: &str) -> anyhow::Result<i64> {
    Ok(crate::payment_cli::tenant(conn, slug).await?.id)
}

/// An unmatched payment as `settle unmatched --json` prints it.
#[derive(serde::Serialize)]
struct UnmatchedView {
    id: i64,
    received_on: chrono::NaiveDate,
    amount_cents: i64,
    currency: String,
    debtor_name: Option<String>,
    debtor_iban: Option<String>,
    reference_text: String,
}

impl From<payment::Model> for UnmatchedView {
    fn from(p: payment::Model) -> Self {
        Self {
            id: p.id,
            received_on: p.received_on,
            amount_cents: p.amount_cents,
            currency: p.currency,
            debtor_name: p.debtor_name,
            debtor_iban: p.debtor_iban,
            reference_text: p.reference_text,
        }
    }
}

fn cents(c: i64) -> String {
    let sign = if c < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", c.unsigned_abs() / 100, c.unsigned_abs() % 100)
}

/// Cuts on a character boundary: reference texts come from banks and may hold any UTF-8.
fn cut(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some(_) => format!("{}...", s.chars().take(max.saturating_sub(3)).collect::<String>()),
        None => s.to_string(),
    }
}
