//! The use cases behind the public pages, without sign-in: an event with its published answers,
//! registration of interest, the answer page behind an invitation's link (the link is the key),
//! questions, and unsubscribing. Each that queues mail wakes the mailer.

use serde::Serialize;

use crate::app::Context;
use crate::db::dialogues::{DialogueRow, InvitationRow, QuestionRow};
use crate::error::AppResult;

/// A question and its published answer, without who asked.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublishedQuestion {
    pub question: String,
    pub answer: Option<String>,
}

pub(crate) fn published(rows: Vec<QuestionRow>) -> Vec<PublishedQuestion> {
    rows.into_iter()
        .filter(|q| q.answer.is_some())
        .map(|q| PublishedQuestion {
            question: q.question,
            answer: q.answer,
        })
        .collect()
}

/// An event's public page: the event and its published questions and answers.
#[derive(Debug, Clone)]
pub struct PublicEvent {
    pub event: DialogueRow,
    pub questions: Vec<PublishedQuestion>,
    /// The event's public documents.
    pub documents: Vec<crate::app::documents::DocumentView>,
    /// The consultation summaries and minutes the buyers published.
    pub publications: Vec<crate::app::documents::PublishedText>,
}

/// An event and its published answers; `None` when there is no such event.
pub async fn public_event(ctx: &Context, id: &str) -> AppResult<Option<PublicEvent>> {
    let id = id.to_owned();
    ctx.db
        .run(move |conn| {
            let Some(event) = crate::db::dialogues::find(conn, &id)? else {
                return Ok(None);
            };
            let questions = published(crate::db::dialogues::questions(conn, &id)?);
            let (documents, publications) =
                crate::app::documents::use_cases::public_of_event(conn, &id)?;
            Ok(Some(PublicEvent {
                event,
                questions,
                documents,
                publications,
            }))
        })
        .await
}

/// A supplier registers its interest from the public page. Floods are refused per event,
/// organisation number and client address, with the seconds to wait.
pub async fn register_interest(
    ctx: &Context,
    event_id: &str,
    orgnr: &str,
    email: &str,
    address: &str,
) -> AppResult<super::registration::Registered> {
    use crate::app::limits::{attempt, too_many, Rule};
    let minutes = |m: u64| std::time::Duration::from_secs(m * 60);
    let rule = |key: String, limit: u32, window| Rule {
        key,
        limit,
        window,
        delay: None,
    };
    let rules = vec![
        rule(
            format!("interest:{event_id}:{}", orgnr.trim()),
            3,
            minutes(10),
        ),
        rule(format!("interest-from:{address}"), 10, minutes(10)),
        // Each registration mails its address: a stranger's address gets a few, not a flood.
        rule(
            format!("interest-to:{}", email.trim().to_lowercase()),
            3,
            minutes(60),
        ),
        rule(format!("interest-event:{event_id}"), 200, minutes(60)),
    ];
    if let Some(wait) = ctx.db.run(move |conn| attempt(conn, &rules)).await? {
        return Err(too_many(wait, "registrations"));
    }
    let (settings, tokens) = (ctx.settings.clone(), ctx.tokens.clone());
    let (id, orgnr, email) = (event_id.to_owned(), orgnr.to_owned(), email.to_owned());
    let outcome = ctx
        .db
        .run(move |conn| {
            super::registration::register(conn, &settings, &tokens, &id, &orgnr, &email)
        })
        .await?;
    ctx.mailer.notify();
    Ok(outcome)
}

/// Opens the link that confirms a registration's address; returns the answer link's token.
pub async fn confirm_interest(ctx: &Context, token: &str) -> AppResult<String> {
    let (settings, tokens, token) = (ctx.settings.clone(), ctx.tokens.clone(), token.to_owned());
    let rsvp = ctx
        .db
        .run(move |conn| super::registration::confirm(conn, &settings, &tokens, &token))
        .await?;
    ctx.mailer.notify();
    Ok(rsvp)
}

/// What the answer page behind an invitation's link shows.
#[derive(Debug, Clone)]
pub struct Invitation {
    pub invitation: InvitationRow,
    pub event: DialogueRow,
    pub questions: Vec<PublishedQuestion>,
}

/// The invitation behind a link; `None` for a link that is not valid.
pub async fn invitation(ctx: &Context, token: &str) -> AppResult<Option<Invitation>> {
    let token = token.to_owned();
    ctx.db
        .run(move |conn| {
            let Some((invitation, event)) = super::lookup(conn, &token)? else {
                return Ok(None);
            };
            let questions = published(crate::db::dialogues::questions(conn, &event.id)?);
            Ok(Some(Invitation {
                invitation,
                event,
                questions,
            }))
        })
        .await
}

/// Saves the answer behind a link, confirms it by email and wakes the mailer. Returns the event.
pub async fn answer_invitation(
    ctx: &Context,
    token: &str,
    answer: String,
    attendees: Option<String>,
    comment: Option<String>,
) -> AppResult<DialogueRow> {
    let settings = ctx.settings.clone();
    let token = token.to_owned();
    let (_, event) = ctx
        .db
        .run(move |conn| {
            super::answers::answer(
                conn,
                &settings,
                &token,
                &answer,
                attendees.as_deref(),
                comment.as_deref(),
            )
        })
        .await?;
    ctx.mailer.notify();
    Ok(event)
}

/// A question from behind a link, for the buyers to answer to everyone; the buyers are told.
/// Returns the event.
pub async fn ask_question(ctx: &Context, token: &str, question: String) -> AppResult<DialogueRow> {
    let (settings, token) = (ctx.settings.clone(), token.to_owned());
    let event = ctx
        .db
        .run(move |conn| super::questions::ask(conn, &settings, &token, &question))
        .await?;
    ctx.mailer.notify();
    Ok(event)
}

/// Unsubscribes the address of an invitation; its link's key authorizes it. Returns the address,
/// or `None` for a link that is not valid.
pub async fn unsubscribe_link(
    ctx: &Context,
    invitation_id: &str,
    token: &str,
) -> AppResult<Option<String>> {
    let (tokens, id, token) = (
        ctx.tokens.clone(),
        invitation_id.to_owned(),
        token.to_owned(),
    );
    ctx.db
        .run(move |conn| super::invitations::unsubscribe(conn, &tokens, &id, &token))
        .await
}

/// Whether an event still takes answers and questions.
pub fn is_open(event: &DialogueRow) -> bool {
    event.cancelled_at.is_none() && crate::db::now() <= event.response_deadline
}
