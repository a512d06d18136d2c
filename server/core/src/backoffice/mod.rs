//! The back office's use cases, each under a `StaffScope` (the host's tenant, the staff member,
//! the role): finding a debtor and seeing everything that happened with them, the actions on a
//! debtor, and the work queues.
pub mod actions;
pub mod audit_log;
pub mod branding;
pub mod contact_policy;
pub mod dashboard;
pub mod debtors;
pub mod payments;
pub mod plan_editor;
pub mod queues;
pub mod requests;

use crate::tenant::TenantCtx;
use chrono::{DateTime, NaiveDateTime, Utc};

/// An instant as the tenant's staff read it.
pub(crate) fn local(tenant: &TenantCtx, at: DateTime<Utc>) -> NaiveDateTime {
    at.with_timezone(&tenant.tz).naive_local()
}
