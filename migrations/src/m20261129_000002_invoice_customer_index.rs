//! The customer index of invoices without the status: booking changes the status of thousands
//! of invoices at once, and every change moved an entry of this index. A customer has few
//! invoices, so the status filter reads them from the table just as fast.
//!
//! The new index gets a new name: SQLite checks a `CREATE INDEX` against the schema the pooled
//! connection last read, which may still hold an index of the same name dropped on another.
use crate::util::index;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000002_invoice_customer_index"
    }
}

#[derive(DeriveIden)]
enum Invoices {
    Table,
}

const OLD: &str = "idx_invoices_customer";
const NEW: &str = "idx_invoices_by_customer";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(index(NEW, Invoices::Table, &["tenant_id", "customer_id"], false))
            .await?;
        m.drop_index(Index::drop().name(OLD).table(Invoices::Table).to_owned())
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(index(
            OLD,
            Invoices::Table,
            &["tenant_id", "customer_id", "status"],
            false,
        ))
        .await?;
        m.drop_index(Index::drop().name(NEW).table(Invoices::Table).to_owned())
            .await
    }
}
