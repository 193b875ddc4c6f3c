//! How the core's errors are answered by the API, in its one error shape:
//! `{"error": {"code": "validation_failed", "message": "...", "field": "orgnr"}}`.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::AppError;

/// The machine-readable code of an error in the API's answers.
pub fn code(e: &AppError) -> &'static str {
    match e {
        AppError::Validation { .. } => "validation_failed",
        AppError::Unauthorized(_) => "unauthorized",
        AppError::Forbidden(_) => "forbidden",
        AppError::NotFound(_) => "not_found",
        AppError::Conflict { .. } => "conflict",
        AppError::TooManyRequests { .. } => "rate_limited",
        AppError::Unavailable { .. } => "unavailable",
        AppError::TooLarge { .. } => "payload_too_large",
        AppError::Unsupported { .. } => "unsupported_media_type",
        AppError::Internal(_) => "internal_error",
    }
}

/// A request body the JSON extractor refused before any service saw it.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    /// 413: the body is over the limit.
    #[error("{0}")]
    TooLarge(String),
    /// 415: the body is not JSON.
    #[error("{0}")]
    NotJson(String),
    /// 408: the body did not arrive within the body timeout.
    #[error("{0}")]
    TimedOut(String),
    /// 400: the body does not parse into the request type.
    #[error(transparent)]
    Invalid(#[from] AppError),
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
    /// `method_not_allowed`, `request_timeout`, `conflict`, `payload_too_large`,
    /// `unsupported_media_type`, `rate_limited`, `unavailable`, `internal_error`.
    pub code: &'static str,
    /// For people: what is wrong and what to do.
    pub message: String,
    /// The request field at fault, when there is one (the first, when there are several).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Why a `conflict` happened, when it is of a known kind: `slot_taken`, `booking_closed`,
    /// `limit_reached`, `cancelled`, … (the `conflict.*` words of the pages).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
    /// Every invalid field of a `validation_failed` error, so a client can mark them all.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<FieldProblem>,
}

/// One invalid field.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldProblem {
    /// The field, as the request named it; absent for a problem with the whole request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// A stable code: the field and the problem, e.g. `themes.required`,
    /// `ends_at.before_starts_at`.
    pub code: String,
    /// For people, in English: what is wrong and what to do.
    pub message: String,
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::Validation { .. } => StatusCode::BAD_REQUEST,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            AppError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Unsupported { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let (message, field) = match self {
            AppError::Internal(e) => {
                tracing::error!(error = ?e, "internal error");
                (
                    "something went wrong on our side; try again, and tell us if it persists"
                        .to_owned(),
                    None,
                )
            }
            AppError::Validation(problems) => (
                self.to_string(),
                problems
                    .first()
                    .map(|p| p.field.clone())
                    .filter(|f| !f.is_empty()),
            ),
            AppError::Conflict { field, message, .. } => (message.clone(), field.clone()),
            AppError::TooLarge { field, message } | AppError::Unsupported { field, message } => {
                (message.clone(), Some(field.clone()))
            }
            other => (other.to_string(), None),
        };
        let mut response = HttpResponse::build(self.status_code());
        if let AppError::TooManyRequests { retry_after, .. }
        | AppError::Unavailable { retry_after, .. } = self
        {
            response.insert_header((header::RETRY_AFTER, retry_after.to_string()));
        }
        if let AppError::Unauthorized(_) = self {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        let details = match self {
            AppError::Validation(problems) => problems
                .iter()
                .map(|p| FieldProblem {
                    field: Some(p.field.clone()).filter(|f| !f.is_empty()),
                    code: p.code(),
                    message: crate::error::clip_message(&p.message),
                })
                .collect(),
            _ => Vec::new(),
        };
        response.json(ErrorBody {
            error: ErrorDetail {
                code: code(self),
                message: crate::error::clip_message(&message),
                field,
                reason: match self {
                    AppError::Conflict { clash: Some(c), .. } => Some(c.as_str()),
                    _ => None,
                },
                details,
            },
        })
    }
}

impl ResponseError for BodyError {
    fn status_code(&self) -> StatusCode {
        match self {
            BodyError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            BodyError::NotJson(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            BodyError::TimedOut(_) => StatusCode::REQUEST_TIMEOUT,
            BodyError::Invalid(e) => e.status_code(),
        }
    }

    fn error_response(&self) -> HttpResponse {
        let code = match self {
            BodyError::TooLarge(_) => "payload_too_large",
            BodyError::NotJson(_) => "unsupported_media_type",
            BodyError::TimedOut(_) => "request_timeout",
            BodyError::Invalid(e) => return e.error_response(),
        };
        let mut response = HttpResponse::build(self.status_code());
        if let BodyError::TimedOut(_) = self {
            // The rest of the body may still be on its way: close rather than read it.
            response.insert_header((actix_web::http::header::CONNECTION, "close"));
        }
        response.json(ErrorBody {
            error: ErrorDetail {
                code,
                message: self.to_string(),
                field: None,
                reason: None,
                details: Vec::new(),
            },
        })
    }
}

/// 405 for a known path asked with another method, naming the methods it has.
pub fn method_not_allowed(method: &actix_web::http::Method, allowed: &[&str]) -> HttpResponse {
    let allow = allowed.join(", ");
    HttpResponse::MethodNotAllowed()
        .insert_header((header::ALLOW, allow.clone()))
        .json(ErrorBody {
            error: ErrorDetail {
                code: "method_not_allowed",
                message: format!("{method} is not a method of this path; use {allow}"),
                field: None,
                reason: None,
                details: Vec::new(),
            },
        })
}

/// Turns actix's own extractor errors (query strings, paths) into the API's error shape.
pub fn query_error(
    err: actix_web::error::QueryPayloadError,
    _: &actix_web::HttpRequest,
) -> actix_web::Error {
    let text = crate::error::clip_message(&err.to_string());
    let field = text.split('`').nth(1).map(str::to_owned);
    AppError::validation(
        field.unwrap_or_default(),
        format!("invalid query string: {text}"),
    )
    .into()
}

/// Path segments that don't parse (they are always ids or names) mean no such object.
pub fn path_error(
    err: actix_web::error::PathError,
    _: &actix_web::HttpRequest,
) -> actix_web::Error {
    AppError::not_found(format!("not found: {err}")).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::body::MessageBody;

    fn body_of(e: &AppError) -> serde_json::Value {
        let bytes = e.error_response().into_body().try_into_bytes().unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[test]
    fn a_500_never_shows_internals() {
        let e = AppError::Internal(anyhow::anyhow!(
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
        let body = body_of(&AppError::validation("orgnr", "wrong check digit"));
        assert_eq!(body["error"]["code"], "validation_failed");
        assert_eq!(body["error"]["field"], "orgnr");
        assert_eq!(body["error"]["message"], "wrong check digit");
    }

    #[test]
    fn too_many_requests_carries_retry_after() {
        let e = AppError::TooManyRequests {
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
