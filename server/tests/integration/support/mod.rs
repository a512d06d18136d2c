//! Test harness: the real app on port 0 against its own database (a SQLite file, or a fresh
//! Postgres database when SETTLE_TEST_BACKEND=postgres), seeded with the demo, on a fixed clock.
#![allow(dead_code)]
use chrono::{TimeZone, Utc};
use settle_core::clock::Clock;
use settle_core::db::{self, DatabaseUrl};
use settle_core::keys::Keys;
use settle_core::sea_orm::{ConnectionTrait, Database, DbBackend, Statement};
use settle_core::state::{AppState, RunMode};
use settle_server::{start, ServeOptions};
use std::sync::atomic::{AtomicU64, Ordering};

pub mod big_files;
pub mod dkim;
pub mod dunning;
pub mod smtp;

pub struct TestApp {
    pub addr: String,
    /// The test database, for a `settle` process of its own.
    pub db_url: String,
    pub state: AppState,
    pub client: reqwest::Client,
    pg_cleanup: Option<(String, String)>,
}

pub fn unique() -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        Utc::now().timestamp_micros()
    )
}

pub fn postgres() -> bool {
    std::env::var("SETTLE_TEST_BACKEND").as_deref() == Ok("postgres")
}

async fn database_url() -> (String, Option<(String, String)>) {
    if postgres() {
        let admin = std::env::var("SETTLE_TEST_POSTGRES_URL").expect("SETTLE_TEST_POSTGRES_URL for postgres tests");
        let name = format!("settle_test_{}", unique());
        let conn = Database::connect(&admin).await.expect("connect to postgres");
        conn.execute_raw(Statement::from_string(
            DbBackend::Postgres,
            format!("CREATE DATABASE {name}"),
        ))
        .await
        .expect("create test database");
        let base = admin
            .rsplit_once('/')
            .map(|(b, _)| b.to_string())
            .unwrap_or(admin.clone());
        (format!("{base}/{name}"), Some((admin, name)))
    } else {
        let path = std::env::temp_dir().join(format!("settle-test-{}.db", unique()));
        (format!("sqlite://{}?mode=rwc", path.display()), None)
    }
}

/// 22 November 2026, 10:00 in Amsterdam.
pub fn start_time() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0)
        .single()
        .expect("valid time")
}

pub async fn spawn_app() -> TestApp {
    spawn_app_in(RunMode::Dev).await
}

pub async fn spawn_app_in(mode: RunMode) -> TestApp {
    spawn_app_with(mode, |_| {}).await
}

/// A new, empty database (created on the Postgres server in Postgres runs; a new file else),
/// and an app serving it once something has filled it: see [`serve_database`].
pub async fn empty_database() -> (String, Option<(String, String)>) {
    database_url().await
}

/// Serves a database some test filled, as it is (no migration, no seeding); the app owns it.
pub async fn serve_database(url: String, pg_cleanup: Option<(String, String)>) -> TestApp {
    let conn = db::connect(&DatabaseUrl::parse(&url).expect("url"))
        .await
        .expect("connect");
    let state = AppState::new(conn, Keys::random(), Clock::fixed(start_time()), RunMode::Dev).expect("state");
    TestApp {
        addr: serve(&state, &url).await,
        db_url: url,
        state,
        client: client(),
        pg_cleanup,
    }
}

/// The app with its state adjusted before it starts serving.
pub async fn spawn_app_with(mode: RunMode, adjust: impl FnOnce(&mut AppState)) -> TestApp {
    let (url, pg_cleanup) = database_url().await;
    let conn = db::connect(&DatabaseUrl::parse(&url).expect("url"))
        .await
        .expect("connect");
    db::migrate(&conn).await.expect("migrate");
    settle_core::demo::seed(&conn, start_time()).await.expect("seed");
    let mut state = AppState::new(conn, Keys::random(), Clock::fixed(start_time()), mode).expect("state");
    settle_core::demo_staff::seed(&state.db, &state.keys, start_time())
        .await
        .expect("staff");
    state.upload_dir = std::env::temp_dir().join(format!("settle-uploads-{}", unique()));
    adjust(&mut state);
    TestApp {
        addr: serve(&state, &url).await,
        db_url: url,
        state,
        client: client(),
        pg_cleanup,
    }
}

/// Serves `state` on a new loopback port; the address. On Postgres, requests connect as a role
/// that does not own the tables, under row-level security, as `SETTLE_DATABASE_APP_URL` makes
/// them in production: every test then also shows that no request strays from its tenant.
async fn serve(state: &AppState, url: &str) -> String {
    serve_trusting(&request_state(state, url).await, vec![])
}

pub const APP_ROLE: &str = "settle_test_app";

/// The application role's URL for the test database at `url`.
pub fn app_role_url(url: &str) -> String {
    settle_core::row_security::as_role(url, APP_ROLE, APP_ROLE).expect("database url")
}

/// `state` with requests through the application role (Postgres), or `state` itself (SQLite).
pub async fn request_state(state: &AppState, url: &str) -> AppState {
    if !postgres() {
        return state.clone();
    }
    // Created once per server, by whichever test comes first (a race is harmless).
    settle_core::row_security::ensure_login_role(&state.system_db, APP_ROLE, APP_ROLE)
        .await
        .expect("application role");
    let app_url = DatabaseUrl::parse(&app_role_url(url)).expect("url");
    let app = settle_core::row_security::connect_app(&state.system_db, &app_url)
        .await
        .expect("confined application role");
    state.with_request_db(app)
}

/// Serves `state` trusting X-Forwarded-For from these proxies.
fn serve_trusting(state: &AppState, trusted_proxies: Vec<std::net::IpAddr>) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = format!("http://127.0.0.1:{}", listener.local_addr().expect("addr").port());
    let server = start(
        state.clone(),
        ServeOptions {
            trusted_proxies,
            site_root: "target/site".into(),
            metrics_token: None,
        },
        listener,
    )
    .expect("start");
    tokio::spawn(server);
    addr
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        // A hung request fails its test within a minute instead of stalling the suite.
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .expect("client")
}

impl TestApp {
    /// The same app seen from another browser (its own cookies); it does not own the database.
    pub fn other_browser(&self) -> TestApp {
        TestApp {
            addr: self.addr.clone(),
            db_url: self.db_url.clone(),
            state: self.state.clone(),
            client: client(),
            pg_cleanup: None,
        }
    }

    /// The same app behind a load balancer on loopback (`SETTLE_TRUSTED_PROXIES=127.0.0.1`):
    /// the client address is the one in X-Forwarded-For.
    pub async fn behind_proxy(&self) -> TestApp {
        let served = request_state(&self.state, &self.db_url).await;
        TestApp {
            addr: serve_trusting(&served, vec![std::net::IpAddr::from([127, 0, 0, 1])]),
            db_url: self.db_url.clone(),
            state: self.state.clone(),
            client: client(),
            pg_cleanup: None,
        }
    }

    /// Another instance on the same database, as a second `settle serve` behind a load balancer:
    /// its own connection pool, caches and address, the same secret key. It does not own the
    /// database.
    pub async fn second_instance(&self) -> TestApp {
        let conn = db::connect(&DatabaseUrl::parse(&self.db_url).expect("url"))
            .await
            .expect("connect");
        let mut state =
            AppState::new(conn, self.state.keys.clone(), self.state.clock.clone(), self.state.mode).expect("state");
        state.upload_dir = self.state.upload_dir.clone();
        TestApp {
            addr: serve(&state, &self.db_url).await,
            db_url: self.db_url.clone(),
            state,
            client: client(),
            pg_cleanup: None,
        }
    }

    /// The demo tenant, as the server resolves it for requests to this app.
    pub async fn tenant(&self) -> std::sync::Arc<settle_core::tenant::TenantCtx> {
        self.state
            .tenants
            .resolve(&self.state.db, "localhost")
            .await
            .expect("tenant lookup")
            .expect("demo tenant")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.addr, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    pub async fn html(&self, path: &str) -> String {
        self.get(path).await.text().await.expect("body")
    }

    /// The CSRF token the page at `path` puts in its forms.
    pub async fn csrf(&self, path: &str) -> String {
        let html = self.html(path).await;
        csrf_in(&html).unwrap_or_default()
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client.post(self.url(path)).form(form).send().await.expect("POST")
    }

    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        let csrf = self.csrf("/login").await;
        self.post("/login", &[("csrf", &csrf), ("email", email), ("password", password)])
            .await
    }

    /// The most recent outbox message to an address.
    pub async fn last_mail_to(&self, to: &str) -> Option<settle_core::entities::outbox::Model> {
        use settle_core::entities::outbox;
        use settle_core::sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        outbox::Entity::find()
            .filter(outbox::Column::Recipient.eq(to))
            .order_by_desc(outbox::Column::Id)
            .one(&self.state.db)
            .await
            .expect("outbox query")
    }

    pub async fn mails_to(&self, to: &str) -> usize {
        use settle_core::entities::outbox;
        use settle_core::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
        outbox::Entity::find()
            .filter(outbox::Column::Recipient.eq(to))
            .count(&self.state.db)
            .await
            .expect("count") as usize
    }

    pub async fn cleanup(self) {
        if let Some((admin, name)) = self.pg_cleanup {
            self.state.db.clone().close().await.ok();
            if let Ok(conn) = Database::connect(&admin).await {
                let _ = conn
                    .execute_raw(Statement::from_string(
                        DbBackend::Postgres,
                        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                    ))
                    .await;
            }
        }
    }
}

/// Runs the `settle` binary in `dir` against the database `db`, with nothing else from the
/// environment and nothing on standard input.
pub fn settle_cli(dir: &std::path::Path, db: &str, args: &[&str]) -> std::process::Output {
    settle_cli_input(dir, db, args, None)
}

/// The same, with `input` on standard input.
pub fn settle_cli_input(dir: &std::path::Path, db: &str, args: &[&str], input: Option<&str>) -> std::process::Output {
    settle_cli_env(dir, db, args, input, &[])
}

/// The same, with these settings in the environment too.
pub fn settle_cli_env(
    dir: &std::path::Path,
    db: &str,
    args: &[&str],
    input: Option<&str>,
    env: &[(&str, &str)],
) -> std::process::Output {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_settle"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("SETTLE_DATABASE_URL", db)
        .envs(env.iter().copied())
        .stdin(if input.is_some() {
            std::process::Stdio::piped()
        } else {
            std::process::Stdio::null()
        })
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("settle runs");
    if let (Some(text), Some(mut stdin)) = (input, child.stdin.take()) {
        stdin.write_all(text.as_bytes()).expect("stdin");
    }
    child.wait_with_output().expect("settle ends")
}

/// The CSRF token of the form that posts to `action`.
pub fn csrf_for(html: &str, action: &str) -> Option<String> {
    let i = html.find(&format!("action=\"{action}\""))?;
    csrf_in(&html[i..])
}

pub fn csrf_in(html: &str) -> Option<String> {
    let i = html.find("name=\"csrf\" value=\"")?;
    let rest = &html[i + 19..];
    Some(rest[..rest.find('"')?].to_string())
}

pub fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// The path and query of the first link in a mail body.
pub fn link_in(body: &str) -> String {
    let start = body.find("http").expect("a link");
    let link = body[start..].split_whitespace().next().expect("link");
    let after_scheme = &link[link.find("://").expect("scheme") + 3..];
    after_scheme[after_scheme.find('/').expect("path")..].to_string()
}

/// The path and query of a URL (what a browser asks our server for).
pub fn path_of(url: &str) -> String {
    match url.find("://") {
        Some(i) => {
            let rest = &url[i + 3..];
            rest[rest.find('/').unwrap_or(rest.len())..].to_string()
        }
        None => url.to_string(),
    }
}

/// Clicks a button on the sandbox provider's page; returns where the browser goes next.
pub async fn sandbox_click(app: &TestApp, sandbox_path: &str, action: &str) -> String {
    let html = app.html(sandbox_path).await;
    assert!(
        html.contains("TESTMODUS") || html.contains("TEST MODE"),
        "marked as test mode"
    );
    let csrf = csrf_in(&html).unwrap();
    let res = app.post(sandbox_path, &[("csrf", &csrf), ("action", action)]).await;
    assert_eq!(res.status(), 303);
    path_of(&location(&res))
}

/// A multipart/form-data body, written out so the test sends exactly what a browser would.
pub fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    multipart_named(fields, file.map(|(name, bytes)| ("attachment", name, bytes)))
}

/// A multipart body; the file part as (field, file name, bytes).
pub fn multipart_named(fields: &[(&str, &str)], file: Option<(&str, &str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "----settletestboundary7MA4YWxk";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    if let Some((field, filename, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Posts a multipart form in `app`'s browser.
pub async fn post_multipart(
    app: &TestApp,
    path: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &str, &[u8])>,
) -> reqwest::Response {
    let (content_type, body) = multipart_named(fields, file);
    app.client
        .post(app.url(path))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}

pub async fn post_dispute(
    app: &TestApp,
    number: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> reqwest::Response {
    let file = file.map(|(name, bytes)| ("attachment", name, bytes));
    post_multipart(app, &format!("/invoices/{number}/dispute"), fields, file).await
}

/// An invoice by its number (numbers are unique across the demo tenants).
pub async fn invoice_no(app: &TestApp, number: &str) -> settle_core::entities::invoice::Model {
    use settle_core::entities::invoice;
    use settle_core::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    invoice::Entity::find()
        .filter(invoice::Column::Number.eq(number))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
}

/// The outgoing events so far, oldest first: (type, data).
pub async fn events_of(app: &TestApp) -> Vec<(String, serde_json::Value)> {
    use settle_core::entities::outgoing_event;
    use settle_core::sea_orm::{EntityTrait, QueryOrder};
    outgoing_event::Entity::find()
        .order_by_asc(outgoing_event::Column::Id)
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.kind, serde_json::from_str(&e.payload).unwrap()))
        .collect()
}

/// A debtor by their email address.
pub async fn customer_by_email(app: &TestApp, email: &str) -> settle_core::entities::customer::Model {
    use settle_core::entities::customer;
    use settle_core::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    customer::Entity::find()
        .filter(customer::Column::Email.eq(email))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
}

/// Steps up from the demo payment link with the code it emails: a session that is not a
/// full login.
pub async fn step_up_with_pay_link(app: &TestApp) {
    let path = format!("/pay/{}", settle_core::demo::DEMO_PAY_TOKEN);
    let csrf = csrf_for(&app.html(&path).await, &format!("{path}/code")).unwrap();
    app.post(&format!("{path}/code"), &[("csrf", &csrf)]).await;
    let mail = app.last_mail_to("demo@settle.test").await.unwrap();
    let code = six_digits(&mail.body_text).expect("a code in the mail");
    app.post(&format!("{path}/verify"), &[("csrf", &csrf), ("code", &code)])
        .await;
}

/// The first run of exactly six digits in a text (a one-time code; never in a subject).
pub fn six_digits(text: &str) -> Option<String> {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|run| run.len() == 6)
        .map(str::to_string)
}

/// A debtor's row as it is now.
pub async fn customer_now(app: &TestApp, id: i64) -> settle_core::entities::customer::Model {
    use settle_core::sea_orm::EntityTrait;
    settle_core::entities::customer::Entity::find_by_id(id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
}

/// A webhook endpoint of the demo tenant (to hooks.example.com, every event), its signing
/// secret sealed with `keys`; the endpoint and the secret as shown once.
pub async fn demo_webhook(app: &TestApp, keys: &Keys) -> (settle_core::entities::webhook_endpoint::Model, String) {
    use settle_core::entities::webhook_endpoint;
    use settle_core::sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let tenant = app.tenant().await;
    let policy = settle_core::webhooks::Policy {
        production: false,
        allow_private: false,
    };
    let made = settle_core::webhooks::create(
        &app.state.db,
        keys,
        policy,
        tenant.id,
        "https://hooks.example.com/settle",
        &["*".to_string()],
        start_time(),
    )
    .await
    .expect("webhook");
    let row = webhook_endpoint::Entity::find()
        .filter(webhook_endpoint::Column::TenantId.eq(tenant.id))
        .order_by_desc(webhook_endpoint::Column::Id)
        .one(&app.state.db)
        .await
        .expect("query")
        .expect("the endpoint");
    (row, made.secret.unwrap_or_default())
}
