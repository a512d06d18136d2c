//! One saved version of a tenant's message template (per step kind, channel and language).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "message_templates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    /// A dunning step kind (reminder, fourteen_day_letter, ...).
    pub kind: String,
    /// email, sms, letter
    pub channel: String,
    pub locale: String,
    /// `a`, or `b`: a second wording of a plain reminder the learner tries.
    pub variant: String,
    pub version: i32,
    #[sea_orm(column_type = "Text")]
    pub subject: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub author_id: Option<i64>,
    pub active: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
