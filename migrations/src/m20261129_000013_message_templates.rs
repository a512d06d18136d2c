//! Tenant-edited message templates: per step kind, channel and language, every saved version
//! kept (author, time) and at most one active; without an active one the shipped wording is used.
use crate::util::{fk, index};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000013_message_templates"
    }
}

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum MessageTemplates {
    Table,
    Id,
    TenantId,
    Kind,
    Channel,
    Locale,
    Version,
    Subject,
    Body,
    AuthorId,
    Active,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(MessageTemplates::Table)
                .col(big_pk_auto(MessageTemplates::Id))
                .col(big_integer(MessageTemplates::TenantId))
                .col(string(MessageTemplates::Kind))
                .col(string(MessageTemplates::Channel))
                .col(string(MessageTemplates::Locale))
                .col(integer(MessageTemplates::Version))
                .col(text(MessageTemplates::Subject))
                .col(text(MessageTemplates::Body))
                .col(big_integer_null(MessageTemplates::AuthorId))
                .col(boolean(MessageTemplates::Active))
                .col(timestamp_with_time_zone(MessageTemplates::CreatedAt))
                .foreign_key(&mut fk(
                    MessageTemplates::Table,
                    MessageTemplates::TenantId,
                    Tenants::Table,
                    Tenants::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_message_templates_version",
            MessageTemplates::Table,
            &["tenant_id", "kind", "channel", "locale", "version"],
            true,
        ))
        .await?;
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX idx_message_templates_active ON message_templates \
                 (tenant_id, kind, channel, locale) WHERE active",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(MessageTemplates::Table).to_owned())
            .await?;
        Ok(())
    }
}
