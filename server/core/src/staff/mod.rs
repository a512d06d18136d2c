//! Staff: roles, the scope every back-office query runs under, and accounts with a second
//! factor. Only `auth` builds a `StaffScope`, after checking the session's staff member against
//! the host's tenant.
pub mod accounts;
pub mod auth;
pub mod manage;
pub mod totp;

use crate::error::{ServiceError, ServiceResult};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Queues, the debtor timeline, notes, pausing and resuming dunning.
    Agent,
    /// Also templates, plans, branding, staff users, API keys and provider settings.
    Admin,
    /// Platform-wide: every tenant, with an admin's rights on each.
    Operator,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "agent" => Some(Role::Agent),
            "admin" => Some(Role::Admin),
            "operator" => Some(Role::Operator),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Admin => "admin",
            Role::Operator => "operator",
        }
    }

    /// Admins and operators must use a second factor; agents may.
    pub fn needs_second_factor(self) -> bool {
        self >= Role::Admin
    }
}

/// A signed-in staff member acting for the tenant whose host the request came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StaffScope {
    tenant_id: i64,
    staff_id: i64,
    role: Role,
}

impl StaffScope {
    pub(crate) fn new(tenant_id: i64, staff_id: i64, role: Role) -> Self {
        Self {
            tenant_id,
            staff_id,
            role,
        }
    }
    pub fn tenant_id(&self) -> i64 {
        self.tenant_id
    }
    pub fn staff_id(&self) -> i64 {
        self.staff_id
    }
    pub fn role(&self) -> Role {
        self.role
    }
    /// The audit log's actor.
    pub fn actor(&self) -> String {
        format!("staff:{}", self.staff_id)
    }
    /// At least `role` (an admin may do what an agent may).
    pub fn require(&self, role: Role) -> ServiceResult<()> {
        if self.role >= role {
            Ok(())
        } else {
            Err(ServiceError::Forbidden)
        }
    }
}
