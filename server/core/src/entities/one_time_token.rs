//! Link tokens and codes (stored as SHA-256 only) with purpose, expiry and single use.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "one_time_tokens")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub customer_id: i64,
    pub purpose: String,
    #[sea_orm(unique)]
    pub token_hash: String,
    pub invoice_id: Option<i64>,
    /// An instalment's payment link: the plan instalment it pays.
    pub instalment_id: Option<i64>,
    pub expires_at: DateTimeUtc,
    pub used_at: Option<DateTimeUtc>,
    pub attempts: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
