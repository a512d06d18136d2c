//! An invoice: amounts in cents, open amount, status, RF reference, optional PDF.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invoices")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub customer_id: i64,
    pub number: String,
    pub issue_date: Date,
    pub due_date: Date,
    pub amount_cents: i64,
    pub open_cents: i64,
    /// Parts of `open_cents` that are collection costs and interest; payments settle them first.
    pub costs_open_cents: i64,
    pub interest_open_cents: i64,
    pub dunning_plan_id: Option<i64>,
    /// The position of the last step planned for this invoice.
    pub dunning_position: Option<i32>,
    /// The day (since 1970-01-01) the next step falls due; None when the plan is done.
    pub dunning_next_day: Option<i32>,
    /// disputed, payment_plan, handed_over or paused.
    pub dunning_hold: Option<String>,
    /// Why staff paused dunning (a "Mahnstopp"), while the hold is `paused`.
    pub hold_reason: Option<String>,
    /// The last day (since 1970-01-01) of a running 14-day term.
    pub dunning_term_day: Option<i32>,
    /// The due date as days since 1970-01-01, set when the invoice enters a plan: day offsets
    /// compute the same in SQLite and Postgres.
    pub due_day: Option<i32>,
    /// Collection costs a 14-day letter announced; they join the open amount once its term ran out.
    pub costs_pending_cents: i64,
    /// The due date before the debtor moved it ("pay later"); set once.
    pub deferred_from: Option<Date>,
    pub currency: String,
    pub status: String,
    pub description: String,
    pub rf_reference: String,
    #[sea_orm(column_type = "Blob", nullable)]
    pub pdf: Option<Vec<u8>>,
    pub pdf_filename: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
