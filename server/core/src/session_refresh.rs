//! Session expiry refreshes, kept in memory and written in batches by the serve loop, so a
//! signed-in page view writes nothing to the database (on SQLite each write would also make
//! every pooled connection drop its page cache). A session is refreshed at most once a minute
//! per instance. Until the next batch, this instance knows the newer expiry and the database
//! holds the older one; another instance may end an idle session up to a batch interval plus a
//! minute early, never late. A write never moves an expiry back.
use crate::entities::session;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, TransactionTrait};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// How often one instance extends one session at most.
pub const REFRESH_EVERY_SECONDS: i64 = 60;
/// Sessions remembered between clean-ups at most (the memory bound; forgetting one only costs
/// an earlier refresh).
const MAX_REMEMBERED: usize = 100_000;

#[derive(Clone, Default)]
pub struct SessionRefreshes {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Default)]
struct Inner {
    /// When this instance last extended each session (by its id's hash).
    refreshed: HashMap<String, DateTime<Utc>>,
    /// Expiries not yet written.
    pending: HashMap<String, DateTime<Utc>>,
}

impl SessionRefreshes {
    /// Notes that session `id` (its hash) was used at `now` and now expires at `expires_at`,
    /// unless this instance extended it less than a minute ago. Returns whether it noted it.
    pub fn touch(&self, id: &str, now: DateTime<Utc>, expires_at: DateTime<Utc>) -> bool {
        let Ok(mut m) = self.inner.lock() else {
            return false;
        };
        let fresh = m
            .refreshed
            .get(id)
            .is_some_and(|at| (now - *at).num_seconds() < REFRESH_EVERY_SECONDS);
        if fresh {
            return false;
        }
        if m.refreshed.len() >= MAX_REMEMBERED {
            m.refreshed.clear();
        }
        if m.pending.len() >= MAX_REMEMBERED {
            // The database falls behind: give up the oldest knowledge rather than memory. The
            // sessions concerned keep their written expiry and are refreshed on their next use.
            m.pending.clear();
        }
        m.refreshed.insert(id.to_string(), now);
        m.pending.insert(id.to_string(), expires_at);
        true
    }

    /// The session's state was written with this expiry just now (login, a changed session).
    pub fn written(&self, id: &str, now: DateTime<Utc>) {
        if let Ok(mut m) = self.inner.lock() {
            m.pending.remove(id);
            if m.refreshed.len() >= MAX_REMEMBERED {
                m.refreshed.clear();
            }
            m.refreshed.insert(id.to_string(), now);
        }
    }

    /// The session ended (logout): nothing of it is written any more.
    pub fn forget(&self, id: &str) {
        if let Ok(mut m) = self.inner.lock() {
            m.pending.remove(id);
            m.refreshed.remove(id);
        }
    }

    /// The later of `written` and an expiry noted here but not yet written.
    pub fn expiry(&self, id: &str, written: DateTime<Utc>) -> DateTime<Utc> {
        self.inner
            .lock()
            .ok()
            .and_then(|m| m.pending.get(id).copied())
            .map_or(written, |p| p.max(written))
    }

    fn take(&self) -> HashMap<String, DateTime<Utc>> {
        self.inner
            .lock()
            .map(|mut m| std::mem::take(&mut m.pending))
            .unwrap_or_default()
    }

    /// Puts back what could not be written, keeping any newer expiry noted meanwhile.
    fn put_back(&self, batch: HashMap<String, DateTime<Utc>>) {
        if let Ok(mut m) = self.inner.lock() {
            for (id, at) in batch {
                let e = m.pending.entry(id).or_insert(at);
                *e = (*e).max(at);
            }
        }
    }

    /// Writes the noted expiries in one transaction; a session deleted meanwhile stays deleted
    /// and a later expiry written by another instance stays. Returns how many were noted.
    pub async fn flush(&self, db: &DatabaseConnection) -> Result<usize, DbErr> {
        let batch = self.take();
        if batch.is_empty() {
            return Ok(0);
        }
        match write(db, &batch).await {
            Ok(()) => Ok(batch.len()),
            Err(e) => {
                self.put_back(batch);
                Err(e)
            }
        }
    }
}

async fn write(db: &DatabaseConnection, batch: &HashMap<String, DateTime<Utc>>) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    for (id, at) in batch {
        session::Entity::update_many()
            .col_expr(session::Column::ExpiresAt, Expr::value(*at))
            .filter(session::Column::Id.eq(id.as_str()))
            .filter(session::Column::ExpiresAt.lt(*at))
            .exec(&txn)
            .await?;
    }
    txn.commit().await
}

/// How long expired session rows are kept before the purge: longer than a batch interval, so a
/// refresh still in another instance's memory is never purged from under it.
pub fn purge_grace() -> Duration {
    Duration::minutes(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(min: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap() + Duration::minutes(min)
    }

    #[test]
    fn a_session_is_extended_at_most_once_a_minute_and_its_noted_expiry_counts() {
        let r = SessionRefreshes::default();
        assert!(r.touch("s", t(0), t(30)));
        assert!(!r.touch("s", t(0) + Duration::seconds(59), t(31)), "within the minute");
        assert_eq!(r.expiry("s", t(20)), t(30), "the noted expiry beats the written one");
        assert_eq!(r.expiry("s", t(45)), t(45), "a later written one beats the noted one");
        assert!(r.touch("s", t(1), t(31)));
        assert_eq!(r.expiry("s", t(0)), t(31));
        r.forget("s");
        assert_eq!(r.expiry("s", t(0)), t(0), "a logged-out session has no noted expiry");
        assert!(r.touch("s", t(1), t(31)), "and is no longer counted as refreshed");
    }

    #[test]
    fn a_written_session_has_nothing_pending_and_failed_batches_come_back() {
        let r = SessionRefreshes::default();
        r.touch("a", t(0), t(30));
        r.touch("b", t(0), t(30));
        r.written("a", t(0));
        let batch = r.take();
        assert_eq!(batch.keys().collect::<Vec<_>>(), vec!["b"]);
        r.touch("b", t(2), t(32));
        r.put_back(batch);
        assert_eq!(
            r.take().get("b"),
            Some(&t(32)),
            "the newer expiry stays after a failed write"
        );
    }
}
