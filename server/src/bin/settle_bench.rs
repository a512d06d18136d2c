//! `make bench` (`make bench ONLY=invoice_list`): load benchmarks printed as a table.
//! The database (1,000,000 invoices over 100,000 debtors, one shared precomputed password
//! hash) is seeded once by bulk inserts and cached under target/bench.
#![allow(clippy::expect_used, clippy::unwrap_used)]
use chrono::{Duration, Utc};
use settle_core::clock::Clock;
use settle_core::db::{self, DatabaseUrl};
use settle_core::entities::{customer, invoice, portal_account};
use settle_core::keys::Keys;
use settle_core::sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set, TransactionTrait};
use settle_core::state::{AppState, RunMode};
use settle_domain::rf::RfReference;
use settle_server::{start, ServeOptions};
use std::time::Instant;

const CUSTOMERS: i64 = 100_000;
const INVOICES_PER_CUSTOMER: i64 = 10;
const PASSWORD: &str = "bench-password-1";

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[actix_web::main]
async fn main() {
    let only = std::env::args().skip_while(|a| a != "--only").nth(1);
    let benches: [(&str, &str); 1] = [("invoice_list", "authenticated GET /invoices, SQLite, 1M invoices")];
    println!("| bench | what | clients | requests | req/s | p50 ms | p99 ms | RSS MiB |");
    println!("|---|---|---|---|---|---|---|---|");
    for (name, what) in benches {
        if only.as_deref().is_some_and(|o| o != name) {
            continue;
        }
        let row = invoice_list().await;
        println!("| {name} | {what} | {row}");
    }
}

async fn seeded_db() -> DatabaseConnection {
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
    db::connect(&url).await.expect("connect")
}

async fn seed(conn: &DatabaseConnection) {
    let now = Utc::now();
    settle_core::demo::seed(conn, now).await.expect("demo tenants");
    let hash = settle_core::passwords::hash_blocking(PASSWORD).expect("hash");
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
    let first = customer::Entity::find()
        .filter(customer::Column::CustomerNumber.eq("B0000000"))
        .one(conn)
        .await
        .expect("query")
        .expect("first bench customer")
        .id;
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

fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()))
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

async fn invoice_list() -> String {
    let conn = seeded_db().await;
    let state = AppState::new(conn, Keys::random(), Clock::System, RunMode::Production).expect("state");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://127.0.0.1:{}", listener.local_addr().expect("addr").port());
    // Loopback is a trusted proxy here, so each simulated debtor has its own forwarded address
    // (a header value only) and the per-IP login limit does not throttle the benchmark's logins.
    let server = start(
        state,
        ServeOptions {
            trusted_proxies: vec!["127.0.0.1".parse().expect("ip")],
            site_root: "target/site".into(),
        },
        listener,
    )
    .expect("start");
    let handle = server.handle();
    actix_web::rt::spawn(server);

    let clients = env_or("BENCH_CLIENTS", 16) as usize;
    let seconds = env_or("BENCH_SECONDS", 15);
    let mut tasks = Vec::new();
    for c in 0..clients {
        let base = base.clone();
        tasks.push(actix_web::rt::spawn(async move {
            let http = reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client");
            let xff = format!("10.77.{}.{}", c / 250, c % 250 + 1);
            let page = http
                .get(format!("{base}/login"))
                .header("x-forwarded-for", &xff)
                .send()
                .await
                .expect("login page");
            let html = page.text().await.expect("body");
            let i = html.find("name=\"csrf\" value=\"").expect("csrf") + 19;
            let csrf = html[i..i + html[i..].find('"').expect("end")].to_string();
            let user = format!("bench{}@settle.test", (c as i64 * 6_151) % CUSTOMERS);
            let res = http
                .post(format!("{base}/login"))
                .header("x-forwarded-for", &xff)
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("email", user.as_str()),
                    ("password", PASSWORD),
                ])
                .send()
                .await
                .expect("login");
            assert_eq!(
                res.headers().get("location").map(|v| v.to_str().unwrap_or("")),
                Some("/"),
                "login of {user}"
            );
            let until = Instant::now() + std::time::Duration::from_secs(seconds);
            let mut latencies = Vec::new();
            while Instant::now() < until {
                let t = Instant::now();
                let res = http
                    .get(format!("{base}/invoices"))
                    .header("x-forwarded-for", &xff)
                    .send()
                    .await
                    .expect("get");
                assert_eq!(res.status(), 200);
                let body = res.bytes().await.expect("body");
                assert!(body.len() > 1000);
                latencies.push(t.elapsed().as_micros() as u64);
            }
            latencies
        }));
    }
    let started = Instant::now();
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("client task"));
    }
    let elapsed = started.elapsed().as_secs_f64();
    let rss = rss_mib();
    handle.stop(true).await;
    all.sort_unstable();
    let pct = |p: f64| {
        all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0) as f64
            / 1000.0
    };
    format!(
        "{clients} | {} | {:.0} | {:.1} | {:.1} | {:.0} |",
        all.len(),
        all.len() as f64 / elapsed,
        pct(0.50),
        pct(0.99),
        rss
    )
}
