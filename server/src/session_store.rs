//! actix-session's store on our own `sessions` table (SQLite and Postgres alike). Only the
//! SHA-256 of a session key is stored; logout and password changes delete rows, which ends the
//! session everywhere. Expiry is the idle timeout: refreshed at most once a minute per session,
//! noted in memory and written in batches by the serve loop (`SessionRefreshes`), so a page view
//! writes nothing to the database. Loading a debtor's session also reads the
//! debtor's name and language (`SessionDebtor`), which are never written back.
use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration as CookieDuration;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType, Query, SelectStatement};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, FromQueryResult, QueryFilter, Set,
};
use settle_core::clock::Clock;
use settle_core::entities::{customer, session};
use settle_core::hot_reads::HotReads;
use settle_core::services::auth::SessionDebtor;
use settle_core::session_refresh::{purge_grace, SessionRefreshes};
use settle_core::sql::prebuilt::Prebuilt;
use settle_core::tokens::{hash_token, random_b64};
use std::collections::HashMap;

/// Sessions end 12 hours after login, however active.
pub const ABSOLUTE_TIMEOUT_HOURS: i64 = 12;

#[derive(Clone)]
pub struct DbSessionStore {
    db: DatabaseConnection,
    /// The session lookup every signed-in request makes.
    reads: HotReads,
    clock: Clock,
    /// Expiry refreshes not yet written (shared with the serve loop, which writes them).
    refreshes: SessionRefreshes,
}

/// A session row by its id's hash and, in the same query, its debtor's name and language.
/// Every signed-in page runs it: its text is built once.
static SESSION_WITH_DEBTOR: Prebuilt<str> = Prebuilt::new(session_with_debtor, |hash| vec![hash.into()]);

fn session_with_debtor(hash: &str) -> SelectStatement {
    use customer::Column as C;
    use session::Column as S;
    let (s, c) = (session::Entity, customer::Entity);
    let mut q = Query::select();
    settle_core::sql::select_prefixed::<session::Entity>(&mut q, "");
    q.expr_as(Expr::col((c, C::Name)), Alias::new("c_name"))
        .expr_as(Expr::col((c, C::Language)), Alias::new("c_language"))
        .from(s)
        .join(
            JoinType::LeftJoin,
            c,
            Expr::col((c, C::Id))
                .equals((s, S::CustomerId))
                .and(Expr::col((c, C::TenantId)).equals((s, S::TenantId))),
        )
        .and_where(Expr::col((s, S::Id)).eq(hash));
    q
}

impl DbSessionStore {
    /// Sessions in the database `reads` looks up in.
    pub fn new(reads: HotReads, clock: Clock, refreshes: SessionRefreshes) -> Self {
        Self {
            db: reads.db().clone(),
            reads,
            clock,
            refreshes,
        }
    }
}

type State = HashMap<String, String>;

fn ttl(d: &CookieDuration) -> Duration {
    Duration::seconds(d.whole_seconds())
}

/// The tenant and debtor a session belongs to: the debtor from actix-identity's entry, so
/// sessions can be ended per debtor; the tenant also for staff and anonymous sessions, from the
/// request (a session cookie belongs to one host), so other tenants' requests never see them.
fn owner(state: &State) -> (Option<i64>, Option<i64>) {
    let (tenant, customer) = debtor(state);
    (tenant.or_else(settle_core::row_security::current_tenant), customer)
}

fn debtor(state: &State) -> (Option<i64>, Option<i64>) {
    let id = state
        .get("actix_identity.user_id")
        .and_then(|v| serde_json::from_str::<String>(v).ok());
    let mut parts = id.as_deref().unwrap_or_default().split(':');
    let tenant = parts.next().and_then(|p| p.parse().ok());
    let customer = parts.next().and_then(|p| p.parse().ok());
    (tenant, customer)
}

impl DbSessionStore {
    /// The session row and, in the same query, its debtor's name and language (a debtor's
    /// every page shows them; each query is a round trip, on SQLite two thread hand-offs).
    async fn load_with_debtor(
        &self,
        key: &SessionKey,
    ) -> Result<Option<(session::Model, Option<SessionDebtor>)>, DbErr> {
        let stmt = SESSION_WITH_DEBTOR.statement(self.db.get_database_backend(), &hash_token(key.as_ref()));
        let Some(row) = self.reads.one(stmt).await? else {
            return Ok(None);
        };
        let session = session::Model::from_query_result(&row, "")?;
        let debtor = match (
            session.tenant_id,
            session.customer_id,
            row.try_get::<Option<String>>("", "c_name")?,
        ) {
            (Some(tenant_id), Some(customer_id), Some(name)) => Some(SessionDebtor {
                tenant_id,
                customer_id,
                name,
                language: row.try_get("", "c_language")?,
            }),
            _ => None,
        };
        Ok(Some((session, debtor)))
    }

    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    async fn insert(&self, mut state: State, ttl: Duration) -> anyhow::Result<SessionKey> {
        state.remove(SessionDebtor::KEY);
        let key = random_b64(32);
        let now = self.now();
        let (tenant_id, customer_id) = owner(&state);
        session::ActiveModel {
            id: Set(hash_token(&key)),
            state: Set(serde_json::to_string(&state)?),
            tenant_id: Set(tenant_id),
            customer_id: Set(customer_id),
            created_at: Set(now),
            expires_at: Set(now + ttl),
        }
        .insert(&self.db)
        .await?;
        SessionKey::try_from(key).map_err(|e| anyhow::anyhow!("session key: {e}"))
    }
}

impl SessionStore for DbSessionStore {
    async fn load(&self, key: &SessionKey) -> Result<Option<State>, LoadError> {
        let now = self.now();
        let Some((row, debtor)) = self
            .load_with_debtor(key)
            .await
            .map_err(|e| LoadError::Other(e.into()))?
        else {
            return Ok(None);
        };
        if self.refreshes.expiry(&row.id, row.expires_at) <= now
            || row.created_at + Duration::hours(ABSOLUTE_TIMEOUT_HOURS) <= now
        {
            return Ok(None);
        }
        let mut state: State = serde_json::from_str(&row.state).map_err(|e| LoadError::Deserialization(e.into()))?;
        state.remove(SessionDebtor::KEY);
        if let Some(d) = debtor {
            let json = serde_json::to_string(&d).map_err(|e| LoadError::Deserialization(e.into()))?;
            state.insert(SessionDebtor::KEY.to_string(), json);
        }
        Ok(Some(state))
    }

    async fn save(&self, state: State, ttl_: &CookieDuration) -> Result<SessionKey, SaveError> {
        self.insert(state, ttl(ttl_)).await.map_err(SaveError::Other)
    }

    async fn update(
        &self,
        key: SessionKey,
        mut state: State,
        ttl_: &CookieDuration,
    ) -> Result<SessionKey, UpdateError> {
        state.remove(SessionDebtor::KEY);
        let id = hash_token(key.as_ref());
        let (tenant_id, customer_id) = owner(&state);
        let json = serde_json::to_string(&state).map_err(|e| UpdateError::Serialization(e.into()))?;
        let now = self.now();
        let res = session::Entity::update_many()
            .col_expr(session::Column::State, Expr::value(json))
            .col_expr(session::Column::TenantId, Expr::value(tenant_id))
            .col_expr(session::Column::CustomerId, Expr::value(customer_id))
            .col_expr(session::Column::ExpiresAt, Expr::value(now + ttl(ttl_)))
            .filter(session::Column::Id.eq(id.clone()))
            .exec(&self.db)
            .await
            .map_err(|e| UpdateError::Other(e.into()))?;
        if res.rows_affected == 0 {
            // Deleted meanwhile (a logout, a password change): a fresh session, signed out, so
            // a request that was under way cannot sign the debtor in again.
            state.retain(|k, _| !k.starts_with("actix_identity."));
            return self.insert(state, ttl(ttl_)).await.map_err(UpdateError::Other);
        }
        self.refreshes.written(&id, now);
        Ok(key)
    }

    async fn update_ttl(&self, key: &SessionKey, ttl_: &CookieDuration) -> Result<(), anyhow::Error> {
        let now = self.now();
        self.refreshes.touch(&hash_token(key.as_ref()), now, now + ttl(ttl_));
        Ok(())
    }

    async fn delete(&self, key: &SessionKey) -> Result<(), anyhow::Error> {
        let id = hash_token(key.as_ref());
        self.refreshes.forget(&id);
        session::Entity::delete_by_id(id).exec(&self.db).await?;
        Ok(())
    }
}

/// Removes sessions that ended a while ago (see `purge_grace`); run periodically by the server.
pub async fn purge_expired(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64, sea_orm::DbErr> {
    let res = session::Entity::delete_many()
        .filter(
            sea_orm::Condition::any()
                .add(session::Column::ExpiresAt.lte(now - purge_grace()))
                .add(session::Column::CreatedAt.lte(now - Duration::hours(ABSOLUTE_TIMEOUT_HOURS))),
        )
        .exec(&db.clone())
        .await?;
    Ok(res.rows_affected)
}
