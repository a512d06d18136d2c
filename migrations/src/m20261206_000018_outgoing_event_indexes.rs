//! Indexes for the two ways outgoing events are read: the webhook fan-out takes the oldest
//! undelivered events of every tenant (a partial index holding only those, so it stays small
//! however many events were delivered), and the API's event feed reads one tenant's events
//! after a cursor. The earlier (tenant, delivered_at) index served neither: the fan-out does not
//! filter by tenant, and the feed orders by id.
use crate::util::index;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000018_outgoing_event_indexes"
    }
}

#[derive(DeriveIden)]
enum OutgoingEvents {
    Table,
}

const OLD: &str = "idx_outgoing_events_pending";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        // Partial indexes: the same syntax on SQLite and Postgres.
        db.execute_unprepared(
            "CREATE INDEX idx_outgoing_events_undelivered ON outgoing_events (id) WHERE delivered_at IS NULL",
        )
        .await?;
        m.create_index(index(
            "idx_outgoing_events_feed",
            OutgoingEvents::Table,
            &["tenant_id", "id"],
            false,
        ))
        .await?;
        m.drop_index(Index::drop().name(OLD).table(OutgoingEvents::Table).to_owned())
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(index(OLD, OutgoingEvents::Table, &["tenant_id", "delivered_at"], false))
            .await?;
        m.drop_index(
            Index::drop()
                .name("idx_outgoing_events_feed")
                .table(OutgoingEvents::Table)
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared("DROP INDEX idx_outgoing_events_undelivered")
            .await
            .map(|_| ())
    }
}
