//! Who is calling: tokens, the authenticated-caller extractor, and the sign-in rate limit.

pub mod rate_limit;
pub mod tokens;

use actix_web::{dev::Payload, web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;

use crate::api::error::ApiError;
use crate::db::accounts::AccountRow;
use crate::domain::Role;
use crate::startup::AppState;

/// The signed-in caller, loaded from the database on each request so that a changed password or
/// role takes effect at once.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The account.
    pub account: AccountRow,
    /// The account's role.
    pub role: Role,
}

impl Caller {
    /// The caller's organisation, if any (admins have none).
    pub fn organisation_id(&self) -> Option<&str> {
        self.account.organisation_id.as_deref()
    }

    /// True for programme administrators.
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// True when the caller belongs to `organisation_id`.
    pub fn belongs_to(&self, organisation_id: &str) -> bool {
        self.organisation_id() == Some(organisation_id)
    }

    /// True when the caller owns `organisation_id`.
    pub fn owns(&self, organisation_id: &str) -> bool {
        self.role == Role::Owner && self.belongs_to(organisation_id)
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Caller, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer_token(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal("application state missing"))?;
            let token = token?.ok_or_else(|| {
                ApiError::unauthorized(
                    "sign in first: send Authorization: Bearer <token> from /api/v1/auth/login",
                )
            })?;
            authenticate(&state, token).await
        })
    }
}

/// The bearer token of a request: none without an `Authorization` header, an error for a header
/// that is not `Bearer <token>`.
pub fn bearer_token(req: &HttpRequest) -> Result<Option<String>, ApiError> {
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
        .ok_or_else(|| ApiError::unauthorized("the Authorization header must be: Bearer <token>"))
}

/// The client address used for rate limiting: the TCP peer. A proxy in front should be trusted
/// explicitly before honouring `X-Forwarded-For`, which anyone can set.
pub fn client_address(req: &HttpRequest) -> String {
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Counts a password attempt, or refuses with 429 when the limit is reached.
pub fn begin_attempt(state: &AppState, email: &str, address: &str) -> Result<(), ApiError> {
    state
        .limiter
        .begin(email, address, std::time::Instant::now())
        .map_err(|wait| {
            let retry_after = wait.as_secs().max(1);
            ApiError::TooManyRequests {
                retry_after,
                message: format!(
                    "too many failed attempts; wait {retry_after} seconds and try again"
                ),
            }
        })
}

/// Checks an email and password, for the API and the sign-in page alike: the attempt counts
/// against the limits first (429 when reached), and an unknown email is checked against a dummy
/// hash, so it takes as long as a wrong password (401).
pub async fn check_password(
    state: &AppState,
    email: &crate::domain::Email,
    password: String,
    address: &str,
) -> Result<AccountRow, ApiError> {
    begin_attempt(state, email.as_str(), address)?;
    let lookup = email.clone();
    let account = state
        .db
        .run(move |conn| {
            crate::db::accounts::find_by_email(conn, lookup.as_str()).map_err(ApiError::from)
        })
        .await?;
    let hash = account.as_ref().map_or_else(
        || crate::domain::password::dummy_hash().to_owned(),
        |a| a.password_hash.clone(),
    );
    let valid = crate::domain::password::verify_blocking(password, hash).await?;
    let Some(account) = account.filter(|_| valid) else {
        tracing::warn!(%address, "failed sign-in");
        return Err(ApiError::unauthorized("wrong email or password"));
    };
    state.limiter.succeeded(email.as_str(), address);
    Ok(account)
}

/// Verifies a token and loads its account.
pub async fn authenticate(state: &AppState, token: String) -> Result<Caller, ApiError> {
    let keys = state.tokens.clone();
    state
        .db
        .run(move |conn| {
            let account = keys.verify(&token, |id| {
                crate::db::accounts::find(conn, id).map_err(|e| anyhow::anyhow!(e))
            })?;
            let role = Role::parse(&account.role).map_err(|e| ApiError::internal(e.to_string()))?;
            Ok(Caller { account, role })
        })
        .await
}
