//! `/api/v1/solutions`: solutions that joint processes delivered, and who adopts them.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use super::error::ErrorBody;
use super::json::ApiJson;
use crate::app::page::{Page, PageQuery};
use crate::app::solutions::{self as service, Benefit, NewSolution, SolutionView};
use crate::app::Context;
use crate::caller::Caller;
use crate::error::AppError;

/// A new solution.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SolutionCreate {
    pub process_id: String,
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    #[schema(min_length = 1, max_length = 20000)]
    pub description: String,
    /// The supplying organisations.
    #[schema(min_items = 1)]
    pub supplier_ids: Vec<String>,
    /// What it achieves, as numbers with units and a basis.
    #[serde(default)]
    #[schema(max_items = 50)]
    pub benefits: Vec<Benefit>,
}

/// A buyer's adoption.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdoptionCreate {
    /// `adopted` or `planned`.
    #[schema(value_type = crate::domain::process::AdoptionStatus, inline)]
    pub status: String,
    #[schema(max_length = 5000)]
    pub note: Option<String>,
}

/// Register a process's solution (the lead, from the contract phase on).
#[utoipa::path(post, path = "/api/v1/solutions", tag = "solutions", security(("bearer" = [])), request_body = SolutionCreate,
    responses((status = 201, body = SolutionView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create(
    state: web::Data<Context>,
    caller: Caller,
    body: ApiJson<SolutionCreate>,
) -> Result<HttpResponse, AppError> {
    let b = body.0;
    let new = NewSolution {
        process_id: b.process_id,
        title: b.title,
        description: b.description,
        supplier_ids: b.supplier_ids,
        benefits: b.benefits,
    };
    let view = service::register(&state, &caller, new).await?;
    Ok(HttpResponse::Created().json(view))
}

/// A solution and its adoptions.
#[utoipa::path(get, path = "/api/v1/solutions/{id}", tag = "solutions", security(("bearer" = [])),
    responses((status = 200, body = SolutionView), (status = 404, body = ErrorBody)))]
pub async fn get(
    state: web::Data<Context>,
    _caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, AppError> {
    let view = service::view(&state, &id.into_inner().to_string()).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Pagination for solutions.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SolutionListQuery {
    /// Page number, from 1.
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// Items per page, 1 to 100.
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// All solutions, newest first.
#[utoipa::path(get, path = "/api/v1/solutions", tag = "solutions", security(("bearer" = [])), params(SolutionListQuery),
    responses((status = 200, body = Page<SolutionView>)))]
pub async fn list(
    state: web::Data<Context>,
    _caller: Caller,
    query: web::Query<SolutionListQuery>,
) -> Result<HttpResponse, AppError> {
    let page = PageQuery {
        page: query.page,
        per_page: query.per_page,
    }
    .resolve()?;
    let result = service::page(&state, page).await?;
    Ok(HttpResponse::Ok().json(result))
}

/// Record that your organisation adopted or plans to adopt a solution (buyers).
#[utoipa::path(post, path = "/api/v1/solutions/{id}/adoptions", tag = "solutions", security(("bearer" = [])), request_body = AdoptionCreate,
    responses((status = 201, body = SolutionView), (status = 200, description = "changed", body = SolutionView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn adopt(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    body: ApiJson<AdoptionCreate>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner().to_string();
    let b = body.0;
    let (created, view) = service::adopt_solution(&state, &caller, &id, b.status, b.note).await?;
    Ok(if created {
        HttpResponse::Created().json(view)
    } else {
        HttpResponse::Ok().json(view)
    })
}

/// Routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/solutions", web::post().to(create))
        .route("/solutions", web::get().to(list))
        .route("/solutions/{id}", web::get().to(get))
        .route("/solutions/{id}/adoptions", web::post().to(adopt));
}
