//! Programme staff pages: innovation lifts with suggestions, organisations and users, buyers
//! awaiting approval, the outbox.
//!
//! A single lift (`/lifts/{id}`) is public: the front page links running lifts there, and it
//! shows only what the API shows anyone (processes' public summaries).

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use minijinja::{context, Value};
use serde::{Deserialize, Serialize};

use super::error::WebError;
use super::forms::{form_errors, options};
use super::i18n;
use super::render::{self, see_other};
use super::session::{Form, Visitor};
use crate::app::lifts::views::{self, ExplainedSuggestion};
use crate::app::{programme, Context};
use crate::domain::Lang;
use crate::domain::{self, OrgKind, Theme};
use crate::error::AppError;

/// Organisations on one page of the list.
const ORGANISATIONS_PER_PAGE: i64 = 20;
/// Messages shown per list on the outbox page.
const OUTBOX_LIST: i64 = 50;

/// Routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/lifts", web::get().to(lifts))
        .route("/lifts", web::post().to(create_lift))
        .route("/lifts/{id}", web::get().to(lift))
        .route("/lifts/{id}/processes", web::post().to(attach))
        .route("/admin/organisations", web::get().to(organisations))
        .route("/admin/approvals", web::get().to(approvals))
        .route("/admin/organisations/{id}/approve", web::post().to(approve))
        .route("/admin/outbox", web::get().to(outbox));
}

/// The text of `key` with `{name}` filled in, as `t()` does in templates.
fn fill(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let mut text = i18n::words().get(lang, key).to_owned();
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

fn themes(lang: Lang) -> Vec<Value> {
    let values: Vec<&str> = Theme::ALL.iter().map(|t| t.as_str()).collect();
    options(lang, "themes", &values)
}

/// The lift form, also posted by each suggestion with its processes as hidden `process_id`s.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub struct LiftForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub theme: String,
    #[serde(default)]
    pub description: String,
    /// Processes to attach once the lift exists.
    #[serde(default)]
    pub process_id: Vec<String>,
}

/// Process ids from a form: trimmed, canonical, each once.
fn process_ids(raw: &[String]) -> Result<Vec<String>, AppError> {
    let mut ids = Vec::new();
    for r in raw.iter().map(|r| r.trim()).filter(|r| !r.is_empty()) {
        let id = uuid::Uuid::parse_str(r)
            .map_err(|_| AppError::validation("process_id", "process_id is not a process id"))?
            .to_string();
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// A suggestion as the page shows it: for a group of processes, also a title and description to
/// start a lift from, in the visitor's language.
fn suggestion_view(lang: Lang, s: ExplainedSuggestion) -> Value {
    let titles: Vec<&str> = s.processes.iter().map(|p| p.title.as_str()).collect();
    let terms: Vec<&str> = s.shared_terms.iter().map(String::as_str).collect();
    let title = if terms.is_empty() {
        titles.first().map(|t| (*t).to_owned()).unwrap_or_default()
    } else {
        fill(
            lang,
            "admin.suggested_title",
            &[("terms", &terms[..terms.len().min(3)].join(", "))],
        )
    };
    let mut description = fill(
        lang,
        "admin.suggested_description",
        &[("processes", &titles.join("; "))],
    );
    if !terms.is_empty() {
        description.push(' ');
        description.push_str(&fill(
            lang,
            "admin.suggested_terms",
            &[("terms", &terms.join(", "))],
        ));
    }
    if !s.shared_cpv_codes.is_empty() {
        description.push(' ');
        description.push_str(&fill(
            lang,
            "admin.suggested_cpv",
            &[("codes", &s.shared_cpv_codes.join(", "))],
        ));
    }
    let is_lift = s.kind == "lift";
    let base = Value::from_serialize(&s);
    if is_lift {
        context! { title => title, description => description, ..base }
    } else {
        base
    }
}

async fn lifts_page(
    state: &Context,
    v: &Visitor,
    status: StatusCode,
    form: &LiftForm,
    errors: BTreeMap<String, String>,
) -> Result<HttpResponse, WebError> {
    let caller = v.require_admin()?.caller.clone();
    let lang = v.lang;
    let (lifts, suggestions) = views::overview(state, &caller).await?;
    let suggestions: Option<Vec<Value>> = suggestions.map(|items| {
        items
            .into_iter()
            .map(|s| suggestion_view(lang, s))
            .collect()
    });
    render::page(
        v,
        status,
        "lifts.html",
        context! {
            lifts => lifts,
            suggestions_unavailable => suggestions.is_none(),
            suggestions => suggestions.unwrap_or_default(),
            themes => themes(lang),
            form => form,
            errors => errors,
        },
    )
}

/// All lifts, the form for a new one and suggestions for groups (programme staff).
pub async fn lifts(state: web::Data<Context>, v: Visitor) -> Result<HttpResponse, WebError> {
    v.require_admin()?;
    lifts_page(
        &state,
        &v,
        StatusCode::OK,
        &LiftForm::default(),
        BTreeMap::new(),
    )
    .await
}

/// Creates a lift, with the processes of a suggestion if it came from one.
pub async fn create_lift(
    state: web::Data<Context>,
    v: Visitor,
    Form(f): Form<LiftForm>,
) -> Result<HttpResponse, WebError> {
    let caller = v.require_admin()?.caller.clone();
    let created = match process_ids(&f.process_id) {
        Ok(ids) => {
            views::create_with_processes(
                &state,
                &caller,
                f.title.clone(),
                f.theme.clone(),
                f.description.clone(),
                ids,
            )
            .await
        }
        Err(e) => Err(e),
    };
    match created {
        Ok(id) => Ok(see_other(&format!("/lifts/{id}"))),
        Err(e) => {
            let errors = form_errors(v.lang, e)?;
            lifts_page(&state, &v, StatusCode::BAD_REQUEST, &f, errors).await
        }
    }
}

/// Processes to attach to an existing lift.
#[derive(Debug, Deserialize)]
pub struct AttachForm {
    #[serde(default)]
    pub process_id: Vec<String>,
}

/// Attaches processes to a lift (a suggestion's "join this lift").
pub async fn attach(
    state: web::Data<Context>,
    v: Visitor,
    id: web::Path<String>,
    Form(f): Form<AttachForm>,
) -> Result<HttpResponse, WebError> {
    let caller = v.require_admin()?.caller.clone();
    let id = uuid::Uuid::parse_str(&id)
        .map_err(|_| WebError::NotFound)?
        .to_string();
    let ids = process_ids(&f.process_id)?;
    views::attach_all(&state, &caller, &id, ids).await?;
    Ok(see_other(&format!("/lifts/{id}")))
}

/// One lift with its processes' public summaries, for everyone.
pub async fn lift(
    state: web::Data<Context>,
    v: Visitor,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let id = uuid::Uuid::parse_str(&id)
        .map_err(|_| WebError::NotFound)?
        .to_string();
    let lift = views::public(&state, &id).await?;
    let processes = &lift.processes;
    render::ok(
        &v,
        "lift.html",
        context! { lift => &lift, processes => processes },
    )
}

/// `?q=&kind=&page=` on the organisations page.
#[derive(Debug, Deserialize)]
pub struct OrganisationQuery {
    pub q: Option<String>,
    pub kind: Option<String>,
    pub page: Option<String>,
}

fn organisations_url(q: &str, kind: &str, page: i64) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if !q.is_empty() {
        query.append_pair("q", q);
    }
    if !kind.is_empty() {
        query.append_pair("kind", kind);
    }
    query.append_pair("page", &page.to_string());
    format!("/admin/organisations?{}", query.finish())
}

/// Organisations with their users, searchable by name or orgnr (programme staff).
pub async fn organisations(
    state: web::Data<Context>,
    v: Visitor,
    query: web::Query<OrganisationQuery>,
) -> Result<HttpResponse, WebError> {
    let caller = v.require_admin()?.caller.clone();
    let query = query.into_inner();
    let q = domain::query_text("q", query.q.as_deref().unwrap_or("")).map_err(AppError::from)?;
    let kind = match query
        .kind
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
    {
        Some(k) => Some(OrgKind::parse(k).map_err(AppError::from)?),
        None => None,
    };
    let page = query
        .page
        .as_deref()
        .and_then(|p| p.trim().parse::<i64>().ok())
        .unwrap_or(1)
        .clamp(1, 100_000);
    let (rows, total) = programme::organisations(
        &state,
        &caller,
        kind,
        Some(q.clone()),
        (page - 1) * ORGANISATIONS_PER_PAGE,
        ORGANISATIONS_PER_PAGE,
    )
    .await?;
    let pages = ((total + ORGANISATIONS_PER_PAGE - 1) / ORGANISATIONS_PER_PAGE).max(1);
    let kind = kind.map_or("", |k| k.as_str());
    render::ok(
        &v,
        "admin_organisations.html",
        context! {
            organisations => rows,
            total => total,
            q => q,
            kind => kind,
            kinds => options(v.lang, "account.kinds", &["buyer", "supplier", "cluster"]),
            page => page,
            pages => pages,
            prev_url => (page > 1).then(|| organisations_url(&q, kind, page - 1)),
            next_url => (page < pages).then(|| organisations_url(&q, kind, page + 1)),
        },
    )
}

/// The outbox: how much waits or failed, the send rate, and the latest failed and queued
/// messages (programme staff).
pub async fn outbox(state: web::Data<Context>, v: Visitor) -> Result<HttpResponse, WebError> {
    let caller = v.require_admin()?.caller.clone();
    let page = programme::outbox(&state, &caller, OUTBOX_LIST).await?;
    render::ok(&v, "admin_outbox.html", Value::from_serialize(&page))
}

/// Buyers awaiting approval, each with an approve button (programme staff).
pub async fn approvals(state: web::Data<Context>, v: Visitor) -> Result<HttpResponse, WebError> {
    let caller = v.require_admin()?.caller.clone();
    let buyers = crate::app::approvals::pending(&state, &caller).await?;
    render::ok(&v, "admin_approvals.html", context! { buyers => buyers })
}

/// A form with nothing but its CSRF token.
#[derive(Debug, Deserialize)]
pub struct NoFields {}

/// Approves a pending buyer and goes back to the list.
pub async fn approve(
    state: web::Data<Context>,
    v: Visitor,
    id: web::Path<String>,
    Form(_): Form<NoFields>,
) -> Result<HttpResponse, WebError> {
    let caller = v.require_admin()?.caller.clone();
    crate::app::approvals::approve(&state, &caller, &id).await?;
    render::with_cookies(
        see_other("/admin/approvals"),
        &[v.flash_cookie("buyer_approved")],
    )
}
