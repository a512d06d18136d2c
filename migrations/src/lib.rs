//! Settle database migrations: portable across SQLite and Postgres, self-contained (own Iden
//! enums, never the entities), and immutable once merged.
pub use sea_orm_migration::prelude::*;
pub use sea_orm_migration::MigratorTrait;

mod m20261122_000001_foundation;
mod m20261129_000001_payments;
mod m20261129_000002_invoice_customer_index;
mod m20261129_000003_dunning;
mod m20261129_000004_channel_accounts;
mod m20261129_000005_profile;
mod m20261129_000006_disputes;
mod m20261129_000007_callbacks;
mod m20261129_000008_deferrals;
mod m20261129_000009_representatives;
mod m20261129_000010_payment_plans;
mod m20261129_000011_plan_invoices;
mod m20261129_000012_backoffice;
mod m20261129_000013_message_templates;
mod m20261206_000014_logo_and_returned_letters;
mod m20261206_000015_api_keys;
mod m20261206_000016_idempotency;
mod m20261206_000017_webhooks;
mod m20261206_000018_outgoing_event_indexes;
mod m20261206_000019_throttle_windows;
mod m20261206_000020_token_hash_index;
mod m20261206_000021_retention;
pub mod m20261207_000022_row_security;
mod m20261208_000023_consents;
mod m20261209_000024_learning;
mod util;

pub struct Migrator;

#[sea_orm_migration::async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_foundation::Migration),
            Box::new(m20261129_000001_payments::Migration),
            Box::new(m20261129_000002_invoice_customer_index::Migration),
            Box::new(m20261129_000003_dunning::Migration),
            Box::new(m20261129_000004_channel_accounts::Migration),
            Box::new(m20261129_000005_profile::Migration),
            Box::new(m20261129_000006_disputes::Migration),
            Box::new(m20261129_000007_callbacks::Migration),
            Box::new(m20261129_000008_deferrals::Migration),
            Box::new(m20261129_000009_representatives::Migration),
            Box::new(m20261129_000010_payment_plans::Migration),
            Box::new(m20261129_000011_plan_invoices::Migration),
            Box::new(m20261129_000012_backoffice::Migration),
            Box::new(m20261129_000013_message_templates::Migration),
            Box::new(m20261206_000014_logo_and_returned_letters::Migration),
            Box::new(m20261206_000015_api_keys::Migration),
            Box::new(m20261206_000016_idempotency::Migration),
            Box::new(m20261206_000017_webhooks::Migration),
            Box::new(m20261206_000018_outgoing_event_indexes::Migration),
            Box::new(m20261206_000019_throttle_windows::Migration),
            Box::new(m20261206_000020_token_hash_index::Migration),
            Box::new(m20261206_000021_retention::Migration),
            Box::new(m20261207_000022_row_security::Migration),
            Box::new(m20261208_000023_consents::Migration),
            Box::new(m20261209_000024_learning::Migration),
        ]
    }
}
