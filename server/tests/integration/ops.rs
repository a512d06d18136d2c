//! Operability: liveness and readiness (migrations current), Prometheus metrics with request
//! latency by route and the outbox's depth, request ids, and `settle backup`.
use crate::support::*;
use settle_core::sea_orm::{ConnectionTrait, Statement};

#[tokio::test]
async fn health_says_live_and_ready_and_not_ready_with_a_migration_pending() {
    let app = spawn_app().await;
    for path in ["/health/live", "/health/ready", "/health"] {
        let res = client()
            .get(app.url(path))
            .header("host", "unknown.example")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{path} answers on any host");
    }
    // A migration recorded as not applied: not ready, still live.
    let db = &app.state.db;
    let backend = db.get_database_backend();
    let last: String = db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT version FROM seaql_migrations ORDER BY version DESC LIMIT 1",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get("", "version")
        .unwrap();
    db.execute_raw(Statement::from_string(
        backend,
        format!("DELETE FROM seaql_migrations WHERE version = '{last}'"),
    ))
    .await
    .unwrap();
    let ready = client().get(app.url("/health/ready")).send().await.unwrap();
    assert_eq!(ready.status(), 503);
    assert_eq!(ready.text().await.unwrap(), "migrations pending");
    assert_eq!(
        client().get(app.url("/health/live")).send().await.unwrap().status(),
        200
    );
    // The reverse proxy asks before getting a certificate: only tenants' host names.
    let ask = |domain: &'static str| {
        let url = app.url(&format!("/tls/ask?domain={domain}"));
        async move { client().get(url).send().await.unwrap().status().as_u16() }
    };
    assert_eq!(ask("localhost").await, 200);
    assert_eq!(ask("evil.example").await, 404);
    app.cleanup().await;
}

#[tokio::test]
async fn metrics_show_request_latency_by_route_and_the_outbox_and_requests_get_an_id() {
    let app = spawn_app().await;
    let page = app.get("/login").await;
    let id = page
        .headers()
        .get("x-request-id")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(id.len() >= 12, "{id}");
    // A proxy's id is kept; a strange one is replaced.
    let kept = client()
        .get(app.url("/health/live"))
        .header("x-request-id", "lb-7f3a-42")
        .send()
        .await
        .unwrap();
    assert_eq!(kept.headers()["x-request-id"], "lb-7f3a-42");
    let replaced = client()
        .get(app.url("/health/live"))
        .header("x-request-id", "<script>")
        .send()
        .await
        .unwrap();
    assert_ne!(replaced.headers()["x-request-id"], "<script>");
    // Tokens in paths never become labels: a payment link counts under its pattern.
    app.get("/pay/not-a-real-token-abcdef").await;
    let text = client()
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains(r#"settle_http_request_duration_seconds_count{method="GET",route="/login",status="2xx"}"#),
        "{text}"
    );
    assert!(text.contains(r#"route="/pay/"#), "{text}");
    assert!(!text.contains("not-a-real-token"), "no token in the metrics");
    for name in [
        "settle_outbox_pending ",
        "settle_outbox_due ",
        "settle_outbox_oldest_due_age_seconds ",
        "settle_webhook_deliveries_failed ",
        "settle_scheduler_lag_seconds ",
        "settle_messages_sent_total",
        "settle_process_resident_memory_bytes ",
        r#"settle_db_pool_connections{pool="queries",state="open"}"#,
    ] {
        assert!(text.contains(name), "{name} missing: {text}");
    }
    if postgres() {
        // The payment-link view above ran on the lookups' own pool.
        let open = text
            .lines()
            .find_map(|l| l.strip_prefix(r#"settle_db_pool_connections{pool="lookups",state="open"} "#))
            .and_then(|v| v.parse::<f64>().ok());
        assert!(open.is_some_and(|n| n >= 1.0), "lookups' pool: {text}");
        assert!(text.contains("settle_db_lookups_waiting 0"), "{text}");
    }
    app.cleanup().await;
}

#[tokio::test]
async fn settle_backup_writes_a_consistent_copy_of_a_sqlite_database() {
    let app = spawn_app().await;
    let dir = std::env::temp_dir().join(format!("settle-backup-{}", unique()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = settle_cli(&dir, &app.db_url, &["backup", "copy.db"]);
    if postgres() {
        // pg_dump's job: the command says so and writes nothing.
        assert_eq!(out.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&out.stderr).contains("pg_dump"));
        assert!(!dir.join("copy.db").exists());
        app.cleanup().await;
        return;
    }
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let copy = format!("sqlite://{}?mode=rw", dir.join("copy.db").display());
    let conn = settle_core::db::connect(&settle_core::db::DatabaseUrl::parse(&copy).unwrap())
        .await
        .unwrap();
    let row = conn
        .query_one_raw(Statement::from_string(
            conn.get_database_backend(),
            "SELECT COUNT(*) AS n FROM invoices",
        ))
        .await
        .unwrap()
        .unwrap();
    let n: i64 = row.try_get("", "n").unwrap();
    assert!(n > 0, "the demo invoices are in the copy");
    // An existing file is never overwritten.
    let again = settle_cli(&dir, &app.db_url, &["backup", "copy.db"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));
    app.cleanup().await;
}

/// More requests at once than an instance works on (admission keeps 128 in progress): the rest
/// wait their turn and every one is answered; nobody gets an error.
#[tokio::test]
async fn a_crowd_of_payment_link_visitors_is_served_in_turn() {
    let app = spawn_app().await;
    let proxied = app.behind_proxy().await;
    let link = proxied.url("/pay/demo-pay-link-7f3c9a1e5b2d4f60a8c1e9d7");
    let crowd = (0..300).map(|i| {
        let (client, link) = (proxied.client.clone(), link.clone());
        tokio::spawn(async move {
            client
                .get(link)
                .header("x-forwarded-for", format!("198.18.{}.{}", i / 200, i % 200 + 1))
                .send()
                .await
                .map(|r| r.status().as_u16())
        })
    });
    let statuses: Vec<u16> = futures_util::future::join_all(crowd)
        .await
        .into_iter()
        .map(|r| r.unwrap().unwrap_or(0))
        .collect();
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    app.cleanup().await;
}
