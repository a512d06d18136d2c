//! Work for support staff that the system created: hand-overs, CAK reports, early signals.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff_tasks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub customer_id: i64,
    pub invoice_id: Option<i64>,
    pub kind: String,
    pub status: String,
    pub detail: String,
    pub created_at: DateTimeUtc,
    /// When an early signal left in an export file.
    pub exported_at: Option<DateTimeUtc>,
    pub done_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
