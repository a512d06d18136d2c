//! Dunning: plans and their steps, each tenant's contact policy, the reminders planned per
//! (invoice, step), staff tasks, and the columns that let the planner find due invoices by
//! index: the plan, position and next due day (days since 1970, the same on every database)
//! of each invoice, its hold, costs waiting for a 14-day term, and the debtor's legal stop.
use crate::util::{fk, index};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000003_dunning"
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
    Tags,
    LegalStop,
    EmailInvalidAt,
}

#[derive(DeriveIden)]
enum Invoices {
    Table,
    Id,
    DunningPlanId,
    DunningPosition,
    DunningNextDay,
    DunningHold,
    DunningTermDay,
    DueDay,
    CostsPendingCents,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    CustomerId,
    ReminderId,
    MessageId,
    ContentSha256,
    Document,
    ProviderMessageId,
    ListUnsubscribe,
}

#[derive(DeriveIden)]
enum DunningPlans {
    Table,
    Id,
    TenantId,
    Name,
    Priority,
    IsDefault,
    Segment,
    CreatedAt,
}

#[derive(DeriveIden)]
enum DunningSteps {
    Table,
    Id,
    TenantId,
    PlanId,
    Position,
    Name,
    OffsetDays,
    Kind,
    Channels,
    Fee,
}

#[derive(DeriveIden)]
enum DunningSettings {
    Table,
    TenantId,
    WindowOpens,
    WindowCloses,
    ClosedWeekdays,
    HolidayRegion,
    ExtraClosedDates,
    LetterDeliveryDays,
    EmailDeliveryDays,
    EmailPerDay,
    SmsPerDay,
    LettersPerDay,
    SendTimeOptimisation,
    ClickTracking,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Reminders {
    Table,
    Id,
    TenantId,
    InvoiceId,
    CustomerId,
    PlanId,
    StepId,
    Position,
    Kind,
    Status,
    DueOn,
    SendAfter,
    Reason,
    FeeCents,
    CostsCents,
    TermEnds,
    PlannedAt,
    IssuedAt,
}

#[derive(DeriveIden)]
enum SmsSettings {
    Table,
    TenantId,
    Provider,
    Credentials,
    CredentialsKeyId,
    ApiBase,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MessageEvents {
    Table,
    Id,
    TenantId,
    OutboxId,
    Kind,
    Detail,
    CreatedAt,
}

#[derive(DeriveIden)]
enum StaffTasks {
    Table,
    Id,
    TenantId,
    CustomerId,
    InvoiceId,
    Kind,
    Status,
    Detail,
    CreatedAt,
    DoneAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite takes one ALTER option per statement.
        for col in [
            string(Customers::Tags).default("").to_owned(),
            string_null(Customers::LegalStop),
            timestamp_with_time_zone_null(Customers::EmailInvalidAt),
        ] {
            m.alter_table(Table::alter().table(Customers::Table).add_column(col).to_owned())
                .await?;
        }
        for col in [
            big_integer_null(Invoices::DunningPlanId),
            integer_null(Invoices::DunningPosition),
            integer_null(Invoices::DunningNextDay),
            string_null(Invoices::DunningHold),
            integer_null(Invoices::DunningTermDay),
            integer_null(Invoices::DueDay),
            big_integer(Invoices::CostsPendingCents).default(0).to_owned(),
        ] {
            m.alter_table(Table::alter().table(Invoices::Table).add_column(col).to_owned())
                .await?;
        }
        for col in [
            big_integer_null(Outbox::CustomerId),
            big_integer_null(Outbox::ReminderId),
            string_null(Outbox::MessageId),
            string_null(Outbox::ContentSha256),
            blob_null(Outbox::Document),
            string_null(Outbox::ProviderMessageId),
            text_null(Outbox::ListUnsubscribe),
        ] {
            m.alter_table(Table::alter().table(Outbox::Table).add_column(col).to_owned())
                .await?;
        }
        m.create_index(index("idx_outbox_dedupe", Outbox::Table, &["dedupe_key"], false))
            .await?;
        m.create_index(index(
            "idx_outbox_provider_message",
            Outbox::Table,
            &["provider_message_id"],
            false,
        ))
        .await?;
        m.create_index(index(
            "idx_outbox_customer_channel",
            Outbox::Table,
            &["customer_id", "channel", "created_at"],
            false,
        ))
        .await?;
        // Partial indexes: the planner reads only invoices that are open, unheld and due (or
        // not yet in a plan), so a pass over a million open invoices touches just those.
        let db = m.get_connection();
        db.execute_unprepared(
            "CREATE INDEX idx_invoices_dunning_due ON invoices (tenant_id, dunning_next_day) \
             WHERE status = 'open' AND dunning_hold IS NULL",
        )
        .await?;
        db.execute_unprepared(
            "CREATE INDEX idx_invoices_dunning_unplanned ON invoices (tenant_id, id) \
             WHERE status = 'open' AND dunning_plan_id IS NULL",
        )
        .await?;
        db.execute_unprepared(
            "CREATE INDEX idx_customers_legal_stop ON customers (tenant_id) WHERE legal_stop IS NOT NULL",
        )
        .await?;
        db.execute_unprepared(
            "CREATE INDEX idx_invoices_costs_pending ON invoices (tenant_id, dunning_term_day) \
             WHERE costs_pending_cents > 0",
        )
        .await?;

        m.create_table(
            Table::create()
                .table(DunningPlans::Table)
                .col(big_pk_auto(DunningPlans::Id))
                .col(big_integer(DunningPlans::TenantId))
                .col(string(DunningPlans::Name))
                .col(integer(DunningPlans::Priority).default(0))
                .col(boolean(DunningPlans::IsDefault).default(false))
                .col(text(DunningPlans::Segment).default(""))
                .col(timestamp_with_time_zone(DunningPlans::CreatedAt))
                .foreign_key(&mut fk(
                    DunningPlans::Table,
                    DunningPlans::TenantId,
                    Tenants::Table,
                    Tenants::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_dunning_plans_tenant",
            DunningPlans::Table,
            &["tenant_id"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(DunningSteps::Table)
                .col(big_pk_auto(DunningSteps::Id))
                .col(big_integer(DunningSteps::TenantId))
                .col(big_integer(DunningSteps::PlanId))
                .col(integer(DunningSteps::Position))
                .col(string(DunningSteps::Name))
                .col(integer(DunningSteps::OffsetDays))
                .col(string(DunningSteps::Kind))
                .col(string(DunningSteps::Channels))
                .col(string(DunningSteps::Fee).default("none"))
                .foreign_key(&mut fk(
                    DunningSteps::Table,
                    DunningSteps::PlanId,
                    DunningPlans::Table,
                    DunningPlans::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_dunning_steps_position",
            DunningSteps::Table,
            &["plan_id", "position"],
            true,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(DunningSettings::Table)
                .col(big_integer(DunningSettings::TenantId).primary_key())
                .col(string(DunningSettings::WindowOpens).default("08:00"))
                .col(string(DunningSettings::WindowCloses).default("20:00"))
                .col(string(DunningSettings::ClosedWeekdays).default("sun"))
                .col(string(DunningSettings::HolidayRegion).default("NL"))
                .col(text(DunningSettings::ExtraClosedDates).default(""))
                .col(integer(DunningSettings::LetterDeliveryDays).default(2))
                .col(integer(DunningSettings::EmailDeliveryDays).default(1))
                .col(integer(DunningSettings::EmailPerDay).default(1))
                .col(integer(DunningSettings::SmsPerDay).default(1))
                .col(integer(DunningSettings::LettersPerDay).default(1))
                .col(boolean(DunningSettings::SendTimeOptimisation).default(true))
                .col(boolean(DunningSettings::ClickTracking).default(false))
                .col(timestamp_with_time_zone(DunningSettings::UpdatedAt))
                .foreign_key(&mut fk(
                    DunningSettings::Table,
                    DunningSettings::TenantId,
                    Tenants::Table,
                    Tenants::Id,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Reminders::Table)
                .col(big_pk_auto(Reminders::Id))
                .col(big_integer(Reminders::TenantId))
                .col(big_integer(Reminders::InvoiceId))
                .col(big_integer(Reminders::CustomerId))
                .col(big_integer(Reminders::PlanId))
                .col(big_integer(Reminders::StepId))
                .col(integer(Reminders::Position))
                .col(string(Reminders::Kind))
                .col(string(Reminders::Status))
                .col(date(Reminders::DueOn))
                .col(timestamp_with_time_zone(Reminders::SendAfter))
                .col(text_null(Reminders::Reason))
                .col(big_integer(Reminders::FeeCents).default(0))
                .col(big_integer(Reminders::CostsCents).default(0))
                .col(date_null(Reminders::TermEnds))
                .col(timestamp_with_time_zone(Reminders::PlannedAt))
                .col(timestamp_with_time_zone_null(Reminders::IssuedAt))
                .foreign_key(&mut fk(
                    Reminders::Table,
                    Reminders::InvoiceId,
                    Invoices::Table,
                    Invoices::Id,
                ))
                .to_owned(),
        )
        .await?;
        // An (invoice, step) is planned once, whatever runs the planner and how often.
        m.create_index(index(
            "idx_reminders_once",
            Reminders::Table,
            &["invoice_id", "step_id"],
            true,
        ))
        .await?;
        m.create_index(index(
            "idx_reminders_due",
            Reminders::Table,
            &["status", "send_after"],
            false,
        ))
        .await?;
        m.create_index(index(
            "idx_reminders_customer",
            Reminders::Table,
            &["tenant_id", "customer_id"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(StaffTasks::Table)
                .col(big_pk_auto(StaffTasks::Id))
                .col(big_integer(StaffTasks::TenantId))
                .col(big_integer(StaffTasks::CustomerId))
                .col(big_integer_null(StaffTasks::InvoiceId))
                .col(string(StaffTasks::Kind))
                .col(string(StaffTasks::Status))
                .col(text(StaffTasks::Detail))
                .col(timestamp_with_time_zone(StaffTasks::CreatedAt))
                .col(timestamp_with_time_zone_null(StaffTasks::DoneAt))
                .foreign_key(&mut fk(
                    StaffTasks::Table,
                    StaffTasks::TenantId,
                    Tenants::Table,
                    Tenants::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(SmsSettings::Table)
                .col(big_integer(SmsSettings::TenantId).primary_key())
                .col(string(SmsSettings::Provider))
                .col(text(SmsSettings::Credentials))
                .col(string(SmsSettings::CredentialsKeyId))
                .col(string_null(SmsSettings::ApiBase))
                .col(timestamp_with_time_zone(SmsSettings::UpdatedAt))
                .foreign_key(&mut fk(
                    SmsSettings::Table,
                    SmsSettings::TenantId,
                    Tenants::Table,
                    Tenants::Id,
                ))
                .to_owned(),
        )
        .await?;

        // What happened to each message after it was queued: sent, delivered, deferred,
        // bounced, opened, clicked, failed. The debtor's timeline reads these.
        m.create_table(
            Table::create()
                .table(MessageEvents::Table)
                .col(big_pk_auto(MessageEvents::Id))
                .col(big_integer(MessageEvents::TenantId))
                .col(big_integer(MessageEvents::OutboxId))
                .col(string(MessageEvents::Kind))
                .col(text(MessageEvents::Detail).default(""))
                .col(timestamp_with_time_zone(MessageEvents::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_message_events_outbox",
            MessageEvents::Table,
            &["outbox_id"],
            false,
        ))
        .await?;

        m.create_index(index(
            "idx_staff_tasks_queue",
            StaffTasks::Table,
            &["tenant_id", "kind", "status"],
            false,
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            MessageEvents::Table.into_iden(),
            SmsSettings::Table.into_iden(),
            StaffTasks::Table.into_iden(),
            Reminders::Table.into_iden(),
            DunningSettings::Table.into_iden(),
            DunningSteps::Table.into_iden(),
            DunningPlans::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        let db = m.get_connection();
        db.execute_unprepared("DROP INDEX idx_invoices_dunning_due").await?;
        db.execute_unprepared("DROP INDEX idx_invoices_costs_pending").await?;
        db.execute_unprepared("DROP INDEX idx_customers_legal_stop").await?;
        db.execute_unprepared("DROP INDEX idx_invoices_dunning_unplanned")
            .await?;
        for name in [
            "idx_outbox_customer_channel",
            "idx_outbox_provider_message",
            "idx_outbox_dedupe",
        ] {
            m.drop_index(Index::drop().name(name).table(Outbox::Table).to_owned())
                .await?;
        }
        for col in [
            Outbox::CustomerId.into_iden(),
            Outbox::ReminderId.into_iden(),
            Outbox::MessageId.into_iden(),
            Outbox::ContentSha256.into_iden(),
            Outbox::Document.into_iden(),
            Outbox::ProviderMessageId.into_iden(),
            Outbox::ListUnsubscribe.into_iden(),
        ] {
            m.alter_table(Table::alter().table(Outbox::Table).drop_column(col).to_owned())
                .await?;
        }
        for col in [
            Invoices::DunningPlanId.into_iden(),
            Invoices::DunningPosition.into_iden(),
            Invoices::DunningNextDay.into_iden(),
            Invoices::DunningHold.into_iden(),
            Invoices::DunningTermDay.into_iden(),
            Invoices::DueDay.into_iden(),
            Invoices::CostsPendingCents.into_iden(),
        ] {
            m.alter_table(Table::alter().table(Invoices::Table).drop_column(col).to_owned())
                .await?;
        }
        for col in [
            Customers::Tags.into_iden(),
            Customers::LegalStop.into_iden(),
            Customers::EmailInvalidAt.into_iden(),
        ] {
            m.alter_table(Table::alter().table(Customers::Table).drop_column(col).to_owned())
                .await?;
        }
        Ok(())
    }
}
