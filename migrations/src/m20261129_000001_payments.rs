//! Payments: provider settings, payment references, checkouts, payments and their allocations,
//! provider events, refund tasks, statement imports and outgoing events.
use crate::util::{fk, index};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000001_payments"
    }
}

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Invoices {
    Table,
    Id,
    CostsOpenCents,
    InterestOpenCents,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    InvoiceId,
}

#[derive(DeriveIden)]
enum PaymentSettings {
    Table,
    TenantId,
    Provider,
    Credentials,
    CredentialsKeyId,
    ApiBase,
    AllowPartial,
    MinPartialCents,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PaymentReferences {
    Table,
    Id,
    TenantId,
    Reference,
    Kind,
    InvoiceId,
    CheckoutId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Checkouts {
    Table,
    Id,
    TenantId,
    CustomerId,
    PublicId,
    Provider,
    ProviderPaymentId,
    RefundTarget,
    AmountCents,
    Currency,
    Status,
    CheckoutUrl,
    Origin,
    Locale,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CheckoutItems {
    Table,
    Id,
    TenantId,
    CheckoutId,
    InvoiceId,
    AmountCents,
}

#[derive(DeriveIden)]
enum CheckoutLocks {
    Table,
    InvoiceId,
    TenantId,
    CheckoutId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Payments {
    Table,
    Id,
    TenantId,
    CustomerId,
    Source,
    DedupKey,
    AmountCents,
    Currency,
    ReceivedOn,
    DebtorName,
    DebtorIban,
    ReferenceText,
    EndToEndId,
    CheckoutId,
    MatchState,
    UnallocatedCents,
    ReversedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PaymentAllocations {
    Table,
    Id,
    TenantId,
    PaymentId,
    InvoiceId,
    CostsCents,
    InterestCents,
    PrincipalCents,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ProviderEvents {
    Table,
    Id,
    TenantId,
    EventKey,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RefundTasks {
    Table,
    Id,
    TenantId,
    CustomerId,
    PaymentId,
    AmountCents,
    Currency,
    Status,
    PayeeName,
    PayeeIban,
    ProviderRefundId,
    CreatedAt,
    DoneAt,
}

#[derive(DeriveIden)]
enum StatementImports {
    Table,
    Id,
    TenantId,
    FileSha256,
    Format,
    Summary,
    CreatedAt,
}

#[derive(DeriveIden)]
enum OutgoingEvents {
    Table,
    Id,
    TenantId,
    Kind,
    Payload,
    CreatedAt,
    DeliveredAt,
}

#[derive(DeriveIden)]
enum SandboxPayments {
    Table,
    Id,
    TenantId,
    CheckoutId,
    AmountCents,
    RefundedCents,
    Currency,
    Description,
    Status,
    RedirectUrl,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite takes one ALTER option per statement.
        for col in [
            big_integer(Invoices::CostsOpenCents).default(0).to_owned(),
            big_integer(Invoices::InterestOpenCents).default(0).to_owned(),
        ] {
            m.alter_table(Table::alter().table(Invoices::Table).add_column(col).to_owned())
                .await?;
        }
        m.alter_table(
            Table::alter()
                .table(Outbox::Table)
                .add_column(big_integer_null(Outbox::InvoiceId))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_outbox_invoice",
            Outbox::Table,
            &["invoice_id", "status"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(PaymentSettings::Table)
                .col(big_integer(PaymentSettings::TenantId).primary_key())
                .col(string(PaymentSettings::Provider))
                .col(text_null(PaymentSettings::Credentials))
                .col(string_null(PaymentSettings::CredentialsKeyId))
                .col(string_null(PaymentSettings::ApiBase))
                .col(boolean(PaymentSettings::AllowPartial).default(false))
                .col(big_integer(PaymentSettings::MinPartialCents).default(100))
                .col(timestamp_with_time_zone(PaymentSettings::UpdatedAt))
                .foreign_key(&mut fk(
                    PaymentSettings::Table,
                    PaymentSettings::TenantId,
                    Tenants::Table,
                    Tenants::Id,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Checkouts::Table)
                .col(big_pk_auto(Checkouts::Id))
                .col(big_integer(Checkouts::TenantId))
                .col(big_integer(Checkouts::CustomerId))
                .col(string_len(Checkouts::PublicId, 64))
                .col(string(Checkouts::Provider))
                .col(string_null(Checkouts::ProviderPaymentId))
                .col(string_null(Checkouts::RefundTarget))
                .col(big_integer(Checkouts::AmountCents))
                .col(string_len(Checkouts::Currency, 3))
                .col(string(Checkouts::Status))
                .col(text_null(Checkouts::CheckoutUrl))
                .col(string(Checkouts::Origin))
                .col(string_len(Checkouts::Locale, 2))
                .col(timestamp_with_time_zone(Checkouts::CreatedAt))
                .col(timestamp_with_time_zone(Checkouts::UpdatedAt))
                .foreign_key(&mut fk(
                    Checkouts::Table,
                    Checkouts::TenantId,
                    Tenants::Table,
                    Tenants::Id,
                ))
                .foreign_key(&mut fk(
                    Checkouts::Table,
                    Checkouts::CustomerId,
                    Customers::Table,
                    Customers::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("uq_checkouts_public", Checkouts::Table, &["public_id"], true))
            .await?;
        m.create_index(index(
            "idx_checkouts_provider",
            Checkouts::Table,
            &["tenant_id", "provider", "provider_payment_id"],
            false,
        ))
        .await?;
        m.create_index(index(
            "idx_checkouts_refund_target",
            Checkouts::Table,
            &["tenant_id", "refund_target"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(CheckoutItems::Table)
                .col(big_pk_auto(CheckoutItems::Id))
                .col(big_integer(CheckoutItems::TenantId))
                .col(big_integer(CheckoutItems::CheckoutId))
                .col(big_integer(CheckoutItems::InvoiceId))
                .col(big_integer(CheckoutItems::AmountCents))
                .foreign_key(&mut fk(
                    CheckoutItems::Table,
                    CheckoutItems::CheckoutId,
                    Checkouts::Table,
                    Checkouts::Id,
                ))
                .foreign_key(&mut fk(
                    CheckoutItems::Table,
                    CheckoutItems::InvoiceId,
                    Invoices::Table,
                    Invoices::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_checkout_items_checkout",
            CheckoutItems::Table,
            &["checkout_id"],
            false,
        ))
        .await?;

        // One row per invoice in an open checkout: the primary key makes a second concurrent
        // checkout for the same invoice fail on either database.
        m.create_table(
            Table::create()
                .table(CheckoutLocks::Table)
                .col(big_integer(CheckoutLocks::InvoiceId).primary_key())
                .col(big_integer(CheckoutLocks::TenantId))
                .col(big_integer(CheckoutLocks::CheckoutId))
                .col(timestamp_with_time_zone(CheckoutLocks::CreatedAt))
                .foreign_key(&mut fk(
                    CheckoutLocks::Table,
                    CheckoutLocks::InvoiceId,
                    Invoices::Table,
                    Invoices::Id,
                ))
                .foreign_key(&mut fk(
                    CheckoutLocks::Table,
                    CheckoutLocks::CheckoutId,
                    Checkouts::Table,
                    Checkouts::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_checkout_locks_checkout",
            CheckoutLocks::Table,
            &["checkout_id"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(PaymentReferences::Table)
                .col(big_pk_auto(PaymentReferences::Id))
                .col(big_integer(PaymentReferences::TenantId))
                .col(string_len(PaymentReferences::Reference, 35))
                .col(string(PaymentReferences::Kind))
                .col(big_integer_null(PaymentReferences::InvoiceId))
                .col(big_integer_null(PaymentReferences::CheckoutId))
                .col(timestamp_with_time_zone(PaymentReferences::CreatedAt))
                .foreign_key(&mut fk(
                    PaymentReferences::Table,
                    PaymentReferences::TenantId,
                    Tenants::Table,
                    Tenants::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "uq_payment_references",
            PaymentReferences::Table,
            &["tenant_id", "reference"],
            true,
        ))
        .await?;
        m.create_index(index(
            "idx_payment_references_invoice",
            PaymentReferences::Table,
            &["invoice_id"],
            false,
        ))
        .await?;
        m.get_connection()
            .execute_unprepared(
                "INSERT INTO payment_references (tenant_id, reference, kind, invoice_id, created_at) \
                 SELECT tenant_id, rf_reference, 'invoice', id, created_at FROM invoices",
            )
            .await?;

        m.create_table(
            Table::create()
                .table(Payments::Table)
                .col(big_pk_auto(Payments::Id))
                .col(big_integer(Payments::TenantId))
                .col(big_integer_null(Payments::CustomerId))
                .col(string(Payments::Source))
                .col(string_len(Payments::DedupKey, 128))
                .col(big_integer(Payments::AmountCents))
                .col(string_len(Payments::Currency, 3))
                .col(date(Payments::ReceivedOn))
                .col(string_null(Payments::DebtorName))
                .col(string_len_null(Payments::DebtorIban, 34))
                .col(text(Payments::ReferenceText))
                .col(string_null(Payments::EndToEndId))
                .col(big_integer_null(Payments::CheckoutId))
                .col(string(Payments::MatchState))
                .col(big_integer(Payments::UnallocatedCents))
                .col(timestamp_with_time_zone_null(Payments::ReversedAt))
                .col(timestamp_with_time_zone(Payments::CreatedAt))
                .foreign_key(&mut fk(
                    Payments::Table,
                    Payments::TenantId,
                    Tenants::Table,
                    Tenants::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "uq_payments_dedup",
            Payments::Table,
            &["tenant_id", "dedup_key"],
            true,
        ))
        .await?;
        m.create_index(index(
            "idx_payments_iban",
            Payments::Table,
            &["tenant_id", "debtor_iban"],
            false,
        ))
        .await?;
        m.create_index(index(
            "idx_payments_customer",
            Payments::Table,
            &["tenant_id", "customer_id"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(PaymentAllocations::Table)
                .col(big_pk_auto(PaymentAllocations::Id))
                .col(big_integer(PaymentAllocations::TenantId))
                .col(big_integer(PaymentAllocations::PaymentId))
                .col(big_integer(PaymentAllocations::InvoiceId))
                .col(big_integer(PaymentAllocations::CostsCents))
                .col(big_integer(PaymentAllocations::InterestCents))
                .col(big_integer(PaymentAllocations::PrincipalCents))
                .col(timestamp_with_time_zone(PaymentAllocations::CreatedAt))
                .foreign_key(&mut fk(
                    PaymentAllocations::Table,
                    PaymentAllocations::PaymentId,
                    Payments::Table,
                    Payments::Id,
                ))
                .foreign_key(&mut fk(
                    PaymentAllocations::Table,
                    PaymentAllocations::InvoiceId,
                    Invoices::Table,
                    Invoices::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_allocations_payment",
            PaymentAllocations::Table,
            &["payment_id"],
            false,
        ))
        .await?;
        m.create_index(index(
            "idx_allocations_invoice",
            PaymentAllocations::Table,
            &["invoice_id"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(ProviderEvents::Table)
                .col(big_pk_auto(ProviderEvents::Id))
                .col(big_integer(ProviderEvents::TenantId))
                .col(string_len(ProviderEvents::EventKey, 200))
                .col(timestamp_with_time_zone(ProviderEvents::CreatedAt))
                .foreign_key(&mut fk(
                    ProviderEvents::Table,
                    ProviderEvents::TenantId,
                    Tenants::Table,
                    Tenants::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "uq_provider_events",
            ProviderEvents::Table,
            &["tenant_id", "event_key"],
            true,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(RefundTasks::Table)
                .col(big_pk_auto(RefundTasks::Id))
                .col(big_integer(RefundTasks::TenantId))
                .col(big_integer_null(RefundTasks::CustomerId))
                .col(big_integer(RefundTasks::PaymentId))
                .col(big_integer(RefundTasks::AmountCents))
                .col(string_len(RefundTasks::Currency, 3))
                .col(string(RefundTasks::Status))
                .col(string_null(RefundTasks::PayeeName))
                .col(string_len_null(RefundTasks::PayeeIban, 34))
                .col(string_null(RefundTasks::ProviderRefundId))
                .col(timestamp_with_time_zone(RefundTasks::CreatedAt))
                .col(timestamp_with_time_zone_null(RefundTasks::DoneAt))
                .foreign_key(&mut fk(
                    RefundTasks::Table,
                    RefundTasks::PaymentId,
                    Payments::Table,
                    Payments::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_refund_tasks",
            RefundTasks::Table,
            &["tenant_id", "status", "customer_id"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(StatementImports::Table)
                .col(big_pk_auto(StatementImports::Id))
                .col(big_integer(StatementImports::TenantId))
                .col(string_len(StatementImports::FileSha256, 64))
                .col(string(StatementImports::Format))
                .col(text(StatementImports::Summary))
                .col(timestamp_with_time_zone(StatementImports::CreatedAt))
                .foreign_key(&mut fk(
                    StatementImports::Table,
                    StatementImports::TenantId,
                    Tenants::Table,
                    Tenants::Id,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(OutgoingEvents::Table)
                .col(big_pk_auto(OutgoingEvents::Id))
                .col(big_integer(OutgoingEvents::TenantId))
                .col(string(OutgoingEvents::Kind))
                .col(text(OutgoingEvents::Payload))
                .col(timestamp_with_time_zone(OutgoingEvents::CreatedAt))
                .col(timestamp_with_time_zone_null(OutgoingEvents::DeliveredAt))
                .foreign_key(&mut fk(
                    OutgoingEvents::Table,
                    OutgoingEvents::TenantId,
                    Tenants::Table,
                    Tenants::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_outgoing_events_pending",
            OutgoingEvents::Table,
            &["tenant_id", "delivered_at"],
            false,
        ))
        .await?;
        // The built-in test provider's own records (what Mollie or Stripe would keep).
        m.create_table(
            Table::create()
                .table(SandboxPayments::Table)
                .col(string_len(SandboxPayments::Id, 40).primary_key())
                .col(big_integer(SandboxPayments::TenantId))
                .col(string_len(SandboxPayments::CheckoutId, 64))
                .col(big_integer(SandboxPayments::AmountCents))
                .col(big_integer(SandboxPayments::RefundedCents))
                .col(string_len(SandboxPayments::Currency, 3))
                .col(string(SandboxPayments::Description))
                .col(string(SandboxPayments::Status))
                .col(text(SandboxPayments::RedirectUrl))
                .col(timestamp_with_time_zone(SandboxPayments::CreatedAt))
                .foreign_key(&mut fk(
                    SandboxPayments::Table,
                    SandboxPayments::TenantId,
                    Tenants::Table,
                    Tenants::Id,
                ))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            SandboxPayments::Table.into_iden(),
            OutgoingEvents::Table.into_iden(),
            StatementImports::Table.into_iden(),
            RefundTasks::Table.into_iden(),
            ProviderEvents::Table.into_iden(),
            PaymentAllocations::Table.into_iden(),
            Payments::Table.into_iden(),
            PaymentReferences::Table.into_iden(),
            CheckoutLocks::Table.into_iden(),
            CheckoutItems::Table.into_iden(),
            Checkouts::Table.into_iden(),
            PaymentSettings::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        m.drop_index(Index::drop().name("idx_outbox_invoice").table(Outbox::Table).to_owned())
            .await?;
        for col in [Outbox::InvoiceId.into_iden()] {
            m.alter_table(Table::alter().table(Outbox::Table).drop_column(col).to_owned())
                .await?;
        }
        for col in [
            Invoices::CostsOpenCents.into_iden(),
            Invoices::InterestOpenCents.into_iden(),
        ] {
            m.alter_table(Table::alter().table(Invoices::Table).drop_column(col).to_owned())
                .await?;
        }
        Ok(())
    }
}
