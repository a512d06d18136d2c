//! What every staff decision on a debtor's request shares: the staff task closes with the
//! decision and who took it (audit), and the debtor is told by email.
use crate::entities::{customer, staff_task};
use crate::error::ServiceResult;
use crate::services::mails::{self, Kind};
use crate::tenant::TenantCtx;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::json;
use settle_domain::locale::{format_date, Locale};

pub(crate) async fn close<C: ConnectionTrait>(
    db: &C,
    task: &staff_task::Model,
    actor: &str,
    granted: bool,
    explanation: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    staff_task::Entity::update_many()
        .col_expr(staff_task::Column::Status, Expr::value("done"))
        .col_expr(staff_task::Column::DoneAt, Expr::value(Some(now)))
        .filter(staff_task::Column::Id.eq(task.id))
        .exec(db)
        .await?;
    crate::audit::record(
        db,
        now,
        task.tenant_id,
        Some(task.customer_id),
        actor,
        &format!("{}_decided", task.kind),
        json!({ "task_id": task.id, "granted": granted, "explanation": explanation }),
    )
    .await?;
    Ok(())
}

/// Emails the debtor the decision (`date`: the new payment date or first instalment; none when
/// refused), in their language.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn tell<C: ConnectionTrait>(
    db: &C,
    tenant: &TenantCtx,
    customer_id: i64,
    kind: &str,
    date: Option<NaiveDate>,
    explanation: &str,
    path: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let Some(c) = customer::Entity::find_by_id(customer_id)
        .filter(customer::Column::TenantId.eq(tenant.id))
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let Some(to) = c.email.as_deref().filter(|_| c.email_invalid_at.is_none()) else {
        return Ok(());
    };
    let l = c
        .language
        .as_deref()
        .and_then(Locale::parse)
        .unwrap_or(tenant.default_locale);
    let date = date.map(|d| format_date(d, l)).unwrap_or_default();
    mails::queue(
        db,
        now,
        tenant,
        to,
        Some(c.id),
        l,
        Kind::RequestDecided {
            kind,
            granted: !date.is_empty(),
            date: &date,
            explanation,
            link: &tenant.link(path),
        },
    )
    .await?;
    Ok(())
}
