//! SMS through a tenant's own provider account (Twilio or MessageBird): sending, sorting failures
//! into retry-or-give-up, and authenticating and reading delivery status callbacks.
use std::fmt;

use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use settle_domain::sms::segments;
use sha1::Sha1;

pub const TWILIO_BASE_URL: &str = "https://api.twilio.com";
pub const MESSAGEBIRD_BASE_URL: &str = "https://rest.messagebird.com";

/// Credentials come from the tenant's settings, never the environment, so one process serves
/// tenants with different accounts. `base_url` has no trailing slash; tests aim it at a mock.
#[derive(Clone, PartialEq, Eq)]
pub enum SmsProvider {
    /// `base_url` is [`TWILIO_BASE_URL`] unless configured.
    Twilio {
        base_url: String,
        account_sid: String,
        auth_token: String,
        from: String,
    },
    /// `base_url` is [`MESSAGEBIRD_BASE_URL`] unless configured.
    MessageBird {
        base_url: String,
        access_key: String,
        originator: String,
    },
}

// Written by hand so that a `{:?}` in a log line cannot print a credential or a sender number.
impl fmt::Debug for SmsProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (name, base_url) = match self {
            Self::Twilio { base_url, .. } => ("Twilio", base_url),
            Self::MessageBird { base_url, .. } => ("MessageBird", base_url),
        };
        f.debug_struct(name).field("base_url", base_url).finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsSent {
    pub provider_id: String,
    pub segments: usize,
}

/// The texts carry the provider, the HTTP status and the provider's error code and message
/// (digits masked, since providers quote the recipient), never a number or a credential.
#[derive(Debug, thiserror::Error)]
pub enum SmsError {
    /// Unreachable, timed out, rate limited or failing on the provider's side: retry with backoff.
    #[error("sms provider unavailable: {0}")]
    Transient(String),
    /// Sending the same message again cannot succeed: bad number, rejected credentials.
    #[error("sms rejected: {0}")]
    Permanent(String),
    /// The tenant's provider settings are unusable.
    #[error("sms provider misconfigured: {0}")]
    Config(String),
}

impl SmsError {
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Transient(_))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    Sent,
    Delivered,
    Failed,
    Undelivered,
}

/// `kind` is "twilio" (credentials `account_sid`, `auth_token`, `from`) or "messagebird"
/// (`access_key`, `originator`); `base_url` falls back to the provider's public API.
pub fn from_config(kind: &str, base_url: Option<&str>, credentials: &Value) -> Result<SmsProvider, SmsError> {
    let field = |name: &str| {
        let value = credentials
            .get(name)
            .and_then(Value::as_str)
            .map(str::trim)
            .unwrap_or_default();
        match value.is_empty() {
            true => Err(SmsError::Config(format!("credentials lack \"{name}\""))),
            false => Ok(value.to_owned()),
        }
    };
    let base = |default: &str| {
        let raw = base_url.map(str::trim).filter(|s| !s.is_empty()).unwrap_or(default);
        match url::Url::parse(raw) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() && u.username().is_empty() => {
                Ok(raw.trim_end_matches('/').to_owned())
            }
            _ => Err(SmsError::Config(
                "base_url is not an http(s) URL without credentials".into(),
            )),
        }
    };
    match kind.trim().to_ascii_lowercase().as_str() {
        "twilio" => {
            let account_sid = field("account_sid")?;
            // The SID is spliced into the request path, where a '/' or '?' would address
            // another resource.
            if !account_sid.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(SmsError::Config("account_sid is not alphanumeric".into()));
            }
            let auth_token = field("auth_token")?;
            Ok(SmsProvider::Twilio {
                base_url: base(TWILIO_BASE_URL)?,
                account_sid,
                auth_token,
                from: field("from")?,
            })
        }
        "messagebird" => Ok(SmsProvider::MessageBird {
            base_url: base(MESSAGEBIRD_BASE_URL)?,
            access_key: field("access_key")?,
            originator: field("originator")?,
        }),
        _ => Err(SmsError::Config("unknown sms provider kind".into())),
    }
}

impl SmsProvider {
    /// Sends one message. Timeouts are the caller's `http` client's.
    ///
    /// Twilio's Messages API takes no idempotency key, so `dedupe_key` goes nowhere there: if
    /// the process dies after Twilio accepted a message and before the caller recorded it, the
    /// resend is delivered a second time (at most once more, as the caller records it then).
    /// MessageBird gets it as `reference`, which it does not deduplicate on either but echoes
    /// in status reports, so a duplicate can at least be told apart.
    pub async fn send(
        &self,
        http: &reqwest::Client,
        to_e164: &str,
        body: &str,
        dedupe_key: &str,
        status_callback: Option<&str>,
    ) -> Result<SmsSent, SmsError> {
        let msisdn = e164_digits(to_e164).ok_or_else(|| SmsError::Permanent("recipient is not E.164".into()))?;
        if body.is_empty() {
            return Err(SmsError::Permanent("empty message body".into()));
        }
        let provider_id = match self {
            Self::Twilio {
                base_url,
                account_sid,
                auth_token,
                from,
            } => {
                let mut form = vec![("To", to_e164), ("From", from.as_str()), ("Body", body)];
                if let Some(url) = status_callback {
                    form.push(("StatusCallback", url));
                }
                let request = http
                    .post(format!("{base_url}/2010-04-01/Accounts/{account_sid}/Messages.json"))
                    .basic_auth(account_sid, Some(auth_token))
                    .form(&form);
                execute(request, "twilio", "sid", auth_token).await?
            }
            Self::MessageBird {
                base_url,
                access_key,
                originator,
            } => {
                let mut payload =
                    json!({"recipients": [msisdn], "originator": originator, "body": body, "reference": dedupe_key});
                if let Some(url) = status_callback {
                    payload["reportUrl"] = url.into();
                }
                let request = http
                    .post(format!("{base_url}/messages"))
                    .header(reqwest::header::AUTHORIZATION, format!("AccessKey {access_key}"))
                    .json(&payload);
                execute(request, "messagebird", "id", access_key).await?
            }
        };
        Ok(SmsSent {
            provider_id,
            segments: segments(body).count,
        })
    }
}

impl SmsProvider {
    /// Places an automated call (Twilio's Calls API): the provider fetches the script from
    /// `script_url` when the call is answered and reports the call's progress to
    /// `status_callback`. The call shows the account's number. Only Twilio-compatible
    /// accounts make calls.
    pub async fn call(
        &self,
        http: &reqwest::Client,
        to_e164: &str,
        script_url: &str,
        status_callback: &str,
    ) -> Result<String, SmsError> {
        e164_digits(to_e164).ok_or_else(|| SmsError::Permanent("recipient is not E.164".into()))?;
        let Self::Twilio {
            base_url,
            account_sid,
            auth_token,
            from,
        } = self
        else {
            return Err(SmsError::Permanent(
                "voice calls need a Twilio-compatible account".into(),
            ));
        };
        let form = [
            ("To", to_e164),
            ("From", from.as_str()),
            ("Url", script_url),
            ("Method", "POST"),
            ("StatusCallback", status_callback),
            ("StatusCallbackMethod", "POST"),
            ("StatusCallbackEvent", "answered"),
            ("StatusCallbackEvent", "completed"),
        ];
        let request = http
            .post(format!("{base_url}/2010-04-01/Accounts/{account_sid}/Calls.json"))
            .basic_auth(account_sid, Some(auth_token))
            .form(&form);
        // A call must not ring twice: when the request may have reached the provider (a
        // timeout, a broken connection after sending), it is not placed again.
        execute_with(request, "twilio", "sid", auth_token, true).await
    }

    /// The number calls and texts come from.
    pub fn sender(&self) -> &str {
        match self {
            Self::Twilio { from, .. } => from,
            Self::MessageBird { originator, .. } => originator,
        }
    }
}

/// Twilio's call status callback: the call's id and what became of it, as the timeline names
/// it (`answered`, `completed`, `no_answer`, `busy`, `failed`); none for a step in between.
pub fn twilio_call_status(params: &[(String, String)]) -> Option<(String, &'static str)> {
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let what = match get("CallStatus")? {
        "in-progress" | "answered" => "answered",
        "completed" => "completed",
        "no-answer" => "no_answer",
        "busy" => "busy",
        "failed" | "canceled" => "failed",
        _ => return None,
    };
    Some((get("CallSid")?.to_string(), what))
}

/// E.164: '+', a country code not starting with 0, at most 15 digits in all.
fn e164_digits(number: &str) -> Option<u64> {
    let digits = number.strip_prefix('+')?;
    let ok = (7..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0');
    ok.then(|| digits.parse().ok()).flatten()
}

/// Returns the reply's `id_field`, the provider's message id.
async fn execute(
    request: reqwest::RequestBuilder,
    provider: &str,
    id_field: &str,
    secret: &str,
) -> Result<String, SmsError> {
    execute_with(request, provider, id_field, secret, false).await
}

/// As `execute`; with `once`, a failure after the request may have been sent is final.
async fn execute_with(
    request: reqwest::RequestBuilder,
    provider: &str,
    id_field: &str,
    secret: &str,
    once: bool,
) -> Result<String, SmsError> {
    let response = request.send().await.map_err(|e| match transport_error(provider, &e) {
        SmsError::Transient(_) if once && !e.is_connect() => SmsError::Permanent(format!(
            "{provider}: no answer after sending; not sent again, so it cannot arrive twice"
        )),
        other => other,
    })?;
    let status = response.status();
    let reply: Option<Value> = response
        .bytes()
        .await
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    if status.is_success() {
        // The provider has taken the message: a retry would send it twice, so a reply without
        // an id is reported as final rather than transient.
        let id = reply.as_ref().and_then(|r| r.get(id_field)).and_then(Value::as_str);
        return id.map(str::to_owned).ok_or_else(|| {
            SmsError::Permanent(format!(
                "{provider}: HTTP {}, accepted without a message id",
                status.as_u16()
            ))
        });
    }
    let detail = reply.map(|r| error_detail(&r, secret)).unwrap_or_default();
    let text = format!("{provider}: HTTP {}{detail}", status.as_u16());
    // 408 is a timeout told by the other side.
    match status.as_u16() {
        408 | 429 | 500..=599 => Err(SmsError::Transient(text)),
        _ => Err(SmsError::Permanent(text)),
    }
}

/// reqwest's own message names the URL, which for Twilio holds the account; the kind is
/// all the caller acts on.
fn transport_error(provider: &str, e: &reqwest::Error) -> SmsError {
    if e.is_builder() {
        return SmsError::Config(format!("{provider}: request could not be built"));
    }
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else {
        "request failed"
    };
    SmsError::Transient(format!("{provider}: {what}"))
}

/// Twilio's `{code, message}` or MessageBird's `{errors: [{code, description}]}`. A reply that
/// is not JSON (a proxy's HTML page) is left out rather than quoted.
fn error_detail(reply: &Value, secret: &str) -> String {
    let error = reply.get("errors").and_then(|e| e.get(0)).unwrap_or(reply);
    let code = error.get("code").and_then(Value::as_i64).map(|c| format!(", code {c}"));
    let message = error
        .get("message")
        .or_else(|| error.get("description"))
        .and_then(Value::as_str);
    // Providers quote the recipient, formatted in ways no pattern covers, so every run of
    // digits is masked; the code that matters comes from its own field.
    let mut detail = code.unwrap_or_default();
    let unsecret = |m: &str| {
        if secret.is_empty() {
            m.to_owned()
        } else {
            m.replace(secret, "[redacted]")
        }
    };
    if let Some(message) = message.map(unsecret) {
        detail.push_str(": ");
        for c in message.chars().take(200) {
            match c.is_ascii_digit() {
                false => detail.push(c),
                true if !detail.ends_with('#') => detail.push('#'),
                true => {}
            }
        }
    }
    detail
}

/// Twilio's `X-Twilio-Signature`: HMAC-SHA1, keyed by the auth token, over the full URL
/// followed by each POST parameter's name and value, sorted by name, then base64. The
/// comparison is `verify_slice`'s, which is constant-time. An empty token never verifies, so
/// a tenant without one configured cannot be fed forged callbacks. `full_url` must be the URL
/// Twilio called, query included: behind a proxy, build it from the public origin, not `Host`.
pub fn twilio_signature_valid(
    auth_token: &str,
    full_url: &str,
    form_params: &[(String, String)],
    header_signature: &str,
) -> bool {
    let Ok(claimed) = base64::engine::general_purpose::STANDARD.decode(header_signature.trim()) else {
        return false;
    };
    twilio_mac(auth_token, full_url, form_params).is_some_and(|mac| mac.verify_slice(&claimed).is_ok())
}

/// The signature Twilio would send (for tests and local simulation of callbacks).
pub fn twilio_signature(auth_token: &str, full_url: &str, form_params: &[(String, String)]) -> Option<String> {
    let mac = twilio_mac(auth_token, full_url, form_params)?;
    Some(base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()))
}

fn twilio_mac(auth_token: &str, full_url: &str, form_params: &[(String, String)]) -> Option<Hmac<Sha1>> {
    if auth_token.is_empty() {
        return None;
    }
    let mut mac = Hmac::<Sha1>::new_from_slice(auth_token.as_bytes()).ok()?;
    mac.update(full_url.as_bytes());
    // Repeated names are ordered by value too, as Twilio's own libraries do.
    let mut sorted: Vec<&(String, String)> = form_params.iter().collect();
    sorted.sort();
    for (name, value) in sorted {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    Some(mac)
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

/// `MessageSid` and `MessageStatus` (or the older `SmsSid`/`SmsStatus`). Statuses that say
/// nothing about an outgoing message's fate (receiving, partially_delivered) give `None`.
pub fn twilio_status(params: &[(String, String)]) -> Option<(String, DeliveryStatus)> {
    let sid = param(params, "MessageSid").or_else(|| param(params, "SmsSid"))?;
    let status = match param(params, "MessageStatus").or_else(|| param(params, "SmsStatus"))? {
        "queued" | "accepted" | "scheduled" | "sending" | "sent" => DeliveryStatus::Sent,
        "delivered" | "read" => DeliveryStatus::Delivered,
        "failed" | "canceled" => DeliveryStatus::Failed,
        "undelivered" => DeliveryStatus::Undelivered,
        _ => return None,
    };
    Some((sid.to_owned(), status))
}

/// MessageBird's status report (`id`, `reference`, `status`). `delivery_failed` is the
/// network refusing the number, so Failed; `expired` is a handset unreachable for the whole
/// validity period, so Undelivered.
pub fn messagebird_status(params: &[(String, String)]) -> Option<(String, DeliveryStatus)> {
    let id = param(params, "id")?;
    let status = match param(params, "status")? {
        "scheduled" | "sent" | "buffered" => DeliveryStatus::Sent,
        "delivered" => DeliveryStatus::Delivered,
        "delivery_failed" => DeliveryStatus::Failed,
        "expired" => DeliveryStatus::Undelivered,
        _ => return None,
    };
    Some((id.to_owned(), status))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wiremock::matchers::{basic_auth, body_json, header, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    const TO: &str = "+31612345678";

    fn twilio(base: &str) -> SmsProvider {
        let creds = json!({"account_sid": "AC123", "auth_token": "tok-secret", "from": "+3197010000000"});
        from_config("twilio", Some(base), &creds).unwrap()
    }

    fn messagebird(base: &str) -> SmsProvider {
        from_config(
            "MessageBird",
            Some(base),
            &json!({"access_key": "live_key", "originator": "Settle"}),
        )
        .unwrap()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    /// Sends "Hi" through `provider(mock)` where the mock answers every request with `reply`.
    async fn send_against(reply: ResponseTemplate, provider: fn(&str) -> SmsProvider) -> Result<SmsSent, SmsError> {
        let server = MockServer::start().await;
        Mock::given(method("POST")).respond_with(reply).mount(&server).await;
        provider(&server.uri())
            .send(&reqwest::Client::new(), TO, "Hi", "k1", None)
            .await
    }

    #[tokio::test]
    async fn twilio_posts_the_form_with_basic_auth() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/2010-04-01/Accounts/AC123/Messages.json"))
            .and(basic_auth("AC123", "tok-secret"))
            .respond_with(ResponseTemplate::new(201).set_body_json(json!({"sid": "SM1", "status": "queued"})))
            .expect(1)
            .mount(&server)
            .await;
        let (body, cb) = ("a".repeat(161), "https://settle.example/webhooks/sms/twilio");
        let sent = twilio(&server.uri())
            .send(&reqwest::Client::new(), TO, &body, "dedupe-9", Some(cb))
            .await;
        let sent = sent.unwrap();
        assert_eq!((sent.provider_id.as_str(), sent.segments), ("SM1", 2));
        let request = &server.received_requests().await.unwrap()[0];
        let form: Vec<(String, String)> = url::form_urlencoded::parse(&request.body).into_owned().collect();
        let from = ("From", "+3197010000000");
        assert_eq!(
            form,
            pairs(&[("To", TO), from, ("Body", &body), ("StatusCallback", cb)])
        );
        assert!(!format!("{:?}{form:?}", request.headers).contains("dedupe-9"));
    }

    #[tokio::test]
    async fn messagebird_posts_json_with_access_key_and_reference() {
        let server = MockServer::start().await;
        let expected = json!({
            "recipients": [31612345678u64], "originator": "Settle", "body": "Hi",
            "reference": "dedupe-9", "reportUrl": "https://settle.example/cb",
        });
        Mock::given(method("POST"))
            .and(path("/messages"))
            .and(header("Authorization", "AccessKey live_key"))
            .and(body_json(expected))
            .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": "mb-1"})))
            .expect(1)
            .mount(&server)
            .await;
        let cb = Some("https://settle.example/cb");
        let sent = messagebird(&server.uri())
            .send(&reqwest::Client::new(), TO, "Hi", "dedupe-9", cb)
            .await;
        let sent = sent.unwrap();
        assert_eq!((sent.provider_id.as_str(), sent.segments), ("mb-1", 1));
    }

    #[tokio::test]
    async fn statuses_are_sorted_into_transient_and_permanent() {
        for (status, transient) in [(503, true), (429, true), (408, true), (400, false), (401, false)] {
            let reply = ResponseTemplate::new(status).set_body_string("<html>busy</html>");
            let err = send_against(reply, twilio).await.unwrap_err();
            assert_eq!(err.is_transient(), transient, "{status}: {err}");
            assert!(err.to_string().ends_with(&format!("twilio: HTTP {status}")), "{err}");
        }
        // Accepted, so a retry would duplicate it, even though the id is missing.
        let err = send_against(ResponseTemplate::new(201).set_body_string("{}"), messagebird).await;
        assert!(matches!(err, Err(SmsError::Permanent(_))), "{err:?}");
    }

    #[tokio::test]
    async fn a_rejection_names_the_code_but_not_the_number_or_token() {
        let msg = "The 'To' number +31 6 1234 5678 (31612345678) is not valid. tok-secret";
        let reply = ResponseTemplate::new(400).set_body_json(json!({"code": 21211, "message": msg, "status": 400}));
        let err = send_against(reply, twilio).await.unwrap_err();
        assert!(matches!(err, SmsError::Permanent(_)));
        let text = err.to_string();
        assert!(
            text.contains("HTTP 400, code 21211: The 'To' number") && text.contains("is not valid"),
            "{text}"
        );
        assert!(
            !text.contains("1234") && !text.contains("5678") && !text.contains("tok-secret"),
            "{text}"
        );

        let error = json!({"code": 2, "description": "Request not allowed (incorrect access_key)"});
        let reply = ResponseTemplate::new(401).set_body_json(json!({"errors": [error]}));
        let text = send_against(reply, messagebird).await.unwrap_err().to_string();
        assert!(
            text.contains("messagebird: HTTP 401, code 2: Request not allowed"),
            "{text}"
        );
    }

    #[tokio::test]
    async fn timeouts_and_refused_connections_are_transient() {
        let server = MockServer::start().await;
        let slow = ResponseTemplate::new(201).set_delay(std::time::Duration::from_secs(2));
        Mock::given(method("POST")).respond_with(slow).mount(&server).await;
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_millis(100))
            .build()
            .unwrap();
        let err = twilio(&server.uri())
            .send(&client, TO, "Hi", "k", None)
            .await
            .unwrap_err();
        assert!(
            err.is_transient() && err.to_string().ends_with("twilio: timed out"),
            "{err}"
        );

        let closed = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let err = messagebird(&format!("http://{closed}"))
            .send(&reqwest::Client::new(), TO, "Hi", "k", None)
            .await;
        assert!(
            matches!(&err, Err(SmsError::Transient(t)) if t == "messagebird: connection failed"),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn a_malformed_number_is_refused_before_any_request() {
        let server = MockServer::start().await;
        for bad in [
            "0612345678",
            "+0612345678",
            "+31 6 1234",
            "+3161234567890123",
            "+31612x45678",
            "",
        ] {
            let err = twilio(&server.uri())
                .send(&reqwest::Client::new(), bad, "Hi", "k", None)
                .await;
            assert!(
                matches!(&err, Err(SmsError::Permanent(t)) if t == "recipient is not E.164"),
                "{err:?}"
            );
        }
        assert!(server.received_requests().await.unwrap().is_empty());
    }

    #[test]
    fn config_is_checked_and_never_printed() {
        let full = json!({"account_sid": "AC1", "auth_token": "tok-secret", "from": "+3197010000000"});
        let p = from_config("twilio", None, &full).unwrap();
        assert!(matches!(&p, SmsProvider::Twilio { base_url, .. } if base_url == TWILIO_BASE_URL));
        assert_eq!(format!("{p:?}"), "Twilio { base_url: \"https://api.twilio.com\", .. }");
        let mb = messagebird("http://localhost:9/");
        assert!(matches!(mb, SmsProvider::MessageBird { base_url, .. } if base_url == "http://localhost:9"));
        let no_token = json!({"account_sid": "AC1", "from": "+31"});
        let bad_sid = json!({"account_sid": "AC1/../x", "auth_token": "t", "from": "+31"});
        for (kind, base, creds) in [
            ("twilio", None, &no_token),
            ("twilio", None, &bad_sid),
            ("twilio", Some("ftp://x"), &full),
            ("twilio", Some("https://user:pw@x"), &full),
            ("carrier-pigeon", None, &full),
        ] {
            let err = from_config(kind, base, creds).unwrap_err();
            assert!(
                matches!(err, SmsError::Config(_)) && !err.to_string().contains("tok-secret"),
                "{err}"
            );
        }
    }

    #[test]
    fn twilio_documented_signature_example() {
        let mut params = pairs(&[
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+14158675310"),
            ("Digits", "1234"),
            ("From", "+14158675310"),
            ("To", "+18005551212"),
        ]);
        let (url, sig) = (
            "https://mycompany.com/myapp.php?foo=1&bar=2",
            "GvWf1cFY/Q7PnoempGyD5oXAezc=",
        );
        assert!(twilio_signature_valid("12345", url, &params, sig));
        assert!(!twilio_signature_valid("12346", url, &params, sig));
        assert!(!twilio_signature_valid(
            "12345",
            "https://mycompany.com/myapp.php?foo=1",
            &params,
            sig
        ));
        assert!(!twilio_signature_valid("12345", url, &params[1..], sig));
        assert!(!twilio_signature_valid("12345", url, &params, "not base64!"));
        assert!(!twilio_signature_valid("", url, &params, sig));
        params.reverse();
        assert!(twilio_signature_valid("12345", url, &params, sig));
    }

    #[test]
    fn status_callbacks_map_to_delivery_status() {
        use DeliveryStatus::*;
        let cases = [
            ("queued", Some(Sent), "scheduled", Some(Sent)),
            ("sending", Some(Sent), "buffered", Some(Sent)),
            ("sent", Some(Sent), "sent", Some(Sent)),
            ("delivered", Some(Delivered), "delivered", Some(Delivered)),
            ("failed", Some(Failed), "delivery_failed", Some(Failed)),
            ("undelivered", Some(Undelivered), "expired", Some(Undelivered)),
            ("receiving", None, "bogus", None),
        ];
        for (tw, tw_want, mb, mb_want) in cases {
            let params = pairs(&[("SmsSid", "SM1"), ("MessageSid", "SM1"), ("MessageStatus", tw)]);
            assert_eq!(twilio_status(&params), tw_want.map(|s| ("SM1".to_string(), s)), "{tw}");
            let params = pairs(&[("id", "mb-1"), ("reference", "k"), ("status", mb)]);
            assert_eq!(
                messagebird_status(&params),
                mb_want.map(|s| ("mb-1".to_string(), s)),
                "{mb}"
            );
        }
        assert_eq!(twilio_status(&pairs(&[("MessageStatus", "sent")])), None);
        assert_eq!(messagebird_status(&pairs(&[("id", ""), ("status", "sent")])), None);
    }
}
