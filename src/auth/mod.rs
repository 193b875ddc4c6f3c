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
        let header = req
            .headers()
            .get(actix_web::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal("application state missing"))?;
            let header = header.ok_or_else(|| {
                ApiError::unauthorized(
                    "sign in first: send Authorization: Bearer <token> from /api/v1/auth/login",
                )
            })?;
            let token = header
                .strip_prefix("Bearer ")
                .or_else(|| header.strip_prefix("bearer "))
                .ok_or_else(|| {
                    ApiError::unauthorized("the Authorization header must be: Bearer <token>")
                })?
                .trim()
                .to_owned();
            authenticate(&state, token).await
        })
    }
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
