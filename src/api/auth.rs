//! `/api/v1/auth` and `/api/v1/me`: registration, sign-in and the caller's own account.

use std::time::Instant;

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::error::{ApiError, ErrorBody};
use super::json::ApiJson;
use super::organisations::{OrganisationInput, OrganisationView, UserView};
use crate::accounts::{self, Registration};
use crate::auth::Caller;
use crate::domain::password::{dummy_hash, hash_blocking, verify_blocking};
use crate::domain::{self, Email, Password};
use crate::startup::AppState;

/// A new account, and the organisation it founds or joins.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// Sign-in email; compared without regard to case.
    pub email: String,
    /// At least 12 characters.
    pub password: String,
    /// Display name.
    pub name: String,
    /// The organisation. May be left out by someone its owner has added by email.
    pub organisation: Option<OrganisationInput>,
}

/// The registered account, its organisation and a token.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RegisterResponse {
    /// The new account.
    pub user: UserView,
    /// Its organisation.
    pub organisation: OrganisationView,
    /// A bearer token.
    pub token: String,
    /// When the token expires (UTC).
    pub expires_at: DateTime<Utc>,
}

/// Credentials.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// Sign-in email.
    pub email: String,
    /// Password.
    pub password: String,
}

/// A bearer token.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TokenResponse {
    /// The JWT, for `Authorization: Bearer …`.
    pub token: String,
    /// When it expires (UTC).
    pub expires_at: DateTime<Utc>,
}

/// The caller and their organisation.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MeResponse {
    /// The account.
    pub user: UserView,
    /// The organisation; none for administrators.
    pub organisation: Option<OrganisationView>,
}

/// A password change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    /// The password in use.
    pub current_password: String,
    /// The new password, at least 12 characters.
    pub new_password: String,
}

/// Register an account (and found an organisation, when its orgnr is new).
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "auth", request_body = RegisterRequest,
    responses((status = 201, body = RegisterResponse), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody)))]
pub async fn register(
    state: web::Data<AppState>,
    body: ApiJson<RegisterRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let email = Email::parse(&body.email)?;
    let password = Password::parse(&body.password)?;
    let name = domain::text("name", &body.name, 200)?;
    let organisation = body
        .organisation
        .as_ref()
        .map(OrganisationInput::parse)
        .transpose()?;
    let registration = Registration {
        email,
        password_hash: hash_blocking(password).await?,
        name,
        organisation,
    };
    let keys = state.tokens.clone();
    let response = state
        .db
        .run(move |conn| {
            let (account, organisation) = accounts::register(conn, registration)?;
            let (token, expires_at) = keys.issue(&account)?;
            Ok::<_, ApiError>(RegisterResponse {
                user: UserView::from(&account),
                organisation: OrganisationView::load(conn, &organisation)?,
                token,
                expires_at,
            })
        })
        .await?;
    tracing::info!(user = %response.user.id, organisation = %response.organisation.id, role = %response.user.role, "registered");
    Ok(HttpResponse::Created().json(response))
}

/// The client address used for rate limiting: the TCP peer. A proxy in front should be trusted
/// explicitly before honouring `X-Forwarded-For`, which anyone can set.
fn client_address(req: &HttpRequest) -> String {
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Counts a password attempt, or refuses with 429 when the limit is reached.
fn begin_attempt(state: &AppState, email: &str, address: &str) -> Result<(), ApiError> {
    state
        .limiter
        .begin(email, address, Instant::now())
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

/// Sign in and get a token.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = TokenResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 429, description = "too many failed attempts; see Retry-After", body = ErrorBody)))]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ApiJson<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let email = Email::parse(&body.email)?;
    let address = client_address(&req);
    begin_attempt(&state, email.as_str(), &address)?;
    let lookup = email.clone();
    let account = state
        .db
        .run(move |conn| {
            crate::db::accounts::find_by_email(conn, lookup.as_str()).map_err(ApiError::from)
        })
        .await?;
    // An unknown email is checked against a dummy hash, so it takes as long as a wrong password.
    let hash = account
        .as_ref()
        .map_or_else(|| dummy_hash().to_owned(), |a| a.password_hash.clone());
    let valid = verify_blocking(body.password, hash).await?;
    let Some(account) = account.filter(|_| valid) else {
        tracing::warn!(%address, "failed sign-in");
        return Err(ApiError::unauthorized("wrong email or password"));
    };
    state.limiter.succeeded(email.as_str(), &address);
    let (token, expires_at) = state.tokens.issue(&account)?;
    Ok(HttpResponse::Ok().json(TokenResponse { token, expires_at }))
}

/// The signed-in user and their organisation.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = MeResponse), (status = 401, body = ErrorBody)))]
pub async fn me(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let response = state
        .db
        .run(move |conn| {
            let organisation = match caller.organisation_id() {
                Some(id) => {
                    let row = crate::organisations::get(conn, id)?;
                    Some(OrganisationView::load(conn, &row)?)
                }
                None => None,
            };
            Ok::<_, ApiError>(MeResponse {
                user: UserView::from(&caller.account),
                organisation,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(response))
}

/// Change the password. Every token issued before stops working; a new one is returned.
#[utoipa::path(post, path = "/api/v1/me/password", tag = "auth", security(("bearer" = [])), request_body = ChangePasswordRequest,
    responses((status = 200, body = TokenResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn change_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    body: ApiJson<ChangePasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let new = Password::parse_for("new_password", &body.new_password)?;
    let address = client_address(&req);
    // A stolen token must not become a way to guess the password.
    begin_attempt(&state, &caller.account.email, &address)?;
    if !verify_blocking(body.current_password, caller.account.password_hash.clone()).await? {
        return Err(ApiError::validation(
            "current_password",
            "current_password is wrong",
        ));
    }
    state.limiter.succeeded(&caller.account.email, &address);
    let new_hash = hash_blocking(new).await?;
    let id = caller.account.id.clone();
    let account = state
        .db
        .run(move |conn| accounts::set_password(conn, &id, &new_hash))
        .await?;
    let (token, expires_at) = state.tokens.issue(&account)?;
    tracing::info!(user = %account.id, "password changed");
    Ok(HttpResponse::Ok().json(TokenResponse { token, expires_at }))
}

/// Routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/auth/register", web::post().to(register))
        .route("/auth/login", web::post().to(login))
        .route("/me", web::get().to(me))
        .route("/me/password", web::post().to(change_password));
}
