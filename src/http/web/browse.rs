//! Finding things: the list of needs with search and filters, the directory of suppliers and
//! clusters, and each organisation's profile.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use minijinja::context;

use super::error::WebError;
use super::forms::{counties, form_errors, options};
use super::render;
use super::session::Visitor;
use crate::app::directory::{self, DirectoryQuery};
use crate::app::needs::search::{self, NeedQuery};
use crate::app::page::Page;
use crate::app::Context;
use crate::domain::Theme;

/// The query string for page `n` of a list, keeping every filter.
fn page_link(path: &str, query: &BTreeMap<String, String>, n: i64) -> String {
    let encoded: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(query.iter().filter(|(k, v)| *k != "page" && !v.is_empty()))
        .append_pair("page", &n.to_string())
        .finish();
    format!("{path}?{encoded}")
}

/// Links to the previous and next pages, when there are any.
fn pager<T>(path: &str, query: &BTreeMap<String, String>, page: &Page<T>) -> minijinja::Value {
    // The pages browse by number; a cursor's page has neither number nor total.
    let (number, total) = (page.page.unwrap_or(1), page.total());
    let pages = ((total + page.per_page - 1) / page.per_page).max(1);
    context! {
        page => number,
        pages => pages,
        total => total,
        prev => (number > 1).then(|| page_link(path, query, number - 1)),
        next => (number < pages).then(|| page_link(path, query, number + 1)),
    }
}

/// A number from the query string; anything else is left for the service to refuse.
fn number(raw: &BTreeMap<String, String>, key: &str) -> Option<i64> {
    raw.get(key).and_then(|v| v.trim().parse().ok())
}

fn theme_options(v: &Visitor) -> Vec<minijinja::Value> {
    let themes: Vec<&str> = Theme::ALL.iter().map(|t| t.as_str()).collect();
    options(v.lang, "themes", &themes)
}

/// `GET /needs`: open needs by default, searchable and filtered.
pub async fn needs(
    state: web::Data<Context>,
    v: Visitor,
    query: web::Query<BTreeMap<String, String>>,
) -> Result<HttpResponse, WebError> {
    let raw = query.into_inner();
    let text = |k: &str| raw.get(k).cloned();
    let mut q = NeedQuery {
        q: text("q"),
        status: text("status"),
        theme: text("theme"),
        county: text("county"),
        cpv: text("cpv"),
        organisation_id: None,
        source: text("source"),
        deadline_from: text("deadline_from"),
        deadline_to: text("deadline_to"),
        sort: text("sort"),
        page: number(&raw, "page"),
        per_page: None,
        // The page browses by number, with the total it shows.
        cursor: None,
    };
    // A visitor browses what is open unless they ask for closed needs.
    if q.status.as_deref().is_none_or(|s| s.trim().is_empty()) {
        q.status = Some("open".into());
    }
    let caller = v.user.as_ref().map(|u| u.caller.clone());
    let (status, found, errors) = match search::find(&state, caller.as_ref(), q.clone()).await {
        Ok(page) => (StatusCode::OK, Some(page), BTreeMap::new()),
        Err(e) => (StatusCode::BAD_REQUEST, None, form_errors(v.lang, e)?),
    };
    let pages = found.as_ref().map(|p| pager("/needs", &raw, p));
    render::page(
        &v,
        status,
        "needs_list.html",
        context! {
            q => q,
            needs => found.map(|p| p.items),
            pager => pages,
            errors => errors,
            themes => theme_options(&v),
            counties => counties(),
            statuses => options(v.lang, "needs.statuses", &["open", "closed"]),
            sources => options(v.lang, "browse.sources", &["registered", "notice"]),
            sorts => options(v.lang, "browse.sorts", &["relevance", "newest", "deadline", "title"]),
        },
    )
}

/// `GET /organisations`: the directory of suppliers and clusters.
pub async fn organisations(
    state: web::Data<Context>,
    v: Visitor,
    query: web::Query<BTreeMap<String, String>>,
) -> Result<HttpResponse, WebError> {
    let raw = query.into_inner();
    let text = |k: &str| raw.get(k).cloned();
    let q = DirectoryQuery {
        q: text("q"),
        kind: text("kind"),
        county: text("county"),
        theme: text("theme"),
        cpv: text("cpv"),
        page: number(&raw, "page"),
        per_page: None,
    };
    let caller = v.user.as_ref().map(|u| u.caller.clone());
    let (status, found, errors) = match directory::find(&state, caller.as_ref(), q.clone()).await {
        Ok(page) => (StatusCode::OK, Some(page), BTreeMap::new()),
        Err(e) => (StatusCode::BAD_REQUEST, None, form_errors(v.lang, e)?),
    };
    let pages = found.as_ref().map(|p| pager("/organisations", &raw, p));
    render::page(
        &v,
        status,
        "organisations.html",
        context! {
            q => q,
            organisations => found.map(|p| p.items),
            pager => pages,
            errors => errors,
            themes => theme_options(&v),
            counties => counties(),
            kinds => options(v.lang, "account.kinds", &["supplier", "cluster"]),
            invite_to => raw.get("invite_to").cloned(),
        },
    )
}

/// `GET /organisations/{id}`: an organisation's profile.
pub async fn profile(
    state: web::Data<Context>,
    v: Visitor,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let id = uuid::Uuid::parse_str(id.trim())
        .map_err(|_| WebError::NotFound)?
        .to_string();
    let caller = v.user.as_ref().map(|u| u.caller.clone());
    let profile = directory::profile(&state, caller.as_ref(), &id).await?;
    // A buyer can invite this supplier to one of its open dialogue events from here.
    let events = match (&caller, profile.organisation.kind.as_str()) {
        (Some(c), "supplier" | "cluster")
            if v.user.as_ref().is_some_and(|u| u.kind() == "buyer") =>
        {
            crate::app::dialogues::insiders::open_events_of(&state, c).await?
        }
        _ => Vec::new(),
    };
    render::ok(
        &v,
        "organisation_profile.html",
        context! { profile => profile, events => events },
    )
}

/// Routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/needs", web::get().to(needs))
        .route("/organisations", web::get().to(organisations))
        .route("/organisations/{id}", web::get().to(profile));
}
