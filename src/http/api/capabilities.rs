//! `/api/v1/capabilities`: what suppliers and clusters can deliver.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::error::ErrorBody;
use super::json::ApiJson;
use super::needs::cpv_prefix;
use crate::app::capabilities::{self as service, CapabilityFields, CapabilityView};
use crate::app::page::{Page, PageQuery};
use crate::app::Context;
use crate::caller::Caller;
use crate::db::capabilities::CapabilityFilter;
use crate::domain::organisation::{optional, OrBlank};
use crate::domain::{self, County, CpvCode, Language, Maturity, Theme};
use crate::error::AppError;

/// A new capability.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CapabilityCreate {
    /// At most 200 characters.
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// What you can deliver; at most 20,000 characters.
    #[schema(min_length = 1, max_length = 20000)]
    pub description: String,
    /// One or more themes, as for needs.
    #[schema(value_type = Vec<Theme>, inline, min_items = 1)]
    pub themes: Vec<String>,
    /// CPV codes.
    #[serde(default)]
    #[schema(value_type = Vec<CpvCode>, inline, max_items = 50)]
    pub cpv_codes: Vec<String>,
    /// County numbers served; required unless `national`.
    #[serde(default)]
    #[schema(value_type = Vec<County>, inline)]
    pub counties: Vec<String>,
    /// Serves the whole country.
    #[serde(default)]
    pub national: bool,
    /// `idea`, `prototype`, `piloted` or `on_market`.
    #[schema(value_type = Option<OrBlank<Maturity>>, inline)]
    pub maturity: Option<String>,
    /// Up to 30 keywords, each at most 80 characters.
    #[serde(default)]
    #[schema(max_items = 30)]
    pub keywords: Vec<String>,
    /// Earlier deliveries, as free text: up to 20, each at most 2,000 characters.
    #[serde(default)]
    #[schema(max_items = 20)]
    pub references: Vec<String>,
    /// `nb`, `nn` or `en`; detected when left out.
    #[schema(value_type = Option<OrBlank<Language>>, inline)]
    pub language: Option<String>,
}

/// A change to a capability. Absent fields stay.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CapabilityPatch {
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
    #[serde(default, deserialize_with = "super::json::double_option")]
    #[schema(value_type = Option<OrBlank<Maturity>>, inline)]
    pub maturity: Option<Option<String>>,
    #[schema(max_items = 30)]
    pub keywords: Option<Vec<String>>,
    #[schema(max_items = 20)]
    pub references: Option<Vec<String>>,
    #[schema(value_type = Option<OrBlank<Language>>, inline)]
    pub language: Option<String>,
}

/// Filters for the capability list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CapabilityListQuery {
    /// A theme.
    #[param(value_type = OrBlank<Theme>, inline, required = false)]
    pub theme: Option<String>,
    /// A county number; national capabilities are included.
    #[param(value_type = OrBlank<County>, inline, required = false)]
    pub county: Option<String>,
    /// A CPV code or its first digits.
    #[param(pattern = r"^\s*(?:[0-9]{2,8}(?:-[\s\S]*)?)?\s*$")]
    pub cpv: Option<String>,
    /// One organisation's capabilities.
    pub organisation_id: Option<uuid::Uuid>,
    /// `idea`, `prototype`, `piloted` or `on_market`.
    #[param(value_type = OrBlank<Maturity>, inline, required = false)]
    pub maturity: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// Items per page, 1 to 100.
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
    /// Page by cursor instead of number: empty for the first page, then the `next_cursor` of the
    /// page before. Pages by cursor have no total and cost the same however deep.
    pub cursor: Option<String>,
}

/// Register a capability (suppliers and clusters).
#[utoipa::path(post, path = "/api/v1/capabilities", tag = "capabilities", security(("bearer" = [])), request_body = CapabilityCreate,
    responses((status = 201, body = CapabilityView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create(
    state: web::Data<Context>,
    caller: Caller,
    body: ApiJson<CapabilityCreate>,
) -> Result<HttpResponse, AppError> {
    let b = body.0;
    let fields = CapabilityFields {
        title: b.title,
        description: b.description,
        themes: b.themes,
        cpv_codes: b.cpv_codes,
        counties: b.counties,
        national: b.national,
        maturity: b.maturity,
        keywords: b.keywords,
        references: b.references,
        language: b.language,
    };
    let view = service::register(&state, &caller, fields).await?;
    Ok(HttpResponse::Created().json(view))
}

/// Get a capability.
#[utoipa::path(get, path = "/api/v1/capabilities/{id}", tag = "capabilities", security(("bearer" = [])),
    responses((status = 200, body = CapabilityView), (status = 404, body = ErrorBody)))]
pub async fn get(
    state: web::Data<Context>,
    _caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, AppError> {
    let view = service::view(&state, &id.into_inner().to_string()).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Change a capability (its organisation).
#[utoipa::path(patch, path = "/api/v1/capabilities/{id}", tag = "capabilities", security(("bearer" = [])), request_body = CapabilityPatch,
    responses((status = 200, body = CapabilityView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn patch(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    body: ApiJson<CapabilityPatch>,
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
        if let Some(v) = p.maturity {
            f.maturity = v;
        }
        if let Some(v) = p.keywords {
            f.keywords = v;
        }
        if let Some(v) = p.references {
            f.references = v;
        }
        if let Some(v) = p.language {
            f.language = Some(v);
        }
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Delete a capability (its organisation).
#[utoipa::path(delete, path = "/api/v1/capabilities/{id}", tag = "capabilities", security(("bearer" = [])),
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

/// List capabilities.
#[utoipa::path(get, path = "/api/v1/capabilities", tag = "capabilities", security(("bearer" = [])), params(CapabilityListQuery),
    responses((status = 200, body = Page<CapabilityView>), (status = 400, body = ErrorBody)))]
pub async fn list(
    state: web::Data<Context>,
    _caller: Caller,
    query: web::Query<CapabilityListQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let cursor =
        crate::app::page::cursor_spec(service::ORDER, q.cursor.as_deref(), q.page, q.per_page)?;
    let page = PageQuery {
        page: q.page,
        per_page: q.per_page,
    }
    .resolve()?;
    let filter = CapabilityFilter {
        theme: optional(q.theme.as_deref(), |t| {
            Theme::parse(t).map_err(|e| domain::Invalid::new("theme", e.message))
        })?
        .map(|t| t.as_str().to_owned()),
        county: optional(q.county.as_deref(), County::parse)?.map(|c| c.as_str().to_owned()),
        cpv_prefix: cpv_prefix(q.cpv.as_deref())?,
        organisation_id: q.organisation_id.map(|u| u.to_string()),
        maturity: optional(q.maturity.as_deref(), Maturity::parse)?.map(|m| m.as_str().to_owned()),
    };
    let result = match cursor {
        Some(cursor) => service::page_after(&state, filter, cursor).await?,
        None => service::page(&state, filter, page).await?,
    };
    Ok(HttpResponse::Ok().json(result))
}

/// Routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/capabilities", web::post().to(create))
        .route("/capabilities", web::get().to(list))
        .route("/capabilities/{id}", web::get().to(get))
        .route("/capabilities/{id}", web::patch().to(patch))
        .route("/capabilities/{id}", web::delete().to(delete));
}
