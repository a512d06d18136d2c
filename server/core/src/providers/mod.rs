//! Payment providers (Mollie, Stripe): the shared vocabulary of payments, refunds and errors that
//! the rest of Settle speaks, independent of which provider moves the money.
//!
//! Amounts are always integer cents. Provider decimal strings are parsed exactly (never via f64)
//! so a payment of 0.29 is never recorded as 28 cents.
pub mod mollie;
pub mod sandbox;
pub mod stripe;

use serde::de::DeserializeOwned;

/// Where a payment stands. Statuses only move forward (see [`PaymentState::may_become`]), because
/// webhooks and polls arrive out of order and a late "pending" must never undo a "paid". Paid
/// outranks the other final states: a provider that reports a failed or expired payment as paid
/// later (a bank confirming late) has the money, and Settle books it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PaymentState {
    Open,
    Pending,
    Authorized,
    Paid,
    Failed,
    Canceled,
    Expired,
}

impl PaymentState {
    pub const ALL: [PaymentState; 7] = [
        PaymentState::Open,
        PaymentState::Pending,
        PaymentState::Authorized,
        PaymentState::Paid,
        PaymentState::Failed,
        PaymentState::Canceled,
        PaymentState::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PaymentState::Open => "open",
            PaymentState::Pending => "pending",
            PaymentState::Authorized => "authorized",
            PaymentState::Paid => "paid",
            PaymentState::Failed => "failed",
            PaymentState::Canceled => "canceled",
            PaymentState::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == s)
    }

    /// Statuses only move forward: open(0) < pending(1) = authorized(1) < failed/canceled/expired
    /// (2, final unless the money arrives after all) < paid (3, final).
    pub fn rank(self) -> u8 {
        match self {
            PaymentState::Open => 0,
            PaymentState::Pending | PaymentState::Authorized => 1,
            PaymentState::Failed | PaymentState::Canceled | PaymentState::Expired => 2,
            PaymentState::Paid => 3,
        }
    }

    pub fn is_final(self) -> bool {
        self.rank() >= 2
    }

    /// May `self` be replaced by `next`? Only to a strictly higher rank (a late pending never undoes paid, a final state never changes).
    pub fn may_become(self, next: PaymentState) -> bool {
        next.rank() > self.rank()
    }
}

/// What Settle asks a provider to collect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreatePayment {
    /// Settle's own public checkout id, sent as metadata / client_reference_id.
    pub checkout_id: String,
    pub amount_cents: i64,
    pub currency: String,
    pub description: String,
    /// Where the browser returns (Mollie redirectUrl, Stripe success_url).
    pub redirect_url: String,
    /// Stripe cancel_url (Mollie: cancelUrl).
    pub cancel_url: String,
    /// Mollie webhookUrl (Stripe uses dashboard-configured endpoints: ignored there).
    pub webhook_url: String,
    /// "nl" | "de" | "en"; mapped to each provider's locale.
    pub locale: String,
    /// Sent as the Idempotency-Key header so a retried request never creates a second payment.
    pub idempotency_key: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreatedPayment {
    pub provider_payment_id: String,
    pub checkout_url: String,
}

/// What the provider says about a payment now (always fetched, never trusted from a webhook body for Mollie).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentSnapshot {
    /// Mollie tr_..., Stripe checkout session cs_...
    pub provider_payment_id: String,
    /// From metadata / client_reference_id.
    pub checkout_id: Option<String>,
    pub state: PaymentState,
    pub amount_cents: i64,
    /// Upper-case ISO 4217 ("EUR") whatever case the provider uses.
    pub currency: String,
    /// Mollie amountRefunded; Stripe: 0 from a session.
    pub refunded_cents: i64,
    /// Mollie amountChargedBack.
    pub charged_back_cents: i64,
    /// What a refund is made against: Mollie: the payment id; Stripe: the payment_intent id.
    pub refund_target: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefundRequest {
    pub refund_target: String,
    pub amount_cents: i64,
    pub currency: String,
    pub description: String,
    pub idempotency_key: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefundCreated {
    pub refund_id: String,
    pub status: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    #[error("provider unreachable: {0}")]
    Http(String),
    /// `message` comes from the provider's error JSON (Mollie `detail`, Stripe `error.message`), never including our key.
    #[error("provider answered {status}: {message}")]
    Api { status: u16, message: String },
    #[error("signature check failed")]
    Signature,
    #[error("unexpected provider response: {0}")]
    Parse(String),
}

/// Parses a non-negative decimal amount ("10.00", "0.5", "1234567.89") into cents, exactly.
/// More than two decimals, signs, exponents or anything else is rejected rather than rounded:
/// a provider amount we do not understand must not silently become a different amount.
pub fn parse_decimal_cents(s: &str) -> Option<i64> {
    let (whole, frac) = match s.split_once('.') {
        Some((whole, frac)) => (whole, Some(frac)),
        None => (s, None),
    };
    // 15 integer digits keeps whole * 100 + 99 far inside i64.
    if whole.is_empty() || whole.len() > 15 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let frac_cents = match frac {
        None => 0,
        Some(f) if (1..=2).contains(&f.len()) && f.bytes().all(|b| b.is_ascii_digit()) => {
            let digits: i64 = f.parse().ok()?;
            if f.len() == 1 {
                digits * 10
            } else {
                digits
            }
        }
        Some(_) => return None,
    };
    let whole: i64 = whole.parse().ok()?;
    whole.checked_mul(100)?.checked_add(frac_cents)
}

/// Formats cents as a two-decimal string ("12.34"), the shape Mollie expects for EUR.
pub fn format_cents(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// Ids go into URL paths; anything but [A-Za-z0-9_] could change the path (`../`, `?`, `#`, `%2F`).
pub(crate) fn is_safe_path_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 255 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

pub(crate) fn malformed_id(id: &str) -> ProviderError {
    // Only the length is echoed: the id may be attacker-supplied junk we do not want in logs.
    ProviderError::Parse(format!("refusing a malformed provider id ({} bytes)", id.len()))
}

/// Describes a transport failure with its causes; reqwest's own message names only the URL.
pub(crate) fn http_error(err: reqwest::Error) -> ProviderError {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    ProviderError::Http(text)
}

/// Reads a provider response: a JSON `T` on 2xx, otherwise [`ProviderError::Api`] with the
/// provider's own message (found by `message_of`) and any occurrence of `secret` blanked out,
/// in case a provider ever echoes a key back.
pub(crate) async fn read_json<T: DeserializeOwned>(
    response: reqwest::Response,
    message_of: fn(&serde_json::Value) -> Option<String>,
    secret: &str,
) -> Result<T, ProviderError> {
    let status = response.status();
    let body = response.bytes().await.map_err(http_error)?;
    if status.is_success() {
        return serde_json::from_slice(&body).map_err(|e| ProviderError::Parse(e.to_string()));
    }
    let message = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|json| message_of(&json))
        .unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_owned());
    Err(ProviderError::Api {
        status: status.as_u16(),
        message: redact(&message, secret),
    })
}

fn redact(message: &str, secret: &str) -> String {
    // Keep provider text short: it ends up in logs and audit rows.
    let capped: String = message.chars().take(500).collect();
    if secret.is_empty() {
        capped
    } else {
        capped.replace(secret, "[redacted]")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::PaymentState::*;
    use super::*;

    #[test]
    fn state_strings_round_trip() {
        for state in PaymentState::ALL {
            assert_eq!(PaymentState::parse(state.as_str()), Some(state));
        }
        assert_eq!(PaymentState::parse("PAID"), None);
        assert_eq!(PaymentState::parse("refunded"), None);
    }

    #[test]
    fn ranks_follow_the_lifecycle() {
        assert_eq!(Open.rank(), 0);
        assert_eq!(Pending.rank(), 1);
        assert_eq!(Authorized.rank(), 1);
        assert_eq!(Paid.rank(), 3);
        for state in [Paid, Failed, Canceled, Expired] {
            assert!(state.rank() >= 2);
            assert!(state.is_final());
        }
        assert!(!Open.is_final() && !Pending.is_final() && !Authorized.is_final());
    }

    #[test]
    fn states_only_move_forward() {
        assert!(Pending.may_become(Paid));
        assert!(Open.may_become(Failed));
        assert!(Open.may_become(Pending));
        assert!(Authorized.may_become(Paid));
        assert!(!Paid.may_become(Pending));
        assert!(Failed.may_become(Paid) && Expired.may_become(Paid) && Canceled.may_become(Paid));
        assert!(!Paid.may_become(Failed));
        assert!(!Pending.may_become(Authorized));
        assert!(!Pending.may_become(Open));
        for from in PaymentState::ALL {
            assert!(!from.may_become(from), "{from:?} -> itself");
        }
        // Paid never changes, whatever arrives late; the other final states only become paid.
        for from in [Paid, Failed, Canceled, Expired] {
            for to in PaymentState::ALL.into_iter().filter(|t| *t != Paid) {
                assert!(!from.may_become(to), "{from:?} -> {to:?}");
            }
        }
    }

    #[test]
    fn decimal_amounts_parse_exactly() {
        assert_eq!(parse_decimal_cents("10.00"), Some(1000));
        assert_eq!(parse_decimal_cents("0.5"), Some(50));
        assert_eq!(parse_decimal_cents("0.29"), Some(29));
        assert_eq!(parse_decimal_cents("1234567.89"), Some(123_456_789));
        assert_eq!(parse_decimal_cents("7"), Some(700));
        assert_eq!(parse_decimal_cents("0.00"), Some(0));
    }

    #[test]
    fn malformed_decimal_amounts_are_rejected() {
        for bad in [
            "1.234",
            "abc",
            "-1.00",
            "+1.00",
            "",
            ".5",
            "10.",
            "1,00",
            "1e3",
            " 1.00",
            "1.0a",
            "NaN",
            "1.-5",
            "9999999999999999.00",
        ] {
            assert_eq!(parse_decimal_cents(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn cents_format_with_two_decimals() {
        assert_eq!(format_cents(1234), "12.34");
        assert_eq!(format_cents(5), "0.05");
        assert_eq!(format_cents(100), "1.00");
        assert_eq!(format_cents(-50), "-0.50");
        for cents in [0, 1, 99, 100, 123_456_789] {
            assert_eq!(parse_decimal_cents(&format_cents(cents)), Some(cents));
        }
    }

    #[test]
    fn path_ids_allow_only_word_characters() {
        assert!(is_safe_path_id("tr_WDqYK6vllg"));
        assert!(is_safe_path_id("cs_test_a1B2"));
        for bad in ["", "tr_../x", "tr_a/b", "tr_a?x=1", "tr_a#b", "tr_%2F", "tr a", "tr_ü"] {
            assert!(!is_safe_path_id(bad), "{bad:?}");
        }
    }

    #[test]
    fn api_messages_never_carry_the_key() {
        assert_eq!(redact("bad key live_abc123", "live_abc123"), "bad key [redacted]");
        assert_eq!(redact("plain", ""), "plain");
    }
}
