//! A payment at the built-in sandbox provider: its own record, as Mollie or Stripe keep theirs.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sandbox_payments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub tenant_id: i64,
    pub checkout_id: String,
    pub amount_cents: i64,
    pub refunded_cents: i64,
    pub currency: String,
    pub description: String,
    pub status: String,
    #[sea_orm(column_type = "Text")]
    pub redirect_url: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
