//! The command line: `settle serve | migrate | demo`.
use crate::settings::{Settings, Sources};
use crate::{start, workers, ServeOptions};
use clap::{Parser, Subcommand};
use settle_core::clock::Clock;
use settle_core::outbox::Mailer;
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
    /// Apply pending database migrations and exit.
    Migrate,
    /// Migrate, seed the demo tenants (idempotent) and print the demo logins.
    Demo,
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
    let conn = db::connect(&settings.database_url).await?;
    db::migrate(&conn).await?;
    match command {
        Command::Migrate => {
            println!("Migrations applied to {}", settings.database_url);
            Ok(())
        }
        Command::Demo => {
            demo::seed(&conn, chrono::Utc::now()).await?;
            println!("Demo data ready in {}. Logins:", settings.database_url);
            for l in demo::logins() {
                println!("  {:<42} {}", l.tenant, l.what);
            }
            Ok(())
        }
        Command::Serve => {
            let mailer = match &settings.smtp_url {
                Some(url) => Mailer::from_url(url, &settings.smtp_from)?,
                None => {
                    if settings.mode == settle_core::state::RunMode::Production {
                        anyhow::bail!("SETTLE_SMTP_URL is required in production");
                    }
                    Mailer::DevOutbox
                }
            };
            let state = AppState::new(conn, settings.keys.clone(), Clock::System, settings.mode)?;
            let listener = std::net::TcpListener::bind(settings.addr)?;
            tracing::info!(addr = %settings.addr, mode = ?settings.mode, "serving");
            println!("Settle is serving on http://{}", settings.addr);
            let server = start(
                state.clone(),
                ServeOptions::from_env(settings.trusted_proxies.clone()),
                listener,
            )?;
            let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
            let worker = workers::spawn(state, mailer, stop_rx);
            // actix handles SIGINT/SIGTERM: it stops accepting, finishes requests, then returns.
            server.await?;
            let _ = stop_tx.send(true);
            let _ = worker.await;
            Ok(())
        }
    }
}
