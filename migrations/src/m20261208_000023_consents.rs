//! Consent records: every time a debtor gives or withdraws consent for reminders by SMS or for
//! counting opens and clicks of reminder emails, one row with what, when, how (portal, back
//! office) and by whom, in which wording's language. `customers.tracking_refused_at` is the
//! current state of the tracking choice (the SMS one was already `sms_consent_at`), read when a
//! reminder is composed. On Postgres the new table is confined to its tenant like every other.
use crate::m20261207_000022_row_security::confine;
use crate::util::{fk, index};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261208_000023_consents"
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
    TrackingRefusedAt,
}

#[derive(DeriveIden)]
enum Consents {
    Table,
    Id,
    TenantId,
    CustomerId,
    Purpose,
    Granted,
    Source,
    Actor,
    Locale,
    RecordedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Consents::Table)
                .col(big_pk_auto(Consents::Id))
                .col(big_integer(Consents::TenantId))
                .col(big_integer(Consents::CustomerId))
                .col(string(Consents::Purpose))
                .col(boolean(Consents::Granted))
                .col(string(Consents::Source))
                .col(string_null(Consents::Actor))
                .col(string(Consents::Locale))
                .col(timestamp_with_time_zone(Consents::RecordedAt))
                .foreign_key(&mut fk(
                    Consents::Table,
                    Consents::TenantId,
                    Tenants::Table,
                    Tenants::Id,
                ))
                .foreign_key(&mut fk(
                    Consents::Table,
                    Consents::CustomerId,
                    Customers::Table,
                    Customers::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_consents_customer",
            Consents::Table,
            &["tenant_id", "customer_id", "recorded_at"],
            false,
        ))
        .await?;
        m.alter_table(
            Table::alter()
                .table(Customers::Table)
                .add_column(timestamp_with_time_zone_null(Customers::TrackingRefusedAt))
                .to_owned(),
        )
        .await?;
        if m.get_database_backend() == DbBackend::Postgres {
            m.get_connection()
                .execute_unprepared(&confine("consents", false))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Customers::Table)
                .drop_column(Customers::TrackingRefusedAt)
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(Consents::Table).to_owned()).await
    }
}
