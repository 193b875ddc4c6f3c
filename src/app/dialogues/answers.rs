//! Answers behind an invitation's link.

use crate::app::notifications;
use crate::db::dialogues::{self as q, DialogueRow, InvitationRow, OutboxRow};
use crate::db::{self, DbConn};
use crate::domain::Lang;
use crate::domain::{self, string_enum, Invalid, Problem};
use crate::error::AppError;
use crate::mail;
use crate::settings::Settings;

use super::{host, lookup, oslo, token_hash};

string_enum!(
    /// A supplier's answer to an invitation.
    Answer, "answer", {
        /// Will attend.
        Attending => "attending",
        /// Interested, but cannot attend.
        InterestedCannotAttend => "interested_cannot_attend",
        /// Not relevant for us.
        NotRelevant => "not_relevant",
    }
);

/// Records a supplier's answer through its link, until the deadline, and queues a confirmation.
/// The process's buyers are notified (by email at most once an hour per event).
pub fn answer(
    conn: &mut DbConn,
    settings: &Settings,
    token: &str,
    answer: &str,
    attendees: Option<&str>,
    comment: Option<&str>,
) -> Result<(InvitationRow, DialogueRow), AppError> {
    let (invitation, dialogue) =
        lookup(conn, token)?.ok_or_else(|| AppError::not_found("the link is not valid"))?;
    super::refuse_if_cancelled(&dialogue)?;
    if db::now() > dialogue.response_deadline {
        return Err(AppError::conflict(
            None,
            "the deadline for answers has passed",
        ));
    }
    let answer = Answer::parse(answer.trim())?;
    let attendees = match attendees.map(str::trim).filter(|a| !a.is_empty()) {
        None => None,
        Some(a) => Some(
            a.parse::<i64>()
                .ok()
                .filter(|n| (0..=100).contains(n))
                .ok_or_else(|| {
                    Invalid::because(
                        "attendees",
                        Problem::OutOfRange,
                        "attendees must be a number from 0 to 100",
                    )
                    .with("min", 0)
                    .with("max", 100)
                })?,
        ),
    };
    if answer == Answer::Attending && attendees.unwrap_or(0) < 1 {
        return Err(
            Invalid::because("attendees", Problem::Required, "say how many will attend").into(),
        );
    }
    let comment = comment
        .filter(|c| !c.trim().is_empty())
        .map(|c| domain::text("comment", c, 5000))
        .transpose()?;
    // Places are limited: attendees of other invitees plus these must fit.
    if let (Answer::Attending, Some(capacity)) = (answer, dialogue.capacity) {
        let taken: i64 = q::invitations(conn, &dialogue.id)?
            .iter()
            .filter(|i| i.id != invitation.id && i.answer.as_deref() == Some("attending"))
            .map(|i| i.attendees.unwrap_or(1))
            .sum();
        if taken + attendees.unwrap_or(1) > capacity {
            let left = (capacity - taken).max(0);
            return Err(Invalid::because(
                "attendees",
                Problem::TooMany,
                format!("only {left} places are left"),
            )
            .with("max", left)
            .into());
        }
    }
    let lang = if dialogue.language == "en" {
        Lang::En
    } else {
        Lang::Nb
    };
    let label = match (answer, lang) {
        (Answer::Attending, Lang::Nb) => "deltar",
        (Answer::InterestedCannotAttend, Lang::Nb) => "interessert, men kan ikke delta",
        (Answer::NotRelevant, Lang::Nb) => "ikke aktuelt",
        (Answer::Attending, Lang::En) => "attending",
        (Answer::InterestedCannotAttend, Lang::En) => "interested, cannot attend",
        (Answer::NotRelevant, Lang::En) => "not relevant",
    };
    let outbox_id = db::new_id();
    let message_id = format!("<confirmation-{outbox_id}@{}>", host(settings));
    let rendered = mail::render_template(
        "confirmation",
        lang,
        &settings.mail_from,
        &invitation.email,
        &message_id,
        &[
            ("title", dialogue.title.clone()),
            ("answer", label.to_owned()),
            ("deadline", oslo(dialogue.response_deadline)),
            (
                "answer_url",
                format!("{}/rsvp/{token}", settings.public_url),
            ),
        ],
    )
    .map_err(AppError::Internal)?;
    let event = notifications::Event {
        kind: notifications::Kind::DialogueAnswer,
        subject_id: dialogue.id.clone(),
        title: dialogue.title.clone(),
        actor: notifications::invitee_name(conn, &invitation)?,
        link: format!("/processes/{}#event-{}", dialogue.process_id, dialogue.id),
    };
    db::write_tx(conn, |conn| {
        q::set_answer(
            conn,
            &invitation.id,
            answer.as_str(),
            attendees,
            comment.as_deref(),
        )?;
        q::enqueue(
            conn,
            &OutboxRow::queued(
                outbox_id.clone(),
                "confirmation",
                None,
                Some(&dialogue.id),
                &invitation.email,
                message_id.clone(),
                rendered.clone(),
            ),
        )?;
        let buyers = notifications::process_buyers(conn, &dialogue.process_id)?;
        notifications::notify(conn, settings, &buyers, &event, None)?;
        Ok::<_, AppError>(())
    })?;
    let invitation = q::invitation_by_token_hash(conn, &token_hash(token))?
        .ok_or_else(|| AppError::internal("invitation vanished"))?;
    Ok((invitation, dialogue))
}
