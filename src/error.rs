//! The one error type of the core: what went wrong in a service, in terms a caller can act on.
//!
//! The services return [`AppError`]; they know nothing of HTTP. Each front door maps it once:
//! the JSON API to a status code and its error body (`http::api::error`), the pages to an error
//! page in the visitor's language (`http::web::error`). Code that must react to a kind of failure
//! matches on a variant, never on a message's text.

use crate::db::DbError;
use crate::domain::Invalid;

/// What a service answers when it cannot do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The input is invalid; `field` names the field at fault when there is one.
    #[error("{message}")]
    Validation {
        /// The field, as the caller named it (`orgnr`, `organisation.kind`).
        field: Option<String>,
        /// What is wrong and what to do.
        message: String,
    },
    /// The caller is not signed in, or their credentials are wrong or expired.
    #[error("{0}")]
    Unauthorized(String),
    /// The caller is known but may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// No such object, or one the caller may not see.
    #[error("{0}")]
    NotFound(String),
    /// The request conflicts with what exists; `field` names the field when there is one.
    #[error("{message}")]
    Conflict {
        /// The field in conflict.
        field: Option<String>,
        /// What conflicts and what to do.
        message: String,
    },
    /// Too many attempts; retry after this many seconds.
    #[error("{message}")]
    TooManyRequests {
        /// Seconds to wait.
        retry_after: u64,
        /// What to do.
        message: String,
    },
    /// A part of the service is not ready yet; retry after this many seconds.
    #[error("{message}")]
    Unavailable {
        /// Seconds to wait.
        retry_after: u64,
        /// What is not ready.
        message: String,
    },
    /// A fault on our side; the cause is logged and never shown.
    #[error("internal error: {0}")]
    Internal(anyhow::Error),
}

/// The result of a service call.
pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// Invalid input in `field`.
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> AppError {
        AppError::Validation {
            field: Some(field.into()),
            message: message.into(),
        }
    }
    /// Not signed in.
    pub fn unauthorized(message: impl Into<String>) -> AppError {
        AppError::Unauthorized(message.into())
    }
    /// Not allowed.
    pub fn forbidden(message: impl Into<String>) -> AppError {
        AppError::Forbidden(message.into())
    }
    /// No such object.
    pub fn not_found(message: impl Into<String>) -> AppError {
        AppError::NotFound(message.into())
    }
    /// A conflict, optionally naming the field.
    pub fn conflict(field: Option<&str>, message: impl Into<String>) -> AppError {
        AppError::Conflict {
            field: field.map(str::to_owned),
            message: message.into(),
        }
    }
    /// A fault on our side.
    pub fn internal(message: impl Into<String>) -> AppError {
        AppError::Internal(anyhow::anyhow!(message.into()))
    }

    /// True when this wraps a unique-constraint violation from the database.
    pub fn is_unique_violation(&self) -> bool {
        match self {
            AppError::Internal(inner) => inner
                .downcast_ref::<diesel::result::Error>()
                .is_some_and(crate::db::is_unique_violation),
            _ => false,
        }
    }
}

impl From<Invalid> for AppError {
    fn from(e: Invalid) -> AppError {
        AppError::validation(e.field, e.message)
    }
}

impl From<DbError> for AppError {
    fn from(e: DbError) -> AppError {
        AppError::Internal(e.into())
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> AppError {
        AppError::Internal(e.into())
    }
}

impl From<crate::search::matching::MatchError> for AppError {
    fn from(e: crate::search::matching::MatchError) -> AppError {
        match e {
            crate::search::matching::MatchError::NotReady(not_ready) => AppError::Unavailable {
                retry_after: 5,
                message: not_ready.to_string(),
            },
            crate::search::matching::MatchError::Index(inner) => AppError::Internal(inner),
        }
    }
}

impl From<anyhow::Error> for AppError {
    fn from(e: anyhow::Error) -> AppError {
        AppError::Internal(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unique_violation_is_told_apart_from_other_database_errors() {
        let unique: AppError = diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            Box::new("duplicate key".to_owned()),
        )
        .into();
        assert!(unique.is_unique_violation());
        let other: AppError = diesel::result::Error::NotFound.into();
        assert!(!other.is_unique_violation());
    }

    #[test]
    fn an_invalid_domain_value_keeps_its_field() {
        match AppError::from(Invalid::new("orgnr", "wrong check digit")) {
            AppError::Validation { field, message } => {
                assert_eq!(field.as_deref(), Some("orgnr"));
                assert_eq!(message, "wrong check digit");
            }
            other => panic!("expected a validation error, got {other:?}"),
        }
    }
}
