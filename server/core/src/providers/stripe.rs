//! Stripe client: Checkout Sessions and refunds over Stripe's form-encoded API, plus webhook
//! signature verification (`Stripe-Signature`) and parsing of the few events Settle acts on.
use super::{
    http_error, is_safe_path_id, malformed_id, read_json, CreatePayment, CreatedPayment, PaymentSnapshot, PaymentState,
    ProviderError, RefundCreated, RefundRequest,
};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;
use std::collections::BTreeMap;
use subtle::ConstantTimeEq;

pub const DEFAULT_BASE: &str = "https://api.stripe.com";
/// Stripe's own libraries accept webhooks up to five minutes old; so do we.
pub const TOLERANCE_SECS: i64 = 300;

pub struct StripeClient {
    http: reqwest::Client,
    base: String,
    secret_key: String,
}

// Written by hand so the secret key can never reach a log through `{:?}`.
impl std::fmt::Debug for StripeClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripeClient")
            .field("base", &self.base)
            .field("secret_key", &"[redacted]")
            .finish()
    }
}

/// Stripe expandable fields arrive as an id string, or as the object when expanded.
#[derive(Deserialize)]
#[serde(untagged)]
enum IdOrObject {
    Id(String),
    Object { id: String },
}

impl IdOrObject {
    fn into_id(self) -> String {
        match self {
            IdOrObject::Id(id) | IdOrObject::Object { id } => id,
        }
    }
}

#[derive(Deserialize)]
struct Session {
    id: String,
    status: Option<String>,
    payment_status: Option<String>,
    payment_intent: Option<IdOrObject>,
    amount_total: Option<i64>,
    currency: Option<String>,
    client_reference_id: Option<String>,
    #[serde(default)]
    metadata: Option<BTreeMap<String, serde_json::Value>>,
}

impl Session {
    fn checkout_id(&self) -> Option<String> {
        self.client_reference_id.clone().or_else(|| {
            self.metadata
                .as_ref()
                .and_then(|m| m.get("checkout_id"))
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        })
    }

    fn amount_and_currency(&self) -> Result<(i64, String), ProviderError> {
        let amount = self
            .amount_total
            .ok_or_else(|| ProviderError::Parse("Stripe session has no amount_total".to_owned()))?;
        let currency = self
            .currency
            .as_ref()
            .ok_or_else(|| ProviderError::Parse("Stripe session has no currency".to_owned()))?;
        Ok((amount, currency.to_ascii_uppercase()))
    }
}

#[derive(Deserialize)]
struct Created {
    id: String,
    url: Option<String>,
}

#[derive(Deserialize)]
struct Refund {
    id: String,
    status: Option<String>,
}

impl StripeClient {
    pub fn new(http: reqwest::Client, base: &str, secret_key: &str) -> Self {
        Self {
            http,
            base: base.trim_end_matches('/').to_owned(),
            secret_key: secret_key.to_owned(),
        }
    }

    /// POST {base}/v1/checkout/sessions (mode=payment, one line item): answers cs_... and the hosted URL.
    pub async fn create_checkout_session(&self, p: &CreatePayment) -> Result<CreatedPayment, ProviderError> {
        let form = session_form(p);
        let response = self
            .http
            .post(format!("{}/v1/checkout/sessions", self.base))
            .bearer_auth(&self.secret_key)
            .header("Idempotency-Key", &p.idempotency_key)
            .form(&form)
            .send()
            .await
            .map_err(http_error)?;
        let created: Created = read_json(response, error_message, &self.secret_key).await?;
        let checkout_url = created
            .url
            .ok_or_else(|| ProviderError::Parse("Stripe session has no checkout url".to_owned()))?;
        Ok(CreatedPayment {
            provider_payment_id: created.id,
            checkout_url,
        })
    }

    /// GET {base}/v1/checkout/sessions/{id}: the session as Stripe sees it now.
    pub async fn get_session(&self, id: &str) -> Result<PaymentSnapshot, ProviderError> {
        if !is_safe_path_id(id) {
            return Err(malformed_id(id));
        }
        let response = self
            .http
            .get(format!("{}/v1/checkout/sessions/{id}", self.base))
            .bearer_auth(&self.secret_key)
            .send()
            .await
            .map_err(http_error)?;
        let session: Session = read_json(response, error_message, &self.secret_key).await?;
        session_snapshot(session)
    }

    /// POST {base}/v1/refunds against the session's payment intent.
    pub async fn create_refund(&self, r: &RefundRequest) -> Result<RefundCreated, ProviderError> {
        // Stripe's `reason` only takes fixed values, so Settle's free-text description goes to metadata.
        // Stripe refunds have no currency parameter: they are always in the charge's currency.
        let form = [
            ("payment_intent", r.refund_target.clone()),
            ("amount", r.amount_cents.to_string()),
            ("metadata[reason]", r.description.clone()),
        ];
        let response = self
            .http
            .post(format!("{}/v1/refunds", self.base))
            .bearer_auth(&self.secret_key)
            .header("Idempotency-Key", &r.idempotency_key)
            .form(&form)
            .send()
            .await
            .map_err(http_error)?;
        let refund: Refund = read_json(response, error_message, &self.secret_key).await?;
        Ok(RefundCreated {
            refund_id: refund.id,
            status: refund.status.unwrap_or_else(|| "pending".to_owned()),
        })
    }
}

fn session_form(p: &CreatePayment) -> Vec<(&'static str, String)> {
    vec![
        ("mode", "payment".to_owned()),
        ("line_items[0][price_data][currency]", p.currency.to_ascii_lowercase()),
        ("line_items[0][price_data][unit_amount]", p.amount_cents.to_string()),
        ("line_items[0][price_data][product_data][name]", p.description.clone()),
        ("line_items[0][quantity]", "1".to_owned()),
        ("success_url", p.redirect_url.clone()),
        ("cancel_url", p.cancel_url.clone()),
        ("locale", stripe_locale(&p.locale).to_owned()),
        ("client_reference_id", p.checkout_id.clone()),
        ("metadata[checkout_id]", p.checkout_id.clone()),
        // Also on the payment intent, so charges, refunds and disputes can be traced back to the checkout.
        ("payment_intent_data[metadata][checkout_id]", p.checkout_id.clone()),
    ]
}

fn stripe_locale(locale: &str) -> &'static str {
    match locale {
        "nl" => "nl",
        "de" => "de",
        "en" => "en",
        // Stripe rejects unknown locales; "auto" lets it follow the browser instead.
        _ => "auto",
    }
}

fn error_message(json: &serde_json::Value) -> Option<String> {
    json.get("error")
        .and_then(|e| e.get("message"))
        .and_then(|m| m.as_str())
        .map(str::to_owned)
}

/// Maps a session's `payment_status` once it is `complete`.
fn completed_state(payment_status: Option<&str>) -> Result<PaymentState, ProviderError> {
    match payment_status {
        Some("paid") => Ok(PaymentState::Paid),
        // Async methods (SEPA debit, iDEAL processing) complete the session before the money arrives.
        // `no_payment_required` is pending too: Settle never credits a debt it did not receive money for.
        Some("unpaid") | Some("no_payment_required") => Ok(PaymentState::Pending),
        other => Err(ProviderError::Parse(format!("unknown Stripe payment_status {other:?}"))),
    }
}

fn session_snapshot(session: Session) -> Result<PaymentSnapshot, ProviderError> {
    let state = match session.status.as_deref() {
        Some("open") => PaymentState::Open,
        Some("expired") => PaymentState::Expired,
        Some("complete") => completed_state(session.payment_status.as_deref())?,
        other => return Err(ProviderError::Parse(format!("unknown Stripe session status {other:?}"))),
    };
    let (amount_cents, currency) = session.amount_and_currency()?;
    let checkout_id = session.checkout_id();
    Ok(PaymentSnapshot {
        provider_payment_id: session.id,
        checkout_id,
        state,
        amount_cents,
        currency,
        refunded_cents: 0,
        charged_back_cents: 0,
        refund_target: session.payment_intent.map(IdOrObject::into_id),
    })
}

fn signature(secret: &str, timestamp: &str, body: &[u8]) -> Result<Vec<u8>, ProviderError> {
    // HMAC accepts keys of any length; the error arm is unreachable but must not panic.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).map_err(|_| ProviderError::Signature)?;
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    Ok(mac.finalize().into_bytes().to_vec())
}

/// `Stripe-Signature: t=1492774577,v1=5257a8...,v1=...,v0=...`: HMAC-SHA256 over "{t}.{raw body}" with each secret (whsec_... used as-is as the key bytes), hex;
/// accept if ANY v1 matches ANY of `secrets` (two during rotation) in constant time (subtle), and |now - t| <= tolerance. Anything else -> Err(Signature).
pub fn verify_signature(
    header: &str,
    raw_body: &[u8],
    secrets: &[&str],
    now_unix: i64,
    tolerance_secs: i64,
) -> Result<(), ProviderError> {
    let mut timestamp: Option<&str> = None;
    let mut candidates: Vec<Vec<u8>> = Vec::new();
    for item in header.split(',') {
        let Some((key, value)) = item.trim().split_once('=') else {
            return Err(ProviderError::Signature);
        };
        match key {
            // Two timestamps would make it ambiguous which one was signed.
            "t" if timestamp.is_some() => return Err(ProviderError::Signature),
            "t" => timestamp = Some(value),
            // A v1 that is not hex cannot match; other v1 entries still may.
            "v1" => candidates.extend(hex::decode(value).ok()),
            // v0 and future schemes are not trusted.
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(ProviderError::Signature)?;
    if timestamp.is_empty() || !timestamp.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ProviderError::Signature);
    }
    let t: i64 = timestamp.parse().map_err(|_| ProviderError::Signature)?;
    if tolerance_secs < 0 || now_unix.abs_diff(t) > tolerance_secs.unsigned_abs() {
        return Err(ProviderError::Signature);
    }
    let mut matched = subtle::Choice::from(0);
    // An empty secret is a misconfiguration, and a key anyone can compute a signature with.
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        let expected = signature(secret, timestamp, raw_body)?;
        for candidate in &candidates {
            matched |= expected.as_slice().ct_eq(candidate.as_slice());
        }
    }
    if bool::from(matched) {
        Ok(())
    } else {
        Err(ProviderError::Signature)
    }
}

/// A full `Stripe-Signature` header value for `body`, so tests can craft webhooks as Stripe would.
pub fn sign_for_test(secret: &str, t: i64, body: &[u8]) -> String {
    let mac = signature(secret, &t.to_string(), body)
        .map(hex::encode)
        .unwrap_or_default();
    format!("t={t},v1={mac}")
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StripeEvent {
    /// evt_...: used to ignore redeliveries.
    pub id: String,
    pub change: StripeChange,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StripeChange {
    /// checkout.session.completed (payment_status paid -> Paid, unpaid -> Pending), checkout.session.async_payment_succeeded (Paid),
    /// checkout.session.async_payment_failed (Failed), checkout.session.expired (Expired)
    Session {
        session_id: String,
        checkout_id: Option<String>,
        payment_intent: Option<String>,
        state: PaymentState,
        amount_cents: i64,
        currency: String,
    },
    /// charge.refunded: data.object is a Charge: payment_intent, amount_refunded (cumulative total)
    Refunded {
        payment_intent: String,
        total_refunded_cents: i64,
    },
    /// charge.dispute.created: data.object is a Dispute: payment_intent, amount, reason (e.g. "fraudulent")
    Disputed {
        payment_intent: String,
        amount_cents: i64,
        reason: String,
    },
    /// anything else: acknowledged and ignored
    Other(String),
}

#[derive(Deserialize)]
struct RawEvent {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    data: RawData,
}

#[derive(Deserialize)]
struct RawData {
    object: serde_json::Value,
}

#[derive(Deserialize)]
struct Charge {
    payment_intent: Option<IdOrObject>,
    amount_refunded: i64,
}

#[derive(Deserialize)]
struct Dispute {
    payment_intent: Option<IdOrObject>,
    amount: i64,
    reason: String,
}

fn object<T: serde::de::DeserializeOwned>(value: serde_json::Value, kind: &str) -> Result<T, ProviderError> {
    serde_json::from_value(value).map_err(|e| ProviderError::Parse(format!("{kind}: {e}")))
}

/// Parses a (signature-checked) webhook body into the change Settle cares about.
pub fn parse_event(raw_body: &[u8]) -> Result<StripeEvent, ProviderError> {
    let event: RawEvent = serde_json::from_slice(raw_body).map_err(|e| ProviderError::Parse(e.to_string()))?;
    let kind = event.kind.as_str();
    let change = match kind {
        "checkout.session.completed"
        | "checkout.session.async_payment_succeeded"
        | "checkout.session.async_payment_failed"
        | "checkout.session.expired" => {
            let session: Session = object(event.data.object, kind)?;
            let state = match kind {
                "checkout.session.completed" => completed_state(session.payment_status.as_deref())?,
                "checkout.session.async_payment_succeeded" => PaymentState::Paid,
                "checkout.session.async_payment_failed" => PaymentState::Failed,
                _ => PaymentState::Expired,
            };
            let (amount_cents, currency) = session.amount_and_currency()?;
            let checkout_id = session.checkout_id();
            StripeChange::Session {
                session_id: session.id,
                checkout_id,
                payment_intent: session.payment_intent.map(IdOrObject::into_id),
                state,
                amount_cents,
                currency,
            }
        }
        "charge.refunded" => {
            let charge: Charge = object(event.data.object, kind)?;
            match charge.payment_intent {
                Some(pi) => StripeChange::Refunded {
                    payment_intent: pi.into_id(),
                    total_refunded_cents: charge.amount_refunded,
                },
                // A charge without a payment intent was not made through Checkout, so it is not Settle's.
                None => StripeChange::Other(event.kind.clone()),
            }
        }
        "charge.dispute.created" => {
            let dispute: Dispute = object(event.data.object, kind)?;
            match dispute.payment_intent {
                Some(pi) => StripeChange::Disputed {
                    payment_intent: pi.into_id(),
                    amount_cents: dispute.amount,
                    reason: dispute.reason,
                },
                None => StripeChange::Other(event.kind.clone()),
            }
        }
        _ => StripeChange::Other(event.kind.clone()),
    };
    Ok(StripeEvent { id: event.id, change })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use serde_json::json;

    const SECRET: &str = "whsec_test_secret";
    const OLD_SECRET: &str = "whsec_previous_secret";
    const T: i64 = 1_492_774_577;
    const BODY: &[u8] = br#"{"id":"evt_1"}"#;
    /// Computed independently: `printf '1492774577.{"id":"evt_1"}' | openssl dgst -sha256 -hmac whsec_test_secret`.
    const KNOWN_V1: &str = "799c4ba7bb339f3c8601adfd112f0e477c930a268be1243d341abb8286501c2f";

    fn verify(header: &str, body: &[u8], secrets: &[&str], now: i64) -> Result<(), ProviderError> {
        verify_signature(header, body, secrets, now, TOLERANCE_SECS)
    }

    #[test]
    fn signature_matches_an_independently_computed_hmac() {
        assert_eq!(sign_for_test(SECRET, T, BODY), format!("t={T},v1={KNOWN_V1}"));
        assert!(verify(&format!("t={T},v1={KNOWN_V1},v0=deadbeef"), BODY, &[SECRET], T).is_ok());
    }

    #[test]
    fn valid_signature_is_accepted() {
        let header = sign_for_test(SECRET, T, BODY);
        assert!(verify(&header, BODY, &[SECRET], T + 10).is_ok());
    }

    #[test]
    fn wrong_secret_is_rejected() {
        let header = sign_for_test("whsec_attacker", T, BODY);
        assert!(matches!(
            verify(&header, BODY, &[SECRET], T),
            Err(ProviderError::Signature)
        ));
    }

    #[test]
    fn either_secret_is_accepted_during_rotation() {
        let old = sign_for_test(OLD_SECRET, T, BODY);
        let new = sign_for_test(SECRET, T, BODY);
        assert!(verify(&old, BODY, &[SECRET, OLD_SECRET], T).is_ok());
        assert!(verify(&new, BODY, &[SECRET, OLD_SECRET], T).is_ok());
        assert!(verify(&old, BODY, &[SECRET], T).is_err());
    }

    #[test]
    fn tampered_body_is_rejected() {
        let header = sign_for_test(SECRET, T, BODY);
        assert!(matches!(
            verify(&header, br#"{"id":"evt_2"}"#, &[SECRET], T),
            Err(ProviderError::Signature)
        ));
        assert!(verify(&header, br#"{"id":"evt_1"} "#, &[SECRET], T).is_err());
    }

    #[test]
    fn timestamps_outside_the_tolerance_are_rejected() {
        let header = sign_for_test(SECRET, T, BODY);
        // Exactly at the edge is still fine, in both directions.
        assert!(verify(&header, BODY, &[SECRET], T + TOLERANCE_SECS).is_ok());
        assert!(verify(&header, BODY, &[SECRET], T - TOLERANCE_SECS).is_ok());
        // Too old (a replay) and too far in the future.
        assert!(matches!(
            verify(&header, BODY, &[SECRET], T + TOLERANCE_SECS + 1),
            Err(ProviderError::Signature)
        ));
        assert!(matches!(
            verify(&header, BODY, &[SECRET], T - TOLERANCE_SECS - 1),
            Err(ProviderError::Signature)
        ));
        assert!(verify(&header, BODY, &[SECRET], i64::MAX).is_err());
        assert!(verify(&header, BODY, &[SECRET], i64::MIN).is_err());
    }

    #[test]
    fn malformed_headers_are_rejected() {
        let good = sign_for_test(SECRET, T, BODY);
        let v1 = good.split_once(",v1=").map(|(_, mac)| mac.to_owned()).unwrap();
        for header in [
            String::new(),
            "garbage".to_owned(),
            format!("v1={v1}"),
            format!("t={T}"),
            format!("t=,v1={v1}"),
            format!("t=abc,v1={v1}"),
            format!("t=-{T},v1={v1}"),
            format!("t=+{T},v1={v1}"),
            format!("t={T},v1=zz{v1}"),
            format!("t={T},v1="),
            format!("t={T},v0={v1}"),
            format!("t={T},t={T},v1={v1}"),
            format!("t={T},v1={}", &v1[..32]),
            format!("t={T},,v1={v1}"),
            "t=99999999999999999999999,v1=00".to_owned(),
        ] {
            assert!(
                matches!(verify(&header, BODY, &[SECRET], T), Err(ProviderError::Signature)),
                "{header:?}"
            );
        }
    }

    #[test]
    fn any_of_several_v1_entries_may_match() {
        let good = sign_for_test(SECRET, T, BODY);
        let v1 = good.split_once(",v1=").map(|(_, mac)| mac.to_owned()).unwrap();
        let junk = "0".repeat(64);
        assert!(verify(&format!("t={T},v1={junk},v1={v1}"), BODY, &[SECRET], T).is_ok());
        assert!(verify(&format!("t={T}, v1=nothex, v1={v1}, v0={junk}"), BODY, &[SECRET], T).is_ok());
        assert!(verify(&format!("t={T},v1={junk},v1={junk}"), BODY, &[SECRET], T).is_err());
    }

    #[test]
    fn no_usable_secret_means_no_match() {
        let header = sign_for_test("", T, BODY);
        assert!(verify(&header, BODY, &[], T).is_err());
        assert!(verify(&header, BODY, &[""], T).is_err());
    }

    fn event(kind: &str, object: serde_json::Value) -> Vec<u8> {
        serde_json::to_vec(&json!({
            "id": "evt_1NG8Du2eZvKYlo2CUI79vXWy",
            "object": "event",
            "api_version": "2024-06-20",
            "created": 1_686_089_970,
            "data": { "object": object },
            "livemode": false,
            "pending_webhooks": 1,
            "request": { "id": null, "idempotency_key": null },
            "type": kind
        }))
        .unwrap()
    }

    fn session(status: &str, payment_status: &str) -> serde_json::Value {
        json!({
            "id": "cs_test_a1b2c3",
            "object": "checkout.session",
            "amount_subtotal": 1234,
            "amount_total": 1234,
            "client_reference_id": "chk_42",
            "currency": "eur",
            "customer": null,
            "livemode": false,
            "locale": "nl",
            "metadata": { "checkout_id": "chk_42" },
            "mode": "payment",
            "payment_intent": "pi_3MtwBwLkdIwHu7ix28a3tqPa",
            "payment_method_types": ["card", "ideal", "sepa_debit"],
            "payment_status": payment_status,
            "status": status,
            "success_url": "https://settle.example/return",
            "cancel_url": "https://settle.example/cancel",
            "url": null
        })
    }

    fn session_change(state: PaymentState) -> StripeChange {
        StripeChange::Session {
            session_id: "cs_test_a1b2c3".to_owned(),
            checkout_id: Some("chk_42".to_owned()),
            payment_intent: Some("pi_3MtwBwLkdIwHu7ix28a3tqPa".to_owned()),
            state,
            amount_cents: 1234,
            currency: "EUR".to_owned(),
        }
    }

    #[test]
    fn completed_paid_session_event_is_paid() {
        let parsed = parse_event(&event("checkout.session.completed", session("complete", "paid"))).unwrap();
        assert_eq!(parsed.id, "evt_1NG8Du2eZvKYlo2CUI79vXWy");
        assert_eq!(parsed.change, session_change(PaymentState::Paid));
    }

    #[test]
    fn completed_unpaid_session_event_is_pending() {
        let parsed = parse_event(&event("checkout.session.completed", session("complete", "unpaid"))).unwrap();
        assert_eq!(parsed.change, session_change(PaymentState::Pending));
    }

    #[test]
    fn async_payment_events_settle_the_session() {
        let ok = parse_event(&event(
            "checkout.session.async_payment_succeeded",
            session("complete", "paid"),
        ))
        .unwrap();
        assert_eq!(ok.change, session_change(PaymentState::Paid));
        let failed = parse_event(&event(
            "checkout.session.async_payment_failed",
            session("complete", "unpaid"),
        ))
        .unwrap();
        assert_eq!(failed.change, session_change(PaymentState::Failed));
    }

    #[test]
    fn expired_session_event_is_expired() {
        let mut object = session("expired", "unpaid");
        object["payment_intent"] = json!(null);
        object["client_reference_id"] = json!(null);
        let parsed = parse_event(&event("checkout.session.expired", object)).unwrap();
        match parsed.change {
            StripeChange::Session {
                state,
                payment_intent,
                checkout_id,
                ..
            } => {
                assert_eq!(state, PaymentState::Expired);
                assert_eq!(payment_intent, None);
                // Falls back to metadata when client_reference_id is missing.
                assert_eq!(checkout_id.as_deref(), Some("chk_42"));
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn charge_refunded_event_carries_the_cumulative_refund() {
        let charge = json!({
            "id": "ch_3MtwBwLkdIwHu7ix28a3tqPa",
            "object": "charge",
            "amount": 1234,
            "amount_captured": 1234,
            "amount_refunded": 734,
            "currency": "eur",
            "captured": true,
            "paid": true,
            "payment_intent": "pi_3MtwBwLkdIwHu7ix28a3tqPa",
            "refunded": false,
            "status": "succeeded",
            "metadata": { "checkout_id": "chk_42" }
        });
        let parsed = parse_event(&event("charge.refunded", charge)).unwrap();
        assert_eq!(
            parsed.change,
            StripeChange::Refunded {
                payment_intent: "pi_3MtwBwLkdIwHu7ix28a3tqPa".to_owned(),
                total_refunded_cents: 734
            }
        );
    }

    #[test]
    fn dispute_created_event_carries_amount_and_reason() {
        let dispute = json!({
            "id": "du_1MtJUT2eZvKYlo2CNaw2HvEv",
            "object": "dispute",
            "amount": 1234,
            "charge": "ch_3MtwBwLkdIwHu7ix28a3tqPa",
            "currency": "eur",
            "is_charge_refundable": true,
            "livemode": false,
            "metadata": {},
            "payment_intent": "pi_3MtwBwLkdIwHu7ix28a3tqPa",
            "reason": "fraudulent",
            "status": "warning_needs_response"
        });
        let parsed = parse_event(&event("charge.dispute.created", dispute)).unwrap();
        assert_eq!(
            parsed.change,
            StripeChange::Disputed {
                payment_intent: "pi_3MtwBwLkdIwHu7ix28a3tqPa".to_owned(),
                amount_cents: 1234,
                reason: "fraudulent".to_owned()
            }
        );
    }

    #[test]
    fn other_events_are_acknowledged_and_ignored() {
        let parsed = parse_event(&event(
            "payment_intent.created",
            json!({ "id": "pi_1", "object": "payment_intent" }),
        ));
        assert_eq!(
            parsed.unwrap().change,
            StripeChange::Other("payment_intent.created".to_owned())
        );
        let no_pi = json!({ "id": "ch_1", "object": "charge", "amount_refunded": 5, "payment_intent": null });
        assert_eq!(
            parse_event(&event("charge.refunded", no_pi)).unwrap().change,
            StripeChange::Other("charge.refunded".to_owned())
        );
    }

    #[test]
    fn malformed_events_are_parse_errors() {
        assert!(matches!(parse_event(b"not json"), Err(ProviderError::Parse(_))));
        assert!(matches!(
            parse_event(br#"{"id":"evt_1","type":"x"}"#),
            Err(ProviderError::Parse(_))
        ));
        let no_amount = json!({ "id": "ch_1", "object": "charge", "payment_intent": "pi_1" });
        assert!(matches!(
            parse_event(&event("charge.refunded", no_amount)),
            Err(ProviderError::Parse(_))
        ));
        let weird = session("complete", "something_new");
        assert!(matches!(
            parse_event(&event("checkout.session.completed", weird)),
            Err(ProviderError::Parse(_))
        ));
    }

    #[test]
    fn session_status_maps_to_payment_state() {
        for (status, payment_status, state) in [
            ("open", "unpaid", PaymentState::Open),
            ("complete", "paid", PaymentState::Paid),
            ("complete", "unpaid", PaymentState::Pending),
            ("complete", "no_payment_required", PaymentState::Pending),
            ("expired", "unpaid", PaymentState::Expired),
        ] {
            let raw: Session = serde_json::from_value(session(status, payment_status)).unwrap();
            let snap = session_snapshot(raw).unwrap();
            assert_eq!(snap.state, state, "{status}/{payment_status}");
            assert_eq!(snap.refund_target.as_deref(), Some("pi_3MtwBwLkdIwHu7ix28a3tqPa"));
            assert_eq!((snap.amount_cents, snap.currency.as_str()), (1234, "EUR"));
        }
        let raw: Session = serde_json::from_value(session("weird", "paid")).unwrap();
        assert!(matches!(session_snapshot(raw), Err(ProviderError::Parse(_))));
    }

    #[test]
    fn expanded_payment_intent_is_read_by_id() {
        let mut object = session("complete", "paid");
        object["payment_intent"] = json!({ "id": "pi_expanded", "object": "payment_intent", "amount": 1234 });
        let raw: Session = serde_json::from_value(object).unwrap();
        assert_eq!(
            session_snapshot(raw).unwrap().refund_target.as_deref(),
            Some("pi_expanded")
        );
    }

    #[test]
    fn locales_map_to_stripe_locales() {
        assert_eq!(stripe_locale("nl"), "nl");
        assert_eq!(stripe_locale("de"), "de");
        assert_eq!(stripe_locale("en"), "en");
        assert_eq!(stripe_locale("xx"), "auto");
    }

    #[test]
    fn debug_output_hides_the_secret_key() {
        let client = StripeClient::new(reqwest::Client::new(), DEFAULT_BASE, "sk_live_supersecret");
        let shown = format!("{client:?}");
        assert!(!shown.contains("sk_live_supersecret"), "{shown}");
    }
}
