//! Service errors: what the user may learn (a code), separate from the cause (logged once).
use std::collections::BTreeMap;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Field name -> stable snake_case code, translated by the UI.
    #[error("invalid input")]
    Invalid(BTreeMap<String, String>),
    #[error("not authenticated")]
    Unauthenticated,
    #[error("not found")]
    NotFound,
    /// Signed in, but the role does not allow it.
    #[error("forbidden")]
    Forbidden,
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("rate limited")]
    RateLimited,
    #[error("database: {0}")]
    Db(#[from] sea_orm::DbErr),
    #[error("internal: {0}")]
    Internal(#[from] anyhow::Error),
}

impl ServiceError {
    pub fn invalid(field: &str, code: &str) -> Self {
        let mut m = BTreeMap::new();
        m.insert(field.to_string(), code.to_string());
        ServiceError::Invalid(m)
    }
}

impl From<sea_orm::TransactionError<ServiceError>> for ServiceError {
    fn from(e: sea_orm::TransactionError<ServiceError>) -> Self {
        match e {
            sea_orm::TransactionError::Connection(db) => ServiceError::Db(db),
            sea_orm::TransactionError::Transaction(s) => s,
        }
    }
}

pub type ServiceResult<T> = Result<T, ServiceError>;

/// A unique index refusing a row means the thing exists already (a double submit): the form says
/// so with `code`. Any other database failure stays an internal error, and is logged.
pub fn unique_or(e: sea_orm::DbErr, code: &str) -> ServiceError {
    match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => ServiceError::invalid("form", code),
        _ => ServiceError::from(e),
    }
}
