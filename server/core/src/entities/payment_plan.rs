//! An invoice paid in instalments: active, requested (outside policy, for staff), broken or completed.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payment_plans")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub customer_id: i64,
    pub invoice_id: i64,
    pub status: String,
    pub total_cents: i64,
    /// What was paid on the invoice before the plan: progress counts from here.
    pub paid_at_start_cents: i64,
    pub instalments: i32,
    pub created_at: DateTimeUtc,
    pub ended_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
