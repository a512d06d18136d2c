//! Money received, from any source, and how far it was matched.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub customer_id: Option<i64>,
    pub source: String,
    pub dedup_key: String,
    pub amount_cents: i64,
    pub currency: String,
    pub received_on: Date,
    pub debtor_name: Option<String>,
    pub debtor_iban: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub reference_text: String,
    pub end_to_end_id: Option<String>,
    pub checkout_id: Option<i64>,
    pub match_state: String,
    pub unallocated_cents: i64,
    pub reversed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
