//! Callback requests: the slot a debtor booked (claimed against a per-slot counter, so a full
//! slot stays full across instances), the topic, the number to call and the invoices it is
//! about; and the tenant's callback hours, slot length, capacity, horizon and whether dunning
//! holds while a callback is pending.
use crate::util::{fk, index};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000007_callbacks"
    }
}

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Callbacks {
    Table,
    Id,
    TenantId,
    CustomerId,
    Topic,
    Phone,
    SlotStart,
    Status,
    Invoices,
    HoldsDunning,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CallbackSlots {
    Table,
    TenantId,
    SlotStart,
    Booked,
}

#[derive(DeriveIden)]
enum SelfServiceSettings {
    Table,
    CallbackOpens,
    CallbackCloses,
    CallbackClosedWeekdays,
    CallbackSlotMinutes,
    CallbackCapacity,
    CallbackHorizonDays,
    CallbackHoldsDunning,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Callbacks::Table)
                .col(big_pk_auto(Callbacks::Id))
                .col(big_integer(Callbacks::TenantId))
                .col(big_integer(Callbacks::CustomerId))
                .col(string(Callbacks::Topic))
                .col(string(Callbacks::Phone))
                .col(timestamp_with_time_zone(Callbacks::SlotStart))
                .col(string(Callbacks::Status))
                .col(text(Callbacks::Invoices).default(""))
                .col(boolean(Callbacks::HoldsDunning).default(false))
                .col(timestamp_with_time_zone(Callbacks::CreatedAt))
                .col(timestamp_with_time_zone(Callbacks::UpdatedAt))
                .foreign_key(&mut fk(
                    Callbacks::Table,
                    Callbacks::TenantId,
                    Tenants::Table,
                    Tenants::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_callbacks_customer",
            Callbacks::Table,
            &["tenant_id", "customer_id"],
            false,
        ))
        .await?;
        m.create_index(index(
            "idx_callbacks_slot",
            Callbacks::Table,
            &["tenant_id", "slot_start"],
            false,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table(CallbackSlots::Table)
                .col(big_integer(CallbackSlots::TenantId))
                .col(timestamp_with_time_zone(CallbackSlots::SlotStart))
                .col(integer(CallbackSlots::Booked).default(0))
                .primary_key(
                    Index::create()
                        .col(CallbackSlots::TenantId)
                        .col(CallbackSlots::SlotStart),
                )
                .to_owned(),
        )
        .await?;
        for col in [
            string(SelfServiceSettings::CallbackOpens).default("09:00"),
            string(SelfServiceSettings::CallbackCloses).default("17:00"),
            string(SelfServiceSettings::CallbackClosedWeekdays).default("sat,sun"),
            integer(SelfServiceSettings::CallbackSlotMinutes).default(30),
            integer(SelfServiceSettings::CallbackCapacity).default(2),
            integer(SelfServiceSettings::CallbackHorizonDays).default(14),
            boolean(SelfServiceSettings::CallbackHoldsDunning).default(true),
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
            SelfServiceSettings::CallbackOpens.into_iden(),
            SelfServiceSettings::CallbackCloses.into_iden(),
            SelfServiceSettings::CallbackClosedWeekdays.into_iden(),
            SelfServiceSettings::CallbackSlotMinutes.into_iden(),
            SelfServiceSettings::CallbackCapacity.into_iden(),
            SelfServiceSettings::CallbackHorizonDays.into_iden(),
            SelfServiceSettings::CallbackHoldsDunning.into_iden(),
        ] {
            m.alter_table(
                Table::alter()
                    .table(SelfServiceSettings::Table)
                    .drop_column(col)
                    .to_owned(),
            )
            .await?;
        }
        for t in [CallbackSlots::Table.into_iden(), Callbacks::Table.into_iden()] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
