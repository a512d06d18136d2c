//! The lookups nearly every request makes (a payment link's token, a session) run on Postgres
//! through a small pool of their own, one round trip each.
//!
//! sqlx's pool sends a round trip (a Sync) every time a connection goes back, and the
//! application role's pool one more (the tenant setting) every time a connection leaves it. On a
//! busy server each round trip wakes a Postgres process, and together they cost more than the
//! lookup. Here a connection goes back as it is:
//! - one that a cancelled or failed lookup left mid-conversation is closed instead;
//! - one idle for [`crate::db::PING_WHEN_IDLE_FOR`] is pinged as it leaves (a database restart
//!   is noticed as on the owner's sqlx pool);
//! - each remembers its tenant setting, which is sent only when the tenant changes.
//!
//! SQLite runs the lookups on its usual pool: it has no round trips.
use crate::db::PING_WHEN_IDLE_FOR;
use crate::row_security::{confine, current_tenant};
use deadpool::managed::{self, Metrics, Pool, PoolError, QueueMode, RecycleError, RecycleResult};
use deadpool::Runtime;
use sea_orm::sea_query::Values;
use sea_orm::sqlx::postgres::{PgConnectOptions, PgConnection};
use sea_orm::sqlx::{self, Connection};
use sea_orm::Statement;
use sea_orm::{ConnAcquireErr, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, QueryResult, RuntimeErr};
use sea_query_sqlx::SqlxValues;
use std::sync::Arc;
use std::time::Duration;

/// Runs the hot lookups: on Postgres through its own pool, on SQLite through `db`.
#[derive(Clone)]
pub struct HotReads {
    db: DatabaseConnection,
    postgres: Option<Pool<Manager>>,
}

pub struct Conn {
    raw: PgConnection,
    /// The tenant setting this connection carries; `None` until it is first set.
    tenant: Option<Option<i64>>,
    /// False while a lookup runs: a connection given back so was interrupted or failed.
    settled: bool,
}

pub struct Manager {
    options: PgConnectOptions,
    /// The application role: every lookup runs with the current task's tenant setting.
    confined: bool,
}

impl managed::Manager for Manager {
    type Type = Conn;
    type Error = sqlx::Error;

    async fn create(&self) -> Result<Conn, sqlx::Error> {
        Ok(Conn {
            raw: PgConnection::connect_with(&self.options).await?,
            tenant: None,
            settled: true,
        })
    }

    async fn recycle(&self, conn: &mut Conn, metrics: &Metrics) -> RecycleResult<sqlx::Error> {
        if !conn.settled {
            return Err(RecycleError::message("a lookup on it was interrupted or failed"));
        }
        if metrics.last_used() >= PING_WHEN_IDLE_FOR {
            conn.raw.ping().await?;
        }
        Ok(())
    }
}

impl HotReads {
    /// Lookups beside `db`'s pool, as the same role, with half as many connections (at least
    /// one). `confined`: `db` is the application role's pool (see `row_security`).
    pub fn new(db: &DatabaseConnection, confined: bool) -> Self {
        let postgres = (db.get_database_backend() == DbBackend::Postgres).then(|| {
            let pool = db.get_postgres_connection_pool();
            let manager = Manager {
                options: (*pool.connect_options()).clone(),
                confined,
            };
            let size = (pool.options().get_max_connections() as usize).div_ceil(2);
            Pool::builder(manager)
                .max_size(size)
                // The connection used last goes out first: at low load one connection stays warm.
                .queue_mode(QueueMode::Lifo)
                .runtime(Runtime::Tokio1)
                .wait_timeout(Some(Duration::from_secs(10)))
                .create_timeout(Some(Duration::from_secs(10)))
                .recycle_timeout(Some(Duration::from_secs(10)))
                .build()
        });
        // Building fails only for timeouts without a runtime; the lookups would then use `db`.
        let postgres = match postgres {
            Some(Err(e)) => {
                tracing::error!(error = %e, "the lookups' pool was not built; they use the main pool");
                None
            }
            built => built.and_then(Result::ok),
        };
        Self {
            db: db.clone(),
            postgres,
        }
    }

    /// The first row `stmt` selects, if any.
    pub async fn one(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        let Some(pool) = &self.postgres else {
            return self.db.query_one_raw(stmt).await;
        };
        let mut conn = pool.get().await.map_err(acquire_error)?;
        conn.settled = false;
        let tenant = current_tenant();
        if pool.manager().confined && conn.tenant != Some(tenant) {
            confine(&mut conn.raw, tenant).await.map_err(query_error)?;
            conn.tenant = Some(tenant);
        }
        let values = SqlxValues(stmt.values.unwrap_or(Values(Vec::new())));
        let row = sqlx::query_with(sqlx::AssertSqlSafe(stmt.sql), values)
            .fetch_optional(&mut conn.raw)
            .await
            .map_err(query_error)?;
        conn.settled = true;
        Ok(row.map(QueryResult::from))
    }

    /// The connection the lookups run on where they have no pool of their own.
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }
}

fn query_error(e: sqlx::Error) -> DbErr {
    DbErr::Query(RuntimeErr::SqlxError(Arc::new(e)))
}

fn acquire_error(e: PoolError<sqlx::Error>) -> DbErr {
    match e {
        PoolError::Timeout(_) => DbErr::ConnectionAcquire(ConnAcquireErr::Timeout),
        PoolError::Backend(e) => DbErr::Conn(RuntimeErr::SqlxError(Arc::new(e))),
        PoolError::Closed => DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed),
        other => DbErr::Conn(RuntimeErr::Internal(other.to_string())),
    }
}
