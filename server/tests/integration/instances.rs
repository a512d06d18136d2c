//! Several `settle serve` instances on one database: a session made on one is valid on the
//! other; both run the scheduler at once and every message goes out exactly once; a payment
//! booked through one stops a message the other was about to send.
use crate::support::dunning::*;
use crate::support::smtp::smtp_sink;
use crate::support::*;
use serde_json::json;
use settle_core::api_keys::{self, Scope};
use settle_core::dunning::{issue, run};
use settle_core::entities::outbox;
use settle_core::outbox::{dispatch, Mailer, Senders};
use settle_core::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

#[tokio::test]
async fn two_instances_share_sessions_send_each_message_once_and_heed_each_others_payments() {
    let a = spawn_app().await;
    let b = a.second_instance().await;

    // A debtor logs in through A; the load balancer sends the next request to B.
    let login = a.login("demo@settle.test", "demo-password-1").await;
    assert_eq!(login.status(), 303);
    let on_b = a.client.get(b.url("/invoices")).send().await.unwrap();
    assert_eq!(on_b.status(), 200, "the session made on A is valid on B");
    assert!(on_b.text().await.unwrap().contains("2026-0003"));
    let stranger = client().get(b.url("/invoices")).send().await.unwrap();
    assert_ne!(stranger.status(), 200, "and nobody else's");

    // Twelve debtors are due a reminder; both instances run their scheduler at the same moment,
    // twice. Each reminder goes out once.
    one_step_plan(
        &a,
        &OneStep {
            tag: "twins",
            offset_days: 7,
            kind: "reminder",
            channels: "email",
            fee: "none",
            interest: "none",
        },
    )
    .await;
    let mut invoices = Vec::new();
    for _ in 0..12 {
        let inv = invoice_due(&a, "2026-11-14", 5_000, &EMAIL_ONLY).await;
        tag_debtor(&a, &inv, "twins").await;
        invoices.push(inv);
    }
    let sink = smtp_sink().await;
    let senders = Senders::from(Mailer::from_url(&sink.url(), "Settle <no-reply@settle.test>").unwrap());
    for _ in 0..2 {
        let (ra, rb) = tokio::join!(
            run::once(&a.state.db, &senders, monday(), Some("demo"), false),
            run::once(&b.state.db, &senders, monday(), Some("demo"), false),
        );
        ra.unwrap();
        rb.unwrap();
    }
    for inv in &invoices {
        let sent: Vec<outbox::Model> = messages_of(&a, inv).await;
        assert_eq!(sent.len(), 1, "one reminder for {}", inv.number);
        let copies = sink
            .messages()
            .iter()
            .filter(|m| m.contains(sent[0].message_id.as_deref().unwrap()))
            .count();
        assert_eq!(copies, 1, "sent once: {}", inv.number);
    }
    // Nothing twice at all (the demo tenant's own debtors were due too).
    let sent = outbox::Entity::find()
        .filter(outbox::Column::Status.eq("sent"))
        .count(&a.state.db)
        .await
        .unwrap();
    assert_eq!(sink.messages().len() as u64, sent);

    // One more debtor: A queues the reminder; before A sends it, the debtor pays through B.
    let late = invoice_due(&a, "2026-11-14", 5_000, &EMAIL_ONLY).await;
    tag_debtor(&a, &late, "twins").await;
    plan(&a, monday()).await;
    issue::issue_due(&a.state.db, monday(), None, 500).await.unwrap();
    let queued = messages_of(&a, &late).await;
    assert_eq!((queued.len(), queued[0].status.as_str()), (1, "pending"));
    let tenant = b.tenant().await.id;
    let (_, key) = api_keys::create(&b.state.db, tenant, "erp", Scope::Write, "cli", monday())
        .await
        .unwrap();
    let paid = b
        .client
        .post(b.url("/api/v1/payments"))
        .bearer_auth(&key)
        .header("idempotency-key", "twin-pay")
        .json(&json!({"external_id": "TWIN-1", "amount": "50.00", "received_on": "2026-11-23", "invoice_number": late.number}))
        .send()
        .await
        .unwrap();
    assert_eq!(paid.status(), 201);
    let before = sink.messages().len();
    dispatch(&a.state.db, &senders, monday(), 50).await.unwrap();
    assert_eq!(sink.messages().len(), before, "nothing goes out for a paid invoice");
    let cancelled = outbox::Entity::find()
        .filter(outbox::Column::Id.eq(queued[0].id))
        .filter(outbox::Column::Status.eq("cancelled"))
        .count(&a.state.db)
        .await
        .unwrap();
    assert_eq!(cancelled, 1);
    a.cleanup().await;
}

#[tokio::test]
async fn guesses_at_one_account_count_on_every_instance() {
    let a = spawn_app().await;
    let b = a.second_instance().await;
    // Five wrong passwords through each instance: each instance alone would allow ten.
    for _ in 0..5 {
        a.login("demo@settle.test", "wrong-password").await;
        b.login("demo@settle.test", "wrong-password").await;
    }
    // Ten guesses in all: the right password is refused on either instance for now.
    b.login("demo@settle.test", "demo-password-1").await;
    assert!(b.html("/login").await.contains("Te veel pogingen"));
    assert_eq!(b.get("/invoices").await.status(), 302);
    // Another account is not affected.
    let other = a.other_browser();
    assert_eq!(other.login("other@settle.test", "demo-password-1").await.status(), 303);
    a.cleanup().await;
}

/// A page view notes the session's new expiry in memory; the serve loop writes it, after which
/// every instance honours it. A write never moves an expiry back or revives a logged-out session.
#[tokio::test]
async fn session_refreshes_are_written_in_batches_and_honoured_by_every_instance() {
    use chrono::Duration;
    use settle_core::entities::session;
    use settle_server::workers::write_notes;
    let a = spawn_app().await;
    let b = a.second_instance().await;
    a.login("demo@settle.test", "demo-password-1").await;
    let row = || async {
        session::Entity::find()
            .filter(session::Column::CustomerId.is_not_null())
            .one(&a.state.db)
            .await
            .unwrap()
    };
    let at_login = row().await.expect("the session row");

    a.state.clock.advance(Duration::minutes(20));
    assert_eq!(a.get("/invoices").await.status(), 200);
    assert_eq!(
        row().await.unwrap().expires_at,
        at_login.expires_at,
        "the page view wrote nothing"
    );
    write_notes(&a.state).await;
    let refreshed = a.state.clock.now() + Duration::minutes(30);
    assert_eq!(
        row().await.unwrap().expires_at,
        refreshed,
        "the serve loop wrote the refresh"
    );

    // B had noted an older expiry of the same session: writing it leaves the newer one.
    b.state
        .session_refreshes
        .touch(&at_login.id, at_login.created_at, at_login.expires_at);
    write_notes(&b.state).await;
    assert_eq!(row().await.unwrap().expires_at, refreshed);

    // Past the login's 30 minutes: B honours the refresh A wrote.
    a.state.clock.advance(Duration::minutes(15));
    let on_b = a.client.get(b.url("/invoices")).send().await.unwrap();
    assert_eq!(on_b.status(), 200, "the session refreshed through A is alive on B");

    // B noted that view's refresh; the debtor logs out through A before B writes it.
    let csrf = a.csrf("/").await;
    a.post("/logout", &[("csrf", &csrf)]).await;
    write_notes(&b.state).await;
    assert!(
        row().await.is_none(),
        "a pending refresh does not revive a logged-out session"
    );
    a.cleanup().await;
}

/// A database failover or restart ends every pooled connection. Once they have been idle for a
/// second, the next requests, and the workers on the owner's pool, get fresh connections without
/// an error: such a connection is tested as it leaves the pool (on the application role's pool,
/// the tenant setting tests every one).
#[tokio::test]
async fn connections_the_database_ended_are_tested_and_replaced_before_use() {
    use settle_core::sea_orm::ConnectionTrait;
    if !postgres() {
        // A SQLite file has no server to drop its connections.
        return;
    }
    let app = spawn_app().await;
    assert_eq!(app.login("demo@settle.test", "demo-password-1").await.status(), 303);
    let owner = &app.state.system_db;
    let busy = || async {
        let each = || owner.execute_unprepared("SELECT pg_sleep(0.05)");
        let (a, b, c, d) = tokio::join!(each(), each(), each(), each());
        [a, b, c, d].into_iter().collect::<Result<Vec<_>, _>>()
    };
    busy().await.expect("four pooled connections");
    assert_eq!(app.get("/invoices").await.status(), 200);

    let ended: i64 = owner
        .query_one_raw(settle_core::sea_orm::Statement::from_string(
            owner.get_database_backend(),
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) AS ended FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
        ))
        .await
        .expect("end the other connections")
        .and_then(|row| row.try_get("", "ended").ok())
        .unwrap_or_default();
    assert!(ended >= 4, "the pools' connections were ended: {ended}");
    tokio::time::sleep(settle_core::db::PING_WHEN_IDLE_FOR + std::time::Duration::from_millis(200)).await;

    busy().await.expect("the owner's pool replaced its ended connections");
    for _ in 0..3 {
        assert_eq!(
            app.get("/invoices").await.status(),
            200,
            "requests get live connections"
        );
    }
    app.cleanup().await;
}
