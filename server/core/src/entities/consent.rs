//! One consent given or withdrawn by a debtor: SMS reminders, or counting opens and clicks.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consents")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub customer_id: i64,
    /// `sms` or `tracking`.
    pub purpose: String,
    pub granted: bool,
    /// `portal` (the debtor on /profile) or `backoffice` (staff, on the debtor's word).
    pub source: String,
    /// `staff:{id}` when staff recorded it.
    pub actor: Option<String>,
    /// The language of the wording the debtor saw.
    pub locale: String,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
