//! The REST API: keys (none, wrong, read-only, revoked, another tenant's data), customers
//! upserted, read and paged, problem+json with field errors, rate limits, and the OpenAPI
//! document.
use crate::support::*;
use serde_json::{json, Value};
use settle_core::api_keys::{self, Scope};
use settle_core::entities::{customer, customer_change};
use settle_core::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

pub(crate) async fn key(app: &TestApp, scope: Scope) -> (i64, String) {
    let tenant = app.tenant().await.id;
    let (row, key) = api_keys::create(&app.state.db, tenant, "test", scope, "cli", app.state.clock.now())
        .await
        .unwrap();
    (row.id, key)
}

pub(crate) async fn call(
    app: &TestApp,
    method: &str,
    path: &str,
    key: Option<&str>,
    body: Option<Value>,
) -> (u16, String, Value) {
    let mut req = app.client.request(method.parse().unwrap(), app.url(path));
    if let Some(k) = key {
        req = req.bearer_auth(k);
    }
    if let Some(b) = body {
        req = req.header("content-type", "application/json").body(b.to_string());
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let ct = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let text = res.text().await.unwrap();
    (status, ct, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

fn sanne() -> Value {
    json!({
        "name": "Sanne Smit",
        "email": "sanne@example.nl",
        "phone": "06 1234 5678",
        "address": {"street": "Kerkstraat 4", "postcode": "3511ab", "city": "Utrecht", "country": "nl"},
        "language": "nl",
        "tags": ["vip"]
    })
}

#[tokio::test]
async fn customers_are_upserted_read_and_paged_with_the_tenants_key_only() {
    let app = spawn_app().await;
    let (_, write) = key(&app, Scope::Write).await;
    let (_, read) = key(&app, Scope::Read).await;
    let path = "/api/v1/customers/C-900";

    // No key, a wrong key: 401 as problem+json.
    let (status, ct, body) = call(&app, "GET", path, None, None).await;
    assert_eq!((status, ct.as_str()), (401, "application/problem+json"), "{body}");
    assert_eq!(body["status"], 401);
    assert_eq!(call(&app, "GET", path, Some("settle_wrong"), None).await.0, 401);
    // A read-only key may not write.
    assert_eq!(call(&app, "PUT", path, Some(&read), Some(sanne())).await.0, 403);

    // Bad input: named field by field, nothing stored.
    let mut bad = sanne();
    bad["email"] = json!("geen adres");
    bad["address"]["postcode"] = json!("12");
    bad["language"] = json!("fr");
    let (status, _, body) = call(&app, "PUT", path, Some(&write), Some(bad)).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"]["email"], "email_invalid");
    assert_eq!(body["errors"]["address.postcode"], "postcode_invalid");
    assert_eq!(body["errors"]["language"], "language_invalid");
    let (status, _, body) = call(&app, "PUT", path, Some(&write), Some(json!({"name": "x", "colour": 1}))).await;
    assert_eq!(status, 400, "unknown or missing fields: {body}");
    assert_eq!(
        call(&app, "PUT", "/api/v1/customers/C%20900", Some(&write), Some(sanne()))
            .await
            .0,
        422
    );
    let stored = customer::Entity::find().filter(customer::Column::CustomerNumber.eq("C-900"));
    assert_eq!(stored.clone().count(&app.state.db).await.unwrap(), 0);

    // Created, then updated: history kept with the key as actor.
    let (status, _, body) = call(&app, "PUT", path, Some(&write), Some(sanne())).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["customer_number"], "C-900");
    assert_eq!(body["phone"], "+31612345678");
    assert_eq!(body["address"]["postcode"], "3511 AB");
    let mut moved = sanne();
    moved["address"]["street"] = json!("Kerkstraat 6");
    let (status, _, body) = call(&app, "PUT", path, Some(&write), Some(moved)).await;
    assert_eq!(
        (status, body["address"]["street"].clone()),
        (200, json!("Kerkstraat 6"))
    );
    let change = customer_change::Entity::find()
        .filter(customer_change::Column::Field.eq("street"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert!(change.actor.starts_with("api:") && change.new_value.as_deref() == Some("Kerkstraat 6"));
    let (status, _, body) = call(&app, "GET", path, Some(&read), None).await;
    assert_eq!((status, body["tags"].clone()), (200, json!(["vip"])));
    // Another tenant's customer does not exist for this key.
    assert_eq!(
        call(&app, "GET", "/api/v1/customers/200001", Some(&read), None).await.0,
        404
    );

    // Paged: every customer once, in order; bad cursors and limits are 422.
    let total = customer::Entity::find()
        .filter(customer::Column::TenantId.eq(app.tenant().await.id))
        .count(&app.state.db)
        .await
        .unwrap();
    let (mut seen, mut cursor) = (Vec::new(), None::<String>);
    loop {
        let q = match &cursor {
            Some(c) => format!("/api/v1/customers?limit=2&cursor={c}"),
            None => "/api/v1/customers?limit=2".to_string(),
        };
        let (status, _, page) = call(&app, "GET", &q, Some(&read), None).await;
        assert_eq!(status, 200, "{page}");
        for c in page["items"].as_array().unwrap() {
            seen.push(c["customer_number"].as_str().unwrap().to_string());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(seen.len() as u64, total);
    assert!(seen.contains(&"C-900".to_string()) && !seen.contains(&"200001".to_string()));
    assert_eq!(
        call(&app, "GET", "/api/v1/customers?cursor=zzz", Some(&read), None)
            .await
            .0,
        422
    );
    assert_eq!(
        call(&app, "GET", "/api/v1/customers?limit=0", Some(&read), None)
            .await
            .0,
        422
    );
    assert_eq!(
        call(&app, "GET", "/api/v1/customers?limit=abc", Some(&read), None)
            .await
            .0,
        400
    );
    app.cleanup().await;
}

#[tokio::test]
async fn a_revoked_key_is_refused_and_each_key_has_its_rate() {
    let app = spawn_app().await;
    let (id, key) = key(&app, Scope::Read).await;
    let (_, other) = self::key(&app, Scope::Read).await;
    let mut limited = None;
    // The burst, then 10 a second: a tight loop runs into it soon after the burst.
    for i in 0..settle_core::throttle::API_BURST * 3 {
        let res = app
            .client
            .get(app.url("/api/v1/customers/100001"))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap();
        if res.status() == 429 {
            limited = Some((i, res.headers().get("retry-after").cloned()));
            break;
        }
    }
    let (at, retry) = limited.expect("limited within the burst");
    assert!(at >= settle_core::throttle::API_BURST - 1 && retry.is_some(), "{at}");
    assert_eq!(
        call(&app, "GET", "/api/v1/customers/100001", Some(&other), None)
            .await
            .0,
        200
    );
    api_keys::revoke(&app.state.db, app.tenant().await.id, id, "cli", app.state.clock.now())
        .await
        .unwrap();
    assert_eq!(
        call(&app, "GET", "/api/v1/customers/100001", Some(&key), None).await.0,
        401
    );
    assert_eq!(
        call(&app, "GET", "/api/v1/customers/100001", Some(&other), None)
            .await
            .0,
        200
    );
    app.cleanup().await;
}

#[tokio::test]
async fn the_openapi_document_describes_the_api() {
    let app = spawn_app().await;
    let (status, _, doc) = call(&app, "GET", "/api/v1/openapi.json", None, None).await;
    assert_eq!(status, 200);
    assert_eq!(doc["openapi"], "3.1.0");
    for path in [
        "/api/v1/customers",
        "/api/v1/customers/{number}",
        "/api/v1/invoices/{number}",
    ] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
    assert!(doc["paths"]["/api/v1/customers/{number}"]["put"]["responses"]["422"].is_object());
    assert_eq!(doc["components"]["securitySchemes"]["api_key"]["scheme"], "bearer");
    assert!(doc["components"]["schemas"]["CustomerInput"].is_object());
    // The reference page: every endpoint and schema, served by Settle, no script, nothing
    // from elsewhere.
    let res = app.get("/api/v1/docs").await;
    assert_eq!(res.status(), 200);
    let csp = res.headers()["content-security-policy"].to_str().unwrap().to_string();
    let html = res.text().await.unwrap();
    for needle in [
        "PUT /api/v1/customers/{number}",
        "POST /api/v1/payments",
        "id=\"schema-InvoiceInput\"",
        "Idempotency-Key",
    ] {
        assert!(html.contains(needle), "{needle}");
    }
    assert!(!html.contains("<script") && !html.contains("https://cdn"));
    assert!(
        csp.contains("default-src 'self'") || csp.contains("script-src"),
        "{csp}"
    );
    app.cleanup().await;
}

#[tokio::test]
async fn invoices_are_upserted_with_lines_and_frozen_once_money_came_in() {
    use base64::Engine;
    use settle_core::entities::payment_reference;
    let app = spawn_app().await;
    let (_, write) = key(&app, Scope::Write).await;
    let path = "/api/v1/invoices/F-2026-77";
    let invoice = |lines: Value| {
        json!({
            "customer_number": "100002",
            "issue_date": "2026-11-20",
            "due_date": "2026-12-04",
            "description": "Premie december",
            "lines": lines,
            "pdf_base64": base64::engine::general_purpose::STANDARD.encode(b"%PDF-1.7 test"),
        })
    };
    // Bad input, field by field; nothing stored.
    let mut bad = invoice(json!([{"description": "Premie", "amount": "1,50"}, {"description": "", "amount": "2"}]));
    bad["customer_number"] = json!("200001");
    bad["due_date"] = json!("2026-11-01");
    bad["pdf_base64"] = json!("bm90IGEgcGRm");
    let (status, _, body) = call(&app, "PUT", path, Some(&write), Some(bad)).await;
    assert_eq!(status, 422, "{body}");
    for field in [
        "customer_number",
        "due_date",
        "lines[0].amount",
        "lines[1].description",
        "pdf_base64",
    ] {
        assert!(body["errors"][field].is_string(), "{field}: {body}");
    }
    assert_eq!(call(&app, "GET", path, Some(&write), None).await.0, 404);

    // Created: amount from the lines, an RF reference that bank transfers resolve.
    let two = json!([{"description": "Premie", "amount": "140"}, {"description": "Kosten", "amount": "10.00"}]);
    let (status, _, body) = call(&app, "PUT", path, Some(&write), Some(invoice(two))).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        (body["amount"].clone(), body["open_amount"].clone()),
        (json!("150.00"), json!("150.00"))
    );
    assert_eq!(
        (body["status"].clone(), body["has_pdf"].clone()),
        (json!("open"), json!(true))
    );
    let rf = body["payment_reference"].as_str().unwrap().to_string();
    assert!(rf.starts_with("RF"), "{rf}");
    let registered = payment_reference::Entity::find()
        .filter(payment_reference::Column::Reference.eq(rf.as_str()))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(registered.kind, "invoice");
    // Untouched, it may change; the same body again changes nothing.
    let one = json!([{"description": "Premie", "amount": "120.50"}]);
    let (status, _, body) = call(&app, "PUT", path, Some(&write), Some(invoice(one.clone()))).await;
    assert_eq!(
        (status, body["open_amount"].clone(), body["payment_reference"].clone()),
        (200, json!("120.50"), json!(rf))
    );
    assert_eq!(call(&app, "PUT", path, Some(&write), Some(invoice(one))).await.0, 200);
    let (_, _, got) = call(&app, "GET", path, Some(&write), None).await;
    assert_eq!(got["lines"], json!([{"description": "Premie", "amount": "120.50"}]));

    // A paid invoice keeps its money; its description may still change.
    let (_, _, paid) = call(&app, "GET", "/api/v1/invoices/2026-0001", Some(&write), None).await;
    let mut same = json!({
        "customer_number": "100001",
        "issue_date": paid["issue_date"],
        "due_date": paid["due_date"],
        "description": "Premie (gecorrigeerde omschrijving)",
        "lines": paid["lines"],
    });
    let (status, _, body) = call(
        &app,
        "PUT",
        "/api/v1/invoices/2026-0001",
        Some(&write),
        Some(same.clone()),
    )
    .await;
    assert_eq!((status, body["status"].clone()), (200, json!("paid")), "{body}");
    same["lines"] = json!([{"description": "Premie", "amount": "1.00"}]);
    let (status, _, body) = call(&app, "PUT", "/api/v1/invoices/2026-0001", Some(&write), Some(same)).await;
    assert_eq!(status, 409, "{body}");
    // Another tenant's invoice does not exist for this key.
    assert_eq!(
        call(&app, "GET", "/api/v1/invoices/R-2026-502", Some(&write), None)
            .await
            .0,
        404
    );
    app.cleanup().await;
}

async fn post_idem(
    app: &TestApp,
    path: &str,
    key: &str,
    idem: Option<&str>,
    body: Value,
) -> (u16, Option<String>, Value) {
    let mut req = app
        .client
        .post(app.url(path))
        .bearer_auth(key)
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(i) = idem {
        req = req.header("idempotency-key", i);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let replayed = res
        .headers()
        .get("idempotency-replayed")
        .map(|v| v.to_str().unwrap().to_string());
    (status, replayed, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn credit_and_cancel_need_an_idempotency_key_and_replay_the_first_answer() {
    use settle_core::entities::invoice;
    let app = spawn_app().await;
    let (_, write) = key(&app, Scope::Write).await;
    let credit = "/api/v1/invoices/2026-0003/credit";
    // Without a key: 400, nothing changes.
    let (status, _, body) = post_idem(&app, credit, &write, None, json!({"amount": "2.50"})).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(invoice_no(&app, "2026-0003").await.open_cents, 4_250);
    // Credited once, however often it is sent.
    let (status, replayed, first) = post_idem(&app, credit, &write, Some("k-1"), json!({"amount": "2.50"})).await;
    assert_eq!(
        (status, replayed, first["open_amount"].clone()),
        (200, None, json!("40.00"))
    );
    let (status, replayed, again) = post_idem(&app, credit, &write, Some("k-1"), json!({"amount": "2.50"})).await;
    assert_eq!((status, replayed.as_deref()), (200, Some("true")));
    assert_eq!(again, first);
    assert_eq!(invoice_no(&app, "2026-0003").await.open_cents, 4_000);
    // The same key with another body: 422; more than is open: 422; nothing changes.
    assert_eq!(
        post_idem(&app, credit, &write, Some("k-1"), json!({"amount": "3"}))
            .await
            .0,
        422
    );
    let (status, _, body) = post_idem(&app, credit, &write, Some("k-2"), json!({"amount": "999"})).await;
    assert_eq!(
        (status, body["errors"]["amount"].clone()),
        (422, json!("amount_out_of_range"))
    );
    assert_eq!(
        post_idem(&app, credit, &write, Some("k-3"), json!({"amount": "1,5"}))
            .await
            .0,
        422
    );
    assert_eq!(invoice_no(&app, "2026-0003").await.open_cents, 4_000);

    // Cancelled: dunning stops; a paid invoice cannot be; another tenant's is not found.
    let (status, _, body) = post_idem(
        &app,
        "/api/v1/invoices/2026-0003/cancel",
        &write,
        Some("c-1"),
        json!({"reason": "Dubbel gefactureerd"}),
    )
    .await;
    assert_eq!(
        (status, body["status"].clone(), body["open_amount"].clone()),
        (200, json!("cancelled"), json!("0.00"))
    );
    let row = invoice::Entity::find_by_id(invoice_no(&app, "2026-0003").await.id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status, "cancelled");
    assert_eq!(
        post_idem(
            &app,
            "/api/v1/invoices/2026-0001/cancel",
            &write,
            Some("c-2"),
            json!({})
        )
        .await
        .0,
        409
    );
    assert_eq!(
        post_idem(
            &app,
            "/api/v1/invoices/R-2026-502/cancel",
            &write,
            Some("c-3"),
            json!({})
        )
        .await
        .0,
        404
    );
    // Keys are per API key: another key's "k-1" is its own.
    let (_, other) = key(&app, Scope::Write).await;
    let (status, replayed, _) = post_idem(
        &app,
        "/api/v1/invoices/2026-0002/credit",
        &other,
        Some("k-1"),
        json!({"amount": "1"}),
    )
    .await;
    assert_eq!((status, replayed), (200, None));
    app.cleanup().await;
}

#[tokio::test]
async fn a_payment_registered_through_the_api_is_booked_once_and_settles_the_invoice() {
    use settle_core::entities::outgoing_event;
    let app = spawn_app().await;
    let (_, write) = key(&app, Scope::Write).await;
    let pay = |external: &'static str, amount: &'static str, target: Value| {
        let mut body = json!({"external_id": external, "amount": amount, "received_on": "2026-11-22"});
        for (k, v) in target.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    // Bad input; nothing booked.
    let (status, _, body) = post_idem(
        &app,
        "/api/v1/payments",
        &write,
        Some("p-0"),
        pay(" ", "-1", json!({"invoice_number": "nope"})),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body["errors"]["external_id"].is_string() && body["errors"]["amount"].is_string());
    let (status, _, body) = post_idem(
        &app,
        "/api/v1/payments",
        &write,
        Some("p-1"),
        pay("KAS-1", "10", json!({"invoice_number": "R-2026-502"})),
    )
    .await;
    assert_eq!(
        (status, body["errors"]["invoice_number"].clone()),
        (422, json!("invoice_unknown")),
        "another tenant's invoice"
    );

    // Paid in full by invoice number: the invoice is paid and the creditor told.
    let (status, _, body) = post_idem(
        &app,
        "/api/v1/payments",
        &write,
        Some("p-2"),
        pay("KAS-2", "42.50", json!({"invoice_number": "2026-0003"})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["match_state"], "matched");
    assert_eq!(
        body["invoices"],
        json!([{"number": "2026-0003", "status": "paid", "open_amount": "0.00"}])
    );
    assert_eq!(invoice_no(&app, "2026-0003").await.status, "paid");
    let told = outgoing_event::Entity::find()
        .filter(outgoing_event::Column::Kind.eq("invoice.paid"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(told, 1);
    // The payment is told first, then what it did to the invoice.
    let kinds: Vec<(String, Value)> = events_of(&app)
        .await
        .into_iter()
        .filter(|(_, d)| d["invoice_number"] == "2026-0003")
        .map(|(k, d)| (k, d["amount_cents"].clone()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("payment.received".to_string(), json!(4_250)),
            ("invoice.paid".to_string(), Value::Null)
        ]
    );
    // The same external id under another Idempotency-Key books nothing.
    let (status, _, again) = post_idem(
        &app,
        "/api/v1/payments",
        &write,
        Some("p-3"),
        pay("KAS-2", "42.50", json!({"invoice_number": "2026-0003"})),
    )
    .await;
    assert_eq!((status, again["amount"].clone()), (200, json!("42.50")));
    // By RF reference, part of an invoice; without a target, unmatched for staff.
    let rf = invoice_no(&app, "2026-0002").await.rf_reference;
    let (_, _, part) = post_idem(
        &app,
        "/api/v1/payments",
        &write,
        Some("p-4"),
        pay("KAS-3", "32.45", json!({"reference": rf})),
    )
    .await;
    assert_eq!(
        (part["match_state"].clone(), part["invoices"][0]["open_amount"].clone()),
        (json!("partially_matched"), json!("100.00"))
    );
    let (_, _, loose) = post_idem(
        &app,
        "/api/v1/payments",
        &write,
        Some("p-5"),
        pay("KAS-4", "5", json!({})),
    )
    .await;
    assert_eq!(
        (loose["match_state"].clone(), loose["unallocated_amount"].clone()),
        (json!("unmatched"), json!("5.00"))
    );
    // More than is open: the rest waits to be paid back, and the creditor hears of it.
    let (_, _, over) = post_idem(
        &app,
        "/api/v1/payments",
        &write,
        Some("p-6"),
        pay("KAS-5", "200.00", json!({"invoice_number": "2026-0002"})),
    )
    .await;
    assert_eq!(over["match_state"], "overpaid", "{over}");
    let overpaid: Vec<Value> = events_of(&app)
        .await
        .into_iter()
        .filter(|(k, _)| k == "payment.overpaid")
        .map(|(_, d)| d)
        .collect();
    assert_eq!(
        (
            overpaid.len(),
            &overpaid[0]["overpaid_cents"],
            &overpaid[0]["invoice_number"]
        ),
        (1, &json!(10_000), &json!("2026-0002"))
    );
    let (status, _, got) = call(&app, "GET", "/api/v1/payments/KAS-3", Some(&write), None).await;
    assert_eq!((status, got["external_id"].clone()), (200, json!("KAS-3")));
    assert_eq!(
        call(&app, "GET", "/api/v1/payments/KAS-9", Some(&write), None).await.0,
        404
    );
    app.cleanup().await;
}

#[tokio::test]
async fn a_payment_link_made_through_the_api_opens_the_invoice_until_revoked() {
    use settle_core::entities::idempotency_key;
    let app = spawn_app().await;
    let (_, write) = key(&app, Scope::Write).await;
    let links = "/api/v1/invoices/2026-0002/payment-links";
    let (status, _, link) = post_idem(&app, links, &write, Some("l-1"), json!({})).await;
    assert_eq!(status, 201, "{link}");
    let url = link["url"].as_str().unwrap().to_string();
    assert!(url.starts_with("http://localhost:3000/pay/"), "{url}");
    let path = format!("/pay/{}", url.rsplit('/').next().unwrap());
    let page = app.other_browser().html(&path).await;
    assert!(page.contains("2026-0002"), "{page}");
    // Replayed, the same link; kept sealed at rest.
    let (_, replayed, again) = post_idem(&app, links, &write, Some("l-1"), json!({})).await;
    assert_eq!(
        (replayed.as_deref(), again["url"].as_str()),
        (Some("true"), Some(url.as_str()))
    );
    let kept = idempotency_key::Entity::find().all(&app.state.db).await.unwrap();
    assert!(kept.iter().all(|k| !k.body.contains("/pay/")), "sealed");
    // Not for a paid invoice, nor another tenant's.
    assert_eq!(
        post_idem(
            &app,
            "/api/v1/invoices/2026-0001/payment-links",
            &write,
            Some("l-2"),
            json!({})
        )
        .await
        .0,
        409
    );
    assert_eq!(
        post_idem(
            &app,
            "/api/v1/invoices/R-2026-502/payment-links",
            &write,
            Some("l-3"),
            json!({})
        )
        .await
        .0,
        404
    );
    // Revoked: dead at once; twice is 404.
    let id = link["id"].as_i64().unwrap();
    let revoke = format!("{links}/{id}");
    assert_eq!(call(&app, "DELETE", &revoke, Some(&write), None).await.0, 204);
    assert!(!app.other_browser().html(&path).await.contains("2026-0002"));
    assert_eq!(call(&app, "DELETE", &revoke, Some(&write), None).await.0, 404);
    app.cleanup().await;
}

#[tokio::test]
async fn events_are_read_in_order_after_a_cursor_and_statements_import_through_the_api() {
    let app = spawn_app().await;
    let (_, write) = key(&app, Scope::Write).await;
    let (status, _, first) = call(&app, "GET", "/api/v1/events", Some(&write), None).await;
    assert_eq!(status, 200, "{first}");
    let cursor = first["next_cursor"].as_str().unwrap().to_string();
    // A payment makes `invoice.paid`; asked after the cursor, only the new events come.
    post_idem(
        &app,
        "/api/v1/payments",
        &write,
        Some("e-1"),
        json!({
            "external_id": "E-1", "amount": "42.50", "received_on": "2026-11-22", "invoice_number": "2026-0003"
        }),
    )
    .await;
    let (_, _, next) = call(
        &app,
        "GET",
        &format!("/api/v1/events?cursor={cursor}"),
        Some(&write),
        None,
    )
    .await;
    let kinds: Vec<&str> = next["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"invoice.paid"), "{next}");
    assert_eq!(
        next["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["type"] == "invoice.paid")
            .unwrap()["data"]["invoice_number"],
        "2026-0003"
    );
    let (_, _, after) = call(
        &app,
        "GET",
        &format!("/api/v1/events?cursor={}", next["next_cursor"].as_str().unwrap()),
        Some(&write),
        None,
    )
    .await;
    assert_eq!(after["items"], json!([]));
    assert_eq!(
        call(&app, "GET", "/api/v1/events?cursor=bad", Some(&write), None)
            .await
            .0,
        422
    );

    // A statement: booked once; a broken one books nothing and says where.
    let camt = std::fs::read_to_string("tests/fixtures/camt053_unmatched.xml").unwrap();
    let send = |body: String, idem: &'static str| {
        let (app, write) = (&app, write.clone());
        async move {
            let res = app
                .client
                .post(app.url("/api/v1/statements"))
                .bearer_auth(&write)
                .header("idempotency-key", idem)
                .header("content-type", "application/xml")
                .body(body)
                .send()
                .await
                .unwrap();
            (res.status().as_u16(), res.json::<Value>().await.unwrap())
        }
    };
    let (status, summary) = send(camt.clone(), "s-1").await;
    assert_eq!(
        (status, summary["new"].clone(), summary["unmatched"].clone()),
        (200, json!(1), json!(1)),
        "{summary}"
    );
    let (_, again) = send(camt, "s-2").await;
    assert_eq!(
        (again["new"].clone(), again["duplicates"].clone()),
        (json!(0), json!(1)),
        "{again}"
    );
    let (status, problem) = send("<Document><BkToCstmrStmt>broken".into(), "s-3").await;
    assert_eq!(
        (status, problem["type"].as_str().unwrap().ends_with("statement-invalid")),
        (422, true),
        "{problem}"
    );
    app.cleanup().await;
}

/// A body over an endpoint's limit (256 KB for a customer) is refused before anything is read:
/// 413 as a problem document like every other refusal, and nothing stored. A browser form over
/// its 16 KB limit is refused too, and signs nobody in.
#[tokio::test]
async fn an_oversized_body_is_a_413_problem_and_stores_nothing() {
    let app = spawn_app().await;
    let (_, write) = key(&app, Scope::Write).await;
    let mut big = sanne();
    big["name"] = Value::String("x".repeat(300 * 1024));
    let (status, ct, problem) = call(&app, "PUT", "/api/v1/customers/C-901", Some(&write), Some(big)).await;
    assert_eq!((status, ct.as_str()), (413, "application/problem+json"), "{problem}");
    assert_eq!(problem["type"], "https://settle.dev/problems/payload_too_large");
    assert_eq!(problem["status"], 413);
    let stored = customer::Entity::find()
        .filter(customer::Column::CustomerNumber.eq("C-901"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(stored, 0);

    let csrf = app.csrf("/login").await;
    let padding = "x".repeat(20 * 1024);
    let res = app
        .post(
            "/login",
            &[
                ("csrf", csrf.as_str()),
                ("email", "demo@settle.test"),
                ("password", "demo-password-1"),
                ("padding", padding.as_str()),
            ],
        )
        .await;
    assert_eq!(res.status(), 413);
    assert_eq!(app.get("/invoices").await.status(), 302, "nobody signed in");
    app.cleanup().await;
}
