//! Next best action: whether a tenant's dunning learns the free choices (the part of the day a
//! reminder goes out; off until an admin switches it on, so no installation changes its
//! sending times by upgrading), the share of debtors held out on the fixed plan to measure it, and on
//! each reminder its cohort and the choice made with its reasons (for the timeline); and what
//! each choice has achieved per plan, refreshed from the outcomes (`learned_arms`). Message
//! templates get a variant (`a`, the one there always is; `b`, a second wording of a plain
//! reminder for the learner to try), and a reminder records the variant it went out in.
use crate::m20261207_000022_row_security::confine;
use crate::util::fk;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, boolean, integer, string_len, string_len_null, text_null, timestamp_with_time_zone,
    timestamp_with_time_zone_null,
};
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261209_000024_learning"
    }
}

#[derive(DeriveIden)]
enum DunningSettings {
    Table,
    Learning,
    HoldoutPercent,
}

#[derive(DeriveIden)]
enum Reminders {
    Table,
    Cohort,
    Choice,
    Variant,
}

#[derive(DeriveIden)]
enum Customers {
    Table,
    VoiceConsentAt,
}

#[derive(DeriveIden)]
enum MessageTemplates {
    Table,
    Variant,
}

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum LearnedArms {
    Table,
    TenantId,
    PlanId,
    Arm,
    Won,
    Lost,
    UpdatedAt,
}

/// Replaces the template indexes (unique versions, one active version) keyed by `key`, in one
/// statement: on SQLite, a pooled connection other than the one that dropped an index may still
/// see it when the next statement creates it again.
async fn template_indexes(m: &SchemaManager<'_>, key: &str) -> Result<(), DbErr> {
    m.get_connection()
        .execute_unprepared(&format!(
            "DROP INDEX idx_message_templates_version; DROP INDEX idx_message_templates_active; \
             CREATE UNIQUE INDEX idx_message_templates_version ON message_templates (tenant_id, {key}, version); \
             CREATE UNIQUE INDEX idx_message_templates_active ON message_templates (tenant_id, {key}) WHERE active"
        ))
        .await?;
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for col in [
            boolean(DunningSettings::Learning).default(false).to_owned(),
            integer(DunningSettings::HoldoutPercent).default(10).to_owned(),
        ] {
            m.alter_table(Table::alter().table(DunningSettings::Table).add_column(col).to_owned())
                .await?;
        }
        for col in [
            string_len_null(Reminders::Cohort, 16),
            text_null(Reminders::Choice),
            string_len_null(Reminders::Variant, 1),
        ] {
            m.alter_table(Table::alter().table(Reminders::Table).add_column(col).to_owned())
                .await?;
        }
        // Automated reminder calls need their own consent.
        m.alter_table(
            Table::alter()
                .table(Customers::Table)
                .add_column(timestamp_with_time_zone_null(Customers::VoiceConsentAt))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(MessageTemplates::Table)
                .add_column(string_len(MessageTemplates::Variant, 1).default("a"))
                .to_owned(),
        )
        .await?;
        // Versions and the one active version are per variant now.
        template_indexes(m, "kind, channel, locale, variant").await?;
        m.create_table(
            Table::create()
                .table(LearnedArms::Table)
                .col(big_integer(LearnedArms::TenantId))
                .col(big_integer(LearnedArms::PlanId))
                .col(string_len(LearnedArms::Arm, 32))
                .col(big_integer(LearnedArms::Won))
                .col(big_integer(LearnedArms::Lost))
                .col(timestamp_with_time_zone(LearnedArms::UpdatedAt))
                .primary_key(
                    Index::create()
                        .col(LearnedArms::TenantId)
                        .col(LearnedArms::PlanId)
                        .col(LearnedArms::Arm),
                )
                .foreign_key(&mut fk(
                    LearnedArms::Table,
                    LearnedArms::TenantId,
                    Tenants::Table,
                    Tenants::Id,
                ))
                .to_owned(),
        )
        .await?;
        if m.get_database_backend() == DbBackend::Postgres {
            m.get_connection()
                .execute_unprepared(&confine("learned_arms", false))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(LearnedArms::Table).to_owned()).await?;
        m.alter_table(
            Table::alter()
                .table(Customers::Table)
                .drop_column(Customers::VoiceConsentAt)
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared("DELETE FROM message_templates WHERE variant <> 'a'")
            .await?;
        template_indexes(m, "kind, channel, locale").await?;
        m.alter_table(
            Table::alter()
                .table(MessageTemplates::Table)
                .drop_column(MessageTemplates::Variant)
                .to_owned(),
        )
        .await?;
        for col in [Reminders::Cohort, Reminders::Choice, Reminders::Variant] {
            m.alter_table(Table::alter().table(Reminders::Table).drop_column(col).to_owned())
                .await?;
        }
        for col in [DunningSettings::Learning, DunningSettings::HoldoutPercent] {
            m.alter_table(Table::alter().table(DunningSettings::Table).drop_column(col).to_owned())
                .await?;
        }
        Ok(())
    }
}
