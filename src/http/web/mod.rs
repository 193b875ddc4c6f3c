//! The web pages: server-rendered from `templates/pages/`, in Bokmål with English available,
//! working without JavaScript. Handlers here parse forms and authorize through the same domain
//! functions as the JSON API, so the two can never disagree on who may see what.

pub mod account;
pub mod admin;
pub mod browse;
pub mod capabilities;
pub mod cluster;
pub mod contracts;
pub mod documents;
pub mod error;
pub mod events;
pub mod format;
pub mod forms;
pub mod home;
pub mod i18n;
pub mod indicators;
pub mod meetings;
pub mod needs;
pub mod notifications;
pub mod oidc;
pub mod picker;
pub mod privacy;
pub mod processes;
pub mod profile;
pub mod public;
pub mod radar;
pub mod render;
pub mod session;
pub mod team;

use actix_web::http::header;
use actix_web::{web, HttpResponse};

const STYLESHEET: &str = include_str!("../../../templates/static/style.css");

/// The one stylesheet.
pub async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(STYLESHEET)
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
        .configure(browse::routes)
        .configure(notifications::routes)
        .configure(needs::routes)
        .configure(capabilities::routes)
        .configure(processes::routes)
        .configure(documents::routes)
        .configure(events::routes)
        .configure(meetings::routes)
        .configure(public::routes)
        .configure(indicators::routes)
        .configure(radar::routes)
        .configure(contracts::routes)
        .configure(admin::routes)
        .configure(cluster::routes)
        .configure(profile::routes)
        .configure(privacy::routes)
        .configure(oidc::routes)
        .configure(team::routes);
}
