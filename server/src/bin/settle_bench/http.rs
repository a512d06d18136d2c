//! The HTTP load benches: the authenticated invoice list (64 connections) and the payment-link
//! landing page (10,000 distinct tokens; 64 and 1,024 connections), each against the product
//! and against the ceiling: a minimal actix-web server in this file that performs the same
//! session lookup (actix-session on the same store) or token lookup and renders the same table
//! straight from SQL. Every server runs in a child process, so its memory is its own; the load
//! comes from this process. On SQLite, and on Postgres when one is given
//! (`SETTLE_BENCH_POSTGRES_URL`; the Makefile passes a local server's).
use super::{CUSTOMERS, PASSWORD};
use actix_session::{Session, SessionMiddleware};
use actix_web::cookie::Key;
use actix_web::middleware::{from_fn, Next};
use actix_web::{web, App, HttpResponse, HttpServer};
use chrono::{NaiveDate, Utc};
use settle_core::clock::Clock;
use settle_core::db::{self, DatabaseUrl};
use settle_core::entities::invoice;
use settle_core::keys::Keys;
use settle_core::sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Statement, TransactionTrait,
};
use settle_core::state::{AppState, RunMode};
use settle_domain::locale::Locale;
use settle_domain::money::Money;
use settle_server::session_store::DbSessionStore;
use settle_server::{start, ServeOptions};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub const CHILD: &str = "--serve-child";
const TOKENS: usize = 10_000;
/// Addresses each payment link is opened from.
const ADDRESSES_PER_LINK: usize = 4;

/// Both children share these keys, so a session cookie made on one is read by the other.
fn bench_keys() -> Keys {
    Keys::derive(&[7u8; 64]).expect("keys")
}

pub const HEADER: &str = "| bench | database | server | connections | requests | errors | req/s | % of ceiling | p50 ms | p99 ms | server RSS MiB (peak) |\n|---|---|---|---|---|---|---|---|---|---|---|";

const APP_ROLE: &str = "settle_bench_app";

fn app_role_url(url: &str) -> String {
    settle_core::row_security::as_role(url, APP_ROLE, APP_ROLE).expect("postgres url")
}

/// A child's database URL, with `SETTLE_DB_POOL` if set (as `settle serve` reads it), to try
/// pool sizes.
fn child_url(url: &str) -> DatabaseUrl {
    let pool = std::env::var("SETTLE_DB_POOL").ok().and_then(|n| n.parse().ok());
    DatabaseUrl::parse(url).expect("url").with_pool(pool)
}

/// `settle-bench --serve-child product|product-rls|ceiling|ceiling-rls URL`: serves on a free
/// port, printed first. The `-rls` servers make their requests as the application role, under
/// row-level security (as `SETTLE_DATABASE_APP_URL` does).
pub async fn child(which: &str, url: &str) {
    let conn = db::connect(&child_url(url)).await.expect("connect");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    println!("{}", listener.local_addr().expect("addr").port());
    if which.starts_with("product") {
        let mut state = AppState::new(conn, bench_keys(), Clock::System, RunMode::Production).expect("state");
        if which == "product-rls" {
            let app = confined(&state.system_db, url).await;
            state = state.with_request_db(app);
        }
        // Loopback is a trusted proxy: each simulated debtor has its own forwarded address.
        let opts = ServeOptions {
            trusted_proxies: vec!["127.0.0.1".parse().expect("ip")],
            site_root: "target/site".into(),
            metrics_token: None,
        };
        // What `settle serve`'s loop does for requests: their session refreshes and clicks,
        // written every two seconds (the planner and the outbox have nothing to do here).
        let notes = state.clone();
        actix_web::rt::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(2));
            loop {
                tick.tick().await;
                settle_server::workers::write_notes(&notes).await;
            }
        });
        start(state, opts, listener).expect("start").await.expect("serve");
    } else if which == "ceiling-rls" {
        ceiling(confined(&conn, url).await, true, listener).await;
    } else {
        ceiling(conn, false, listener).await;
    }
}

async fn confined(owner: &DatabaseConnection, url: &str) -> DatabaseConnection {
    settle_core::row_security::connect_app(owner, &child_url(&app_role_url(url)))
        .await
        .expect("application role")
}

/// `confined`: `conn` is the application role's pool.
async fn ceiling(conn: DatabaseConnection, confined: bool, listener: std::net::TcpListener) {
    // The product's lookups: the session, and the payment link's token.
    let reads = settle_core::hot_reads::HotReads::new(&conn, confined);
    let store = DbSessionStore::new(reads.clone(), Clock::System, Default::default());
    let key = Key::from(&bench_keys().cookie);
    let (data, reads) = (web::Data::new(conn), web::Data::new(reads));
    HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .app_data(reads.clone())
            .route("/invoices", web::get().to(ceiling_invoices))
            .route("/pay/{token}", web::get().to(ceiling_pay))
            .wrap(
                SessionMiddleware::builder(store.clone(), key.clone())
                    .cookie_name(settle_server::middleware::SESSION_COOKIE.into())
                    .cookie_secure(false)
                    .build(),
            )
            // The one tenant's requests, as the product's tenant middleware runs them (under
            // row-level security its connections are set to the tenant).
            .wrap(from_fn(|req, next: Next<_>| {
                settle_core::row_security::as_tenant(1, next.call(req))
            }))
    })
    .listen(listener)
    .expect("listen")
    .run()
    .await
    .expect("serve");
}

fn page(title: &str, body: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(format!(
            "<!DOCTYPE html><html lang=\"nl\"><head><meta charset=\"utf-8\"><title>{title}</title></head><body><main><h1>{title}</h1>{body}</main></body></html>"
        ))
}

async fn ceiling_invoices(db: web::Data<DatabaseConnection>, session: Session) -> HttpResponse {
    // actix-identity's entry: "tenant:customer:..." (the product checks the same).
    let id: Option<String> = session.get("actix_identity.user_id").ok().flatten();
    let mut parts = id.as_deref().unwrap_or_default().split(':');
    let (Some(tenant), Some(customer)) = (
        parts.next().and_then(|p| p.parse::<i64>().ok()),
        parts.next().and_then(|p| p.parse::<i64>().ok()),
    ) else {
        return HttpResponse::SeeOther().insert_header(("location", "/login")).finish();
    };
    let rows: Vec<(String, NaiveDate, i64, String)> = match invoice::Entity::find()
        .select_only()
        .columns([
            invoice::Column::Number,
            invoice::Column::DueDate,
            invoice::Column::OpenCents,
            invoice::Column::Status,
        ])
        .filter(invoice::Column::TenantId.eq(tenant))
        .filter(invoice::Column::CustomerId.eq(customer))
        .order_by_asc(invoice::Column::DueDate)
        .limit(500)
        .into_tuple()
        .all(db.get_ref())
        .await
    {
        Ok(rows) => rows,
        Err(_) => return HttpResponse::ServiceUnavailable().finish(),
    };
    let mut body = String::from(
        "<table><thead><tr><th>Factuur</th><th>Vervaldatum</th><th>Open</th><th>Status</th></tr></thead><tbody>",
    );
    for (number, due, open, status) in rows {
        body.push_str(&format!(
            "<tr><td><a href=\"/invoices/{number}\">{number}</a></td><td>{}</td><td>{}</td><td>{status}</td></tr>",
            due.format("%d-%m-%Y"),
            Money::eur(open).format(Locale::Nl)
        ));
    }
    body.push_str("</tbody></table>");
    page("Facturen", &body)
}

/// The SQL with `?` placeholders, numbered for Postgres.
fn sql(backend: DbBackend, text: &str, values: Vec<settle_core::sea_orm::Value>) -> Statement {
    let text = match backend {
        DbBackend::Postgres => settle_core::sql::numbered(text),
        _ => text.to_string(),
    };
    Statement::from_sql_and_values(backend, text, values)
}

async fn ceiling_pay(reads: web::Data<settle_core::hot_reads::HotReads>, token: web::Path<String>) -> HttpResponse {
    let hash = settle_core::tokens::hash_token(&token);
    let stmt = sql(
        reads.db().get_database_backend(),
        "SELECT i.number, i.due_date, i.open_cents, i.rf_reference, c.name FROM one_time_tokens t \
         JOIN invoices i ON i.id = t.invoice_id AND i.tenant_id = t.tenant_id \
         JOIN customers c ON c.id = t.customer_id AND c.tenant_id = t.tenant_id \
         WHERE t.tenant_id = ? AND t.token_hash = ? AND t.purpose = 'pay_link' AND t.used_at IS NULL \
         AND t.expires_at > ? AND i.status = 'open'",
        vec![1i64.into(), hash.into(), Utc::now().into()],
    );
    let row = match reads.one(stmt).await {
        Ok(Some(row)) => row,
        Ok(None) => return HttpResponse::NotFound().finish(),
        Err(_) => return HttpResponse::ServiceUnavailable().finish(),
    };
    let get = |c: &str| row.try_get::<String>("", c).unwrap_or_default();
    let due: NaiveDate = row.try_get("", "due_date").unwrap_or_default();
    let open: i64 = row.try_get("", "open_cents").unwrap_or_default();
    page(
        "Betalen",
        &format!(
            "<p>{}</p><dl><dt>Factuur</dt><dd>{}</dd><dt>Vervaldatum</dt><dd>{}</dd><dt>Bedrag</dt><dd>{}</dd><dt>Kenmerk</dt><dd>{}</dd></dl>",
            settle_domain::contact::mask_name(&get("name")),
            get("number"),
            due.format("%d-%m-%Y"),
            Money::eur(open).format(Locale::Nl),
            get("rf_reference"),
        ),
    )
}

struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn spawn(which: &str, url: &str) -> Self {
        let mut child = Command::new(std::env::current_exe().expect("exe"))
            .args([CHILD, which, url])
            .env("RUST_LOG", "error")
            .stdout(Stdio::piped())
            .spawn()
            .expect("server child");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("port");
        let base = format!("http://127.0.0.1:{}", line.trim());
        let server = Self { child, base };
        server.wait_ready();
        server
    }

    fn wait_ready(&self) {
        let until = Instant::now() + Duration::from_secs(30);
        while Instant::now() < until {
            let port = self.base.rsplit(':').next().expect("port");
            if std::net::TcpStream::connect(format!("127.0.0.1:{port}")).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("server at {} did not come up", self.base);
    }

    fn mib(&self, field: &str) -> f64 {
        super::proc_status_mib(&format!("/proc/{}/status", self.child.id()), field)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One measured run: every connection requests in a loop for the given time.
struct Run {
    latencies_us: Vec<u64>,
    errors: u64,
    first_error: Option<String>,
    secs: f64,
}

impl Run {
    fn pct(&self, p: f64) -> f64 {
        let n = self.latencies_us.len();
        self.latencies_us
            .get(((n as f64 * p) as usize).min(n.saturating_sub(1)))
            .copied()
            .unwrap_or(0) as f64
            / 1000.0
    }

    fn rate(&self) -> f64 {
        self.latencies_us.len() as f64 / self.secs
    }
}

/// A connection's n-th request: (path, header name, header value).
type Plan = Arc<dyn Fn(usize, u64) -> (String, &'static str, String) + Send + Sync>;

/// A lean HTTP/1.1 keep-alive client, so that the load generator costs the two cores less than
/// the servers it measures (reqwest costs several times more per request): status and body
/// length, with Content-Length or chunked bodies.
struct Conn {
    addr: String,
    io: Option<tokio::io::BufReader<tokio::net::TcpStream>>,
    line: Vec<u8>,
    body: Vec<u8>,
}

impl Conn {
    fn new(base: &str) -> Self {
        Self {
            addr: base.trim_start_matches("http://").to_string(),
            io: None,
            line: Vec::with_capacity(256),
            body: Vec::with_capacity(64 * 1024),
        }
    }

    async fn get(&mut self, path: &str, header: &str, value: &str) -> std::io::Result<(u16, usize)> {
        use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
        if self.io.is_none() {
            let s = tokio::net::TcpStream::connect(&self.addr).await?;
            s.set_nodelay(true)?;
            self.io = Some(tokio::io::BufReader::with_capacity(64 * 1024, s));
        }
        let io = self.io.as_mut().ok_or(std::io::ErrorKind::NotConnected)?;
        let req = format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\n{header}: {value}\r\n\r\n",
            self.addr
        );
        io.get_mut().write_all(req.as_bytes()).await?;
        let bad = || std::io::Error::new(std::io::ErrorKind::InvalidData, "bad response");
        let (mut status, mut length, mut chunked, mut close) = (0u16, 0usize, false, false);
        loop {
            self.line.clear();
            if io.read_until(b'\n', &mut self.line).await? == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            let l = std::str::from_utf8(&self.line).map_err(|_| bad())?.trim_end();
            if status == 0 {
                status = l.split(' ').nth(1).and_then(|s| s.parse().ok()).ok_or_else(bad)?;
                continue;
            }
            if l.is_empty() {
                break;
            }
            let (name, v) = l.split_once(':').ok_or_else(bad)?;
            let v = v.trim();
            if name.eq_ignore_ascii_case("content-length") {
                length = v.parse().map_err(|_| bad())?;
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                chunked = v.eq_ignore_ascii_case("chunked");
            } else if name.eq_ignore_ascii_case("connection") {
                close = v.eq_ignore_ascii_case("close");
            }
        }
        let mut total = 0;
        if chunked {
            loop {
                self.line.clear();
                io.read_until(b'\n', &mut self.line).await?;
                let size = std::str::from_utf8(&self.line).map_err(|_| bad())?.trim();
                let size = usize::from_str_radix(size.split(';').next().unwrap_or(""), 16).map_err(|_| bad())?;
                self.body.resize(size + 2, 0);
                io.read_exact(&mut self.body).await?;
                total += size;
                if size == 0 {
                    break;
                }
            }
        } else {
            self.body.resize(length, 0);
            io.read_exact(&mut self.body).await?;
            total = length;
        }
        if close {
            self.io = None;
        }
        Ok((status, total))
    }
}

async fn drive(base: &str, connections: usize, seconds: u64, plan: Plan, min_body: usize) -> Run {
    let mut tasks = Vec::new();
    let start_at = Instant::now() + Duration::from_millis(300);
    let until = start_at + Duration::from_secs(seconds);
    for c in 0..connections {
        let mut conn = Conn::new(base);
        let plan = plan.clone();
        tasks.push(actix_web::rt::spawn(async move {
            tokio::time::sleep_until(start_at.into()).await;
            let (mut latencies, mut errors, mut first_error, mut n) = (Vec::new(), 0u64, None, 0u64);
            while Instant::now() < until {
                let (path, header, value) = plan(c, n);
                n += 1;
                let t = Instant::now();
                match conn.get(&path, header, &value).await {
                    Ok((200, len)) if len >= min_body => latencies.push(t.elapsed().as_micros() as u64),
                    other => {
                        if first_error.is_none() {
                            first_error = Some(format!("{other:?}"));
                        }
                        if other.is_err() {
                            conn.io = None;
                        }
                        errors += 1;
                    }
                }
            }
            (latencies, errors, first_error)
        }));
    }
    let mut run = Run {
        latencies_us: Vec::new(),
        errors: 0,
        first_error: None,
        secs: 0.0,
    };
    for t in tasks {
        let (l, e, f) = t.await.expect("connection task");
        run.latencies_us.extend(l);
        run.errors += e;
        run.first_error = run.first_error.or(f);
    }
    run.secs = (Instant::now() - start_at).as_secs_f64();
    run.latencies_us.sort_unstable();
    if let Some(e) = &run.first_error {
        eprintln!("{base}: {} errors, the first: {e}", run.errors);
    }
    run
}

/// The ceiling and Settle measured in turns (`BENCH_ROUNDS`, 3 by default; who goes first
/// alternates), each keeping its median run by requests per second, with the errors of all its
/// runs: this machine's speed drifts within minutes, and one run of each, minutes apart,
/// measured the drift as much as the servers. `min_body`: the ceiling's smallest full page.
async fn alternate(
    ceiling: &Server,
    product: &Server,
    connections: usize,
    plan: &Plan,
    seconds: u64,
    min_body: usize,
) -> (Run, Run) {
    let rounds = super::env_or("BENCH_ROUNDS", 3).max(1);
    let (mut base, mut mine) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        if round % 2 == 1 {
            mine.push(drive(&product.base, connections, seconds, plan.clone(), 1000).await);
        }
        base.push(drive(&ceiling.base, connections, seconds, plan.clone(), min_body).await);
        if round % 2 == 0 {
            mine.push(drive(&product.base, connections, seconds, plan.clone(), 1000).await);
        }
    }
    (median(base), median(mine))
}

fn median(mut runs: Vec<Run>) -> Run {
    let errors = runs.iter().map(|r| r.errors).sum();
    runs.sort_by(|a, b| a.rate().total_cmp(&b.rate()));
    let mut run = runs.swap_remove(runs.len() / 2);
    run.errors = errors;
    run
}

/// Logs `n` bench debtors in on the product and returns their Cookie headers.
async fn log_in(base: &str, n: usize) -> Vec<String> {
    // A different set of debtors each run: the account guess limit counts every attempt.
    let offset = (Utc::now().timestamp() as usize * 7_919) % CUSTOMERS as usize;
    let mut cookies = Vec::new();
    for c in 0..n {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let http = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let xff = format!("10.77.{}.{}", c / 250, c % 250 + 1);
        let html = http
            .get(format!("{base}/login"))
            .header("x-forwarded-for", &xff)
            .send()
            .await
            .expect("login page")
            .text()
            .await
            .expect("body");
        let i = html.find("name=\"csrf\" value=\"").expect("csrf") + 19;
        let csrf = html[i..i + html[i..].find('"').expect("end")].to_string();
        let user = format!("bench{}@settle.test", (offset + c * 6_151) % CUSTOMERS as usize);
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
        let url: reqwest::Url = base.parse().expect("url");
        let cookie = reqwest::cookie::CookieStore::cookies(jar.as_ref(), &url).expect("session cookie");
        cookies.push(cookie.to_str().expect("ascii").to_string());
    }
    cookies
}

/// Fresh payment links for 10,000 open invoices spread over the table; their raw tokens.
async fn pay_tokens(conn: &DatabaseConnection) -> Vec<String> {
    conn.execute_unprepared("DELETE FROM one_time_tokens WHERE purpose = 'pay_link'")
        .await
        .expect("old links");
    // Every 50th open invoice: 10,000 of the 500,000, spread over the table (only ids are read
    // first, so the bench's own memory stays small).
    let ids: Vec<i64> = invoice::Entity::find()
        .select_only()
        .column(invoice::Column::Id)
        .filter(invoice::Column::TenantId.eq(1))
        .filter(invoice::Column::Status.eq("open"))
        .order_by_asc(invoice::Column::Id)
        .into_tuple()
        .all(conn)
        .await
        .expect("open invoices");
    let step = (ids.len() / TOKENS).max(1);
    let chosen: Vec<i64> = ids.into_iter().step_by(step).take(TOKENS).collect();
    let tx = conn.begin().await.expect("tx");
    let mut tokens = Vec::new();
    for part in chosen.chunks(500) {
        let invoices = invoice::Entity::find()
            .filter(invoice::Column::Id.is_in(part.to_vec()))
            .all(&tx)
            .await
            .expect("invoices");
        for inv in &invoices {
            tokens.push(
                settle_core::services::paylinks::create(&tx, Utc::now(), inv)
                    .await
                    .expect("link"),
            );
        }
    }
    tx.commit().await.expect("commit");
    assert_eq!(tokens.len(), TOKENS);
    tokens
}

/// The Postgres bench database, filled from the cached SQLite one by `settle copy-db` once.
async fn postgres(admin: &str) -> String {
    let admin_conn = settle_core::sea_orm::Database::connect(admin)
        .await
        .expect("postgres admin");
    let name = "settle_bench_1m";
    let exists = admin_conn
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            format!("SELECT 1 AS one FROM pg_database WHERE datname = '{name}'"),
        ))
        .await
        .expect("pg_database")
        .is_some();
    if !exists {
        admin_conn
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create database");
    }
    admin_conn.close().await.ok();
    // The same server and options (`?sslmode=...`), another database.
    let mut url = url::Url::parse(admin).expect("postgres url");
    url.set_path(name);
    let url = url.to_string();
    eprintln!("Postgres bench database: {}", DatabaseUrl::parse(&url).expect("url"));
    let target = db::connect(&DatabaseUrl::parse(&url).expect("url"))
        .await
        .expect("connect");
    let filled = target
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT to_regclass('public.invoices') IS NOT NULL AS filled",
        ))
        .await
        .expect("probe")
        .and_then(|r| r.try_get::<bool>("", "filled").ok())
        .unwrap_or(false);
    if !filled {
        let source = super::seeded_db().await;
        let started = Instant::now();
        settle_core::db_copy::copy(&source, &target).await.expect("copy-db");
        source.close().await.ok();
        target.execute_unprepared("ANALYZE").await.expect("analyze");
        eprintln!("copied the bench database to Postgres in {:.0?}", started.elapsed());
    }
    db::migrate(&target).await.expect("migrate");
    settle_core::row_security::ensure_login_role(&target, APP_ROLE, APP_ROLE)
        .await
        .expect("application role");
    target.close().await.ok();
    url
}

fn row(
    bench: &str,
    database: &str,
    server: &str,
    connections: usize,
    run: &Run,
    ceiling: Option<&Run>,
    rss: f64,
) -> String {
    let share = ceiling.map_or("100".to_string(), |c| format!("{:.0}", run.rate() / c.rate() * 100.0));
    format!(
        "| {bench} | {database} | {server} | {connections} | {} | {} | {:.0} | {share} | {:.1} | {:.1} | {rss:.0} |",
        run.latencies_us.len(),
        run.errors,
        run.rate(),
        run.pct(0.50),
        run.pct(0.99),
    )
}

/// The ceiling's row and Settle's, each with its server's peak memory.
fn pair(
    which: &str,
    label: &str,
    connections: usize,
    ceiling: (&Server, &Run),
    product: (&Server, &Run),
) -> [String; 2] {
    [
        row(
            which,
            label,
            "ceiling",
            connections,
            ceiling.1,
            None,
            ceiling.0.mib("VmHWM:"),
        ),
        row(
            which,
            label,
            "Settle",
            connections,
            product.1,
            Some(ceiling.1),
            product.0.mib("VmHWM:"),
        ),
    ]
}

/// `invoice_list` or `pay`; the rows of the table.
pub async fn bench(which: &str) -> Vec<String> {
    let seconds = super::env_or("BENCH_SECONDS", 15);
    // `BENCH_DATABASES=postgres,postgres-rls`: only these of sqlite, postgres and postgres-rls
    // (default: all); the others are not even prepared.
    let only = std::env::var("BENCH_DATABASES").unwrap_or_default();
    let wanted = |key: &str| only.is_empty() || only.split(',').any(|o| o.trim() == key);
    if !["sqlite", "postgres", "postgres-rls"].into_iter().any(wanted) {
        eprintln!("BENCH_DATABASES={only}: none of sqlite, postgres, postgres-rls");
    }
    // (label, URL, how the product serves, how the ceiling serves): Postgres also with requests
    // as the row-level-security role, the ceiling's too.
    let mut databases = Vec::new();
    if wanted("sqlite") {
        super::seeded_db().await.close().await.ok();
        let sqlite = "sqlite://target/bench/invoices-1m.db?mode=rwc".to_string();
        databases.push(("SQLite", sqlite, "product", "ceiling"));
    }
    match std::env::var("SETTLE_BENCH_POSTGRES_URL") {
        Ok(admin) if !admin.is_empty() && (wanted("postgres") || wanted("postgres-rls")) => {
            let url = postgres(&admin).await;
            if wanted("postgres") {
                databases.push(("Postgres", url.clone(), "product", "ceiling"));
            }
            if wanted("postgres-rls") {
                databases.push(("Postgres RLS", url, "product-rls", "ceiling-rls"));
            }
        }
        Ok(_) => {}
        Err(_) => eprintln!("no SETTLE_BENCH_POSTGRES_URL: SQLite only"),
    }
    let mut rows = Vec::new();
    for (label, url, product_kind, ceiling_kind) in databases {
        if which == "invoice_list" {
            let connections = super::env_or("BENCH_CLIENTS", 64) as usize;
            let product = Server::spawn(product_kind, &url);
            let cookies = Arc::new(log_in(&product.base, connections).await);
            let plan: Plan = Arc::new(move |c, _| ("/invoices".to_string(), "cookie", cookies[c].clone()));
            let ceiling = Server::spawn(ceiling_kind, &url);
            let (base, run) = alternate(&ceiling, &product, connections, &plan, seconds, 1000).await;
            rows.extend(pair(which, label, connections, (&ceiling, &base), (&product, &run)));
        } else {
            let tokens = {
                let conn = db::connect(&DatabaseUrl::parse(&url).expect("url"))
                    .await
                    .expect("connect");
                let t = pay_tokens(&conn).await;
                conn.close().await.ok();
                Arc::new(t)
            };
            // Each request takes the next token, from one of the link's debtor's four addresses
            // (phone, laptop, ..., as a load balancer forwards them). One address per link hit
            // the per-address limit once Settle served over 10,000 views a second: each debtor
            // then opened their link more than once a second, past the 30 a minute it allows.
            let plan: Plan = Arc::new(move |c, n| {
                let visit = (c * 7_919 + n as usize) % (TOKENS * ADDRESSES_PER_LINK);
                (
                    format!("/pay/{}", tokens[visit % TOKENS]),
                    "x-forwarded-for",
                    format!("10.{}.{}.{}", visit / 65_536, (visit / 256) % 256, visit % 256),
                )
            });
            for connections in [64usize, 1024] {
                let ceiling = Server::spawn(ceiling_kind, &url);
                let product = Server::spawn(product_kind, &url);
                let (base, run) = alternate(&ceiling, &product, connections, &plan, seconds, 200).await;
                rows.extend(pair(which, label, connections, (&ceiling, &base), (&product, &run)));
            }
        }
    }
    rows
}
