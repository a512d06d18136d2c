//! The lookups nearly every request makes (a payment link's token, a session) run on Postgres
//! through a small pool of their own, one round trip each.
//!
//! sqlx's pool sends a round trip (a Sync) every time a connection goes back, and the
//! application role's pool one more (the tenant setting) every time a connection leaves it. On a
//! busy server each round trip wakes a Postgres process, and together they cost more than the
//! lookup. Here a connection goes back as it is:
//! - one that a cancelled lookup left mid-query is drained in the background (its slot stays
//!   taken until the query ends, as in sqlx, so an overloaded database does not get ever more
//!   connections), and closed if that takes long or fails;
//! - one idle for [`crate::db::PING_WHEN_IDLE_FOR`] is pinged as it leaves; a lookup that
//!   finds its connection broken (a database restart) is run once more on a fresh one, which a
//!   read can safely be;
//! - each remembers its tenant setting, which is sent only when the tenant changes;
//! - as with sqlx's defaults, a connection idle for 10 minutes or open for 30 is closed.
//!
//! SQLite runs the lookups on its usual pool: it has no round trips.
use crate::db::PING_WHEN_IDLE_FOR;
use crate::row_security::{confine, current_tenant};
use deadpool::managed::{self, Metrics, Object, Pool, PoolError, QueueMode, RecycleError, RecycleResult};
use deadpool::Runtime;
use sea_orm::sea_query::Values;
use sea_orm::sqlx::postgres::{PgConnectOptions, PgConnection};
use sea_orm::sqlx::{self, Connection};
use sea_orm::Statement;
use sea_orm::{ConnAcquireErr, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, QueryResult, RuntimeErr};
use sea_query_sqlx::SqlxValues;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How long a lookup may wait for a connection in all (queue, ping, connect), as sqlx's acquire.
const ACQUIRE: Duration = Duration::from_secs(10);
/// How long a cancelled lookup's query may take to end before its connection is closed.
const DRAIN: Duration = Duration::from_secs(10);
/// sqlx's defaults: a connection idle this long is closed, and one open this long.
const IDLE_FOR: Duration = Duration::from_secs(600);
const LIFETIME: Duration = Duration::from_secs(1800);

/// Runs the hot lookups: on Postgres through its own pool, on SQLite through `db`.
#[derive(Clone)]
pub struct HotReads {
    db: DatabaseConnection,
    postgres: Option<Pool<Manager>>,
    /// When idle connections were last closed (seconds since the epoch).
    pruned: Arc<AtomicU64>,
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
        // A lookup's connection comes back settled, or its drain closes it; should one come
        // back mid-conversation all the same, it is not handed out.
        if !conn.settled {
            return Err(RecycleError::message("a lookup on it was interrupted or failed"));
        }
        if metrics.age() >= LIFETIME {
            return Err(RecycleError::message("open for long enough"));
        }
        if metrics.last_used() >= PING_WHEN_IDLE_FOR {
            conn.raw.ping().await?;
        }
        Ok(())
    }
}

impl HotReads {
    /// Lookups beside `db`'s pool, as the same role, with as many connections. `confined`: `db`
    /// is the application role's pool (see `row_security`).
    pub fn new(db: &DatabaseConnection, confined: bool) -> Self {
        let postgres = match db.get_database_backend() {
            DbBackend::Postgres => build(db, confined),
            _ => None,
        };
        Self {
            db: db.clone(),
            postgres,
            pruned: Arc::new(AtomicU64::new(now_seconds())),
        }
    }

    /// The first row `stmt` selects, if any.
    pub async fn one(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        let Some(pool) = &self.postgres else {
            return self.db.query_one_raw(stmt).await;
        };
        self.close_idle(pool);
        let found = match lookup(pool, &stmt).await {
            Err(e) if broken(&e) => {
                // Others are likely broken too (a restart): the next lookups get fresh ones.
                pool.retain(|_, _| false);
                lookup(pool, &stmt).await.map_err(query_error)
            }
            other => other.map_err(query_error),
        };
        // The connection is back in the pool. When lookups wait for one, this request lets the
        // thread's other ready tasks run before it renders its page: if the lookup the
        // connection went to waits on this thread, it is sent now, instead of the connection
        // staying unused for the rest of this request's turn (on the other thread it changes
        // nothing but this request's place in line).
        if pool.status().waiting > 0 {
            tokio::task::yield_now().await;
        }
        found
    }

    /// Closes connections idle for [`IDLE_FOR`], checking at most once a minute.
    fn close_idle(&self, pool: &Pool<Manager>) {
        let now = now_seconds();
        let last = self.pruned.load(Ordering::Relaxed);
        if now.saturating_sub(last) >= 60
            && self
                .pruned
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            pool.retain(|_, metrics| metrics.last_used() < IDLE_FOR);
        }
    }

    /// The lookups' own pool now (Postgres only): connections open, of them idle, and lookups
    /// waiting for one.
    pub fn status(&self) -> Option<(usize, usize, usize)> {
        self.postgres.as_ref().map(|p| {
            let s = p.status();
            (s.size, s.available, s.waiting)
        })
    }

    /// The connection the lookups run on where they have no pool of their own.
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }
}

/// The lookups' pool beside `db`'s, as the same role, with as many connections: every page view
/// runs one or two lookups and nothing else on most pages, and with half as many the payment-link
/// page waited for a connection while the cores had time to spare (README, Pool sizing).
/// Building fails only for timeouts without a runtime; the lookups would then use `db`.
fn build(db: &DatabaseConnection, confined: bool) -> Option<Pool<Manager>> {
    let pool = db.get_postgres_connection_pool();
    let manager = Manager {
        options: (*pool.connect_options()).clone(),
        confined,
    };
    let size = (pool.options().get_max_connections() as usize).max(1);
    Pool::builder(manager)
        .max_size(size)
        // The connection used last goes out first: at low load one connection stays warm.
        .queue_mode(QueueMode::Lifo)
        .runtime(Runtime::Tokio1)
        .wait_timeout(Some(ACQUIRE))
        .create_timeout(Some(ACQUIRE))
        .recycle_timeout(Some(Duration::from_secs(5)))
        .build()
        .inspect_err(|e| tracing::error!(error = %e, "the lookups' pool was not built; they use the main pool"))
        .ok()
}

/// A checked-out connection; dropped mid-lookup, it is drained in the background.
struct Lookup(Option<Object<Manager>>);

impl Drop for Lookup {
    fn drop(&mut self) {
        let Some(mut conn) = self.0.take() else {
            return;
        };
        if conn.settled {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            drop(Object::take(conn));
            return;
        };
        runtime.spawn(async move {
            match tokio::time::timeout(DRAIN, conn.raw.ping()).await {
                // The query ended and the connection is ready: back to the pool.
                Ok(Ok(())) => conn.settled = true,
                _ => drop(Object::take(conn)),
            }
        });
    }
}

/// One try of `stmt`, as the current task's tenant where the pool is confined.
async fn lookup(pool: &Pool<Manager>, stmt: &Statement) -> Result<Option<QueryResult>, LookupError> {
    let conn = tokio::time::timeout(ACQUIRE, pool.get())
        .await
        .map_err(|_| LookupError::Acquire(DbErr::ConnectionAcquire(ConnAcquireErr::Timeout)))?
        .map_err(|e| LookupError::Acquire(acquire_error(e)))?;
    let mut guard = Lookup(Some(conn));
    let Some(conn) = guard.0.as_mut() else {
        return Ok(None);
    };
    conn.settled = false;
    let tenant = current_tenant();
    if pool.manager().confined && conn.tenant != Some(tenant) {
        confine(&mut conn.raw, tenant).await?;
        conn.tenant = Some(tenant);
    }
    let values = SqlxValues(stmt.values.clone().unwrap_or(Values(Vec::new())));
    let row = sqlx::query_with(sqlx::AssertSqlSafe(stmt.sql.as_str()), values)
        .fetch_optional(&mut conn.raw)
        .await?;
    conn.settled = true;
    Ok(row.map(QueryResult::from))
}

enum LookupError {
    Acquire(DbErr),
    Query(sqlx::Error),
}

impl From<sqlx::Error> for LookupError {
    fn from(e: sqlx::Error) -> Self {
        Self::Query(e)
    }
}

/// The connection is gone (not the query wrong): a restart, a failover, a terminated backend.
fn broken(e: &LookupError) -> bool {
    match e {
        LookupError::Query(sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::Protocol(_)) => true,
        // Connection exceptions and operator intervention (admin shutdown, crash shutdown).
        LookupError::Query(sqlx::Error::Database(d)) => {
            d.code().is_some_and(|c| c.starts_with("08") || c.starts_with("57P"))
        }
        _ => false,
    }
}

fn query_error(e: LookupError) -> DbErr {
    match e {
        LookupError::Acquire(e) => e,
        LookupError::Query(e) => DbErr::Query(RuntimeErr::SqlxError(Arc::new(e))),
    }
}

fn now_seconds() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn acquire_error(e: PoolError<sqlx::Error>) -> DbErr {
    match e {
        PoolError::Timeout(_) => DbErr::ConnectionAcquire(ConnAcquireErr::Timeout),
        PoolError::Backend(e) => DbErr::Conn(RuntimeErr::SqlxError(Arc::new(e))),
        PoolError::Closed => DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed),
        other => DbErr::Conn(RuntimeErr::Internal(other.to_string())),
    }
}
