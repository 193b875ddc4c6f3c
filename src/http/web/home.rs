//! The front page (public) and each user's dashboard.

use std::collections::HashMap;

use actix_web::{web, HttpResponse};
use minijinja::{context, Value};

use super::error::WebError;
use super::render;
use super::session::{Visitor, WebUser};
use crate::app::Context;
use crate::db::needs::NeedFilter;
use crate::error::AppError;
use crate::http::api::capabilities::CapabilityView;
use crate::http::api::needs::NeedView;
use crate::search::document::{DocType, Indexable};
use crate::search::matching::{self, Filters, Match};

/// How many items a dashboard list shows.
const LIST: i64 = 50;

/// The front page: open needs and running lifts, for everyone.
pub async fn front(state: web::Data<Context>, v: Visitor) -> Result<HttpResponse, WebError> {
    let (needs, lifts) = state
        .db
        .run(|conn| {
            let filter = NeedFilter {
                status: Some("open".into()),
                ..NeedFilter::default()
            };
            let (rows, total) = crate::db::needs::list(conn, &filter, 0, 20)?;
            let names = crate::db::organisations::names(
                conn,
                &rows.iter().map(|r| r.organisation_id.clone()).collect::<Vec<_>>(),
            )?;
            let needs: Vec<NeedView> = rows
                .iter()
                .map(|r| {
                    let mut n = NeedView::of(r);
                    n.organisation_name = names.get(&r.organisation_id).cloned();
                    n
                })
                .collect();
            let lifts = crate::db::lifts::all(conn)?;
            let links = crate::db::lifts::all_links(conn)?;
            let lifts: Vec<Value> = lifts
                .iter()
                .map(|l| {
                    let count = links.iter().filter(|(lift, _)| *lift == l.id).count();
                    context! { id => l.id, title => l.title, theme => l.theme, description => l.description, processes => count }
                })
                .collect();
            Ok::<_, AppError>(((needs, total), lifts))
        })
        .await?;
    render::ok(
        &v,
        "home.html",
        context! { needs => needs.0, needs_total => needs.1, lifts => lifts },
    )
}

/// The signed-in user's starting point, by the kind of their organisation.
pub async fn dashboard(state: web::Data<Context>, v: Visitor) -> Result<HttpResponse, WebError> {
    let user = v.require_user()?.clone();
    let ctx = match user.kind() {
        "buyer" => buyer(&state, &user).await?,
        "supplier" | "cluster" => supplier(&state, &user).await?,
        _ => admin(&state).await?,
    };
    render::ok(&v, "dashboard.html", ctx)
}

async fn buyer(state: &Context, user: &WebUser) -> Result<Value, WebError> {
    let caller = user.caller.clone();
    let org = caller.organisation_id().unwrap_or_default().to_owned();
    Ok(state
        .db
        .run(move |conn| {
            let filter = NeedFilter {
                organisation_id: Some(org.clone()),
                ..NeedFilter::default()
            };
            let (needs, _) = crate::app::needs::list(conn, &caller, filter, 0, LIST)?;
            let needs: Vec<NeedView> = needs.iter().map(NeedView::of).collect();
            let (processes, _) = crate::db::processes::list(conn, None, Some(&org), true, 0, LIST)?;
            let mut mine = Vec::new();
            let mut invited = Vec::new();
            for p in &processes {
                let status = crate::db::processes::buyer(conn, &p.id, &org)?
                    .map(|b| b.status)
                    .unwrap_or_default();
                let item =
                    context! { id => p.id, title => p.title, phase => p.phase, status => status };
                if status == "invited" {
                    invited.push(item);
                } else {
                    mine.push(item);
                }
            }
            Ok::<_, AppError>(
                context! { needs => needs, processes => mine, process_invitations => invited },
            )
        })
        .await?)
}

async fn supplier(state: &Context, user: &WebUser) -> Result<Value, WebError> {
    let org = user.caller.organisation_id().unwrap_or_default().to_owned();
    let kind = user.kind().to_owned();
    let o = org.clone();
    let keys = state.tokens.clone();
    let (capabilities, invitations, digest) = state
        .db
        .run(move |conn| {
            let filter = crate::db::capabilities::CapabilityFilter {
                organisation_id: Some(o.clone()),
                ..Default::default()
            };
            let (rows, _) = crate::app::capabilities::list(conn, &filter, 0, LIST)?;
            let invitations: Vec<Value> = crate::db::dialogues::invitations_of_supplier(conn, &o)?
                .into_iter()
                .map(|(i, d)| {
                    context! {
                        dialogue_id => d.id, title => d.title, starts_at => d.starts_at.and_utc().to_rfc3339(),
                        deadline => d.response_deadline.and_utc().to_rfc3339(), status => i.status, answer => i.answer,
                        open => crate::db::now() <= d.response_deadline,
                        // The answer link is derived from the invitation id, so a signed-in
                        // supplier can open it here without the email.
                        rsvp => format!("/rsvp/{}", keys.link_token("rsvp", &i.id)),
                    }
                })
                .collect();
            let (enabled, threshold) = crate::app::notices::digest::settings_of(conn, &o)?;
            let digest = context! { enabled => enabled, percent => (threshold * 100.0).round() as i64 };
            Ok::<_, AppError>((rows, invitations, digest))
        })
        .await?;
    let matches = matching_needs(state, &capabilities, &kind).await?;
    let capabilities: Vec<CapabilityView> = capabilities.iter().map(CapabilityView::of).collect();
    Ok(
        context! { capabilities => capabilities, matches => matches, invitations => invitations, digest => digest },
    )
}

/// Open needs that match any of these capabilities, best first, each once.
pub async fn matching_needs(
    state: &Context,
    capabilities: &[crate::db::capabilities::CapabilityRow],
    kind: &str,
) -> Result<Vec<Match>, WebError> {
    if capabilities.is_empty() {
        return Ok(Vec::new());
    }
    let items: Vec<Indexable> = capabilities
        .iter()
        .take(10)
        .map(|c| Indexable::capability(c, kind))
        .collect();
    let index = state.index.clone();
    let found = crate::http::api::matching::run_and_name(state, move || {
        let filters = Filters {
            doc_type: Some(DocType::Need),
            open_only: true,
            ..Filters::default()
        };
        let mut best: HashMap<String, Match> = HashMap::new();
        for item in &items {
            for m in matching::matches(&index, item, &filters, 10)? {
                match best.get(&m.id) {
                    Some(b) if b.score >= m.score => {}
                    _ => {
                        best.insert(m.id.clone(), m);
                    }
                }
            }
        }
        let mut all: Vec<Match> = best.into_values().collect();
        all.sort_by(|a, b| b.score.total_cmp(&a.score));
        all.truncate(15);
        Ok(all)
    })
    .await?;
    Ok(found.items)
}

async fn admin(state: &Context) -> Result<Value, WebError> {
    Ok(state
        .db
        .run(|conn| {
            let (needs, capabilities) = (
                crate::db::needs::count(conn)?,
                crate::db::capabilities::count(conn)?,
            );
            let (_, processes) = crate::db::processes::list(conn, None, None, false, 0, 1)?;
            let lifts = crate::db::lifts::all(conn)?.len();
            let (queued, failed, _, sent_hour) = crate::db::dialogues::outbox_stats(conn)?;
            Ok::<_, AppError>(context! {
                counts => context! { needs => needs, capabilities => capabilities, processes => processes,
                    lifts => lifts, queued => queued, sent_hour => sent_hour, failed => failed }
            })
        })
        .await?)
}

/// The digest form, as posted.
#[derive(Debug, serde::Deserialize)]
pub struct DigestForm {
    pub enabled: Option<String>,
    pub threshold: Option<String>,
}

/// Saves the organisation's digest settings (its owner).
pub async fn save_digest(
    state: web::Data<Context>,
    v: Visitor,
    super::session::Form(f): super::session::Form<DigestForm>,
) -> Result<HttpResponse, WebError> {
    let user = v.require_user()?.clone();
    if !matches!(user.kind(), "supplier" | "cluster") {
        return Err(WebError::Forbidden);
    }
    let org = user.caller.organisation_id().unwrap_or_default().to_owned();
    crate::app::organisations::require_owner(&user.caller, &org)?;
    let percent = f
        .threshold
        .as_deref()
        .unwrap_or("30")
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|p| (0.0..=100.0).contains(p))
        .ok_or_else(|| {
            WebError::from(AppError::validation(
                "threshold",
                "give a percent from 0 to 100",
            ))
        })?;
    let enabled = f.enabled.is_some();
    state
        .db
        .run(move |conn| {
            crate::db::notices::set_digest(conn, &org, enabled, percent / 100.0)
                .map_err(AppError::from)
        })
        .await?;
    Ok(render::see_other("/dashboard#digest"))
}
