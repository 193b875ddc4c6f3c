//! The JSON API under `/api/v1`. Handlers parse and authorise; the capability modules decide.

pub mod admin;
pub mod auth;
pub mod capabilities;
pub mod contracts;
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
pub mod ocds;
pub mod openapi;
pub mod organisations;
pub mod privacy;
pub mod processes;
pub mod radar;
pub mod rsvp;
pub mod solutions;
pub mod spreadsheet;

use std::sync::OnceLock;

use crate::error::AppError;
use actix_web::{web, HttpRequest, HttpResponse};

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
            .configure(contracts::routes)
            .configure(radar::routes)
            .configure(ocds::routes)
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

/// Unknown paths answer in the API's error shape; a known path asked with a method it does not
/// have answers 405 with the methods it has in `Allow`, as HTTP asks.
pub async fn not_found(req: HttpRequest) -> Result<HttpResponse, AppError> {
    let allowed = allowed_methods(req.path());
    if !allowed.is_empty() {
        return Ok(error::method_not_allowed(req.method(), &allowed));
    }
    Err(AppError::not_found(
        "no such endpoint; see /api/v1/openapi.json",
    ))
}

/// A documented path, split into segments (`None` for a `{parameter}`), with its methods.
type Route = (Vec<Option<String>>, Vec<&'static str>);

/// The methods documented for `path`. Every route is in the OpenAPI document (a test checks
/// that none is missing), so it serves as the routing table: actix registers each route as its
/// own resource and, when only the method differs, falls through to the default service.
fn allowed_methods(path: &str) -> Vec<&'static str> {
    static ROUTES: OnceLock<Vec<Route>> = OnceLock::new();
    let routes = ROUTES.get_or_init(|| {
        use utoipa::OpenApi;
        openapi::ApiDoc::openapi()
            .paths
            .paths
            .iter()
            .map(|(template, item)| {
                let segments = template
                    .split('/')
                    .map(|s| (!s.starts_with('{')).then(|| s.to_owned()))
                    .collect();
                let methods = [
                    ("GET", item.get.is_some()),
                    ("PUT", item.put.is_some()),
                    ("POST", item.post.is_some()),
                    ("DELETE", item.delete.is_some()),
                    ("PATCH", item.patch.is_some()),
                ]
                .into_iter()
                .filter_map(|(m, present)| present.then_some(m))
                .collect();
                (segments, methods)
            })
            .collect()
    });
    let asked: Vec<&str> = path.split('/').collect();
    let mut allowed: Vec<&'static str> = routes
        .iter()
        .filter(|(segments, _)| {
            segments.len() == asked.len()
                && segments.iter().zip(&asked).all(|(s, a)| match s {
                    Some(literal) => literal == a,
                    None => !a.is_empty(),
                })
        })
        .flat_map(|(_, methods)| methods.iter().copied())
        .collect();
    allowed.sort_unstable();
    allowed.dedup();
    allowed
}
