//! A joint process's page: buyers, phase with history, cluster proposals, dialogue events with
//! invitations, answers and questions, and the forms that move it on.

use actix_web::{web, HttpResponse};
use minijinja::{context, Value};
use serde::Deserialize;

use super::error::WebError;
use super::options;
use super::render::{self, see_other};
use super::session::{Form, Visitor};
use crate::app::dialogues::{Invitees, NewDialogue};
use crate::app::processes::Standing;
use crate::app::Context;
use crate::error::AppError;
use crate::http::api::processes::{proposal_views, ProcessView};

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
    let caller = user.caller.clone();
    let ctx = state
        .db
        .run(move |conn| {
            let row = crate::app::processes::get(conn, &id)?;
            let standing = crate::app::processes::standing(conn, &caller, &row)?;
            let view = ProcessView::load(conn, &row, standing)?;
            let insider = standing.is_insider();
            let proposals = match crate::app::processes::proposals(conn, &caller, &id) {
                Ok(rows) => Some(proposal_views(conn, &rows)?),
                Err(AppError::Forbidden(_)) => None,
                Err(e) => return Err(e),
            };
            let mut events = Vec::new();
            if insider {
                for d in crate::db::dialogues::of_process(conn, &id)? {
                    let invitations = crate::db::dialogues::invitations(conn, &d.id)?;
                    let names = crate::db::organisations::names(
                        conn,
                        &invitations.iter().filter_map(|i| i.supplier_id.clone()).collect::<Vec<_>>(),
                    )?;
                    let invitations: Vec<Value> = invitations
                        .iter()
                        .map(|i| {
                            context! {
                                name => i.supplier_id.as_ref().and_then(|s| names.get(s).cloned()).unwrap_or_else(|| i.orgnr.clone()),
                                email => i.email, status => i.status, answer => i.answer, attendees => i.attendees,
                                comment => i.comment, failure => i.failure,
                            }
                        })
                        .collect();
                    let questions = crate::db::dialogues::questions(conn, &d.id)?;
                    let open = crate::db::now() <= d.response_deadline;
                    events.push(context! {
                        id => d.id, title => d.title, kind => d.kind, agenda => d.agenda,
                        starts_at => d.starts_at.and_utc().to_rfc3339(), ends_at => d.ends_at.and_utc().to_rfc3339(),
                        deadline => d.response_deadline.and_utc().to_rfc3339(), place => d.place, online_url => d.online_url,
                        invitations => invitations, questions => questions, open => open,
                    });
                }
            }
            let buyers_to_invite: Vec<Value> = if matches!(standing, Standing::Lead | Standing::Buyer) {
                let (orgs, _) = crate::db::organisations::list(conn, Some("buyer"), None, 0, 500)?;
                orgs.into_iter()
                    .filter(|o| !view.buyers.iter().any(|b| b.organisation_id == o.id))
                    .map(|o| context! { value => o.id, label => o.name })
                    .collect()
            } else {
                Vec::new()
            };
            Ok::<_, AppError>(context! {
                process => view,
                lead => standing == Standing::Lead,
                buyer => matches!(standing, Standing::Lead | Standing::Buyer),
                insider => insider,
                invited => standing == Standing::Invited,
                proposals => proposals,
                events => events,
                buyers_to_invite => buyers_to_invite,
            })
        })
        .await?;
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
    let caller = user.caller.clone();
    let pid = id.clone();
    state
        .db
        .run(move |conn| {
            let org = caller.organisation_id().unwrap_or_default().to_owned();
            crate::app::processes::answer(conn, &caller, &pid, &org, accept)
        })
        .await?;
    Ok(if accept {
        see_other(&format!("/processes/{id}"))
    } else {
        see_other("/dashboard")
    })
}

/// Runs a change to process `id` as the signed-in user on the blocking pool, then goes back to
/// the process page (at `anchor`). The domain function authorizes.
async fn act<T: Send + 'static>(
    state: &Context,
    v: &Visitor,
    id: &str,
    anchor: &str,
    work: impl FnOnce(&mut crate::db::DbConn, &crate::caller::Caller, &str) -> Result<T, AppError>
        + Send
        + 'static,
) -> Result<HttpResponse, WebError> {
    let caller = v.require_user()?.caller.clone();
    let id = parse_id(id)?;
    let pid = id.clone();
    state.db.run(move |conn| work(conn, &caller, &pid)).await?;
    Ok(see_other(&format!("/processes/{id}{anchor}")))
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
    act(&state, &v, &id, "", move |conn, caller, pid| {
        crate::app::processes::move_phase(
            conn,
            caller,
            pid,
            f.to.as_deref().unwrap_or(""),
            f.note.filter(|n| !n.trim().is_empty()),
            f.reason.filter(|n| !n.trim().is_empty()),
        )
    })
    .await
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
    act(&state, &v, &id, "#buyers", move |conn, caller, pid| {
        let org = f.organisation_id.as_deref().unwrap_or("").trim().to_owned();
        crate::app::processes::invite_buyer(conn, caller, pid, &org)
    })
    .await
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
    act(&state, &v, &id, "#proposals", move |conn, caller, pid| {
        crate::app::processes::decide(
            conn,
            caller,
            pid,
            &proposal,
            f.status.as_deref().unwrap_or(""),
        )
    })
    .await
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
    let pid = id.clone();
    let event = state
        .db
        .run(move |conn| crate::app::dialogues::create(conn, &caller, &pid, new))
        .await?;
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
    let st = state.clone();
    let (pid, eid) = (id.clone(), event.clone());
    let outcomes = state
        .db
        .run(move |conn| {
            // The event must belong to this process.
            let d = crate::app::dialogues::get(conn, &eid)?;
            if d.process_id != pid {
                return Err(AppError::not_found("no such event in this process"));
            }
            crate::app::dialogues::invite(
                conn,
                &caller,
                &st.settings,
                &st.tokens,
                &st.index,
                &eid,
                who,
            )
        })
        .await?;
    state.mailer.notify();
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
    let st = state.clone();
    let (pid, eid) = (id.clone(), event.clone());
    state
        .db
        .run(move |conn| {
            let d = crate::app::dialogues::get(conn, &eid)?;
            if d.process_id != pid {
                return Err(AppError::not_found("no such event in this process"));
            }
            crate::app::dialogues::answer_question(
                conn,
                &caller,
                &st.settings,
                &eid,
                &question,
                f.answer.as_deref().unwrap_or(""),
            )
        })
        .await?;
    state.mailer.notify();
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
