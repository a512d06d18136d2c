//! A dispute a debtor raised about an invoice: reason, text, attachment, status and SLA.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "disputes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub customer_id: i64,
    pub invoice_id: i64,
    pub reason: String,
    #[sea_orm(column_type = "Text")]
    pub text: String,
    /// Under the upload directory; never served as a file.
    pub attachment_path: Option<String>,
    pub attachment_name: Option<String>,
    pub attachment_type: Option<String>,
    pub attachment_size: Option<i64>,
    /// open, accepted, rejected
    pub status: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub explanation: Option<String>,
    pub sla_due_at: DateTimeUtc,
    /// When staff were told the SLA ran out.
    pub flagged_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub resolved_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
