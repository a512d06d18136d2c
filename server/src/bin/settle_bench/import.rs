//! The `import` bench: 1,000,000 invoices from a CSV file through `settle import`'s code path
//! into a database holding the demo tenants and 100,000 debtors, in a child process (so the
//! peak memory is the import's), three times on a fresh copy; the median is shown.
use super::{seed_customers, status_mib};
use chrono::Utc;
use settle_core::api::import::{self, Kind};
use settle_core::db::{self, DatabaseUrl};
use std::io::Write;
use std::path::Path;
use std::time::Instant;

pub const CHILD: &str = "--import-child";
const ROWS: usize = 1_000_000;
const RUNS: usize = 3;

fn url(path: &Path) -> DatabaseUrl {
    DatabaseUrl::parse(&format!("sqlite://{}?mode=rwc", path.display())).expect("url")
}

fn remove_db(path: &Path) {
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
    }
}

/// The demo tenants and 100,000 debtors, no invoices: cached under target/bench.
async fn base(dir: &Path) -> std::path::PathBuf {
    let base = dir.join("import-base.db");
    if !base.exists() {
        let tmp = dir.join("import-base.db.partial");
        remove_db(&tmp);
        let conn = db::connect(&url(&tmp)).await.expect("connect");
        db::migrate(&conn).await.expect("migrate");
        let now = Utc::now();
        settle_core::demo::seed(&conn, now).await.expect("demo tenants");
        seed_customers(&conn, now).await;
        conn.close().await.ok();
        for ext in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", tmp.display()));
        }
        std::fs::rename(&tmp, &base).expect("rename");
    }
    // A base cached by an older build gets the migrations added since (a no-op otherwise).
    let conn = db::connect(&url(&base)).await.expect("connect");
    db::migrate(&conn).await.expect("migrate");
    settle_core::sea_orm::ConnectionTrait::execute_unprepared(&conn, "PRAGMA wal_checkpoint(TRUNCATE)")
        .await
        .expect("checkpoint");
    conn.close().await.ok();
    base
}

/// `number;customer_number;issue_date;due_date;amount;description`, one invoice a row, ten
/// for each debtor, amounts between 50 and 250 euros.
fn write_csv(file: &Path) {
    if file.exists() {
        return;
    }
    let tmp = file.with_extension("partial");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&tmp).expect("create"));
    writeln!(w, "number;customer_number;issue_date;due_date;amount;description").expect("write");
    for i in 0..ROWS {
        let cents = 5_000 + (i * 7919) % 20_000;
        writeln!(
            w,
            "INV{i:08};B{:07};2026-11-01;2026-11-29;{}.{:02};Premie basisverzekering november",
            i % 100_000,
            cents / 100,
            cents % 100
        )
        .expect("write");
    }
    w.flush().expect("flush");
    drop(w);
    std::fs::rename(&tmp, file).expect("rename");
}

pub async fn bench() -> String {
    let dir = Path::new("target/bench");
    std::fs::create_dir_all(dir).expect("target/bench");
    let base = base(dir).await;
    let file = dir.join("invoices-1m.csv");
    write_csv(&file);
    let mb = std::fs::metadata(&file).expect("size").len() as f64 / 1_000_000.0;
    let run = dir.join("import-run.db");
    let mut runs: Vec<(f64, f64)> = Vec::new();
    for _ in 0..RUNS {
        remove_db(&run);
        std::fs::copy(&base, &run).expect("copy");
        let (secs, peak, report) = super::run_child(CHILD, &run, &file);
        eprintln!("invoice import: {secs:.2} s, peak {peak:.0} MiB");
        assert_eq!(report["created"], ROWS, "{report}");
        assert_eq!(report["rejected_count"], 0, "{report}");
        runs.push((secs, peak));
    }
    remove_db(&run);
    runs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let secs = runs[runs.len() / 2].0;
    let peak = runs.iter().map(|r| r.1).fold(0.0, f64::max);
    format!("{ROWS} | {mb:.0} | {secs:.2} | {:.0} | {peak:.0} |", ROWS as f64 / secs)
}

pub async fn child(db_path: &str, file: &str) {
    let conn = db::connect(&url(Path::new(db_path))).await.expect("connect");
    let tenant = settle_core::tenant::by_slug(&conn, "demo")
        .await
        .expect("tenant")
        .expect("demo tenant");
    let reader = std::io::BufReader::with_capacity(256 * 1024, std::fs::File::open(file).expect("open"));
    let started = Instant::now();
    let report = import::run(&conn, &tenant, "bench", Kind::Invoices, reader, false, Utc::now())
        .await
        .expect("import");
    let secs = started.elapsed().as_secs_f64();
    let json = serde_json::to_string(&report).expect("json");
    println!("{secs:.3} {:.1} {json}", status_mib("VmHWM:"));
}
