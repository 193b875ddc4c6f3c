//! Errors of pages: each becomes a proper page in the visitor's language, never raw text.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};

use crate::error::AppError;

/// Why a page could not be shown.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// 303 to the sign-in page, which comes back to `next`; `expired` when the browser had a
    /// session that has ended, so the page can say so.
    #[error("sign in first")]
    SignIn { next: String, expired: bool },
    /// 400, with a message for the visitor.
    #[error("{0}")]
    BadRequest(String),
    /// 403: signed in but not allowed.
    #[error("forbidden")]
    Forbidden,
    /// 403: the form's CSRF token is missing or wrong.
    #[error("the form has expired")]
    Csrf,
    /// 404.
    #[error("not found")]
    NotFound,
    /// 409, with a message.
    #[error("{0}")]
    Conflict(String),
    /// 408: the form's body did not arrive within the body timeout.
    #[error("the form did not arrive in time")]
    TimedOut,
    /// 413.
    #[error("too large")]
    TooLarge,
    /// 415: a file of a type that is not accepted.
    #[error("unsupported type")]
    Unsupported,
    /// 429, with seconds to wait.
    #[error("too many attempts")]
    TooMany(u64),
    /// 503, with seconds to wait.
    #[error("unavailable")]
    Unavailable(u64),
    /// 500; the cause is logged, not shown.
    #[error("internal error: {0}")]
    Internal(anyhow::Error),
}

/// What the error page should say beyond its status, carried from the handler to the renderer.
#[derive(Debug, Clone)]
pub struct ErrorDetail {
    /// The key of the text (under `errors.`), when the status alone is not enough.
    pub key: Option<&'static str>,
    /// A message for the visitor (from validation).
    pub message: Option<String>,
}

impl From<AppError> for WebError {
    fn from(e: AppError) -> WebError {
        match e {
            AppError::Validation(problems) => WebError::BadRequest(
                problems
                    .first()
                    .map(|p| p.message.clone())
                    .unwrap_or_default(),
            ),
            AppError::Unauthorized(_) => WebError::SignIn {
                next: "/".into(),
                expired: false,
            },
            AppError::Forbidden(_) => WebError::Forbidden,
            AppError::NotFound(_) => WebError::NotFound,
            AppError::Conflict { message, .. } => WebError::Conflict(message),
            AppError::TooManyRequests { retry_after, .. } => WebError::TooMany(retry_after),
            AppError::Unavailable { retry_after, .. } => WebError::Unavailable(retry_after),
            AppError::TooLarge { .. } => WebError::TooLarge,
            AppError::Unsupported { .. } => WebError::Unsupported,
            AppError::Internal(e) => WebError::Internal(e),
        }
    }
}

impl ResponseError for WebError {
    fn status_code(&self) -> StatusCode {
        match self {
            WebError::SignIn { .. } => StatusCode::SEE_OTHER,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Forbidden | WebError::Csrf => StatusCode::FORBIDDEN,
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::Conflict(_) => StatusCode::CONFLICT,
            WebError::TimedOut => StatusCode::REQUEST_TIMEOUT,
            WebError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::Unsupported => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            WebError::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
            WebError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let WebError::SignIn { next, expired } = self {
            let target = format!(
                "/login?next={}{}",
                url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>(),
                if *expired { "&expired=1" } else { "" }
            );
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, target))
                .finish();
        }
        if let WebError::Internal(e) = self {
            tracing::error!(error = ?e, "page failed");
        }
        let mut response = HttpResponse::build(self.status_code());
        match self {
            WebError::TooMany(s) | WebError::Unavailable(s) => {
                response.insert_header((header::RETRY_AFTER, s.to_string()));
            }
            // The rest of a late body may still come; the connection is not to be read again.
            WebError::TimedOut => {
                response.insert_header((header::CONNECTION, "close"));
            }
            _ => {}
        }
        let mut response = response.finish();
        let detail = ErrorDetail {
            key: match self {
                WebError::Csrf => Some("csrf"),
                _ => None,
            },
            message: match self {
                WebError::BadRequest(m) | WebError::Conflict(m) => Some(m.clone()),
                _ => None,
            },
        };
        response.extensions_mut().insert(detail);
        response
    }
}
