//! Signed outgoing webhooks against a real HTTP server on loopback: an endpoint made through
//! the API gets `invoice.paid`, signed with its secret; a failing endpoint is retried with
//! backoff; the delivery log shows the answers; redelivery; a rotated secret signs beside the
//! old one; private addresses are refused unless allowed in dev.
use crate::support::*;
use serde_json::{json, Value};
use settle_core::api_keys::{self, Scope};
use settle_core::webhooks::{deliver_due, fan_out, signature};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn post(app: &TestApp, key: &str, p: &str, idem: &str, body: Value) -> (u16, Value) {
    let res = app
        .client
        .post(app.url(p))
        .bearer_auth(key)
        .header("idempotency-key", idem)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn events_reach_the_endpoint_signed_and_a_failing_endpoint_is_retried() {
    let hook = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/hook"))
        .respond_with(ResponseTemplate::new(503).set_body_string("busy"))
        .up_to_n_times(1)
        .mount(&hook)
        .await;
    Mock::given(method("POST"))
        .and(path("/hook"))
        .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
        .mount(&hook)
        .await;
    let app = spawn_app_with(settle_core::state::RunMode::Dev, |s| s.webhook_allow_private = true).await;
    let tenant = app.tenant().await.id;
    let (_, key) = api_keys::create(&app.state.db, tenant, "erp", Scope::Write, "cli", app.state.clock.now())
        .await
        .unwrap();
    // Bad input: unknown event types, not http(s).
    let (status, body) = post(
        &app,
        &key,
        "/api/v1/webhooks",
        "w-0",
        json!({"url": "ftp://x", "events": ["invoice.eaten"]}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let (status, endpoint) = post(
        &app,
        &key,
        "/api/v1/webhooks",
        "w-1",
        json!({"url": format!("{}/hook", hook.uri()), "events": ["invoice.paid"]}),
    )
    .await;
    assert_eq!(status, 201, "{endpoint}");
    let secret = endpoint["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_"));
    let list = app
        .client
        .get(app.url("/api/v1/webhooks"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!list.contains(&secret), "never shown again");

    // A payment makes invoice.paid (and nothing this endpoint did not ask for).
    post(
        &app,
        &key,
        "/api/v1/payments",
        "p-1",
        json!({"external_id": "W-1", "amount": "42.50", "received_on": "2026-11-22", "invoice_number": "2026-0003"}),
    )
    .await;
    let db = &app.state.db;
    let policy = app.state.webhook_policy();
    let now = app.state.clock.now();
    assert_eq!(fan_out(db, now).await.unwrap(), 1);
    // The first attempt meets a 503: kept, retried a minute later, then delivered.
    assert_eq!(deliver_due(db, &app.state.keys, policy, now).await.unwrap(), 0);
    assert_eq!(
        deliver_due(db, &app.state.keys, policy, now).await.unwrap(),
        0,
        "not before its time"
    );
    let later = now + chrono::Duration::minutes(2);
    assert_eq!(deliver_due(db, &app.state.keys, policy, later).await.unwrap(), 1);
    let received = hook.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    let last = &received[1];
    let body = String::from_utf8(last.body.clone()).unwrap();
    let event: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (event["type"].clone(), event["data"]["invoice_number"].clone()),
        (json!("invoice.paid"), json!("2026-0003"))
    );
    let header = last
        .headers
        .get("settle-signature")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let t: i64 = header
        .split(',')
        .next()
        .unwrap()
        .trim_start_matches("t=")
        .parse()
        .unwrap();
    assert_eq!(
        header,
        signature(&[&secret], t, &body),
        "signed with the endpoint's secret"
    );
    // The log shows both answers.
    let id = endpoint["id"].as_i64().unwrap();
    let log: Value = app
        .client
        .get(app.url(&format!("/api/v1/webhooks/{id}/deliveries")))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            log[0]["status"].clone(),
            log[0]["attempts"].clone(),
            log[0]["last_status"].clone()
        ),
        (json!("delivered"), json!(2), json!(200))
    );
    // Redelivered on request; after a rotation both secrets sign.
    let (status, rotated) = post(&app, &key, &format!("/api/v1/webhooks/{id}/rotate"), "r-1", json!({})).await;
    assert_eq!(status, 200);
    let delivery = log[0]["id"].as_i64().unwrap();
    let (status, _) = post(
        &app,
        &key,
        &format!("/api/v1/webhooks/{id}/deliveries/{delivery}/redeliver"),
        "rd-1",
        json!({}),
    )
    .await;
    assert_eq!(status, 202);
    assert_eq!(deliver_due(db, &app.state.keys, policy, later).await.unwrap(), 1);
    let again = hook.received_requests().await.unwrap();
    let header = again[2]
        .headers
        .get("settle-signature")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(header.matches("v1=").count(), 2);
    let body = String::from_utf8(again[2].body.clone()).unwrap();
    let t: i64 = header
        .split(',')
        .next()
        .unwrap()
        .trim_start_matches("t=")
        .parse()
        .unwrap();
    assert_eq!(
        header,
        signature(&[rotated["secret"].as_str().unwrap(), &secret], t, &body)
    );
    // Removed: nothing more goes there.
    let res = app
        .client
        .delete(app.url(&format!("/api/v1/webhooks/{id}")))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    app.cleanup().await;
}

#[tokio::test]
async fn private_endpoints_are_refused_without_the_dev_switch() {
    let app = spawn_app().await;
    let tenant = app.tenant().await.id;
    let (_, key) = api_keys::create(&app.state.db, tenant, "erp", Scope::Write, "cli", app.state.clock.now())
        .await
        .unwrap();
    for url in [
        "http://127.0.0.1:9/hook",
        "https://10.0.0.5/hook",
        "https://localhost/hook",
    ] {
        let (status, body) = post(
            &app,
            &key,
            "/api/v1/webhooks",
            url,
            json!({"url": url, "events": ["*"]}),
        )
        .await;
        assert_eq!(
            (status, body["errors"]["url"].clone()),
            (422, json!("url_private")),
            "{url}"
        );
    }
    app.cleanup().await;
}

fn secret_in(page: &str) -> Option<String> {
    let tag = page.find(r#"data-testid="webhook-secret""#)?;
    let at = tag + page[tag..].find('>')? + 1;
    Some(page[at..at + page[at..].find('<')?].to_string())
}

#[tokio::test]
async fn an_admin_adds_an_endpoint_reads_its_delivery_log_redelivers_rotates_and_removes_it() {
    use crate::backoffice::{as_admin, as_agent};
    use settle_core::entities::{audit_event, webhook_delivery, webhook_endpoint};
    use settle_core::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    const PAGE: &str = "/backoffice/webhooks";
    let hook = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/hook"))
        .respond_with(ResponseTemplate::new(500).set_body_string("database down"))
        .mount(&hook)
        .await;
    let app = spawn_app_with(settle_core::state::RunMode::Dev, |s| s.webhook_allow_private = true).await;
    as_agent(&app).await;
    assert_eq!(app.get(PAGE).await.status(), 403, "agents do not manage webhooks");
    let csrf = app.csrf("/backoffice").await;
    let url = format!("{}/hook", hook.uri());
    let res = app
        .post(PAGE, &[("csrf", csrf.as_str()), ("url", &url), ("events", "*")])
        .await;
    assert_eq!(res.status(), 403);

    let admin = app.other_browser();
    as_admin(&admin).await;
    let page = admin.html(PAGE).await;
    assert!(page.contains("Nog geen webhooks."), "{page}");
    let csrf = csrf_in(&page).unwrap();
    // Bad input: not a web address; no event chosen. Each error sits at its field; nothing added.
    admin
        .post(
            PAGE,
            &[("csrf", csrf.as_str()), ("url", "ftp://x"), ("events", "invoice.paid")],
        )
        .await;
    let page = admin.html(PAGE).await;
    assert!(
        page.contains(r#"id="f-w-url-error""#) && page.contains("Een volledig https-adres"),
        "{page}"
    );
    admin.post(PAGE, &[("csrf", csrf.as_str()), ("url", &url)]).await;
    let page = admin.html(PAGE).await;
    assert!(page.contains(r#"id="f-w-events-error""#), "{page}");
    assert!(webhook_endpoint::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap()
        .is_empty());

    // Added: the secret is shown once.
    admin
        .post(
            PAGE,
            &[
                ("csrf", csrf.as_str()),
                ("url", &url),
                ("events", "invoice.paid"),
                ("events", "payment.received"),
            ],
        )
        .await;
    let page = admin.html(PAGE).await;
    let secret = secret_in(&page).expect("the secret, once");
    assert!(secret.starts_with("whsec_"));
    let page = admin.html(PAGE).await;
    assert!(
        secret_in(&page).is_none() && page.contains("invoice.paid, payment.received"),
        "{page}"
    );
    let endpoint = webhook_endpoint::Entity::find()
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();

    // A payment: both events go out and meet a 500; the log shows the answer.
    let tenant = app.tenant().await.id;
    let (_, key) = api_keys::create(&app.state.db, tenant, "erp", Scope::Write, "cli", app.state.clock.now())
        .await
        .unwrap();
    post(
        &app,
        &key,
        "/api/v1/payments",
        "p-1",
        json!({"external_id": "W-9", "amount": "42.50", "received_on": "2026-11-22", "invoice_number": "2026-0003"}),
    )
    .await;
    let (db, now) = (&app.state.db, app.state.clock.now());
    assert_eq!(fan_out(db, now).await.unwrap(), 2);
    deliver_due(db, &app.state.keys, app.state.webhook_policy(), now)
        .await
        .unwrap();
    let log_path = format!("{PAGE}/{}", endpoint.id);
    let log = admin.html(&log_path).await;
    assert!(
        log.contains("payment.received") && log.contains("invoice.paid") && log.contains("HTTP 500 database down"),
        "{log}"
    );
    // Redelivery: due again at once.
    let delivery = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::EndpointId.eq(endpoint.id))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert!(delivery.next_attempt_at > now);
    let csrf = csrf_in(&log).unwrap();
    let redeliver = format!("{log_path}/deliveries/{}/redeliver", delivery.id);
    admin.post(&redeliver, &[("csrf", csrf.as_str())]).await;
    assert!(admin.html(&log_path).await.contains("opnieuw weg"));
    let again = webhook_delivery::Entity::find_by_id(delivery.id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert!(again.next_attempt_at <= app.state.clock.now());
    // Another tenant's delivery or endpoint does not exist here.
    assert_eq!(
        admin
            .post(
                &format!("{log_path}/deliveries/999999/redeliver"),
                &[("csrf", csrf.as_str())]
            )
            .await
            .status(),
        404
    );
    assert_eq!(admin.get(&format!("{PAGE}/999999")).await.status(), 404);

    // A new secret, shown once and different.
    admin
        .post(&format!("{log_path}/rotate"), &[("csrf", csrf.as_str())])
        .await;
    let rotated = secret_in(&admin.html(&log_path).await).expect("the new secret, once");
    assert_ne!(rotated, secret);
    // Removed: gone from the list, nothing more goes out.
    admin
        .post(&format!("{log_path}/remove"), &[("csrf", csrf.as_str())])
        .await;
    let page = admin.html(PAGE).await;
    assert!(
        page.contains("Webhook verwijderd") && page.contains("Nog geen webhooks."),
        "{page}"
    );
    let actions: Vec<String> = audit_event::Entity::find()
        .filter(audit_event::Column::Action.starts_with("webhook_"))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.action)
        .collect();
    assert_eq!(
        actions,
        [
            "webhook_created",
            "webhook_redelivered",
            "webhook_rotated",
            "webhook_removed"
        ]
    );
    app.cleanup().await;
}
