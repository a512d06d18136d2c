//! Postgres only: row-level security keyed on the tenant. Every table with a `tenant_id`
//! (except `tenant_hosts`, which maps a request's host to its tenant before the tenant is known)
//! shows and accepts only the rows of the tenant named by the connection's `settle.tenant_id`
//! setting, which Settle sets at each checkout of a pooled connection. FORCE applies it to the
//! table owner as well; the role that migrates (the owner, which also runs the cross-tenant
//! workers) gets a policy of its own that lets it see everything, so only the application role
//! (`SETTLE_DATABASE_APP_URL`, not the owner) is confined. `tenants` is readable by all and
//! changeable only by its own requests. SQLite has no row security: nothing happens there.
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

/// Owner's policy: the role that migrates sees and writes everything (workers, operator).
fn owner_policy(table: &str) -> String {
    format!("CREATE POLICY settle_owner ON \"{table}\" TO CURRENT_USER USING (true) WITH CHECK (true);")
}

pub(crate) fn confine(table: &str, shared: bool) -> String {
    let own = format!("tenant_id = {CURRENT_TENANT}");
    let mut sql = format!(
        "ALTER TABLE \"{table}\" ENABLE ROW LEVEL SECURITY;\n\
         ALTER TABLE \"{table}\" FORCE ROW LEVEL SECURITY;\n"
    );
    if !shared {
        sql.push_str(&format!(
            "CREATE POLICY settle_tenant ON \"{table}\" USING ({own}) WITH CHECK ({own});\n"
        ));
    } else {
        // Rows of no tenant are read by every tenant's requests (an operator signs in on every
        // host, a session starts before anyone logs in) and updated by them (an operator's
        // sign-in bookkeeping), but only sessions may be created or ended without a tenant: a
        // request cannot make an operator.
        let any = format!("tenant_id IS NULL OR {own}");
        let create = if table == "sessions" { any.clone() } else { own.clone() };
        sql.push_str(&format!(
            "CREATE POLICY settle_tenant ON \"{table}\" FOR SELECT USING ({any});\n\
             CREATE POLICY settle_tenant_update ON \"{table}\" FOR UPDATE USING ({any}) WITH CHECK ({any});\n\
             CREATE POLICY settle_tenant_insert ON \"{table}\" FOR INSERT WITH CHECK ({create});\n\
             CREATE POLICY settle_tenant_delete ON \"{table}\" FOR DELETE USING ({create});\n"
        ));
        if table != "sessions" {
            // Nor can it turn a tenant's account into no tenant's (or the reverse).
            sql.push_str(&format!(
                "CREATE TRIGGER settle_tenant_fixed BEFORE UPDATE OF tenant_id ON \"{table}\" \
                 FOR EACH ROW EXECUTE FUNCTION settle_tenant_fixed();\n"
            ));
        }
    }
    sql.push_str(&owner_policy(table));
    sql
}

const TENANT_FIXED: &str = "CREATE FUNCTION settle_tenant_fixed() RETURNS trigger LANGUAGE plpgsql AS $$ \
    BEGIN IF NEW.tenant_id IS DISTINCT FROM OLD.tenant_id THEN \
    RAISE EXCEPTION 'a row''s tenant cannot change'; END IF; RETURN NEW; END $$;";

/// The tenants themselves: every request reads them (its host's tenant is found before it is
/// known), but a request may change only its own tenant, and create or delete none.
fn confine_tenants() -> String {
    let own = format!("id = {CURRENT_TENANT}");
    format!(
        "ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;\n\
         ALTER TABLE tenants FORCE ROW LEVEL SECURITY;\n\
         CREATE POLICY settle_tenant ON tenants FOR SELECT USING (true);\n\
         CREATE POLICY settle_tenant_update ON tenants FOR UPDATE USING ({own}) WITH CHECK ({own});\n{}",
        owner_policy("tenants")
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let conn = m.get_connection();
        conn.execute_unprepared(TENANT_FIXED).await?;
        for (table, shared) in tenant_tables(m).await? {
            conn.execute_unprepared(&confine(&table, shared)).await?;
        }
        conn.execute_unprepared(&confine_tenants()).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let conn = m.get_connection();
        let mut tables: Vec<String> = tenant_tables(m).await?.into_iter().map(|(t, _)| t).collect();
        tables.push("tenants".into());
        for table in tables {
            conn.execute_unprepared(&format!(
                "DROP POLICY IF EXISTS settle_tenant ON \"{table}\";\n\
                 DROP POLICY IF EXISTS settle_tenant_update ON \"{table}\";\n\
                 DROP POLICY IF EXISTS settle_tenant_insert ON \"{table}\";\n\
                 DROP POLICY IF EXISTS settle_tenant_delete ON \"{table}\";\n\
                 DROP POLICY IF EXISTS settle_owner ON \"{table}\";\n\
                 DROP TRIGGER IF EXISTS settle_tenant_fixed ON \"{table}\";\n\
                 ALTER TABLE \"{table}\" NO FORCE ROW LEVEL SECURITY;\n\
                 ALTER TABLE \"{table}\" DISABLE ROW LEVEL SECURITY;"
            ))
            .await?;
        }
        conn.execute_unprepared("DROP FUNCTION IF EXISTS settle_tenant_fixed()")
            .await?;
        Ok(())
    }
}
