//! `/capabilities/{id}/alerts`, the caller's digest settings, and running the digest now
//! (programme staff).

use super::error::ErrorBody;
use super::json::ApiJson;
use crate::app::notices::digest::{self, Alerts, DigestSettings};
use crate::app::Context;
use crate::caller::Caller;
use crate::error::AppError;
use actix_web::{web, HttpResponse};

/// New notices matching a capability, above its organisation's threshold (its own
/// organisation and programme staff).
#[utoipa::path(get, path = "/api/v1/capabilities/{id}/alerts", tag = "notices", security(("bearer" = [])),
    responses((status = 200, body = Alerts), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn alerts(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, AppError> {
    let result = digest::alerts(&state, &caller, &id.into_inner().to_string()).await?;
    Ok(HttpResponse::Ok().json(result))
}

/// The caller's organisation's digest settings.
#[utoipa::path(get, path = "/api/v1/digest", tag = "notices", security(("bearer" = [])),
    responses((status = 200, body = DigestSettings), (status = 403, body = ErrorBody)))]
pub async fn get_digest(
    state: web::Data<Context>,
    caller: Caller,
) -> Result<HttpResponse, AppError> {
    let settings = digest::settings(&state, &caller).await?;
    Ok(HttpResponse::Ok().json(settings))
}

/// Changes the caller's organisation's digest settings (its owner).
#[utoipa::path(put, path = "/api/v1/digest", tag = "notices", security(("bearer" = [])), request_body = DigestSettings,
    responses((status = 200, body = DigestSettings), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn put_digest(
    state: web::Data<Context>,
    caller: Caller,
    body: ApiJson<DigestSettings>,
) -> Result<HttpResponse, AppError> {
    let settings = digest::save_settings(&state, &caller, body.0).await?;
    Ok(HttpResponse::Ok().json(settings))
}

/// Runs the digest now, as the daily worker does (programme staff).
#[utoipa::path(post, path = "/api/v1/admin/digest", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = inline(Object)), (status = 403, body = ErrorBody)))]
pub async fn run_digest(
    state: web::Data<Context>,
    caller: Caller,
) -> Result<HttpResponse, AppError> {
    let report = digest::run_now(&state, &caller).await?;
    Ok(HttpResponse::Ok().json(report))
}

/// Routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/capabilities/{id}/alerts", web::get().to(alerts))
        .route("/digest", web::get().to(get_digest))
        .route("/digest", web::put().to(put_digest))
        .route("/admin/digest", web::post().to(run_digest));
}
