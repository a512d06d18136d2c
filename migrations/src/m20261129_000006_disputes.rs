//! Disputes a debtor raises about an invoice (one open at a time per invoice, by a partial
//! unique index), with an optional attachment kept outside the web root, and each tenant's
//! self-service settings, starting with the dispute SLA.
use crate::util::{fk, index};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000006_disputes"
    }
}

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Disputes {
    Table,
    Id,
    TenantId,
    CustomerId,
    InvoiceId,
    Reason,
    Text,
    AttachmentPath,
    AttachmentName,
    AttachmentType,
    AttachmentSize,
    Status,
    Explanation,
    SlaDueAt,
    FlaggedAt,
    CreatedAt,
    ResolvedAt,
}

#[derive(DeriveIden)]
enum SelfServiceSettings {
    Table,
    TenantId,
    DisputeSlaDays,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Disputes::Table)
                .col(big_pk_auto(Disputes::Id))
                .col(big_integer(Disputes::TenantId))
                .col(big_integer(Disputes::CustomerId))
                .col(big_integer(Disputes::InvoiceId))
                .col(string(Disputes::Reason))
                .col(text(Disputes::Text))
                .col(string_null(Disputes::AttachmentPath))
                .col(string_null(Disputes::AttachmentName))
                .col(string_null(Disputes::AttachmentType))
                .col(big_integer_null(Disputes::AttachmentSize))
                .col(string(Disputes::Status))
                .col(text_null(Disputes::Explanation))
                .col(timestamp_with_time_zone(Disputes::SlaDueAt))
                .col(timestamp_with_time_zone_null(Disputes::FlaggedAt))
                .col(timestamp_with_time_zone(Disputes::CreatedAt))
                .col(timestamp_with_time_zone_null(Disputes::ResolvedAt))
                .foreign_key(&mut fk(
                    Disputes::Table,
                    Disputes::TenantId,
                    Tenants::Table,
                    Tenants::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_disputes_customer",
            Disputes::Table,
            &["tenant_id", "customer_id"],
            false,
        ))
        .await?;
        // One open dispute per invoice, even when two submissions race.
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX idx_disputes_one_open ON disputes (invoice_id) WHERE status = 'open'",
            )
            .await?;
        m.create_table(
            Table::create()
                .table(SelfServiceSettings::Table)
                .col(big_integer(SelfServiceSettings::TenantId).primary_key())
                .col(integer(SelfServiceSettings::DisputeSlaDays).default(10))
                .col(timestamp_with_time_zone(SelfServiceSettings::UpdatedAt))
                .foreign_key(&mut fk(
                    SelfServiceSettings::Table,
                    SelfServiceSettings::TenantId,
                    Tenants::Table,
                    Tenants::Id,
                ))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared("DROP INDEX idx_disputes_one_open")
            .await?;
        for t in [SelfServiceSettings::Table.into_iden(), Disputes::Table.into_iden()] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
