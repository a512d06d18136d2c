//! Connecting to SQLite or Postgres (chosen by the URL) and migrating safely from many instances.
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr};
use sea_orm::{Statement, TransactionTrait};
use settle_migrations::{Migrator, MigratorTrait};
use std::time::Duration;

/// A database URL whose Debug and Display never show the password.
#[derive(Clone)]
pub struct DatabaseUrl(String, Option<u32>);

/// Connections per instance unless `SETTLE_DB_POOL` says otherwise: SQLite has one writer at a
/// time, and readers beside it; a Postgres server has to fit every instance's pool. A request
/// holds a connection only while its queries run, so a few keep an instance busy: more only
/// wait inside Postgres, competing for its cores, instead of in the pool (20 made the
/// payment-link page's p99 at 64 connections 27 ms on the benchmark machine; 10 made it 23).
pub const SQLITE_POOL: u32 = 8;
pub const POSTGRES_POOL: u32 = 10;

impl DatabaseUrl {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.starts_with("sqlite:") || raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            Ok(Self(raw.to_string(), None))
        } else {
            Err("must start with sqlite:, postgres:// or postgresql://".into())
        }
    }
    /// At most `n` pooled connections (`SETTLE_DB_POOL`).
    pub fn with_pool(mut self, n: Option<u32>) -> Self {
        self.1 = n;
        self
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn is_sqlite(&self) -> bool {
        self.0.starts_with("sqlite:")
    }
    /// The SQLite file behind the URL, so its folder can be created before connecting.
    pub fn sqlite_path(&self) -> Option<&str> {
        let rest = self
            .0
            .strip_prefix("sqlite://")
            .or_else(|| self.0.strip_prefix("sqlite:"))?;
        let path = rest.split('?').next().unwrap_or_default();
        (!path.is_empty() && path != ":memory:").then_some(path)
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

impl std::fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match url::Url::parse(&self.0) {
            Ok(mut u) if u.password().is_some() => {
                let _ = u.set_password(Some("***"));
                f.write_str(u.as_str())
            }
            _ => f.write_str(&self.0),
        }
    }
}

/// A connection that has been idle this long is pinged when it leaves the pool; one used more
/// recently goes out as it is. Under load every connection is busy, so checkouts cost no round
/// trip. After a database restart a connection idle for longer is found dead and replaced; one
/// used within the last second may fail its next query once (sqlx then drops it).
pub const PING_WHEN_IDLE_FOR: Duration = Duration::from_secs(1);

/// The owner's pool (`SETTLE_DATABASE_URL`): it sees every tenant, so its connections carry no
/// tenant setting.
pub async fn connect(url: &DatabaseUrl) -> Result<DatabaseConnection, DbErr> {
    open(url, false).await
}

/// The application role's pool (`SETTLE_DATABASE_APP_URL`): each Postgres connection is set to
/// the current task's tenant as it leaves the pool (see `row_security`).
pub async fn connect_confined(url: &DatabaseUrl) -> Result<DatabaseConnection, DbErr> {
    open(url, true).await
}

async fn open(url: &DatabaseUrl, confined: bool) -> Result<DatabaseConnection, DbErr> {
    if let Some(path) = url.sqlite_path() {
        if let Some(dir) = std::path::Path::new(path).parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(|e| DbErr::Custom(format!("create {}: {e}", dir.display())))?;
            }
        }
    }
    let mut opts = ConnectOptions::new(url.expose().to_string());
    // No liveness ping at each checkout: a SQLite file cannot hang up (the ping cost a thread
    // hand-off per query); on Postgres only a connection idle for a while is pinged, or the
    // tenant setting at checkout proves it (sqlx pings every connection again as it returns to
    // the pool, so a connection that broke in use is not put back).
    opts.sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        .test_before_acquire(false);
    if url.is_sqlite() {
        // WAL lets readers run beside the one writer; the busy timeout makes a second writer
        // wait instead of failing with "database is locked".
        opts.max_connections(url.1.unwrap_or(SQLITE_POOL))
            .map_sqlx_sqlite_opts(|o| {
                // 16 KiB pages for new databases: bulk booking writes a quarter of the WAL frames
                // and B-tree levels of 4 KiB pages (the statement benchmark: about 15 % faster).
                o.page_size(16_384)
                    .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                    .busy_timeout(Duration::from_secs(10))
                    .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    // Rows reach the caller in bulk instead of 50 at a time (each batch a thread wake-up).
                    .row_buffer_size(4096)
            });
        opts.map_sqlx_sqlite_pool_opts(|pool| {
            pool.after_connect(|conn, _| {
                Box::pin(async move {
                    let mut handle = conn.lock_handle().await?;
                    stable_query_plans(handle.as_raw_handle());
                    Ok(())
                })
            })
        });
    } else {
        opts.max_connections(url.1.unwrap_or(POSTGRES_POOL));
        if confined {
            opts.map_sqlx_postgres_pool_opts(crate::row_security::install);
        } else {
            opts.test_before_acquire_if_idle_for(PING_WHEN_IDLE_FOR);
        }
    }
    Database::connect(opts).await
}

/// SQLite's query planner stability guarantee (QPSG): plans never depend on bound values. Without
/// it, SQLite folds a bound `LIMIT ?` (every `.one()` sends `LIMIT 1`) into the plan and marks
/// the statement stale on each new binding, so every such query was parsed and planned again on
/// every run: a sixth of the /pay bench's time went to re-preparing statements.
fn stable_query_plans(db: std::ptr::NonNull<libsqlite3_sys::sqlite3>) {
    // SAFETY: `db` is the open connection sqlx holds locked for us; SQLITE_DBCONFIG_ENABLE_QPSG
    // takes an int and an optional int pointer for the previous value (null: not wanted).
    let rc = unsafe {
        libsqlite3_sys::sqlite3_db_config(
            db.as_ptr(),
            libsqlite3_sys::SQLITE_DBCONFIG_ENABLE_QPSG,
            1 as std::os::raw::c_int,
            std::ptr::null_mut::<std::os::raw::c_int>(),
        )
    };
    if rc != libsqlite3_sys::SQLITE_OK {
        tracing::warn!(rc, "SQLite refused the query planner stability setting");
    }
}

/// A transaction that reads and then writes. On SQLite it takes the write lock at its start
/// (`BEGIN IMMEDIATE`) and so waits its turn (the busy timeout) instead of failing with
/// "database is locked" when another connection wrote between its first read and its first
/// write. On Postgres an ordinary transaction.
pub async fn begin_write<C: TransactionTrait>(db: &C) -> Result<C::Transaction, DbErr> {
    db.begin_with_options(sea_orm::TransactionOptions {
        isolation_level: None,
        access_mode: None,
        sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
    })
    .await
}

/// An online backup of a SQLite database: `VACUUM INTO` writes a consistent, compacted copy
/// while others keep reading and writing. `file` must not exist. Postgres has pg_dump.
pub async fn backup(db: &DatabaseConnection, file: &std::path::Path) -> anyhow::Result<()> {
    if db.get_database_backend() != DbBackend::Sqlite {
        anyhow::bail!("settle backup is for SQLite; back up Postgres with pg_dump (see the README)");
    }
    if file.exists() {
        anyhow::bail!("{} exists already; choose a new file", file.display());
    }
    let path = file
        .to_str()
        .ok_or_else(|| anyhow::anyhow!("{} is not a UTF-8 path", file.display()))?;
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Sqlite,
        "VACUUM INTO ?",
        [path.into()],
    ))
    .await?;
    Ok(())
}

/// The advisory lock under which one instance at a time migrates (and grants the application
/// role its rights).
pub const MIGRATION_LOCK: i64 = 7_365_747_474;

/// Applies pending migrations. On Postgres, under a transaction-scoped advisory lock, so that
/// several instances starting at once migrate exactly once (Postgres DDL is transactional).
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let tx = db.begin().await?;
            tx.execute_raw(Statement::from_string(
                DbBackend::Postgres,
                format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"),
            ))
            .await?;
            Migrator::up(&tx, None).await?;
            tx.commit().await
        }
        _ => Migrator::up(db, None).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every pooled SQLite connection plans queries without looking at bound values, so cached
    /// statements are reused instead of being prepared again on each run.
    #[tokio::test]
    async fn sqlite_connections_keep_their_prepared_statements() {
        let dir = std::env::temp_dir().join(format!("settle-qpsg-{}", std::process::id()));
        let url = DatabaseUrl::parse(&format!("sqlite://{}/t.db?mode=rwc", dir.display())).unwrap();
        let db = connect(&url).await.unwrap();
        let mut conn = db.get_sqlite_connection_pool().acquire().await.unwrap();
        let mut handle = conn.lock_handle().await.unwrap();
        let mut on: std::os::raw::c_int = -1;
        // SAFETY: as in `stable_query_plans`; -1 only reads the setting into `on`.
        let rc = unsafe {
            libsqlite3_sys::sqlite3_db_config(
                handle.as_raw_handle().as_ptr(),
                libsqlite3_sys::SQLITE_DBCONFIG_ENABLE_QPSG,
                -1 as std::os::raw::c_int,
                &mut on as *mut std::os::raw::c_int,
            )
        };
        assert_eq!(rc, libsqlite3_sys::SQLITE_OK);
        assert_eq!(on, 1);
        drop(handle);
        drop(conn);
        db.close().await.unwrap();
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn password_never_shows() {
        let u = DatabaseUrl::parse("postgres://settle:hunter2@db:5432/settle").unwrap();
        assert!(!format!("{u} {u:?}").contains("hunter2"));
    }

    #[test]
    fn sqlite_path_is_found() {
        let u = DatabaseUrl::parse("sqlite://data/settle.db?mode=rwc").unwrap();
        assert_eq!(u.sqlite_path(), Some("data/settle.db"));
        assert!(DatabaseUrl::parse("mysql://x").is_err());
    }
}
