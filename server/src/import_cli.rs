//! `settle import customers|invoices --tenant SLUG FILE [--all-or-nothing] [--json]`: a CSV or
//! JSON Lines file upserted row by row as the API does it; every rejected row is printed with
//! its line and why. Exit code 1 when a row was rejected.
use settle_core::api::import::{self, Kind, Report};
use settle_core::sea_orm::DatabaseConnection;

#[derive(clap::Args)]
pub struct ImportArgs {
    /// customers or invoices.
    pub kind: String,
    #[arg(long)]
    pub tenant: String,
    /// CSV (`;` or `,`, a header row) or JSON Lines (one object a line).
    pub file: std::path::PathBuf,
    /// Write nothing when any row is rejected.
    #[arg(long)]
    pub all_or_nothing: bool,
    /// Print the report as one JSON object.
    #[arg(long)]
    pub json: bool,
}

pub async fn run(db: &DatabaseConnection, args: ImportArgs) -> anyhow::Result<()> {
    let kind = Kind::parse(&args.kind).ok_or_else(|| anyhow::anyhow!("import customers or invoices"))?;
    let tenant = crate::payment_cli::tenant(db, &args.tenant).await?;
    let reader = std::fs::File::open(&args.file)
        .map(|f| std::io::BufReader::with_capacity(256 * 1024, f))
        .map_err(|e| anyhow::anyhow!("{}: {e}", args.file.display()))?;
    let report = import::run(
        db,
        &tenant,
        "cli",
        kind,
        reader,
        args.all_or_nothing,
        chrono::Utc::now(),
    )
    .await
    .map_err(|e| anyhow::anyhow!("{}: {e}", args.file.display()))?;
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        print_report(&args, &report);
    }
    if report.rejected_count > 0 {
        anyhow::bail!("{} row(s) rejected", report.rejected_count);
    }
    Ok(())
}

fn print_report(args: &ImportArgs, r: &Report) {
    for row in &r.rejected {
        let why: Vec<String> = row.errors.iter().map(|(f, c)| format!("{f}: {c}")).collect();
        println!("line {}: {}", row.line, why.join("; "));
    }
    if r.rejected_count > r.rejected.len() as u64 {
        println!(
            "... and {} more rejected rows",
            r.rejected_count - r.rejected.len() as u64
        );
    }
    let written = if r.written {
        ""
    } else {
        " Nothing was written (--all-or-nothing)."
    };
    println!(
        "{}: {} rows; {} created, {} updated, {} rejected.{written}",
        args.file.display(),
        r.rows,
        r.created,
        r.updated,
        r.rejected_count
    );
}
