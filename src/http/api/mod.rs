//! The JSON API under `/api/v1`. Handlers parse and authorise; the capability modules decide.

pub mod admin;
pub mod auth;
pub mod capabilities;
pub mod cpv;
pub mod dialogues;
pub mod documents;
pub mod error;
pub mod health;
pub mod indicators;
pub mod json;
pub mod lifts;
pub mod matching;
pub mod meetings;
pub mod needs;
pub mod notices;
pub mod notifications;
pub mod openapi;
pub mod organisations;
pub mod privacy;
pub mod processes;
pub mod rsvp;
pub mod solutions;
pub mod spreadsheet;

use crate::error::AppError;
use actix_web::{web, HttpResponse};

/// Every API route, mounted under `/api/v1`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1")
            .configure(auth::routes)
            .configure(privacy::routes)
            .configure(organisations::routes)
            .configure(matching::routes)
            .configure(needs::routes)
            .configure(capabilities::routes)
            .configure(cpv::routes)
            .configure(admin::routes)
            .configure(processes::routes)
            .configure(lifts::routes)
            .configure(solutions::routes)
            .configure(dialogues::routes)
            .configure(documents::routes)
            .configure(meetings::routes)
            .configure(rsvp::routes)
            .configure(notices::routes)
            .configure(notifications::routes)
            .configure(indicators::routes)
            .default_service(web::to(not_found)),
    );
}

/// Unknown paths answer in the API's error shape.
pub async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::not_found(
        "no such endpoint; see /api/v1/openapi.json",
    ))
}
