//! `/api/v1/auth` and `/api/v1/me`: registration, sign-in and the caller's own account.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::error::ErrorBody;
use super::json::ApiJson;
use crate::app::accounts::OrganisationInput;
use crate::app::accounts::{self, Registration};
use crate::app::organisations::{OrganisationView, UserView};
use crate::app::Context;
use crate::caller::Caller;
use crate::domain::password::hash_blocking;
use crate::domain::{self, Email, Password};
use crate::error::AppError;

/// A new account, and the organisation it founds or joins.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// Sign-in email; compared without regard to case.
    #[schema(value_type = Email, inline)]
    pub email: String,
    /// At least 12 characters.
    #[schema(value_type = Password, inline)]
    pub password: String,
    /// Display name.
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// The organisation. May be left out by someone its owner has added by email.
    pub organisation: Option<OrganisationInput>,
    /// The token of an emailed invitation link; the organisation is then the inviting one.
    pub invite_token: Option<String>,
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
    #[schema(value_type = Email, inline)]
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
    #[schema(value_type = Password, inline)]
    pub new_password: String,
}

/// Register an account (and found an organisation, when its orgnr is new). Its emails go out in
/// English when `Accept-Language` prefers it, else in Bokmål.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "auth", request_body = RegisterRequest,
    responses((status = 201, body = RegisterResponse), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody)))]
pub async fn register(
    state: web::Data<Context>,
    req: HttpRequest,
    body: ApiJson<RegisterRequest>,
) -> Result<HttpResponse, AppError> {
    require_password_login(&state)?;
    let body = body.0;
    let email = Email::parse(&body.email)?;
    let password = Password::parse(&body.password)?;
    let name = domain::line("name", &body.name, 200)?;
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
        invite_token: body.invite_token.clone(),
        email_verified: false,
    };
    let lang = crate::http::extract::accept_language(&req);
    let (account, organisation) = accounts::sign_up(&state, registration, lang).await?;
    let (token, expires_at) = state.tokens.issue(&account)?;
    let response = RegisterResponse {
        user: UserView::from(&account),
        organisation,
        token,
        expires_at,
    };
    tracing::info!(user = %response.user.id, organisation = %response.organisation.id, role = %response.user.role, "registered");
    Ok(HttpResponse::Created().json(response))
}

fn require_password_login(state: &Context) -> Result<(), AppError> {
    if state.settings.password_login {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "signing in and registering with a password are switched off here; sign in on the web pages with the configured provider",
        ))
    }
}

/// Sign in and get a token.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = TokenResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 429, description = "too many failed attempts; see Retry-After", body = ErrorBody)))]
pub async fn login(
    state: web::Data<Context>,
    req: HttpRequest,
    body: ApiJson<LoginRequest>,
) -> Result<HttpResponse, AppError> {
    require_password_login(&state)?;
    let body = body.0;
    let email = Email::parse(&body.email)?;
    let address = crate::http::extract::client_address(&req);
    let account = crate::app::auth::check_password(&state, &email, body.password, &address).await?;
    let (token, expires_at) = state.tokens.issue(&account)?;
    Ok(HttpResponse::Ok().json(TokenResponse { token, expires_at }))
}

/// The signed-in user and their organisation.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = MeResponse), (status = 401, body = ErrorBody)))]
pub async fn me(state: web::Data<Context>, caller: Caller) -> Result<HttpResponse, AppError> {
    let (user, organisation) = crate::app::organisations::me(&state, &caller).await?;
    let response = MeResponse { user, organisation };
    Ok(HttpResponse::Ok().json(response))
}

/// Change the password. Every token issued before stops working; a new one is returned.
#[utoipa::path(post, path = "/api/v1/me/password", tag = "auth", security(("bearer" = [])), request_body = ChangePasswordRequest,
    responses((status = 200, body = TokenResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn change_password(
    state: web::Data<Context>,
    req: HttpRequest,
    caller: Caller,
    body: ApiJson<ChangePasswordRequest>,
) -> Result<HttpResponse, AppError> {
    let body = body.0;
    let new = Password::parse_for("new_password", &body.new_password)?;
    let address = crate::http::extract::client_address(&req);
    let (token, expires_at) =
        crate::app::auth::change_password(&state, &caller, body.current_password, new, &address)
            .await?;
    Ok(HttpResponse::Ok().json(TokenResponse { token, expires_at }))
}

/// A request for a password reset link.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetRequest {
    /// The account's sign-in email.
    pub email: String,
}

/// A new password through a reset link.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetConfirm {
    /// The token from the emailed link (`/password/reset/{token}`).
    pub token: String,
    /// The new password, at least 12 characters.
    #[schema(value_type = Password, inline)]
    pub password: String,
}

/// Ask for a password reset link by email. Always 202: the answer does not say whether the
/// address has an account. At most 3 links per account per hour are sent, in English when
/// `Accept-Language` prefers it, else in Bokmål.
#[utoipa::path(post, path = "/api/v1/auth/password-reset", tag = "auth", request_body = PasswordResetRequest,
    responses((status = 202, description = "a link is on its way if the address has an account"), (status = 400, body = ErrorBody),
        (status = 429, description = "too many requests from this address; see Retry-After", body = ErrorBody)))]
pub async fn password_reset(
    state: web::Data<Context>,
    req: HttpRequest,
    body: ApiJson<PasswordResetRequest>,
) -> Result<HttpResponse, AppError> {
    let address = crate::http::extract::client_address(&req);
    // A malformed address cannot have an account; it answers as an unknown one would.
    if let Ok(email) = Email::parse(&body.0.email) {
        let lang = crate::http::extract::accept_language(&req);
        crate::app::password_reset::request(&state, email, lang, &address).await?;
    }
    Ok(HttpResponse::Accepted().json(serde_json::json!({
        "message": "if this address has an account, an email with a link is on its way"
    })))
}

/// Set a new password with a reset link's token. The link works once; every token and
/// session from before ends.
#[utoipa::path(post, path = "/api/v1/auth/password-reset/confirm", tag = "auth", request_body = PasswordResetConfirm,
    responses((status = 200, body = TokenResponse), (status = 400, description = "bad password, or a used, expired or unknown token", body = ErrorBody)))]
pub async fn password_reset_confirm(
    state: web::Data<Context>,
    body: ApiJson<PasswordResetConfirm>,
) -> Result<HttpResponse, AppError> {
    let body = body.0;
    let password = Password::parse_for("password", &body.password)?;
    let account = crate::app::password_reset::confirm(&state, body.token.trim(), password).await?;
    let (token, expires_at) = state.tokens.issue(&account)?;
    Ok(HttpResponse::Ok().json(TokenResponse { token, expires_at }))
}

/// A confirmation link's token, from the link `/confirm-email/{token}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmEmailRequest {
    /// The token of the link.
    pub token: String,
}

/// Confirm an account's email address with the token of the link sent to it. Until then the
/// account cannot send invitations, and nothing is sent to the address.
#[utoipa::path(post, path = "/api/v1/auth/confirm-email", tag = "auth", request_body = ConfirmEmailRequest,
    responses((status = 200, description = "confirmed", body = UserView), (status = 400, description = "a used, expired or unknown token", body = ErrorBody),
        (status = 415, body = ErrorBody)))]
pub async fn confirm_email(
    state: web::Data<Context>,
    body: ApiJson<ConfirmEmailRequest>,
) -> Result<HttpResponse, AppError> {
    let account = crate::app::email_confirmation::confirm(&state, body.0.token.trim()).await?;
    Ok(HttpResponse::Ok().json(UserView::from(&account)))
}

/// Send a new confirmation link to the signed-in person's address; it voids the one before. It
/// goes out in English when `Accept-Language` prefers it, else in Bokmål.
#[utoipa::path(post, path = "/api/v1/me/email-confirmation", tag = "auth", security(("bearer" = [])),
    responses((status = 202, description = "a new link is on its way"), (status = 401, body = ErrorBody),
        (status = 409, description = "the address is confirmed already", body = ErrorBody),
        (status = 429, description = "a link was sent less than a minute ago; see Retry-After", body = ErrorBody)))]
pub async fn resend_confirmation(
    state: web::Data<Context>,
    req: HttpRequest,
    caller: Caller,
) -> Result<HttpResponse, AppError> {
    let lang = crate::http::extract::accept_language(&req);
    crate::app::email_confirmation::resend(&state, &caller, lang).await?;
    Ok(HttpResponse::Accepted().json(serde_json::json!({
        "message": format!("a new confirmation link is on its way to {}", caller.email)
    })))
}

/// Routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/auth/register", web::post().to(register))
        .route("/auth/login", web::post().to(login))
        .route("/auth/password-reset", web::post().to(password_reset))
        .route(
            "/auth/password-reset/confirm",
            web::post().to(password_reset_confirm),
        )
        .route("/auth/confirm-email", web::post().to(confirm_email))
        .route(
            "/me/email-confirmation",
            web::post().to(resend_confirmation),
        )
        .route("/me", web::get().to(me))
        .route("/me/password", web::post().to(change_password));
}
