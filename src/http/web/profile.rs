//! The visitor's own account: a forgotten password (`/password/forgot`, `/password/reset/{token}`)
//! and the account page (`/account`: name, password, signing out elsewhere).

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use minijinja::context;
use serde::Deserialize;

use super::error::WebError;
use super::forms::form_errors;
use super::render::{self, see_other};
use super::session::{self, Form, Visitor};
use crate::app::Context;
use crate::domain::{Email, Password, Problem};
use crate::error::AppError;

/// Page routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/password/forgot", web::get().to(forgot_form))
        .route("/password/forgot", web::post().to(forgot))
        .route("/password/reset/{token}", web::get().to(reset_form))
        .route("/password/reset/{token}", web::post().to(reset))
        .route("/account", web::get().to(account))
        .route("/account/name", web::post().to(rename))
        .route("/account/password", web::post().to(change_password))
        .route("/account/sessions", web::post().to(end_other_sessions))
        .route("/confirm-email/{token}", web::get().to(confirm_email))
        .route(
            "/account/confirm-email",
            web::post().to(resend_confirmation),
        );
}

/// Opens a confirmation link: confirms the address and goes on to the account page (or the
/// sign-in page, for someone not signed in), or shows why the link does not work.
pub async fn confirm_email(
    state: web::Data<Context>,
    v: Visitor,
    token: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    match crate::app::email_confirmation::confirm(&state, token.trim()).await {
        Ok(_) => {
            let to = if v.user.is_some() {
                "/account"
            } else {
                "/login"
            };
            Ok(render::see_other_with(&v, to, "email_confirmed"))
        }
        Err(AppError::Validation(_)) => render::page(
            &v,
            StatusCode::BAD_REQUEST,
            "confirm_email.html",
            context! { signed_in => v.user.is_some() },
        ),
        Err(e) => Err(e.into()),
    }
}

/// Sends the signed-in person a new confirmation link.
pub async fn resend_confirmation(
    state: web::Data<Context>,
    v: Visitor,
    Form(_f): Form<BTreeMap<String, String>>,
) -> Result<HttpResponse, WebError> {
    let user = v.require_user()?;
    match crate::app::email_confirmation::resend(&state, &user.caller, v.lang).await {
        Ok(()) => Ok(render::see_other_with(&v, "/account", "confirmation_sent")),
        // Back to the page, which says a link is on its way already.
        Err(AppError::TooManyRequests { .. }) => {
            Ok(render::see_other_with(&v, "/account", "confirmation_wait"))
        }
        Err(e) => Err(e.into()),
    }
}

/// The forgotten-password form.
#[derive(Debug, Default, Deserialize)]
pub struct ForgotForm {
    pub email: Option<String>,
}

fn forgot_page(
    v: &Visitor,
    status: StatusCode,
    email: &str,
    sent: bool,
    errors: BTreeMap<String, String>,
) -> Result<HttpResponse, WebError> {
    render::page(
        v,
        status,
        "password_forgot.html",
        context! { email => email, sent => sent, errors => errors },
    )
}

/// The page to ask for a reset link.
pub async fn forgot_form(v: Visitor) -> Result<HttpResponse, WebError> {
    forgot_page(&v, StatusCode::OK, "", false, BTreeMap::new())
}

/// Asks for a reset link; the answer is the same whether the address is known or not.
pub async fn forgot(
    state: web::Data<Context>,
    v: Visitor,
    req: HttpRequest,
    Form(f): Form<ForgotForm>,
) -> Result<HttpResponse, WebError> {
    let raw = f.email.unwrap_or_default();
    let email = match Email::parse(&raw) {
        Ok(email) => email,
        Err(e) => {
            let errors = form_errors(v.lang, e)?;
            return forgot_page(&v, StatusCode::BAD_REQUEST, &raw, false, errors);
        }
    };
    let address = crate::http::extract::client_address(&req);
    crate::app::password_reset::request(&state, email, v.lang, &address).await?;
    forgot_page(&v, StatusCode::OK, &raw, true, BTreeMap::new())
}

/// The new-password form.
#[derive(Debug, Default, Deserialize)]
pub struct ResetForm {
    pub password: Option<String>,
    pub password_again: Option<String>,
}

fn reset_page(
    v: &Visitor,
    status: StatusCode,
    token: &str,
    valid: bool,
    errors: BTreeMap<String, String>,
) -> Result<HttpResponse, WebError> {
    render::page(
        v,
        status,
        "password_reset.html",
        context! { token => token, valid => valid, errors => errors },
    )
}

/// The page behind a reset link: the new-password form, or what to do when the link is spent.
pub async fn reset_form(
    state: web::Data<Context>,
    v: Visitor,
    token: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let valid = crate::app::password_reset::link_is_valid(&state, &token).await?;
    let status = if valid {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    reset_page(&v, status, &token, valid, BTreeMap::new())
}

/// Sets the new password, then sends the visitor to sign in with it.
pub async fn reset(
    state: web::Data<Context>,
    v: Visitor,
    token: web::Path<String>,
    Form(f): Form<ResetForm>,
) -> Result<HttpResponse, WebError> {
    let password = f.password.unwrap_or_default();
    let parsed = Password::parse_for("password", &password).map_err(AppError::from);
    let result =
        match parsed {
            Ok(_) if f.password_again.as_deref() != Some(password.as_str()) => Err(
                AppError::invalid("password_again", Problem::Mismatch, "the passwords differ"),
            ),
            Ok(p) => crate::app::password_reset::confirm(&state, &token, p)
                .await
                .map(|_| ()),
            Err(e) => Err(e),
        };
    match result {
        Ok(()) => {
            // The visitor's own session ended with the others.
            render::with_cookies(see_other("/login?reset=1"), &v.sign_out_cookies())
        }
        Err(e) => {
            let token_bad = matches!(&e, AppError::Validation(problems) if problems.iter().any(|p| p.field == "token"));
            let errors = form_errors(v.lang, e)?;
            reset_page(&v, StatusCode::BAD_REQUEST, &token, !token_bad, errors)
        }
    }
}

/// `?done=` after a change on the account page.
#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    pub done: Option<String>,
}

fn account_page(
    v: &Visitor,
    status: StatusCode,
    done: Option<&str>,
    errors: BTreeMap<String, String>,
) -> Result<HttpResponse, WebError> {
    let user = v.require_user()?;
    let notice = done
        .filter(|d| matches!(*d, "name" | "password" | "sessions" | "owner"))
        .map(|d| {
            super::i18n::words()
                .get(v.lang, &format!("profile.done.{d}"))
                .to_owned()
        });
    render::page(
        v,
        status,
        "account.html",
        context! {
            account => context! {
                name => user.caller.name,
                email => user.caller.email,
                role => user.caller.role.as_str(),
                organisation => user.organisation.as_ref().map(|o| o.name.clone()),
                email_confirmed => user.caller.email_confirmed,
            },
            notice => notice,
            errors => errors,
        },
    )
}

/// The account page.
pub async fn account(v: Visitor, q: web::Query<DoneQuery>) -> Result<HttpResponse, WebError> {
    account_page(&v, StatusCode::OK, q.done.as_deref(), BTreeMap::new())
}

/// The name form.
#[derive(Debug, Deserialize)]
pub struct NameForm {
    pub name: Option<String>,
}

/// Changes the display name.
pub async fn rename(
    state: web::Data<Context>,
    v: Visitor,
    Form(f): Form<NameForm>,
) -> Result<HttpResponse, WebError> {
    let user = v.require_user()?;
    match crate::app::accounts::rename(&state, &user.caller, f.name.as_deref().unwrap_or("")).await
    {
        Ok(()) => Ok(see_other("/account?done=name")),
        Err(e) => {
            let errors = form_errors(v.lang, e)?;
            account_page(&v, StatusCode::BAD_REQUEST, None, errors)
        }
    }
}

/// The password form.
#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    pub current_password: Option<String>,
    pub new_password: Option<String>,
    pub new_password_again: Option<String>,
}

/// Changes the password: checked against the current one (with the sign-in limits); every other
/// session and token ends, and this browser gets a new session.
pub async fn change_password(
    state: web::Data<Context>,
    v: Visitor,
    req: HttpRequest,
    Form(f): Form<PasswordForm>,
) -> Result<HttpResponse, WebError> {
    let user = v.require_user()?;
    let new = f.new_password.unwrap_or_default();
    let result = match Password::parse_for("new_password", &new) {
        Ok(_) if f.new_password_again.as_deref() != Some(new.as_str()) => Err(AppError::invalid(
            "new_password_again",
            Problem::Mismatch,
            "the passwords differ",
        )),
        Ok(p) => {
            let address = crate::http::extract::client_address(&req);
            crate::app::auth::replace_password(
                &state,
                &user.caller,
                f.current_password.unwrap_or_default(),
                p,
                &address,
            )
            .await
        }
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(account) => {
            session::end_session(&state, &req).await?;
            let cookies = v.sign_in(&state, account).await?;
            render::with_cookies(see_other("/account?done=password"), &cookies)
        }
        Err(e) => {
            let errors = form_errors(v.lang, e)?;
            account_page(&v, StatusCode::BAD_REQUEST, None, errors)
        }
    }
}

/// Signs out every other browser and ends every API token, keeping this session.
pub async fn end_other_sessions(
    state: web::Data<Context>,
    v: Visitor,
    req: HttpRequest,
    Form(_): Form<BTreeMap<String, String>>,
) -> Result<HttpResponse, WebError> {
    let user = v.require_user()?;
    let keep = session::current_session_hash(&req).ok_or(WebError::Forbidden)?;
    crate::app::auth::end_other_sessions(&state, &user.caller, keep).await?;
    Ok(see_other("/account?done=sessions"))
}
