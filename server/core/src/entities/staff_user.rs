//! A staff account: an agent or admin of one tenant, or a platform operator (no tenant).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff_users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: Option<i64>,
    /// Lowercase.
    pub email: String,
    pub name: String,
    /// agent, admin, operator
    pub role: String,
    pub password_hash: String,
    /// The TOTP secret, sealed at rest (key id and sealed bytes); none until set up.
    pub totp_key_id: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub totp_sealed: Option<String>,
    /// The last accepted TOTP time step: a code works once.
    pub totp_last_step: Option<i64>,
    pub language: Option<String>,
    pub disabled_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub last_login_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
