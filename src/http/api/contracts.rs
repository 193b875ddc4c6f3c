//! `/api/v1/contracts`: buyers' running contracts, which the joint-buying radar reads.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use super::error::ErrorBody;
use super::json::ApiJson;
use crate::app::contracts::{self as service, ContractView, NewContract};
use crate::app::page::{Page, PageQuery};
use crate::app::Context;
use crate::caller::Caller;
use crate::domain::{County, CpvCode};
use crate::error::AppError;

/// A running contract.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContractCreate {
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// What the contract buys, as CPV codes.
    #[schema(value_type = Vec<CpvCode>, inline, min_items = 1, max_items = 50)]
    pub cpv_codes: Vec<String>,
    /// County numbers where it is delivered; none for the whole country.
    #[serde(default)]
    #[schema(value_type = Vec<County>, inline)]
    pub counties: Vec<String>,
    /// When it started, `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub starts_at: Option<String>,
    /// When it ends without renewal, `YYYY-MM-DD`; at most 30 years ahead.
    #[schema(format = Date)]
    pub ends_at: String,
    /// The last possible end date with every renewal option used, `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub renewal_options: Option<String>,
    /// The contract's value in NOK.
    #[schema(minimum = 0)]
    pub value: Option<i64>,
    /// Let other buyers see it named on the radar (default: no).
    #[serde(default)]
    pub shared: bool,
}

/// Register a running contract (buyers). Private to the buyer and programme staff unless
/// `shared`.
#[utoipa::path(post, path = "/api/v1/contracts", tag = "contracts", security(("bearer" = [])), request_body = ContractCreate,
    responses((status = 201, body = ContractView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create(
    state: web::Data<Context>,
    caller: Caller,
    body: ApiJson<ContractCreate>,
) -> Result<HttpResponse, AppError> {
    let b = body.0;
    let new = NewContract {
        title: b.title,
        cpv_codes: b.cpv_codes,
        counties: b.counties,
        starts_at: b.starts_at,
        ends_at: b.ends_at,
        renewal_options: b.renewal_options,
        value: b.value,
        shared: b.shared,
    };
    let view = service::register(&state, &caller, new).await?;
    Ok(HttpResponse::Created().json(view))
}

/// Pagination for contracts.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ContractListQuery {
    /// Page number, from 1.
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// Items per page, 1 to 100.
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// Your organisation's contracts, by end date; every contract for programme staff.
#[utoipa::path(get, path = "/api/v1/contracts", tag = "contracts", security(("bearer" = [])), params(ContractListQuery),
    responses((status = 200, body = Page<ContractView>), (status = 403, body = ErrorBody)))]
pub async fn list(
    state: web::Data<Context>,
    caller: Caller,
    query: web::Query<ContractListQuery>,
) -> Result<HttpResponse, AppError> {
    let spec = PageQuery {
        page: query.page,
        per_page: query.per_page,
    }
    .resolve()?;
    Ok(HttpResponse::Ok().json(service::page(&state, &caller, spec).await?))
}

/// One contract: yours, a shared one, or any for programme staff.
#[utoipa::path(get, path = "/api/v1/contracts/{id}", tag = "contracts", security(("bearer" = [])),
    responses((status = 200, body = ContractView), (status = 404, body = ErrorBody)))]
pub async fn get(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, AppError> {
    let view = service::view(&state, &caller, &id.into_inner().to_string()).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Remove a registered contract (its buyer).
#[utoipa::path(delete, path = "/api/v1/contracts/{id}", tag = "contracts", security(("bearer" = [])),
    responses((status = 204, description = "deleted"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, AppError> {
    service::remove(&state, &caller, &id.into_inner().to_string()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/contracts", web::post().to(create))
        .route("/contracts", web::get().to(list))
        .route("/contracts/{id}", web::get().to(get))
        .route("/contracts/{id}", web::delete().to(delete));
}
