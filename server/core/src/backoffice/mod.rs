//! The back office's use cases, each under a `StaffScope` (the host's tenant, the staff member,
//! the role): finding a debtor and seeing everything that happened with them, the actions on a
//! debtor, and the work queues.
pub mod actions;
pub mod api_keys;
pub mod audit_log;
pub mod branding;
pub mod contact_policy;
pub mod dashboard;
pub mod debtors;
pub mod logo;
pub mod payments;
pub mod plan_editor;
pub mod providers;
pub mod queues;
pub mod requests;
pub mod returned_letters;
pub mod tenants;
pub mod webhooks;

use crate::tenant::TenantCtx;
use chrono::{DateTime, NaiveDateTime, Utc};

/// The names of the staff who may act on a tenant (its own and the operators), by id: for
/// saying who did what.
pub(crate) async fn staff_names<C: sea_orm::ConnectionTrait>(
    db: &C,
    tenant_id: i64,
) -> Result<std::collections::HashMap<i64, String>, sea_orm::DbErr> {
    use crate::entities::staff_user;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    Ok(staff_user::Entity::find()
        .filter(
            sea_orm::sea_query::Condition::any()
                .add(staff_user::Column::TenantId.eq(tenant_id))
                .add(staff_user::Column::TenantId.is_null()),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect())
}

/// An instant as the tenant's staff read it.
pub(crate) fn local(tenant: &TenantCtx, at: DateTime<Utc>) -> NaiveDateTime {
    at.with_timezone(&tenant.tz).naive_local()
}
