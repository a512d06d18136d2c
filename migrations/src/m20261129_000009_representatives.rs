//! A debtor's representative (bewindvoerder, guardian, debt counsellor), set by staff: their
//! contact data, and whether dunning messages go to them instead of or besides the debtor.
use crate::util::{fk, index};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000009_representatives"
    }
}

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Representatives {
    Table,
    Id,
    TenantId,
    CustomerId,
    Kind,
    Name,
    Email,
    Phone,
    Street,
    Postcode,
    City,
    Country,
    Mode,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Representatives::Table)
                .col(big_pk_auto(Representatives::Id))
                .col(big_integer(Representatives::TenantId))
                .col(big_integer(Representatives::CustomerId))
                .col(string(Representatives::Kind))
                .col(string(Representatives::Name))
                .col(string_null(Representatives::Email))
                .col(string_null(Representatives::Phone))
                .col(string(Representatives::Street).default(""))
                .col(string(Representatives::Postcode).default(""))
                .col(string(Representatives::City).default(""))
                .col(string(Representatives::Country).default(""))
                .col(string(Representatives::Mode))
                .col(timestamp_with_time_zone(Representatives::CreatedAt))
                .foreign_key(&mut fk(
                    Representatives::Table,
                    Representatives::CustomerId,
                    Customers::Table,
                    Customers::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_representatives_customer",
            Representatives::Table,
            &["customer_id"],
            true,
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Representatives::Table).to_owned())
            .await
    }
}
