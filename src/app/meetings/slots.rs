//! The grid of slots of an event: `parallel` tables at once, meetings of `meeting_minutes` with
//! `break_minutes` between them, from `starts_at` until no further meeting fits before
//! `ends_at`. Slots on one table never overlap; a free slot can be deleted.

use std::collections::HashMap;

use chrono::{NaiveDateTime, TimeDelta};

use super::{ensure_offer, require_meetings_kind, BookingOffer, SlotBooking, SlotView, Slots};
use crate::app::dialogues::{parse_time, refuse_if_cancelled, require_buyer};
use crate::caller::Caller;
use crate::db::dialogues::DialogueRow;
use crate::db::meetings::{self as q, SlotRow};
use crate::db::{self, DbConn};
use crate::domain::{Invalid, Problem};
use crate::error::{all_valid, AppError, Clash};

/// The most slots one event may have.
pub const MAX_SLOTS: usize = 500;

/// A grid of slots, as given.
#[derive(Debug, Clone, Default)]
pub struct NewGrid {
    pub starts_at: String,
    pub ends_at: String,
    pub meeting_minutes: i64,
    pub break_minutes: i64,
    pub parallel: i64,
    /// The number of the first table (default 1), to add tables to an existing grid.
    pub first_table: Option<i64>,
}

fn in_range(field: &'static str, value: i64, min: i64, max: i64) -> Result<i64, Invalid> {
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(Invalid::because(
            field,
            Problem::OutOfRange,
            format!("{field} must be from {min} to {max}"),
        )
        .with("min", min)
        .with("max", max))
    }
}

/// The slots of a grid, checked; `existing` are the event's live slots, which no new slot on
/// the same table may overlap.
pub fn lay_out(
    dialogue_id: &str,
    grid: &NewGrid,
    existing: &[SlotRow],
    now: NaiveDateTime,
) -> Result<Vec<SlotRow>, AppError> {
    let starts_at = parse_time("starts_at", &grid.starts_at);
    let ends_at = parse_time("ends_at", &grid.ends_at);
    let order = match (&starts_at, &ends_at) {
        (Ok(s), Ok(e)) if e <= s => Err(Invalid::because(
            "ends_at",
            Problem::BeforeStartsAt,
            "ends_at must be after starts_at",
        )),
        _ => Ok(()),
    };
    all_valid! {
        let starts_at = starts_at;
        let ends_at = ends_at;
        let _order = order;
        let meeting = in_range("meeting_minutes", grid.meeting_minutes, 5, 480);
        let pause = in_range("break_minutes", grid.break_minutes, 0, 240);
        let parallel = in_range("parallel", grid.parallel, 1, 50);
        let first_table = in_range("first_table", grid.first_table.unwrap_or(1), 1, 50);
    }
    let (meeting, step) = (
        TimeDelta::minutes(meeting),
        TimeDelta::minutes(meeting + pause),
    );
    let mut out = Vec::new();
    let mut t = starts_at;
    while t + meeting <= ends_at {
        for table_no in first_table..first_table + parallel {
            out.push(SlotRow {
                id: db::new_id(),
                dialogue_id: dialogue_id.to_owned(),
                table_no,
                starts_at: t,
                ends_at: t + meeting,
                deleted_at: None,
                created_at: now,
            });
        }
        if out.len() + existing.len() > MAX_SLOTS {
            return Err(AppError::invalid(
                "ends_at",
                Problem::TooMany,
                format!("an event has at most {MAX_SLOTS} slots; make the grid smaller"),
            )
            .with_max(MAX_SLOTS));
        }
        t += step;
    }
    if out.is_empty() {
        return Err(AppError::invalid(
            "meeting_minutes",
            Problem::OutOfRange,
            "no meeting of this length fits between starts_at and ends_at",
        ));
    }
    if let Some(clash) = out.iter().find_map(|new| {
        existing.iter().find(|old| {
            old.table_no == new.table_no
                && old.starts_at < new.ends_at
                && new.starts_at < old.ends_at
        })
    }) {
        return Err(AppError::invalid(
            "starts_at",
            Problem::Overlaps,
            format!(
                "the grid overlaps a slot at table {} from {}; choose other times or set first_table",
                clash.table_no,
                crate::app::dialogues::format_oslo(clash.starts_at)
            ),
        ));
    }
    Ok(out)
}

trait WithMax {
    fn with_max(self, max: usize) -> Self;
}

impl WithMax for AppError {
    fn with_max(self, max: usize) -> AppError {
        match self {
            AppError::Validation(problems) => {
                AppError::Validation(problems.into_iter().map(|p| p.with("max", max)).collect())
            }
            other => other,
        }
    }
}

/// Refuses changes to the slots once the meetings are given out or the event is cancelled.
fn require_changeable(conn: &mut DbConn, d: &DialogueRow) -> Result<(), AppError> {
    refuse_if_cancelled(d)?;
    if q::offer(conn, &d.id)?.is_some_and(|o| o.allocated_at.is_some()) {
        return Err(AppError::clash(
            None,
            Clash::Allocated,
            "the meetings are allocated; the slots can no longer change",
        ));
    }
    Ok(())
}

/// Creates a grid of slots (the process's buyers). Returns the slots as the buyers see them.
pub fn create(
    conn: &mut DbConn,
    caller: &Caller,
    d: &DialogueRow,
    grid: &NewGrid,
) -> Result<Slots, AppError> {
    require_buyer(conn, caller, &d.process_id)?;
    require_meetings_kind(d, "parallel")?;
    require_changeable(conn, d)?;
    db::write_tx(conn, |conn| {
        ensure_offer(conn, d)?;
        let existing = q::slots(conn, &d.id)?;
        let rows = lay_out(&d.id, grid, &existing, db::now())?;
        q::insert_slots(conn, &rows)?;
        crate::app::audit::record(
            conn,
            caller,
            "dialogue",
            &d.id,
            Some(&d.process_id),
            "slots_created",
            None::<&()>,
            Some(&rows.len()),
        )?;
        Ok::<_, AppError>(())
    })?;
    for_buyers(conn, d)
}

/// Deletes a free slot (the process's buyers).
pub fn delete(
    conn: &mut DbConn,
    caller: &Caller,
    d: &DialogueRow,
    slot_id: &str,
) -> Result<(), AppError> {
    require_buyer(conn, caller, &d.process_id)?;
    require_changeable(conn, d)?;
    db::write_tx(conn, |conn| {
        let slot = q::find_slot(conn, slot_id)?
            .filter(|s| s.dialogue_id == d.id && s.deleted_at.is_none())
            .ok_or_else(|| AppError::not_found("no such slot at this event"))?;
        let booked = q::meetings_of_dialogue(conn, &d.id)?
            .into_iter()
            .any(|m| m.slot_id == slot.id && m.status == "booked");
        if booked {
            return Err(AppError::clash(
                None,
                Clash::SlotBooked,
                "the slot is booked; move or cancel its meeting first",
            ));
        }
        q::delete_slot(conn, &slot.id, db::now())?;
        crate::app::audit::record(
            conn,
            caller,
            "dialogue",
            &d.id,
            Some(&d.process_id),
            "slot_deleted",
            Some(&slot.id),
            None::<&()>,
        )?;
        Ok(())
    })
}

/// The slots of an event as its process's buyers see them: who has each.
pub fn for_buyers(conn: &mut DbConn, d: &DialogueRow) -> Result<Slots, AppError> {
    let booked = booked_by_slot(conn, &d.id)?;
    let names = crate::app::meetings::agenda::supplier_names(conn, &d.id)?;
    let booking = q::offer(conn, &d.id)?.map(|o| BookingOffer::of(&o, db::now()));
    let items = q::slots(conn, &d.id)?
        .into_iter()
        .map(|s| {
            let meeting = booked.get(&s.id);
            SlotView {
                taken: meeting.is_some(),
                booking: meeting.map(|m| SlotBooking {
                    meeting_id: m.id.clone(),
                    invitation_id: m.invitation_id.clone(),
                    supplier_name: names.get(&m.invitation_id).cloned().unwrap_or_default(),
                }),
                mine: None,
                id: s.id,
                starts_at: s.starts_at.and_utc(),
                ends_at: s.ends_at.and_utc(),
                table: s.table_no,
            }
        })
        .collect();
    Ok(Slots { booking, items })
}

/// The booked meeting of each slot.
pub(crate) fn booked_by_slot(
    conn: &mut DbConn,
    dialogue_id: &str,
) -> Result<HashMap<String, q::MeetingRow>, AppError> {
    Ok(q::meetings_of_dialogue(conn, dialogue_id)?
        .into_iter()
        .filter(|m| m.status == "booked")
        .map(|m| (m.slot_id.clone(), m))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(start: &str, end: &str, meeting: i64, pause: i64, parallel: i64) -> NewGrid {
        NewGrid {
            starts_at: start.into(),
            ends_at: end.into(),
            meeting_minutes: meeting,
            break_minutes: pause,
            parallel,
            first_table: None,
        }
    }

    fn now() -> NaiveDateTime {
        chrono::DateTime::from_timestamp(0, 0).unwrap().naive_utc()
    }

    #[test]
    fn a_morning_of_half_hour_meetings_on_two_tables_gives_eight_slots() {
        let rows = lay_out(
            "d",
            &grid("2027-03-01T09:00", "2027-03-01T11:10", 30, 5, 2),
            &[],
            now(),
        )
        .unwrap();
        // 09:00, 09:35, 10:10 and 10:45 (ends 11:15, does not fit): three times, not four.
        assert_eq!(rows.len(), 6);
        let rows = lay_out(
            "d",
            &grid("2027-03-01T09:00", "2027-03-01T11:15", 30, 5, 2),
            &[],
            now(),
        )
        .unwrap();
        assert_eq!(rows.len(), 8);
        assert_eq!(rows.iter().filter(|r| r.table_no == 2).count(), 4);
        assert_eq!(
            crate::app::dialogues::format_oslo(rows[7].starts_at),
            "01.03.2027 10:45"
        );
    }

    #[test]
    fn a_grid_that_ends_before_it_starts_names_ends_at() {
        let e = lay_out(
            "d",
            &grid("2027-03-01T11:00", "2027-03-01T09:00", 30, 0, 1),
            &[],
            now(),
        )
        .unwrap_err();
        let problems = e.into_problems().unwrap();
        assert_eq!(problems[0].code(), "ends_at.before_starts_at");
    }

    #[test]
    fn a_grid_over_an_existing_table_is_refused_but_another_table_is_not() {
        let first = lay_out(
            "d",
            &grid("2027-03-01T09:00", "2027-03-01T10:00", 30, 0, 1),
            &[],
            now(),
        )
        .unwrap();
        let e = lay_out(
            "d",
            &grid("2027-03-01T09:15", "2027-03-01T10:00", 30, 0, 1),
            &first,
            now(),
        )
        .unwrap_err();
        assert_eq!(e.into_problems().unwrap()[0].code(), "starts_at.overlaps");
        let mut beside = grid("2027-03-01T09:15", "2027-03-01T10:00", 30, 0, 1);
        beside.first_table = Some(2);
        assert_eq!(lay_out("d", &beside, &first, now()).unwrap().len(), 1);
    }

    #[test]
    fn out_of_range_numbers_are_each_named() {
        let e = lay_out(
            "d",
            &grid("2027-03-01T09:00", "2027-03-01T10:00", 2, -1, 0),
            &[],
            now(),
        )
        .unwrap_err();
        let codes: Vec<String> = e
            .into_problems()
            .unwrap()
            .iter()
            .map(|p| p.code())
            .collect();
        assert_eq!(
            codes,
            [
                "meeting_minutes.out_of_range",
                "break_minutes.out_of_range",
                "parallel.out_of_range"
            ]
        );
    }
}
