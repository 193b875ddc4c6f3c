//! What a supplier does with one-to-one meetings through its answer link, where the link's token
//! is the credential for that one invitation: see the offer and the slots, book one (first
//! come), rank them (lottery), and cancel its own meeting.
//!
//! Fair play: nobody sees the slots before `booking_opens_at`, taken slots never say by whom,
//! and bookings and rankings stop at `booking_deadline`. Cancelling one's own meeting works
//! until the meeting starts, since a supplier must always be able to say it cannot come.

use std::collections::HashSet;

use serde::Serialize;
use utoipa::ToSchema;

use super::letters::{meeting_message, Addressee, Change};
use super::{offer_of, Allocation, BookingOffer, MeetingView, SlotView};
use crate::app::dialogues::invitations::buyer_names;
use crate::app::dialogues::{lookup, refuse_if_cancelled};
use crate::app::notifications::invitee_name;
use crate::auth::tokens::TokenKeys;
use crate::db::dialogues::{self as dq, DialogueRow, InvitationRow};
use crate::db::meetings::{self as q, MeetingRow, OfferRow, PreferenceRow};
use crate::db::{self, DbConn};
use crate::domain::Problem;
use crate::error::{AppError, Clash};
use crate::settings::Settings;

/// The invitation and event behind a token, or 404.
pub(crate) fn invitation_of(
    conn: &mut DbConn,
    token: &str,
) -> Result<(InvitationRow, DialogueRow), AppError> {
    lookup(conn, token)?.ok_or_else(|| AppError::not_found("the link is not valid"))
}

/// Refuses a supplier whose invitation never arrived or that has unsubscribed.
fn require_delivered(inv: &InvitationRow) -> Result<(), AppError> {
    if matches!(inv.status.as_str(), "sent" | "answered") {
        Ok(())
    } else {
        Err(AppError::clash(
            None,
            Clash::NotDelivered,
            format!(
                "this invitation is {}; only delivered invitations can book",
                inv.status
            ),
        ))
    }
}

/// Refuses a booking or ranking outside the offer's window, or of the wrong kind.
fn require_window(offer: &OfferRow, wanted: Allocation) -> Result<(), AppError> {
    let now = db::now();
    if offer.allocation != wanted.as_str() {
        let what = match wanted {
            Allocation::FirstCome => {
                "this event gives its meetings by lottery; rank slots with slot_ids"
            }
            Allocation::Lottery => "this event books first come; book one slot with slot_id",
        };
        return Err(AppError::clash(None, Clash::WrongAllocation, what));
    }
    if offer.allocated_at.is_some() {
        return Err(AppError::clash(
            None,
            Clash::Allocated,
            "the meetings have been allocated; the result is published",
        ));
    }
    if now < offer.opens_at {
        return Err(AppError::clash(
            None,
            Clash::BookingNotOpen,
            format!(
                "booking opens {} (Norwegian time), for every invitee at once",
                crate::app::dialogues::format_oslo(offer.opens_at)
            ),
        ));
    }
    if now >= offer.deadline {
        return Err(AppError::clash(
            None,
            Clash::BookingClosed,
            "the booking deadline has passed",
        ));
    }
    Ok(())
}

/// A supplier's own meeting, as it sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OwnMeetings {
    pub items: Vec<MeetingView>,
}

/// A supplier's ranking of slots for a lottery, first choice first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OwnRanking {
    pub slot_ids: Vec<String>,
}

/// The meetings part of what a supplier sees behind its link.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SupplierMeetings {
    /// The booking offer, when the event has one-to-one meetings.
    pub booking: Option<BookingOffer>,
    /// The slots: empty until booking opens, the same for every invitee after. Taken slots
    /// say only that they are taken.
    pub slots: Vec<SlotView>,
    /// The supplier's own meetings, booked and cancelled.
    pub meetings: Vec<MeetingView>,
    /// The supplier's ranking, for a lottery.
    pub ranking: Vec<String>,
}

/// The offer, the slots and one invitation's own meetings and ranking.
pub fn supplier_meetings(
    conn: &mut DbConn,
    inv: &InvitationRow,
    d: &DialogueRow,
) -> Result<SupplierMeetings, AppError> {
    let Some(offer) = q::offer(conn, &d.id)? else {
        return Ok(SupplierMeetings {
            booking: None,
            slots: Vec::new(),
            meetings: Vec::new(),
            ranking: Vec::new(),
        });
    };
    let now = db::now();
    let all_slots = q::slots(conn, &d.id)?;
    let booked = super::slots::booked_by_slot(conn, &d.id)?;
    let slots = if now < offer.opens_at {
        Vec::new()
    } else {
        all_slots
            .iter()
            .map(|s| {
                let meeting = booked.get(&s.id);
                SlotView {
                    id: s.id.clone(),
                    starts_at: s.starts_at.and_utc(),
                    ends_at: s.ends_at.and_utc(),
                    table: s.table_no,
                    taken: meeting.is_some(),
                    booking: None,
                    mine: Some(meeting.is_some_and(|m| m.invitation_id == inv.id)),
                }
            })
            .collect()
    };
    let every_slot = q::all_slots(conn, &d.id)?;
    let meetings = own_meetings(conn, &inv.id, &every_slot)?;
    let ranking = q::preferences(conn, &d.id)?
        .into_iter()
        .filter(|p| p.invitation_id == inv.id)
        .map(|p| p.slot_id)
        .collect();
    Ok(SupplierMeetings {
        booking: Some(BookingOffer::of(&offer, now)),
        slots,
        meetings,
        ranking,
    })
}

fn own_meetings(
    conn: &mut DbConn,
    invitation_id: &str,
    slots: &std::collections::HashMap<String, q::SlotRow>,
) -> Result<Vec<MeetingView>, AppError> {
    let mut out: Vec<MeetingView> = q::meetings_of_invitation(conn, invitation_id)?
        .iter()
        .filter_map(|m| slots.get(&m.slot_id).map(|slot| MeetingView::of(m, slot)))
        .collect();
    out.sort_by_key(|m| m.starts_at);
    Ok(out)
}

/// A slot of the event that is not deleted, or the reason it cannot be had.
pub(crate) fn live_slot(
    conn: &mut DbConn,
    dialogue_id: &str,
    slot_id: &str,
) -> Result<q::SlotRow, AppError> {
    let slot = q::find_slot(conn, slot_id)?
        .filter(|s| s.dialogue_id == dialogue_id)
        .ok_or_else(|| {
            AppError::invalid("slot_id", Problem::NotFound, "no such slot at this event")
        })?;
    if slot.deleted_at.is_some() {
        return Err(AppError::clash(
            Some("slot_id"),
            Clash::SlotGone,
            "the buyers have removed this slot; choose another",
        ));
    }
    Ok(slot)
}

/// Refuses a slot that overlaps one of `others` (the supplier's booked meetings at this event)
/// or a meeting the same supplier (by organisation number) has booked at another event.
pub(crate) fn refuse_clash(
    conn: &mut DbConn,
    slot: &q::SlotRow,
    orgnr: &str,
    others: &[MeetingRow],
) -> Result<(), AppError> {
    q::lock_supplier(conn, orgnr)?;
    if !q::booked_clashes_elsewhere(conn, orgnr, &slot.dialogue_id, slot.starts_at, slot.ends_at)?
        .is_empty()
    {
        return Err(AppError::clash(
            Some("slot_id"),
            Clash::TimeClash,
            "the supplier already has a meeting at this time at another event",
        ));
    }
    for m in others.iter().filter(|m| m.status == "booked") {
        if let Some(o) = q::find_slot(conn, &m.slot_id)? {
            if o.starts_at < slot.ends_at && slot.starts_at < o.ends_at {
                return Err(AppError::clash(
                    Some("slot_id"),
                    Clash::TimeClash,
                    "the supplier already has a meeting at this time",
                ));
            }
        }
    }
    Ok(())
}

/// The answer to a booking that lost the race for its slot.
pub(crate) fn slot_taken() -> AppError {
    AppError::clash(
        Some("slot_id"),
        Clash::SlotTaken,
        "someone else has this slot; choose another free one",
    )
}

/// Books a slot first come, through an invitation's link, and queues the meeting's email.
/// However many ask at once, a slot goes to one: the database refuses a second booked meeting
/// in a slot, and one supplier's bookings take turns on its invitation's row.
pub fn book(
    conn: &mut DbConn,
    settings: &Settings,
    keys: &TokenKeys,
    token: &str,
    slot_id: &str,
) -> Result<MeetingView, AppError> {
    let (inv, d) = invitation_of(conn, token)?;
    refuse_if_cancelled(&d)?;
    require_delivered(&inv)?;
    let offer = offer_of(conn, &d.id)?;
    require_window(&offer, Allocation::FirstCome)?;
    let buyers = buyer_names(conn, &d.process_id)?;
    let supplier_name = invitee_name(conn, &inv)?;
    db::write_tx(conn, |conn| {
        let now = db::now();
        q::lock_invitation(conn, &inv.id, now)?;
        let slot = live_slot(conn, &d.id, slot_id)?;
        let mine: Vec<MeetingRow> = q::meetings_of_invitation(conn, &inv.id)?
            .into_iter()
            .filter(|m| m.status == "booked")
            .collect();
        if mine.len() as i64 >= offer.meetings_per_supplier {
            return Err(AppError::clash(
                None,
                Clash::LimitReached,
                format!(
                    "each supplier may book {} meeting(s) here; cancel one to book another",
                    offer.meetings_per_supplier
                ),
            ));
        }
        refuse_clash(conn, &slot, &inv.orgnr, &mine)?;
        // A slot someone else has is refused by the database's unique index, on both
        // backends and across nodes, so there is no separate check to race with.
        let meeting = MeetingRow {
            id: db::new_id(),
            dialogue_id: d.id.clone(),
            slot_id: slot.id.clone(),
            invitation_id: inv.id.clone(),
            status: "booked".into(),
            source: "booked".into(),
            notes: None,
            sequence: 0,
            cancelled_by: None,
            created_at: now,
            updated_at: now,
        };
        match q::insert_meeting(conn, &meeting) {
            Err(e) if db::is_unique_violation(&e) => return Err(slot_taken()),
            other => other?,
        }
        let to = Addressee {
            event: &d,
            buyers: &buyers,
            supplier_name: &supplier_name,
            email: &inv.email,
        };
        dq::enqueue(
            conn,
            &meeting_message(settings, keys, &to, &meeting, &slot, Change::Booked)?,
        )?;
        Ok(MeetingView::of(&meeting, &slot))
    })
}

/// Replaces a supplier's ranking of slots for a lottery, through its link. An empty list
/// withdraws it.
pub fn rank(conn: &mut DbConn, token: &str, slot_ids: &[String]) -> Result<OwnRanking, AppError> {
    let (inv, d) = invitation_of(conn, token)?;
    refuse_if_cancelled(&d)?;
    require_delivered(&inv)?;
    let offer = offer_of(conn, &d.id)?;
    require_window(&offer, Allocation::Lottery)?;
    let live: HashSet<String> = q::slots(conn, &d.id)?.into_iter().map(|s| s.id).collect();
    let mut seen = HashSet::new();
    for (i, id) in slot_ids.iter().enumerate() {
        if !live.contains(id) {
            return Err(AppError::invalid(
                format!("slot_ids[{i}]"),
                Problem::NotFound,
                format!("slot_ids[{i}]: no such slot at this event"),
            ));
        }
        if !seen.insert(id) {
            return Err(AppError::invalid(
                format!("slot_ids[{i}]"),
                Problem::Invalid,
                format!("slot_ids[{i}]: this slot is ranked twice"),
            ));
        }
    }
    let now = db::now();
    let rows: Vec<PreferenceRow> = slot_ids
        .iter()
        .enumerate()
        .map(|(i, id)| PreferenceRow {
            invitation_id: inv.id.clone(),
            slot_id: id.clone(),
            dialogue_id: d.id.clone(),
            rank: i as i64 + 1,
            created_at: now,
        })
        .collect();
    db::write_tx(conn, |conn| {
        q::lock_invitation(conn, &inv.id, now)?;
        q::replace_preferences(conn, &inv.id, &rows)?;
        Ok::<_, AppError>(())
    })?;
    Ok(OwnRanking {
        slot_ids: slot_ids.to_vec(),
    })
}

/// Cancels a supplier's own meeting through its link, until the meeting starts, and queues the
/// cancellation. Another invitation's meeting is not found.
pub fn cancel_own(
    conn: &mut DbConn,
    settings: &Settings,
    keys: &TokenKeys,
    token: &str,
    meeting_id: &str,
) -> Result<MeetingView, AppError> {
    let (inv, d) = invitation_of(conn, token)?;
    let meeting = q::find_meeting(conn, meeting_id)?
        .filter(|m| m.invitation_id == inv.id)
        .ok_or_else(|| AppError::not_found("no such meeting behind this link"))?;
    let slot = q::find_slot(conn, &meeting.slot_id)?
        .ok_or_else(|| AppError::internal("a meeting's slot vanished"))?;
    if slot.starts_at <= db::now() {
        return Err(AppError::clash(
            None,
            Clash::BookingClosed,
            "the meeting has started; contact the buyers",
        ));
    }
    let buyers = buyer_names(conn, &d.process_id)?;
    let supplier_name = invitee_name(conn, &inv)?;
    super::agenda::cancel_in_tx(
        conn,
        settings,
        keys,
        &Addressee {
            event: &d,
            buyers: &buyers,
            supplier_name: &supplier_name,
            email: &inv.email,
        },
        &meeting,
        &slot,
        None,
    )
}
