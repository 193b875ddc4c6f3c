//! Questions from invitees, and the answers the buyers publish: every invitee gets the same
//! answer, so every supplier has the same information.

use crate::app::notifications;
use crate::caller::Caller;
use crate::db::dialogues::{self as q, DialogueRow, OutboxRow};
use crate::db::{self, DbConn};
use crate::domain::Lang;
use crate::domain::{self};
use crate::error::AppError;
use crate::mail;
use crate::settings::Settings;

use super::{get, host, lookup, require_buyer};

/// A supplier asks a question through its link; the process's buyers are notified.
pub fn ask(
    conn: &mut DbConn,
    settings: &Settings,
    token: &str,
    question: &str,
) -> Result<DialogueRow, AppError> {
    let (invitation, d) =
        lookup(conn, token)?.ok_or_else(|| AppError::not_found("the link is not valid"))?;
    super::refuse_if_cancelled(&d)?;
    if db::now() > d.response_deadline {
        return Err(AppError::conflict(
            None,
            "the deadline for questions has passed",
        ));
    }
    let question = domain::text("question", question, 5000)?;
    let event = notifications::Event {
        kind: notifications::Kind::DialogueQuestion,
        subject_id: d.id.clone(),
        title: d.title.clone(),
        actor: notifications::invitee_name(conn, &invitation)?,
        link: format!("/processes/{}#event-{}", d.process_id, d.id),
    };
    db::write_tx(conn, |conn| {
        q::insert_question(
            conn,
            &crate::db::dialogues::QuestionRow {
                id: db::new_id(),
                dialogue_id: d.id.clone(),
                invitation_id: invitation.id.clone(),
                question,
                answer: None,
                answered_by: None,
                asked_at: db::now(),
                answered_at: None,
            },
        )?;
        let buyers = notifications::process_buyers(conn, &d.process_id)?;
        notifications::notify(conn, settings, &buyers, &event, None)?;
        Ok::<_, AppError>(())
    })?;
    Ok(d)
}

/// The published question and answer for one invitee.
#[allow(clippy::too_many_arguments)]
fn answer_message(
    settings: &Settings,
    d: &DialogueRow,
    question_id: &str,
    question: &str,
    answer: &str,
    invitation_id: &str,
    email: &str,
    round: i64,
) -> Result<OutboxRow, AppError> {
    let lang = if d.language == "en" {
        Lang::En
    } else {
        Lang::Nb
    };
    // A resent invitation brings the answers again, under new ids.
    let message_id = match round {
        0 => format!("<answer-{question_id}-{invitation_id}@{}>", host(settings)),
        n => format!(
            "<answer-{question_id}-{invitation_id}-{n}@{}>",
            host(settings)
        ),
    };
    let rendered = mail::render_template(
        "answer",
        lang,
        &settings.mail_from,
        email,
        &message_id,
        &[
            ("title", d.title.clone()),
            ("question", question.to_owned()),
            ("answer", answer.to_owned()),
            (
                "event_url",
                format!("{}/dialogues/{}", settings.public_url, d.id),
            ),
        ],
    )
    .map_err(AppError::Internal)?;
    Ok(OutboxRow::queued(
        db::new_id(),
        "answer_published",
        Some(invitation_id),
        Some(&d.id),
        email,
        message_id,
        rendered,
    ))
}

/// The questions answered so far, for someone invited or registered later, so every invitee
/// has the same information.
pub(super) fn earlier_answers(
    conn: &mut DbConn,
    settings: &Settings,
    d: &DialogueRow,
    invitation_id: &str,
    email: &str,
    round: i64,
) -> Result<Vec<OutboxRow>, AppError> {
    q::questions(conn, &d.id)?
        .into_iter()
        .filter_map(|q| q.answer.clone().map(|a| (q, a)))
        .map(|(q, a)| {
            answer_message(
                settings,
                d,
                &q.id,
                &q.question,
                &a,
                invitation_id,
                email,
                round,
            )
        })
        .collect()
}

/// The buyers answer a question; question and answer go, without the asker's name, to every
/// invitee by email and onto the event page. Answering twice is refused.
pub fn answer_question(
    conn: &mut DbConn,
    caller: &Caller,
    settings: &Settings,
    id: &str,
    question_id: &str,
    answer: &str,
) -> Result<(), AppError> {
    let d = get(conn, id)?;
    require_buyer(conn, caller, &d.process_id)?;
    crate::app::organisations::require_approved(conn, caller, "publish answers")?;
    super::refuse_if_cancelled(&d)?;
    let answer = domain::text("answer", answer, 10_000)?;
    let question = q::find_question(conn, question_id, id)?
        .ok_or_else(|| AppError::not_found("no question in this event has this id"))?;
    let invitees = q::invitations(conn, id)?;
    // The asker's organisation, when it is in innolift, hears that its own question is answered.
    let asker = invitees
        .iter()
        .find(|i| i.id == question.invitation_id)
        .and_then(|i| i.supplier_id.clone());
    let event = notifications::Event {
        kind: notifications::Kind::QuestionAnswered,
        subject_id: question_id.to_owned(),
        title: d.title.clone(),
        actor: notifications::organisation_name(conn, caller.organisation_id())?,
        link: format!("/dialogues/{}", d.id),
    };
    let mut messages = Vec::new();
    for inv in &invitees {
        // The address, not the invitation's state, says whether someone asked for no more mail:
        // an invitee may have answered after unsubscribing.
        if q::is_unsubscribed(conn, &inv.email)? {
            continue;
        }
        messages.push(answer_message(
            settings,
            &d,
            question_id,
            &question.question,
            &answer,
            &inv.id,
            &inv.email,
            0,
        )?);
    }
    db::write_tx(conn, |conn| {
        if !q::answer_question(conn, question_id, id, &answer, &caller.account_id)? {
            return Err(AppError::conflict(
                None,
                "this question is answered already",
            ));
        }
        for m in &messages {
            q::enqueue(conn, m)?;
        }
        if let Some(org) = &asker {
            notifications::notify(conn, settings, std::slice::from_ref(org), &event, None)?;
        }
        crate::app::audit::record(
            conn,
            caller,
            "question",
            question_id,
            Some(&d.process_id),
            "answered",
            Some(&question),
            Some(&serde_json::json!({"answer": answer})),
        )?;
        Ok(())
    })
}
