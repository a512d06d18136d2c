//! An API key of a creditor's system (the key itself is never stored, only its SHA-256).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_keys")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub name: String,
    /// read or write.
    pub scope: String,
    /// The key's first characters, to recognise it by.
    pub prefix: String,
    #[sea_orm(unique)]
    pub key_hash: String,
    /// Who made it: `staff:{id}` or `cli`.
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub last_used_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
