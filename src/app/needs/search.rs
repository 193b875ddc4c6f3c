//! Finding needs: the filters of the need list as typed, checked all at once, and the text
//! search through the index, shared by the API's list and the browse page.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

use super::views::{self, NeedView};
use crate::app::page::{self, Page, PageQuery};
use crate::app::Context;
use crate::caller::Caller;
use crate::db::needs::{NeedFilter, NeedOrder};
use crate::domain::organisation::OrBlank;
use crate::domain::{self, County, Invalid, NeedStatus, Problem, Theme};
use crate::error::{all_valid, AppError, AppResult};
use crate::search::document::DocType;
use crate::search::matching::Filters;

/// How many hits of a text search are listed at most; past that a reader narrows the search.
const MAX_HITS: usize = 1000;

/// Filters for the need list, as given.
#[derive(Debug, Clone, Default, Deserialize, Serialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct NeedQuery {
    /// Words to search for in titles and descriptions; query syntax is searched as text.
    #[param(max_length = 500)]
    pub q: Option<String>,
    /// `draft` (your own), `open` or `closed`.
    #[param(value_type = OrBlank<NeedStatus>, inline, required = false)]
    pub status: Option<String>,
    /// A theme.
    #[param(value_type = OrBlank<Theme>, inline, required = false)]
    pub theme: Option<String>,
    /// A county number; national needs are included.
    #[param(value_type = OrBlank<County>, inline, required = false)]
    pub county: Option<String>,
    /// A CPV code or its first digits.
    #[param(pattern = r"^\s*(?:[0-9]{2,8}(?:-[\s\S]*)?)?\s*$")]
    pub cpv: Option<String>,
    /// One organisation's needs.
    pub organisation_id: Option<uuid::Uuid>,
    /// `registered` or `notice`.
    #[param(schema_with = source_schema)]
    pub source: Option<String>,
    /// Planned tender date on or after this day (`2027-03-01` or `01.03.2027`).
    #[param(
        pattern = r"^\s*(?:[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}|[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{4})?\s*$"
    )]
    pub deadline_from: Option<String>,
    /// Planned tender date on or before this day.
    #[param(
        pattern = r"^\s*(?:[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}|[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{4})?\s*$"
    )]
    pub deadline_to: Option<String>,
    /// `newest` (default), `deadline`, `title`, or `relevance` (the default with `q`).
    #[param(schema_with = sort_schema)]
    pub sort: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// Items per page, 1 to 100.
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
    /// Page by cursor instead of number: empty for the first page, then the `next_cursor` of the
    /// page before. Pages by cursor have no total and cost the same however deep; not with `q`.
    pub cursor: Option<String>,
}

fn source_schema() -> utoipa::openapi::schema::Schema {
    domain::optional_choice_schema(
        &["registered", "notice"],
        "only needs registered here, or only those from notices",
    )
}

fn sort_schema() -> utoipa::openapi::schema::Schema {
    domain::optional_choice_schema(
        &["newest", "deadline", "title", "relevance"],
        "`newest` (default), `deadline`, `title`, or `relevance` (the default with `q`)",
    )
}

/// The name of a list order in cursors.
pub(crate) fn order_name(order: NeedOrder) -> &'static str {
    match order {
        NeedOrder::Newest => "newest",
        NeedOrder::Deadline => "deadline",
        NeedOrder::Title => "title",
    }
}

fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn day(field: &'static str, value: &Option<String>) -> Result<Option<NaiveDate>, Invalid> {
    given(value)
        .map(|d| {
            NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .or_else(|_| NaiveDate::parse_from_str(d, "%d.%m.%Y"))
                .map_err(|_| {
                    Invalid::because(
                        field,
                        Problem::NotADate,
                        format!("{field} must be a date like 2027-03-01"),
                    )
                })
        })
        .transpose()
}

/// The digits of a CPV filter: a code (with or without check digit) or its first 2 to 8 digits.
pub fn cpv_prefix(value: Option<&str>) -> Result<Option<String>, Invalid> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let digits = value.split('-').next().unwrap_or("");
    if !(2..=8).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Invalid::because(
            "cpv",
            Problem::BadFormat,
            "cpv must be a CPV code or its first digits, e.g. 345 or 34512000",
        ));
    }
    let significant = crate::domain::CpvCode::from_stored(&format!("{digits:0<8}"))
        .significant()
        .to_owned();
    Ok(Some(if digits.len() == 8 {
        significant
    } else {
        digits.to_owned()
    }))
}

/// A page of the needs `caller` may see that pass every filter of `query`. With `q`, the index
/// finds the needs, best first unless another order is asked for.
pub async fn find(
    ctx: &Context,
    caller: Option<&Caller>,
    query: NeedQuery,
) -> AppResult<Page<NeedView>> {
    all_valid! {
        let spec = PageQuery { page: query.page, per_page: query.per_page }.resolve();
        let text = given(&query.q).map(|q| domain::query_text("q", q)).transpose();
        let status = given(&query.status).map(NeedStatus::parse).transpose();
        let theme = given(&query.theme).map(|t| Theme::parse(t).map_err(|e| Invalid::because("theme", e.problem, e.message))).transpose();
        let county = given(&query.county).map(County::parse).transpose();
        let cpv = cpv_prefix(query.cpv.as_deref());
        let source = match given(&query.source) {
            None => Ok(None),
            Some(s @ ("registered" | "notice")) => Ok(Some(s.to_owned())),
            Some(_) => Err(Invalid::because("source", Problem::NotAllowed, "source must be registered or notice")),
        };
        let deadline_from = day("deadline_from", &query.deadline_from);
        let deadline_to = day("deadline_to", &query.deadline_to);
        let sort = match given(&query.sort) {
            None => Ok(None),
            Some("newest") => Ok(Some(NeedOrder::Newest)),
            Some("deadline") => Ok(Some(NeedOrder::Deadline)),
            Some("title") => Ok(Some(NeedOrder::Title)),
            Some("relevance") => Ok(None),
            Some(_) => Err(Invalid::because("sort", Problem::NotAllowed, "sort must be newest, deadline, title or relevance")),
        };
    }
    let mut filter = NeedFilter {
        status: status.map(|s| s.as_str().to_owned()),
        theme: theme.map(|t| t.as_str().to_owned()),
        county: county.map(|c| c.as_str().to_owned()),
        cpv_prefix: cpv,
        organisation_id: query.organisation_id.map(|u| u.to_string()),
        source,
        deadline_from,
        deadline_to,
        sort: sort.unwrap_or_default(),
        ..NeedFilter::default()
    };
    let text = text.filter(|t| !t.is_empty());
    let order = filter.sort;
    if let Some(cursor) = page::cursor_spec(
        order_name(order),
        query.cursor.as_deref(),
        query.page,
        query.per_page,
    )? {
        if text.is_some() {
            return Err(AppError::validation(
                "cursor",
                "a search with q is paged by page, not by cursor",
            ));
        }
        return views::page_after(ctx, caller, filter, cursor).await;
    }
    let Some(text) = text else {
        return views::page(ctx, caller, filter, spec).await;
    };
    let filters = Filters {
        doc_type: Some(DocType::Need),
        viewer_org: caller.and_then(|c| c.organisation_id().map(str::to_owned)),
        ..Filters::default()
    };
    let hits = crate::app::matching::search(ctx, text, filters, MAX_HITS).await?;
    let ranked: Vec<String> = hits.items.iter().map(|m| m.id.clone()).collect();
    filter.ids = Some(ranked.clone());
    if sort.is_some() {
        return views::page(ctx, caller, filter, spec).await;
    }
    // Best first: the database applies the filters, the index's order is kept.
    let all = PageQuery {
        page: Some(1),
        per_page: Some(100),
    }
    .resolve()?;
    let mut found = Vec::new();
    for chunk in ranked.chunks(100) {
        let mut part = filter.clone();
        part.ids = Some(chunk.to_vec());
        found.extend(views::page(ctx, caller, part, all).await?.items);
    }
    found.sort_by_key(|n| ranked.iter().position(|id| *id == n.id));
    let total = found.len() as i64;
    let items = found
        .into_iter()
        .skip(spec.offset() as usize)
        .take(spec.per_page as usize)
        .collect();
    Ok(spec.wrap(items, total))
}
