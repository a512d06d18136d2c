//! A step of a plan for one invoice: planned once, issued as messages on its channels, or cancelled.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reminders")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub invoice_id: i64,
    pub customer_id: i64,
    pub plan_id: i64,
    pub step_id: i64,
    pub position: i32,
    pub kind: String,
    /// planned, issued, cancelled
    pub status: String,
    pub due_on: Date,
    pub send_after: DateTimeUtc,
    /// Why it was cancelled, or why it was placed at its time.
    pub reason: Option<String>,
    pub fee_cents: i64,
    /// Collection costs a 14-day letter announced.
    pub costs_cents: i64,
    /// Statutory interest this reminder charged.
    pub interest_cents: i64,
    pub term_ends: Option<Date>,
    pub planned_at: DateTimeUtc,
    pub issued_at: Option<DateTimeUtc>,
    /// With learning on: `learner` or `holdout` (the fixed plan), decided when it was issued.
    pub cohort: Option<String>,
    /// The learner's choice and its evidence (JSON, `dunning::learning::Choice`).
    pub choice: Option<String>,
    /// The template variant its messages went out in, when the learner chose one.
    pub variant: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
