//! API requests made under an `Idempotency-Key`: the request's fingerprint and the first
//! response, replayed for a repeat within 24 hours.
use crate::util::{fk, index};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000016_idempotency"
    }
}

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum IdempotencyKeys {
    Table,
    Id,
    TenantId,
    ApiKeyId,
    IdemKey,
    RequestHash,
    Status,
    ContentType,
    Body,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(IdempotencyKeys::Table)
                .col(big_pk_auto(IdempotencyKeys::Id))
                .col(big_integer(IdempotencyKeys::TenantId))
                .col(big_integer(IdempotencyKeys::ApiKeyId))
                .col(string(IdempotencyKeys::IdemKey))
                .col(string(IdempotencyKeys::RequestHash))
                // 0 while the first request runs.
                .col(integer(IdempotencyKeys::Status))
                .col(string(IdempotencyKeys::ContentType))
                .col(text(IdempotencyKeys::Body))
                .col(timestamp_with_time_zone(IdempotencyKeys::CreatedAt))
                .foreign_key(&mut fk(
                    IdempotencyKeys::Table,
                    IdempotencyKeys::TenantId,
                    Tenants::Table,
                    Tenants::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_idempotency_keys_key",
            IdempotencyKeys::Table,
            &["tenant_id", "api_key_id", "idem_key"],
            true,
        ))
        .await?;
        m.create_index(index(
            "idx_idempotency_keys_created",
            IdempotencyKeys::Table,
            &["created_at"],
            false,
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(IdempotencyKeys::Table).to_owned())
            .await
    }
}
