//! API keys of the creditor's systems: per tenant, named, read or write, stored as the SHA-256
//! of the key (a key is 160 random bits, so a fast hash suffices), with its first characters
//! to recognise it by, who made it, when it was last used, and when it was revoked.
use crate::util::{fk, index};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000015_api_keys"
    }
}

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ApiKeys {
    Table,
    Id,
    TenantId,
    Name,
    Scope,
    Prefix,
    KeyHash,
    CreatedBy,
    CreatedAt,
    LastUsedAt,
    RevokedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ApiKeys::Table)
                .col(big_pk_auto(ApiKeys::Id))
                .col(big_integer(ApiKeys::TenantId))
                .col(string(ApiKeys::Name))
                .col(string(ApiKeys::Scope))
                .col(string(ApiKeys::Prefix))
                .col(string(ApiKeys::KeyHash))
                .col(string(ApiKeys::CreatedBy))
                .col(timestamp_with_time_zone(ApiKeys::CreatedAt))
                .col(timestamp_with_time_zone_null(ApiKeys::LastUsedAt))
                .col(timestamp_with_time_zone_null(ApiKeys::RevokedAt))
                .foreign_key(&mut fk(ApiKeys::Table, ApiKeys::TenantId, Tenants::Table, Tenants::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(index("idx_api_keys_hash", ApiKeys::Table, &["key_hash"], true))
            .await?;
        m.create_index(index("idx_api_keys_tenant", ApiKeys::Table, &["tenant_id"], false))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ApiKeys::Table).to_owned()).await
    }
}
