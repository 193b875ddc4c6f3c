//! `/api/v1/admin`: the state of the service, for programme administrators.

use actix_web::{web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use super::error::ErrorBody;
use crate::app::Context;
use crate::caller::Caller;
use crate::error::AppError;
use crate::search::IndexStatus;

/// The search index and its queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndexReport {
    /// The index.
    #[serde(flatten)]
    pub status: IndexStatus,
    /// Committed changes not yet in this node's index.
    pub queue_depth: i64,
}

/// The search index's state (administrators).
#[utoipa::path(get, path = "/api/v1/admin/index", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = IndexReport), (status = 403, body = ErrorBody)))]
pub async fn index(state: web::Data<Context>, caller: Caller) -> Result<HttpResponse, AppError> {
    if !caller.is_admin() {
        return Err(AppError::forbidden(
            "only programme administrators can see this",
        ));
    }
    let status = state.index.status();
    let applied = status.applied_seq;
    let queue_depth = state
        .db
        .run(move |conn| crate::db::index_queue::depth_after(conn, applied).map_err(AppError::from))
        .await?;
    Ok(HttpResponse::Ok().json(IndexReport {
        status,
        queue_depth,
    }))
}

/// Routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/index", web::get().to(index));
}
