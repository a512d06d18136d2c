//! Operations: `/health/live` (the process answers), `/health/ready` (the database answers and
//! its migrations are current; `/health` is the same), `/metrics` (Prometheus text format:
//! request latency by route, outbox depth and age, messages sent per channel, scheduler lag,
//! webhook failures, memory), `/tls/ask` for a reverse proxy's on-demand certificates, and
//! the request middleware that gives every request an id,
//! times it by route and logs one line without the path (tokens live in paths).
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{web, Error, HttpMessage, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use prometheus::{Encoder, Gauge, GaugeVec, HistogramOpts, HistogramVec, IntGauge, Opts, Registry, TextEncoder};
use settle_core::entities::{outbox, webhook_delivery};
use settle_core::sea_orm::sea_query::{Expr, ExprTrait};
use settle_core::sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect, Statement,
};
use settle_core::state::AppState;
use settle_migrations::MigratorTrait;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::LazyLock;
use std::time::Instant;
use tracing::Instrument;

/// Who may read `/metrics`: with a token, whoever presents it; without, loopback only.
#[derive(Clone, Default)]
pub struct MetricsAccess(pub Option<String>);

/// The id of a request, in its log lines and its `X-Request-Id` answer header.
#[derive(Clone)]
pub struct RequestId(pub String);

fn request_id_header() -> HeaderName {
    HeaderName::from_static("x-request-id")
}

static HTTP_SECONDS: LazyLock<HistogramVec> = LazyLock::new(|| {
    let opts = HistogramOpts::new(
        "settle_http_request_duration_seconds",
        "Time to answer a request, by method, route pattern and status class",
    )
    .buckets(vec![
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
    ]);
    let h = HistogramVec::new(opts, &["method", "route", "status"]).unwrap_or_else(|_| unreachable!("valid"));
    if let Err(e) = prometheus::register(Box::new(h.clone())) {
        tracing::error!(error = %e, "request histogram not registered");
    }
    h
});

/// When this instance's scheduler last finished a round (unix seconds; 0: not yet).
static SCHEDULER_TICK: AtomicI64 = AtomicI64::new(0);

/// The workers call this after every round.
pub fn scheduler_ticked(at: DateTime<Utc>) {
    SCHEDULER_TICK.store(at.timestamp(), Ordering::Relaxed);
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/health", web::get().to(ready))
        .route("/health/live", web::get().to(live))
        .route("/health/ready", web::get().to(ready))
        .route("/metrics", web::get().to(metrics))
        .route("/tls/ask", web::get().to(tls_ask));
}

/// Paths answered the same on every host (no tenant needed).
pub fn tenantless(path: &str) -> bool {
    path == "/health" || path.starts_with("/health/") || path == "/metrics" || path == "/tls/ask"
}

#[derive(serde::Deserialize)]
struct Ask {
    domain: String,
}

/// For a reverse proxy that gets certificates on demand (Caddy's `on_demand_tls ask`): 200 for
/// a host name some tenant is served under, else 404, so nobody gets certificates issued for
/// names that merely point here.
async fn tls_ask(state: web::Data<AppState>, q: web::Query<Ask>) -> HttpResponse {
    match state.tenants.resolve(&state.db, q.domain.trim()).await {
        Ok(Some(_)) => text(HttpResponse::Ok(), "ok"),
        Ok(None) => HttpResponse::NotFound().finish(),
        Err(_) => text(HttpResponse::ServiceUnavailable(), "database unavailable"),
    }
}

fn text(mut res: actix_web::HttpResponseBuilder, body: &'static str) -> HttpResponse {
    res.content_type("text/plain")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body)
}

async fn live() -> HttpResponse {
    text(HttpResponse::Ok(), "ok")
}

async fn ready(state: web::Data<AppState>) -> HttpResponse {
    if state.db.ping().await.is_err() {
        return text(HttpResponse::ServiceUnavailable(), "database unavailable");
    }
    // Read-only, and content with migrations a newer instance applied already (a rolling
    // deploy): ready when every migration this binary knows is in place.
    let applied = state
        .db
        .query_all_raw(Statement::from_string(
            state.db.get_database_backend(),
            "SELECT version FROM seaql_migrations",
        ))
        .await;
    let Ok(applied) = applied else {
        return text(HttpResponse::ServiceUnavailable(), "migrations pending");
    };
    let applied: std::collections::HashSet<String> = applied
        .iter()
        .filter_map(|r| r.try_get::<String>("", "version").ok())
        .collect();
    let known = settle_migrations::Migrator::migrations();
    if known.iter().all(|m| applied.contains(m.name())) {
        text(HttpResponse::Ok(), "ok")
    } else {
        text(HttpResponse::ServiceUnavailable(), "migrations pending")
    }
}

fn allowed(req: &HttpRequest, access: &MetricsAccess) -> bool {
    match &access.0 {
        Some(token) => req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|given| settle_core::tokens::constant_time_eq(given.trim(), token)),
        // Loopback, and not relayed: a reverse proxy on the same host connects from loopback
        // too, but says whom it relays for.
        None => {
            let relayed = ["x-forwarded-for", "forwarded", "x-real-ip"]
                .iter()
                .any(|h| req.headers().contains_key(*h));
            !relayed && req.peer_addr().is_some_and(|a| a.ip().is_loopback())
        }
    }
}

async fn metrics(req: HttpRequest, state: web::Data<AppState>, access: web::Data<MetricsAccess>) -> HttpResponse {
    if !allowed(&req, &access) {
        return HttpResponse::NotFound().finish();
    }
    let now = state.clock.now();
    let gauges = match database_gauges(&state, now).await {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, "metrics: database figures failed");
            return text(HttpResponse::ServiceUnavailable(), "database unavailable");
        }
    };
    let mut families = prometheus::gather();
    families.extend(gauges.gather());
    let mut out = Vec::new();
    if TextEncoder::new().encode(&families, &mut out).is_err() {
        return HttpResponse::InternalServerError().finish();
    }
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(out)
}

fn gauge(registry: &Registry, name: &str, help: &str, value: f64) {
    let g = Gauge::new(name, help).unwrap_or_else(|_| unreachable!("valid"));
    g.set(value);
    let _ = registry.register(Box::new(g));
}

/// What the database holds now (across all instances), and this process's own figures.
async fn database_gauges(state: &AppState, now: DateTime<Utc>) -> Result<Registry, settle_core::sea_orm::DbErr> {
    let r = Registry::new();
    let pending = outbox::Entity::find()
        .filter(outbox::Column::Status.eq("pending"))
        .count(&state.system_db)
        .await?;
    gauge(
        &r,
        "settle_outbox_pending",
        "Messages waiting in the outbox, due or not",
        pending as f64,
    );
    let (due, oldest): (i64, Option<DateTime<Utc>>) = outbox::Entity::find()
        .select_only()
        .column_as(Expr::col(outbox::Column::Id).count(), "n")
        .column_as(Expr::col(outbox::Column::NextAttemptAt).min(), "oldest")
        .filter(outbox::Column::Status.eq("pending"))
        .filter(outbox::Column::NextAttemptAt.lte(now))
        .into_tuple()
        .one(&state.system_db)
        .await?
        .unwrap_or((0, None));
    gauge(&r, "settle_outbox_due", "Messages due to be sent now", due as f64);
    let age = oldest.map_or(0.0, |t| Ord::max((now - t).num_milliseconds(), 0) as f64 / 1000.0);
    gauge(
        &r,
        "settle_outbox_oldest_due_age_seconds",
        "How long the oldest due message has waited",
        age,
    );
    let count = |status: &'static str| {
        webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::Status.eq(status))
            .count(&state.system_db)
    };
    gauge(
        &r,
        "settle_webhook_deliveries_pending",
        "Webhook deliveries waiting for their (next) attempt",
        count("pending").await? as f64,
    );
    gauge(
        &r,
        "settle_webhook_deliveries_failed",
        "Webhook deliveries given up after 3 days",
        count("failed").await? as f64,
    );
    let tick = SCHEDULER_TICK.load(Ordering::Relaxed);
    let lag = if tick == 0 {
        -1.0
    } else {
        (now.timestamp() - tick) as f64
    };
    gauge(
        &r,
        "settle_scheduler_lag_seconds",
        "Seconds since this instance's scheduler last finished a round (-1: not yet)",
        lag,
    );
    pool_gauges(&r, state);
    let rss = IntGauge::new(
        "settle_process_resident_memory_bytes",
        "Resident memory of this process",
    )
    .unwrap_or_else(|_| unreachable!("valid"));
    rss.set(resident_bytes());
    let _ = r.register(Box::new(rss));
    Ok(r)
}

/// This instance's database connections: the requests' pool (`queries`) and, on Postgres, the
/// payment-link and session lookups' own pool (`lookups`), with the lookups waiting for one.
fn pool_gauges(r: &Registry, state: &AppState) {
    let opts = Opts::new(
        "settle_db_pool_connections",
        "Database connections of this instance, by pool, open and of them idle",
    );
    let Ok(pools) = GaugeVec::new(opts, &["pool", "state"]) else {
        return;
    };
    let (open, idle) = match state.db.get_database_backend() {
        DbBackend::Postgres => {
            let p = state.db.get_postgres_connection_pool();
            (p.size() as f64, p.num_idle() as f64)
        }
        _ => {
            let p = state.db.get_sqlite_connection_pool();
            (p.size() as f64, p.num_idle() as f64)
        }
    };
    pools.with_label_values(&["queries", "open"]).set(open);
    pools.with_label_values(&["queries", "idle"]).set(idle);
    if let Some((open, idle, waiting)) = state.hot.status() {
        pools.with_label_values(&["lookups", "open"]).set(open as f64);
        pools.with_label_values(&["lookups", "idle"]).set(idle as f64);
        gauge(
            r,
            "settle_db_lookups_waiting",
            "Payment-link and session lookups waiting for a connection",
            waiting as f64,
        );
    }
    let _ = r.register(Box::new(pools));
}

fn resident_bytes() -> i64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<i64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

/// Route patterns of recently seen paths. Actix finds a request's pattern by matching its path
/// against every route again (regular expressions: about 85 us a request here, 13 % of the
/// invoice page's throughput), so the answer is remembered per path; the map is emptied when
/// it holds 4,096 paths (payment-link tokens make every such path new).
static ROUTES: LazyLock<std::sync::Mutex<std::collections::HashMap<String, String>>> = LazyLock::new(Default::default);

/// Routes whose one dynamic segment is a token or a tracking id: every such path is new, so
/// their pattern is named here instead of being looked up (or remembered).
/// (prefix, dynamic segments after it, pattern)
const TOKEN_ROUTES: [(&str, usize, &str); 5] = [
    ("/pay/", 1, "/pay/{token}"),
    ("/u/", 1, "/u/{token}"),
    ("/t/c/", 1, "/t/c/{id}"),
    ("/t/o/", 1, "/t/o/{id}"),
    ("/qr/epc/", 2, "/qr/epc/{reference}/{file}"),
];

fn route_of(req: &HttpRequest) -> String {
    let path = req.path();
    for (prefix, segments, pattern) in TOKEN_ROUTES {
        if let Some(rest) = path.strip_prefix(prefix) {
            if rest.split('/').count() == segments && !rest.split('/').any(str::is_empty) {
                return pattern.to_string();
            }
        }
    }
    if let Some(r) = ROUTES.lock().ok().and_then(|m| m.get(path).cloned()) {
        return r;
    }
    let route = req.match_pattern().unwrap_or_else(|| "unmatched".into());
    if let Ok(mut m) = ROUTES.lock() {
        if m.len() >= 4_096 {
            m.clear();
        }
        m.insert(path.to_string(), route.clone());
    }
    route
}

/// A caller's own request id when it is a sane one (a proxy's), else a new one.
fn request_id(req: &ServiceRequest) -> String {
    req.headers()
        .get(request_id_header())
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 64)
        .filter(|v| v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        .map(str::to_string)
        .unwrap_or_else(|| settle_core::tokens::random_b64(12))
}

/// Gives the request an id, times it by route pattern, and logs one line: method, route
/// pattern (never the path itself, which may hold a token), status and milliseconds.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let id = request_id(&req);
    let quiet = tenantless(req.path());
    let started = Instant::now();
    // Any token is a method to Actix: only the standard ones become labels.
    let method = match req.method().as_str() {
        m @ ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS") => m,
        _ => "OTHER",
    }
    .to_string();
    req.extensions_mut().insert(RequestId(id.clone()));
    let span = tracing::info_span!("request", id = %id);
    let mut res = next.call(req).instrument(span.clone()).await?;
    let route = route_of(res.request());
    let status = res.status().as_u16();
    let secs = started.elapsed().as_secs_f64();
    let class = format!("{}xx", status / 100);
    HTTP_SECONDS
        .with_label_values(&[method.as_str(), route.as_str(), class.as_str()])
        .observe(secs);
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(request_id_header(), v);
    }
    span.in_scope(|| {
        let ms = (secs * 1000.0 * 10.0).round() / 10.0;
        if status >= 500 {
            tracing::warn!(method, route, status, ms, "request");
        } else if quiet {
            tracing::debug!(method, route, status, ms, "request");
        } else {
            tracing::info!(method, route, status, ms, "request");
        }
    });
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn from(ip: &str, auth: Option<&str>) -> HttpRequest {
        let mut r = TestRequest::get()
            .uri("/metrics")
            .peer_addr(format!("{ip}:5000").parse().unwrap());
        if let Some(a) = auth {
            r = r.insert_header((header::AUTHORIZATION, a));
        }
        r.to_http_request()
    }

    #[test]
    fn metrics_need_the_token_when_one_is_set_else_loopback() {
        let open = MetricsAccess(None);
        assert!(allowed(&from("127.0.0.1", None), &open));
        assert!(!allowed(&from("203.0.113.9", None), &open), "not from elsewhere");
        let guarded = MetricsAccess(Some("a-long-metrics-token".into()));
        assert!(
            !allowed(&from("127.0.0.1", None), &guarded),
            "the token, also on loopback"
        );
        assert!(!allowed(&from("203.0.113.9", Some("Bearer wrong-token")), &guarded));
        assert!(allowed(
            &from("203.0.113.9", Some("Bearer a-long-metrics-token")),
            &guarded
        ));
    }
}
