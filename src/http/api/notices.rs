//! `/indicators` (with CSV), `/capabilities/{id}/alerts`, the caller's digest settings, and
//! running the digest now (programme staff).

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::error::ErrorBody;
use super::json::ApiJson;
use crate::app::indicators::{self, Indicator, OrganisationFigures, Scope};
use crate::app::notices::digest;
use crate::app::Context;
use crate::caller::Caller;
use crate::domain::organisation::optional;
use crate::domain::{County, Invalid, Theme};
use crate::error::AppError;
use crate::search::matching::Match;

/// Which figures.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct IndicatorQuery {
    /// A year; all years when left out.
    pub year: Option<String>,
    /// Only this county (a county number).
    pub county: Option<String>,
    /// Only this theme.
    pub theme: Option<String>,
    /// `organisation` breaks the process figures down by buyer (programme staff only).
    pub by: Option<String>,
}

/// The indicators.
#[derive(Debug, Serialize, ToSchema)]
pub struct Indicators {
    pub year: Option<i32>,
    pub county: Option<String>,
    pub theme: Option<String>,
    pub items: Vec<Indicator>,
    /// With `by=organisation` (programme staff only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisations: Option<Vec<OrganisationFigures>>,
}

fn parse_query(q: &IndicatorQuery) -> Result<(Option<i32>, Scope), AppError> {
    let year = match q.year.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        None => None,
        Some(y) => Some(
            y.parse::<i32>()
                .ok()
                .filter(|y| (2000..=2100).contains(y))
                .ok_or_else(|| AppError::validation("year", "year must be a year like 2026"))?,
        ),
    };
    let county = optional(q.county.as_deref(), County::parse)?.map(|c| c.as_str().to_owned());
    let theme = optional(q.theme.as_deref(), |t| {
        Theme::parse(t).map_err(|e| Invalid::new("theme", e.message))
    })?
    .map(|t| t.as_str().to_owned());
    Ok((year, Scope { county, theme }))
}

/// Loads the indicators for a query; `by=organisation` needs programme staff.
pub async fn load(
    state: &Context,
    caller: Option<&Caller>,
    q: &IndicatorQuery,
) -> Result<Indicators, AppError> {
    let (year, scope) = parse_query(q)?;
    let by_org = match q.by.as_deref().map(str::trim) {
        None | Some("") => false,
        Some("organisation") if caller.is_some_and(Caller::is_admin) => true,
        Some("organisation") => {
            return Err(AppError::forbidden(
                "only programme staff see figures by organisation",
            ))
        }
        Some(_) => return Err(AppError::validation("by", "by must be organisation")),
    };
    let targets = state.settings.targets.clone();
    let (county, theme) = (scope.county.clone(), scope.theme.clone());
    state
        .db
        .run(move |conn| {
            let items = indicators::compute(conn, &targets, year, &scope)?;
            let organisations = if by_org {
                Some(indicators::by_organisation(conn, year)?)
            } else {
                None
            };
            Ok(Indicators {
                year,
                county,
                theme,
                items,
                organisations,
            })
        })
        .await
}

/// The programme's indicators against its targets. Public: aggregates only, no personal data.
#[utoipa::path(get, path = "/api/v1/indicators", tag = "indicators", params(IndicatorQuery),
    responses((status = 200, body = Indicators), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn indicators_json(
    state: web::Data<Context>,
    req: actix_web::HttpRequest,
    query: web::Query<IndicatorQuery>,
) -> Result<HttpResponse, AppError> {
    let caller = optional_caller(&state, &req).await?;
    Ok(HttpResponse::Ok().json(load(&state, caller.as_ref(), &query).await?))
}

/// The indicators as CSV: one row per indicator, then one per indicator and year.
#[utoipa::path(get, path = "/api/v1/indicators.csv", tag = "indicators", params(IndicatorQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 400, body = ErrorBody)))]
pub async fn indicators_csv(
    state: web::Data<Context>,
    req: actix_web::HttpRequest,
    query: web::Query<IndicatorQuery>,
) -> Result<HttpResponse, AppError> {
    let caller = optional_caller(&state, &req).await?;
    let data = load(&state, caller.as_ref(), &query).await?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let csv_err = |e: csv::Error| AppError::Internal(e.into());
    out.write_record([
        "indicator",
        "year",
        "target",
        "actual",
        "share",
        "base",
        "definition",
    ])
    .map_err(csv_err)?;
    let num = |v: Option<f64>| v.map(|x| format!("{x}")).unwrap_or_default();
    for i in &data.items {
        let year = data
            .year
            .map(|y| y.to_string())
            .unwrap_or_else(|| "all".into());
        out.write_record([
            &i.id,
            &year,
            &num(Some(i.target)),
            &num(Some(i.actual)),
            &num(i.share),
            &num(i.base),
            &i.definition,
        ])
        .map_err(csv_err)?;
        for t in &i.trend {
            out.write_record([
                &i.id,
                &t.year.to_string(),
                &num(Some(i.target)),
                &num(Some(t.actual)),
                &num(t.share),
                "",
                "",
            ])
            .map_err(csv_err)?;
        }
    }
    let bytes = out
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"indicators.csv\"",
        ))
        .body(bytes))
}

/// The caller when a bearer token is sent; public endpoints work without one.
async fn optional_caller(
    state: &Context,
    req: &actix_web::HttpRequest,
) -> Result<Option<Caller>, AppError> {
    match crate::http::extract::bearer_token(req)? {
        Some(token) => Ok(Some(crate::app::auth::authenticate(state, token).await?)),
        None => Ok(None),
    }
}

/// New notices that match a capability.
#[derive(Debug, Serialize, ToSchema)]
pub struct Alerts {
    /// Notices imported in the last 14 days, as open needs, best first.
    pub items: Vec<Match>,
    /// The organisation's threshold.
    pub threshold: f64,
}

/// New notices matching a capability, above its organisation's threshold (its own
/// organisation and programme staff).
#[utoipa::path(get, path = "/api/v1/capabilities/{id}/alerts", tag = "notices", security(("bearer" = [])),
    responses((status = 200, body = Alerts), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn alerts(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner().to_string();
    let st = state.clone();
    let result = state
        .db
        .run(move |conn| {
            let row = crate::app::capabilities::get(conn, &id)?;
            if !caller.is_admin() && !caller.belongs_to(&row.organisation_id) {
                return Err(AppError::forbidden(
                    "alerts are for the capability's own organisation",
                ));
            }
            let org = crate::app::organisations::get(conn, &row.organisation_id)?;
            let (_, threshold) = digest::settings_of(conn, &org.id)?;
            let since = crate::db::now().date() - chrono::Duration::days(digest::NEW_DAYS);
            let items =
                digest::matching_notices(conn, &st.index, &[row], &org.kind, threshold, since)?;
            Ok(Alerts { items, threshold })
        })
        .await?;
    Ok(HttpResponse::Ok().json(result))
}

/// A supplier's digest settings.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DigestSettings {
    /// Whether the daily digest is sent.
    pub enabled: bool,
    /// The least score in [0, 1] a match needs to be told about.
    pub threshold: f64,
}

fn own_supplier(caller: &Caller) -> Result<String, AppError> {
    caller
        .organisation_id()
        .map(str::to_owned)
        .ok_or_else(|| AppError::forbidden("programme staff have no digest"))
}

/// The caller's organisation's digest settings.
#[utoipa::path(get, path = "/api/v1/digest", tag = "notices", security(("bearer" = [])),
    responses((status = 200, body = DigestSettings), (status = 403, body = ErrorBody)))]
pub async fn get_digest(
    state: web::Data<Context>,
    caller: Caller,
) -> Result<HttpResponse, AppError> {
    let org = own_supplier(&caller)?;
    let (enabled, threshold) = state
        .db
        .run(move |conn| digest::settings_of(conn, &org))
        .await?;
    Ok(HttpResponse::Ok().json(DigestSettings { enabled, threshold }))
}

/// Changes the caller's organisation's digest settings (its owner).
#[utoipa::path(put, path = "/api/v1/digest", tag = "notices", security(("bearer" = [])), request_body = DigestSettings,
    responses((status = 200, body = DigestSettings), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn put_digest(
    state: web::Data<Context>,
    caller: Caller,
    body: ApiJson<DigestSettings>,
) -> Result<HttpResponse, AppError> {
    let org = own_supplier(&caller)?;
    crate::app::organisations::require_owner(&caller, &org)?;
    let b = body.0;
    if !(0.0..=1.0).contains(&b.threshold) || b.threshold.is_nan() {
        return Err(AppError::validation(
            "threshold",
            "threshold must be between 0 and 1",
        ));
    }
    let (enabled, threshold) = (b.enabled, b.threshold);
    state
        .db
        .run(move |conn| {
            crate::db::notices::set_digest(conn, &org, enabled, threshold).map_err(AppError::from)
        })
        .await?;
    Ok(HttpResponse::Ok().json(DigestSettings { enabled, threshold }))
}

/// Runs the digest now, as the daily worker does (programme staff).
#[utoipa::path(post, path = "/api/v1/admin/digest", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = inline(Object)), (status = 403, body = ErrorBody)))]
pub async fn run_digest(
    state: web::Data<Context>,
    caller: Caller,
) -> Result<HttpResponse, AppError> {
    if !caller.is_admin() {
        return Err(AppError::forbidden(
            "only programme administrators can run the digest",
        ));
    }
    let st = state.clone();
    let report = state
        .db
        .run(move |conn| digest::run(conn, &st.settings, &st.index, crate::db::now().date()))
        .await?;
    state.mailer.notify();
    Ok(HttpResponse::Ok().json(report))
}

/// Routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/indicators", web::get().to(indicators_json))
        .route("/indicators.csv", web::get().to(indicators_csv))
        .route("/capabilities/{id}/alerts", web::get().to(alerts))
        .route("/digest", web::get().to(get_digest))
        .route("/digest", web::put().to(put_digest))
        .route("/admin/digest", web::post().to(run_digest));
}
