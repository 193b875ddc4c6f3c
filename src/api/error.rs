//! The one error shape of the API:
//! `{"error": {"code": "validation_failed", "message": "...", "field": "orgnr"}}`.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::DbError;
use crate::domain::Invalid;

/// An error answered to an API client.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request is malformed or a field is invalid.
    #[error("{message}")]
    Validation {
        field: Option<String>,
        message: String,
    },
    /// 401: no valid token.
    #[error("{0}")]
    Unauthorized(String),
    /// 403: signed in, but not allowed.
    #[error("{0}")]
    Forbidden(String),
    /// 404: no such object, or not visible to the caller.
    #[error("{0}")]
    NotFound(String),
    /// 409: conflicts with what exists.
    #[error("{message}")]
    Conflict {
        field: Option<String>,
        message: String,
    },
    /// 413: the body is over the limit.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// 415: the body is not JSON.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 429: too many attempts; retry after this many seconds.
    #[error("{message}")]
    TooManyRequests { retry_after: u64, message: String },
    /// 503: a part of the service is not ready yet; retry after this many seconds.
    #[error("{message}")]
    Unavailable { retry_after: u64, message: String },
    /// 500: logged in full, answered without detail.
    #[error("internal error: {0}")]
    Internal(anyhow::Error),
}

impl ApiError {
    /// 400 for `field`.
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> ApiError {
        ApiError::Validation {
            field: Some(field.into()),
            message: message.into(),
        }
    }
    /// 401.
    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError::Unauthorized(message.into())
    }
    /// 403.
    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::Forbidden(message.into())
    }
    /// 404.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::NotFound(message.into())
    }
    /// 409, optionally naming the field.
    pub fn conflict(field: Option<&str>, message: impl Into<String>) -> ApiError {
        ApiError::Conflict {
            field: field.map(str::to_owned),
            message: message.into(),
        }
    }
    /// 500.
    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::Internal(anyhow::anyhow!(message.into()))
    }

    /// True when this wraps a unique-constraint violation from the database.
    pub fn is_unique_violation(&self) -> bool {
        match self {
            ApiError::Internal(inner) => inner
                .downcast_ref::<diesel::result::Error>()
                .is_some_and(crate::db::is_unique_violation),
            _ => false,
        }
    }

    /// The machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Validation { .. } => "validation_failed",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound(_) => "not_found",
            ApiError::Conflict { .. } => "conflict",
            ApiError::PayloadTooLarge(_) => "payload_too_large",
            ApiError::UnsupportedMediaType(_) => "unsupported_media_type",
            ApiError::TooManyRequests { .. } => "rate_limited",
            ApiError::Unavailable { .. } => "unavailable",
            ApiError::Internal(_) => "internal_error",
        }
    }
}

/// The body of every error answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Machine-readable: `validation_failed`, `unauthorized`, `forbidden`, `not_found`,
    /// `conflict`, `payload_too_large`, `unsupported_media_type`, `rate_limited`, `internal_error`.
    pub code: &'static str,
    /// For people: what is wrong and what to do.
    pub message: String,
    /// The request field at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Validation { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let (message, field) = match self {
            ApiError::Internal(e) => {
                tracing::error!(error = ?e, "internal error");
                (
                    "something went wrong on our side; try again, and tell us if it persists"
                        .to_owned(),
                    None,
                )
            }
            ApiError::Validation { field, message } | ApiError::Conflict { field, message } => {
                (message.clone(), field.clone())
            }
            other => (other.to_string(), None),
        };
        let mut response = HttpResponse::build(self.status_code());
        if let ApiError::TooManyRequests { retry_after, .. }
        | ApiError::Unavailable { retry_after, .. } = self
        {
            response.insert_header((header::RETRY_AFTER, retry_after.to_string()));
        }
        if let ApiError::Unauthorized(_) = self {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        response.json(ErrorBody {
            error: ErrorDetail {
                code: self.code(),
                message,
                field,
            },
        })
    }
}

impl From<Invalid> for ApiError {
    fn from(e: Invalid) -> ApiError {
        ApiError::validation(e.field, e.message)
    }
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> ApiError {
        ApiError::Internal(e.into())
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> ApiError {
        ApiError::Internal(e.into())
    }
}

impl From<crate::search::matching::MatchError> for ApiError {
    fn from(e: crate::search::matching::MatchError) -> ApiError {
        match e {
            crate::search::matching::MatchError::NotReady(not_ready) => ApiError::Unavailable {
                retry_after: 5,
                message: not_ready.to_string(),
            },
            crate::search::matching::MatchError::Index(inner) => ApiError::Internal(inner),
        }
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(e: anyhow::Error) -> ApiError {
        ApiError::Internal(e)
    }
}

/// Turns actix's own extractor errors (query strings, paths) into the API's error shape.
pub fn query_error(
    err: actix_web::error::QueryPayloadError,
    _: &actix_web::HttpRequest,
) -> actix_web::Error {
    let text = err.to_string();
    let field = text.split('`').nth(1).map(str::to_owned);
    ApiError::Validation {
        field,
        message: format!("invalid query string: {text}"),
    }
    .into()
}

/// Path segments that don't parse (they are always ids or names) mean no such object.
pub fn path_error(
    err: actix_web::error::PathError,
    _: &actix_web::HttpRequest,
) -> actix_web::Error {
    ApiError::not_found(format!("not found: {err}")).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::body::MessageBody;

    fn body_of(e: &ApiError) -> serde_json::Value {
        let bytes = e.error_response().into_body().try_into_bytes().unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[test]
    fn a_500_never_shows_internals() {
        let e = ApiError::Internal(anyhow::anyhow!(
            "connection to 10.0.0.5 refused; password=hunter2"
        ));
        assert_eq!(e.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = body_of(&e).to_string();
        assert!(
            !body.contains("10.0.0.5") && !body.contains("hunter2"),
            "{body}"
        );
        assert!(body.contains("internal_error"));
    }

    #[test]
    fn validation_errors_name_their_field() {
        let body = body_of(&ApiError::validation("orgnr", "wrong check digit"));
        assert_eq!(body["error"]["code"], "validation_failed");
        assert_eq!(body["error"]["field"], "orgnr");
        assert_eq!(body["error"]["message"], "wrong check digit");
    }

    #[test]
    fn too_many_requests_carries_retry_after() {
        let e = ApiError::TooManyRequests {
            retry_after: 42,
            message: "wait".into(),
        };
        assert_eq!(
            e.error_response()
                .headers()
                .get(header::RETRY_AFTER)
                .unwrap(),
            "42"
        );
    }
}
