//! Postgres row-level security: which tenant a pooled connection works for.
//!
//! The tenant of the request (or of a job) is held in a task-local while its work runs
//! ([`as_tenant`]). Each time a Postgres connection leaves the pool, Settle sets the connection's
//! `settle.tenant_id` to it (or to nothing outside any tenant), and the policies of migration 22
//! let the application role see and write only that tenant's rows. The setting also proves the
//! connection alive. The owner's pool (the workers, and requests when there is no application
//! role) sees every tenant and carries no setting. SQLite has no row security.
use sea_orm::sqlx::postgres::{PgConnection, PgPoolOptions};
use sea_orm::sqlx::{self, Executor};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement, TransactionTrait};
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

pub(crate) async fn confine(conn: &mut PgConnection, tenant: Option<i64>) -> Result<(), sqlx::Error> {
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

/// The application role named by `SETTLE_DATABASE_APP_URL`: refused when it is (or is a member
/// of) a superuser or a role that bypasses row security, or owns the tables or is a member of
/// their owner (the owner's policy would apply to it, and it could `SET ROLE`).
pub async fn check_app_role(app: &DatabaseConnection) -> anyhow::Result<String> {
    let row = app
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT current_user::text AS name, \
             EXISTS (SELECT 1 FROM pg_roles r WHERE (r.rolsuper OR r.rolbypassrls) \
                     AND pg_has_role(current_user, r.oid, 'MEMBER')) AS unconfined, \
             EXISTS (SELECT 1 FROM pg_tables t WHERE t.schemaname = current_schema() \
                     AND pg_has_role(current_user, t.tableowner, 'MEMBER')) AS owner",
        ))
        .await?
        .ok_or_else(|| anyhow::anyhow!("the application role was not found"))?;
    let name: String = row.try_get("", "name")?;
    if row.try_get::<bool>("", "unconfined")? {
        anyhow::bail!("SETTLE_DATABASE_APP_URL: role {name} is a superuser or bypasses row security");
    }
    if row.try_get::<bool>("", "owner")? {
        anyhow::bail!("SETTLE_DATABASE_APP_URL: role {name} owns the tables or is a member of their owner");
    }
    Ok(name)
}

/// The owner (`SETTLE_DATABASE_URL`) must see every tenant: the role that ran the migrations
/// (the owner's policy names it), a superuser or a role that bypasses row security. Otherwise
/// the workers would silently find nothing to do.
pub async fn check_owner_role(owner: &DatabaseConnection) -> anyhow::Result<()> {
    let row = owner
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = current_user AND (r.rolsuper OR r.rolbypassrls)) \
             OR EXISTS (SELECT 1 FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid \
                        JOIN pg_namespace n ON n.oid = c.relnamespace \
                        WHERE n.nspname = current_schema() AND c.relname = 'invoices' AND p.polname = 'settle_owner' \
                        AND EXISTS (SELECT 1 FROM unnest(p.polroles) AS role(oid) \
                                    WHERE pg_has_role(current_user, role.oid, 'MEMBER'))) AS sees_all",
        ))
        .await?
        .ok_or_else(|| anyhow::anyhow!("the owner role was not found"))?;
    if !row.try_get::<bool>("", "sees_all")? {
        anyhow::bail!(
            "SETTLE_DATABASE_URL: this role did not run the migrations and would see no tenant's rows; \
             use the role that owns the tables"
        );
    }
    Ok(())
}

/// The owner grants the application role what requests need (run after each migration, so new
/// tables are covered): rows of every tenant table (the policies confine them), reading and
/// changing tenants (policies: its own only), and only reading the host map and the migrations.
pub async fn grant(owner: &DatabaseConnection, role: &str) -> Result<(), DbErr> {
    let schema: String = owner
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT current_schema()::text AS s",
        ))
        .await?
        .map(|r| r.try_get::<String>("", "s"))
        .transpose()?
        .unwrap_or_else(|| "public".into());
    let quote = |name: &str| format!("\"{}\"", name.replace('"', "\"\""));
    let (schema, role) = (quote(&schema), quote(role));
    // Instances starting together would grant at once, and Postgres fails concurrent grants on
    // one table ("tuple concurrently updated"): one at a time, under the migrations' lock.
    let tx = owner.begin().await?;
    tx.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({})", crate::db::MIGRATION_LOCK))
        .await?;
    tx.execute_unprepared(&format!(
        "GRANT USAGE ON SCHEMA {schema} TO {role};\n\
             GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role};\n\
             REVOKE INSERT, DELETE ON {schema}.tenants FROM {role};\n\
             REVOKE INSERT, UPDATE, DELETE ON {schema}.tenant_hosts, {schema}.seaql_migrations FROM {role};\n\
             GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role};"
    ))
    .await?;
    tx.commit().await
}

/// The application role's pool for requests: the owner is checked to see every tenant, the
/// role to be confined by row security, and the role is granted what it needs on the tables the
/// owner just migrated (`settle serve` with `SETTLE_DATABASE_APP_URL`, the tests, the bench).
pub async fn connect_app(
    owner: &DatabaseConnection,
    url: &crate::db::DatabaseUrl,
) -> anyhow::Result<DatabaseConnection> {
    check_owner_role(owner).await?;
    let app = crate::db::connect_confined(url).await?;
    let role = check_app_role(&app).await?;
    grant(owner, &role).await?;
    tracing::info!(role = %role, "requests connect as the application role, under row-level security");
    Ok(app)
}

/// Creates a confined login role if it does not exist (tests and the bench; in production an
/// administrator does, see the README). Concurrent creation is harmless.
pub async fn ensure_login_role(owner: &DatabaseConnection, role: &str, password: &str) -> Result<(), DbErr> {
    let role = role.replace('"', "\"\"");
    let password = password.replace('\'', "''");
    owner
        .execute_unprepared(&format!(
            "DO $$ BEGIN CREATE ROLE \"{role}\" LOGIN PASSWORD '{password}' NOSUPERUSER NOBYPASSRLS; \
             EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        ))
        .await
        .map(|_| ())
}

/// `url` as another role (name and password): the application role on the owner's database.
pub fn as_role(url: &str, role: &str, password: &str) -> anyhow::Result<String> {
    let mut u = url::Url::parse(url)?;
    u.set_username(role)
        .and_then(|_| u.set_password(Some(password)))
        .map_err(|_| anyhow::anyhow!("{url} takes no user name"))?;
    Ok(u.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_application_role_uses_the_owners_database() {
        let app = super::as_role("postgres://owner:secret@db:5432/settle?sslmode=require", "app", "pw").unwrap();
        assert_eq!(app, "postgres://app:pw@db:5432/settle?sslmode=require");
        assert!(super::as_role("sqlite::memory:", "app", "pw").is_err());
    }
}
