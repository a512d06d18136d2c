//! Who a query runs for. Only the auth service builds a debtor scope; workers use `system`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TenantScope {
    tenant_id: i64,
}

impl TenantScope {
    /// For resolved tenants (host lookup) and background workers acting for a tenant.
    pub fn system(tenant_id: i64) -> Self {
        Self { tenant_id }
    }
    pub fn tenant_id(&self) -> i64 {
        self.tenant_id
    }
}

/// How the debtor proved who they are: a step-up code from a payment link is not a full login.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum AuthLevel {
    StepUp,
    Full,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DebtorScope {
    tenant_id: i64,
    customer_id: i64,
    level: AuthLevel,
}

impl DebtorScope {
    pub(crate) fn new(tenant_id: i64, customer_id: i64, level: AuthLevel) -> Self {
        Self {
            tenant_id,
            customer_id,
            level,
        }
    }
    pub fn tenant_id(&self) -> i64 {
        self.tenant_id
    }
    pub fn customer_id(&self) -> i64 {
        self.customer_id
    }
    pub fn level(&self) -> AuthLevel {
        self.level
    }
    pub fn tenant(&self) -> TenantScope {
        TenantScope::system(self.tenant_id)
    }
    /// Contact changes and binding agreements need a full login, not a payment-link step-up.
    pub fn require_full(&self) -> crate::error::ServiceResult<()> {
        match self.level {
            AuthLevel::Full => Ok(()),
            AuthLevel::StepUp => Err(crate::error::ServiceError::invalid("form", "full_login_needed")),
        }
    }
}
