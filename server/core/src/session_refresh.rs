//! Session expiry refreshes, kept in memory and written in batches by the serve loop, so a
//! signed-in page view writes nothing to the database (on SQLite each write would also make
//! every pooled connection drop its page cache). A session is refreshed at most once a minute
//! per instance. Until the next batch, this instance knows the newer expiry and the database
//! holds the older one; another instance may end an idle session up to a batch interval plus a
//! minute early, never late. A write never moves an expiry back.
use crate::entities::session;
use crate::sql::{update_from_values, ValuesUpdate};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

/// How often one instance extends one session at most.
pub const REFRESH_EVERY_SECONDS: i64 = 60;
/// Sessions remembered at most, in each map (the memory bound): beyond it, `refreshed` starts
/// afresh (that only costs earlier refreshes) and new refreshes wait for the next request.
const MAX_REMEMBERED: usize = 100_000;
/// Sessions written per transaction (one statement): its row locks are held briefly.
const PER_TRANSACTION: usize = 500;

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
    /// Expiries being written: still this instance's knowledge until the write commits.
    in_flight: HashMap<String, DateTime<Utc>>,
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
        if m.pending.len() >= MAX_REMEMBERED && !m.pending.contains_key(id) {
            // The database falls behind: this session keeps its written expiry, and its next
            // request tries again (it is not marked refreshed).
            return false;
        }
        if m.refreshed.len() >= MAX_REMEMBERED {
            m.refreshed.clear();
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
            m.in_flight.remove(id);
            m.refreshed.remove(id);
        }
    }

    /// The latest of `written` and the expiries noted here but not yet written.
    pub fn expiry(&self, id: &str, written: DateTime<Utc>) -> DateTime<Utc> {
        let Ok(m) = self.inner.lock() else {
            return written;
        };
        [m.pending.get(id), m.in_flight.get(id)]
            .into_iter()
            .flatten()
            .fold(written, |a, b| a.max(*b))
    }

    /// The noted expiries, in the order of their ids (every instance locks rows in the same
    /// order, so two flushes never deadlock); they stay known here until `done`.
    fn take(&self) -> BTreeMap<String, DateTime<Utc>> {
        let Ok(mut m) = self.inner.lock() else {
            return BTreeMap::new();
        };
        let batch = std::mem::take(&mut m.pending);
        m.in_flight.clone_from(&batch);
        batch.into_iter().collect()
    }

    /// The batch is written (`failed` None) or not: then it is noted again, keeping any newer
    /// expiry noted meanwhile, within the memory bound.
    fn done(&self, failed: Option<BTreeMap<String, DateTime<Utc>>>) {
        let Ok(mut m) = self.inner.lock() else {
            return;
        };
        m.in_flight.clear();
        for (id, at) in failed.unwrap_or_default() {
            if let Some(e) = m.pending.get_mut(&id) {
                *e = (*e).max(at);
            } else if m.pending.len() < MAX_REMEMBERED {
                m.pending.insert(id, at);
            }
        }
    }

    /// Writes the noted expiries, a few hundred per transaction; a session deleted meanwhile
    /// stays deleted and a later expiry written by another instance stays. Returns how many
    /// were noted.
    pub async fn flush(&self, db: &DatabaseConnection) -> Result<usize, DbErr> {
        let batch = self.take();
        let n = batch.len();
        match write(db, &batch).await {
            Ok(()) => {
                self.done(None);
                Ok(n)
            }
            Err(e) => {
                self.done(Some(batch));
                Err(e)
            }
        }
    }
}

async fn write(db: &DatabaseConnection, batch: &BTreeMap<String, DateTime<Utc>>) -> Result<(), DbErr> {
    let spec = ValuesUpdate {
        table: "sessions",
        key: ("id", "text"),
        columns: &[("expires_at", "timestamptz")],
        updated_at: None,
        only_forward: Some("expires_at"),
    };
    let sessions: Vec<_> = batch.iter().collect();
    for part in sessions.chunks(PER_TRANSACTION) {
        let txn = db.begin().await?;
        if db.get_database_backend() == DbBackend::Postgres {
            // Row locks in the order of the ids, as every instance takes them: the update's
            // join would take them in whatever order its plan reads the table, and two
            // instances' flushes could deadlock. (SQLite has one writer at a time.)
            session::Entity::find()
                .select_only()
                .column(session::Column::Id)
                .filter(session::Column::Id.is_in(part.iter().map(|(id, _)| id.as_str())))
                .order_by_asc(session::Column::Id)
                .lock_exclusive()
                .into_tuple::<String>()
                .all(&txn)
                .await?;
        }
        let rows = part
            .iter()
            .map(|(id, at)| vec![(*id).clone().into(), (**at).into()])
            .collect();
        update_from_values(&txn, &spec, rows).await?;
        txn.commit().await?;
    }
    Ok(())
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
        assert_eq!(r.expiry("b", t(1)), t(30), "known here while it is being written");
        r.touch("b", t(2), t(32));
        r.done(Some(batch));
        assert_eq!(
            r.take().get("b"),
            Some(&t(32)),
            "the newer expiry stays after a failed write"
        );
        r.done(None);
        assert_eq!(r.expiry("b", t(1)), t(1), "written: the database's expiry is the one");
    }

    #[test]
    fn beyond_the_memory_bound_a_refresh_waits_for_the_next_request() {
        let r = SessionRefreshes::default();
        for i in 0..MAX_REMEMBERED {
            assert!(r.touch(&i.to_string(), t(0), t(30)));
        }
        assert!(!r.touch("late", t(0), t(30)), "not noted");
        assert!(r.touch("0", t(2), t(32)), "a session already noted is updated");
        r.done(Some(r.take()));
        assert!(!r.touch("late", t(0), t(30)), "a failed write keeps its place");
        r.take();
        r.done(None);
        assert!(
            r.touch("late", t(0), t(30)),
            "never counted as refreshed: noted once there is room"
        );
    }
}
