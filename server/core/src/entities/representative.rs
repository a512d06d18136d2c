//! A debtor's representative: who, how to reach them, and whether they get the debtor's
//! dunning messages instead of the debtor (`instead`) or as well (`besides`).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "representatives")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    #[sea_orm(unique)]
    pub customer_id: i64,
    /// administrator (bewindvoerder), guardian, debt_counsellor, other
    pub kind: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub country: String,
    /// instead, besides
    pub mode: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
