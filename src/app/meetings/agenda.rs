//! The buyers' side of the meetings: the agenda (time, table, supplier, contact and its answer),
//! moving and cancelling a meeting, and the notes only the process's buyers see. Every move and
//! cancellation sends the supplier a calendar file for the meeting's own entry.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::booking::{live_slot, refuse_clash, slot_taken};
use super::letters::{meeting_message, Addressee, Change};
use super::MeetingView;
use crate::app::dialogues::invitations::buyer_names;
use crate::app::dialogues::{get, refuse_if_cancelled, require_buyer};
use crate::app::processes::{self, Standing};
use crate::auth::tokens::TokenKeys;
use crate::caller::Caller;
use crate::db::dialogues::{self as dq, DialogueRow, InvitationRow, OutboxRow};
use crate::db::meetings::{self as q, MeetingRow, SlotRow};
use crate::db::{self, DbConn};
use crate::domain;
use crate::error::{AppError, Clash};
use crate::settings::Settings;

/// The name of each invitation's supplier at an event, by invitation id.
pub(crate) fn supplier_names(
    conn: &mut DbConn,
    dialogue_id: &str,
) -> Result<HashMap<String, String>, AppError> {
    let invitations = dq::invitations(conn, dialogue_id)?;
    crate::app::dialogues::letters::invitee_names(conn, &invitations)
}

/// One meeting of the agenda.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AgendaItem {
    pub meeting: MeetingView,
    pub invitation_id: String,
    pub supplier_name: String,
    pub orgnr: String,
    /// The contact address the invitation went to.
    pub email: String,
    /// The supplier's answer to the invitation: `attending`, `interested_cannot_attend` or
    /// `not_relevant`.
    pub answer: Option<String>,
    pub attendees: Option<i64>,
    /// The buyers' notes; absent for programme staff, since only the buyers see them.
    pub notes: Option<String>,
}

/// The agenda of an event, by time and table.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Agenda {
    pub items: Vec<AgendaItem>,
    pub generated_at: DateTime<Utc>,
}

/// The agenda (the process's buyers and programme staff), booked meetings first by time, then
/// the cancelled ones.
pub fn agenda(conn: &mut DbConn, caller: &Caller, d: &DialogueRow) -> Result<Agenda, AppError> {
    let process = processes::get(conn, &d.process_id)?;
    let standing = processes::require_insider(conn, caller, &process)?;
    let buyer = matches!(standing, Standing::Lead | Standing::Buyer);
    Ok(Agenda {
        items: agenda_items(conn, d, buyer)?,
        generated_at: db::now().and_utc(),
    })
}

/// The agenda's meetings, with the notes when `with_notes` (the caller is one of the buyers).
/// The caller must already be known as an insider of the process.
pub(crate) fn agenda_items(
    conn: &mut DbConn,
    d: &DialogueRow,
    with_notes: bool,
) -> Result<Vec<AgendaItem>, AppError> {
    let names = supplier_names(conn, &d.id)?;
    let invitations: HashMap<String, InvitationRow> = dq::invitations(conn, &d.id)?
        .into_iter()
        .map(|i| (i.id.clone(), i))
        .collect();
    let slots = q::all_slots(conn, &d.id)?;
    let mut items = Vec::new();
    for m in q::meetings_of_dialogue(conn, &d.id)? {
        let (Some(slot), Some(inv)) = (slots.get(&m.slot_id), invitations.get(&m.invitation_id))
        else {
            continue;
        };
        items.push(AgendaItem {
            meeting: MeetingView::of(&m, slot),
            invitation_id: inv.id.clone(),
            supplier_name: names.get(&inv.id).cloned().unwrap_or_default(),
            orgnr: inv.orgnr.clone(),
            email: inv.email.clone(),
            answer: inv.answer.clone(),
            attendees: inv.attendees,
            notes: m.notes.clone().filter(|_| with_notes),
        });
    }
    items.sort_by(|a, b| {
        (
            a.meeting.status != "booked",
            a.meeting.starts_at,
            a.meeting.table,
        )
            .cmp(&(
                b.meeting.status != "booked",
                b.meeting.starts_at,
                b.meeting.table,
            ))
    });
    Ok(items)
}

/// What the process page shows of an event's one-to-one meetings.
#[derive(Debug, Clone, Serialize)]
pub struct Panel {
    pub booking: Option<super::BookingOffer>,
    pub slots: Vec<super::SlotView>,
    pub agenda: Vec<AgendaItem>,
    /// How many slots are free, for the move form.
    pub free_slots: usize,
    /// The rules form's times, in Norwegian local time (`2027-03-01T09:00`).
    pub opens_local: String,
    pub deadline_local: String,
}

/// The meetings panel of an event for its process's insiders; `None` for an event that has no
/// meetings (written input). Notes only for the buyers.
pub fn panel(conn: &mut DbConn, d: &DialogueRow, buyer: bool) -> Result<Option<Panel>, AppError> {
    if d.kind == crate::app::dialogues::DialogueKind::WrittenInput.as_str() {
        return Ok(None);
    }
    let slots = super::slots::for_buyers(conn, d)?;
    let offer = q::offer(conn, &d.id)?;
    let local = |t: chrono::NaiveDateTime| {
        use chrono::TimeZone;
        chrono_tz::Europe::Oslo
            .from_utc_datetime(&t)
            .format("%Y-%m-%dT%H:%M")
            .to_string()
    };
    Ok(Some(Panel {
        opens_local: offer
            .as_ref()
            .map(|o| local(o.opens_at))
            .unwrap_or_default(),
        deadline_local: local(offer.as_ref().map_or(d.response_deadline, |o| o.deadline)),
        free_slots: slots.items.iter().filter(|s| !s.taken).count(),
        booking: slots.booking,
        slots: slots.items,
        agenda: agenda_items(conn, d, buyer)?,
    }))
}

/// A meeting with its event, for one of the process's buyers.
fn meeting_for_buyer(
    conn: &mut DbConn,
    caller: &Caller,
    meeting_id: &str,
) -> Result<(MeetingRow, DialogueRow), AppError> {
    let m = q::find_meeting(conn, meeting_id)?
        .ok_or_else(|| AppError::not_found("no meeting has this id"))?;
    let d = get(conn, &m.dialogue_id)?;
    require_buyer(conn, caller, &d.process_id)?;
    Ok((m, d))
}

/// Who a meeting's letters go to.
fn addressee_parts(
    conn: &mut DbConn,
    d: &DialogueRow,
    m: &MeetingRow,
) -> Result<(InvitationRow, String, String), AppError> {
    let inv = dq::invitation(conn, &m.invitation_id)?
        .ok_or_else(|| AppError::internal("a meeting's invitation vanished"))?;
    let name = crate::app::notifications::invitee_name(conn, &inv)?;
    Ok((inv, name, buyer_names(conn, &d.process_id)?))
}

/// A change to a meeting by the buyers: another slot, new notes, or both.
#[derive(Debug, Clone, Default)]
pub struct MeetingChange {
    pub slot_id: Option<String>,
    /// An empty text removes the notes.
    pub notes: Option<String>,
}

/// Moves a meeting and/or sets its notes (the process's buyers). A move sends the supplier an
/// update of the meeting's calendar entry. Returns the agenda item.
pub fn change(
    conn: &mut DbConn,
    caller: &Caller,
    settings: &Settings,
    keys: &TokenKeys,
    meeting_id: &str,
    change: MeetingChange,
) -> Result<AgendaItem, AppError> {
    let (m, d) = meeting_for_buyer(conn, caller, meeting_id)?;
    let notes = change
        .notes
        .as_deref()
        .map(|n| match n.trim() {
            "" => Ok(None),
            _ => domain::text("notes", n, 10_000).map(Some),
        })
        .transpose()?;
    if let Some(slot_id) = change.slot_id.as_deref().filter(|s| *s != m.slot_id) {
        refuse_if_cancelled(&d)?;
        if m.status != "booked" {
            return Err(AppError::conflict(
                None,
                "the meeting is cancelled; the supplier can book again",
            ));
        }
        let (inv, name, buyers) = addressee_parts(conn, &d, &m)?;
        db::write_tx(conn, |conn| {
            let now = db::now();
            q::lock_invitation(conn, &inv.id, now)?;
            let to = live_slot(conn, &d.id, slot_id)?;
            let from = q::find_slot(conn, &m.slot_id)?
                .ok_or_else(|| AppError::internal("a meeting's slot vanished"))?;
            let others: Vec<MeetingRow> = q::meetings_of_invitation(conn, &inv.id)?
                .into_iter()
                .filter(|o| o.id != m.id)
                .collect();
            refuse_clash(conn, &to, &inv.orgnr, &others)?;
            match q::move_meeting(conn, &m.id, &to.id, now) {
                Err(e) if db::is_unique_violation(&e) => return Err(slot_taken()),
                Ok(false) => {
                    return Err(AppError::clash(
                        None,
                        Clash::ChangedMeanwhile,
                        "the meeting was cancelled meanwhile",
                    ))
                }
                other => other?,
            };
            let moved = q::find_meeting(conn, &m.id)?
                .ok_or_else(|| AppError::internal("a meeting vanished"))?;
            let addressee = Addressee {
                event: &d,
                buyers: &buyers,
                supplier_name: &name,
                email: &inv.email,
            };
            dq::enqueue(
                conn,
                &meeting_message(
                    settings,
                    keys,
                    &addressee,
                    &moved,
                    &to,
                    Change::Moved(&from),
                )?,
            )?;
            audit(conn, caller, &d, &moved, "meeting_moved")?;
            Ok::<_, AppError>(())
        })?;
    }
    if let Some(notes) = notes {
        q::set_notes(conn, &m.id, notes.as_deref(), db::now())?;
    }
    item(conn, caller, &d, meeting_id)
}

fn audit(
    conn: &mut DbConn,
    caller: &Caller,
    d: &DialogueRow,
    m: &MeetingRow,
    action: &str,
) -> Result<(), AppError> {
    crate::app::audit::record(
        conn,
        caller,
        "meeting",
        &m.id,
        Some(&d.process_id),
        action,
        None::<&()>,
        Some(&(m.slot_id.as_str(), m.status.as_str(), m.sequence)),
    )?;
    Ok(())
}

/// One meeting as the agenda shows it.
fn item(
    conn: &mut DbConn,
    caller: &Caller,
    d: &DialogueRow,
    meeting_id: &str,
) -> Result<AgendaItem, AppError> {
    agenda(conn, caller, d)?
        .items
        .into_iter()
        .find(|i| i.meeting.id == meeting_id)
        .ok_or_else(|| AppError::internal("a meeting left the agenda"))
}

/// Cancels a meeting (the process's buyers) and sends the supplier the cancellation.
pub fn cancel(
    conn: &mut DbConn,
    caller: &Caller,
    settings: &Settings,
    keys: &TokenKeys,
    meeting_id: &str,
) -> Result<AgendaItem, AppError> {
    let (m, d) = meeting_for_buyer(conn, caller, meeting_id)?;
    let slot = q::find_slot(conn, &m.slot_id)?
        .ok_or_else(|| AppError::internal("a meeting's slot vanished"))?;
    let (inv, name, buyers) = addressee_parts(conn, &d, &m)?;
    let addressee = Addressee {
        event: &d,
        buyers: &buyers,
        supplier_name: &name,
        email: &inv.email,
    };
    cancel_in_tx(conn, settings, keys, &addressee, &m, &slot, Some(caller))?;
    item(conn, caller, &d, meeting_id)
}

/// Cancels a booked meeting and queues its cancellation, in one transaction.
pub(crate) fn cancel_in_tx(
    conn: &mut DbConn,
    settings: &Settings,
    keys: &TokenKeys,
    to: &Addressee,
    m: &MeetingRow,
    slot: &SlotRow,
    buyer: Option<&Caller>,
) -> Result<MeetingView, AppError> {
    let by_buyer = buyer.is_some();
    db::write_tx(conn, |conn| {
        let by = if by_buyer { "buyer" } else { "supplier" };
        if !q::cancel_meeting(conn, &m.id, by, db::now())? {
            return Err(AppError::conflict(None, "the meeting is already cancelled"));
        }
        let cancelled = q::find_meeting(conn, &m.id)?
            .ok_or_else(|| AppError::internal("a meeting vanished"))?;
        dq::enqueue(
            conn,
            &meeting_message(
                settings,
                keys,
                to,
                &cancelled,
                slot,
                Change::Cancelled { by_buyer },
            )?,
        )?;
        if let Some(caller) = buyer {
            audit(conn, caller, to.event, &cancelled, "meeting_cancelled")?;
        }
        Ok(MeetingView::of(&cancelled, slot))
    })
}

/// The cancellations of every booked meeting of an event that is being cancelled, to be
/// written with the event's own cancellation: each meeting's calendar entry goes too.
pub(crate) fn cancel_all(
    conn: &mut DbConn,
    settings: &Settings,
    keys: &TokenKeys,
    d: &DialogueRow,
) -> Result<Vec<(String, OutboxRow)>, AppError> {
    let buyers = buyer_names(conn, &d.process_id)?;
    let slots = q::all_slots(conn, &d.id)?;
    let invitations: HashMap<String, InvitationRow> = dq::invitations(conn, &d.id)?
        .into_iter()
        .map(|i| (i.id.clone(), i))
        .collect();
    let names = supplier_names(conn, &d.id)?;
    let mut out = Vec::new();
    for m in q::meetings_of_dialogue(conn, &d.id)?
        .into_iter()
        .filter(|m| m.status == "booked")
    {
        let (Some(slot), Some(inv)) = (slots.get(&m.slot_id), invitations.get(&m.invitation_id))
        else {
            continue;
        };
        let name = names.get(&inv.id).cloned().unwrap_or_default();
        let cancelled = MeetingRow {
            status: "cancelled".into(),
            cancelled_by: Some("buyer".into()),
            sequence: m.sequence + 1,
            ..m.clone()
        };
        let to = Addressee {
            event: d,
            buyers: &buyers,
            supplier_name: &name,
            email: &inv.email,
        };
        out.push((
            m.id.clone(),
            meeting_message(
                settings,
                keys,
                &to,
                &cancelled,
                slot,
                Change::Cancelled { by_buyer: true },
            )?,
        ));
    }
    Ok(out)
}
