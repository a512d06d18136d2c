//! A message waiting to leave (or sent): channel, recipient, content, delivery attempts.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub channel: String,
    pub recipient: String,
    pub subject: String,
    #[sea_orm(column_type = "Text")]
    pub body_text: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub body_html: Option<String>,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    pub dedupe_key: Option<String>,
    /// The invoice a reminder is about: settling it cancels the message while still queued.
    pub invoice_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    pub customer_id: Option<i64>,
    pub reminder_id: Option<i64>,
    /// The Message-ID (email) or dedupe key a resend after a crash carries again.
    pub message_id: Option<String>,
    /// SHA-256 of the rendered content: proof of what was sent.
    pub content_sha256: Option<String>,
    /// A letter's PDF, as printed.
    pub document: Option<Vec<u8>>,
    /// The SMS provider's id of the message, for its status callbacks.
    pub provider_message_id: Option<String>,
    /// The one-click unsubscribe URL (RFC 8058) of a reminder the debtor may opt out of.
    pub list_unsubscribe: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
