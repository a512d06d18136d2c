//! The Mollie and Stripe clients against a fake provider (wiremock): what they send on the wire,
//! how they read the documented responses, and how provider errors surface.
use serde_json::{json, Value};
use settle_core::providers::{
    mollie::MollieClient, stripe::StripeClient, CreatePayment, PaymentState, ProviderError, RefundRequest,
};
use std::collections::HashMap;
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const MOLLIE_KEY: &str = "test_dHar4XY7LxsDOtmnkVtjNVWXLSlXsM";
const STRIPE_KEY: &str = "sk_test_4eC39HqLyjWDarjtT1zdp7dc";

fn payment(locale: &str) -> CreatePayment {
    CreatePayment {
        checkout_id: "chk_42".to_owned(),
        amount_cents: 1234,
        currency: "EUR".to_owned(),
        description: "Invoice 2024-001".to_owned(),
        redirect_url: "https://settle.example/pay/chk_42/return".to_owned(),
        cancel_url: "https://settle.example/pay/chk_42".to_owned(),
        webhook_url: "https://settle.example/webhooks/mollie".to_owned(),
        locale: locale.to_owned(),
        idempotency_key: "idem-create-chk_42".to_owned(),
    }
}

fn refund(target: &str) -> RefundRequest {
    RefundRequest {
        refund_target: target.to_owned(),
        amount_cents: 500,
        currency: "EUR".to_owned(),
        description: "Overpayment on invoice 2024-001".to_owned(),
        idempotency_key: "idem-refund-1".to_owned(),
    }
}

fn mollie(server: &MockServer) -> MollieClient {
    MollieClient::new(reqwest::Client::new(), &server.uri(), MOLLIE_KEY)
}

fn stripe(server: &MockServer) -> StripeClient {
    StripeClient::new(reqwest::Client::new(), &server.uri(), STRIPE_KEY)
}

/// The single request the fake provider received, as form fields.
async fn only_form(server: &MockServer) -> HashMap<String, String> {
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1, "expected exactly one request");
    url::form_urlencoded::parse(&received[0].body).into_owned().collect()
}

fn mollie_payment(status: &str) -> Value {
    json!({
        "resource": "payment",
        "id": "tr_7UhSN1zuXS",
        "mode": "test",
        "createdAt": "2024-03-20T09:13:37+00:00",
        "amount": { "value": "12.34", "currency": "EUR" },
        "description": "Invoice 2024-001",
        "method": null,
        "metadata": { "checkout_id": "chk_42" },
        "status": status,
        "isCancelable": false,
        "expiresAt": "2024-03-20T09:28:37+00:00",
        "details": null,
        "profileId": "pfl_QkEhN94Ba",
        "sequenceType": "oneoff",
        "redirectUrl": "https://settle.example/pay/chk_42/return",
        "webhookUrl": "https://settle.example/webhooks/mollie",
        "_links": {
            "self": { "href": "https://api.mollie.com/v2/payments/tr_7UhSN1zuXS", "type": "application/hal+json" },
            "checkout": { "href": "https://www.mollie.com/checkout/select-method/7UhSN1zuXS", "type": "text/html" },
            "documentation": { "href": "https://docs.mollie.com/reference/create-payment", "type": "text/html" }
        }
    })
}

#[tokio::test]
async fn mollie_payment_is_created_with_redirect_and_webhook_urls() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/payments"))
        .and(header("authorization", format!("Bearer {MOLLIE_KEY}").as_str()))
        .and(header("idempotency-key", "idem-create-chk_42"))
        .and(body_partial_json(json!({
            "amount": { "currency": "EUR", "value": "12.34" },
            "description": "Invoice 2024-001",
            "redirectUrl": "https://settle.example/pay/chk_42/return",
            "cancelUrl": "https://settle.example/pay/chk_42",
            "webhookUrl": "https://settle.example/webhooks/mollie",
            "locale": "nl_NL",
            "metadata": { "checkout_id": "chk_42" }
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(mollie_payment("open")))
        .expect(1)
        .mount(&server)
        .await;

    let created = mollie(&server).create_payment(&payment("nl")).await.unwrap();
    assert_eq!(created.provider_payment_id, "tr_7UhSN1zuXS");
    assert_eq!(
        created.checkout_url,
        "https://www.mollie.com/checkout/select-method/7UhSN1zuXS"
    );
}

#[tokio::test]
async fn mollie_paid_payment_reports_refunds_and_chargebacks() {
    let server = MockServer::start().await;
    let mut body = mollie_payment("paid");
    body["paidAt"] = json!("2024-03-20T09:20:00+00:00");
    body["amountRefunded"] = json!({ "value": "2.00", "currency": "EUR" });
    body["amountRemaining"] = json!({ "value": "10.34", "currency": "EUR" });
    body["amountChargedBack"] = json!({ "value": "10.34", "currency": "EUR" });
    Mock::given(method("GET"))
        .and(path("/v2/payments/tr_7UhSN1zuXS"))
        .and(header("authorization", format!("Bearer {MOLLIE_KEY}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;

    let snap = mollie(&server).get_payment("tr_7UhSN1zuXS").await.unwrap();
    assert_eq!(snap.provider_payment_id, "tr_7UhSN1zuXS");
    assert_eq!(snap.checkout_id.as_deref(), Some("chk_42"));
    assert_eq!(snap.state, PaymentState::Paid);
    assert_eq!((snap.amount_cents, snap.currency.as_str()), (1234, "EUR"));
    assert_eq!(snap.refunded_cents, 200);
    assert_eq!(snap.charged_back_cents, 1034);
    assert_eq!(snap.refund_target.as_deref(), Some("tr_7UhSN1zuXS"));
}

#[tokio::test]
async fn mollie_open_payment_without_refunds_reports_zero() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/payments/tr_7UhSN1zuXS"))
        .respond_with(ResponseTemplate::new(200).set_body_json(mollie_payment("open")))
        .mount(&server)
        .await;

    let snap = mollie(&server).get_payment("tr_7UhSN1zuXS").await.unwrap();
    assert_eq!(snap.state, PaymentState::Open);
    assert_eq!((snap.refunded_cents, snap.charged_back_cents), (0, 0));
}

#[tokio::test]
async fn mollie_error_detail_is_surfaced_without_the_api_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/payments"))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({
            "status": 422,
            "title": "Unprocessable Entity",
            "detail": "The amount is lower than minimum",
            "field": "amount",
            "_links": { "documentation": { "href": "https://docs.mollie.com/overview/handling-errors", "type": "text/html" } }
        })))
        .mount(&server)
        .await;

    let err = mollie(&server).create_payment(&payment("de")).await.unwrap_err();
    match &err {
        ProviderError::Api { status, message } => {
            assert_eq!(*status, 422);
            assert_eq!(message, "The amount is lower than minimum");
        }
        other => panic!("expected an API error, got {other:?}"),
    }
    let shown = format!("{err} {err:?}");
    assert!(shown.contains("The amount is lower than minimum"), "{shown}");
    assert!(!shown.contains(MOLLIE_KEY), "{shown}");
}

#[tokio::test]
async fn mollie_refund_is_created_against_the_payment() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/payments/tr_7UhSN1zuXS/refunds"))
        .and(header("authorization", format!("Bearer {MOLLIE_KEY}").as_str()))
        .and(header("idempotency-key", "idem-refund-1"))
        .and(body_partial_json(json!({
            "amount": { "currency": "EUR", "value": "5.00" },
            "description": "Overpayment on invoice 2024-001"
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "resource": "refund",
            "id": "re_4qqhO89gsT",
            "mode": "test",
            "amount": { "currency": "EUR", "value": "5.00" },
            "status": "queued",
            "createdAt": "2024-03-21T10:00:00+00:00",
            "description": "Overpayment on invoice 2024-001",
            "paymentId": "tr_7UhSN1zuXS"
        })))
        .expect(1)
        .mount(&server)
        .await;

    let created = mollie(&server).create_refund(&refund("tr_7UhSN1zuXS")).await.unwrap();
    assert_eq!(created.refund_id, "re_4qqhO89gsT");
    assert_eq!(created.status, "queued");
}

#[tokio::test]
async fn unreachable_provider_is_an_http_error() {
    // Bind and release a port so nothing is listening on it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = MollieClient::new(reqwest::Client::new(), &format!("http://127.0.0.1:{port}"), MOLLIE_KEY);
    let err = client.get_payment("tr_7UhSN1zuXS").await.unwrap_err();
    assert!(matches!(err, ProviderError::Http(_)), "{err:?}");
    assert!(!err.to_string().contains(MOLLIE_KEY));
}

fn stripe_session(status: &str, payment_status: &str) -> Value {
    json!({
        "id": "cs_test_a11YYufWQzNY63zpQ6QSNRQhkUpVph4WRmzW0zWJO2znZKdVujZ0N0S22u",
        "object": "checkout.session",
        "amount_subtotal": 1234,
        "amount_total": 1234,
        "cancel_url": "https://settle.example/pay/chk_42",
        "client_reference_id": "chk_42",
        "currency": "eur",
        "customer": null,
        "expires_at": 1_679_600_215,
        "livemode": false,
        "locale": "nl",
        "metadata": { "checkout_id": "chk_42" },
        "mode": "payment",
        "payment_intent": if status == "complete" { json!("pi_3MtwBwLkdIwHu7ix28a3tqPa") } else { json!(null) },
        "payment_method_types": ["card", "ideal", "sepa_debit"],
        "payment_status": payment_status,
        "status": status,
        "success_url": "https://settle.example/pay/chk_42/return",
        "url": if status == "open" {
            json!("https://checkout.stripe.com/c/pay/cs_test_a11YYufWQzNY63zpQ6QSNRQhkUpVph4WRmzW0zWJO2znZKdVujZ0N0S22u")
        } else {
            json!(null)
        }
    })
}

#[tokio::test]
async fn stripe_checkout_session_is_created_with_checkout_metadata_and_amount() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/checkout/sessions"))
        .and(header("authorization", format!("Bearer {STRIPE_KEY}").as_str()))
        .and(header("idempotency-key", "idem-create-chk_42"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .respond_with(ResponseTemplate::new(200).set_body_json(stripe_session("open", "unpaid")))
        .expect(1)
        .mount(&server)
        .await;

    let created = stripe(&server).create_checkout_session(&payment("de")).await.unwrap();
    assert_eq!(
        created.provider_payment_id,
        "cs_test_a11YYufWQzNY63zpQ6QSNRQhkUpVph4WRmzW0zWJO2znZKdVujZ0N0S22u"
    );
    assert!(created
        .checkout_url
        .starts_with("https://checkout.stripe.com/c/pay/cs_test_"));

    let form = only_form(&server).await;
    for (field, value) in [
        ("mode", "payment"),
        ("line_items[0][price_data][currency]", "eur"),
        ("line_items[0][price_data][unit_amount]", "1234"),
        ("line_items[0][price_data][product_data][name]", "Invoice 2024-001"),
        ("line_items[0][quantity]", "1"),
        ("success_url", "https://settle.example/pay/chk_42/return"),
        ("cancel_url", "https://settle.example/pay/chk_42"),
        ("locale", "de"),
        ("client_reference_id", "chk_42"),
        ("metadata[checkout_id]", "chk_42"),
        ("payment_intent_data[metadata][checkout_id]", "chk_42"),
    ] {
        assert_eq!(form.get(field).map(String::as_str), Some(value), "form field {field}");
    }
    // Stripe webhooks are configured in its dashboard; Mollie's webhook URL must not leak into the request.
    assert!(!form.values().any(|v| v.contains("webhooks/mollie")), "{form:?}");
}

#[tokio::test]
async fn stripe_complete_paid_session_is_paid() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(
            "/v1/checkout/sessions/cs_test_a11YYufWQzNY63zpQ6QSNRQhkUpVph4WRmzW0zWJO2znZKdVujZ0N0S22u",
        ))
        .and(header("authorization", format!("Bearer {STRIPE_KEY}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(stripe_session("complete", "paid")))
        .expect(1)
        .mount(&server)
        .await;

    let snap = stripe(&server)
        .get_session("cs_test_a11YYufWQzNY63zpQ6QSNRQhkUpVph4WRmzW0zWJO2znZKdVujZ0N0S22u")
        .await
        .unwrap();
    assert_eq!(snap.state, PaymentState::Paid);
    assert_eq!(snap.checkout_id.as_deref(), Some("chk_42"));
    assert_eq!((snap.amount_cents, snap.currency.as_str()), (1234, "EUR"));
    assert_eq!((snap.refunded_cents, snap.charged_back_cents), (0, 0));
    assert_eq!(snap.refund_target.as_deref(), Some("pi_3MtwBwLkdIwHu7ix28a3tqPa"));
}

#[tokio::test]
async fn stripe_complete_unpaid_session_is_pending() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(
            "/v1/checkout/sessions/cs_test_a11YYufWQzNY63zpQ6QSNRQhkUpVph4WRmzW0zWJO2znZKdVujZ0N0S22u",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(stripe_session("complete", "unpaid")))
        .mount(&server)
        .await;

    let snap = stripe(&server)
        .get_session("cs_test_a11YYufWQzNY63zpQ6QSNRQhkUpVph4WRmzW0zWJO2znZKdVujZ0N0S22u")
        .await
        .unwrap();
    assert_eq!(snap.state, PaymentState::Pending);
    assert_eq!(snap.refund_target.as_deref(), Some("pi_3MtwBwLkdIwHu7ix28a3tqPa"));
}

#[tokio::test]
async fn stripe_refund_is_created_against_the_payment_intent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/refunds"))
        .and(header("authorization", format!("Bearer {STRIPE_KEY}").as_str()))
        .and(header("idempotency-key", "idem-refund-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "re_1Nispe2eZvKYlo2Cd31jOCgZ",
            "object": "refund",
            "amount": 500,
            "balance_transaction": "txn_1Nispe2eZvKYlo2CYezqFhEx",
            "charge": "ch_3MtwBwLkdIwHu7ix28a3tqPa",
            "created": 1_692_942_318,
            "currency": "eur",
            "metadata": { "reason": "Overpayment on invoice 2024-001" },
            "payment_intent": "pi_3MtwBwLkdIwHu7ix28a3tqPa",
            "reason": null,
            "status": "succeeded"
        })))
        .expect(1)
        .mount(&server)
        .await;

    let created = stripe(&server)
        .create_refund(&refund("pi_3MtwBwLkdIwHu7ix28a3tqPa"))
        .await
        .unwrap();
    assert_eq!(created.refund_id, "re_1Nispe2eZvKYlo2Cd31jOCgZ");
    assert_eq!(created.status, "succeeded");

    let form = only_form(&server).await;
    assert_eq!(
        form.get("payment_intent").map(String::as_str),
        Some("pi_3MtwBwLkdIwHu7ix28a3tqPa")
    );
    assert_eq!(form.get("amount").map(String::as_str), Some("500"));
    assert_eq!(
        form.get("metadata[reason]").map(String::as_str),
        Some("Overpayment on invoice 2024-001")
    );
}

#[tokio::test]
async fn stripe_error_message_is_surfaced_without_the_secret_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/refunds"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error": {
                "code": "charge_already_refunded",
                "message": "Charge ch_3MtwBwLkdIwHu7ix28a3tqPa has already been refunded.",
                "request_log_url": "https://dashboard.stripe.com/test/logs/req_1",
                "type": "invalid_request_error"
            }
        })))
        .mount(&server)
        .await;

    let err = stripe(&server)
        .create_refund(&refund("pi_3MtwBwLkdIwHu7ix28a3tqPa"))
        .await
        .unwrap_err();
    match &err {
        ProviderError::Api { status, message } => {
            assert_eq!(*status, 400);
            assert_eq!(message, "Charge ch_3MtwBwLkdIwHu7ix28a3tqPa has already been refunded.");
        }
        other => panic!("expected an API error, got {other:?}"),
    }
    assert!(!format!("{err} {err:?}").contains(STRIPE_KEY));
}
