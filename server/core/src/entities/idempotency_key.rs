//! The first response to an API request made under an `Idempotency-Key`.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotency_keys")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub api_key_id: i64,
    pub idem_key: String,
    /// SHA-256 of method, path and body.
    pub request_hash: String,
    /// The response's HTTP status; 0 while the first request runs.
    pub status: i32,
    pub content_type: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
