//! The notification pages: the list at `/notifications` (newest first, marked read one by one or
//! all at once), the email switches at `/account/notifications`, and the interest forms of a
//! need's page.

use std::collections::BTreeMap;

use actix_web::{web, HttpResponse};
use minijinja::context;
use serde::Deserialize;

use super::error::WebError;
use super::render::{self, see_other};
use super::session::{Form, Visitor};
use crate::app::needs::interest;
use crate::app::notifications as service;
use crate::app::page::PageQuery;
use crate::app::Context;

/// `?page=` of the list.
#[derive(Debug, Deserialize)]
pub struct ListQuery {
    pub page: Option<i64>,
}

/// The signed-in user's notifications.
pub async fn list(
    state: web::Data<Context>,
    v: Visitor,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, WebError> {
    let user = v.require_user()?.clone();
    let spec = PageQuery {
        page: q.page.map(|p| p.max(1)),
        per_page: Some(50),
    }
    .resolve()?;
    let page = service::list(&state, &user.caller, spec).await?;
    render::ok(&v, "notifications.html", context! { page => page })
}

fn parse_id(id: &str) -> Result<String, WebError> {
    uuid::Uuid::parse_str(id.trim())
        .map(|u| u.to_string())
        .map_err(|_| WebError::NotFound)
}

/// Marks one notification read.
pub async fn read(
    state: web::Data<Context>,
    v: Visitor,
    id: web::Path<String>,
    Form(_): Form<BTreeMap<String, String>>,
) -> Result<HttpResponse, WebError> {
    let user = v.require_user()?.clone();
    let id = parse_id(&id)?;
    service::mark_read(&state, &user.caller, &id).await?;
    Ok(see_other("/notifications"))
}

/// Marks every notification read.
pub async fn read_all(
    state: web::Data<Context>,
    v: Visitor,
    Form(_): Form<BTreeMap<String, String>>,
) -> Result<HttpResponse, WebError> {
    let user = v.require_user()?.clone();
    service::mark_all_read(&state, &user.caller).await?;
    Ok(see_other("/notifications"))
}

/// `?saved=1` after saving the switches.
#[derive(Debug, Deserialize)]
pub struct SavedQuery {
    pub saved: Option<String>,
}

/// The email switches, one per kind the user's organisation gets.
pub async fn settings_form(
    state: web::Data<Context>,
    v: Visitor,
    q: web::Query<SavedQuery>,
) -> Result<HttpResponse, WebError> {
    let user = v.require_user()?.clone();
    let settings = service::email_settings(&state, &user.caller).await?;
    render::ok(
        &v,
        "notification_settings.html",
        context! { settings => settings, saved => q.saved.is_some() },
    )
}

/// The switches as posted: the kinds whose box is ticked.
#[derive(Debug, Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    pub email: Vec<String>,
}

/// Saves the switches: ticked kinds on, the others off.
pub async fn save_settings(
    state: web::Data<Context>,
    v: Visitor,
    Form(f): Form<SettingsForm>,
) -> Result<HttpResponse, WebError> {
    let user = v.require_user()?.clone();
    let current = service::email_settings(&state, &user.caller).await?;
    let changes = current
        .into_iter()
        .map(|s| {
            let on = f.email.contains(&s.kind);
            (s.kind, on)
        })
        .collect();
    service::set_email_settings(&state, &user.caller, changes).await?;
    Ok(see_other("/account/notifications?saved=1"))
}

/// The interest form of a need's page.
#[derive(Debug, Deserialize)]
pub struct InterestForm {
    pub comment: Option<String>,
}

/// Registers interest in a need, or changes its comment (suppliers and clusters).
pub async fn register_interest(
    state: web::Data<Context>,
    v: Visitor,
    id: web::Path<String>,
    Form(f): Form<InterestForm>,
) -> Result<HttpResponse, WebError> {
    let user = v.require_user()?.clone();
    let id = parse_id(&id)?;
    interest::register_interest(&state, &user.caller, &id, f.comment).await?;
    Ok(see_other(&format!("/needs/{id}#interest")))
}

/// Withdraws interest in a need.
pub async fn withdraw_interest(
    state: web::Data<Context>,
    v: Visitor,
    id: web::Path<String>,
    Form(_): Form<BTreeMap<String, String>>,
) -> Result<HttpResponse, WebError> {
    let user = v.require_user()?.clone();
    let id = parse_id(&id)?;
    interest::withdraw_interest(&state, &user.caller, &id).await?;
    Ok(see_other(&format!("/needs/{id}#interest")))
}

/// Routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/notifications", web::get().to(list))
        .route("/notifications/read", web::post().to(read_all))
        .route("/notifications/{id}/read", web::post().to(read))
        .route("/account/notifications", web::get().to(settings_form))
        .route("/account/notifications", web::post().to(save_settings))
        .route("/needs/{id}/interest", web::post().to(register_interest))
        .route(
            "/needs/{id}/interest/withdraw",
            web::post().to(withdraw_interest),
        );
}
