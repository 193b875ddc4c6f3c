//! The use cases of a process's buyers and programme staff on its dialogue events. Each runs off
//! the async executor; a use case that queues mail wakes the mailer.

use serde::Serialize;

use super::invitations::{InviteOutcome, Invitees};
use super::record::{
    insider, load_answers, AnswerView, DialogueView, InvitationView, OutboxReport, QuestionView,
    Record, RecordEntry,
};
use super::{get, NewDialogue};
use crate::app::Context;
use crate::caller::Caller;
use crate::db::dialogues::{DialogueRow, QuestionRow};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};

/// Loads an event, refusing one that is not in `process_id` when that is given (the pages reach
/// events through their process's address).
fn event_in(
    conn: &mut DbConn,
    process_id: Option<&str>,
    id: &str,
) -> AppResult<crate::db::dialogues::DialogueRow> {
    let d = get(conn, id)?;
    if process_id.is_some_and(|p| p != d.process_id) {
        return Err(AppError::not_found("no such event in this process"));
    }
    Ok(d)
}

/// Creates an event in a process (its buyers, in the market-dialogue phase).
pub async fn open_event(
    ctx: &Context,
    caller: &Caller,
    process_id: &str,
    new: NewDialogue,
) -> AppResult<DialogueView> {
    let (caller, process_id) = (caller.clone(), process_id.to_owned());
    let row = ctx
        .db
        .run(move |conn| super::create(conn, &caller, &process_id, new))
        .await?;
    Ok(DialogueView::from(&row))
}

/// Changes an event (the process's buyers); a move sends every invitee an update. Wakes the
/// mailer. Returns the event and how many invitees were told.
pub async fn change_event(
    ctx: &Context,
    caller: &Caller,
    process_id: Option<&str>,
    id: &str,
    change: super::changes::DialogueChange,
) -> AppResult<(DialogueView, usize)> {
    let (caller, process_id, id) = (caller.clone(), process_id.map(str::to_owned), id.to_owned());
    let (settings, tokens) = (ctx.settings.clone(), ctx.tokens.clone());
    let changed = ctx
        .db
        .run(move |conn| {
            event_in(conn, process_id.as_deref(), &id)?;
            super::changes::change(conn, &caller, &settings, &tokens, &id, change)
        })
        .await?;
    ctx.mailer.notify();
    Ok((DialogueView::from(&changed.dialogue), changed.notified))
}

/// Cancels an event (the process's buyers): every invitee is told, with the reason, and
/// invitations still waiting to be sent are withdrawn. Wakes the mailer. Returns the event, how
/// many invitees were told and how many invitations were withdrawn.
pub async fn cancel_event(
    ctx: &Context,
    caller: &Caller,
    process_id: Option<&str>,
    id: &str,
    reason: String,
) -> AppResult<(DialogueView, usize, usize)> {
    let (caller, process_id, id) = (caller.clone(), process_id.map(str::to_owned), id.to_owned());
    let (settings, tokens) = (ctx.settings.clone(), ctx.tokens.clone());
    let changed = ctx
        .db
        .run(move |conn| {
            event_in(conn, process_id.as_deref(), &id)?;
            super::changes::cancel(conn, &caller, &settings, &tokens, &id, &reason)
        })
        .await?;
    ctx.mailer.notify();
    Ok((
        DialogueView::from(&changed.dialogue),
        changed.notified,
        changed.withdrawn,
    ))
}

/// An event; public.
pub async fn event(ctx: &Context, id: &str) -> AppResult<DialogueView> {
    let id = id.to_owned();
    let row = ctx.db.run(move |conn| get(conn, &id)).await?;
    Ok(DialogueView::from(&row))
}

/// Invites suppliers to an event (the process's buyers) and wakes the mailer.
pub async fn invite_suppliers(
    ctx: &Context,
    caller: &Caller,
    process_id: Option<&str>,
    id: &str,
    who: Invitees,
) -> AppResult<Vec<InviteOutcome>> {
    let (caller, process_id, id) = (caller.clone(), process_id.map(str::to_owned), id.to_owned());
    let (settings, tokens, index) = (ctx.settings.clone(), ctx.tokens.clone(), ctx.index.clone());
    let outcomes = ctx
        .db
        .run(move |conn| {
            event_in(conn, process_id.as_deref(), &id)?;
            super::invitations::invite(conn, &caller, &settings, &tokens, &index, &id, who)
        })
        .await?;
    ctx.mailer.notify();
    Ok(outcomes)
}

/// Sends a failed invitation again, to the supplier's current address (the process's buyers),
/// and wakes the mailer.
pub async fn resend_invitation(
    ctx: &Context,
    caller: &Caller,
    process_id: Option<&str>,
    id: &str,
    invitation_id: &str,
) -> AppResult<InvitationView> {
    let (caller, process_id) = (caller.clone(), process_id.map(str::to_owned));
    let (id, invitation_id) = (id.to_owned(), invitation_id.to_owned());
    let (settings, tokens) = (ctx.settings.clone(), ctx.tokens.clone());
    let view = ctx
        .db
        .run(move |conn| {
            event_in(conn, process_id.as_deref(), &id)?;
            let r =
                super::invitations::resend(conn, &caller, &settings, &tokens, &id, &invitation_id)?;
            let name = super::record::supplier_names(conn, std::slice::from_ref(&r))?.remove(&r.id);
            Ok::<_, AppError>(InvitationView::of(r, name))
        })
        .await?;
    ctx.mailer.notify();
    Ok(view)
}

/// The invitations of an event and their states (insiders).
pub async fn invitation_list(
    ctx: &Context,
    caller: &Caller,
    id: &str,
) -> AppResult<Vec<InvitationView>> {
    let (caller, id) = (caller.clone(), id.to_owned());
    ctx.db
        .run(move |conn| {
            insider(conn, &caller, &id)?;
            let rows = crate::db::dialogues::invitations(conn, &id)?;
            let names = super::record::supplier_names(conn, &rows)?;
            Ok(rows
                .into_iter()
                .map(|r| {
                    let name = names.get(&r.id).cloned();
                    InvitationView::of(r, name)
                })
                .collect())
        })
        .await
}

/// What was sent to whom and when, with the SHA-256 of each exact message (insiders).
pub async fn record(ctx: &Context, caller: &Caller, id: &str) -> AppResult<Record> {
    let (caller, id) = (caller.clone(), id.to_owned());
    ctx.db
        .run(move |conn| {
            insider(conn, &caller, &id)?;
            let allocation = match crate::app::meetings::allocation::record(conn, &id) {
                Ok(r) => Some(r),
                Err(AppError::NotFound(_)) => None,
                Err(e) => return Err(e),
            };
            let items = crate::db::dialogues::outbox_of_dialogue(conn, &id)?
                .into_iter()
                .map(|m| RecordEntry {
                    kind: m.kind,
                    recipient: m.recipient,
                    subject: m.subject,
                    message_id: m.message_id,
                    sha256: m.sha256,
                    status: m.status,
                    attempts: m.attempts,
                    last_error: m.last_error,
                    queued_at: m.created_at.and_utc(),
                    sent_at: m.sent_at.map(|t| t.and_utc()),
                })
                .collect();
            let (documents, publications) = crate::app::documents::use_cases::record(conn, &id)?;
            Ok(Record {
                items,
                allocation,
                documents,
                publications,
            })
        })
        .await
}

/// Outbox depth and send rate (programme staff).
pub async fn outbox_report(ctx: &Context, caller: &Caller) -> AppResult<OutboxReport> {
    if !caller.is_admin() {
        return Err(AppError::forbidden(
            "only programme administrators can see this",
        ));
    }
    let (queued, failed, sent_last_minute, sent_last_hour) = ctx
        .db
        .run(|conn| crate::db::dialogues::outbox_stats(conn).map_err(AppError::from))
        .await?;
    Ok(OutboxReport {
        queued,
        failed,
        sent_last_minute,
        sent_last_hour,
    })
}

/// The suppliers' answers (insiders).
pub async fn answer_list(ctx: &Context, caller: &Caller, id: &str) -> AppResult<Vec<AnswerView>> {
    let (caller, id) = (caller.clone(), id.to_owned());
    ctx.db
        .run(move |conn| load_answers(conn, &caller, &id))
        .await
}

/// The questions asked, with who asked (insiders).
pub async fn question_list(
    ctx: &Context,
    caller: &Caller,
    id: &str,
) -> AppResult<Vec<QuestionView>> {
    let (caller, id) = (caller.clone(), id.to_owned());
    ctx.db
        .run(move |conn| {
            insider(conn, &caller, &id)?;
            let invitations: std::collections::HashMap<String, String> =
                crate::db::dialogues::invitations(conn, &id)?
                    .into_iter()
                    .map(|i| (i.id, i.orgnr))
                    .collect();
            Ok(crate::db::dialogues::questions(conn, &id)?
                .into_iter()
                .map(|q| QuestionView {
                    asked_by_orgnr: invitations.get(&q.invitation_id).cloned(),
                    id: q.id,
                    question: q.question,
                    answer: q.answer,
                    asked_at: q.asked_at.and_utc(),
                    answered_at: q.answered_at.map(|t| t.and_utc()),
                })
                .collect())
        })
        .await
}

/// Answers a question and publishes it to every invitee without the asker (the process's
/// buyers), then wakes the mailer.
pub async fn publish_answer(
    ctx: &Context,
    caller: &Caller,
    process_id: Option<&str>,
    id: &str,
    question_id: &str,
    answer: String,
) -> AppResult<()> {
    let (caller, process_id, id, qid) = (
        caller.clone(),
        process_id.map(str::to_owned),
        id.to_owned(),
        question_id.to_owned(),
    );
    let settings = ctx.settings.clone();
    ctx.db
        .run(move |conn| {
            event_in(conn, process_id.as_deref(), &id)?;
            super::questions::answer_question(conn, &caller, &settings, &id, &qid, &answer)
        })
        .await?;
    ctx.mailer.notify();
    Ok(())
}

/// An invitation as a process page lists it.
#[derive(Debug, Serialize)]
pub struct EventInvitation {
    /// The supplier's name, or its organisation number when it is not in innolift.
    pub name: String,
    pub email: String,
    pub status: String,
    pub answer: Option<String>,
    pub attendees: Option<i64>,
    pub comment: Option<String>,
    pub failure: Option<String>,
    /// What kind of failure, for the page's own words: see [`crate::mail::outbox::failure_kind`].
    pub failure_kind: Option<&'static str>,
    pub id: String,
}

/// An event as its process's page shows it to insiders.
#[derive(Debug, Serialize)]
pub struct EventDetail {
    pub id: String,
    pub title: String,
    pub kind: String,
    pub agenda: String,
    /// RFC 3339, UTC.
    pub starts_at: String,
    pub ends_at: String,
    pub deadline: String,
    pub place: Option<String>,
    pub online_url: Option<String>,
    pub invitations: Vec<EventInvitation>,
    pub questions: Vec<QuestionRow>,
    /// Whether answers are still taken.
    pub open: bool,
    /// Why the event was cancelled, when it was.
    pub cancel_reason: Option<String>,
    pub cancelled: bool,
    /// Local times for the edit form (`2027-03-01T09:00`, Norwegian time).
    pub starts_local: String,
    pub ends_local: String,
    pub deadline_local: String,
    pub capacity: Option<i64>,
    /// The one-to-one meetings: slots, rules and agenda; none for written input.
    pub meetings: Option<crate::app::meetings::agenda::Panel>,
    /// The minutes published to the invitees, oldest first. (A consultation summary shows
    /// beside its document.)
    pub minutes: Vec<crate::app::documents::PublishedText>,
}

/// The events of a process with their invitations, answers, questions and meetings. The caller
/// must already be known as an insider of the process: this is confidential. The meetings'
/// notes are shown only when `buyer`.
pub fn events_of_process(
    conn: &mut DbConn,
    process_id: &str,
    buyer: bool,
) -> AppResult<Vec<EventDetail>> {
    let now = crate::db::now();
    let mut events = Vec::new();
    for d in crate::db::dialogues::of_process(conn, process_id)? {
        let invitations = crate::db::dialogues::invitations(conn, &d.id)?;
        let mut names = super::letters::invitee_names(conn, &invitations)?;
        let invitations = invitations
            .into_iter()
            .map(|i| EventInvitation {
                name: names.remove(&i.id).unwrap_or_default(),
                email: i.email,
                status: i.status,
                answer: i.answer,
                attendees: i.attendees,
                comment: i.comment,
                failure_kind: i.failure.as_deref().map(crate::mail::outbox::failure_kind),
                failure: i.failure,
                id: i.id,
            })
            .collect();
        let questions = crate::db::dialogues::questions(conn, &d.id)?;
        let meetings = crate::app::meetings::agenda::panel(conn, &d, buyer)?;
        let minutes = crate::db::documents::publications(conn, &d.id)?
            .iter()
            .filter(|p| p.kind == "minutes")
            .map(crate::app::documents::PublishedText::from)
            .collect();
        let local = |t: chrono::NaiveDateTime| {
            use chrono::TimeZone;
            chrono_tz::Europe::Oslo
                .from_utc_datetime(&t)
                .format("%Y-%m-%dT%H:%M")
                .to_string()
        };
        events.push(EventDetail {
            open: now <= d.response_deadline && d.cancelled_at.is_none(),
            cancelled: d.cancelled_at.is_some(),
            cancel_reason: d.cancel_reason,
            starts_local: local(d.starts_at),
            ends_local: local(d.ends_at),
            deadline_local: local(d.response_deadline),
            capacity: d.capacity,
            starts_at: d.starts_at.and_utc().to_rfc3339(),
            ends_at: d.ends_at.and_utc().to_rfc3339(),
            deadline: d.response_deadline.and_utc().to_rfc3339(),
            id: d.id,
            title: d.title,
            kind: d.kind,
            agenda: d.agenda,
            place: d.place,
            online_url: d.online_url,
            invitations,
            questions,
            meetings,
            minutes,
        });
    }
    Ok(events)
}

/// The dialogue events still taking invitations in the processes where the caller's
/// organisation is a buyer, soonest first, so a buyer can invite a supplier it found by hand.
pub async fn open_events_of(ctx: &Context, caller: &Caller) -> AppResult<Vec<DialogueView>> {
    let Some(org) = caller.organisation_id().map(str::to_owned) else {
        return Ok(Vec::new());
    };
    let mut events: Vec<DialogueRow> = ctx
        .db
        .run(move |conn| {
            let (processes, _) = crate::db::processes::list(
                conn,
                Some(crate::domain::process::Phase::MarketDialogue.as_str()),
                Some(&org),
                false,
                0,
                100,
            )?;
            let now = crate::db::now();
            let mut open = Vec::new();
            for p in processes {
                open.extend(
                    crate::db::dialogues::of_process(conn, &p.id)?
                        .into_iter()
                        .filter(|d| d.response_deadline > now && d.cancelled_at.is_none()),
                );
            }
            Ok::<_, AppError>(open)
        })
        .await?;
    events.sort_by_key(|d| d.starts_at);
    Ok(events.iter().map(DialogueView::from).collect())
}
