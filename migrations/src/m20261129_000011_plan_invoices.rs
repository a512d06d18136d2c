//! Payment plans over several invoices: `plan_invoices` names the invoices a plan covers (in the
//! order payments settle them) and carries the one-live-plan-per-invoice rule; an instalment's
//! reference resolves to the plan (`payment_references.plan_id`), so a payment spreads over the
//! plan's invoices; an instalment's own payment link (`one_time_tokens.instalment_id`).
use crate::util::index;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000011_plan_invoices"
    }
}

#[derive(DeriveIden)]
enum PlanInvoices {
    Table,
    Id,
    TenantId,
    PlanId,
    InvoiceId,
    Seq,
    PaidAtStartCents,
    Live,
}

#[derive(DeriveIden)]
enum PaymentReferences {
    Table,
    PlanId,
}

#[derive(DeriveIden)]
enum OneTimeTokens {
    Table,
    InstalmentId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(PlanInvoices::Table)
                .col(big_pk_auto(PlanInvoices::Id))
                .col(big_integer(PlanInvoices::TenantId))
                .col(big_integer(PlanInvoices::PlanId))
                .col(big_integer(PlanInvoices::InvoiceId))
                .col(integer(PlanInvoices::Seq))
                .col(big_integer(PlanInvoices::PaidAtStartCents))
                .col(boolean(PlanInvoices::Live))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_plan_invoices_plan",
            PlanInvoices::Table,
            &["plan_id"],
            false,
        ))
        .await?;
        let db = m.get_connection();
        // Every plan so far covers one invoice.
        db.execute_unprepared(
            "INSERT INTO plan_invoices (tenant_id, plan_id, invoice_id, seq, paid_at_start_cents, live) \
             SELECT tenant_id, id, invoice_id, 1, paid_at_start_cents, status IN ('active', 'requested') \
             FROM payment_plans",
        )
        .await?;
        // An invoice is in at most one running (or requested) plan, even when submissions race.
        db.execute_unprepared("DROP INDEX idx_payment_plans_one_live").await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX idx_plan_invoices_one_live ON plan_invoices (invoice_id) WHERE live",
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(PaymentReferences::Table)
                .add_column(big_integer_null(PaymentReferences::PlanId))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(OneTimeTokens::Table)
                .add_column(big_integer_null(OneTimeTokens::InstalmentId))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(OneTimeTokens::Table)
                .drop_column(OneTimeTokens::InstalmentId)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(PaymentReferences::Table)
                .drop_column(PaymentReferences::PlanId)
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        db.execute_unprepared("DROP INDEX idx_plan_invoices_one_live").await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX idx_payment_plans_one_live ON payment_plans (invoice_id) \
             WHERE status IN ('active', 'requested')",
        )
        .await?;
        m.drop_table(Table::drop().table(PlanInvoices::Table).to_owned())
            .await?;
        Ok(())
    }
}
