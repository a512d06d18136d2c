//! Postgres row-level security: which tenant a pooled connection works for.
//!
//! The tenant of the request (or of a job) is held in a task-local while its work runs
//! ([`as_tenant`]). Each time a Postgres connection leaves the pool, Settle sets the connection's
//! `settle.tenant_id` to it (or to nothing outside any tenant), and the policies of migration 22
//! let the application role see and write only that tenant's rows. The setting replaces sqlx's
//! liveness ping at checkout, so it costs no extra round trip. SQLite has no row security.
use sea_orm::sqlx::postgres::{PgConnection, PgPoolOptions};
use sea_orm::sqlx::{self, Executor};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement};
use std::future::Future;

tokio::task_local! {
    static TENANT: i64;
}

/// Runs `work` for `tenant`: every pooled Postgres connection it checks out is confined to it.
pub async fn as_tenant<F: Future>(tenant: i64, work: F) -> F::Output {
    TENANT.scope(tenant, work).await
}

/// The tenant the current task works for, if any.
pub fn current_tenant() -> Option<i64> {
    TENANT.try_with(|t| *t).ok()
}

async fn confine(conn: &mut PgConnection, tenant: Option<i64>) -> Result<(), sqlx::Error> {
    let value = tenant.map(|t| t.to_string()).unwrap_or_default();
    conn.execute(sqlx::query("SELECT set_config('settle.tenant_id', $1, false)").bind(value))
        .await?;
    Ok(())
}

/// The pool hooks: a new connection and every checkout are set to the current task's tenant.
pub fn install(pool: PgPoolOptions) -> PgPoolOptions {
    pool.test_before_acquire(false)
        .after_connect(|conn, _| Box::pin(async move { confine(conn, current_tenant()).await }))
        .before_acquire(|conn, _| Box::pin(async move { confine(conn, current_tenant()).await.map(|_| true) }))
}

/// The application role named by `SETTLE_DATABASE_APP_URL`: refused when it is a superuser or
/// may bypass row security (the policies would not hold), or owns the tables.
pub async fn check_app_role(app: &DatabaseConnection) -> anyhow::Result<String> {
    let row = app
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT current_user::text AS name, r.rolsuper OR r.rolbypassrls AS unconfined, \
             EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tableowner = current_user) AS owner \
             FROM pg_roles r WHERE r.rolname = current_user",
        ))
        .await?
        .ok_or_else(|| anyhow::anyhow!("the application role was not found"))?;
    let name: String = row.try_get("", "name")?;
    if row.try_get::<bool>("", "unconfined")? {
        anyhow::bail!("SETTLE_DATABASE_APP_URL: role {name} is a superuser or bypasses row security");
    }
    if row.try_get::<bool>("", "owner")? {
        anyhow::bail!("SETTLE_DATABASE_APP_URL: role {name} owns tables; use a role that does not");
    }
    Ok(name)
}

/// The owner grants the application role what it needs on every table and sequence (run after
/// each migration, so new tables are covered).
pub async fn grant(owner: &DatabaseConnection, role: &str) -> Result<(), DbErr> {
    let role = role.replace('"', "\"\"");
    owner
        .execute_unprepared(&format!(
            "GRANT USAGE ON SCHEMA public TO \"{role}\";\n\
             GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO \"{role}\";\n\
             GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO \"{role}\";"
        ))
        .await
        .map(|_| ())
}
