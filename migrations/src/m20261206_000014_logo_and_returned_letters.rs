//! The tenant's logo as the PNG that portal, emails and the web app manifest show (an uploaded
//! SVG is rasterised on upload; the SVG itself is kept only for letters, which print vectors);
//! and when a letter to the debtor's postal address came back undelivered.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000014_logo_and_returned_letters"
    }
}

#[derive(DeriveIden)]
enum Tenants {
    Table,
    BrandLogoPng,
}

#[derive(DeriveIden)]
enum Customers {
    Table,
    AddressInvalidAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Tenants::Table)
                .add_column(blob_null(Tenants::BrandLogoPng))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Customers::Table)
                .add_column(timestamp_with_time_zone_null(Customers::AddressInvalidAt))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Customers::Table)
                .drop_column(Customers::AddressInvalidAt)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Tenants::Table)
                .drop_column(Tenants::BrandLogoPng)
                .to_owned(),
        )
        .await
    }
}
