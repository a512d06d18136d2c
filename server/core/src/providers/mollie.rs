//! Mollie Payments API v2 client: creating payments and refunds, fetching a payment's current
//! state, and reading the payment id out of Mollie's (unsigned) classic webhook.
//!
//! The classic webhook carries nothing but an id, so it is never trusted: callers fetch the
//! payment with [`MollieClient::get_payment`] and act on that.
use super::{
    format_cents, http_error, is_safe_path_id, malformed_id, parse_decimal_cents, read_json, CreatePayment,
    CreatedPayment, PaymentSnapshot, PaymentState, ProviderError, RefundCreated, RefundRequest,
};
use serde::Deserialize;
use serde_json::json;

pub const DEFAULT_BASE: &str = "https://api.mollie.com";

/// Longest webhook id accepted; real ids are about 13 characters.
const MAX_WEBHOOK_ID_LEN: usize = 64;

pub struct MollieClient {
    http: reqwest::Client,
    base: String,
    api_key: String,
}

// Written by hand so the API key can never reach a log through `{:?}`.
impl std::fmt::Debug for MollieClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MollieClient")
            .field("base", &self.base)
            .field("api_key", &"[redacted]")
            .finish()
    }
}

#[derive(Deserialize)]
struct Amount {
    currency: String,
    value: String,
}

#[derive(Deserialize)]
struct Link {
    href: String,
}

#[derive(Deserialize)]
struct Links {
    checkout: Option<Link>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Payment {
    id: String,
    status: String,
    amount: Amount,
    amount_refunded: Option<Amount>,
    amount_charged_back: Option<Amount>,
    // Mollie metadata is whatever JSON the creator sent (object, string or null).
    metadata: Option<serde_json::Value>,
    #[serde(rename = "_links")]
    links: Option<Links>,
}

#[derive(Deserialize)]
struct Refund {
    id: String,
    status: String,
}

impl MollieClient {
    pub fn new(http: reqwest::Client, base: &str, api_key: &str) -> Self {
        Self {
            http,
            base: base.trim_end_matches('/').to_owned(),
            api_key: api_key.to_owned(),
        }
    }

    /// POST {base}/v2/payments; answers the payment id and the hosted checkout URL.
    pub async fn create_payment(&self, p: &CreatePayment) -> Result<CreatedPayment, ProviderError> {
        let mut body = json!({
            "amount": { "currency": p.currency.to_ascii_uppercase(), "value": format_cents(p.amount_cents) },
            "description": p.description,
            "redirectUrl": p.redirect_url,
            "cancelUrl": p.cancel_url,
            "webhookUrl": p.webhook_url,
            "metadata": { "checkout_id": p.checkout_id },
        });
        // Unknown locales are left out so Mollie picks one from the browser instead of failing the payment.
        if let (Some(locale), Some(map)) = (mollie_locale(&p.locale), body.as_object_mut()) {
            map.insert("locale".to_owned(), json!(locale));
        }
        let response = self
            .http
            .post(format!("{}/v2/payments", self.base))
            .bearer_auth(&self.api_key)
            .header("Idempotency-Key", &p.idempotency_key)
            .json(&body)
            .send()
            .await
            .map_err(http_error)?;
        let payment: Payment = read_json(response, error_message, &self.api_key).await?;
        let checkout_url = payment
            .links
            .and_then(|links| links.checkout)
            .map(|link| link.href)
            .ok_or_else(|| ProviderError::Parse("Mollie payment has no checkout link".to_owned()))?;
        Ok(CreatedPayment {
            provider_payment_id: payment.id,
            checkout_url,
        })
    }

    /// GET {base}/v2/payments/{id}: the payment as Mollie sees it now.
    pub async fn get_payment(&self, id: &str) -> Result<PaymentSnapshot, ProviderError> {
        if !is_safe_path_id(id) {
            return Err(malformed_id(id));
        }
        let response = self
            .http
            .get(format!("{}/v2/payments/{id}", self.base))
            .bearer_auth(&self.api_key)
            .send()
            .await
            .map_err(http_error)?;
        let payment: Payment = read_json(response, error_message, &self.api_key).await?;
        snapshot(payment)
    }

    /// POST {base}/v2/payments/{id}/refunds.
    pub async fn create_refund(&self, r: &RefundRequest) -> Result<RefundCreated, ProviderError> {
        if !is_safe_path_id(&r.refund_target) {
            return Err(malformed_id(&r.refund_target));
        }
        let body = json!({
            "amount": { "currency": r.currency.to_ascii_uppercase(), "value": format_cents(r.amount_cents) },
            "description": r.description,
        });
        let response = self
            .http
            .post(format!("{}/v2/payments/{}/refunds", self.base, r.refund_target))
            .bearer_auth(&self.api_key)
            .header("Idempotency-Key", &r.idempotency_key)
            .json(&body)
            .send()
            .await
            .map_err(http_error)?;
        let refund: Refund = read_json(response, error_message, &self.api_key).await?;
        Ok(RefundCreated {
            refund_id: refund.id,
            status: refund.status,
        })
    }
}

/// The classic webhook posts only `id=tr_...` form-encoded: return the id if it looks like a Mollie payment id (tr_ + alphanumerics, <= 64 chars), else None.
pub fn webhook_payment_id(form_body: &[u8]) -> Option<String> {
    let mut ids = url::form_urlencoded::parse(form_body)
        .filter(|(key, _)| key == "id")
        .map(|(_, value)| value);
    let id = ids.next()?;
    // Two ids in one body is not something Mollie sends; refuse rather than guess which one counts.
    if ids.next().is_some() {
        return None;
    }
    let rest = id.strip_prefix("tr_")?;
    let well_formed =
        id.len() <= MAX_WEBHOOK_ID_LEN && !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric());
    well_formed.then(|| id.into_owned())
}

fn mollie_locale(locale: &str) -> Option<&'static str> {
    match locale {
        "nl" => Some("nl_NL"),
        "de" => Some("de_DE"),
        "en" => Some("en_US"),
        _ => None,
    }
}

/// Mollie errors are RFC 7807-like: `detail` is the useful sentence, `title` the fallback.
fn error_message(json: &serde_json::Value) -> Option<String> {
    json.get("detail")
        .or_else(|| json.get("title"))
        .and_then(|v| v.as_str())
        .map(str::to_owned)
}

fn cents(amount: &Amount, what: &str) -> Result<i64, ProviderError> {
    parse_decimal_cents(&amount.value)
        .ok_or_else(|| ProviderError::Parse(format!("Mollie {what} {:?} is not a decimal amount", amount.value)))
}

fn snapshot(payment: Payment) -> Result<PaymentSnapshot, ProviderError> {
    let state = PaymentState::parse(&payment.status)
        .ok_or_else(|| ProviderError::Parse(format!("unknown Mollie payment status {:?}", payment.status)))?;
    let amount_cents = cents(&payment.amount, "amount")?;
    let refunded_cents = payment
        .amount_refunded
        .as_ref()
        .map(|a| cents(a, "amountRefunded"))
        .transpose()?;
    let charged_back_cents = payment
        .amount_charged_back
        .as_ref()
        .map(|a| cents(a, "amountChargedBack"))
        .transpose()?;
    let checkout_id = payment
        .metadata
        .as_ref()
        .and_then(|m| m.get("checkout_id"))
        .and_then(|v| v.as_str())
        .map(str::to_owned);
    Ok(PaymentSnapshot {
        refund_target: Some(payment.id.clone()),
        provider_payment_id: payment.id,
        checkout_id,
        state,
        amount_cents,
        currency: payment.amount.currency.to_ascii_uppercase(),
        refunded_cents: refunded_cents.unwrap_or(0),
        charged_back_cents: charged_back_cents.unwrap_or(0),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn webhook_id_is_read_from_the_form_body() {
        assert_eq!(
            webhook_payment_id(b"id=tr_WDqYK6vllg"),
            Some("tr_WDqYK6vllg".to_owned())
        );
        assert_eq!(
            webhook_payment_id(b"foo=bar&id=tr_abc123"),
            Some("tr_abc123".to_owned())
        );
    }

    #[test]
    fn webhook_without_an_id_is_ignored() {
        assert_eq!(webhook_payment_id(b""), None);
        assert_eq!(webhook_payment_id(b"id="), None);
        assert_eq!(webhook_payment_id(b"id=tr_"), None);
        assert_eq!(webhook_payment_id(b"payment=tr_abc"), None);
        assert_eq!(webhook_payment_id(b"{\"id\":\"tr_abc\"}"), None);
    }

    #[test]
    fn webhook_id_injection_attempts_are_refused() {
        for body in [
            &b"id=tr_../x"[..],
            b"id=tr_..%2Fx",
            b"id=tr_abc%2F..%2Frefunds",
            b"id=tr_abc?x=1",
            b"id=tr_abc%3Fx%3D1",
            b"id=tr_abc%23frag",
            b"id=tr_abc%00",
            b"id=tr_abc%0d%0aX-Injected:1",
            b"id=tr_abc+def",
            b"id=re_abc123",
            b"id=cs_abc123",
            b"id=TR_abc",
            b"id=tr_abc&id=tr_def",
            b"id=tr_ab_c",
        ] {
            assert_eq!(webhook_payment_id(body), None, "{}", String::from_utf8_lossy(body));
        }
    }

    #[test]
    fn over_long_webhook_ids_are_refused() {
        let at_limit = format!("id=tr_{}", "a".repeat(61));
        assert_eq!(webhook_payment_id(at_limit.as_bytes()).map(|id| id.len()), Some(64));
        let too_long = format!("id=tr_{}", "a".repeat(62));
        assert_eq!(webhook_payment_id(too_long.as_bytes()), None);
    }

    #[test]
    fn locales_map_to_mollie_locales() {
        assert_eq!(mollie_locale("nl"), Some("nl_NL"));
        assert_eq!(mollie_locale("de"), Some("de_DE"));
        assert_eq!(mollie_locale("en"), Some("en_US"));
        assert_eq!(mollie_locale("fr"), None);
    }

    fn payment_json(status: &str, extra: serde_json::Value) -> Payment {
        let mut base = json!({
            "resource": "payment",
            "id": "tr_WDqYK6vllg",
            "mode": "test",
            "status": status,
            "amount": { "currency": "EUR", "value": "12.34" },
            "description": "Invoice 2024-001",
            "metadata": { "checkout_id": "chk_1" },
            "_links": { "self": { "href": "https://api.mollie.com/v2/payments/tr_WDqYK6vllg", "type": "application/hal+json" } }
        });
        if let (Some(map), Some(extra)) = (base.as_object_mut(), extra.as_object()) {
            for (k, v) in extra {
                map.insert(k.clone(), v.clone());
            }
        }
        serde_json::from_value(base).unwrap()
    }

    #[test]
    fn every_mollie_status_maps_to_a_state() {
        for (status, state) in [
            ("open", PaymentState::Open),
            ("pending", PaymentState::Pending),
            ("authorized", PaymentState::Authorized),
            ("paid", PaymentState::Paid),
            ("failed", PaymentState::Failed),
            ("canceled", PaymentState::Canceled),
            ("expired", PaymentState::Expired),
        ] {
            assert_eq!(snapshot(payment_json(status, json!({}))).unwrap().state, state);
        }
        assert!(matches!(
            snapshot(payment_json("refunded", json!({}))),
            Err(ProviderError::Parse(_))
        ));
    }

    #[test]
    fn paid_payment_snapshot_carries_refunds_and_chargebacks() {
        let payment = payment_json(
            "paid",
            json!({
                "amountRefunded": { "currency": "EUR", "value": "2.00" },
                "amountRemaining": { "currency": "EUR", "value": "10.34" },
                "amountChargedBack": { "currency": "EUR", "value": "0.5" }
            }),
        );
        let snap = snapshot(payment).unwrap();
        assert_eq!(
            snap,
            PaymentSnapshot {
                provider_payment_id: "tr_WDqYK6vllg".to_owned(),
                checkout_id: Some("chk_1".to_owned()),
                state: PaymentState::Paid,
                amount_cents: 1234,
                currency: "EUR".to_owned(),
                refunded_cents: 200,
                charged_back_cents: 50,
                refund_target: Some("tr_WDqYK6vllg".to_owned()),
            }
        );
    }

    #[test]
    fn odd_metadata_and_bad_amounts_are_handled() {
        let snap = snapshot(payment_json("open", json!({ "metadata": null }))).unwrap();
        assert_eq!(snap.checkout_id, None);
        let snap = snapshot(payment_json("open", json!({ "metadata": "free text" }))).unwrap();
        assert_eq!(snap.checkout_id, None);
        let bad = payment_json("paid", json!({ "amount": { "currency": "EUR", "value": "12.345" } }));
        assert!(matches!(snapshot(bad), Err(ProviderError::Parse(_))));
    }

    #[test]
    fn debug_output_hides_the_api_key() {
        let client = MollieClient::new(reqwest::Client::new(), DEFAULT_BASE, "live_secretkey123");
        let shown = format!("{client:?}");
        assert!(!shown.contains("live_secretkey123"), "{shown}");
        assert!(shown.contains("[redacted]"));
    }

    #[tokio::test]
    async fn malformed_ids_never_reach_the_network() {
        // The base points nowhere: the call must fail before any request is made.
        let client = MollieClient::new(reqwest::Client::new(), "http://127.0.0.1:9", "test_key");
        assert!(matches!(
            client.get_payment("tr_../x").await,
            Err(ProviderError::Parse(_))
        ));
        let refund = RefundRequest {
            refund_target: "tr_a/b".to_owned(),
            amount_cents: 100,
            currency: "EUR".to_owned(),
            description: "x".to_owned(),
            idempotency_key: "k".to_owned(),
        };
        assert!(matches!(
            client.create_refund(&refund).await,
            Err(ProviderError::Parse(_))
        ));
    }
}
