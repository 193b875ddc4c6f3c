//! A joint process's page: buyers, phase with history, cluster proposals, dialogue events with
//! invitations, answers and questions, and the forms that move it on.

use actix_web::{web, HttpResponse};
use minijinja::{context, Value};
use serde::Deserialize;

use super::error::WebError;
use super::forms::options;
use super::render::{self, see_other};
use super::session::{Form, Visitor};
use crate::app::dialogues::invitations::Invitees;
use crate::app::dialogues::NewDialogue;
use crate::app::Context;
use crate::error::AppError;

fn parse_id(id: &str) -> Result<String, WebError> {
    uuid::Uuid::parse_str(id.trim())
        .map(|u| u.to_string())
        .map_err(|_| WebError::NotFound)
}

const PHASES: &[&str] = &[
    "need_clarification",
    "market_dialogue",
    "competition",
    "contract",
    "benefit_followup",
    "completed",
    "cancelled",
];

/// What the last invitation round did, shown after it.
#[derive(Debug, Deserialize, serde::Serialize)]
pub struct InviteReport {
    /// Queued now.
    pub invited: Option<usize>,
    pub already: Option<usize>,
    pub no_email: Option<usize>,
    pub other: Option<usize>,
}

/// The process page. Outsiders see the summary; the process's buyers and programme staff see
/// everything; confidential answers never reach anyone else.
pub async fn show(
    state: web::Data<Context>,
    v: Visitor,
    id: web::Path<String>,
    report: web::Query<InviteReport>,
) -> Result<HttpResponse, WebError> {
    let user = v.require_user()?.clone();
    let id = parse_id(&id)?;
    let page = crate::app::processes::page::page(&state, &user.caller, &id).await?;
    let ctx = Value::from_serialize(&page);
    render::ok(
        &v,
        "process.html",
        context! {
            phases => options(v.lang, "phase", PHASES),
            kinds => options(v.lang, "dialogues.kinds", &["conference", "one_to_one_meetings", "written_input"]),
            report => report.invited.is_some().then(|| report.into_inner()),
            ..ctx
        },
    )
}

/// Accept or decline an invitation to a process.
#[derive(Debug, Deserialize)]
pub struct AnswerForm {
    pub accept: Option<String>,
}

/// The caller's organisation answers an invitation to join.
pub async fn answer(
    state: web::Data<Context>,
    v: Visitor,
    id: web::Path<String>,
    Form(f): Form<AnswerForm>,
) -> Result<HttpResponse, WebError> {
    let user = v.require_kind("buyer")?.clone();
    let id = parse_id(&id)?;
    let accept = f.accept.as_deref() == Some("true");
    let org = user.caller.organisation_id().unwrap_or_default().to_owned();
    crate::app::processes::views::respond(&state, &user.caller, &id, &org, accept).await?;
    Ok(if accept {
        see_other(&format!("/processes/{id}"))
    } else {
        see_other("/dashboard")
    })
}

/// Back to the process page, at `anchor`, after a change.
fn back(id: &str, anchor: &str) -> HttpResponse {
    see_other(&format!("/processes/{id}{anchor}"))
}

/// A phase move.
#[derive(Debug, Deserialize)]
pub struct PhaseForm {
    pub to: Option<String>,
    pub note: Option<String>,
    pub reason: Option<String>,
}

/// The lead moves the phase; skipping or going back needs a reason.
pub async fn move_phase(
    state: web::Data<Context>,
    v: Visitor,
    id: web::Path<String>,
    Form(f): Form<PhaseForm>,
) -> Result<HttpResponse, WebError> {
    let caller = v.require_user()?.caller.clone();
    let id = parse_id(&id)?;
    crate::app::processes::views::move_to(
        &state,
        &caller,
        &id,
        f.to.unwrap_or_default(),
        f.note.filter(|n| !n.trim().is_empty()),
        f.reason.filter(|n| !n.trim().is_empty()),
    )
    .await?;
    Ok(back(&id, ""))
}

/// A buyer to invite.
#[derive(Debug, Deserialize)]
pub struct InviteBuyerForm {
    pub organisation_id: Option<String>,
}

/// Invites another buyer organisation.
pub async fn invite_buyer(
    state: web::Data<Context>,
    v: Visitor,
    id: web::Path<String>,
    Form(f): Form<InviteBuyerForm>,
) -> Result<HttpResponse, WebError> {
    let caller = v.require_user()?.caller.clone();
    let id = parse_id(&id)?;
    let org = f.organisation_id.as_deref().unwrap_or("").trim().to_owned();
    crate::app::processes::views::invite(&state, &caller, &id, &org).await?;
    Ok(back(&id, "#buyers"))
}

/// The lead's decision on a proposal.
#[derive(Debug, Deserialize)]
pub struct DecideForm {
    pub status: Option<String>,
}

/// Accepts or declines a cluster's proposal.
pub async fn decide(
    state: web::Data<Context>,
    v: Visitor,
    path: web::Path<(String, String)>,
    Form(f): Form<DecideForm>,
) -> Result<HttpResponse, WebError> {
    let (id, proposal) = path.into_inner();
    let proposal = parse_id(&proposal)?;
    let caller = v.require_user()?.caller.clone();
    let id = parse_id(&id)?;
    let status = f.status.unwrap_or_default();
    crate::app::processes::views::decide_proposal(&state, &caller, &id, &proposal, &status).await?;
    Ok(back(&id, "#proposals"))
}

/// A new dialogue event, as posted.
#[derive(Debug, Deserialize)]
pub struct EventForm {
    pub kind: Option<String>,
    pub title: Option<String>,
    pub agenda: Option<String>,
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    pub place: Option<String>,
    pub online_url: Option<String>,
    pub response_deadline: Option<String>,
    pub capacity: Option<String>,
}

fn some(v: Option<String>) -> Option<String> {
    v.filter(|s| !s.trim().is_empty())
}

/// Creates a dialogue event in the market-dialogue phase.
pub async fn create_event(
    state: web::Data<Context>,
    v: Visitor,
    id: web::Path<String>,
    Form(f): Form<EventForm>,
) -> Result<HttpResponse, WebError> {
    let caller = v.require_user()?.caller.clone();
    let id = parse_id(&id)?;
    let capacity = match some(f.capacity.clone()) {
        None => None,
        Some(c) => Some(c.trim().parse::<i64>().map_err(|_| {
            WebError::from(AppError::validation(
                "capacity",
                "capacity must be a whole number",
            ))
        })?),
    };
    let new = NewDialogue {
        kind: f.kind.unwrap_or_default(),
        title: f.title.unwrap_or_default(),
        agenda: f.agenda.unwrap_or_default(),
        starts_at: f.starts_at.unwrap_or_default(),
        ends_at: f.ends_at.unwrap_or_default(),
        place: some(f.place),
        online_url: some(f.online_url),
        response_deadline: f.response_deadline.unwrap_or_default(),
        capacity,
        language: None,
    };
    let event = crate::app::dialogues::insiders::open_event(&state, &caller, &id, new).await?;
    Ok(see_other(&format!("/processes/{id}#event-{}", event.id)))
}

/// Whom to invite to an event.
#[derive(Debug, Deserialize)]
pub struct InviteSuppliersForm {
    /// `matches` or `proposals`.
    pub from: Option<String>,
    pub count: Option<String>,
}

/// Invites suppliers to an event: the best matches, or those accepted from proposals.
pub async fn invite_suppliers(
    state: web::Data<Context>,
    v: Visitor,
    path: web::Path<(String, String)>,
    Form(f): Form<InviteSuppliersForm>,
) -> Result<HttpResponse, WebError> {
    let caller = v.require_user()?.caller.clone();
    let (id, event) = path.into_inner();
    let id = parse_id(&id)?;
    let event = parse_id(&event)?;
    let who = match f.from.as_deref() {
        Some("proposals") => Invitees::FromProposals,
        _ => {
            let n = f
                .count
                .as_deref()
                .unwrap_or("10")
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=200).contains(n))
                .ok_or_else(|| {
                    WebError::from(AppError::validation("count", "give a number from 1 to 200"))
                })?;
            Invitees::FromMatches(n)
        }
    };
    let outcomes =
        crate::app::dialogues::insiders::invite_suppliers(&state, &caller, Some(&id), &event, who)
            .await?;
    let count = |r: &str| outcomes.iter().filter(|o| o.result == r).count();
    let others =
        outcomes.len() - count("queued") - count("already_invited") - count("no_contact_email");
    // Say on the page what happened to each supplier, so nobody is left out unnoticed.
    Ok(see_other(&format!(
        "/processes/{id}?invited={}&already={}&no_email={}&other={others}#event-{event}",
        count("queued"),
        count("already_invited"),
        count("no_contact_email"),
    )))
}

/// A buyer's answer to a supplier's question.
#[derive(Debug, Deserialize)]
pub struct QuestionAnswerForm {
    pub answer: Option<String>,
}

/// Answers a question; it is published to every invitee without the asker's name.
pub async fn answer_question(
    state: web::Data<Context>,
    v: Visitor,
    path: web::Path<(String, String, String)>,
    Form(f): Form<QuestionAnswerForm>,
) -> Result<HttpResponse, WebError> {
    let caller = v.require_user()?.caller.clone();
    let (id, event, question) = path.into_inner();
    let id = parse_id(&id)?;
    let event = parse_id(&event)?;
    let question = parse_id(&question)?;
    let answer = f.answer.unwrap_or_default();
    crate::app::dialogues::insiders::publish_answer(
        &state,
        &caller,
        Some(&id),
        &event,
        &question,
        answer,
    )
    .await?;
    Ok(see_other(&format!("/processes/{id}#event-{event}")))
}

/// Routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/processes/{id}", web::get().to(show))
        .route("/processes/{id}/answer", web::post().to(answer))
        .route("/processes/{id}/phase", web::post().to(move_phase))
        .route("/processes/{id}/buyers", web::post().to(invite_buyer))
        .route(
            "/processes/{id}/proposals/{proposal}",
            web::post().to(decide),
        )
        .route("/processes/{id}/events", web::post().to(create_event))
        .route(
            "/processes/{id}/events/{event}/invitations",
            web::post().to(invite_suppliers),
        )
        .route(
            "/processes/{id}/events/{event}/questions/{question}",
            web::post().to(answer_question),
        );
}
