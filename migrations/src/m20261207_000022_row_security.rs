//! Postgres only: row-level security keyed on the tenant. Every table with a `tenant_id`
//! (except `tenant_hosts`, which maps a request's host to its tenant before the tenant is known)
//! shows and accepts only the rows of the tenant named by the connection's `settle.tenant_id`
//! setting, which Settle sets at each checkout of a pooled connection. FORCE applies it to the
//! table owner as well; the role that migrates (the owner, which also runs the cross-tenant
//! workers) gets a policy of its own that lets it see everything, so only the application role
//! (`SETTLE_DATABASE_APP_URL`, not the owner) is confined. SQLite has no row security: nothing
//! happens there.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261207_000022_row_security"
    }
}

/// Read before the tenant is known: which tenant a host belongs to.
pub const UNCONFINED: &[&str] = &["tenant_hosts"];
/// The connection's tenant, or NULL (no row matches) when none is set.
pub const CURRENT_TENANT: &str = "NULLIF(current_setting('settle.tenant_id', true), '')::bigint";

/// The tenant tables, each with whether its `tenant_id` may be empty (rows of no tenant:
/// operators' accounts, sessions before anyone logs in).
async fn tenant_tables(m: &SchemaManager<'_>) -> Result<Vec<(String, bool)>, DbErr> {
    let rows = m
        .get_connection()
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT c.table_name, c.is_nullable = 'YES' AS shared FROM information_schema.columns c \
             JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
             WHERE c.table_schema = current_schema() AND c.column_name = 'tenant_id' AND t.table_type = 'BASE TABLE' \
             ORDER BY c.table_name",
        ))
        .await?;
    let mut names = Vec::new();
    for r in rows {
        let name: String = r.try_get("", "table_name")?;
        if !UNCONFINED.contains(&name.as_str()) {
            names.push((name, r.try_get("", "shared")?));
        }
    }
    Ok(names)
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let conn = m.get_connection();
        for (table, shared) in tenant_tables(m).await? {
            // Rows of no tenant are everyone's: an operator signs in on every tenant's host.
            let rule = if shared {
                format!("tenant_id IS NULL OR tenant_id = {CURRENT_TENANT}")
            } else {
                format!("tenant_id = {CURRENT_TENANT}")
            };
            conn.execute_unprepared(&format!(
                "ALTER TABLE \"{table}\" ENABLE ROW LEVEL SECURITY;\n\
                 ALTER TABLE \"{table}\" FORCE ROW LEVEL SECURITY;\n\
                 CREATE POLICY settle_tenant ON \"{table}\" USING ({rule}) WITH CHECK ({rule});\n\
                 CREATE POLICY settle_owner ON \"{table}\" TO CURRENT_USER USING (true) WITH CHECK (true);"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let conn = m.get_connection();
        for (table, _) in tenant_tables(m).await? {
            conn.execute_unprepared(&format!(
                "DROP POLICY IF EXISTS settle_tenant ON \"{table}\";\n\
                 DROP POLICY IF EXISTS settle_owner ON \"{table}\";\n\
                 ALTER TABLE \"{table}\" NO FORCE ROW LEVEL SECURITY;\n\
                 ALTER TABLE \"{table}\" DISABLE ROW LEVEL SECURITY;"
            ))
            .await?;
        }
        Ok(())
    }
}
