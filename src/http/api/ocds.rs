//! `/api/v1/ocds`: open data in OCDS 1.1, without sign-in.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::error::ErrorBody;
use crate::app::ocds as service;
use crate::app::Context;
use crate::error::AppError;

/// Which releases.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReleaseQuery {
    /// Only releases published from this date (`2026-01-31`) or time (RFC 3339) on.
    pub updated_from: Option<String>,
    /// The page after the one whose `links.next` gave this.
    pub cursor: Option<String>,
}

/// An OCDS release package: one release per change to a published need, joint process or
/// dialogue event, oldest first, 100 a page; `links.next` gives the next page.
#[utoipa::path(get, path = "/api/v1/ocds/releases", tag = "ocds", params(ReleaseQuery),
    responses((status = 200, description = "An OCDS 1.1 release package", body = Object, content_type = "application/json"), (status = 400, body = ErrorBody)))]
pub async fn releases(
    state: web::Data<Context>,
    query: web::Query<ReleaseQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let package = service::release_package(&state, q.updated_from, q.cursor).await?;
    Ok(HttpResponse::Ok().json(package))
}

/// An OCDS record package for one contracting process: its releases and the compiled release.
#[utoipa::path(get, path = "/api/v1/ocds/records/{ocid}", tag = "ocds",
    params(("ocid" = String, Path, description = "The contracting process's ocid")),
    responses((status = 200, description = "An OCDS 1.1 record package", body = Object, content_type = "application/json"), (status = 404, body = ErrorBody)))]
pub async fn record(
    state: web::Data<Context>,
    ocid: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let package = service::record_package(&state, &ocid.into_inner()).await?;
    Ok(HttpResponse::Ok().json(package))
}

/// Routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/ocds/releases", web::get().to(releases))
        .route("/ocds/records/{ocid}", web::get().to(record));
}
