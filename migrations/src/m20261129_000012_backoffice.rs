//! The back office: staff accounts (a tenant's agents and admins; platform operators belong to
//! no tenant) with TOTP sealed at rest and hashed recovery codes, notes on debtors, the reason
//! for a manual dunning pause, and the callback queue's work (who claimed it, the outcome).
use crate::util::{fk, index};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000012_backoffice"
    }
}

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum StaffUsers {
    Table,
    Id,
    TenantId,
    Email,
    Name,
    Role,
    PasswordHash,
    TotpKeyId,
    TotpSealed,
    TotpLastStep,
    Language,
    DisabledAt,
    CreatedAt,
    LastLoginAt,
}

#[derive(DeriveIden)]
enum StaffRecoveryCodes {
    Table,
    Id,
    StaffId,
    CodeHash,
    UsedAt,
}

#[derive(DeriveIden)]
enum StaffNotes {
    Table,
    Id,
    TenantId,
    CustomerId,
    StaffId,
    Body,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Invoices {
    Table,
    HoldReason,
}

#[derive(DeriveIden)]
enum Callbacks {
    Table,
    ClaimedBy,
    Outcome,
    OutcomeNote,
    PromisedOn,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(StaffUsers::Table)
                .col(big_pk_auto(StaffUsers::Id))
                .col(big_integer_null(StaffUsers::TenantId))
                .col(string(StaffUsers::Email))
                .col(string(StaffUsers::Name))
                .col(string(StaffUsers::Role))
                .col(string(StaffUsers::PasswordHash))
                .col(string_null(StaffUsers::TotpKeyId))
                .col(text_null(StaffUsers::TotpSealed))
                .col(big_integer_null(StaffUsers::TotpLastStep))
                .col(string_null(StaffUsers::Language))
                .col(timestamp_with_time_zone_null(StaffUsers::DisabledAt))
                .col(timestamp_with_time_zone(StaffUsers::CreatedAt))
                .col(timestamp_with_time_zone_null(StaffUsers::LastLoginAt))
                .foreign_key(&mut fk(
                    StaffUsers::Table,
                    StaffUsers::TenantId,
                    Tenants::Table,
                    Tenants::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_staff_users_login",
            StaffUsers::Table,
            &["tenant_id", "email"],
            true,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table(StaffRecoveryCodes::Table)
                .col(big_pk_auto(StaffRecoveryCodes::Id))
                .col(big_integer(StaffRecoveryCodes::StaffId))
                .col(string(StaffRecoveryCodes::CodeHash))
                .col(timestamp_with_time_zone_null(StaffRecoveryCodes::UsedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_staff_recovery_codes_staff",
            StaffRecoveryCodes::Table,
            &["staff_id"],
            false,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table(StaffNotes::Table)
                .col(big_pk_auto(StaffNotes::Id))
                .col(big_integer(StaffNotes::TenantId))
                .col(big_integer(StaffNotes::CustomerId))
                .col(big_integer(StaffNotes::StaffId))
                .col(text(StaffNotes::Body))
                .col(timestamp_with_time_zone(StaffNotes::CreatedAt))
                .foreign_key(&mut fk(
                    StaffNotes::Table,
                    StaffNotes::TenantId,
                    Tenants::Table,
                    Tenants::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_staff_notes_customer",
            StaffNotes::Table,
            &["tenant_id", "customer_id"],
            false,
        ))
        .await?;
        m.alter_table(
            Table::alter()
                .table(Invoices::Table)
                .add_column(string_null(Invoices::HoldReason))
                .to_owned(),
        )
        .await?;
        for col in [
            big_integer_null(Callbacks::ClaimedBy),
            string_null(Callbacks::Outcome),
            text_null(Callbacks::OutcomeNote),
            date_null(Callbacks::PromisedOn),
        ] {
            m.alter_table(Table::alter().table(Callbacks::Table).add_column(col).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [
            Callbacks::ClaimedBy.into_iden(),
            Callbacks::Outcome.into_iden(),
            Callbacks::OutcomeNote.into_iden(),
            Callbacks::PromisedOn.into_iden(),
        ] {
            m.alter_table(Table::alter().table(Callbacks::Table).drop_column(col).to_owned())
                .await?;
        }
        m.alter_table(
            Table::alter()
                .table(Invoices::Table)
                .drop_column(Invoices::HoldReason)
                .to_owned(),
        )
        .await?;
        for t in [
            StaffNotes::Table.into_iden(),
            StaffRecoveryCodes::Table.into_iden(),
            StaffUsers::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
