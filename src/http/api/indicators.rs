//! `/api/v1/indicators` (JSON and CSV): the programme's indicators against its targets.

use actix_web::{web, HttpResponse};

use super::error::ErrorBody;
use crate::app::indicators::{load, IndicatorQuery, Indicators};
use crate::app::Context;
use crate::caller::Caller;
use crate::error::AppError;

/// The programme's indicators against its targets. Public: aggregates only, no personal data.
#[utoipa::path(get, path = "/api/v1/indicators", tag = "indicators", params(IndicatorQuery), security((), ("bearer" = [])),
    responses((status = 200, body = Indicators), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn indicators_json(
    state: web::Data<Context>,
    req: actix_web::HttpRequest,
    query: web::Query<IndicatorQuery>,
) -> Result<HttpResponse, AppError> {
    let caller = optional_caller(&state, &req).await?;
    // The JSON has no dialect, but the query is the CSV's too: a wrong one is refused alike.
    super::spreadsheet::is_excel(query.dialect.as_deref())?;
    Ok(HttpResponse::Ok().json(load(&state, caller.as_ref(), &query).await?))
}

/// The indicators as CSV: one row per indicator, then one per indicator and year.
#[utoipa::path(get, path = "/api/v1/indicators.csv", tag = "indicators", params(IndicatorQuery), security((), ("bearer" = [])),
    responses((status = 200, content_type = "text/csv", body = String), (status = 400, body = ErrorBody),
        (status = 403, description = "`by=organisation` is for programme staff", body = ErrorBody)))]
pub async fn indicators_csv(
    state: web::Data<Context>,
    req: actix_web::HttpRequest,
    query: web::Query<IndicatorQuery>,
) -> Result<HttpResponse, AppError> {
    let caller = optional_caller(&state, &req).await?;
    let excel = super::spreadsheet::is_excel(query.dialect.as_deref())?;
    let data = load(&state, caller.as_ref(), &query).await?;
    let mut out = super::spreadsheet::Csv::new(excel);
    out.row([
        "indicator",
        "year",
        "target",
        "actual",
        "share",
        "base",
        "definition",
    ])?;
    let num = |out: &super::spreadsheet::Csv, v: Option<f64>| {
        v.map(|x| out.number(x)).unwrap_or_default()
    };
    for i in &data.items {
        let year = data
            .year
            .map(|y| y.to_string())
            .unwrap_or_else(|| "all".into());
        let row = [
            i.id.clone(),
            year,
            num(&out, Some(i.target)),
            num(&out, Some(i.actual)),
            num(&out, i.share),
            num(&out, i.base),
            i.definition.clone(),
        ];
        out.row(row)?;
        for t in &i.trend {
            let row = [
                i.id.clone(),
                t.year.to_string(),
                num(&out, Some(i.target)),
                num(&out, Some(t.actual)),
                num(&out, t.share),
                String::new(),
                String::new(),
            ];
            out.row(row)?;
        }
    }
    let bytes = out.finish()?;
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
