//! Email over SMTP with lettre: pooled connections, the tenant's own From and Reply-To (or its
//! name on the platform's address and its support address), a DKIM signature with the tenant's
//! key, the message's stable Message-ID, and a VERP return path for bounces.
use crate::entities::{outbox, tenant};
use lettre::message::dkim::DkimConfig;
use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::sync::Arc;

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
        transport: Box<AsyncSmtpTransport<Tokio1Executor>>,
        from: Box<Mailbox>,
    },
    DevOutbox,
}

impl Mailer {
    /// `smtp://host:port` (plain, for local relays and tests), `smtps://` (TLS) or
    /// `smtp://...?tls=required` (STARTTLS), with optional user:password.
    pub fn from_url(url: &str, from: &str) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| anyhow::anyhow!("SETTLE_SMTP_URL: {e}"))?
            .timeout(Some(std::time::Duration::from_secs(20)))
            .pool_config(
                lettre::transport::smtp::PoolConfig::new()
                    .max_size(u32::try_from(crate::outbox::CONCURRENCY).unwrap_or(8)),
            )
            .build();
        let from: Mailbox = from.parse().map_err(|e| anyhow::anyhow!("SETTLE_SMTP_FROM: {e}"))?;
        Ok(Mailer::Smtp {
            transport: Box::new(transport),
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
        let Mailer::Smtp { transport, from } = self else {
            return Ok("dev");
        };
        let to: Mailbox = row.recipient.parse()?;
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
        transport.send(message).await?;
        Ok("sent")
    }
}
