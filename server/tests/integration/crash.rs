//! A real `settle` process killed with SIGKILL in the middle of sending, then run again: no
//! message is lost, and a message the mail server took but never acknowledged is sent at most
//! once more, with the same Message-ID, so the receiving side can drop it.
use crate::support::big_files::*;
use crate::support::dunning::*;
use crate::support::smtp::smtp_sink;
use crate::support::*;
use chrono::Duration;
use settle_core::entities::outbox;
use settle_core::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::process::{Command, Stdio};

/// More than the dispatcher has connections (24), so some are still waiting at the kill.
const DEBTORS: usize = 50;
const ACKNOWLEDGED: usize = 8;

fn settle(app: &TestApp, smtp: &str, at: chrono::DateTime<chrono::Utc>) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_settle"));
    cmd.args(["remind", "--once", "--tenant", "demo", "--at", &at.to_rfc3339()])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("SETTLE_DATABASE_URL", &app.db_url)
        .env("SETTLE_SMTP_URL", smtp)
        .env("SETTLE_SMTP_FROM", "Settle <no-reply@settle.test>")
        .current_dir(std::env::temp_dir())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_mid_dispatch_and_restarted_nothing_is_lost_and_resends_keep_their_message_id() {
    let app = spawn_app().await;
    let mut invoices = Vec::new();
    for _ in 0..DEBTORS {
        invoices.push(invoice_due(&app, "2026-11-14", 7_500, &EMAIL_ONLY).await);
    }
    let sink = smtp_sink().await;
    sink.go_silent_after(ACKNOWLEDGED);

    // The mail server stops answering mid-run; the process is killed while it waits.
    let mut child = settle(&app, &sink.url(), monday()).spawn().expect("settle runs");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while sink.messages().len() <= ACKNOWLEDGED && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    let before = sink.message_ids();
    assert!(before.len() > ACKNOWLEDGED, "killed with messages in flight");
    assert!(before.len() < DEBTORS, "and with messages not yet sent");

    // Run again once the claims' lease has run out, with the server answering.
    sink.answer_again();
    let status = settle(&app, &sink.url(), monday() + Duration::minutes(10))
        .status()
        .expect("settle runs again");
    assert!(status.success());

    let rows = outbox::Entity::find()
        .filter(outbox::Column::Channel.eq("email"))
        .filter(outbox::Column::InvoiceId.is_in(invoices.iter().map(|i| i.id)))
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), DEBTORS, "one reminder email per invoice");
    assert!(
        sink.assert_sent_once_or_resent(&rows, &before) > 0,
        "the unacknowledged ones went again"
    );
    app.cleanup().await;
}

/// A `settle` command started in `dir` and killed with SIGKILL after `after`; whether it was
/// still running then (a test that kills nothing proves nothing).
fn kill_after(app: &TestApp, dir: &std::path::Path, args: &[&str], after: std::time::Duration) -> bool {
    let mut child = Command::new(env!("CARGO_BIN_EXE_settle"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("SETTLE_DATABASE_URL", &app.db_url)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("settle runs");
    std::thread::sleep(after);
    let running = child.try_wait().expect("status").is_none();
    child.kill().ok();
    child.wait().expect("reaped");
    running
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_mid_statement_import_books_all_or_nothing_and_the_rerun_books_nothing_twice() {
    const ENTRIES: usize = 30_000;
    let app = spawn_app().await;
    let dir = scratch_dir();
    std::fs::write(dir.join("big.xml"), statement_of(ENTRIES)).unwrap();
    let args = ["import-statement", "--tenant", "demo", "big.xml"];

    let killed = kill_after(&app, &dir, &args, std::time::Duration::from_millis(700));
    assert!(killed, "the import was still running at the kill");
    let after_kill = statement_payments(&app).await;
    assert!(
        after_kill == 0 || after_kill == ENTRIES as u64,
        "one transaction: all or nothing, not {after_kill}"
    );

    for _ in 0..2 {
        let out = settle_cli(&dir, &app.db_url, &args);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(
            statement_payments(&app).await,
            ENTRIES as u64,
            "every entry booked once"
        );
    }
    std::fs::remove_dir_all(&dir).ok();
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_mid_bulk_import_leaves_whole_batches_and_the_rerun_completes_it() {
    use settle_core::entities::invoice;
    const ROWS: i64 = 50_000;
    let app = spawn_app().await;
    let dir = scratch_dir();
    std::fs::write(dir.join("big.csv"), invoices_csv(ROWS)).unwrap();
    let args = ["import", "invoices", "--tenant", "demo", "big.csv"];
    // Killed as soon as the first batch is in: mid-way through the second.
    let mut child = Command::new(env!("CARGO_BIN_EXE_settle"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("SETTLE_DATABASE_URL", &app.db_url)
        .current_dir(&dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("settle runs");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(240);
    while imported_invoices(&app).await.0 < 20_000 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(
        child.try_wait().unwrap().is_none(),
        "the import was still running at the kill"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    let (invoices, lines) = imported_invoices(&app).await;
    assert!((20_000..ROWS).contains(&invoices), "killed between batches: {invoices}");
    assert_whole_batches(invoices, lines);

    let out = settle_cli(&dir, &app.db_url, &args);
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        imported_invoices(&app).await,
        (ROWS, ROWS),
        "run again: all of it, once"
    );
    let one = invoice::Entity::find()
        .filter(invoice::Column::Number.eq("KILL-000123"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((one.amount_cents, one.rf_reference.is_empty()), (4_323, false));
    std::fs::remove_dir_all(&dir).ok();
    app.cleanup().await;
}
