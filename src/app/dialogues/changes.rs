//! Events that change: editing an event, moving it, and cancelling it. A move or a cancellation
//! reaches every invitee through the outbox, with a calendar file that keeps the event's `UID`
//! and raises its `SEQUENCE`, so every calendar follows.

use crate::auth::tokens::TokenKeys;
use crate::caller::Caller;
use crate::db::dialogues::{self as q, DialogueRow, OutboxRow};
use crate::db::{self, DbConn};
use crate::domain::{self, Invalid, Lang};
use crate::error::{AppError, Clash};
use crate::settings::Settings;

use super::invitations::buyer_names;
use super::letters::{addressees, invitation_message, lang_of, Letter};
use super::{check, get, oslo, refuse_if_cancelled, require_buyer, NewDialogue};

/// Changes to an event, as given: an absent field stays as it is, and an empty place or online
/// link removes it.
#[derive(Debug, Clone, Default)]
pub struct DialogueChange {
    pub title: Option<String>,
    pub agenda: Option<String>,
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    pub place: Option<String>,
    pub online_url: Option<String>,
    pub response_deadline: Option<String>,
    /// `Some(None)` removes the limit on places.
    pub capacity: Option<Option<i64>>,
    /// Fields the front door could not read, reported with the service's own problems.
    pub unreadable: Vec<Invalid>,
}

/// An event after a change, and how many invitees were sent an email about it.
#[derive(Debug, Clone)]
pub struct Changed {
    pub dialogue: DialogueRow,
    pub notified: usize,
    /// Invitations still waiting in the queue when the event was cancelled, withdrawn unsent.
    pub withdrawn: usize,
}

fn rfc3339(t: chrono::NaiveDateTime) -> String {
    t.and_utc().to_rfc3339()
}

/// Changes an event (the process's buyers). A change to the time or the place sends every
/// invitee an update; other changes are saved without email.
pub fn change(
    conn: &mut DbConn,
    caller: &Caller,
    settings: &Settings,
    keys: &TokenKeys,
    id: &str,
    change: DialogueChange,
) -> Result<Changed, AppError> {
    let d = get(conn, id)?;
    require_buyer(conn, caller, &d.process_id)?;
    refuse_if_cancelled(&d)?;
    // The merged event passes the same checks as a new one, so a change cannot make an event
    // that could not have been created.
    let merged = NewDialogue {
        kind: d.kind.clone(),
        title: change.title.unwrap_or_else(|| d.title.clone()),
        agenda: change.agenda.unwrap_or_else(|| d.agenda.clone()),
        starts_at: change.starts_at.unwrap_or_else(|| rfc3339(d.starts_at)),
        ends_at: change.ends_at.unwrap_or_else(|| rfc3339(d.ends_at)),
        place: change.place.or_else(|| d.place.clone()),
        online_url: change.online_url.or_else(|| d.online_url.clone()),
        response_deadline: change
            .response_deadline
            .unwrap_or_else(|| rfc3339(d.response_deadline)),
        capacity: change.capacity.unwrap_or(d.capacity),
        language: Some(d.language.clone()),
        unreadable: change.unreadable,
    };
    let c = check(&merged)?;
    let mut after = DialogueRow {
        title: c.title,
        agenda: c.agenda,
        starts_at: c.starts_at,
        ends_at: c.ends_at,
        place: c.place,
        online_url: c.online_url,
        response_deadline: c.deadline,
        capacity: c.capacity,
        updated_at: db::now(),
        ..d.clone()
    };
    let lang = lang_of(&d);
    let changes = what_changed(&d, &after, lang);
    if changes.is_empty() {
        return Ok(Changed {
            dialogue: d,
            notified: 0,
            withdrawn: 0,
        });
    }
    let moved = d.starts_at != after.starts_at
        || d.ends_at != after.ends_at
        || d.place != after.place
        || d.online_url != after.online_url;
    let mut letters = Vec::new();
    if moved {
        after.sequence += 1;
        letters = letters_to_all(
            conn,
            settings,
            keys,
            &after,
            Letter::Update(&changes.join("\n")),
        )?;
    }
    save(conn, caller, &d, &after, "changed", &letters, &[], false)?;
    Ok(Changed {
        dialogue: after,
        notified: letters.len(),
        withdrawn: 0,
    })
}

/// Cancels an event (the process's buyers): every invitee gets the cancellation with the reason,
/// and the event takes no more invitations, answers, questions or bookings.
pub fn cancel(
    conn: &mut DbConn,
    caller: &Caller,
    settings: &Settings,
    keys: &TokenKeys,
    id: &str,
    reason: &str,
) -> Result<Changed, AppError> {
    let d = get(conn, id)?;
    require_buyer(conn, caller, &d.process_id)?;
    refuse_if_cancelled(&d)?;
    let reason = domain::text("reason", reason, 2_000)?;
    let now = db::now();
    if d.ends_at < now {
        return Err(AppError::conflict(
            None,
            "the event is over; there is nothing left to cancel",
        ));
    }
    let after = DialogueRow {
        sequence: d.sequence + 1,
        cancelled_at: Some(now),
        cancel_reason: Some(reason.clone()),
        updated_at: now,
        ..d.clone()
    };
    let mut letters = letters_to_all(conn, settings, keys, &after, Letter::Cancel(&reason))?;
    let to_invitees = letters.len();
    // Each booked one-to-one meeting has its own calendar entry, which goes with the event.
    let meetings = crate::app::meetings::agenda::cancel_all(conn, settings, keys, &after)?;
    let meeting_ids: Vec<String> = meetings.iter().map(|(id, _)| id.clone()).collect();
    letters.extend(meetings.into_iter().map(|(_, letter)| letter));
    let withdrawn = save(
        conn,
        caller,
        &d,
        &after,
        "cancelled",
        &letters,
        &meeting_ids,
        true,
    )?;
    let notified = letters[..to_invitees]
        .iter()
        .filter(|m| !is_withdrawn(m, &withdrawn))
        .count();
    Ok(Changed {
        dialogue: after,
        notified,
        withdrawn: withdrawn.len(),
    })
}

/// One letter to every invitee that was or will be told of the event: sent, answered, or still
/// queued (the outbox holds a follow-up until its invitation has gone). Failed invitations get
/// none; resending one sends the event as it is then.
fn letters_to_all(
    conn: &mut DbConn,
    settings: &Settings,
    keys: &TokenKeys,
    d: &DialogueRow,
    letter: Letter,
) -> Result<Vec<OutboxRow>, AppError> {
    let buyers = buyer_names(conn, &d.process_id)?;
    let mut out = Vec::new();
    for (inv, name) in addressees(conn, d, &["queued", "sent", "answered"])? {
        out.push(invitation_message(
            settings, keys, d, &buyers, &name, &inv.id, &inv.email, letter,
        )?);
    }
    Ok(out)
}

/// Writes the change, its letters, the meetings it cancels and its audit entry together, unless
/// someone changed the event since it was read. With `withdraw` (a cancellation), invitations
/// still waiting in the queue are withdrawn in the same transaction, and their invitees get no
/// letter: nobody should hear first of an event and then of its cancellation. Returns the
/// invitations withdrawn.
#[allow(clippy::too_many_arguments)]
fn save(
    conn: &mut DbConn,
    caller: &Caller,
    before: &DialogueRow,
    after: &DialogueRow,
    action: &str,
    letters: &[OutboxRow],
    cancelled_meetings: &[String],
    withdraw: bool,
) -> Result<Vec<String>, AppError> {
    db::write_tx(conn, |conn| {
        if !q::update(conn, after, before.updated_at)? {
            return Err(AppError::clash(
                None,
                Clash::ChangedMeanwhile,
                "someone changed the event meanwhile; load it again and repeat the change",
            ));
        }
        let withdrawn = if withdraw {
            q::withdraw_unsent_invitations(
                conn,
                &after.id,
                db::now(),
                crate::mail::outbox::WITHDRAWN,
            )?
        } else {
            Vec::new()
        };
        for m in letters {
            if !is_withdrawn(m, &withdrawn) {
                q::enqueue(conn, m)?;
            }
        }
        for id in cancelled_meetings {
            crate::db::meetings::cancel_meeting(conn, id, "buyer", after.updated_at)?;
        }
        crate::app::audit::record(
            conn,
            caller,
            "dialogue",
            &after.id,
            Some(&after.process_id),
            action,
            Some(before),
            Some(after),
        )?;
        Ok(withdrawn)
    })
}

fn is_withdrawn(letter: &OutboxRow, withdrawn: &[String]) -> bool {
    letter
        .invitation_id
        .as_ref()
        .is_some_and(|i| withdrawn.contains(i))
}

/// What changed, one line per field, in the event's language: the old value and the new.
fn what_changed(before: &DialogueRow, after: &DialogueRow, lang: Lang) -> Vec<String> {
    let nb = lang == Lang::Nb;
    let none = || if nb { "(ingen)" } else { "(none)" }.to_owned();
    let text = |v: &Option<String>| v.clone().unwrap_or_else(none);
    let mut lines = Vec::new();
    let mut line = |label_nb: &str, label_en: &str, old: String, new: String| {
        if old != new {
            let label = if nb { label_nb } else { label_en };
            lines.push(format!("{label}: {old} → {new}"));
        }
    };
    line("Tittel", "Title", before.title.clone(), after.title.clone());
    line(
        "Starter",
        "Starts",
        oslo(before.starts_at),
        oslo(after.starts_at),
    );
    line("Slutter", "Ends", oslo(before.ends_at), oslo(after.ends_at));
    line("Sted", "Place", text(&before.place), text(&after.place));
    line(
        "Nettmøte",
        "Online",
        text(&before.online_url),
        text(&after.online_url),
    );
    line(
        "Svarfrist",
        "Answer by",
        oslo(before.response_deadline),
        oslo(after.response_deadline),
    );
    let count = |c: Option<i64>| c.map(|n| n.to_string()).unwrap_or_else(none);
    line(
        "Plasser",
        "Places",
        count(before.capacity),
        count(after.capacity),
    );
    if before.agenda != after.agenda {
        lines.push(
            if nb {
                "Programmet er endret (se under)."
            } else {
                "The programme has changed (see below)."
            }
            .to_owned(),
        );
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> DialogueRow {
        let t = |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        DialogueRow {
            id: "d".into(),
            process_id: "p".into(),
            kind: "conference".into(),
            title: "Ferje".into(),
            agenda: "Program".into(),
            starts_at: t("2027-03-01 08:00"),
            ends_at: t("2027-03-01 11:00"),
            place: Some("Rådhuset".into()),
            online_url: None,
            response_deadline: t("2027-02-20 12:00"),
            capacity: None,
            language: "nb".into(),
            created_by: None,
            created_at: t("2027-01-01 00:00"),
            updated_at: t("2027-01-01 00:00"),
            sequence: 0,
            cancelled_at: None,
            cancel_reason: None,
        }
    }

    #[test]
    fn a_moved_event_says_the_old_and_the_new_time_in_norwegian_time() {
        let before = event();
        let after = DialogueRow {
            starts_at: before.starts_at + chrono::TimeDelta::hours(1),
            place: None,
            online_url: Some("https://meet.example.no/x".into()),
            ..before.clone()
        };
        let lines = what_changed(&before, &after, Lang::Nb);
        assert_eq!(
            lines,
            vec![
                "Starter: 01.03.2027 09:00 → 01.03.2027 10:00".to_owned(),
                "Sted: Rådhuset → (ingen)".to_owned(),
                "Nettmøte: (ingen) → https://meet.example.no/x".to_owned(),
            ]
        );
    }

    #[test]
    fn an_unchanged_event_has_nothing_to_tell() {
        assert!(what_changed(&event(), &event(), Lang::En).is_empty());
    }
}
