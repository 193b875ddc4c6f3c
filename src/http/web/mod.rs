//! The web pages: server-rendered from `templates/pages/`, in Bokmål with English available,
//! working without JavaScript. Handlers here parse forms and authorize through the same domain
//! functions as the JSON API, so the two can never disagree on who may see what.

pub mod account;
pub mod admin;
pub mod capabilities;
pub mod cluster;
pub mod error;
pub mod home;
pub mod i18n;
pub mod indicators;
pub mod needs;
pub mod picker;
pub mod processes;
pub mod public;
pub mod render;
pub mod session;

use std::collections::BTreeMap;

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use minijinja::{context, Value};

use self::error::WebError;
use self::i18n::Lang;
use crate::error::AppError;

const STYLESHEET: &str = include_str!("../../../templates/static/style.css");

/// The one stylesheet.
pub async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(STYLESHEET)
}

/// A path on this site, safe to redirect to (not `//host` or a full URL).
pub fn local_path(next: Option<&str>) -> Option<&str> {
    next.filter(|n| {
        n.starts_with('/')
            && !n.starts_with("//")
            && !n.starts_with("/\\")
            && !n.contains(['\r', '\n'])
    })
}

/// Options for a `<select>`: each value with its label from `{prefix}.{value}`.
pub fn options(lang: Lang, prefix: &str, values: &[&str]) -> Vec<Value> {
    values
        .iter()
        .map(|v| {
            context! { value => v, label => i18n::words().get(lang, &format!("{prefix}.{v}")).to_owned() }
        })
        .collect()
}

/// The counties, for a `<select>`.
pub fn counties() -> Vec<Value> {
    crate::domain::organisation::COUNTIES
        .iter()
        .map(|(code, name)| context! { value => code, label => name })
        .collect()
}

/// Field errors for a form from a validation error; other errors pass through.
pub fn form_errors(
    lang: Lang,
    e: impl Into<AppError>,
) -> Result<BTreeMap<String, String>, WebError> {
    let prefix = i18n::words().get(lang, "common.invalid");
    match e.into() {
        AppError::Validation { field, message } | AppError::Conflict { field, message } => {
            let field = field.unwrap_or_else(|| "form".to_owned());
            let text = match lang {
                Lang::Nb => format!("{prefix} ({message})"),
                Lang::En => message,
            };
            Ok(BTreeMap::from([(field, text)]))
        }
        other => Err(other.into()),
    }
}

/// Every page route.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/static/style.css", web::get().to(stylesheet))
        .route("/", web::get().to(home::front))
        .route("/dashboard", web::get().to(home::dashboard))
        .route("/digest", web::post().to(home::save_digest))
        .route("/login", web::get().to(account::login_form))
        .route("/login", web::post().to(account::login))
        .route("/logout", web::post().to(account::logout))
        .route("/register", web::get().to(account::register_form))
        .route("/register", web::post().to(account::register))
        .route("/lang/{code}", web::get().to(account::switch_lang))
        .configure(needs::routes)
        .configure(capabilities::routes)
        .configure(processes::routes)
        .configure(public::routes)
        .configure(indicators::routes)
        .configure(admin::routes)
        .configure(cluster::routes);
}
