//! "Pay later": how many days past its due date a debtor may move an invoice on their own (once),
//! and the due date an invoice had before it was moved.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000008_deferrals"
    }
}

#[derive(DeriveIden)]
enum SelfServiceSettings {
    Table,
    DeferralMaxDays,
}

#[derive(DeriveIden)]
enum Invoices {
    Table,
    DeferredFrom,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(SelfServiceSettings::Table)
                .add_column(integer(SelfServiceSettings::DeferralMaxDays).default(14))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Invoices::Table)
                .add_column(date_null(Invoices::DeferredFrom))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Invoices::Table)
                .drop_column(Invoices::DeferredFrom)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(SelfServiceSettings::Table)
                .drop_column(SelfServiceSettings::DeferralMaxDays)
                .to_owned(),
        )
        .await
    }
}
