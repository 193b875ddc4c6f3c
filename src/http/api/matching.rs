//! Matching and search: `/needs/{id}/matches`, `/capabilities/{id}/matches`,
//! `/needs/{id}/similar` and `/search`.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::error::ErrorBody;
use crate::app::matching::{self as service, Grouping, Matches};
use crate::app::Context;
use crate::caller::Caller;
use crate::domain::organisation::{optional, OrBlank};
use crate::domain::{self, County, Invalid, Theme};
use crate::error::AppError;
use crate::search::document::DocType;
use crate::search::matching::Filters;

/// The most results any listing gives.
pub const MAX_LIMIT: usize = 500;

/// Options for need matches.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct NeedMatchQuery {
    /// 1 to 500, default 20.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<usize>,
    /// `organisation`: each organisation once, at its best match, with its others in `also`;
    /// `limit` then counts organisations.
    #[param(schema_with = group_schema)]
    pub group: Option<String>,
    /// `supplier` or `cluster`.
    #[param(schema_with = kind_schema)]
    pub kind: Option<String>,
    /// Only capabilities serving this county (or national).
    #[param(value_type = OrBlank<County>, inline, required = false)]
    pub county: Option<String>,
}

fn group_schema() -> utoipa::openapi::schema::Schema {
    crate::domain::optional_choice_schema(
        &["organisation"],
        "`organisation`: each organisation once, at its best match, with its others in `also`; `limit` then counts organisations",
    )
}

fn kind_schema() -> utoipa::openapi::schema::Schema {
    crate::domain::optional_choice_schema(&["supplier", "cluster"], "only matches of this kind")
}

fn doc_type_schema() -> utoipa::openapi::schema::Schema {
    crate::domain::optional_choice_schema(&["need", "capability", "solution"], "only these")
}

/// Options for capability matches.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CapabilityMatchQuery {
    /// 1 to 500, default 20.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<usize>,
    /// `organisation`: each organisation once, at its best match, with its others in `also`;
    /// `limit` then counts organisations.
    #[param(schema_with = group_schema)]
    pub group: Option<String>,
    /// Only needs in this county (or national).
    #[param(value_type = OrBlank<County>, inline, required = false)]
    pub county: Option<String>,
}

/// Options for similar needs.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SimilarQuery {
    /// 1 to 500, default 20.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<usize>,
}

/// A search.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    /// Words to look for; searched as text, never as query syntax.
    #[param(max_length = 500)]
    pub q: Option<String>,
    /// `need`, `capability` or `solution`.
    #[serde(rename = "type")]
    #[param(schema_with = doc_type_schema)]
    pub doc_type: Option<String>,
    /// A CPV code (`34512000-9` or `34512000`) or its first 2 to 7 digits.
    #[param(pattern = r"^\s*(?:[0-9]{2,8}|[0-9]{8}-[0-9])?\s*$")]
    pub cpv: Option<String>,
    /// A county number (national ones are included).
    #[param(value_type = OrBlank<County>, inline, required = false)]
    pub county: Option<String>,
    /// A theme.
    #[param(value_type = OrBlank<Theme>, inline, required = false)]
    pub theme: Option<String>,
    /// 1 to 500, default 20.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<usize>,
}

fn limit(value: Option<usize>) -> Result<usize, AppError> {
    match value.unwrap_or(20) {
        n @ 1..=MAX_LIMIT => Ok(n),
        _ => Err(AppError::validation(
            "limit",
            format!("limit must be between 1 and {MAX_LIMIT}"),
        )),
    }
}

fn grouping(value: Option<&str>) -> Result<Grouping, AppError> {
    match value.map(str::trim) {
        None | Some("") => Ok(Grouping::None),
        Some("organisation") => Ok(Grouping::Organisation),
        Some(_) => Err(AppError::validation(
            "group",
            "group must be organisation, or left out for every match on its own",
        )),
    }
}

fn county(value: Option<&str>) -> Result<Option<String>, AppError> {
    Ok(optional(value, County::parse)?.map(|c| c.as_str().to_owned()))
}

/// Capabilities that match a need, best first, with the reasons.
#[utoipa::path(get, path = "/api/v1/needs/{id}/matches", tag = "matching", security(("bearer" = [])), params(NeedMatchQuery),
    responses((status = 200, body = Matches), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn need_matches(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    query: web::Query<NeedMatchQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let limit = limit(q.limit)?;
    let kind = match q.kind.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(k @ ("supplier" | "cluster")) => Some(k.to_owned()),
        Some(_) => {
            return Err(AppError::validation(
                "kind",
                "kind must be supplier or cluster",
            ))
        }
    };
    let filters = Filters {
        doc_type: Some(DocType::Capability),
        org_kind: kind,
        county: county(q.county.as_deref())?,
        open_only: true,
        ..Filters::default()
    };
    let grouping = grouping(q.group.as_deref())?;
    let id = id.into_inner().to_string();
    let result =
        service::need_matches(&state, Some(&caller), &id, filters, limit, grouping).await?;
    Ok(HttpResponse::Ok().json(result))
}

/// Open needs that match a capability, best first, with the reasons.
#[utoipa::path(get, path = "/api/v1/capabilities/{id}/matches", tag = "matching", security(("bearer" = [])), params(CapabilityMatchQuery),
    responses((status = 200, body = Matches), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn capability_matches(
    state: web::Data<Context>,
    _caller: Caller,
    id: web::Path<uuid::Uuid>,
    query: web::Query<CapabilityMatchQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let limit = limit(q.limit)?;
    let filters = Filters {
        doc_type: Some(DocType::Need),
        county: county(q.county.as_deref())?,
        open_only: true,
        ..Filters::default()
    };
    let grouping = grouping(q.group.as_deref())?;
    let capability = service::capability_item(&state, &id.into_inner().to_string()).await?;
    let result = service::matches(&state, capability, filters, limit, grouping).await?;
    Ok(HttpResponse::Ok().json(result))
}

/// Other organisations' open needs like this one: candidates for a joint process.
#[utoipa::path(get, path = "/api/v1/needs/{id}/similar", tag = "matching", security(("bearer" = [])), params(SimilarQuery),
    responses((status = 200, body = Matches), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn similar(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    query: web::Query<SimilarQuery>,
) -> Result<HttpResponse, AppError> {
    let limit = limit(query.limit)?;
    let need = service::need_item(&state, Some(&caller), &id.into_inner().to_string()).await?;
    let result = service::similar(&state, need, limit).await?;
    Ok(HttpResponse::Ok().json(result))
}

/// Full-text search over needs and capabilities, in Norwegian and English.
#[utoipa::path(get, path = "/api/v1/search", tag = "matching", security(("bearer" = [])), params(SearchQuery),
    responses((status = 200, body = Matches), (status = 400, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn search(
    state: web::Data<Context>,
    caller: Caller,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let limit = limit(q.limit)?;
    let text = domain::query_text("q", q.q.as_deref().unwrap_or(""))?;
    let doc_type = match q.doc_type.as_deref().map(str::trim) {
        None | Some("") => None,
        Some("need") => Some(DocType::Need),
        Some("capability") => Some(DocType::Capability),
        Some("solution") => Some(DocType::Solution),
        Some(_) => {
            return Err(AppError::validation(
                "type",
                "type must be need, capability or solution",
            ))
        }
    };
    let cpv_token = optional(q.cpv.as_deref(), domain::cpv::cpv_filter_token)?;
    let theme = optional(q.theme.as_deref(), |t| {
        Theme::parse(t).map_err(|e| Invalid::new("theme", e.message))
    })?;
    let filters = Filters {
        doc_type,
        county: county(q.county.as_deref())?,
        theme: theme.map(|t| t.as_str().to_owned()),
        cpv_token,
        open_only: false,
        viewer_org: caller.organisation_id().map(str::to_owned),
        ..Filters::default()
    };
    let result = service::search(&state, text, filters, limit).await?;
    Ok(HttpResponse::Ok().json(result))
}

/// Routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/needs/{id}/matches", web::get().to(need_matches))
        .route("/needs/{id}/similar", web::get().to(similar))
        .route(
            "/capabilities/{id}/matches",
            web::get().to(capability_matches),
        )
        .route("/search", web::get().to(search));
}
