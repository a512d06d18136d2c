//! A tenant's payment provider, its encrypted credentials and partial-payment policy.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payment_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: i64,
    pub provider: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub credentials: Option<String>,
    pub credentials_key_id: Option<String>,
    pub api_base: Option<String>,
    pub allow_partial: bool,
    pub min_partial_cents: i64,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
