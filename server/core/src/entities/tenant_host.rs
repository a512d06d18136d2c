//! A hostname (lower case, no port) that leads to a tenant.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tenant_hosts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub hostname: String,
    pub tenant_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
