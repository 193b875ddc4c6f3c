//! What the process's buyers see of an event: its invitations and their states, the answers and
//! questions, and the record of what was sent to whom and when. Answers and comments are
//! confidential to the process's buyers and programme staff, so every loader here checks that.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::get;
use crate::caller::Caller;
use crate::db::dialogues::DialogueRow;
use crate::db::DbConn;
use crate::error::AppError;

/// Loads an event for one of its process's buyers or programme staff, or refuses.
pub fn insider(conn: &mut DbConn, caller: &Caller, id: &str) -> Result<DialogueRow, AppError> {
    let d = get(conn, id)?;
    let process = crate::app::processes::get(conn, &d.process_id)?;
    crate::app::processes::require_insider(conn, caller, &process)?;
    Ok(d)
}

/// A dialogue event; public.
#[derive(Debug, Serialize, ToSchema)]
pub struct DialogueView {
    pub id: String,
    pub process_id: String,
    pub kind: String,
    pub title: String,
    pub agenda: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub place: Option<String>,
    pub online_url: Option<String>,
    pub response_deadline: DateTime<Utc>,
    pub capacity: Option<i64>,
    pub language: String,
    /// The calendar files' `SEQUENCE`: raised with every update or cancellation sent.
    pub sequence: i64,
    /// When the event was cancelled, if it was; it then takes no more invitations, answers,
    /// questions or bookings.
    pub cancelled_at: Option<DateTime<Utc>>,
    pub cancel_reason: Option<String>,
}

impl From<&DialogueRow> for DialogueView {
    fn from(d: &DialogueRow) -> Self {
        DialogueView {
            id: d.id.clone(),
            process_id: d.process_id.clone(),
            kind: d.kind.clone(),
            title: d.title.clone(),
            agenda: d.agenda.clone(),
            starts_at: d.starts_at.and_utc(),
            ends_at: d.ends_at.and_utc(),
            place: d.place.clone(),
            online_url: d.online_url.clone(),
            response_deadline: d.response_deadline.and_utc(),
            capacity: d.capacity,
            language: d.language.clone(),
            sequence: d.sequence,
            cancelled_at: d.cancelled_at.map(|t| t.and_utc()),
            cancel_reason: d.cancel_reason.clone(),
        }
    }
}

/// An invitation and its state.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationView {
    pub id: String,
    /// Empty for suppliers that registered without being in innolift.
    pub supplier_id: Option<String>,
    pub orgnr: String,
    /// `invited` or `registered` (on the event page).
    pub source: String,
    pub supplier_name: Option<String>,
    pub email: String,
    /// `queued`, `sent`, `failed`, `answered`, `unsubscribed` or `withdrawn` (the event was
    /// cancelled before it was sent).
    pub status: String,
    /// Why it failed or was not sent.
    pub failure: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl InvitationView {
    /// The view of an invitation, with its supplier's name when it is in innolift.
    pub fn of(r: crate::db::dialogues::InvitationRow, supplier_name: Option<String>) -> Self {
        InvitationView {
            supplier_name,
            id: r.id,
            supplier_id: r.supplier_id,
            orgnr: r.orgnr,
            source: r.source,
            email: r.email,
            status: r.status,
            failure: r.failure,
            created_at: r.created_at.and_utc(),
            updated_at: r.updated_at.and_utc(),
        }
    }
}

/// Invitations.
#[derive(Debug, Serialize, ToSchema)]
pub struct Invitations {
    pub items: Vec<InvitationView>,
}

/// One message of the record.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordEntry {
    /// `invitation`, and later reminders and published answers.
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub message_id: String,
    /// SHA-256 of the exact message sent.
    pub sha256: String,
    /// `queued`, `sent`, `failed` or `withdrawn` (an invitation its event's cancellation
    /// stopped before it was sent).
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub queued_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// What was sent to whom, and when.
#[derive(Debug, Serialize, ToSchema)]
pub struct Record {
    pub items: Vec<RecordEntry>,
    /// The lottery of the event's one-to-one meetings, once it has run: the seed, every
    /// ranking and the result.
    pub allocation: Option<crate::app::meetings::allocation::AllocationRecord>,
    /// Every version of the event's documents with its SHA-256, and who was told of it and when.
    pub documents: Vec<crate::app::documents::use_cases::VersionRecord>,
    /// The consultation summaries and minutes, each with its SHA-256 and recipients.
    pub publications: Vec<crate::app::documents::use_cases::PublicationRecord>,
}

/// The outbox, for administrators.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxReport {
    pub queued: i64,
    pub failed: i64,
    pub sent_last_minute: i64,
    pub sent_last_hour: i64,
}

/// A supplier's answer, for the buyers.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnswerView {
    pub supplier_id: Option<String>,
    pub orgnr: String,
    pub supplier_name: Option<String>,
    pub email: String,
    pub answer: Option<String>,
    pub attendees: Option<i64>,
    pub comment: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
}

/// Answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct Answers {
    pub items: Vec<AnswerView>,
}

/// The names of invited suppliers, by invitation id: innolift's for registered organisations,
/// otherwise the register's for those that registered interest with an orgnr alone.
pub fn supplier_names(
    conn: &mut DbConn,
    rows: &[crate::db::dialogues::InvitationRow],
) -> Result<std::collections::HashMap<String, String>, AppError> {
    let ids: Vec<String> = rows.iter().filter_map(|r| r.supplier_id.clone()).collect();
    let orgnrs: Vec<String> = rows
        .iter()
        .filter(|r| r.supplier_id.is_none())
        .map(|r| r.orgnr.clone())
        .collect();
    let known = crate::db::organisations::names(conn, &ids)?;
    let registered = crate::db::registry::names(conn, &orgnrs)?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            let name = match &r.supplier_id {
                Some(id) => known.get(id),
                None => registered.get(&r.orgnr),
            };
            name.map(|n| (r.id.clone(), crate::registry::one_line(n, 200)))
        })
        .collect())
}

/// The answers given to an event: for its process's insiders only.
pub fn load_answers(
    conn: &mut DbConn,
    caller: &Caller,
    id: &str,
) -> Result<Vec<AnswerView>, AppError> {
    // Answers and comments are confidential to the process's buyers (and programme staff).
    insider(conn, caller, id)?;
    let rows = crate::db::dialogues::invitations(conn, id)?;
    let names = supplier_names(conn, &rows)?;
    Ok(rows
        .into_iter()
        .filter(|r| r.answer.is_some())
        .map(|r| AnswerView {
            supplier_name: names.get(&r.id).cloned(),
            supplier_id: r.supplier_id,
            orgnr: r.orgnr,
            email: r.email,
            answer: r.answer,
            attendees: r.attendees,
            comment: r.comment,
            answered_at: r.answered_at.map(|t| t.and_utc()),
        })
        .collect())
}

/// A question, for the buyers.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionView {
    pub id: String,
    pub question: String,
    /// Who asked (the buyers only see this; invitees get the question without it).
    pub asked_by_orgnr: Option<String>,
    pub answer: Option<String>,
    pub asked_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
}

/// Questions.
#[derive(Debug, Serialize, ToSchema)]
pub struct Questions {
    pub items: Vec<QuestionView>,
}
