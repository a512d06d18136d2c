//! The debtor's own profile: an email address or phone number waiting for confirmation, when SMS
//! consent was given, and the history of every change to contact data (old and new value, who
//! changed it) that staff see.
use crate::util::index;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000005_profile"
    }
}

#[derive(DeriveIden)]
enum Customers {
    Table,
    PendingEmail,
    PendingPhone,
    SmsConsentAt,
}

#[derive(DeriveIden)]
enum CustomerChanges {
    Table,
    Id,
    TenantId,
    CustomerId,
    Field,
    OldValue,
    NewValue,
    Actor,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [
            string_null(Customers::PendingEmail),
            string_null(Customers::PendingPhone),
            timestamp_with_time_zone_null(Customers::SmsConsentAt),
        ] {
            m.alter_table(Table::alter().table(Customers::Table).add_column(col).to_owned())
                .await?;
        }
        m.create_table(
            Table::create()
                .table(CustomerChanges::Table)
                .col(big_pk_auto(CustomerChanges::Id))
                .col(big_integer(CustomerChanges::TenantId))
                .col(big_integer(CustomerChanges::CustomerId))
                .col(string(CustomerChanges::Field))
                .col(text_null(CustomerChanges::OldValue))
                .col(text_null(CustomerChanges::NewValue))
                .col(string(CustomerChanges::Actor))
                .col(timestamp_with_time_zone(CustomerChanges::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_customer_changes_customer",
            CustomerChanges::Table,
            &["tenant_id", "customer_id"],
            false,
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CustomerChanges::Table).to_owned())
            .await?;
        for col in [
            Customers::PendingEmail.into_iden(),
            Customers::PendingPhone.into_iden(),
            Customers::SmsConsentAt.into_iden(),
        ] {
            m.alter_table(Table::alter().table(Customers::Table).drop_column(col).to_owned())
                .await?;
        }
        Ok(())
    }
}
