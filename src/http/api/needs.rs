//! `/api/v1/needs`: buyers' needs, and buyers who share them.

use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

use super::error::ErrorBody;
use super::json::{double_option, ApiJson};
use crate::app::needs::search::{self, NeedQuery};
use crate::app::needs::views::{self as service, NeedView};
use crate::app::needs::NeedFields;
use crate::app::page::Page;
use crate::app::Context;
use crate::caller::Caller;
use crate::domain::organisation::OrBlank;
use crate::domain::{County, CpvCode, Language, NeedStatus, Theme};
use crate::error::AppError;

/// A new need.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Utslippsfri ferje", "description": "Vi trenger en ferje uten utslipp.",
    "themes": ["climate_environment"], "counties": ["46"]}))]
pub struct NeedCreate {
    /// At most 200 characters.
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// What is needed, not how; at most 20,000 characters.
    #[schema(min_length = 1, max_length = 20000)]
    pub description: String,
    /// One or more of `climate_environment`, `health_welfare`, `digitalisation`,
    /// `mobility_transport`, `buildings_infrastructure`, `other`.
    #[schema(value_type = Vec<Theme>, inline, min_items = 1)]
    pub themes: Vec<String>,
    /// CPV codes, `34512000` or `34512000-9`.
    #[serde(default)]
    #[schema(value_type = Vec<CpvCode>, inline, max_items = 50)]
    pub cpv_codes: Vec<String>,
    /// County numbers; required unless `national`.
    #[serde(default)]
    #[schema(value_type = Vec<County>, inline)]
    pub counties: Vec<String>,
    /// The need concerns the whole country.
    #[serde(default)]
    pub national: bool,
    /// Estimated value in NOK.
    #[schema(minimum = 0)]
    pub estimated_value_nok: Option<i64>,
    /// Planned tender date, `YYYY-MM-DD`.
    pub planned_tender_date: Option<NaiveDate>,
    /// `draft`, `open` (default) or `closed`.
    #[schema(value_type = Option<NeedStatus>, inline)]
    pub status: Option<String>,
    /// `nb`, `nn` or `en`; detected when left out.
    #[schema(value_type = Option<OrBlank<Language>>, inline)]
    pub language: Option<String>,
}

/// A change to a need. Absent fields stay; `null` clears the optional ones.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NeedPatch {
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    #[schema(min_length = 1, max_length = 20000)]
    pub description: Option<String>,
    #[schema(value_type = Option<Vec<Theme>>, inline, min_items = 1)]
    pub themes: Option<Vec<String>>,
    #[schema(value_type = Option<Vec<CpvCode>>, inline, max_items = 50)]
    pub cpv_codes: Option<Vec<String>>,
    #[schema(value_type = Option<Vec<County>>, inline)]
    pub counties: Option<Vec<String>>,
    pub national: Option<bool>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>, minimum = 0)]
    pub estimated_value_nok: Option<Option<i64>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub planned_tender_date: Option<Option<NaiveDate>>,
    #[schema(value_type = Option<NeedStatus>, inline)]
    pub status: Option<String>,
    #[schema(value_type = Option<OrBlank<Language>>, inline)]
    pub language: Option<String>,
}

/// Register a need (buyers).
#[utoipa::path(post, path = "/api/v1/needs", tag = "needs", security(("bearer" = [])), request_body = NeedCreate,
    responses((status = 201, body = NeedView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create(
    state: web::Data<Context>,
    caller: Caller,
    body: ApiJson<NeedCreate>,
) -> Result<HttpResponse, AppError> {
    let b = body.0;
    let fields = NeedFields {
        title: b.title,
        description: b.description,
        themes: b.themes,
        cpv_codes: b.cpv_codes,
        counties: b.counties,
        national: b.national,
        estimated_value_nok: b.estimated_value_nok,
        planned_tender_date: b.planned_tender_date,
        status: b.status,
        language: b.language,
        unreadable: Vec::new(),
    };
    let view = service::register(&state, &caller, fields).await?;
    Ok(HttpResponse::Created().json(view))
}

/// Get a need. Drafts are visible only to their own organisation.
#[utoipa::path(get, path = "/api/v1/needs/{id}", tag = "needs", security(("bearer" = [])),
    responses((status = 200, body = NeedView), (status = 404, body = ErrorBody)))]
pub async fn get(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, AppError> {
    let view = service::view(&state, Some(&caller), &id.into_inner().to_string()).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Change a need (its organisation).
#[utoipa::path(patch, path = "/api/v1/needs/{id}", tag = "needs", security(("bearer" = [])), request_body = NeedPatch,
    responses((status = 200, body = NeedView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn patch(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    body: ApiJson<NeedPatch>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner().to_string();
    let p = body.0;
    let view = service::change(&state, &caller, &id, move |f| {
        if let Some(v) = p.title {
            f.title = v;
        }
        if let Some(v) = p.description {
            f.description = v;
        }
        if let Some(v) = p.themes {
            f.themes = v;
        }
        if let Some(v) = p.cpv_codes {
            f.cpv_codes = v;
        }
        if let Some(v) = p.counties {
            f.counties = v;
        }
        if let Some(v) = p.national {
            f.national = v;
        }
        if let Some(v) = p.estimated_value_nok {
            f.estimated_value_nok = v;
        }
        if let Some(v) = p.planned_tender_date {
            f.planned_tender_date = v;
        }
        if let Some(v) = p.status {
            f.status = Some(v);
        }
        if let Some(v) = p.language {
            f.language = Some(v);
        }
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Delete a need (its organisation).
#[utoipa::path(delete, path = "/api/v1/needs/{id}", tag = "needs", security(("bearer" = [])),
    responses((status = 204, description = "deleted"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner().to_string();
    service::remove(&state, &caller, &id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// List needs: open and closed ones, and your organisation's drafts. With `q`, the needs whose
/// text matches, best first.
#[utoipa::path(get, path = "/api/v1/needs", tag = "needs", security(("bearer" = [])), params(NeedQuery),
    responses((status = 200, body = Page<NeedView>), (status = 400, body = ErrorBody)))]
pub async fn list(
    state: web::Data<Context>,
    caller: Caller,
    query: web::Query<NeedQuery>,
) -> Result<HttpResponse, AppError> {
    let result = search::find(&state, Some(&caller), query.into_inner()).await?;
    Ok(HttpResponse::Ok().json(result))
}

/// The digits of a CPV filter: a code (with or without check digit) or its first 2 to 8 digits.
pub fn cpv_prefix(value: Option<&str>) -> Result<Option<String>, AppError> {
    Ok(search::cpv_prefix(value)?)
}

/// Declare that your organisation has the same need (buyers).
#[utoipa::path(post, path = "/api/v1/needs/{id}/participants", tag = "needs", security(("bearer" = [])),
    responses((status = 201, description = "joined", body = NeedView), (status = 200, description = "already taking part", body = NeedView),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn join(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner().to_string();
    let (joined, view) = service::join_need(&state, &caller, &id).await?;
    Ok(if joined {
        HttpResponse::Created().json(view)
    } else {
        HttpResponse::Ok().json(view)
    })
}

/// Withdraw a participant (the participant itself or the need's owner).
#[utoipa::path(delete, path = "/api/v1/needs/{id}/participants/{organisation_id}", tag = "needs", security(("bearer" = [])),
    responses((status = 204, description = "removed"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn leave(
    state: web::Data<Context>,
    caller: Caller,
    path: web::Path<(uuid::Uuid, uuid::Uuid)>,
) -> Result<HttpResponse, AppError> {
    let (id, org) = path.into_inner();
    let (id, org) = (id.to_string(), org.to_string());
    service::leave_need(&state, &caller, &id, &org).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/needs", web::post().to(create))
        .route("/needs", web::get().to(list))
        .route("/needs/{id}", web::get().to(get))
        .route("/needs/{id}", web::patch().to(patch))
        .route("/needs/{id}", web::delete().to(delete))
        .route("/needs/{id}/participants", web::post().to(join))
        .route(
            "/needs/{id}/participants/{organisation_id}",
            web::delete().to(leave),
        );
}
