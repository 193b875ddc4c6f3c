//! One-to-one meetings at a dialogue event, booked fairly. The buyers set the rules on the event
//! (first come or a lottery, when booking opens and closes, how many meetings each supplier may
//! have) and lay out a grid of slots; every invitee sees the same slots from the same moment.
//!
//! - this module: the booking offer (the rules) and the views every front door shares;
//! - `slots`: the grid of slots, and deleting a free one;
//! - `booking`: what a supplier does through its answer link: book, rank, cancel, and see;
//! - `allocation`: the lottery run at the deadline or on request, and its published record;
//! - `lottery`: the deterministic algorithm itself, which anyone can rerun;
//! - `agenda`: the buyers' agenda, moving and cancelling meetings, and their notes;
//! - `letters`: the email with its own calendar file that each booked, moved or cancelled
//!   meeting sends;
//! - `use_cases`: the calls the front doors make, off the async executor.

pub mod agenda;
pub mod allocation;
pub mod booking;
pub(crate) mod letters;
pub mod lottery;
pub mod slots;
pub mod use_cases;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::dialogues::{parse_time, DialogueKind};
use crate::caller::Caller;
use crate::db::dialogues::DialogueRow;
use crate::db::meetings::{self as q, OfferRow};
use crate::db::{self, DbConn};
use crate::domain::{string_enum, Invalid, Problem};
use crate::error::{all_valid, AppError, Clash};

string_enum!(
    /// How an event's meetings are given out.
    Allocation, "allocation", {
        /// Each booking takes effect at once; a slot goes to whoever books it first.
        FirstCome => "first_come",
        /// Suppliers rank slots until the deadline; then the lottery gives them out.
        Lottery => "lottery",
    }
);

/// The most meetings one supplier may be given at one event.
pub const MAX_PER_SUPPLIER: i64 = 20;

/// An event's booking offer: the same for every invitee.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BookingOffer {
    /// `first_come` or `lottery`.
    pub allocation: String,
    /// From when every invitee sees the slots and may book or rank.
    pub booking_opens_at: DateTime<Utc>,
    /// Until when bookings and rankings are taken; a lottery runs then.
    pub booking_deadline: DateTime<Utc>,
    pub meetings_per_supplier: i64,
    /// The SHA-256 of the lottery's seed, published before anyone ranks.
    pub seed_sha256: String,
    /// The seed itself, published once the allocation has run (and never before).
    pub seed: Option<String>,
    pub allocated_at: Option<DateTime<Utc>>,
    /// True while bookings or rankings are taken.
    pub open: bool,
}

impl BookingOffer {
    /// The offer as anyone may see it at `now`.
    pub fn of(row: &OfferRow, now: NaiveDateTime) -> BookingOffer {
        BookingOffer {
            allocation: row.allocation.clone(),
            booking_opens_at: row.opens_at.and_utc(),
            booking_deadline: row.deadline.and_utc(),
            meetings_per_supplier: row.meetings_per_supplier,
            seed_sha256: row.seed_sha256.clone(),
            seed: row.allocated_at.map(|_| row.seed.clone()),
            allocated_at: row.allocated_at.map(|t| t.and_utc()),
            open: is_open(row, now),
        }
    }
}

/// True while the offer takes bookings or rankings.
pub fn is_open(row: &OfferRow, now: NaiveDateTime) -> bool {
    row.allocated_at.is_none() && row.opens_at <= now && now < row.deadline
}

/// Changes to an event's booking rules, as given; absent fields stay as they are.
#[derive(Debug, Clone, Default)]
pub struct RulesChange {
    pub allocation: Option<String>,
    pub booking_opens_at: Option<String>,
    pub booking_deadline: Option<String>,
    pub meetings_per_supplier: Option<i64>,
}

impl RulesChange {
    /// True when nothing is to change.
    pub fn is_empty(&self) -> bool {
        self.allocation.is_none()
            && self.booking_opens_at.is_none()
            && self.booking_deadline.is_none()
            && self.meetings_per_supplier.is_none()
    }
}

/// The offer an event starts with: first come, open now, closing at the answer deadline, one
/// meeting per supplier, and a fresh seed whose hash is published from the start.
fn default_offer(d: &DialogueRow, now: NaiveDateTime) -> OfferRow {
    let seed = lottery::new_seed();
    OfferRow {
        dialogue_id: d.id.clone(),
        allocation: Allocation::FirstCome.as_str().to_owned(),
        opens_at: now,
        deadline: d.response_deadline.max(now),
        meetings_per_supplier: 1,
        seed_sha256: lottery::seed_hash(&seed),
        seed,
        allocated_at: None,
        record: None,
        created_at: now,
        updated_at: now,
    }
}

/// Refuses meetings at an event that cannot have them.
fn require_meetings_kind(d: &DialogueRow, field: &'static str) -> Result<(), AppError> {
    if d.kind == DialogueKind::WrittenInput.as_str() {
        return Err(AppError::invalid(
            field,
            Problem::NotAllowed,
            "an event for written input has no meetings; use conference or one_to_one_meetings",
        ));
    }
    Ok(())
}

/// The offer of an event, created with the defaults the first time the buyers need one.
pub(crate) fn ensure_offer(conn: &mut DbConn, d: &DialogueRow) -> Result<OfferRow, AppError> {
    if let Some(row) = q::offer(conn, &d.id)? {
        return Ok(row);
    }
    let row = default_offer(d, db::now());
    match q::insert_offer(conn, &row) {
        Ok(()) => Ok(row),
        Err(e) if db::is_unique_violation(&e) => Err(AppError::clash(
            None,
            Clash::ChangedMeanwhile,
            "another buyer set up the meetings at the same time; load the event again",
        )),
        Err(e) => Err(e.into()),
    }
}

/// The offer of an event that has one, or 404.
pub(crate) fn offer_of(conn: &mut DbConn, dialogue_id: &str) -> Result<OfferRow, AppError> {
    q::offer(conn, dialogue_id)?
        .ok_or_else(|| AppError::not_found("this event has no one-to-one meetings yet"))
}

/// Checks a change of rules against the event as it is, before anything is written: the rules
/// a change would give, or `None` when it changes nothing.
pub fn plan_rules(
    conn: &mut DbConn,
    d: &DialogueRow,
    change: &RulesChange,
) -> Result<Option<OfferRow>, AppError> {
    if change.is_empty() {
        return Ok(None);
    }
    require_meetings_kind(d, "allocation")?;
    let now = db::now();
    let current = q::offer(conn, &d.id)?.unwrap_or_else(|| default_offer(d, now));
    all_valid! {
        let allocation = change
            .allocation
            .as_deref()
            .map(|a| Allocation::parse(a.trim()).map(|a| a.as_str().to_owned()))
            .transpose();
        let opens_at = change
            .booking_opens_at
            .as_deref()
            .map(|t| parse_time("booking_opens_at", t))
            .transpose();
        let deadline = change
            .booking_deadline
            .as_deref()
            .map(|t| parse_time("booking_deadline", t))
            .transpose();
        let per_supplier = match change.meetings_per_supplier {
            Some(n) if !(1..=MAX_PER_SUPPLIER).contains(&n) => Err(Invalid::because(
                "meetings_per_supplier",
                Problem::OutOfRange,
                format!("meetings_per_supplier must be from 1 to {MAX_PER_SUPPLIER}"),
            )
            .with("min", 1)
            .with("max", MAX_PER_SUPPLIER)),
            n => Ok(n),
        };
    }
    let next = OfferRow {
        allocation: allocation.unwrap_or_else(|| current.allocation.clone()),
        opens_at: opens_at.unwrap_or(current.opens_at),
        deadline: deadline.unwrap_or(current.deadline),
        meetings_per_supplier: per_supplier.unwrap_or(current.meetings_per_supplier),
        updated_at: now,
        ..current.clone()
    };
    if next.deadline <= next.opens_at {
        return Err(AppError::invalid(
            "booking_deadline",
            Problem::BeforeStartsAt,
            "booking_deadline must be after booking_opens_at",
        ));
    }
    if current.allocated_at.is_some() {
        return Err(AppError::clash(
            None,
            Clash::Allocated,
            "the meetings are allocated; the rules can no longer change",
        ));
    }
    let fair_play_fixed = next.allocation != current.allocation
        || next.opens_at != current.opens_at
        || next.meetings_per_supplier != current.meetings_per_supplier;
    if fair_play_fixed && has_takers(conn, &d.id)? {
        return Err(AppError::clash(
            Some("allocation"),
            Clash::RulesFrozen,
            "suppliers have booked or ranked slots under these rules; only booking_deadline can change now",
        ));
    }
    Ok(Some(next))
}

/// True once anyone has booked or ranked a slot of the event.
fn has_takers(conn: &mut DbConn, dialogue_id: &str) -> Result<bool, AppError> {
    Ok(!q::meetings_of_dialogue(conn, dialogue_id)?.is_empty()
        || !q::preferences(conn, dialogue_id)?.is_empty())
}

/// Writes rules planned by [`plan_rules`], with an audit entry.
pub fn save_rules(conn: &mut DbConn, caller: &Caller, row: &OfferRow) -> Result<(), AppError> {
    let d = crate::app::dialogues::get(conn, &row.dialogue_id)?;
    db::write_tx(conn, |conn| {
        let before = q::offer(conn, &row.dialogue_id)?;
        match &before {
            Some(_) => q::update_offer(conn, row)?,
            None => q::insert_offer(conn, row)?,
        }
        crate::app::audit::record(
            conn,
            caller,
            "booking_offer",
            &row.dialogue_id,
            Some(&d.process_id),
            "rules_set",
            before.as_ref().map(Rules::of).as_ref(),
            Some(&Rules::of(row)),
        )?;
        Ok::<_, AppError>(())
    })
}

/// The rules as the audit record keeps them: never the seed while it is secret.
#[derive(Debug, Serialize)]
struct Rules {
    allocation: String,
    opens_at: NaiveDateTime,
    deadline: NaiveDateTime,
    meetings_per_supplier: i64,
    seed_sha256: String,
}

impl Rules {
    fn of(row: &OfferRow) -> Rules {
        Rules {
            allocation: row.allocation.clone(),
            opens_at: row.opens_at,
            deadline: row.deadline,
            meetings_per_supplier: row.meetings_per_supplier,
            seed_sha256: row.seed_sha256.clone(),
        }
    }
}

/// A slot as the front doors show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SlotView {
    pub id: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The table, from 1.
    pub table: i64,
    /// True when a meeting is booked in it. Suppliers never see by whom.
    pub taken: bool,
    /// The meeting booked in it: for the process's buyers only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub booking: Option<SlotBooking>,
    /// True when the caller's own meeting is in it (suppliers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mine: Option<bool>,
}

/// Who has a slot, for the buyers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SlotBooking {
    pub meeting_id: String,
    pub invitation_id: String,
    pub supplier_name: String,
}

/// The slots of an event, with its offer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Slots {
    pub booking: Option<BookingOffer>,
    pub items: Vec<SlotView>,
}

/// A meeting as the front doors show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MeetingView {
    pub id: String,
    pub dialogue_id: String,
    pub slot_id: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub table: i64,
    /// `booked` or `cancelled`.
    pub status: String,
    /// `booked` (first come) or `allocated` (lottery).
    pub source: String,
    /// The calendar files' `SEQUENCE` for this meeting.
    pub sequence: i64,
    /// `buyer` or `supplier`, once cancelled.
    pub cancelled_by: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl MeetingView {
    /// The view of a meeting in its slot.
    pub fn of(m: &q::MeetingRow, slot: &q::SlotRow) -> MeetingView {
        MeetingView {
            id: m.id.clone(),
            dialogue_id: m.dialogue_id.clone(),
            slot_id: m.slot_id.clone(),
            starts_at: slot.starts_at.and_utc(),
            ends_at: slot.ends_at.and_utc(),
            table: slot.table_no,
            status: m.status.clone(),
            source: m.source.clone(),
            sequence: m.sequence,
            cancelled_by: m.cancelled_by.clone(),
            created_at: m.created_at.and_utc(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offer(opens: i64, deadline: i64) -> OfferRow {
        let t0 = chrono::DateTime::from_timestamp(1_800_000_000, 0)
            .unwrap()
            .naive_utc();
        OfferRow {
            dialogue_id: "d".into(),
            allocation: "first_come".into(),
            opens_at: t0 + chrono::TimeDelta::hours(opens),
            deadline: t0 + chrono::TimeDelta::hours(deadline),
            meetings_per_supplier: 1,
            seed: "s".into(),
            seed_sha256: lottery::seed_hash("s"),
            allocated_at: None,
            record: None,
            created_at: t0,
            updated_at: t0,
        }
    }

    #[test]
    fn the_offer_is_open_only_between_its_opening_and_its_deadline() {
        let t0 = offer(0, 0).created_at;
        let row = offer(1, 3);
        assert!(!is_open(&row, t0));
        assert!(is_open(&row, t0 + chrono::TimeDelta::hours(1)));
        assert!(!is_open(&row, t0 + chrono::TimeDelta::hours(3)));
    }

    #[test]
    fn the_seed_stays_secret_until_the_allocation_has_run() {
        let mut row = offer(0, 1);
        let now = row.created_at;
        assert_eq!(BookingOffer::of(&row, now).seed, None);
        row.allocated_at = Some(now);
        assert_eq!(BookingOffer::of(&row, now).seed.as_deref(), Some("s"));
        assert!(!BookingOffer::of(&row, now).open);
    }
}
