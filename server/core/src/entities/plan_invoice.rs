//! An invoice a payment plan covers, in settling order; `live` while the plan runs or waits for
//! staff (an invoice is in at most one live plan).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plan_invoices")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub plan_id: i64,
    pub invoice_id: i64,
    pub seq: i32,
    /// What had been paid on the invoice when the plan started.
    pub paid_at_start_cents: i64,
    pub live: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
