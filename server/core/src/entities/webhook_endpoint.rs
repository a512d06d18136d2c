//! A creditor's webhook endpoint: where events go, which ones, and the signing secrets (sealed).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_endpoints")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub url: String,
    /// Event types separated by commas, or `*`.
    #[sea_orm(column_type = "Text")]
    pub events: String,
    pub secret_key_id: String,
    #[sea_orm(column_type = "Text")]
    pub secret_sealed: String,
    /// The secret before a rotation: both sign until it is dropped.
    pub previous_key_id: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub previous_sealed: Option<String>,
    pub created_at: DateTimeUtc,
    pub disabled_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
