//! `settle remind --once [--at RFC3339] [--tenant SLUG] [--dry-run]`: one round of the dunning
//! engine as of an instant, for cron-style operation and for simulating a schedule.
use crate::settings::Settings;
use chrono::{DateTime, Utc};
use settle_core::dunning::issue::Outcome;
use settle_core::dunning::run;
use settle_core::sea_orm::DatabaseConnection;

#[derive(clap::Args)]
pub struct RemindArgs {
    /// Run one planner pass and one dispatch pass, then exit (the only mode for now:
    /// `settle serve` runs the engine continuously).
    #[arg(long)]
    pub once: bool,
    /// The instant to run as of (RFC 3339, e.g. 2026-12-01T09:00:00+01:00); default now.
    #[arg(long)]
    pub at: Option<String>,
    /// Only this tenant.
    #[arg(long)]
    pub tenant: Option<String>,
    /// Plan and print, but write and send nothing.
    #[arg(long)]
    pub dry_run: bool,
}

pub async fn run(conn: &DatabaseConnection, settings: &Settings, args: RemindArgs) -> anyhow::Result<()> {
    if !args.once {
        anyhow::bail!("use `settle remind --once`; `settle serve` runs the engine continuously");
    }
    let at = match &args.at {
        Some(s) => DateTime::parse_from_rfc3339(s)
            .map_err(|e| anyhow::anyhow!("--at {s:?}: not an RFC 3339 instant ({e})"))?
            .with_timezone(&Utc),
        None => Utc::now(),
    };
    if let Some(slug) = &args.tenant {
        if run::tenants(conn, Some(slug)).await?.is_empty() {
            anyhow::bail!("no tenant with slug {slug:?}");
        }
    }
    let senders = crate::cli::senders(settings)?;
    let round = run::once(conn, &senders, at, args.tenant.as_deref(), args.dry_run).await?;
    let mode = if args.dry_run {
        " (dry run: nothing written or sent)"
    } else {
        ""
    };
    println!("Dunning round as of {}{mode}", at.to_rfc3339());
    for pass in &round.passes {
        println!(
            "{}: {} invoices entered a plan, {} steps planned, {} invoices now owe announced costs",
            pass.tenant, pass.assigned, pass.planned_count, pass.costs_due
        );
        for p in &pass.planned {
            println!(
                "  planned   {:<14} {:<22} {:<24} send after {}",
                p.invoice_number,
                p.kind,
                format!("{} / {}", p.plan, p.step),
                p.send_after.to_rfc3339()
            );
        }
        if pass.planned_count > pass.planned.len() {
            println!("  ... and {} more", pass.planned_count - pass.planned.len());
        }
    }
    for h in &round.handled {
        let what = match &h.outcome {
            Outcome::Issued(msgs) => format!(
                "issued    {}",
                msgs.iter()
                    .map(|(c, to)| format!("{} to {to}", c.as_str()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Outcome::Cancelled(reason) => format!("cancelled ({reason})"),
            Outcome::Postponed(at) => format!("postponed to {}", at.to_rfc3339()),
            Outcome::Placed(at, why) => format!("placed at {} ({why})", at.to_rfc3339()),
            Outcome::Chosen(at, _) => format!("placed at {} (learned part of the day)", at.to_rfc3339()),
            Outcome::Taken => continue,
        };
        println!("  {:<6} {:<14} {:<22} {what}", h.tenant, h.invoice_number, h.kind);
    }
    if !args.dry_run {
        let d = round.dispatched;
        println!(
            "Messages: {} sent, {} failed for good, {} cancelled by a hold",
            d.sent, d.failed, d.cancelled
        );
    }
    Ok(())
}

/// `settle ingest-bounce`: a bounce (RFC 3464 DSN) on standard input, as an MTA pipes it.
/// Exits 0 for anything handled or ignored, so that the MTA never bounces the bounce.
pub async fn ingest_bounce(conn: &DatabaseConnection) -> anyhow::Result<()> {
    use settle_core::dunning::bounces::{apply, parse_dsn, Applied};
    use std::io::Read;
    let mut raw = Vec::new();
    std::io::stdin().lock().take(10 * 1024 * 1024).read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw);
    let Some(bounce) = parse_dsn(&text) else {
        println!("ignored: not a delivery status notification");
        return Ok(());
    };
    match apply(conn, &bounce, Utc::now()).await? {
        Applied::Unknown => println!("ignored: names no message of ours"),
        Applied::Deferred => println!("deferred ({}): recorded; the MTA retries", bounce.status),
        Applied::Bounced { fallbacks } => println!(
            "bounced ({}): address marked invalid, {fallbacks} replacement message(s) queued",
            bounce.status
        ),
    }
    Ok(())
}
