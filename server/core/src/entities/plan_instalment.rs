//! One instalment of a payment plan: due date, amount and its own RF reference.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plan_instalments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub plan_id: i64,
    pub seq: i32,
    pub due_date: Date,
    pub amount_cents: i64,
    pub rf_reference: String,
    /// When the "due in a few days" reminder went out.
    pub reminded_at: Option<DateTimeUtc>,
    /// When the "not paid yet" notice went out (inside the grace days).
    pub late_notice_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
