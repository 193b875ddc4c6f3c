//! `/api/v1/admin`: the state of the service, for programme administrators.

use actix_web::{web, HttpResponse};

use super::error::ErrorBody;
use crate::app::approvals::{self, PendingBuyer};
use crate::app::organisations::OrganisationView;
use crate::app::programme::{self, IndexReport};
use crate::app::Context;
use crate::caller::Caller;
use crate::error::AppError;

/// The search index's state (administrators).
#[utoipa::path(get, path = "/api/v1/admin/index", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = IndexReport), (status = 403, body = ErrorBody)))]
pub async fn index(state: web::Data<Context>, caller: Caller) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(programme::index_report(&state, &caller).await?))
}

/// Buyers awaiting approval, oldest first (administrators).
#[utoipa::path(get, path = "/api/v1/admin/organisations/pending", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Vec<PendingBuyer>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn pending(state: web::Data<Context>, caller: Caller) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(approvals::pending(&state, &caller).await?))
}

/// Approve a pending buyer, so that it may publish, invite and send email (administrators).
#[utoipa::path(post, path = "/api/v1/admin/organisations/{id}/approve", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Organisation id")),
    responses((status = 200, body = OrganisationView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, description = "not pending", body = ErrorBody)))]
pub async fn approve(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(approvals::approve(&state, &caller, &id).await?))
}

/// Routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/index", web::get().to(index))
        .route("/admin/organisations/pending", web::get().to(pending))
        .route("/admin/organisations/{id}/approve", web::post().to(approve));
}
