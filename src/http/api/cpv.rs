//! `/api/v1/cpv`: completing and suggesting CPV codes.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::error::ErrorBody;
use crate::app::cpv::{CpvEntry, CpvSuggestion};
use crate::app::Context;
use crate::caller::Caller;
use crate::domain;
use crate::error::AppError;

/// A completion request.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CompleteQuery {
    /// A code prefix (`3451`) or words of a label, in Norwegian or English.
    #[param(max_length = 500)]
    pub q: String,
    /// 1 to 100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<usize>,
}

/// A suggestion request.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SuggestQuery {
    /// The need's text, at most 4,000 characters (its start says enough).
    #[param(max_length = 4000)]
    pub text: String,
    /// 1 to 100, default 10.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<usize>,
}

/// Completions.
#[derive(Debug, Serialize, ToSchema)]
pub struct CpvCompletions {
    /// Matching codes, general ones first.
    pub items: Vec<CpvEntry>,
}

/// Suggestions.
#[derive(Debug, Serialize, ToSchema)]
pub struct CpvSuggestions {
    /// Suggested codes, best first.
    pub items: Vec<CpvSuggestion>,
}

fn limit(value: Option<usize>, default: usize) -> Result<usize, AppError> {
    match value.unwrap_or(default) {
        n @ 1..=100 => Ok(n),
        _ => Err(AppError::validation(
            "limit",
            "limit must be between 1 and 100",
        )),
    }
}

/// Complete a CPV code prefix or label text.
#[utoipa::path(get, path = "/api/v1/cpv", tag = "cpv", security(("bearer" = [])), params(CompleteQuery),
    responses((status = 200, body = CpvCompletions), (status = 400, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn complete(
    state: web::Data<Context>,
    _caller: Caller,
    query: web::Query<CompleteQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let limit = limit(q.limit, 20)?;
    let text = domain::query_text("q", &q.q)?;
    let items = crate::app::cpv::complete(&state, &text, limit).await?;
    Ok(HttpResponse::Ok().json(CpvCompletions { items }))
}

/// The longest text a suggestion takes. It travels in the URL, which the HTTP server refuses
/// past 64 KiB: 4,000 characters fit even when each is four bytes, percent-encoded.
const SUGGEST_TEXT_MAX: usize = 4000;

/// Suggest CPV codes for a need's text.
#[utoipa::path(get, path = "/api/v1/cpv/suggest", tag = "cpv", security(("bearer" = [])), params(SuggestQuery),
    responses((status = 200, body = CpvSuggestions), (status = 400, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn suggest(
    state: web::Data<Context>,
    _caller: Caller,
    query: web::Query<SuggestQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let limit = limit(q.limit, 10)?;
    if q.text.chars().count() > SUGGEST_TEXT_MAX {
        return Err(AppError::validation(
            "text",
            format!("text must be at most {SUGGEST_TEXT_MAX} characters"),
        ));
    }
    if q.text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(AppError::validation(
            "text",
            "text contains control characters; remove them",
        ));
    }
    let items = crate::app::cpv::suggest(&state, &q.text, limit).await?;
    Ok(HttpResponse::Ok().json(CpvSuggestions { items }))
}

/// Routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/cpv", web::get().to(complete))
        .route("/cpv/suggest", web::get().to(suggest));
}
