//! `/api/v1/me/export` and `DELETE /api/v1/me`: a person's own data.

use actix_web::{http::header, web, HttpResponse};

use super::error::ErrorBody;
use crate::app::{privacy, Context};
use crate::caller::Caller;
use crate::error::AppError;

/// Everything innolift holds about the signed-in person, as JSON: account, sessions, answers,
/// questions and comments they sent, notifications, and the emails sent to them (headers and
/// hashes).
#[utoipa::path(get, path = "/api/v1/me/export", tag = "auth", security(("bearer" = [])),
    responses((status = 200, description = "the person's data", body = Object), (status = 401, body = ErrorBody)))]
pub async fn export(state: web::Data<Context>, caller: Caller) -> Result<HttpResponse, AppError> {
    let data = privacy::export(&state, &caller).await?;
    Ok(HttpResponse::Ok()
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"innolift-mine-data.json\"",
        ))
        .json(data))
}

/// Delete the signed-in person's account and sessions, and anonymise what they sent. The
/// records of what was sent keep their hashes and times, not the name or address.
#[utoipa::path(delete, path = "/api/v1/me", tag = "auth", security(("bearer" = [])),
    responses((status = 204, description = "deleted"), (status = 401, body = ErrorBody),
        (status = 409, description = "the person owns an organisation: hand it over first", body = ErrorBody)))]
pub async fn delete(state: web::Data<Context>, caller: Caller) -> Result<HttpResponse, AppError> {
    privacy::delete(&state, &caller).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/me/export", web::get().to(export))
        .route("/me", web::delete().to(delete));
}
