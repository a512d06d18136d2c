//! Signed outgoing webhooks: the creditor's endpoints (URL, the event types they want, the
//! signing secret sealed at rest and the previous one during a rotation) and every delivery of
//! an event to an endpoint with its attempts and the last response.
use crate::util::{fk, index};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000017_webhooks"
    }
}

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum WebhookEndpoints {
    Table,
    Id,
    TenantId,
    Url,
    Events,
    SecretKeyId,
    SecretSealed,
    PreviousKeyId,
    PreviousSealed,
    CreatedAt,
    DisabledAt,
}

#[derive(DeriveIden)]
enum WebhookDeliveries {
    Table,
    Id,
    TenantId,
    EndpointId,
    EventId,
    OrderKey,
    Status,
    Attempts,
    NextAttemptAt,
    LastStatus,
    LastResponse,
    LastError,
    CreatedAt,
    DeliveredAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(WebhookEndpoints::Table)
                .col(big_pk_auto(WebhookEndpoints::Id))
                .col(big_integer(WebhookEndpoints::TenantId))
                .col(string(WebhookEndpoints::Url))
                .col(text(WebhookEndpoints::Events))
                .col(string(WebhookEndpoints::SecretKeyId))
                .col(text(WebhookEndpoints::SecretSealed))
                .col(string_null(WebhookEndpoints::PreviousKeyId))
                .col(text_null(WebhookEndpoints::PreviousSealed))
                .col(timestamp_with_time_zone(WebhookEndpoints::CreatedAt))
                .col(timestamp_with_time_zone_null(WebhookEndpoints::DisabledAt))
                .foreign_key(&mut fk(
                    WebhookEndpoints::Table,
                    WebhookEndpoints::TenantId,
                    Tenants::Table,
                    Tenants::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(WebhookDeliveries::Table)
                .col(big_pk_auto(WebhookDeliveries::Id))
                .col(big_integer(WebhookDeliveries::TenantId))
                .col(big_integer(WebhookDeliveries::EndpointId))
                .col(big_integer(WebhookDeliveries::EventId))
                .col(string(WebhookDeliveries::OrderKey))
                .col(string(WebhookDeliveries::Status))
                .col(integer(WebhookDeliveries::Attempts))
                .col(timestamp_with_time_zone(WebhookDeliveries::NextAttemptAt))
                .col(integer_null(WebhookDeliveries::LastStatus))
                .col(text_null(WebhookDeliveries::LastResponse))
                .col(text_null(WebhookDeliveries::LastError))
                .col(timestamp_with_time_zone(WebhookDeliveries::CreatedAt))
                .col(timestamp_with_time_zone_null(WebhookDeliveries::DeliveredAt))
                .foreign_key(&mut fk(
                    WebhookDeliveries::Table,
                    WebhookDeliveries::EndpointId,
                    WebhookEndpoints::Table,
                    WebhookEndpoints::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_webhook_deliveries_once",
            WebhookDeliveries::Table,
            &["endpoint_id", "event_id"],
            true,
        ))
        .await?;
        m.create_index(index(
            "idx_webhook_deliveries_due",
            WebhookDeliveries::Table,
            &["status", "next_attempt_at"],
            false,
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(WebhookDeliveries::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(WebhookEndpoints::Table).to_owned())
            .await
    }
}
