//! Every hot query finds its rows through an index, on SQLite and on Postgres. Each query here
//! is the shape the code sends (named beside it). SQLite: no bare `SCAN table` in the plan.
//! Postgres: with sequential scans priced out (`enable_seqscan = off`, as a big table would
//! make them), no `Seq Scan` is left, so an index can serve the query.
use crate::support::*;
use settle_core::sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};

const T: &str = "'2026-11-23 09:00:00+00:00'";

fn hot() -> Vec<(&'static str, String)> {
    vec![
        ("tenant by host (tenant::resolve)", "SELECT tenant_id FROM tenant_hosts WHERE hostname = 'localhost'".into()),
        ("session (session_store::load)", "SELECT * FROM sessions WHERE id = 'x'".into()),
        ("debtor's invoices (services::invoices)", "SELECT id FROM invoices WHERE tenant_id = 1 AND customer_id = 7".into()),
        ("invoice by number (API, import)", "SELECT id FROM invoices WHERE tenant_id = 1 AND number = '2026-0003'".into()),
        ("payment link or login token (tokens)", "SELECT id FROM one_time_tokens WHERE token_hash = 'x'".into()),
        ("login (portal account by email)", "SELECT id FROM portal_accounts WHERE tenant_id = 1 AND email = 'x'".into()),
        ("customer by number (API, import)", "SELECT id FROM customers WHERE tenant_id = 1 AND customer_number = 'x'".into()),
        ("reference of a transfer (matching)", "SELECT id FROM payment_references WHERE tenant_id = 1 AND reference = 'RF18x'".into()),
        ("payment booked once (booking::Known)", "SELECT id FROM payments WHERE tenant_id = 1 AND dedup_key = 'x'".into()),
        ("API key (api_keys::authenticate)", "SELECT id FROM api_keys WHERE key_hash = 'x'".into()),
        ("idempotency key (api::idempotency)", "SELECT id FROM idempotency_keys WHERE tenant_id = 1 AND api_key_id = 1 AND idem_key = 'x'".into()),
        ("due messages (outbox::dispatch)", format!("SELECT id FROM outbox WHERE status IN ('pending', 'sending') AND next_attempt_at <= {T} ORDER BY next_attempt_at LIMIT 200")),
        ("queued messages of a settled invoice (booking)", "SELECT id FROM outbox WHERE invoice_id = 1 AND status = 'pending'".into()),
        ("due reminders (issue::issue_due)", format!("SELECT id FROM reminders WHERE status = 'planned' AND send_after <= {T} ORDER BY send_after, id LIMIT 500")),
        ("due dunning steps (planner)", "SELECT id FROM invoices WHERE tenant_id = 1 AND dunning_next_day <= 20000 AND status = 'open' AND dunning_hold IS NULL".into()),
        ("events to hand to webhooks (webhooks::fan_out)", "SELECT id FROM outgoing_events WHERE delivered_at IS NULL ORDER BY id LIMIT 5000".into()),
        ("event feed (GET /api/v1/events)", "SELECT id FROM outgoing_events WHERE tenant_id = 1 AND id > 5 ORDER BY id LIMIT 50".into()),
        ("due webhook deliveries (webhooks::deliver_due)", format!("SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= {T} ORDER BY next_attempt_at LIMIT 50")),
        ("a message's events (timeline)", "SELECT id FROM message_events WHERE outbox_id = 1".into()),
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
            for (what, sql) in hot() {
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
            for (what, sql) in hot() {
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
                if bare_scan {
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
