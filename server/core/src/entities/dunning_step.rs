//! One step of a dunning plan: day offset from the due date, kind, channels, fee.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dunning_steps")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub plan_id: i64,
    pub position: i32,
    pub name: String,
    pub offset_days: i32,
    pub kind: String,
    /// `email>sms+letter`: groups joined by `+`, fallbacks by `>`.
    pub channels: String,
    /// `none`, `fixed:150`, `bik` or `bik+vat`.
    pub fee: String,
    /// Statutory interest the step charges: `none`, `nl` (art. 6:119 BW) or `de` (§ 288 BGB).
    pub interest: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
