//! Early market dialogue: events in a joint process, and invitations to them by email. Every
//! invitee gets the same text; what was sent to whom, when, is kept with the SHA-256 of the exact
//! message.
//!
//! - this module: events, their kinds and times, and who may see them;
//! - `invitations`: inviting suppliers, reminders and unsubscribing;
//! - `changes`: moving, editing and cancelling an event, with the emails every calendar follows;
//! - `letters`: the invitation email and its follow-ups (reminder, update, cancellation);
//! - `registration`: registrations of interest, confirmed by their address before anything goes;
//! - `answers`: answers behind an invitation's link;
//! - `questions`: questions from suppliers and the answers published to every invitee;
//! - `record`: what the process's buyers see: invitations, answers and what was sent to whom;
//! - `insiders` and `public`: the use cases the front doors call, for the process's buyers and
//!   for anyone with a link.

pub mod answers;
pub mod changes;
pub mod insiders;
pub mod invitations;
pub(crate) mod letters;
pub mod public;
pub mod questions;
pub mod record;
pub mod registration;

use crate::app::processes::{self, Standing};
use crate::caller::Caller;
use crate::db::dialogues::{self as q, DialogueRow, InvitationRow};
use crate::db::{self, DbConn};
use crate::domain::process::Phase;
use crate::domain::Lang;
use crate::domain::{self, string_enum, Invalid, Problem};
use crate::error::{all_valid, AppError, Clash};
use crate::settings::Settings;
use chrono::{NaiveDateTime, TimeZone};
use sha2::{Digest, Sha256};

string_enum!(
    /// The form of a dialogue event.
    DialogueKind, "kind", {
        /// Dialogkonferanse.
        Conference => "conference",
        /// En-til-en-møter.
        OneToOneMeetings => "one_to_one_meetings",
        /// Skriftlige innspill.
        WrittenInput => "written_input",
    }
);

impl DialogueKind {
    fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (DialogueKind::Conference, Lang::Nb) => "dialogkonferanse",
            (DialogueKind::OneToOneMeetings, Lang::Nb) => "en-til-en-møter",
            (DialogueKind::WrittenInput, Lang::Nb) => "skriftlige innspill",
            (DialogueKind::Conference, Lang::En) => "dialogue conference",
            (DialogueKind::OneToOneMeetings, Lang::En) => "one-to-one meetings",
            (DialogueKind::WrittenInput, Lang::En) => "written input",
        }
    }
}

/// An optional text field: empty means absent, anything else must pass `check`.
fn optional<T>(
    value: Option<&str>,
    check: impl FnOnce(&str) -> Result<T, Invalid>,
) -> Result<Option<T>, Invalid> {
    value
        .filter(|v| !v.trim().is_empty())
        .map(check)
        .transpose()
}

/// Reads a time: RFC 3339 with an offset, or a local time (`2027-03-01T09:00`) in Europe/Oslo.
/// Returns UTC.
pub fn parse_time(field: &'static str, input: &str) -> Result<NaiveDateTime, Invalid> {
    let value = input.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(value) {
        return Ok(t.naive_utc());
    }
    for format in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"] {
        if let Ok(local) = NaiveDateTime::parse_from_str(value, format) {
            return chrono_tz::Europe::Oslo
                .from_local_datetime(&local)
                .earliest()
                .map(|t| t.naive_utc())
                .ok_or_else(|| {
                    Invalid::because(
                        field,
                        Problem::NotATime,
                        format!("{field}: {value} does not exist in Norwegian time"),
                    )
                });
        }
    }
    Err(Invalid::because(field, Problem::NotATime, format!("{field} must be a time like 2027-03-01T09:00 (Norwegian time) or 2027-03-01T09:00:00+01:00")))
}

/// A UTC time as Norwegian local time, `dd.mm.yyyy hh:mm`.
pub fn format_oslo(t: NaiveDateTime) -> String {
    oslo(t)
}

pub(crate) fn oslo(t: NaiveDateTime) -> String {
    chrono_tz::Europe::Oslo
        .from_utc_datetime(&t)
        .format("%d.%m.%Y %H:%M")
        .to_string()
}

/// A new event, as given.
#[derive(Debug, Clone, Default)]
pub struct NewDialogue {
    pub kind: String,
    pub title: String,
    pub agenda: String,
    pub starts_at: String,
    pub ends_at: String,
    pub place: Option<String>,
    pub online_url: Option<String>,
    pub response_deadline: String,
    pub capacity: Option<i64>,
    pub language: Option<String>,
    /// Fields the front door could not read, reported with the service's own problems.
    pub unreadable: Vec<Invalid>,
}

pub(crate) fn require_buyer(
    conn: &mut DbConn,
    caller: &Caller,
    process_id: &str,
) -> Result<crate::db::processes::ProcessRow, AppError> {
    let process = processes::get(conn, process_id)?;
    if !matches!(
        processes::standing(conn, caller, &process)?,
        Standing::Lead | Standing::Buyer
    ) {
        return Err(AppError::forbidden("only the process's buyers can do this"));
    }
    Ok(process)
}

/// An event's fields, checked.
pub(super) struct Checked {
    pub kind: DialogueKind,
    pub title: String,
    pub agenda: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub place: Option<String>,
    pub online_url: Option<String>,
    pub deadline: NaiveDateTime,
    pub capacity: Option<i64>,
    pub language: &'static str,
}

/// Checks every field of an event, new or changed. The checks that compare two fields run
/// whenever both are valid, so a form shows every problem in one round trip.
pub(super) fn check(new: &NewDialogue) -> Result<Checked, AppError> {
    let kind = DialogueKind::parse(new.kind.trim());
    let starts_at = parse_time("starts_at", &new.starts_at);
    let ends_at = parse_time("ends_at", &new.ends_at);
    let deadline = parse_time("response_deadline", &new.response_deadline);
    let place = optional(new.place.as_deref(), |p| domain::line("place", p, 500));
    let online_url = optional(new.online_url.as_deref(), |u| {
        domain::Website::parse(u)
            .map(|w| w.as_str().to_owned())
            .map_err(|_| {
                Invalid::because(
                    "online_url",
                    Problem::BadFormat,
                    "online_url must be an address like https://meet.example.no/abc",
                )
            })
    });
    let order = match (&starts_at, &ends_at) {
        (Ok(s), Ok(e)) if e <= s => Err(Invalid::because(
            "ends_at",
            Problem::BeforeStartsAt,
            "ends_at must be after starts_at",
        )),
        _ => Ok(()),
    };
    let before_end = match (&deadline, &ends_at) {
        (Ok(d), Ok(e)) if d > e => Err(Invalid::because(
            "response_deadline",
            Problem::AfterStartsAt,
            "response_deadline must be before the event ends",
        )),
        _ => Ok(()),
    };
    let somewhere =
        match (&place, &online_url, &kind) {
            (Ok(None), Ok(None), Ok(k)) if *k != DialogueKind::WrittenInput => Err(
                Invalid::because("place", Problem::Required, "give a place or an online link"),
            ),
            _ => Ok(()),
        };
    all_valid! {
        let kind = kind;
        let title = domain::line("title", &new.title, 200);
        let agenda = domain::text("agenda", &new.agenda, 20_000);
        let starts_at = starts_at;
        let ends_at = ends_at;
        let _order = order;
        let deadline = deadline;
        let _before_end = before_end;
        let place = place;
        let _somewhere = somewhere;
        let online_url = online_url;
        let capacity = match new.capacity {
            Some(c) if c < 1 => Err(Invalid::because(
                "capacity",
                Problem::OutOfRange,
                "capacity must be 1 or more",
            )),
            c => Ok(c),
        };
        let language = match new.language.as_deref().map(str::trim) {
            None | Some("") | Some("nb") => Ok("nb"),
            Some("en") => Ok("en"),
            Some(_) => Err(Invalid::because("language", Problem::NotAllowed, "language must be nb or en")),
        };
        let _unread = match new.unreadable.is_empty() {
            true => Ok(()),
            false => Err(AppError::Validation(new.unreadable.clone())),
        };
    }
    Ok(Checked {
        kind,
        title,
        agenda,
        starts_at,
        ends_at,
        place,
        online_url,
        deadline,
        capacity,
        language,
    })
}

/// Creates a dialogue event (the process's buyers, in the market-dialogue phase).
pub fn create(
    conn: &mut DbConn,
    caller: &Caller,
    process_id: &str,
    new: NewDialogue,
) -> Result<DialogueRow, AppError> {
    let process = require_buyer(conn, caller, process_id)?;
    // An event has a public page and invitations: publishing, which waits for approval.
    crate::app::organisations::require_approved(conn, caller, "hold dialogue events")?;
    if process.phase != Phase::MarketDialogue {
        return Err(AppError::clash(
            None,
            Clash::NotInPhase,
            format!(
                "the process is in {}; move it to market_dialogue first",
                process.phase
            ),
        ));
    }
    let c = check(&new)?;
    let now = db::now();
    let row = DialogueRow {
        id: db::new_id(),
        process_id: process_id.to_owned(),
        kind: c.kind.as_str().to_owned(),
        title: c.title,
        agenda: c.agenda,
        starts_at: c.starts_at,
        ends_at: c.ends_at,
        place: c.place,
        online_url: c.online_url,
        response_deadline: c.deadline,
        capacity: c.capacity,
        language: c.language.to_owned(),
        created_by: Some(caller.account_id.clone()),
        created_at: now,
        updated_at: now,
        sequence: 0,
        cancelled_at: None,
        cancel_reason: None,
    };
    db::write_tx(conn, |conn| {
        q::insert(conn, &row)?;
        crate::app::audit::record(
            conn,
            caller,
            "dialogue",
            &row.id,
            Some(process_id),
            "created",
            None::<&()>,
            Some(&row),
        )?;
        Ok::<_, AppError>(())
    })?;
    Ok(row)
}

/// Refuses any new invitation, answer, question or booking on a cancelled event.
pub fn refuse_if_cancelled(d: &DialogueRow) -> Result<(), AppError> {
    match d.cancelled_at {
        Some(_) => Err(AppError::clash(
            None,
            Clash::Cancelled,
            format!(
                "the event was cancelled: {}",
                d.cancel_reason.as_deref().unwrap_or("")
            ),
        )),
        None => Ok(()),
    }
}

/// Loads an event or answers 404.
pub fn get(conn: &mut DbConn, id: &str) -> Result<DialogueRow, AppError> {
    q::find(conn, id)?.ok_or_else(|| AppError::not_found("no dialogue event has this id"))
}

/// The host of the public address, for the `Message-ID`s of the emails it sends.
pub(crate) fn host(settings: &Settings) -> String {
    settings.mail_host()
}

/// The SHA-256 of a token, as stored.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The invitation and event behind an answer token, if the token is well formed and known.
pub fn lookup(
    conn: &mut DbConn,
    token: &str,
) -> Result<Option<(InvitationRow, DialogueRow)>, AppError> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let Some(invitation) = q::invitation_by_token_hash(conn, &token_hash(token))? else {
        return Ok(None);
    };
    let dialogue = get(conn, &invitation.dialogue_id)?;
    Ok(Some((invitation, dialogue)))
}
