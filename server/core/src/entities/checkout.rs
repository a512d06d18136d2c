//! An online payment attempt through a provider, for one or several invoices.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "checkouts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub customer_id: i64,
    pub public_id: String,
    pub provider: String,
    pub provider_payment_id: Option<String>,
    pub refund_target: Option<String>,
    pub amount_cents: i64,
    pub currency: String,
    pub status: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub checkout_url: Option<String>,
    pub origin: String,
    pub locale: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
