//! Retention: how long a tenant keeps open and click tracking, and how long contact data of a
//! debtor with nothing left open; and when each erasure happened. Bookkeeping records (invoices
//! with name and address) stay for the legal period whatever the tenant sets.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{integer, timestamp_with_time_zone_null};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000021_retention"
    }
}

#[derive(DeriveIden)]
enum DunningSettings {
    Table,
    TrackingRetentionDays,
    ClosedDebtorRetentionDays,
}

#[derive(DeriveIden)]
enum Customers {
    Table,
    ContactErasedAt,
    PersonalErasedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for col in [
            integer(DunningSettings::TrackingRetentionDays).default(180).to_owned(),
            integer(DunningSettings::ClosedDebtorRetentionDays)
                .default(365)
                .to_owned(),
        ] {
            m.alter_table(Table::alter().table(DunningSettings::Table).add_column(col).to_owned())
                .await?;
        }
        for col in [
            timestamp_with_time_zone_null(Customers::ContactErasedAt),
            timestamp_with_time_zone_null(Customers::PersonalErasedAt),
        ] {
            m.alter_table(Table::alter().table(Customers::Table).add_column(col).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [Customers::ContactErasedAt, Customers::PersonalErasedAt] {
            m.alter_table(Table::alter().table(Customers::Table).drop_column(col).to_owned())
                .await?;
        }
        for col in [
            DunningSettings::TrackingRetentionDays,
            DunningSettings::ClosedDebtorRetentionDays,
        ] {
            m.alter_table(Table::alter().table(DunningSettings::Table).drop_column(col).to_owned())
                .await?;
        }
        Ok(())
    }
}
