//! The audit log as admins read it: who did what and when, newest first, a page at a time;
//! staff actions name the staff member. Nothing here changes it: the log is append-only.
use super::local;
use crate::entities::{audit_event, customer};
use crate::error::ServiceResult;
use crate::staff::{Role, StaffScope};
use crate::tenant::TenantCtx;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use settle_domain::backoffice::{AuditPage, AuditRow};
use std::collections::HashMap;

pub const PAGE: u64 = 100;

/// `who`: all, staff, debtor or system; `before`: the last id of the previous page.
pub async fn page<C: ConnectionTrait>(
    db: &C,
    tenant: &TenantCtx,
    scope: &StaffScope,
    who: &str,
    before: Option<i64>,
) -> ServiceResult<AuditPage> {
    scope.require(Role::Admin)?;
    let mut q = audit_event::Entity::find().filter(audit_event::Column::TenantId.eq(scope.tenant_id()));
    q = match who {
        "staff" => q.filter(audit_event::Column::Actor.starts_with("staff")),
        "debtor" => q.filter(audit_event::Column::Actor.eq("debtor")),
        "system" => q.filter(audit_event::Column::Actor.eq("system")),
        _ => q,
    };
    if let Some(b) = before {
        q = q.filter(audit_event::Column::Id.lt(b));
    }
    let rows = q.order_by_desc(audit_event::Column::Id).limit(PAGE + 1).all(db).await?;
    let more = rows.len() as u64 > PAGE;
    let rows: Vec<_> = rows.into_iter().take(PAGE as usize).collect();
    let staff = super::staff_names(db, scope.tenant_id()).await?;
    let debtors: HashMap<i64, String> = customer::Entity::find()
        .filter(customer::Column::TenantId.eq(scope.tenant_id()))
        .filter(customer::Column::Id.is_in(rows.iter().filter_map(|r| r.customer_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    Ok(AuditPage {
        next_before: more.then(|| rows.last().map(|r| r.id)).flatten(),
        rows: rows
            .into_iter()
            .map(|r| AuditRow {
                at: local(tenant, r.created_at),
                actor: match r.actor.strip_prefix("staff:").and_then(|s| s.parse::<i64>().ok()) {
                    Some(id) => staff.get(&id).cloned().unwrap_or_else(|| r.actor.clone()),
                    None => r.actor.clone(),
                },
                action: r.action,
                debtor: r
                    .customer_id
                    .map(|id| (id, debtors.get(&id).cloned().unwrap_or_default())),
                detail: r.detail,
            })
            .collect(),
    })
}
