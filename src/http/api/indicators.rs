//! `/api/v1/indicators` (JSON and CSV): the programme's indicators against its targets.

use actix_web::{web, HttpResponse};

use super::error::ErrorBody;
use crate::app::indicators::{load, IndicatorQuery, Indicators};
use crate::app::Context;
use crate::caller::Caller;
use crate::error::AppError;

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

/// Routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/indicators", web::get().to(indicators_json))
        .route("/indicators.csv", web::get().to(indicators_csv));
}
