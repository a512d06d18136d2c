//! `make bench` (`make bench ONLY=invoice_list`): load benchmarks printed as a table.
//! `invoice_list` and `pay` put the product beside a minimal actix-web ceiling (settle_bench/http.rs).
//! `planner` times a dunning planner pass; `dispatch` sends queued emails to a local SMTP sink.
//! The database (1,000,000 invoices over 100,000 debtors, one shared precomputed password
//! hash) is seeded once by bulk inserts and cached under target/bench. The `statement` bench
//! imports a 100,000-entry camt.053 into a copy of it, in a child process so that its peak
//! memory is the import's, not the seeding's.
#![allow(clippy::expect_used, clippy::unwrap_used)]
use chrono::{Duration, Utc};

// glibc malloc fragments under the statement import's many short-lived buffers; mimalloc
// halves the allocation cost (measured with perf).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;
use settle_core::db::{self, DatabaseUrl};
use settle_core::entities::{customer, invoice, portal_account};
use settle_core::sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};
use settle_domain::rf::RfReference;
use std::time::Instant;

#[path = "settle_bench/bundle.rs"]
mod bundle_bench;
#[path = "settle_bench/http.rs"]
mod http_bench;
#[path = "settle_bench/import.rs"]
mod import_bench;
#[path = "settle_bench/startup.rs"]
mod startup_bench;

const CUSTOMERS: i64 = 100_000;
const INVOICES_PER_CUSTOMER: i64 = 10;
const PASSWORD: &str = "bench-password-1";

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[actix_web::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == STATEMENT_CHILD) {
        statement_child(&args[i + 1], &args[i + 2]).await;
        return;
    }
    if let Some(i) = args.iter().position(|a| a == startup_bench::CHILD) {
        startup_bench::child(&args[i + 1]).await;
        return;
    }
    if let Some(i) = args.iter().position(|a| a == http_bench::CHILD) {
        http_bench::child(&args[i + 1], &args[i + 2]).await;
        return;
    }
    if let Some(i) = args.iter().position(|a| a == import_bench::CHILD) {
        import_bench::child(&args[i + 1], &args[i + 2]).await;
        return;
    }
    let only = args.iter().skip_while(|a| *a != "--only").nth(1).cloned();
    let benches: [(&str, &str); 9] = [
        ("invoice_list", "authenticated GET /invoices, 1M invoices"),
        (
            "pay",
            "payment-link landing GET /pay/{token}, 10,000 tokens, 1M invoices",
        ),
        ("statement", "camt.053 import, 100k entries, SQLite, 1M invoices"),
        ("planner", "dunning planner pass, SQLite, 1M open invoices"),
        ("dispatch", "reminder emails over SMTP to a loopback sink, SQLite"),
        ("import", "invoices from CSV, SQLite, 100k debtors"),
        ("startup", "cold start to ready, SQLite, 1M invoices"),
        ("bundle", "browser bundle: wasm after wasm-opt -Oz, and its JS"),
        (
            "nextbest",
            "send-time learner against the fixed plan, 50,000 synthetic debtors, 10 % holdout",
        ),
    ];
    for (name, what) in benches {
        if only.as_deref().is_some_and(|o| o != name) {
            continue;
        }
        match name {
            "invoice_list" | "pay" => {
                eprintln!("{name}: {what}");
                println!("{}", http_bench::HEADER);
                for row in http_bench::bench(name).await {
                    println!("{row}");
                }
            }
            "dispatch" => {
                println!("| bench | what | emails | s | emails/s |");
                println!("|---|---|---|---|---|");
                let row = dispatch().await;
                println!("| {name} | {what} | {row}");
            }
            "nextbest" => {
                println!("| bench | what | debtors | messages | paid: fixed plan | paid: learner | paid: holdout | lift, learner over holdout (95 % CI) | learner 5 points ahead after its messages |");
                println!("|---|---|---|---|---|---|---|---|---|");
                let o = settle_core::dunning::simulation::run(50_000, 10, 2026);
                let pct = |x: f64| format!("{:.1} %", x * 100.0);
                let lift = o.lift.map_or("–".to_string(), |l| {
                    format!(
                        "{:+.1} points ({:+.1} to {:+.1})",
                        l.difference * 100.0,
                        l.low * 100.0,
                        l.high * 100.0
                    )
                });
                println!(
                    "| {name} | {what} | {} | {} | {} | {} | {} | {lift} | {} |",
                    o.debtors,
                    o.messages,
                    pct(o.fixed_rate),
                    pct(o.learner_rate),
                    pct(o.holdout_rate),
                    o.learned_after.map_or("never".to_string(), |m| m.to_string()),
                );
            }
            "bundle" => {
                println!("| bench | what | wasm KiB | wasm gzip KiB | JS KiB | JS gzip KiB | total gzip KiB |");
                println!("|---|---|---|---|---|---|---|");
                let row = bundle_bench::bench().await;
                println!("| {name} | {what} | {row}");
            }
            "startup" => {
                println!("| bench | what | start ms (median of 3) | idle RSS MiB |");
                println!("|---|---|---|---|");
                let row = startup_bench::bench().await;
                println!("| {name} | {what} | {row}");
            }
            "import" => {
                println!("| bench | what | rows | file MB | import s (median of 3) | rows/s | peak RSS MiB |");
                println!("|---|---|---|---|---|---|---|");
                let row = import_bench::bench().await;
                println!("| {name} | {what} | {row}");
            }
            "planner" => {
                println!("| bench | what | steps due | planned | pass s (median of 3) | peak RSS MiB |");
                println!("|---|---|---|---|---|---|");
                for row in planner().await {
                    println!("| {name} | {what} | {row}");
                }
            }
            _ => {
                println!("| bench | what | file MB | parse MB/s | import s (median of 3) | entries/s | peak RSS MiB |");
                println!("|---|---|---|---|---|---|---|");
                let row = statement().await;
                println!("| {name} | {what} | {row}");
            }
        }
    }
}

pub(crate) async fn seeded_db() -> DatabaseConnection {
    let dir = std::path::Path::new("target/bench");
    std::fs::create_dir_all(dir).expect("target/bench");
    let path = dir.join("invoices-1m.db");
    if !path.exists() {
        let tmp = dir.join("invoices-1m.db.partial");
        let _ = std::fs::remove_file(&tmp);
        let url = DatabaseUrl::parse(&format!("sqlite://{}?mode=rwc", tmp.display())).expect("url");
        let conn = db::connect(&url).await.expect("connect");
        db::migrate(&conn).await.expect("migrate");
        let started = Instant::now();
        seed(&conn).await;
        conn.close().await.ok();
        for ext in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", tmp.display()));
        }
        std::fs::rename(&tmp, &path).expect("rename");
        eprintln!("seeded {} in {:.0?}", path.display(), started.elapsed());
    }
    let url = DatabaseUrl::parse(&format!("sqlite://{}?mode=rwc", path.display())).expect("url");
    let conn = db::connect(&url).await.expect("connect");
    // A database cached by an older build gets the migrations added since.
    db::migrate(&conn).await.expect("migrate");
    conn
}

async fn seed(conn: &DatabaseConnection) {
    let now = Utc::now();
    settle_core::demo::seed(conn, now).await.expect("demo tenants");
    let hash = settle_core::passwords::hash_blocking(PASSWORD).expect("hash");
    let tenant_id = 1;
    let first = seed_customers(conn, now).await;
    for chunk in (0..CUSTOMERS).collect::<Vec<_>>().chunks(1000) {
        let tx = conn.begin().await.expect("tx");
        let accounts = chunk.iter().map(|i| portal_account::ActiveModel {
            tenant_id: Set(tenant_id),
            customer_id: Set(first + i),
            email: Set(format!("bench{i}@settle.test")),
            password_hash: Set(Some(hash.clone())),
            activated_at: Set(Some(now)),
            disabled: Set(false),
            last_login_at: Set(None),
            created_at: Set(now),
            ..Default::default()
        });
        portal_account::Entity::insert_many(accounts)
            .exec(&tx)
            .await
            .expect("accounts");
        // 100 debtors x 10 invoices x 16 columns stays under SQLite's 32,766 bound variables.
        for part in chunk.chunks(100) {
            let invoices = part.iter().flat_map(|i| {
                (0..INVOICES_PER_CUSTOMER).map(move |n| {
                    let number = format!("B{i:07}-{n:02}");
                    let due = now.date_naive() + Duration::days(30 * (n - 5));
                    let amount = 5_000 + (i * 7 + n * 13) % 20_000;
                    invoice::ActiveModel {
                        tenant_id: Set(tenant_id),
                        customer_id: Set(first + i),
                        rf_reference: Set(RfReference::create(&number.replace('-', ""))
                            .expect("rf")
                            .as_str()
                            .to_string()),
                        number: Set(number),
                        issue_date: Set(due - Duration::days(30)),
                        due_date: Set(due),
                        amount_cents: Set(amount),
                        open_cents: Set(if n < 5 { 0 } else { amount }),
                        currency: Set("EUR".into()),
                        status: Set(if n < 5 { "paid" } else { "open" }.into()),
                        description: Set("Premie basisverzekering".into()),
                        pdf: Set(None),
                        pdf_filename: Set(None),
                        created_at: Set(now),
                        updated_at: Set(now),
                        ..Default::default()
                    }
                })
            });
            invoice::Entity::insert_many(invoices)
                .exec(&tx)
                .await
                .expect("invoices");
        }
        tx.commit().await.expect("commit");
    }
}

/// 100,000 debtors `B0000000`...`B0099999` of the demo tenant; the first one's id.
pub(crate) async fn seed_customers(conn: &DatabaseConnection, now: chrono::DateTime<Utc>) -> i64 {
    let tenant_id = 1;
    for chunk in (0..CUSTOMERS).collect::<Vec<_>>().chunks(1000) {
        let tx = conn.begin().await.expect("tx");
        let rows = chunk.iter().map(|i| customer::ActiveModel {
            tenant_id: Set(tenant_id),
            customer_number: Set(format!("B{i:07}")),
            name: Set(format!("Bench Debtor {i}")),
            email: Set(Some(format!("bench{i}@settle.test"))),
            phone_e164: Set(None),
            street: Set("Benchstraat 1".into()),
            postcode: Set("1000 AA".into()),
            city: Set("Amsterdam".into()),
            country: Set("NL".into()),
            language: Set(Some("nl".into())),
            pref_email: Set(true),
            pref_sms: Set(false),
            pref_letter: Set(false),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        });
        customer::Entity::insert_many(rows).exec(&tx).await.expect("customers");
        tx.commit().await.expect("commit");
    }
    customer::Entity::find()
        .filter(customer::Column::CustomerNumber.eq("B0000000"))
        .one(conn)
        .await
        .expect("query")
        .expect("first bench customer")
        .id
}

fn status_mib(field: &str) -> f64 {
    proc_status_mib("/proc/self/status", field)
}

/// A `/proc/.../status` memory field (VmRSS:, VmHWM:) in MiB; 0 when unreadable.
pub(crate) fn proc_status_mib(path: &str, field: &str) -> f64 {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()))
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

/// Hidden flag: `settle-bench --statement-child DB FILE` imports FILE into DB and prints
/// "seconds peak_rss_mib summary_json".
const STATEMENT_CHILD: &str = "--statement-child";
const STATEMENT_ENTRIES: usize = 100_000;
const STATEMENT_RUNS: usize = 3;

async fn statement() -> String {
    let dir = std::path::Path::new("target/bench");
    let base = dir.join("statement-base.db");
    if !base.exists() {
        // The cached invoice database may predate the payment tables: migrate a copy once and
        // register every invoice's reference.
        let conn = seeded_db().await;
        conn.close().await.ok();
        let tmp = dir.join("statement-base.db.partial");
        std::fs::copy(dir.join("invoices-1m.db"), &tmp).expect("copy");
        let url = DatabaseUrl::parse(&format!("sqlite://{}?mode=rwc", tmp.display())).expect("url");
        let conn = db::connect(&url).await.expect("connect");
        db::migrate(&conn).await.expect("migrate");
        settle_core::services::references::sync_invoices(&conn, 1)
            .await
            .expect("references");
        conn.close().await.ok();
        for ext in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", tmp.display()));
        }
        std::fs::rename(&tmp, &base).expect("rename");
    }
    {
        // A base cached by an older build gets the migrations added since (a no-op otherwise).
        let url = DatabaseUrl::parse(&format!("sqlite://{}?mode=rwc", base.display())).expect("url");
        let conn = db::connect(&url).await.expect("connect");
        db::migrate(&conn).await.expect("migrate");
        conn.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
            .await
            .expect("checkpoint");
        conn.close().await.ok();
    }
    let run = dir.join("statement-run.db");
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", run.display()));
    }
    std::fs::copy(&base, &run).expect("copy");
    let url = DatabaseUrl::parse(&format!("sqlite://{}?mode=rwc", run.display())).expect("url");
    let conn = db::connect(&url).await.expect("connect");
    let open: Vec<(String, i64)> = invoice::Entity::find()
        .select_only()
        .column(invoice::Column::RfReference)
        .column(invoice::Column::OpenCents)
        .filter(invoice::Column::TenantId.eq(1))
        .filter(invoice::Column::Status.eq("open"))
        .order_by_asc(invoice::Column::Id)
        .limit(STATEMENT_ENTRIES as u64)
        .into_tuple()
        .all(&conn)
        .await
        .expect("open invoices");
    assert_eq!(open.len(), STATEMENT_ENTRIES, "open invoices to pay");
    conn.close().await.ok();

    let file = dir.join("statement-100k.xml");
    {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&file).expect("create"));
        // Every tenth payment is 1 euro short, so partial payments are part of the load.
        settle_core::statements::write_camt053_fixture(
            &mut w,
            "NL91ABNA0417164300",
            STATEMENT_ENTRIES,
            |i| open[i].0.clone(),
            |i| if i % 10 == 9 { open[i].1 - 100 } else { open[i].1 },
        )
        .expect("write");
        std::io::Write::flush(&mut w).expect("flush");
    }
    let bytes = std::fs::metadata(&file).expect("size").len() as f64;
    let mb = bytes / 1_000_000.0;

    let started = Instant::now();
    let mut count = 0usize;
    let reader = std::io::BufReader::with_capacity(256 * 1024, std::fs::File::open(&file).expect("open"));
    settle_core::statements::parse(reader, |_| {
        count += 1;
        Ok(())
    })
    .expect("parse");
    let parse_secs = started.elapsed().as_secs_f64();
    assert_eq!(count, STATEMENT_ENTRIES);

    // Three imports, each into a fresh copy of the base written to disk first (so the copy's
    // write-back does not run during the import); the table shows the median.
    let mut runs: Vec<(f64, f64)> = Vec::new();
    for _ in 0..STATEMENT_RUNS {
        if !runs.is_empty() {
            for ext in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{ext}", run.display()));
            }
            std::fs::copy(&base, &run).expect("copy");
        }
        let (secs, peak, summary) = run_child(STATEMENT_CHILD, &run, &file);
        eprintln!("statement import: {secs:.2} s, summary {summary}");
        assert_eq!(summary["new"], STATEMENT_ENTRIES, "{summary}");
        assert_eq!(summary["unmatched"], 0, "{summary}");
        runs.push((secs, peak));
    }
    runs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let secs = runs[runs.len() / 2].0;
    let peak = runs.iter().map(|r| r.1).fold(0.0, f64::max);
    format!(
        "{mb:.0} | {:.0} | {secs:.2} | {:.0} | {peak:.0} |",
        mb / parse_secs,
        STATEMENT_ENTRIES as f64 / secs
    )
}

/// Runs this binary as `flag DB FILE` on a database written to disk first; the child prints
/// `seconds peak-MiB json`.
pub(crate) fn run_child(flag: &str, db: &std::path::Path, file: &std::path::Path) -> (f64, f64, serde_json::Value) {
    std::fs::File::open(db).and_then(|f| f.sync_all()).expect("sync");
    let out = std::process::Command::new(std::env::current_exe().expect("exe"))
        .args([flag, &db.display().to_string(), &file.display().to_string()])
        .output()
        .expect("child");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let line = String::from_utf8_lossy(&out.stdout).to_string();
    let mut parts = line.trim().splitn(3, ' ');
    let secs: f64 = parts.next().and_then(|s| s.parse().ok()).expect("seconds");
    let peak: f64 = parts.next().and_then(|s| s.parse().ok()).expect("peak");
    let json = serde_json::from_str(parts.next().expect("json")).expect("json");
    (secs, peak, json)
}

async fn statement_child(db_path: &str, file: &str) {
    let url = DatabaseUrl::parse(&format!("sqlite://{db_path}?mode=rwc")).expect("url");
    let conn = db::connect(&url).await.expect("connect");
    let reader = std::io::BufReader::with_capacity(256 * 1024, std::fs::File::open(file).expect("open"));
    let started = Instant::now();
    let summary = settle_core::services::statement_import::import(&conn, 1, Utc::now(), reader)
        .await
        .expect("import");
    let secs = started.elapsed().as_secs_f64();
    let json = serde_json::to_string(&summary).expect("json");
    println!("{secs:.3} {:.1} {json}", status_mib("VmHWM:"));
}

/// A planner pass over a copy of the 1M-invoice database with every invoice open and in the
/// demo plan: once with 1,000 invoices due (spread over the table), once with 80,000.
async fn planner() -> Vec<String> {
    let dir = std::path::Path::new("target/bench");
    seeded_db().await.close().await.ok();
    let run = dir.join("planner-run.db");
    let mut rows = Vec::new();
    // (label, SQL condition choosing the due invoices)
    for (label, due) in [("1,000", "id % 1000 = 0"), ("80,000", "id % 25 IN (0, 12)")] {
        let mut times = Vec::new();
        let mut planned = 0;
        for _ in 0..3 {
            for ext in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{ext}", run.display()));
            }
            std::fs::copy(dir.join("invoices-1m.db"), &run).expect("copy");
            let url = DatabaseUrl::parse(&format!("sqlite://{}?mode=rwc", run.display())).expect("url");
            let conn = db::connect(&url).await.expect("connect");
            db::migrate(&conn).await.expect("migrate");
            let now = Utc::now();
            settle_core::demo_plans::seed(&conn, now, 1, "demo")
                .await
                .expect("plans");
            let tenant = settle_core::tenant::by_slug(&conn, "demo")
                .await
                .expect("tenant")
                .expect("demo");
            let today = settle_domain::dunning::steps::day_number(tenant.today(now));
            let plan: i64 = conn
                .query_one_raw(settle_core::sea_orm::Statement::from_string(
                    conn.get_database_backend(),
                    "SELECT id FROM dunning_plans WHERE tenant_id = 1",
                ))
                .await
                .expect("plan")
                .expect("a plan")
                .try_get("", "id")
                .expect("id");
            // Due invoices are 8 days overdue after the pre-due reminder; the rest wait.
            conn.execute_unprepared(&format!(
                "UPDATE invoices SET status = 'open', open_cents = amount_cents, dunning_plan_id = {plan}, \
                 dunning_position = 1, \
                 due_date = CASE WHEN {due} THEN date('now', '-8 days') ELSE date('now', '+10 days') END, \
                 due_day = CASE WHEN {due} THEN {today} - 8 ELSE {today} + 10 END, \
                 dunning_next_day = CASE WHEN {due} THEN {today} - 1 ELSE {today} + 17 END \
                 WHERE tenant_id = 1"
            ))
            .await
            .expect("prepare");
            conn.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
                .await
                .expect("checkpoint");
            // The peak is this pass's, not the earlier benches' in this process (Linux: "5"
            // resets the high-water mark).
            let _ = std::fs::write("/proc/self/clear_refs", "5");
            let started = Instant::now();
            let report = settle_core::dunning::planner::plan_tenant(&conn, &tenant, now, false)
                .await
                .expect("pass");
            times.push(started.elapsed().as_secs_f64());
            planned = report.planned_count;
            conn.close().await.ok();
        }
        times.sort_by(|a, b| a.total_cmp(b));
        rows.push(format!(
            "{label} | {planned} | {:.2} | {:.0} |",
            times[1],
            status_mib("VmHWM:")
        ));
    }
    rows
}

/// Sends 3,000 queued reminder emails over SMTP to a sink on loopback (a minimal SMTP server
/// in this process that accepts and discards), with the dispatcher's claims and events.
async fn dispatch() -> String {
    use settle_core::entities::outbox;
    use settle_core::outbox::{self as ob, Mailer, Senders};
    use settle_core::sea_orm::ActiveModelTrait;
    const MESSAGES: usize = 3_000;
    let path = std::path::Path::new("target/bench/dispatch.db");
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
    }
    let url = DatabaseUrl::parse(&format!("sqlite://{}?mode=rwc", path.display())).expect("url");
    let conn = db::connect(&url).await.expect("connect");
    db::migrate(&conn).await.expect("migrate");
    let now = Utc::now();
    settle_core::demo::seed(&conn, now).await.expect("demo");
    let tx = conn.begin().await.expect("tx");
    for i in 0..MESSAGES {
        outbox::ActiveModel {
            tenant_id: Set(1),
            channel: Set("email".into()),
            recipient: Set(format!("debtor{i}@example.nl")),
            subject: Set(format!("Herinnering: factuur B{i:07}")),
            body_text: Set("Beste debiteur,\n\nWij hebben uw betaling nog niet ontvangen.\n\nBetaal via https://demo.example/pay/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG\n".repeat(3)),
            status: Set("pending".into()),
            attempts: Set(0),
            next_attempt_at: Set(now),
            created_at: Set(now),
            message_id: Set(Some(format!("<bench{i}@settle>"))),
            ..Default::default()
        }
        .insert(&tx)
        .await
        .expect("queue");
    }
    tx.commit().await.expect("commit");
    let port = smtp_sink().await;
    let mailer =
        Mailer::from_url(&format!("smtp://127.0.0.1:{port}"), "Settle <no-reply@settle.test>").expect("mailer");
    let senders = Senders::from(mailer);
    let started = Instant::now();
    let mut sent = 0;
    loop {
        let d = ob::dispatch(&conn, &senders, now, 500).await.expect("dispatch");
        sent += d.sent;
        if d.sent + d.failed + d.cancelled == 0 {
            break;
        }
    }
    let secs = started.elapsed().as_secs_f64();
    format!("{sent} | {secs:.2} | {:.0} |", sent as f64 / secs)
}

/// Accepts SMTP sessions and discards the messages.
async fn smtp_sink() -> u16 {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            tokio::spawn(async move {
                let (r, mut w) = sock.into_split();
                let mut lines = BufReader::new(r).lines();
                let _ = w.write_all(b"220 sink\r\n").await;
                let mut in_data = false;
                while let Ok(Some(line)) = lines.next_line().await {
                    let reply: &[u8] = if in_data {
                        if line != "." {
                            continue;
                        }
                        in_data = false;
                        b"250 queued\r\n"
                    } else {
                        let cmd = line.to_ascii_uppercase();
                        if cmd.starts_with("EHLO") {
                            b"250-sink\r\n250 8BITMIME\r\n"
                        } else if cmd.starts_with("DATA") {
                            in_data = true;
                            b"354 go\r\n"
                        } else if cmd.starts_with("QUIT") {
                            break;
                        } else {
                            b"250 ok\r\n"
                        }
                    };
                    let _ = w.write_all(reply).await;
                }
            });
        }
    });
    port
}
