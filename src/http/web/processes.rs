//! A joint process's page: buyers, phase with history, cluster proposals, dialogue events with
//! invitations, answers and questions, and the forms that move it on.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use minijinja::{context, Value};
use serde::{Deserialize, Serialize};

use super::error::WebError;
use super::forms::{form_errors, options};
use super::render::{self, see_other};
use super::session::{Form, Visitor};
use crate::app::dialogues::invitations::{InviteOutcome, Invitees};
use crate::app::dialogues::NewDialogue;
use crate::app::Context;
use crate::domain::{Invalid, Problem};
use crate::error::AppError;

pub(super) fn parse_id(id: &str) -> Result<String, WebError> {
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
    let id = parse_id(&id)?;
    render_page(
        &state,
        &v,
        &id,
        report.invited.is_some().then(|| report.into_inner()),
        None,
    )
    .await
}

/// A form on the process page that was refused: which one, what was typed, what is wrong and
/// the status to answer with.
pub(super) struct Failed {
    pub form: &'static str,
    pub typed: Value,
    pub errors: BTreeMap<String, String>,
    pub status: StatusCode,
}

pub(super) async fn render_page(
    state: &web::Data<Context>,
    v: &Visitor,
    id: &str,
    report: Option<InviteReport>,
    failed: Option<Failed>,
) -> Result<HttpResponse, WebError> {
    let user = v.require_user()?.clone();
    let page = crate::app::processes::page::page(state, &user.caller, id).await?;
    // The current phase is no move, so the list starts on the next one.
    let current = page.process.phase.as_str();
    let next = PHASES
        .iter()
        .skip_while(|p| **p != current)
        .nth(1)
        .copied()
        .unwrap_or("");
    let moves: Vec<&str> = PHASES.iter().copied().filter(|p| *p != current).collect();
    let ctx = Value::from_serialize(&page);
    let documents =
        crate::app::documents::use_cases::for_process_page(state, &user.caller, id).await?;
    let (form, typed, errors, status) = match failed {
        Some(f) => (f.form, f.typed, f.errors, f.status),
        None => ("", Value::from(()), BTreeMap::new(), StatusCode::OK),
    };
    render::page(
        v,
        status,
        "process.html",
        context! {
            phases => options(v.lang, "phase", &moves),
            next_phase => next,
            kinds => options(v.lang, "dialogues.kinds", &["conference", "one_to_one_meetings", "written_input"]),
            allocations => options(v.lang, "meetings.allocations", &["first_come", "lottery"]),
            report => report,
            failed => form,
            typed => typed,
            errors => errors,
            documents => documents,
            max_document_mb => state.settings.max_document_bytes / (1024 * 1024),
            visibilities => options(v.lang, "dialogues.docs.visible_to", &["buyers", "invitees", "public"]),
            ..ctx
        },
    )
}

/// The page again after a refused form, with what was typed and every problem beside its
/// field; any other error is answered as usual.
pub(super) async fn refused<T: serde::Serialize>(
    state: &web::Data<Context>,
    v: &Visitor,
    id: &str,
    form: &'static str,
    typed: &T,
    e: AppError,
) -> Result<HttpResponse, WebError> {
    let errors = form_errors(v.lang, e)?;
    let typed = Value::from_serialize(typed);
    render_page(
        state,
        v,
        id,
        None,
        Some(Failed {
            form,
            typed,
            errors,
            status: StatusCode::BAD_REQUEST,
        }),
    )
    .await
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
        render::see_other_with(&v, &format!("/processes/{id}"), "joined")
    } else {
        render::see_other_with(&v, "/dashboard", "declined")
    })
}

/// A phase move.
#[derive(Debug, Deserialize, Serialize)]
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
    let moved = crate::app::processes::views::move_to(
        &state,
        &caller,
        &id,
        f.to.clone().unwrap_or_default(),
        f.note.clone().filter(|n| !n.trim().is_empty()),
        f.reason.clone().filter(|n| !n.trim().is_empty()),
    )
    .await;
    match moved {
        Ok(_) => Ok(render::see_other_with(
            &v,
            &format!("/processes/{id}"),
            "phase_moved",
        )),
        Err(e) => refused(&state, &v, &id, "phase", &f, e).await,
    }
}

/// A buyer to invite.
#[derive(Debug, Deserialize, Serialize)]
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
    match crate::app::processes::views::invite(&state, &caller, &id, &org).await {
        Ok(_) => Ok(render::see_other_with(
            &v,
            &format!("/processes/{id}#buyers"),
            "buyer_invited",
        )),
        Err(e) => refused(&state, &v, &id, "buyer", &f, e).await,
    }
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
    Ok(render::see_other_with(
        &v,
        &format!("/processes/{id}#proposals"),
        "proposal_decided",
    ))
}

/// A new dialogue event, as posted.
#[derive(Debug, Deserialize, Serialize)]
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
    let mut unreadable = Vec::new();
    let capacity = some(f.capacity.clone()).and_then(|c| {
        let n = c.trim().replace([' ', '\u{a0}'], "").parse::<i64>().ok();
        if n.is_none() {
            unreadable.push(Invalid::because(
                "capacity",
                Problem::NotANumber,
                "capacity must be a whole number",
            ));
        }
        n
    });
    let new = NewDialogue {
        kind: f.kind.clone().unwrap_or_default(),
        title: f.title.clone().unwrap_or_default(),
        agenda: f.agenda.clone().unwrap_or_default(),
        starts_at: f.starts_at.clone().unwrap_or_default(),
        ends_at: f.ends_at.clone().unwrap_or_default(),
        place: some(f.place.clone()),
        online_url: some(f.online_url.clone()),
        response_deadline: f.response_deadline.clone().unwrap_or_default(),
        capacity,
        language: None,
        unreadable,
    };
    match crate::app::dialogues::insiders::open_event(&state, &caller, &id, new).await {
        Ok(event) => Ok(render::see_other_with(
            &v,
            &format!("/processes/{id}#event-{}", event.id),
            "event_created",
        )),
        Err(e) => refused(&state, &v, &id, "event", &f, e).await,
    }
}

/// Whom to invite to an event.
#[derive(Debug, Deserialize, Serialize)]
pub struct InviteSuppliersForm {
    /// `matches`, `proposals` or `chosen`.
    pub from: Option<String>,
    pub count: Option<String>,
    /// The suppliers chosen by hand (`from=chosen`), from a profile or the directory.
    #[serde(default)]
    pub supplier_ids: Vec<String>,
    /// Where the form was, to go back to after inviting by hand.
    pub back: Option<String>,
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
        Some("chosen") => Invitees::Suppliers(f.supplier_ids.clone()),
        _ => match f
            .count
            .as_deref()
            .unwrap_or("10")
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=200).contains(n))
        {
            Some(n) => Invitees::FromMatches(n),
            None => {
                let e = AppError::Validation(vec![Invalid::because(
                    "count",
                    Problem::OutOfRange,
                    "give a number from 1 to 200",
                )
                .with("min", 1)
                .with("max", 200)]);
                return refused(&state, &v, &id, "invite", &f, e).await;
            }
        },
    };
    let outcomes = match crate::app::dialogues::insiders::invite_suppliers(
        &state,
        &caller,
        Some(&id),
        &event,
        who,
    )
    .await
    {
        Ok(o) => o,
        Err(e) => return refused(&state, &v, &id, "invite", &f, e).await,
    };
    Ok(reported(&id, &event, &outcomes))
}

/// Back to the event on the process page, saying what happened to each supplier, so nobody is
/// left out unnoticed.
fn reported(id: &str, event: &str, outcomes: &[InviteOutcome]) -> HttpResponse {
    let count = |r: &str| outcomes.iter().filter(|o| o.result == r).count();
    let others =
        outcomes.len() - count("queued") - count("already_invited") - count("no_contact_email");
    see_other(&format!(
        "/processes/{id}?invited={}&already={}&no_email={}&other={others}#event-{event}",
        count("queued"),
        count("already_invited"),
        count("no_contact_email"),
    ))
}

/// A supplier chosen by hand on its profile, and the event to invite it to.
#[derive(Debug, Deserialize)]
pub struct ChosenForm {
    pub supplier_id: Option<String>,
    /// `{process id}/{event id}`.
    pub event: Option<String>,
}

/// Invites one supplier, chosen on its profile, to one of the buyer's open events.
pub async fn invite_chosen(
    state: web::Data<Context>,
    v: Visitor,
    Form(f): Form<ChosenForm>,
) -> Result<HttpResponse, WebError> {
    let caller = v.require_user()?.caller.clone();
    let (process, event) = f
        .event
        .as_deref()
        .and_then(|e| e.split_once('/'))
        .ok_or_else(|| {
            WebError::from(AppError::invalid(
                "event",
                Problem::Required,
                "choose an event",
            ))
        })?;
    let (id, event) = (parse_id(process)?, parse_id(event)?);
    let supplier = f.supplier_id.unwrap_or_default();
    let outcomes = crate::app::dialogues::insiders::invite_suppliers(
        &state,
        &caller,
        Some(&id),
        &event,
        Invitees::Suppliers(vec![supplier]),
    )
    .await?;
    Ok(reported(&id, &event, &outcomes))
}

/// A buyer's answer to a supplier's question.
#[derive(Debug, Deserialize, Serialize)]
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
    let answer = f.answer.clone().unwrap_or_default();
    let published = crate::app::dialogues::insiders::publish_answer(
        &state,
        &caller,
        Some(&id),
        &event,
        &question,
        answer,
    )
    .await;
    match published {
        Ok(_) => Ok(render::see_other_with(
            &v,
            &format!("/processes/{id}#event-{event}"),
            "answer_published",
        )),
        Err(e) => refused(&state, &v, &id, "answer", &f, e).await,
    }
}

/// Sends a failed invitation again, to the supplier's current address.
pub async fn resend_invitation(
    state: web::Data<Context>,
    v: Visitor,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, WebError> {
    let caller = v.require_user()?.caller.clone();
    let (id, event, invitation) = path.into_inner();
    let (id, event, invitation) = (parse_id(&id)?, parse_id(&event)?, parse_id(&invitation)?);
    crate::app::dialogues::insiders::resend_invitation(
        &state,
        &caller,
        Some(&id),
        &event,
        &invitation,
    )
    .await?;
    Ok(render::see_other_with(
        &v,
        &format!("/processes/{id}#event-{event}"),
        "invitation_resent",
    ))
}

/// Routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/processes/{id}", web::get().to(show))
        .route("/invitations/chosen", web::post().to(invite_chosen))
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
            "/processes/{id}/events/{event}/invitations/{invitation}/resend",
            web::post().to(resend_invitation),
        )
        .route(
            "/processes/{id}/events/{event}/questions/{question}",
            web::post().to(answer_question),
        );
}
