//! Paying online: sandbox, Mollie and Stripe flows over HTTP, no double payment, partial
//! payments, pay links, return page outcomes, refunds and chargebacks.
use crate::support::*;
use settle_core::entities::{checkout, invoice, outbox, outgoing_event, payment, refund_task};
use settle_core::providers::{PaymentSnapshot, PaymentState};
use settle_core::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use settle_core::services::booking::{book, Incoming, Source};
use settle_core::services::payment_settings::{self, Credentials, PaymentSettings, ProviderKind};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const DEMO: &str = "demo@settle.test";
const PASSWORD: &str = "demo-password-1";

async fn invoice_row(app: &TestApp, number: &str) -> invoice::Model {
    invoice::Entity::find()
        .filter(invoice::Column::Number.eq(number))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
}

/// Money that came in outside the provider (a transfer booked by staff or a statement).
async fn transfer(app: &TestApp, inv: &invoice::Model, source: Source, key: &str, cents: i64) {
    book(
        &app.state.db,
        inv.tenant_id,
        app.state.clock.now(),
        vec![Incoming {
            source,
            dedup_key: key.into(),
            amount_cents: cents,
            currency: "EUR".into(),
            received_on: app.state.clock.now().date_naive(),
            debtor_name: Some("J. de Vries".into()),
            debtor_iban: Some("NL91ABNA0417164300".into()),
            reference_text: inv.number.clone(),
            end_to_end_id: None,
            checkout_id: None,
            invoices: vec![inv.id],
        }],
    )
    .await
    .unwrap();
}

async fn checkouts(app: &TestApp) -> u64 {
    checkout::Entity::find().count(&app.state.db).await.unwrap()
}

/// Logs in as the demo debtor and starts paying the given invoices; returns the redirect.
/// The demo debtor starts paying invoice 2026-0003 online; the sandbox payment's id.
async fn sandbox_checkout_of_0003(app: &TestApp) -> String {
    app.login(DEMO, PASSWORD).await;
    let sandbox = path_of(&location(&start_checkout(app, &["2026-0003"], None).await));
    sandbox.rsplit('/').next().unwrap().to_string()
}

/// What the sandbox reports for the demo checkout of invoice 2026-0003 (€ 42.50).
fn sandbox_snapshot(id: &str, state: PaymentState) -> PaymentSnapshot {
    PaymentSnapshot {
        provider_payment_id: id.to_string(),
        checkout_id: None,
        state,
        amount_cents: 4_250,
        currency: "EUR".into(),
        refunded_cents: 0,
        charged_back_cents: 0,
        refund_target: None,
    }
}

async fn start_checkout(app: &TestApp, numbers: &[&str], amount: Option<&str>) -> reqwest::Response {
    let csrf = app.csrf("/invoices").await;
    let mut form: Vec<(&str, &str)> = vec![("csrf", &csrf), ("from", "list")];
    for n in numbers {
        form.push(("invoice", n));
    }
    if let Some(a) = amount {
        form.push(("amount", a));
    }
    app.post("/pay/checkout", &form).await
}

#[tokio::test]
async fn paying_an_invoice_with_the_sandbox_marks_it_paid_everywhere() {
    let app = spawn_app().await;
    app.login(DEMO, PASSWORD).await;
    let res = start_checkout(&app, &["2026-0002"], None).await;
    assert_eq!(res.status(), 303);
    let sandbox = path_of(&location(&res));
    assert!(sandbox.starts_with("/sandbox/checkout/sbx_"), "{sandbox}");
    let back = sandbox_click(&app, &sandbox, "pay").await;
    assert!(back.starts_with("/pay/return/"));
    let page = app.html(&back).await;
    assert!(page.contains("data-outcome=\"paid\""), "{page}");
    let row = invoice_row(&app, "2026-0002").await;
    assert_eq!((row.status.as_str(), row.open_cents), ("paid", 0));
    assert!(app.html("/invoices/2026-0002").await.contains("Betaald"));
    let receipt = app.last_mail_to(DEMO).await.unwrap();
    assert!(receipt.subject.contains("Betaling ontvangen"), "{}", receipt.subject);
    assert!(receipt.body_text.contains("132,45"));
    let events = outgoing_event::Entity::find()
        .filter(outgoing_event::Column::Kind.eq("invoice.paid"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(events, 1);
    // Paid: it cannot be started again.
    let again = start_checkout(&app, &["2026-0002"], None).await;
    assert_eq!(location(&again), "/invoices");
    assert_eq!(checkouts(&app).await, 1);
    assert!(app.html("/invoices").await.contains("al betaald"));
    app.cleanup().await;
}

#[tokio::test]
async fn settling_an_invoice_cancels_its_queued_reminders_but_not_other_mail() {
    use settle_core::sea_orm::{ActiveModelTrait, Set};
    let app = spawn_app().await;
    let inv = invoice_row(&app, "2026-0003").await;
    let other = invoice_row(&app, "2026-0005").await;
    let mut ids = Vec::new();
    for invoice_id in [inv.id, other.id] {
        let row = outbox::ActiveModel {
            tenant_id: Set(inv.tenant_id),
            channel: Set("sms".into()),
            recipient: Set("+31612345678".into()),
            subject: Set(String::new()),
            body_text: Set("Herinnering".into()),
            body_html: Set(None),
            status: Set("pending".into()),
            attempts: Set(0),
            next_attempt_at: Set(app.state.clock.now()),
            last_error: Set(None),
            dedupe_key: Set(None),
            invoice_id: Set(Some(invoice_id)),
            created_at: Set(app.state.clock.now()),
            sent_at: Set(None),
            ..Default::default()
        }
        .insert(&app.state.db)
        .await
        .unwrap();
        ids.push(row.id);
    }
    app.login(DEMO, PASSWORD).await;
    let sandbox = path_of(&location(&start_checkout(&app, &["2026-0003"], None).await));
    sandbox_click(&app, &sandbox, "pay").await;
    let status = |id| {
        let db = app.state.db.clone();
        async move { outbox::Entity::find_by_id(id).one(&db).await.unwrap().unwrap().status }
    };
    assert_eq!(status(ids[0]).await, "cancelled", "no reminder after payment");
    assert_eq!(status(ids[1]).await, "pending", "other invoices keep theirs");
    app.cleanup().await;
}

#[tokio::test]
async fn several_selected_invoices_are_paid_in_one_checkout() {
    let app = spawn_app().await;
    app.login(DEMO, PASSWORD).await;
    let res = start_checkout(&app, &["2026-0002", "2026-0003"], None).await;
    let sandbox = path_of(&location(&res));
    let co = checkout::Entity::find().one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(co.amount_cents, 13_245 + 4_250);
    sandbox_click(&app, &sandbox, "pay").await;
    for n in ["2026-0002", "2026-0003"] {
        assert_eq!(invoice_row(&app, n).await.status, "paid");
    }
    app.cleanup().await;
}

#[tokio::test]
async fn a_second_click_or_tab_reuses_the_open_checkout() {
    let app = spawn_app().await;
    app.login(DEMO, PASSWORD).await;
    let (a, b) = tokio::join!(
        start_checkout(&app, &["2026-0003"], None),
        start_checkout(&app, &["2026-0003"], None)
    );
    let open = checkout::Entity::find()
        .filter(checkout::Column::Status.eq("open"))
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(open.len(), 1, "one open checkout per invoice");
    // The loser of the race waits up to 3 s for the winner's provider page; on a loaded
    // machine it may get the same checkout's return page instead, never a second checkout.
    let same = |l: String| {
        l == open[0].checkout_url.clone().unwrap_or_default()
            || l.ends_with(&format!("/pay/return/{}", open[0].public_id))
    };
    assert!(
        same(location(&a)) && same(location(&b)),
        "{} / {}",
        location(&a),
        location(&b)
    );
    let c = start_checkout(&app, &["2026-0003"], None).await;
    assert_eq!(
        location(&c),
        open[0].checkout_url.clone().unwrap_or_default(),
        "then the provider page"
    );
    // The same invoice inside another combination is refused, not paid twice.
    let mixed = start_checkout(&app, &["2026-0003", "2026-0005"], None).await;
    assert_eq!(location(&mixed), "/invoices");
    assert!(app.html("/invoices").await.contains("al in een andere betaling"));
    app.cleanup().await;
}

#[tokio::test]
async fn a_pending_payment_holds_the_invoice_until_the_bank_confirms() {
    let app = spawn_app().await;
    app.login(DEMO, PASSWORD).await;
    let sandbox = path_of(&location(&start_checkout(&app, &["2026-0005"], None).await));
    let back = sandbox_click(&app, &sandbox, "pending").await;
    let page = app.html(&back).await;
    assert!(page.contains("data-outcome=\"pending\""));
    assert!(
        page.contains("http-equiv=\"refresh\""),
        "the page looks again by itself"
    );
    assert_eq!(invoice_row(&app, "2026-0005").await.status, "pending");
    let again = start_checkout(&app, &["2026-0005"], None).await;
    assert_eq!(location(&again), "/invoices");
    assert!(app.html("/invoices").await.contains("loopt al een betaling"));
    // The bank confirms: paid.
    sandbox_click(&app, &sandbox, "pay").await;
    let row = invoice_row(&app, "2026-0005").await;
    assert_eq!((row.status.as_str(), row.open_cents), ("paid", 0));
    app.cleanup().await;
}

#[tokio::test]
async fn a_failed_or_cancelled_payment_can_be_tried_again() {
    let app = spawn_app().await;
    app.login(DEMO, PASSWORD).await;
    let sandbox = path_of(&location(&start_checkout(&app, &["2026-0006"], None).await));
    let back = sandbox_click(&app, &sandbox, "fail").await;
    let page = app.html(&back).await;
    assert!(page.contains("data-outcome=\"failed\""));
    assert_eq!(invoice_row(&app, "2026-0006").await.status, "open");
    let csrf = csrf_for(&page, &format!("{back}/retry")).unwrap();
    let retry = app.post(&format!("{back}/retry"), &[("csrf", &csrf)]).await;
    let second = path_of(&location(&retry));
    assert!(second.starts_with("/sandbox/checkout/") && second != sandbox);
    let back = sandbox_click(&app, &second, "cancel").await;
    assert!(app.html(&back).await.contains("data-outcome=\"cancelled\""));
    assert_eq!(invoice_row(&app, "2026-0006").await.open_cents, 2_195);
    app.cleanup().await;
}

#[tokio::test]
async fn a_partial_amount_is_paid_where_the_tenant_allows_it() {
    let app = spawn_app().await;
    app.login(DEMO, PASSWORD).await;
    let html = app.html("/invoices/2026-0002").await;
    assert!(html.contains("name=\"amount\""), "the insurer offers partial payment");
    // The transfer details follow the chosen part.
    let part = app.html("/invoices/2026-0002?amount=25,00").await;
    assert!(
        part.contains("data-testid=\"pay-amount\">€\u{a0}25,00"),
        "QR and amount carry the part"
    );
    for (bad, code) in [
        ("abc", "Vul een bedrag in"),
        ("0,50", "tussen het minimum"),
        ("500,00", "tussen het minimum"),
    ] {
        let csrf = csrf_in(&html).unwrap();
        let form = [
            ("csrf", csrf.as_str()),
            ("from", "detail"),
            ("invoice", "2026-0002"),
            ("amount", bad),
        ];
        let res = app.post("/pay/checkout", &form).await;
        assert_eq!(location(&res), "/invoices/2026-0002", "{bad}");
        let page = app.html("/invoices/2026-0002").await;
        assert!(page.contains(code), "{bad}: {code}");
        assert!(page.contains(&format!("value=\"{bad}\"")), "the typed amount stays");
        assert!(
            page.contains("aria-describedby=\"f-amount-error\""),
            "error tied to the field"
        );
    }
    assert_eq!(checkouts(&app).await, 0, "nothing started on bad input");
    let sandbox = path_of(&location(&start_checkout(&app, &["2026-0002"], Some("25,00")).await));
    sandbox_click(&app, &sandbox, "pay").await;
    let row = invoice_row(&app, "2026-0002").await;
    assert_eq!((row.status.as_str(), row.open_cents), ("open", 13_245 - 2_500));
    app.cleanup().await;
}

#[tokio::test]
async fn bad_pay_requests_change_nothing() {
    let app = spawn_app().await;
    app.login(DEMO, PASSWORD).await;
    // Nothing selected, another debtor's invoice, and a missing CSRF token.
    let none = start_checkout(&app, &[], None).await;
    assert_eq!(location(&none), "/invoices");
    assert!(app.html("/invoices").await.contains("minstens één openstaande factuur"));
    let foreign = start_checkout(&app, &["2026-1001"], None).await;
    assert_eq!(location(&foreign), "/invoices");
    let forged = app.post("/pay/checkout", &[("invoice", "2026-0002")]).await;
    assert_eq!(location(&forged), "/invoices");
    assert_eq!(checkouts(&app).await, 0);
    // A return page for a checkout that does not exist reveals nothing.
    assert_eq!(app.get("/pay/return/not-a-checkout").await.status(), 404);
    assert_eq!(app.get("/sandbox/checkout/sbx_nope").await.status(), 404);
    // Anonymous: to the login page.
    let anon = client()
        .post(app.url("/pay/checkout"))
        .form(&[("invoice", "2026-0002")])
        .send()
        .await
        .unwrap();
    assert!(location(&anon).starts_with("/login"));
    app.cleanup().await;
}

#[tokio::test]
async fn a_payment_link_pays_without_logging_in() {
    let app = spawn_app().await;
    let link = "/pay/demo-pay-link-7f3c9a1e5b2d4f60a8c1e9d7";
    let html = app.html(link).await;
    assert!(html.contains("data-testid=\"pay-online\""));
    let csrf = csrf_for(&html, &format!("{link}/checkout")).unwrap();
    let res = app.post(&format!("{link}/checkout"), &[("csrf", &csrf)]).await;
    let sandbox = path_of(&location(&res));
    assert!(sandbox.starts_with("/sandbox/checkout/"), "{sandbox}");
    let back = sandbox_click(&app, &sandbox, "pay").await;
    assert!(app.html(&back).await.contains("data-outcome=\"paid\""));
    // A settled invoice's link is dead.
    assert_eq!(app.get(link).await.status(), 404);
    // A forged token on the form changes nothing.
    let bad = app.post(&format!("{link}/checkout"), &[("csrf", "x")]).await;
    assert_eq!(bad.status(), 303);
    app.cleanup().await;
}

#[tokio::test]
async fn duplicate_and_out_of_order_provider_events_change_nothing() {
    let app = spawn_app().await;
    let id = sandbox_checkout_of_0003(&app).await;
    let tenant = app.tenant().await;
    let snap = |state| sandbox_snapshot(&id, state);
    use settle_core::services::checkout::apply;
    apply(&app.state, &tenant, "sandbox", &snap(PaymentState::Paid))
        .await
        .unwrap();
    apply(&app.state, &tenant, "sandbox", &snap(PaymentState::Paid))
        .await
        .unwrap();
    apply(&app.state, &tenant, "sandbox", &snap(PaymentState::Pending))
        .await
        .unwrap();
    apply(&app.state, &tenant, "sandbox", &snap(PaymentState::Failed))
        .await
        .unwrap();
    let row = invoice_row(&app, "2026-0003").await;
    assert_eq!((row.status.as_str(), row.open_cents), ("paid", 0));
    assert_eq!(payment::Entity::find().count(&app.state.db).await.unwrap(), 1);
    let receipts = outbox::Entity::find()
        .filter(outbox::Column::Subject.contains("Betaling ontvangen"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(receipts, 1);
    app.cleanup().await;
}

/// A provider's "paid" that arrives hours after it said the payment failed (banks confirm
/// late): the money is booked, once, and the invoice is paid.
#[tokio::test]
async fn a_late_paid_after_a_failure_is_still_booked_once() {
    let app = spawn_app().await;
    let id = sandbox_checkout_of_0003(&app).await;
    let tenant = app.tenant().await;
    let snap = |state| sandbox_snapshot(&id, state);
    use settle_core::services::checkout::apply;
    apply(&app.state, &tenant, "sandbox", &snap(PaymentState::Failed))
        .await
        .unwrap();
    let row = invoice_row(&app, "2026-0003").await;
    assert_eq!(row.status, "open", "a failed payment leaves the invoice open");
    assert_eq!(payment::Entity::find().count(&app.state.db).await.unwrap(), 0);
    for _ in 0..2 {
        apply(&app.state, &tenant, "sandbox", &snap(PaymentState::Paid))
            .await
            .unwrap();
    }
    let row = invoice_row(&app, "2026-0003").await;
    assert_eq!((row.status.as_str(), row.open_cents), ("paid", 0));
    assert_eq!(payment::Entity::find().count(&app.state.db).await.unwrap(), 1);
    app.cleanup().await;
}

async fn use_provider(app: &TestApp, provider: ProviderKind, base: &str, secrets: Vec<String>) {
    let tenant = app.tenant().await;
    payment_settings::save(
        &app.state.db,
        &app.state.keys,
        app.state.clock.now(),
        tenant.id,
        &PaymentSettings {
            provider,
            credentials: Credentials {
                api_key: "test_SECRETKEY123".into(),
                webhook_secrets: secrets,
            },
            api_base: Some(base.into()),
            allow_partial: true,
            min_partial_cents: 1_000,
        },
    )
    .await
    .unwrap();
}

fn mollie_payment(status: &str, refunded: &str, charged_back: &str, checkout: &str) -> serde_json::Value {
    serde_json::json!({
        "resource": "payment", "id": "tr_WDqYK6vllg", "mode": "test", "status": status,
        "amount": {"currency": "EUR", "value": "42.50"},
        "amountRefunded": {"currency": "EUR", "value": refunded},
        "amountChargedBack": {"currency": "EUR", "value": charged_back},
        "description": "invoice", "metadata": {"checkout_id": checkout},
        "_links": {"checkout": {"href": "https://www.mollie.com/checkout/select-method/WDqYK6vllg", "type": "text/html"}}
    })
}

#[tokio::test]
async fn mollie_webhooks_are_fetched_and_booked_once_with_refunds_and_chargebacks() {
    let app = spawn_app().await;
    let mollie = MockServer::start().await;
    use_provider(&app, ProviderKind::Mollie, &mollie.uri(), vec![]).await;
    let created = mollie_payment("open", "0.00", "0.00", "x");
    Mock::given(method("POST"))
        .and(path("/v2/payments"))
        .respond_with(ResponseTemplate::new(201).set_body_json(created))
        .mount(&mollie)
        .await;
    app.login(DEMO, PASSWORD).await;
    let res = start_checkout(&app, &["2026-0003"], None).await;
    assert_eq!(
        location(&res),
        "https://www.mollie.com/checkout/select-method/WDqYK6vllg"
    );
    // Paid, reported twice.
    let paid = Mock::given(method("GET"))
        .and(path("/v2/payments/tr_WDqYK6vllg"))
        .respond_with(ResponseTemplate::new(200).set_body_json(mollie_payment("paid", "0.00", "0.00", "x")))
        .mount_as_scoped(&mollie)
        .await;
    for _ in 0..2 {
        let hook = client()
            .post(app.url("/webhooks/mollie"))
            .form(&[("id", "tr_WDqYK6vllg")])
            .send()
            .await
            .unwrap();
        assert_eq!(hook.status(), 200);
    }
    drop(paid);
    assert_eq!(invoice_row(&app, "2026-0003").await.status, "paid");
    assert_eq!(payment::Entity::find().count(&app.state.db).await.unwrap(), 1);
    // A partial refund, then a chargeback of the rest: the invoice reopens each time.
    Mock::given(method("GET"))
        .and(path("/v2/payments/tr_WDqYK6vllg"))
        .respond_with(ResponseTemplate::new(200).set_body_json(mollie_payment("paid", "10.00", "32.50", "x")))
        .mount(&mollie)
        .await;
    let hook = client()
        .post(app.url("/webhooks/mollie"))
        .form(&[("id", "tr_WDqYK6vllg")])
        .send()
        .await
        .unwrap();
    assert_eq!(hook.status(), 200);
    let row = invoice_row(&app, "2026-0003").await;
    assert_eq!((row.status.as_str(), row.open_cents), ("open", 4_250));
    // The creditor hears of each take-back, then of the invoice reopening.
    let told: Vec<(String, serde_json::Value)> = events_of(&app)
        .await
        .into_iter()
        .filter(|(k, _)| k.starts_with("payment.") || k.starts_with("invoice."))
        .map(|(k, d)| (k, d["amount_cents"].clone()))
        .collect();
    let kinds: Vec<&str> = told.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "payment.received",
            "invoice.paid",
            "payment.reversed",
            "invoice.reopened",
            "payment.reversed",
            "invoice.reopened"
        ],
        "{told:?}"
    );
    assert_eq!(
        told.iter()
            .filter(|(k, _)| k == "payment.reversed")
            .map(|(_, a)| a.as_i64().unwrap())
            .sum::<i64>(),
        4_250
    );
    // Unknown ids and junk get the same answers and change nothing.
    let unknown = client()
        .post(app.url("/webhooks/mollie"))
        .form(&[("id", "tr_unknown")])
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 200);
    let junk = client()
        .post(app.url("/webhooks/mollie"))
        .form(&[("id", "../x")])
        .send()
        .await
        .unwrap();
    assert_eq!(junk.status(), 400);
    app.cleanup().await;
}

#[tokio::test]
async fn mollie_refusing_a_payment_shows_a_message_and_frees_the_invoice() {
    let app = spawn_app().await;
    let mollie = MockServer::start().await;
    use_provider(&app, ProviderKind::Mollie, &mollie.uri(), vec![]).await;
    Mock::given(method("POST"))
        .and(path("/v2/payments"))
        .respond_with(ResponseTemplate::new(422).set_body_json(serde_json::json!({
            "status": 422, "title": "Unprocessable Entity", "detail": "The amount is lower than minimum"
        })))
        .mount(&mollie)
        .await;
    app.login(DEMO, PASSWORD).await;
    let res = start_checkout(&app, &["2026-0003"], None).await;
    assert_eq!(location(&res), "/invoices");
    assert!(app.html("/invoices").await.contains("Online betalen lukt nu niet"));
    let open = checkout::Entity::find()
        .filter(checkout::Column::Status.eq("open"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(open, 0);
    app.cleanup().await;
}

fn stripe_session(status: &str, payment_status: &str, checkout: &str) -> serde_json::Value {
    serde_json::json!({
        "id": "cs_test_a1", "object": "checkout.session", "status": status, "payment_status": payment_status,
        "amount_total": 4250, "currency": "eur", "client_reference_id": checkout,
        "metadata": {"checkout_id": checkout}, "payment_intent": "pi_123",
        "url": "https://checkout.stripe.com/c/pay/cs_test_a1"
    })
}

async fn stripe_hook(app: &TestApp, secret: &str, t: i64, body: &serde_json::Value) -> reqwest::Response {
    let raw = body.to_string();
    let sig = settle_core::providers::stripe::sign_for_test(secret, t, raw.as_bytes());
    client()
        .post(app.url("/webhooks/stripe"))
        .header("Stripe-Signature", sig)
        .header("Content-Type", "application/json")
        .body(raw)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn stripe_webhooks_need_a_valid_signature_and_are_booked_once() {
    let app = spawn_app().await;
    let stripe = MockServer::start().await;
    use_provider(
        &app,
        ProviderKind::Stripe,
        &stripe.uri(),
        vec!["whsec_old".into(), "whsec_new".into()],
    )
    .await;
    Mock::given(method("POST"))
        .and(path("/v1/checkout/sessions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(stripe_session("open", "unpaid", "x")))
        .mount(&stripe)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/checkout/sessions/cs_test_a1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(stripe_session("complete", "paid", "x")))
        .mount(&stripe)
        .await;
    app.login(DEMO, PASSWORD).await;
    let res = start_checkout(&app, &["2026-0003"], None).await;
    assert_eq!(location(&res), "https://checkout.stripe.com/c/pay/cs_test_a1");
    let now = app.state.clock.now().timestamp();
    let event = serde_json::json!({
        "id": "evt_1", "object": "event", "type": "checkout.session.completed",
        "data": {"object": stripe_session("complete", "paid", "x")}
    });
    // Wrong secret, stale timestamp: refused, nothing booked.
    assert_eq!(stripe_hook(&app, "whsec_wrong", now, &event).await.status(), 400);
    assert_eq!(stripe_hook(&app, "whsec_new", now - 301, &event).await.status(), 400);
    assert_eq!(invoice_row(&app, "2026-0003").await.status, "open");
    // Either secret works during rotation; the repeat changes nothing.
    assert_eq!(stripe_hook(&app, "whsec_old", now, &event).await.status(), 200);
    assert_eq!(stripe_hook(&app, "whsec_new", now, &event).await.status(), 200);
    assert_eq!(invoice_row(&app, "2026-0003").await.status, "paid");
    assert_eq!(payment::Entity::find().count(&app.state.db).await.unwrap(), 1);
    // A dispute reopens the invoice.
    let dispute = serde_json::json!({
        "id": "evt_2", "object": "event", "type": "charge.dispute.created",
        "data": {"object": {"id": "dp_1", "object": "dispute", "amount": 4250, "currency": "eur",
            "payment_intent": "pi_123", "reason": "fraudulent", "charge": "ch_1"}}
    });
    assert_eq!(stripe_hook(&app, "whsec_new", now, &dispute).await.status(), 200);
    let row = invoice_row(&app, "2026-0003").await;
    assert_eq!((row.status.as_str(), row.open_cents), ("open", 4_250));
    app.cleanup().await;
}

#[tokio::test]
async fn credentials_are_sealed_at_rest() {
    let app = spawn_app().await;
    use_provider(&app, ProviderKind::Mollie, "http://127.0.0.1:9", vec![]).await;
    use settle_core::entities::payment_setting;
    let row = payment_setting::Entity::find().all(&app.state.db).await.unwrap();
    let sealed = row.iter().find(|r| r.provider == "mollie").unwrap();
    let text = sealed.credentials.clone().unwrap();
    assert!(!text.contains("SECRETKEY"));
    assert!(sealed.credentials_key_id.clone().unwrap().starts_with('k'));
    app.cleanup().await;
}

#[tokio::test]
async fn the_sandbox_is_refused_in_production() {
    let app = spawn_app_in(settle_core::state::RunMode::Production).await;
    assert_eq!(app.get("/sandbox/checkout/sbx_x").await.status(), 404);
    app.login(DEMO, PASSWORD).await;
    let res = start_checkout(&app, &["2026-0002"], None).await;
    assert_eq!(location(&res), "/invoices");
    assert_eq!(checkouts(&app).await, 0);
    app.cleanup().await;
}

#[tokio::test]
async fn paying_twice_books_an_overpayment_the_debtor_sees_as_credit() {
    let app = spawn_app().await;
    app.login(DEMO, PASSWORD).await;
    let sandbox = path_of(&location(&start_checkout(&app, &["2026-0003"], None).await));
    // Meanwhile the debtor also transfers the money, and it is booked first.
    let inv = invoice_row(&app, "2026-0003").await;
    transfer(&app, &inv, Source::Staff, "staff-1", 4_250).await;
    sandbox_click(&app, &sandbox, "pay").await;
    let tasks = refund_task::Entity::find().all(&app.state.db).await.unwrap();
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0].amount_cents, 4_250);
    let second = payment::Entity::find()
        .filter(payment::Column::Source.eq("provider"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(second.match_state, "overpaid");
    let dashboard = app.html("/").await;
    assert!(
        dashboard.contains("tegoed") && dashboard.contains("42,50"),
        "credit shown"
    );
    // Staff refunds it through the provider it came in by: no credit left, the invoice stays paid.
    let tenant = app.tenant().await;
    use settle_core::services::refunds;
    refunds::via_provider(&app.state, &tenant, tasks[0].id).await.unwrap();
    let task = refund_task::Entity::find_by_id(tasks[0].id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(task.status, "refunded");
    assert!(
        refunds::via_provider(&app.state, &tenant, tasks[0].id).await.is_err(),
        "not twice"
    );
    assert_eq!(invoice_row(&app, "2026-0003").await.status, "paid");
    assert!(!app.html("/").await.contains("data-testid=\"credit\""));
    app.cleanup().await;
}

#[tokio::test]
async fn an_overpaid_transfer_is_exported_once_as_a_sepa_refund_file() {
    let app = spawn_app().await;
    let inv = invoice_row(&app, "2026-0006").await;
    transfer(&app, &inv, Source::Statement, "bank-1", 3_000).await;
    assert_eq!(invoice_row(&app, "2026-0006").await.status, "paid");
    let tenant = app.tenant().await;
    use settle_core::services::refunds;
    let (xml, n) = refunds::export_sepa(&app.state, &tenant).await.unwrap().unwrap();
    assert_eq!(n, 1);
    assert!(xml.contains("pain.001.001.09") && xml.contains("NL91ABNA0417164300"));
    assert!(xml.contains(">8.05<"), "the overpaid 30.00 - 21.95");
    assert!(
        refunds::export_sepa(&app.state, &tenant).await.unwrap().is_none(),
        "exported once"
    );
    app.cleanup().await;
}
