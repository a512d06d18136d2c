//! Email over SMTP with lettre: pooled connections, the tenant's own From and Reply-To (or its
//! name on the platform's address and its support address), a DKIM signature with the tenant's
//! key, the message's stable Message-ID, and a VERP return path for bounces. A refusal is sorted
//! into retry-or-give-up like the other channels' ([`SmtpError`]).
use crate::entities::{outbox, tenant};
use lettre::message::dkim::DkimConfig;
use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A tenant's own mail identity (`settle email-identity`).
#[derive(Clone, Debug)]
pub struct EmailIdentity {
    pub from: Mailbox,
    pub reply_to: Option<Mailbox>,
    pub dkim: Option<Arc<DkimConfig>>,
}

/// Where email goes: a real SMTP server, or (dev, no SMTP configured) the dev outbox page.
#[derive(Clone)]
pub enum Mailer {
    Smtp {
        connections: Arc<Connections>,
        from: Box<Mailbox>,
    },
    DevOutbox,
}

/// Connections to the mail server: at most [`crate::outbox::CONCURRENCY`] messages at once, each
/// on a lettre transport of its own that keeps its connection open for the next message.
/// lettre's async client bounds connecting by a timeout but not waiting for an answer, and its
/// pool would take back a connection abandoned in the middle of a message; so a send waits at
/// most `timeout` in all, and a transport whose send was abandoned is dropped with its
/// connection (never reused; lettre says QUIT to it in the background, which a hung server
/// holds until it closes the connection itself).
pub struct Connections {
    url: String,
    timeout: Duration,
    sending: tokio::sync::Semaphore,
    idle: Mutex<Vec<Transport>>,
}

type Transport = Box<AsyncSmtpTransport<Tokio1Executor>>;

impl Connections {
    fn transport(&self) -> anyhow::Result<Transport> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&self.url)
            .map_err(|e| anyhow::anyhow!("SETTLE_SMTP_URL: {e}"))?
            .timeout(Some(self.timeout))
            .pool_config(lettre::transport::smtp::PoolConfig::new().max_size(1))
            .build();
        Ok(Box::new(transport))
    }

    async fn send(&self, message: Message) -> anyhow::Result<()> {
        let _turn = self.sending.acquire().await?;
        let cached = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        let transport = match cached {
            Some(t) => t,
            None => self.transport()?,
        };
        match tokio::time::timeout(self.timeout, transport.send(message)).await {
            Ok(result) => {
                // lettre parks the connection in a task of its own: let it, so the next message
                // on this transport finds it instead of opening another.
                tokio::task::yield_now().await;
                if let Ok(mut idle) = self.idle.lock() {
                    idle.push(transport);
                }
                result.map(|_| ()).map_err(|e| SmtpError::from(&e).into())
            }
            // Abandoned mid-conversation: this transport and its connection go.
            Err(_) => Err(SmtpError::Transient("timed out".into()).into()),
        }
    }
}

impl Mailer {
    /// `smtp://host:port` (plain, for local relays and tests), `smtps://` (TLS) or
    /// `smtp://...?tls=required` (STARTTLS), with optional user:password.
    pub fn from_url(url: &str, from: &str) -> anyhow::Result<Self> {
        Self::from_url_timeout(url, from, DEFAULT_TIMEOUT)
    }

    /// As [`Mailer::from_url`], giving the mail server at most `timeout` to take each message
    /// (connecting included; `SETTLE_SMTP_TIMEOUT_SECONDS`).
    pub fn from_url_timeout(url: &str, from: &str, timeout: Duration) -> anyhow::Result<Self> {
        let connections = Connections {
            url: url.to_string(),
            timeout,
            sending: tokio::sync::Semaphore::new(crate::outbox::CONCURRENCY),
            idle: Mutex::new(Vec::new()),
        };
        // The URL is checked now, not at the first message.
        connections.transport()?;
        let from: Mailbox = from.parse().map_err(|e| anyhow::anyhow!("SETTLE_SMTP_FROM: {e}"))?;
        Ok(Mailer::Smtp {
            connections: Arc::new(connections),
            from: Box::new(from),
        })
    }
}

impl Mailer {
    /// Sends one message; the caller has checked it is an email and that this is SMTP.
    pub(crate) async fn send(
        &self,
        tenant: Option<&tenant::Model>,
        identity: Option<&EmailIdentity>,
        row: &outbox::Model,
    ) -> anyhow::Result<&'static str> {
        let Mailer::Smtp { connections, from } = self else {
            return Ok("dev");
        };
        let to: Mailbox = row.recipient.parse().map_err(|_| SmtpError::BadAddress)?;
        let text = SinglePart::builder()
            .header(ContentType::TEXT_PLAIN)
            .body(row.body_text.clone());
        // VERP on the platform's address, which receives the bounces: it names this message.
        let verp: lettre::Address = crate::dunning::bounces::verp(from.email.as_ref(), row.id).parse()?;
        // The tenant's own address, else its name on the platform's; replies reach its support.
        let from = match (identity, tenant) {
            (Some(id), _) => id.from.clone(),
            (None, Some(t)) => Mailbox::new(Some(t.display_name.clone()), from.email.clone()),
            (None, None) => from.as_ref().clone(),
        };
        let envelope = lettre::address::Envelope::new(Some(verp), vec![to.email.clone()])?;
        let mut builder = Message::builder()
            .envelope(envelope)
            .from(from)
            .to(to)
            .subject(row.subject.clone())
            .message_id(Some(
                row.message_id
                    .clone()
                    .unwrap_or_else(|| format!("<outbox-{}@settle>", row.id)),
            ));
        let reply_to = identity
            .and_then(|id| id.reply_to.clone())
            .or_else(|| tenant.and_then(|t| t.support_email.parse::<Mailbox>().ok()));
        if let Some(reply_to) = reply_to {
            builder = builder.reply_to(reply_to);
        }
        if let Some(url) = &row.list_unsubscribe {
            use lettre::message::header::{HeaderName, HeaderValue};
            builder = builder
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe"),
                    format!("<{url}>"),
                ))
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                    "List-Unsubscribe=One-Click".to_string(),
                ));
        }
        let mut message = match &row.body_html {
            Some(html) => builder.multipart(
                MultiPart::alternative()
                    .singlepart(text)
                    .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(html.clone())),
            )?,
            None => builder.singlepart(text)?,
        };
        if let Some(dkim) = identity.and_then(|id| id.dkim.as_deref()) {
            message.sign(dkim);
        }
        connections.send(message).await?;
        Ok("sent")
    }
}

/// How long Settle gives the mail server to take a message unless configured.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);

/// Why the mail server did not take a message. The texts carry the reply code and the enhanced
/// status, never the server's words (they quote the address).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SmtpError {
    /// Anything but a refused recipient: 4xx, a timeout, a lost connection, and every other 5xx
    /// too (a refused login, relay or sender is the operator's to fix, and the messages wait
    /// meanwhile): retried with backoff, up to the outbox's last attempt.
    #[error("smtp: {0}")]
    Transient(String),
    /// The server said this mailbox does not exist or takes no mail (enhanced status 5.1.1,
    /// 5.1.2, 5.1.3, 5.1.6, 5.1.10 or 5.2.1): a bounce.
    #[error("smtp: recipient refused, {0}")]
    RecipientRefused(String),
    /// The recipient is no email address at all.
    #[error("smtp: the recipient is no valid address")]
    BadAddress,
}

/// Enhanced statuses (RFC 3463) that name the recipient's mailbox, never the sender or the
/// message: bad address, unknown domain, bad syntax, moved, no mail accepted, disabled.
const RECIPIENT_STATUSES: [&str; 6] = ["5.1.1", "5.1.2", "5.1.3", "5.1.6", "5.1.10", "5.2.1"];

impl SmtpError {
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Transient(_))
    }

    /// The status a bounce of this kind records.
    pub fn bounce_status(&self) -> Option<String> {
        match self {
            Self::RecipientRefused(code) => Some(code.rsplit(' ').next().unwrap_or(code).to_string()),
            Self::BadAddress => Some("5.1.3".into()),
            Self::Transient(_) => None,
        }
    }
}

impl From<&lettre::transport::smtp::Error> for SmtpError {
    fn from(e: &lettre::transport::smtp::Error) -> Self {
        let Some(code) = e.status() else {
            let what = if e.is_timeout() {
                "timed out"
            } else if e.is_client() || e.is_response() {
                "the conversation failed"
            } else {
                "no connection"
            };
            return Self::Transient(what.into());
        };
        // "550 5.1.1": the reply code and, where the server sent one, the enhanced status.
        let enhanced = enhanced_status(&e.to_string());
        let text = match &enhanced {
            Some(x) => format!("{code} {x}"),
            None => code.to_string(),
        };
        // Only an explicit mailbox status counts as the recipient's: a bare 550 may as well
        // be about the sender or the relay.
        match enhanced {
            Some(x) if e.is_permanent() && RECIPIENT_STATUSES.contains(&x.as_str()) => Self::RecipientRefused(text),
            _ => Self::Transient(text),
        }
    }
}

/// The first enhanced status code (RFC 3463, `5.1.1`) in a server's reply.
fn enhanced_status(reply: &str) -> Option<String> {
    reply
        .split(|c: char| c.is_whitespace() || matches!(c, ':' | ',' | '(' | ')' | ';'))
        .find(|w| {
            let parts: Vec<&str> = w.split('.').collect();
            parts.len() == 3
                && matches!(parts[0], "2" | "4" | "5")
                && parts[1..]
                    .iter()
                    .all(|p| (1..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
        })
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enhanced_status_codes_are_found_in_a_reply() {
        assert_eq!(
            enhanced_status("permanent error (550): 5.1.1 <jan@example.nl>: Recipient address rejected"),
            Some("5.1.1".into())
        );
        assert_eq!(
            enhanced_status("transient error (451): 4.7.1 Try again later"),
            Some("4.7.1".into())
        );
        assert_eq!(enhanced_status("permanent error (550): mailbox unavailable 1.2"), None);
        assert_eq!(enhanced_status("version 10.0.2 of the server"), None);
    }

    #[test]
    fn the_text_names_the_code_but_never_the_address() {
        let e = SmtpError::RecipientRefused("550 5.1.1".into());
        assert_eq!(e.to_string(), "smtp: recipient refused, 550 5.1.1");
        assert_eq!(e.bounce_status().as_deref(), Some("5.1.1"));
        assert_eq!(SmtpError::Transient("554 5.7.1".into()).bounce_status(), None);
        assert!(SmtpError::Transient("451 4.7.1".into()).is_transient());
    }
}
