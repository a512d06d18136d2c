//! The `startup` bench: a cold start on the 1,000,000-invoice database, in a child process:
//! connect, check the migrations (none pending), bind and serve until `/health/ready` answers;
//! then the resident memory of the idle server. The median of three starts.
use super::{run_child, status_mib};
use settle_core::clock::Clock;
use settle_core::db::{self, DatabaseUrl};
use settle_core::keys::Keys;
use settle_core::state::{AppState, RunMode};
use settle_server::{start, ServeOptions};
use std::path::Path;
use std::time::Instant;

pub const CHILD: &str = "--startup-child";
const RUNS: usize = 3;

pub async fn bench() -> String {
    super::seeded_db().await.close().await.ok();
    let db = Path::new("target/bench/invoices-1m.db");
    let mut runs: Vec<(f64, f64)> = Vec::new();
    for _ in 0..RUNS {
        let (secs, rss, _) = run_child(CHILD, db, Path::new("-"));
        eprintln!("cold start: {:.0} ms, idle {rss:.0} MiB", secs * 1000.0);
        runs.push((secs, rss));
    }
    runs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (secs, _) = runs[runs.len() / 2];
    let idle = runs.iter().map(|r| r.1).fold(0.0, f64::max);
    format!("{:.0} | {idle:.0} |", secs * 1000.0)
}

pub async fn child(db_path: &str) {
    let started = Instant::now();
    let url = DatabaseUrl::parse(&format!("sqlite://{db_path}?mode=rwc")).expect("url");
    let conn = db::connect(&url).await.expect("connect");
    db::migrate(&conn).await.expect("migrations current");
    let state = AppState::new(conn, Keys::random(), Clock::System, RunMode::Production).expect("state");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let ready = format!(
        "http://127.0.0.1:{}/health/ready",
        listener.local_addr().expect("addr").port()
    );
    let server = start(
        state,
        ServeOptions {
            trusted_proxies: vec![],
            site_root: "target/site".into(),
            metrics_token: None,
        },
        listener,
    )
    .expect("start");
    actix_web::rt::spawn(server);
    let http = reqwest::Client::new();
    loop {
        if http.get(&ready).send().await.is_ok_and(|r| r.status().is_success()) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    let secs = started.elapsed().as_secs_f64();
    // Idle: a moment after the first answer, as a freshly started instance sits.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    println!("{secs:.4} {:.1} {{}}", status_mib("VmRSS:"));
    std::process::exit(0);
}
