//! A callback a debtor booked: topic, number to call, slot, status, and the invoices it is about.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "callbacks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub customer_id: i64,
    pub topic: String,
    /// E.164.
    pub phone: String,
    pub slot_start: DateTimeUtc,
    /// booked, cancelled, done
    pub status: String,
    /// Comma-separated invoice numbers; empty means all the debtor's open invoices.
    #[sea_orm(column_type = "Text")]
    pub invoices: String,
    /// Whether this callback holds dunning (the tenant's setting when it was booked).
    pub holds_dunning: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The staff member working it.
    pub claimed_by: Option<i64>,
    /// reached, not_reached, promise
    pub outcome: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub outcome_note: Option<String>,
    /// The date the debtor promised to pay by.
    pub promised_on: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
