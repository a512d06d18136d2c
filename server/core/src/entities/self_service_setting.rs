//! A tenant's self-service policy (disputes' SLA; callbacks, plans and deferrals to follow).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "self_service_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: i64,
    pub dispute_sla_days: i32,
    pub callback_opens: String,
    pub callback_closes: String,
    pub callback_closed_weekdays: String,
    pub callback_slot_minutes: i32,
    pub callback_capacity: i32,
    pub callback_horizon_days: i32,
    /// Whether dunning holds while a callback is pending.
    pub callback_holds_dunning: bool,
    /// How many days past its due date a debtor may move an invoice on their own, once.
    pub deferral_max_days: i32,
    pub plan_min_total_cents: i64,
    pub plan_max_instalments: i32,
    pub plan_min_instalment_cents: i64,
    pub plan_first_due_days: i32,
    /// Days an instalment may be late before the plan breaks.
    pub plan_grace_days: i32,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
