//! A tenant's mail identity: From, Reply-To, and the DKIM key (sealed) that signs its mail.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "email_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: i64,
    pub from_address: String,
    pub reply_to: Option<String>,
    pub dkim_domain: Option<String>,
    pub dkim_selector: Option<String>,
    pub dkim_algorithm: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub dkim_key: Option<String>,
    pub dkim_key_id: Option<String>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
