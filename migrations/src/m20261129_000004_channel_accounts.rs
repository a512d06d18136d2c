//! Each tenant's own sending identity and print provider, open tracking, statutory interest
//! charged by a dunning step, and the export state of early-signal tasks.
//!
//! - `email_settings`: the From and Reply-To of the tenant's mail and its DKIM key (sealed at
//!   rest like every provider secret).
//! - `print_settings`: an HTTP print provider that letters are handed to instead of the spool.
//! - `dunning_settings.open_tracking`: a pixel counts opens, only where the tenant has consent.
//! - `dunning_steps.interest` (`none`, `nl`, `de`) and `reminders.interest_cents`: a step may
//!   charge the statutory interest accrued so far; each reminder keeps what it charged.
//! - `staff_tasks.exported_at`: an early signal leaves in one export file, once.
use crate::util::fk;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000004_channel_accounts"
    }
}

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum EmailSettings {
    Table,
    TenantId,
    FromAddress,
    ReplyTo,
    DkimDomain,
    DkimSelector,
    DkimAlgorithm,
    DkimKey,
    DkimKeyId,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PrintSettings {
    Table,
    TenantId,
    Url,
    Token,
    TokenKeyId,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DunningSettings {
    Table,
    OpenTracking,
}

#[derive(DeriveIden)]
enum DunningSteps {
    Table,
    Interest,
}

#[derive(DeriveIden)]
enum Reminders {
    Table,
    InterestCents,
}

#[derive(DeriveIden)]
enum StaffTasks {
    Table,
    ExportedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(EmailSettings::Table)
                .col(big_integer(EmailSettings::TenantId).primary_key())
                .col(string(EmailSettings::FromAddress))
                .col(string_null(EmailSettings::ReplyTo))
                .col(string_null(EmailSettings::DkimDomain))
                .col(string_null(EmailSettings::DkimSelector))
                .col(string_null(EmailSettings::DkimAlgorithm))
                .col(text_null(EmailSettings::DkimKey))
                .col(string_null(EmailSettings::DkimKeyId))
                .col(timestamp_with_time_zone(EmailSettings::UpdatedAt))
                .foreign_key(&mut fk(
                    EmailSettings::Table,
                    EmailSettings::TenantId,
                    Tenants::Table,
                    Tenants::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PrintSettings::Table)
                .col(big_integer(PrintSettings::TenantId).primary_key())
                .col(string(PrintSettings::Url))
                .col(text_null(PrintSettings::Token))
                .col(string_null(PrintSettings::TokenKeyId))
                .col(timestamp_with_time_zone(PrintSettings::UpdatedAt))
                .foreign_key(&mut fk(
                    PrintSettings::Table,
                    PrintSettings::TenantId,
                    Tenants::Table,
                    Tenants::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(DunningSettings::Table)
                .add_column(boolean(DunningSettings::OpenTracking).default(false))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(DunningSteps::Table)
                .add_column(string(DunningSteps::Interest).default("none"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Reminders::Table)
                .add_column(big_integer(Reminders::InterestCents).default(0))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(StaffTasks::Table)
                .add_column(timestamp_with_time_zone_null(StaffTasks::ExportedAt))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(StaffTasks::Table)
                .drop_column(StaffTasks::ExportedAt)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Reminders::Table)
                .drop_column(Reminders::InterestCents)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(DunningSteps::Table)
                .drop_column(DunningSteps::Interest)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(DunningSettings::Table)
                .drop_column(DunningSettings::OpenTracking)
                .to_owned(),
        )
        .await?;
        for t in [PrintSettings::Table.into_iden(), EmailSettings::Table.into_iden()] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
