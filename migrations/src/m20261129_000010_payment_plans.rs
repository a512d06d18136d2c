//! Payment plans: an invoice paid in instalments, each with its own due date and RF reference
//! (registered in `payment_references`, so statements match it like any reference), and the
//! tenant's plan policy.
use crate::util::{fk, index};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000010_payment_plans"
    }
}

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum PaymentPlans {
    Table,
    Id,
    TenantId,
    CustomerId,
    InvoiceId,
    Status,
    TotalCents,
    PaidAtStartCents,
    Instalments,
    CreatedAt,
    EndedAt,
}

#[derive(DeriveIden)]
enum PlanInstalments {
    Table,
    Id,
    TenantId,
    PlanId,
    Seq,
    DueDate,
    AmountCents,
    RfReference,
    RemindedAt,
    LateNoticeAt,
}

#[derive(DeriveIden)]
enum SelfServiceSettings {
    Table,
    PlanMinTotalCents,
    PlanMaxInstalments,
    PlanMinInstalmentCents,
    PlanFirstDueDays,
    PlanGraceDays,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(PaymentPlans::Table)
                .col(big_pk_auto(PaymentPlans::Id))
                .col(big_integer(PaymentPlans::TenantId))
                .col(big_integer(PaymentPlans::CustomerId))
                .col(big_integer(PaymentPlans::InvoiceId))
                .col(string(PaymentPlans::Status))
                .col(big_integer(PaymentPlans::TotalCents))
                .col(big_integer(PaymentPlans::PaidAtStartCents))
                .col(integer(PaymentPlans::Instalments))
                .col(timestamp_with_time_zone(PaymentPlans::CreatedAt))
                .col(timestamp_with_time_zone_null(PaymentPlans::EndedAt))
                .foreign_key(&mut fk(
                    PaymentPlans::Table,
                    PaymentPlans::TenantId,
                    Tenants::Table,
                    Tenants::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_payment_plans_invoice",
            PaymentPlans::Table,
            &["invoice_id"],
            false,
        ))
        .await?;
        // One plan running (or asked for) per invoice, even when two submissions race.
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX idx_payment_plans_one_live ON payment_plans (invoice_id) \
                 WHERE status IN ('active', 'requested')",
            )
            .await?;
        m.create_table(
            Table::create()
                .table(PlanInstalments::Table)
                .col(big_pk_auto(PlanInstalments::Id))
                .col(big_integer(PlanInstalments::TenantId))
                .col(big_integer(PlanInstalments::PlanId))
                .col(integer(PlanInstalments::Seq))
                .col(date(PlanInstalments::DueDate))
                .col(big_integer(PlanInstalments::AmountCents))
                .col(string(PlanInstalments::RfReference))
                .col(timestamp_with_time_zone_null(PlanInstalments::RemindedAt))
                .col(timestamp_with_time_zone_null(PlanInstalments::LateNoticeAt))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_plan_instalments_plan",
            PlanInstalments::Table,
            &["plan_id"],
            false,
        ))
        .await?;
        for col in [
            big_integer(SelfServiceSettings::PlanMinTotalCents).default(5_000),
            integer(SelfServiceSettings::PlanMaxInstalments).default(6),
            big_integer(SelfServiceSettings::PlanMinInstalmentCents).default(2_500),
            integer(SelfServiceSettings::PlanFirstDueDays).default(30),
            integer(SelfServiceSettings::PlanGraceDays).default(7),
        ] {
            m.alter_table(
                Table::alter()
                    .table(SelfServiceSettings::Table)
                    .add_column(col)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [
            SelfServiceSettings::PlanMinTotalCents.into_iden(),
            SelfServiceSettings::PlanMaxInstalments.into_iden(),
            SelfServiceSettings::PlanMinInstalmentCents.into_iden(),
            SelfServiceSettings::PlanFirstDueDays.into_iden(),
            SelfServiceSettings::PlanGraceDays.into_iden(),
        ] {
            m.alter_table(
                Table::alter()
                    .table(SelfServiceSettings::Table)
                    .drop_column(col)
                    .to_owned(),
            )
            .await?;
        }
        m.get_connection()
            .execute_unprepared("DROP INDEX idx_payment_plans_one_live")
            .await?;
        for t in [PlanInstalments::Table.into_iden(), PaymentPlans::Table.into_iden()] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
