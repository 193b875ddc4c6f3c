//! `/api/v1/radar`: buyers whose contracts on one theme end at about the same time.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::error::ErrorBody;
use crate::app::radar::{self as service, Radar, RadarQuery};
use crate::app::Context;
use crate::caller::Caller;
use crate::error::AppError;

/// What the radar looks at.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RadarParams {
    /// Contracts ending within this many months from today (default 24).
    #[param(minimum = 1, maximum = 120, value_type = Option<i64>)]
    pub months: Option<String>,
    /// End dates in one group lie within this many months of each other (default 12).
    #[param(minimum = 1, maximum = 60, value_type = Option<i64>)]
    pub window_months: Option<String>,
    /// Only groups on this CPV code's branch; blank for all.
    #[param(pattern = r"^\s*(?:[0-9]{8}(?:-[0-9])?)?\s*$")]
    pub cpv: Option<String>,
    /// Only contracts in this county (county number), or national ones; blank for all.
    #[param(schema_with = county_schema)]
    pub county: Option<String>,
}

fn county_schema() -> utoipa::openapi::schema::Schema {
    let codes: Vec<&str> = crate::domain::organisation::COUNTIES
        .iter()
        .map(|(code, _)| *code)
        .collect();
    crate::domain::optional_choice_schema(&codes, "a county number, or blank for all")
}

/// The joint-buying radar. Programme staff see every group; a buyer sees the groups it is in,
/// with the other buyers named only where they share their contracts.
#[utoipa::path(get, path = "/api/v1/radar", tag = "radar", security(("bearer" = [])), params(RadarParams),
    responses((status = 200, body = Radar), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn radar(
    state: web::Data<Context>,
    caller: Caller,
    params: web::Query<RadarParams>,
) -> Result<HttpResponse, AppError> {
    let p = params.into_inner();
    // Numbers are read here rather than by the extractor, so that a bad one is named.
    let query = RadarQuery::parse(
        p.months.as_deref(),
        p.window_months.as_deref(),
        p.cpv.as_deref(),
        p.county.as_deref(),
    )?;
    Ok(HttpResponse::Ok().json(service::view(&state, &caller, query).await?))
}

/// Routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/radar", web::get().to(radar));
}
