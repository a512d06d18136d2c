//! A reference a payer can quote (RF of an invoice, a checkout or a plan instalment), resolved one way for every channel.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payment_references")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub reference: String,
    pub kind: String,
    pub invoice_id: Option<i64>,
    pub checkout_id: Option<i64>,
    /// A payment plan's instalment reference pays the plan's invoices in order.
    pub plan_id: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
