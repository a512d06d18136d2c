//! The foundation schema: tenants, customers, accounts, invoices, sessions, tokens, outbox,
//! audit events. Money in BIGINT cents, enums as strings, instants with time zone.
use crate::util::{fk, index};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261122_000001_foundation"
    }
}

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
    Slug,
    DisplayName,
    BaseUrl,
    DefaultLocale,
    TimeZone,
    BrandPrimary,
    BrandAccent,
    BrandLogoSvg,
    SupportPhone,
    SupportEmail,
    SupportHours,
    LegalFooter,
    CreditorLegalName,
    CreditorIban,
    CreditorBic,
    CreditorAddress,
    CreatedAt,
}

#[derive(DeriveIden)]
enum TenantHosts {
    Table,
    Hostname,
    TenantId,
}

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
    TenantId,
    CustomerNumber,
    Name,
    Email,
    PhoneE164,
    Street,
    Postcode,
    City,
    Country,
    Language,
    PrefEmail,
    PrefSms,
    PrefLetter,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PortalAccounts {
    Table,
    Id,
    TenantId,
    CustomerId,
    Email,
    PasswordHash,
    ActivatedAt,
    Disabled,
    LastLoginAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Invoices {
    Table,
    Id,
    TenantId,
    CustomerId,
    Number,
    IssueDate,
    DueDate,
    AmountCents,
    OpenCents,
    Currency,
    Status,
    Description,
    RfReference,
    Pdf,
    PdfFilename,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum InvoiceLines {
    Table,
    Id,
    TenantId,
    InvoiceId,
    Position,
    Description,
    AmountCents,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    State,
    TenantId,
    CustomerId,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum OneTimeTokens {
    Table,
    Id,
    TenantId,
    CustomerId,
    Purpose,
    TokenHash,
    InvoiceId,
    ExpiresAt,
    UsedAt,
    Attempts,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    TenantId,
    Channel,
    Recipient,
    Subject,
    BodyText,
    BodyHtml,
    Status,
    Attempts,
    NextAttemptAt,
    LastError,
    DedupeKey,
    CreatedAt,
    SentAt,
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    TenantId,
    CustomerId,
    Actor,
    Action,
    Detail,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Tenants::Table)
                .col(big_pk_auto(Tenants::Id))
                .col(string_uniq(Tenants::Slug))
                .col(string(Tenants::DisplayName))
                .col(string(Tenants::BaseUrl))
                .col(string(Tenants::DefaultLocale))
                .col(string(Tenants::TimeZone))
                .col(string(Tenants::BrandPrimary))
                .col(string(Tenants::BrandAccent))
                .col(text(Tenants::BrandLogoSvg))
                .col(string(Tenants::SupportPhone))
                .col(string(Tenants::SupportEmail))
                .col(string(Tenants::SupportHours))
                .col(text(Tenants::LegalFooter))
                .col(string(Tenants::CreditorLegalName))
                .col(string(Tenants::CreditorIban))
                .col(string_null(Tenants::CreditorBic))
                .col(text(Tenants::CreditorAddress))
                .col(timestamp_with_time_zone(Tenants::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(TenantHosts::Table)
                .col(string(TenantHosts::Hostname).primary_key())
                .col(big_integer(TenantHosts::TenantId))
                .foreign_key(&mut fk(
                    TenantHosts::Table,
                    TenantHosts::TenantId,
                    Tenants::Table,
                    Tenants::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_tenant_hosts_tenant",
            TenantHosts::Table,
            &["tenant_id"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Customers::Table)
                .col(big_pk_auto(Customers::Id))
                .col(big_integer(Customers::TenantId))
                .col(string(Customers::CustomerNumber))
                .col(string(Customers::Name))
                .col(string_null(Customers::Email))
                .col(string_null(Customers::PhoneE164))
                .col(string(Customers::Street))
                .col(string(Customers::Postcode))
                .col(string(Customers::City))
                .col(string(Customers::Country))
                .col(string_null(Customers::Language))
                .col(boolean(Customers::PrefEmail))
                .col(boolean(Customers::PrefSms))
                .col(boolean(Customers::PrefLetter))
                .col(timestamp_with_time_zone(Customers::CreatedAt))
                .col(timestamp_with_time_zone(Customers::UpdatedAt))
                .foreign_key(&mut fk(
                    Customers::Table,
                    Customers::TenantId,
                    Tenants::Table,
                    Tenants::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "uq_customers_number",
            Customers::Table,
            &["tenant_id", "customer_number"],
            true,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(PortalAccounts::Table)
                .col(big_pk_auto(PortalAccounts::Id))
                .col(big_integer(PortalAccounts::TenantId))
                .col(big_integer_uniq(PortalAccounts::CustomerId))
                .col(string(PortalAccounts::Email))
                .col(string_null(PortalAccounts::PasswordHash))
                .col(timestamp_with_time_zone_null(PortalAccounts::ActivatedAt))
                .col(boolean(PortalAccounts::Disabled))
                .col(timestamp_with_time_zone_null(PortalAccounts::LastLoginAt))
                .col(timestamp_with_time_zone(PortalAccounts::CreatedAt))
                .foreign_key(&mut fk(
                    PortalAccounts::Table,
                    PortalAccounts::TenantId,
                    Tenants::Table,
                    Tenants::Id,
                ))
                .foreign_key(&mut fk(
                    PortalAccounts::Table,
                    PortalAccounts::CustomerId,
                    Customers::Table,
                    Customers::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "uq_portal_accounts_email",
            PortalAccounts::Table,
            &["tenant_id", "email"],
            true,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Invoices::Table)
                .col(big_pk_auto(Invoices::Id))
                .col(big_integer(Invoices::TenantId))
                .col(big_integer(Invoices::CustomerId))
                .col(string(Invoices::Number))
                .col(date(Invoices::IssueDate))
                .col(date(Invoices::DueDate))
                .col(big_integer(Invoices::AmountCents))
                .col(big_integer(Invoices::OpenCents))
                .col(string_len(Invoices::Currency, 3))
                .col(string(Invoices::Status))
                .col(string(Invoices::Description))
                .col(string(Invoices::RfReference))
                .col(blob_null(Invoices::Pdf))
                .col(string_null(Invoices::PdfFilename))
                .col(timestamp_with_time_zone(Invoices::CreatedAt))
                .col(timestamp_with_time_zone(Invoices::UpdatedAt))
                .foreign_key(&mut fk(
                    Invoices::Table,
                    Invoices::TenantId,
                    Tenants::Table,
                    Tenants::Id,
                ))
                .foreign_key(&mut fk(
                    Invoices::Table,
                    Invoices::CustomerId,
                    Customers::Table,
                    Customers::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "uq_invoices_number",
            Invoices::Table,
            &["tenant_id", "number"],
            true,
        ))
        .await?;
        m.create_index(index(
            "uq_invoices_rf",
            Invoices::Table,
            &["tenant_id", "rf_reference"],
            true,
        ))
        .await?;
        m.create_index(index(
            "idx_invoices_customer",
            Invoices::Table,
            &["tenant_id", "customer_id", "status"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(InvoiceLines::Table)
                .col(big_pk_auto(InvoiceLines::Id))
                .col(big_integer(InvoiceLines::TenantId))
                .col(big_integer(InvoiceLines::InvoiceId))
                .col(integer(InvoiceLines::Position))
                .col(string(InvoiceLines::Description))
                .col(big_integer(InvoiceLines::AmountCents))
                .foreign_key(&mut fk(
                    InvoiceLines::Table,
                    InvoiceLines::InvoiceId,
                    Invoices::Table,
                    Invoices::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_invoice_lines_invoice",
            InvoiceLines::Table,
            &["invoice_id"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Sessions::Table)
                .col(string_len(Sessions::Id, 64).primary_key())
                .col(text(Sessions::State))
                .col(big_integer_null(Sessions::TenantId))
                .col(big_integer_null(Sessions::CustomerId))
                .col(timestamp_with_time_zone(Sessions::CreatedAt))
                .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_sessions_owner",
            Sessions::Table,
            &["tenant_id", "customer_id"],
            false,
        ))
        .await?;
        m.create_index(index("idx_sessions_expiry", Sessions::Table, &["expires_at"], false))
            .await?;

        m.create_table(
            Table::create()
                .table(OneTimeTokens::Table)
                .col(big_pk_auto(OneTimeTokens::Id))
                .col(big_integer(OneTimeTokens::TenantId))
                .col(big_integer(OneTimeTokens::CustomerId))
                .col(string(OneTimeTokens::Purpose))
                .col(string_len(OneTimeTokens::TokenHash, 64))
                .col(big_integer_null(OneTimeTokens::InvoiceId))
                .col(timestamp_with_time_zone(OneTimeTokens::ExpiresAt))
                .col(timestamp_with_time_zone_null(OneTimeTokens::UsedAt))
                .col(integer(OneTimeTokens::Attempts).default(0))
                .col(timestamp_with_time_zone(OneTimeTokens::CreatedAt))
                .foreign_key(&mut fk(
                    OneTimeTokens::Table,
                    OneTimeTokens::TenantId,
                    Tenants::Table,
                    Tenants::Id,
                ))
                .foreign_key(&mut fk(
                    OneTimeTokens::Table,
                    OneTimeTokens::CustomerId,
                    Customers::Table,
                    Customers::Id,
                ))
                .foreign_key(&mut fk(
                    OneTimeTokens::Table,
                    OneTimeTokens::InvoiceId,
                    Invoices::Table,
                    Invoices::Id,
                ))
                .to_owned(),
        )
        .await?;
        // Step-up codes are only 6 digits, so two debtors may hold the same code: the hash is
        // unique per (tenant, customer, hash), link tokens (256 bits) are unique anyway.
        m.create_index(index(
            "uq_tokens_hash",
            OneTimeTokens::Table,
            &["tenant_id", "customer_id", "token_hash"],
            true,
        ))
        .await?;
        m.create_index(index("idx_tokens_lookup", OneTimeTokens::Table, &["token_hash"], false))
            .await?;
        m.create_index(index(
            "idx_tokens_owner",
            OneTimeTokens::Table,
            &["tenant_id", "customer_id", "purpose"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Outbox::Table)
                .col(big_pk_auto(Outbox::Id))
                .col(big_integer(Outbox::TenantId))
                .col(string(Outbox::Channel))
                .col(string(Outbox::Recipient))
                .col(string(Outbox::Subject))
                .col(text(Outbox::BodyText))
                .col(text_null(Outbox::BodyHtml))
                .col(string(Outbox::Status))
                .col(integer(Outbox::Attempts))
                .col(timestamp_with_time_zone(Outbox::NextAttemptAt))
                .col(text_null(Outbox::LastError))
                .col(string_null(Outbox::DedupeKey).unique_key())
                .col(timestamp_with_time_zone(Outbox::CreatedAt))
                .col(timestamp_with_time_zone_null(Outbox::SentAt))
                .foreign_key(&mut fk(Outbox::Table, Outbox::TenantId, Tenants::Table, Tenants::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_outbox_due",
            Outbox::Table,
            &["status", "next_attempt_at"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(AuditEvents::Table)
                .col(big_pk_auto(AuditEvents::Id))
                .col(big_integer(AuditEvents::TenantId))
                .col(big_integer_null(AuditEvents::CustomerId))
                .col(string(AuditEvents::Actor))
                .col(string(AuditEvents::Action))
                .col(text(AuditEvents::Detail))
                .col(timestamp_with_time_zone(AuditEvents::CreatedAt))
                .foreign_key(&mut fk(
                    AuditEvents::Table,
                    AuditEvents::TenantId,
                    Tenants::Table,
                    Tenants::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_audit_owner",
            AuditEvents::Table,
            &["tenant_id", "customer_id", "created_at"],
            false,
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            AuditEvents::Table.into_iden(),
            Outbox::Table.into_iden(),
            OneTimeTokens::Table.into_iden(),
            Sessions::Table.into_iden(),
            InvoiceLines::Table.into_iden(),
            Invoices::Table.into_iden(),
            PortalAccounts::Table.into_iden(),
            Customers::Table.into_iden(),
            TenantHosts::Table.into_iden(),
            Tenants::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
