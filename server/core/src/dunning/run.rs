//! One round of the dunning engine as of an instant: a planner pass per tenant, then issuing
//! what is due, then sending it. `settle remind --once` and the serve loop both run this.
use super::issue::{self, Handled};
use super::planner::{self, PassReport};
use crate::entities::tenant;
use crate::error::ServiceResult;
use crate::outbox::{self, Dispatched, Senders};
use crate::tenant::TenantCtx;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

/// Reminders issued and messages sent per call of the loops below, so one round stays short.
const BATCH: u64 = 500;

#[derive(Debug, Default)]
pub struct Round {
    pub passes: Vec<PassReport>,
    pub handled: Vec<Handled>,
    pub dispatched: Dispatched,
}

pub async fn tenants(db: &DatabaseConnection, slug: Option<&str>) -> ServiceResult<Vec<TenantCtx>> {
    let mut q = tenant::Entity::find().order_by_asc(tenant::Column::Id);
    if let Some(s) = slug {
        q = q.filter(tenant::Column::Slug.eq(s));
    }
    Ok(q.all(db).await?.into_iter().map(TenantCtx::from_model).collect())
}

/// Plans for every tenant (or one); unless `dry_run`, issues every reminder due by `now` and
/// sends every message due by `now`.
pub async fn once(
    db: &DatabaseConnection,
    senders: &Senders,
    now: DateTime<Utc>,
    slug: Option<&str>,
    dry_run: bool,
) -> ServiceResult<Round> {
    let mut round = Round::default();
    let tenants = tenants(db, slug).await?;
    for t in &tenants {
        round.passes.push(planner::plan_tenant(db, t, now, dry_run).await?);
    }
    if dry_run {
        return Ok(round);
    }
    let only = match (slug, tenants.first()) {
        (Some(_), Some(t)) => Some(t.id),
        (Some(_), None) => return Ok(round),
        _ => None,
    };
    loop {
        let handled = issue::issue_due(db, now, only, BATCH).await?;
        let n = handled.len();
        round.handled.extend(handled);
        if n < usize::try_from(BATCH).unwrap_or(usize::MAX) {
            break;
        }
    }
    loop {
        let d = outbox::dispatch(db, senders, now, BATCH).await?;
        round.dispatched.sent += d.sent;
        round.dispatched.failed += d.failed;
        round.dispatched.cancelled += d.cancelled;
        if d.sent + d.failed + d.cancelled == 0 {
            break;
        }
    }
    Ok(round)
}
