//! Every hot query finds its rows through an index, on SQLite and on Postgres. Each query here
//! is the shape the code sends (named beside it). SQLite: no bare `SCAN table` in the plan.
//! Postgres: with sequential scans priced out (`enable_seqscan = off`, as a big table would
//! make them), no `Seq Scan` is left, so an index can serve the query. On SQLite, whose planner
//! goes by rules, the index must also search by the query's key column.
use crate::support::*;
use settle_core::sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};

const T: &str = "'2026-11-23 09:00:00+00:00'";

/// (what, the query, the column its index must search by: more than "some index", since a
/// planner may pick an index on the tenant alone and read all its rows; "" where any will do).
fn hot() -> Vec<(&'static str, String, &'static str)> {
    vec![
        ("tenant by host (tenant::resolve)", "SELECT tenant_id FROM tenant_hosts WHERE hostname = 'localhost'".into(), "hostname"),
        ("session with its debtor's name (session_store::load)", "SELECT s.state, c.name, c.language FROM sessions s LEFT JOIN customers c ON c.id = s.customer_id AND c.tenant_id = s.tenant_id WHERE s.id = 'x'".into(), "id"),
        ("debtor's invoices (services::invoices)", "SELECT id FROM invoices WHERE tenant_id = 1 AND customer_id = 7".into(), "customer_id"),
        ("invoice by number (API, import)", "SELECT id FROM invoices WHERE tenant_id = 1 AND number = '2026-0003'".into(), "number"),
        ("payment link page (paylinks::find_live_link: token, invoice, debtor, policy)", format!("SELECT t.id, i.id, c.name, p.allow_partial FROM one_time_tokens t JOIN customers c ON c.id = t.customer_id AND c.tenant_id = t.tenant_id LEFT JOIN invoices i ON i.id = t.invoice_id AND i.tenant_id = t.tenant_id AND i.customer_id = t.customer_id LEFT JOIN payment_settings p ON p.tenant_id = t.tenant_id WHERE t.tenant_id = 1 AND t.token_hash = 'x' AND t.purpose IN ('pay_link', 'plan_link') AND t.used_at IS NULL AND t.expires_at > {T} LIMIT 1"), "token_hash"),
        ("payment link or login token (auth::find_live_token)", format!("SELECT id FROM one_time_tokens WHERE tenant_id = 1 AND token_hash = 'x' AND purpose IN ('pay_link', 'plan_link') AND used_at IS NULL AND expires_at > {T}"), "token_hash"),
        ("login (portal account by email)", "SELECT id FROM portal_accounts WHERE tenant_id = 1 AND email = 'x'".into(), "email"),
        ("customer by number (API, import)", "SELECT id FROM customers WHERE tenant_id = 1 AND customer_number = 'x'".into(), "customer_number"),
        ("reference of a transfer (matching)", "SELECT id FROM payment_references WHERE tenant_id = 1 AND reference = 'RF18x'".into(), "reference"),
        ("payment booked once (booking::Known)", "SELECT id FROM payments WHERE tenant_id = 1 AND dedup_key = 'x'".into(), "dedup_key"),
        ("API key (api_keys::authenticate)", "SELECT id FROM api_keys WHERE key_hash = 'x'".into(), "key_hash"),
        ("idempotency key (api::idempotency)", "SELECT id FROM idempotency_keys WHERE tenant_id = 1 AND api_key_id = 1 AND idem_key = 'x'".into(), "idem_key"),
        ("due messages (outbox::dispatch)", format!("SELECT id FROM outbox WHERE status IN ('pending', 'sending') AND next_attempt_at <= {T} ORDER BY next_attempt_at LIMIT 200"), ""),
        ("queued messages of a settled invoice (booking)", "SELECT id FROM outbox WHERE invoice_id = 1 AND status = 'pending'".into(), "invoice_id"),
        ("due reminders (issue::issue_due)", format!("SELECT id FROM reminders WHERE status = 'planned' AND send_after <= {T} ORDER BY send_after, id LIMIT 500"), ""),
        ("due dunning steps (planner)", "SELECT id FROM invoices WHERE tenant_id = 1 AND dunning_next_day <= 20000 AND status = 'open' AND dunning_hold IS NULL".into(), ""),
        ("events to hand to webhooks (webhooks::fan_out)", "SELECT id FROM outgoing_events WHERE delivered_at IS NULL ORDER BY id LIMIT 5000".into(), ""),
        ("event feed (GET /api/v1/events)", "SELECT id FROM outgoing_events WHERE tenant_id = 1 AND id > 5 ORDER BY id LIMIT 50".into(), ""),
        ("due webhook deliveries (webhooks::deliver_due)", format!("SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= {T} ORDER BY next_attempt_at LIMIT 50"), ""),
        ("a message's events (timeline)", "SELECT id FROM message_events WHERE outbox_id = 1".into(), "outbox_id"),
    ]
}

#[tokio::test]
async fn every_hot_query_is_served_by_an_index() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let mut unindexed = Vec::new();
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let tx = db.begin().await.unwrap();
            tx.execute_unprepared("SET LOCAL enable_seqscan = off").await.unwrap();
            // The key column is checked on SQLite only: Postgres' planner weighs statistics, and
            // on these near-empty tables any index costs the same.
            for (what, sql, _) in hot() {
                let plan: Vec<String> = tx
                    .query_all_raw(Statement::from_string(DbBackend::Postgres, format!("EXPLAIN {sql}")))
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|r| r.try_get::<String>("", "QUERY PLAN").unwrap())
                    .collect();
                if plan.iter().any(|l| l.contains("Seq Scan")) {
                    unindexed.push(format!("{what}: {}", plan.join(" / ")));
                }
            }
        }
        _ => {
            for (what, sql, key) in hot() {
                let plan: Vec<String> = db
                    .query_all_raw(Statement::from_string(
                        DbBackend::Sqlite,
                        format!("EXPLAIN QUERY PLAN {sql}"),
                    ))
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|r| r.try_get::<String>("", "detail").unwrap())
                    .collect();
                let bare_scan = plan
                    .iter()
                    .any(|d| d.starts_with("SCAN ") && !d.contains("USING") && !d.contains("CONSTANT"));
                let rowid = key == "id" && plan.iter().any(|d| d.contains("rowid="));
                let searched = key.is_empty()
                    || rowid
                    || plan.iter().any(|d| {
                        d.starts_with("SEARCH") && (d.contains(&format!("({key}=")) || d.contains(&format!(" {key}=")))
                    });
                if bare_scan || !searched {
                    unindexed.push(format!("{what}: {}", plan.join(" / ")));
                }
            }
        }
    }
    assert!(
        unindexed.is_empty(),
        "queries without an index:\n{}",
        unindexed.join("\n")
    );
    app.cleanup().await;
}
