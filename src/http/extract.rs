//! What the front doors take from a request before calling a service: the [`Caller`] behind a
//! bearer token, and the client address used for rate limits. (The pages' session and CSRF
//! checks are in `web::session`.)

use actix_web::{dev::Payload, web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;

use crate::app::Context;
use crate::caller::Caller;
use crate::error::AppError;

impl FromRequest for Caller {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Caller, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<Context>>().cloned();
        let token = bearer_token(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| AppError::internal("application state missing"))?;
            let token = token?.ok_or_else(|| {
                AppError::unauthorized(
                    "sign in first: send Authorization: Bearer <token> from /api/v1/auth/login",
                )
            })?;
            crate::app::auth::authenticate(&state, token).await
        })
    }
}

/// The bearer token of a request: none without an `Authorization` header, an error for a header
/// that is not `Bearer <token>`.
pub fn bearer_token(req: &HttpRequest) -> Result<Option<String>, AppError> {
    let Some(header) = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return Ok(None);
    };
    header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .map(|t| Some(t.trim().to_owned()))
        .ok_or_else(|| AppError::unauthorized("the Authorization header must be: Bearer <token>"))
}

/// The client address used for rate limiting: the TCP peer. A proxy in front should be trusted
/// explicitly before honouring `X-Forwarded-For`, which anyone can set.
pub fn client_address(req: &HttpRequest) -> String {
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}
