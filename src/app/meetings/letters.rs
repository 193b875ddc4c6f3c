//! The email of a one-to-one meeting: sent when it is booked or allocated, moved, or cancelled,
//! each with its own calendar file. The file's `UID` is the meeting's, apart from the event's,
//! so the meeting is its own entry in the supplier's calendar; `SEQUENCE` is the meeting's own.

use crate::app::dialogues::letters::{lang_of, place_of};
use crate::app::dialogues::{host, oslo};
use crate::auth::tokens::TokenKeys;
use crate::db;
use crate::db::dialogues::{DialogueRow, OutboxRow};
use crate::db::meetings::{MeetingRow, SlotRow};
use crate::domain::Lang;
use crate::error::AppError;
use crate::mail::{self, calendar};
use crate::settings::Settings;

/// What happened to the meeting.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Change<'a> {
    /// Booked first come, or given by the lottery.
    Booked,
    /// Moved by the buyers from this slot.
    Moved(&'a SlotRow),
    /// Cancelled by the buyers or by the supplier.
    Cancelled { by_buyer: bool },
}

/// Who the meeting's letter goes to and what the event is.
pub(crate) struct Addressee<'a> {
    pub event: &'a DialogueRow,
    pub buyers: &'a str,
    pub supplier_name: &'a str,
    pub email: &'a str,
}

fn when(slot: &SlotRow) -> String {
    format!("{} – {}", oslo(slot.starts_at), &oslo(slot.ends_at)[11..])
}

/// What the letter says first, in the event's language.
fn notice(change: Change, slot: &SlotRow, lang: Lang) -> String {
    let table = slot.table_no;
    match (change, lang) {
        (Change::Booked, Lang::Nb) => format!(
            "Du har fått et en-til-en-møte: {}, bord {table}.",
            when(slot)
        ),
        (Change::Booked, Lang::En) => format!(
            "You have a one-to-one meeting: {}, table {table}.",
            when(slot)
        ),
        (Change::Moved(from), Lang::Nb) => format!(
            "Møtet ditt er flyttet fra {}, bord {} til {}, bord {table}.",
            when(from),
            from.table_no,
            when(slot)
        ),
        (Change::Moved(from), Lang::En) => format!(
            "Your meeting has moved from {}, table {} to {}, table {table}.",
            when(from),
            from.table_no,
            when(slot)
        ),
        (Change::Cancelled { by_buyer }, Lang::Nb) => format!(
            "Møtet ditt {}, bord {table}, er avlyst{}.",
            when(slot),
            if by_buyer {
                " av innkjøperne"
            } else {
                " etter ønske fra deg"
            }
        ),
        (Change::Cancelled { by_buyer }, Lang::En) => format!(
            "Your meeting {}, table {table}, is cancelled{}.",
            when(slot),
            if by_buyer {
                " by the buyers"
            } else {
                " as you asked"
            }
        ),
    }
}

/// The letter of one change to one meeting, ready for the outbox (kind `meeting`).
pub(crate) fn meeting_message(
    settings: &Settings,
    keys: &TokenKeys,
    to: &Addressee,
    meeting: &MeetingRow,
    slot: &SlotRow,
    change: Change,
) -> Result<OutboxRow, AppError> {
    let d = to.event;
    let lang = lang_of(d);
    let host = host(settings);
    let answer_url = format!(
        "{}/rsvp/{}",
        settings.public_url,
        keys.link_token("rsvp", &meeting.invitation_id)
    );
    let place = place_of(d);
    let table = match lang {
        Lang::Nb => format!("bord {}", slot.table_no),
        Lang::En => format!("table {}", slot.table_no),
    };
    let location = [place.as_str(), table.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    let (label, method) = match (change, lang) {
        (Change::Cancelled { .. }, Lang::Nb) => ("Møte avlyst", calendar::Method::Cancel),
        (Change::Cancelled { .. }, Lang::En) => ("Meeting cancelled", calendar::Method::Cancel),
        (Change::Moved(_), Lang::Nb) => ("Møte flyttet", calendar::Method::Request),
        (Change::Moved(_), Lang::En) => ("Meeting moved", calendar::Method::Request),
        (Change::Booked, Lang::Nb) => ("En-til-en-møte", calendar::Method::Request),
        (Change::Booked, Lang::En) => ("One-to-one meeting", calendar::Method::Request),
    };
    let title = format!("{label}: {}", d.title);
    let message_id = format!("<meeting-{}-{}@{host}>", meeting.id, meeting.sequence);
    let rendered = mail::render_invitation(&mail::Invitation {
        lang,
        template: "meeting",
        notice: notice(change, slot, lang),
        from: settings.mail_from.clone(),
        to: to.email.to_owned(),
        message_id: message_id.clone(),
        supplier: to.supplier_name.to_owned(),
        buyers: to.buyers.to_owned(),
        kind: String::new(),
        title: title.clone(),
        agenda: d.title.clone(),
        starts: oslo(slot.starts_at),
        ends: oslo(slot.ends_at),
        place: location.clone(),
        deadline: oslo(d.response_deadline),
        answer_url: answer_url.clone(),
        unsubscribe_url: format!(
            "{}/unsubscribe/{}/{}",
            settings.public_url,
            meeting.invitation_id,
            keys.link_token("unsubscribe", &meeting.invitation_id)
        ),
        calendar: calendar::ics(&calendar::Event {
            uid: &format!("meeting-{}@{host}", meeting.id),
            sequence: meeting.sequence,
            method,
            title: &format!("{label}: {} ({})", d.title, to.buyers),
            description: &format!("{}\n\n{answer_url}", d.title),
            location: &location,
            url: &answer_url,
            starts_at: slot.starts_at,
            ends_at: slot.ends_at,
            stamp: db::now(),
            organizer: calendar::Party {
                name: to.buyers,
                email: &mail::address_of(&settings.mail_from),
            },
            attendee: calendar::Party {
                name: to.supplier_name,
                email: to.email,
            },
        }),
        calendar_method: method,
    })
    .map_err(|e| AppError::validation("email", format!("cannot write to {}: {e}", to.email)))?;
    Ok(OutboxRow::queued(
        db::new_id(),
        "meeting",
        Some(&meeting.invitation_id),
        Some(&d.id),
        to.email,
        message_id,
        rendered,
    ))
}

/// The letter to a supplier that ranked slots and got none from the lottery: no calendar file,
/// the link to the published draw, and its answer link.
pub(crate) fn no_meeting_message(
    settings: &Settings,
    keys: &TokenKeys,
    to: &Addressee,
    invitation_id: &str,
) -> Result<OutboxRow, AppError> {
    let d = to.event;
    let message_id = format!("<meeting-none-{invitation_id}@{}>", host(settings));
    let rendered = mail::render_template(
        "meeting_none",
        lang_of(d),
        &settings.mail_from,
        to.email,
        &message_id,
        &[
            ("supplier", to.supplier_name.to_owned()),
            ("buyers", to.buyers.to_owned()),
            ("title", d.title.clone()),
            (
                "answer_url",
                format!(
                    "{}/rsvp/{}",
                    settings.public_url,
                    keys.link_token("rsvp", invitation_id)
                ),
            ),
            (
                "record_url",
                format!(
                    "{}/api/v1/dialogues/{}/allocation",
                    settings.public_url, d.id
                ),
            ),
        ],
    )
    .map_err(|e| AppError::validation("email", format!("cannot write to {}: {e}", to.email)))?;
    Ok(OutboxRow::queued(
        db::new_id(),
        "meeting",
        Some(invitation_id),
        Some(&d.id),
        to.email,
        message_id,
        rendered,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(hour: u32, table: i64) -> SlotRow {
        let t = chrono::NaiveDate::from_ymd_opt(2027, 3, 1)
            .unwrap()
            .and_hms_opt(hour, 0, 0)
            .unwrap();
        SlotRow {
            id: "s".into(),
            dialogue_id: "d".into(),
            table_no: table,
            starts_at: t,
            ends_at: t + chrono::TimeDelta::minutes(30),
            deleted_at: None,
            created_at: t,
        }
    }

    #[test]
    fn a_moved_meeting_says_both_times_in_norwegian_time_and_tables() {
        let (from, to) = (slot(8, 1), slot(9, 2));
        assert_eq!(
            notice(Change::Moved(&from), &to, Lang::Nb),
            "Møtet ditt er flyttet fra 01.03.2027 09:00 – 09:30, bord 1 til 01.03.2027 10:00 – 10:30, bord 2."
        );
    }
}
