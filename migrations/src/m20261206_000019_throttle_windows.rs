//! Attempts per account counted in the database, so every instance behind a load balancer sees
//! the same count: one row per (hashed account key, fixed window). Old windows are purged.
use crate::util::index;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000019_throttle_windows"
    }
}

#[derive(DeriveIden)]
enum ThrottleWindows {
    Table,
    Bucket,
    WindowStart,
    Hits,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ThrottleWindows::Table)
                .col(ColumnDef::new(ThrottleWindows::Bucket).string().not_null())
                .col(ColumnDef::new(ThrottleWindows::WindowStart).big_integer().not_null())
                .col(ColumnDef::new(ThrottleWindows::Hits).big_integer().not_null())
                .primary_key(
                    Index::create()
                        .col(ThrottleWindows::Bucket)
                        .col(ThrottleWindows::WindowStart),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_throttle_windows_start",
            ThrottleWindows::Table,
            &["window_start"],
            false,
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ThrottleWindows::Table).to_owned())
            .await
    }
}
