//! `/api/v1/admin`: the state of the service, for programme administrators.

use actix_web::{web, HttpResponse};

use super::error::ErrorBody;
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

/// Routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/index", web::get().to(index));
}
