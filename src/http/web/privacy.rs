//! The visitor's own data on the pages (`/account/export`, `/account/delete`), and the privacy
//! and accessibility statements (`/personvern`, `/tilgjengelighet`), linked from every footer.

use std::collections::BTreeMap;

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use minijinja::context;

use super::error::WebError;
use super::render::{self, see_other};
use super::session::{Form, Visitor};
use crate::app::{privacy, Context};
use crate::domain::Lang;
use crate::error::AppError;

/// Page routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/account/export", web::get().to(export))
        .route("/account/delete", web::post().to(delete))
        .route("/personvern", web::get().to(privacy_statement))
        .route("/privacy", web::get().to(privacy_statement))
        .route("/tilgjengelighet", web::get().to(accessibility_statement))
        .route("/accessibility", web::get().to(accessibility_statement));
}

/// Downloads everything innolift holds about the signed-in person, as the API gives it.
pub async fn export(state: web::Data<Context>, v: Visitor) -> Result<HttpResponse, WebError> {
    let user = v.require_user()?;
    let data = privacy::export(&state, &user.caller).await?;
    let body = serde_json::to_string_pretty(&data).map_err(|e| WebError::Internal(e.into()))?;
    Ok(HttpResponse::Ok()
        .content_type("application/json; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"innolift-mine-data.json\"",
        ))
        .body(body))
}

/// Deletes the signed-in person's account once they ticked the confirmation, and signs out.
pub async fn delete(
    state: web::Data<Context>,
    v: Visitor,
    Form(f): Form<BTreeMap<String, String>>,
) -> Result<HttpResponse, WebError> {
    let user = v.require_user()?;
    if f.get("confirm").map(String::as_str) != Some("yes") {
        return Err(AppError::validation(
            "confirm",
            "tick the box to confirm that the account is to be deleted",
        )
        .into());
    }
    privacy::delete(&state, &user.caller).await?;
    let mut cookies = v.sign_out_cookies();
    cookies.push(v.flash_cookie("account_deleted"));
    render::with_cookies(see_other("/"), &cookies)
}

fn statement(state: &Context, v: &Visitor, name: &str) -> Result<HttpResponse, WebError> {
    let lang = match v.lang {
        Lang::En => "en",
        Lang::Nb => "nb",
    };
    // The deployment's own sender address is where questions about the service go.
    let contact = state
        .settings
        .mail_from
        .parse::<lettre::message::Mailbox>()
        .map(|m| m.email.to_string())
        .unwrap_or_default();
    render::ok(
        v,
        &format!("{name}.{lang}.html"),
        context! { contact => contact, retention_months => state.settings.retention_months },
    )
}

/// The privacy statement, in the visitor's language.
pub async fn privacy_statement(
    state: web::Data<Context>,
    v: Visitor,
) -> Result<HttpResponse, WebError> {
    statement(&state, &v, "privacy")
}

/// The accessibility statement (tilgjengelighetserklæring), in the visitor's language.
pub async fn accessibility_statement(
    state: web::Data<Context>,
    v: Visitor,
) -> Result<HttpResponse, WebError> {
    statement(&state, &v, "accessibility")
}
