//! The database restarting under a running `settle`: a throwaway Postgres cluster of this test
//! binary's own (initdb on a free port, in a temporary folder), restarted mid-dispatch and
//! mid-import, so no other test's server is disturbed. After each: no message lost, none sent
//! twice beyond the documented resend with the same Message-ID, no payment booked twice, no
//! half-written import.
//!
//! Needs PostgreSQL's server programs (Debian's `postgresql`, which `.ci/run` installs); without
//! them the tests say so and pass, except under `CI=true`.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#[path = "../integration/support/mod.rs"]
mod support;

use chrono::Duration;
use settle_core::entities::outbox;
use settle_core::sea_orm::{ColumnTrait, ConnectionTrait, Database, DbBackend, EntityTrait, QueryFilter, Statement};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Instant;
use support::big_files::*;
use support::dunning::*;
use support::smtp::smtp_sink;
use support::*;

/// A Postgres cluster in a temporary folder, stopped and removed on drop.
struct Cluster {
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
    /// initdb refuses to run as root: then every server program runs as `postgres`.
    as_postgres: bool,
}

impl Cluster {
    fn start() -> Option<Cluster> {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
            .filter(|b| b.join("initdb").exists())
            .max()?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = std::env::temp_dir().join(format!("settle-pg-{}", unique()));
        std::fs::create_dir_all(&dir).unwrap();
        let uid = Command::new("id").arg("-u").output().unwrap();
        let as_postgres = String::from_utf8_lossy(&uid.stdout).trim() == "0";
        if as_postgres {
            assert!(Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&dir)
                .status()
                .unwrap()
                .success());
        }
        let cluster = Cluster {
            dir,
            bin,
            port,
            as_postgres,
        };
        let data = cluster.data();
        cluster.run(
            "initdb",
            &["-D", &data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"],
        );
        let opts = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
            cluster.dir.display()
        );
        let log = cluster.dir.join("log").display().to_string();
        cluster.run("pg_ctl", &["-D", &data, "-o", &opts, "-l", &log, "-w", "start"]);
        Some(cluster)
    }

    fn data(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    fn run(&self, program: &str, args: &[&str]) {
        let path = self.bin.join(program);
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        };
        let out = cmd.args(args).stdin(Stdio::null()).output().unwrap();
        assert!(
            out.status.success(),
            "{program}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Stops the server (fast: open connections are cut) and starts it again, with the options
    /// it had. The server's output goes to the log: a pipe of ours would keep this waiting.
    fn restart(&self) {
        let log = self.dir.join("log").display().to_string();
        self.run(
            "pg_ctl",
            &["-D", &self.data(), "-l", &log, "-m", "fast", "-w", "restart"],
        );
    }

    fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }

    /// A database with Settle's tables and the demo tenant, served by a test app.
    async fn app(&self) -> TestApp {
        let admin = Database::connect(self.url("postgres")).await.unwrap();
        admin
            .execute_raw(Statement::from_string(DbBackend::Postgres, "CREATE DATABASE settle"))
            .await
            .unwrap();
        admin.close().await.ok();
        let url = self.url("settle");
        let conn = settle_core::db::connect(&settle_core::db::DatabaseUrl::parse(&url).unwrap())
            .await
            .unwrap();
        settle_core::db::migrate(&conn).await.unwrap();
        settle_core::demo::seed(&conn, start_time()).await.unwrap();
        conn.close().await.ok();
        serve_database(url, None).await
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.data();
        let path = self.bin.join("pg_ctl");
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        };
        let _ = cmd.args(["-D", &data, "-m", "immediate", "stop"]).output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The cluster, or None (and a note) where PostgreSQL's server programs are missing.
fn cluster() -> Option<Cluster> {
    let c = Cluster::start();
    if c.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but no PostgreSQL server programs under /usr/lib/postgresql"
        );
        eprintln!("SKIPPED: no PostgreSQL server programs under /usr/lib/postgresql");
    }
    c
}

fn settle(url: &str, args: &[&str], env: &[(&str, &str)], dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_settle"));
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("SETTLE_DATABASE_URL", url)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

fn wait(mut child: Child, limit: std::time::Duration) -> std::process::ExitStatus {
    let until = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > until {
            child.kill().ok();
            panic!("settle did not end within {limit:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_restarting_mid_dispatch_loses_no_message_and_resends_only_with_the_same_id() {
    const DEBTORS: usize = 40;
    let Some(pg) = cluster() else { return };
    let app = pg.app().await;
    let mut invoices = Vec::new();
    for _ in 0..DEBTORS {
        invoices.push(invoice_due(&app, "2026-11-14", 7_500, &EMAIL_ONLY).await);
    }
    let sink = smtp_sink().await;
    sink.go_silent_after(8);
    let dir = scratch_dir();
    let smtp = sink.url();
    let env = [
        ("SETTLE_SMTP_URL", smtp.as_str()),
        ("SETTLE_SMTP_FROM", "Settle <no-reply@settle.test>"),
        ("SETTLE_SMTP_TIMEOUT_SECONDS", "3"),
    ];
    let remind = |at: chrono::DateTime<chrono::Utc>| {
        settle(
            &app.db_url,
            &["remind", "--once", "--tenant", "demo", "--at", &at.to_rfc3339()],
            &env,
            &dir,
        )
    };

    let child = remind(monday()).spawn().unwrap();
    let deadline = Instant::now() + std::time::Duration::from_secs(120);
    while sink.messages().len() <= 8 && Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // The database goes away with messages in flight, and comes back.
    pg.restart();
    assert!(sink.messages().len() > 8, "restarted with messages in flight");
    sink.answer_again();
    wait(child, std::time::Duration::from_secs(120));
    // What the mail server had when the interrupted round ended.
    let before = sink.message_ids();

    // The next round, once the claims' lease has run out.
    let status = wait(
        remind(monday() + Duration::minutes(10)).spawn().unwrap(),
        std::time::Duration::from_secs(120),
    );
    assert!(status.success(), "the next round runs on the restarted database");

    // A fresh connection: the app's pool saw its connections cut.
    let db = Database::connect(&app.db_url).await.unwrap();
    let rows = outbox::Entity::find()
        .filter(outbox::Column::Channel.eq("email"))
        .filter(outbox::Column::InvoiceId.is_in(invoices.iter().map(|i| i.id)))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(rows.len(), DEBTORS, "one reminder email per invoice");
    sink.assert_sent_once_or_resent(&rows, &before);
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_restarting_mid_import_leaves_nothing_half_written_and_nothing_twice() {
    const ROWS: i64 = 60_000;
    const ENTRIES: usize = 30_000;
    let Some(pg) = cluster() else { return };
    let app = pg.app().await;
    let dir = scratch_dir();
    std::fs::write(dir.join("big.csv"), invoices_csv(ROWS)).unwrap();
    std::fs::write(dir.join("big.xml"), statement_of(ENTRIES)).unwrap();
    let import = ["import", "invoices", "--tenant", "demo", "big.csv"];
    let statement = ["import-statement", "--tenant", "demo", "big.xml"];

    for args in [&import[..], &statement[..]] {
        let mut child = settle(&app.db_url, args, &[], &dir).spawn().unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
        assert!(child.try_wait().unwrap().is_none(), "{args:?} was still running");
        pg.restart();
        let status = wait(child, std::time::Duration::from_secs(120));
        assert!(!status.success(), "{args:?} noticed the database going away");
    }
    let fresh = serve_database(app.db_url.clone(), None).await;
    let (invoices, lines) = imported_invoices(&fresh).await;
    assert_whole_batches(invoices, lines);
    assert_eq!(statement_payments(&fresh).await, 0, "a statement is one transaction");

    for args in [&import[..], &statement[..], &statement[..]] {
        let status = wait(
            settle(&app.db_url, args, &[], &dir).spawn().unwrap(),
            std::time::Duration::from_secs(300),
        );
        assert!(status.success(), "{args:?} completes once the database is back");
    }
    assert_eq!(imported_invoices(&fresh).await, (ROWS, ROWS));
    assert_eq!(
        statement_payments(&fresh).await,
        ENTRIES as u64,
        "each transfer booked once"
    );
    std::fs::remove_dir_all(&dir).ok();
}
