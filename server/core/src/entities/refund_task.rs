//! Money to pay back (an overpayment), until refunded through the provider or exported.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "refund_tasks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub customer_id: Option<i64>,
    pub payment_id: i64,
    pub amount_cents: i64,
    pub currency: String,
    pub status: String,
    pub payee_name: Option<String>,
    pub payee_iban: Option<String>,
    pub provider_refund_id: Option<String>,
    pub created_at: DateTimeUtc,
    pub done_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
