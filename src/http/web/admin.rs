//! Programme staff pages: innovation lifts with suggestions, organisations and users, the outbox.
//!
//! A single lift (`/lifts/{id}`) is public: the front page links running lifts there, and it
//! shows only what the API shows anyone (processes' public summaries).

use std::collections::{BTreeMap, HashMap};

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use minijinja::{context, Value};
use serde::{Deserialize, Serialize};

use super::error::WebError;
use super::i18n::{self, Lang};
use super::render::{self, see_other};
use super::session::{Form, Visitor};
use super::{form_errors, options};
use crate::app::lifts::Suggestion;
use crate::app::processes::Standing;
use crate::app::Context;
use crate::caller::Caller;
use crate::db::DbConn;
use crate::domain::{self, OrgKind, Theme};
use crate::error::AppError;
use crate::http::api::processes::ProcessView;
use crate::search::document::json_list;

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

fn county_name(code: &str) -> String {
    crate::domain::organisation::COUNTIES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or_else(|| code.to_owned(), |(_, name)| (*name).to_owned())
}

fn time(t: chrono::NaiveDateTime) -> String {
    t.and_utc().to_rfc3339()
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

/// Creates the lift and attaches its processes; every process is checked first, so a bad one
/// leaves no half-made lift behind.
fn create_with_processes(
    conn: &mut DbConn,
    caller: &Caller,
    f: &LiftForm,
) -> Result<String, AppError> {
    let ids = process_ids(&f.process_id)?;
    for id in &ids {
        if crate::db::processes::find(conn, id)?.is_none() {
            return Err(AppError::validation(
                "process_id",
                "no joint process has this id",
            ));
        }
    }
    let row = crate::app::lifts::create(conn, caller, &f.title, &f.theme, &f.description)?;
    for id in &ids {
        crate::app::lifts::link(conn, caller, &row.id, id, true)?;
    }
    Ok(row.id)
}

/// Every lift with its processes (title and phase).
fn lift_rows(conn: &mut DbConn) -> Result<Vec<Value>, AppError> {
    let mut out = Vec::new();
    for l in crate::db::lifts::all(conn)? {
        let mut processes = Vec::new();
        for pid in crate::db::lifts::process_ids(conn, &l.id)? {
            if let Some(p) = crate::db::processes::find(conn, &pid)? {
                processes.push(context! { id => p.id, title => p.title, phase => p.phase });
            }
        }
        out.push(context! {
            id => l.id, title => l.title, theme => l.theme, description => l.description,
            processes => processes, created_at => time(l.created_at),
        });
    }
    Ok(out)
}

/// The theme most of these processes' needs have (ties go to the first in the list of themes).
fn main_theme(conn: &mut DbConn, process_ids: &[String]) -> Result<&'static str, AppError> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for pid in process_ids {
        for need in crate::db::processes::needs_of(conn, pid)? {
            for theme in json_list(&need.themes) {
                *counts.entry(theme).or_default() += 1;
            }
        }
    }
    let mut best = (0, Theme::Other.as_str());
    for theme in Theme::ALL {
        let n = counts.get(theme.as_str()).copied().unwrap_or(0);
        if n > best.0 {
            best = (n, theme.as_str());
        }
    }
    Ok(best.1)
}

/// Suggestions as the page shows them: names instead of ids, and for groups of processes a
/// title, theme and description to start a lift from.
fn suggestion_views(
    conn: &mut DbConn,
    lang: Lang,
    items: Vec<Suggestion>,
) -> Result<Vec<Value>, AppError> {
    let org_ids: Vec<String> = items
        .iter()
        .flat_map(|s| s.organisation_ids.iter().cloned())
        .collect();
    let names = crate::db::organisations::names(conn, &org_ids)?;
    let need_ids: Vec<String> = items
        .iter()
        .flat_map(|s| s.need_ids.iter().cloned())
        .collect();
    let needs: HashMap<String, crate::db::needs::NeedRow> =
        crate::db::needs::find_many(conn, &need_ids)?
            .into_iter()
            .map(|n| (n.id.clone(), n))
            .collect();
    let mut out = Vec::new();
    for s in items {
        let organisations: Vec<String> = s
            .organisation_ids
            .iter()
            .filter_map(|o| names.get(o).cloned())
            .collect();
        let explained = context! {
            kind => s.kind, similarity => s.similarity, shared_terms => s.shared_terms,
            shared_cpv_codes => s.shared_cpv_codes, organisations => organisations,
        };
        if s.kind != "lift" {
            let needs: Vec<Value> = s
                .need_ids
                .iter()
                .filter_map(|id| needs.get(id))
                .map(|n| {
                    context! { id => n.id, title => n.title, organisation => names.get(&n.organisation_id) }
                })
                .collect();
            out.push(context! { needs => needs, ..explained });
            continue;
        }
        let mut processes = Vec::new();
        let mut titles = Vec::new();
        for pid in &s.process_ids {
            if let Some(p) = crate::db::processes::find(conn, pid)? {
                processes.push(context! { id => p.id, title => p.title, phase => p.phase });
                titles.push(p.title);
            }
        }
        let lift = match &s.lift_id {
            Some(id) => {
                crate::db::lifts::find(conn, id)?.map(|l| context! { id => l.id, title => l.title })
            }
            None => None,
        };
        let terms: Vec<&str> = s.shared_terms.iter().map(String::as_str).collect();
        let title = if terms.is_empty() {
            titles.first().cloned().unwrap_or_default()
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
        let theme = main_theme(conn, &s.process_ids)?;
        out.push(context! {
            processes => processes, lift => lift, title => title, theme => theme,
            description => description, ..explained
        });
    }
    Ok(out)
}

async fn lifts_page(
    state: &Context,
    v: &Visitor,
    status: StatusCode,
    form: &LiftForm,
    errors: BTreeMap<String, String>,
) -> Result<HttpResponse, WebError> {
    let index = state.index.clone();
    let lang = v.lang;
    let (lifts, suggestions) = state
        .db
        .run(move |conn| {
            let lifts = lift_rows(conn)?;
            // The page still works while the index is rebuilt; only the suggestions wait.
            let suggestions = match crate::app::lifts::suggestions(conn, &index) {
                Ok(items) => Some(suggestion_views(conn, lang, items)?),
                Err(AppError::Unavailable { .. }) => None,
                Err(e) => return Err(e),
            };
            Ok::<_, AppError>((lifts, suggestions))
        })
        .await?;
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
    let form = f.clone();
    let created = state
        .db
        .run(move |conn| Ok::<_, AppError>(create_with_processes(conn, &caller, &form)))
        .await?;
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
    let lift_id = id.clone();
    state
        .db
        .run(move |conn| {
            crate::app::lifts::get(conn, &lift_id)?;
            for pid in &ids {
                crate::app::lifts::link(conn, &caller, &lift_id, pid, true)?;
            }
            Ok::<_, AppError>(())
        })
        .await?;
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
    let (lift, processes) = state
        .db
        .run(move |conn| {
            let row = crate::app::lifts::get(conn, &id)?;
            let mut processes = Vec::new();
            for pid in crate::db::lifts::process_ids(conn, &row.id)? {
                let Some(p) = crate::db::processes::find(conn, &pid)? else {
                    continue;
                };
                // The outsider's view: lead and accepted buyers, no notes or history.
                let view = ProcessView::load(conn, &p, Standing::Outsider)?;
                let buyers: Vec<String> = view
                    .buyers
                    .iter()
                    .filter(|b| b.status == "lead" || b.status == "accepted")
                    .map(|b| b.organisation_name.clone())
                    .collect();
                let counties: Vec<String> = view.counties.iter().map(|c| county_name(c)).collect();
                processes.push(context! {
                    id => view.id, title => view.title, phase => view.phase, buyers => buyers,
                    counties => counties, national => view.national,
                });
            }
            let lift = context! {
                id => row.id, title => row.title, theme => row.theme,
                description => row.description, created_at => time(row.created_at),
            };
            Ok::<_, AppError>((lift, processes))
        })
        .await?;
    render::ok(
        &v,
        "lift.html",
        context! { lift => lift, processes => processes },
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
    v.require_admin()?;
    let query = query.into_inner();
    let q = domain::query_text("q", query.q.as_deref().unwrap_or("")).map_err(AppError::from)?;
    let kind = match query
        .kind
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
    {
        Some(k) => Some(OrgKind::parse(k).map_err(AppError::from)?.as_str()),
        None => None,
    };
    let page = query
        .page
        .as_deref()
        .and_then(|p| p.trim().parse::<i64>().ok())
        .unwrap_or(1)
        .clamp(1, 100_000);
    let search = q.clone();
    let (rows, total) = state
        .db
        .run(move |conn| {
            let (rows, total) = crate::db::organisations::list(
                conn,
                kind,
                Some(search.as_str()).filter(|s| !s.is_empty()),
                (page - 1) * ORGANISATIONS_PER_PAGE,
                ORGANISATIONS_PER_PAGE,
            )?;
            let mut out = Vec::new();
            for o in rows {
                let users: Vec<Value> = crate::db::accounts::in_organisation(conn, &o.id)?
                    .into_iter()
                    .map(|a| context! { name => a.name, email => a.email, role => a.role })
                    .collect();
                out.push(context! {
                    id => o.id, name => o.name, kind => o.kind, orgnr => o.orgnr,
                    county => o.county.as_deref().map(county_name), users => users,
                });
            }
            Ok::<_, AppError>((out, total))
        })
        .await?;
    let pages = ((total + ORGANISATIONS_PER_PAGE - 1) / ORGANISATIONS_PER_PAGE).max(1);
    let kind = kind.unwrap_or("");
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
    v.require_admin()?;
    let (stats, failed, queued) = state
        .db
        .run(|conn| {
            let stats = crate::db::dialogues::outbox_stats(conn)?;
            let failed = crate::db::dialogues::outbox_latest(conn, "failed", OUTBOX_LIST)?;
            let queued = crate::db::dialogues::outbox_latest(conn, "queued", OUTBOX_LIST)?;
            Ok::<_, AppError>((stats, failed, queued))
        })
        .await?;
    let view = |rows: Vec<crate::db::dialogues::OutboxRow>| -> Vec<Value> {
        rows.into_iter()
            .map(|r| {
                context! {
                    recipient => r.recipient, subject => r.subject, kind => r.kind,
                    attempts => r.attempts, last_error => r.last_error,
                    next_attempt => time(r.next_attempt_at), created_at => time(r.created_at),
                }
            })
            .collect()
    };
    let (queued_count, failed_count, sent_minute, sent_hour) = stats;
    render::ok(
        &v,
        "admin_outbox.html",
        context! {
            counts => context! {
                queued => queued_count, failed => failed_count,
                sent_minute => sent_minute, sent_hour => sent_hour,
            },
            failed => view(failed),
            queued => view(queued),
        },
    )
}
