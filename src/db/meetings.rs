//! Queries on one-to-one meetings: an event's booking offer, its slots, the meetings booked in
//! them, and the suppliers' rankings for a lottery.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{booking_offers, invitations, meetings, slot_preferences, slots};
use super::DbConn;

/// An event's booking rules, and the lottery's seed.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = booking_offers)]
pub struct OfferRow {
    pub dialogue_id: String,
    /// `first_come` or `lottery`.
    pub allocation: String,
    pub opens_at: NaiveDateTime,
    pub deadline: NaiveDateTime,
    pub meetings_per_supplier: i64,
    /// Secret until the allocation has run; only its SHA-256 is shown before.
    pub seed: String,
    pub seed_sha256: String,
    pub allocated_at: Option<NaiveDateTime>,
    /// The allocation as it ran (JSON), once it has.
    pub record: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A slot at one table.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = slots)]
pub struct SlotRow {
    pub id: String,
    pub dialogue_id: String,
    pub table_no: i64,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// A meeting of one invitation in one slot.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = meetings)]
pub struct MeetingRow {
    pub id: String,
    pub dialogue_id: String,
    pub slot_id: String,
    pub invitation_id: String,
    /// `booked` or `cancelled`.
    pub status: String,
    /// `booked` (first come) or `allocated` (lottery).
    pub source: String,
    pub notes: Option<String>,
    /// The calendar files' `SEQUENCE` for this meeting.
    pub sequence: i64,
    /// `buyer` or `supplier`, once cancelled.
    pub cancelled_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// One ranked slot of a supplier's preferences.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = slot_preferences)]
pub struct PreferenceRow {
    pub invitation_id: String,
    pub slot_id: String,
    pub dialogue_id: String,
    pub rank: i64,
    pub created_at: NaiveDateTime,
}

/// The booking offer of an event, if it has one.
pub fn offer(conn: &mut DbConn, dialogue_id: &str) -> QueryResult<Option<OfferRow>> {
    booking_offers::table
        .find(dialogue_id)
        .select(OfferRow::as_select())
        .first(conn)
        .optional()
}

/// Inserts an offer.
pub fn insert_offer(conn: &mut DbConn, row: &OfferRow) -> QueryResult<()> {
    diesel::insert_into(booking_offers::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// Writes an offer's rules and seed.
pub fn update_offer(conn: &mut DbConn, row: &OfferRow) -> QueryResult<()> {
    diesel::update(booking_offers::table.find(&row.dialogue_id))
        .set((
            booking_offers::allocation.eq(&row.allocation),
            booking_offers::opens_at.eq(row.opens_at),
            booking_offers::deadline.eq(row.deadline),
            booking_offers::meetings_per_supplier.eq(row.meetings_per_supplier),
            booking_offers::seed.eq(&row.seed),
            booking_offers::seed_sha256.eq(&row.seed_sha256),
            booking_offers::updated_at.eq(row.updated_at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Marks the allocation as run; false when it already had, so it runs once however many
/// nodes or requests try.
pub fn mark_allocated(
    conn: &mut DbConn,
    dialogue_id: &str,
    at: NaiveDateTime,
    record: &str,
) -> QueryResult<bool> {
    diesel::update(
        booking_offers::table
            .find(dialogue_id)
            .filter(booking_offers::allocated_at.is_null()),
    )
    .set((
        booking_offers::allocated_at.eq(at),
        booking_offers::record.eq(record),
    ))
    .execute(conn)
    .map(|n| n > 0)
}

/// Lotteries whose deadline has passed and that have not run.
pub fn due_allocations(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<Vec<String>> {
    booking_offers::table
        .filter(booking_offers::allocation.eq("lottery"))
        .filter(booking_offers::allocated_at.is_null())
        .filter(booking_offers::deadline.le(now))
        .select(booking_offers::dialogue_id)
        .load(conn)
}

/// Inserts slots.
pub fn insert_slots(conn: &mut DbConn, rows: &[SlotRow]) -> QueryResult<()> {
    for row in rows {
        diesel::insert_into(slots::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

/// The slots of an event that are not deleted, by time and table.
pub fn slots(conn: &mut DbConn, dialogue_id: &str) -> QueryResult<Vec<SlotRow>> {
    slots::table
        .filter(slots::dialogue_id.eq(dialogue_id))
        .filter(slots::deleted_at.is_null())
        .order((
            slots::starts_at.asc(),
            slots::table_no.asc(),
            slots::id.asc(),
        ))
        .select(SlotRow::as_select())
        .load(conn)
}

/// Every slot of an event, deleted ones too (a cancelled meeting may be in one), by id.
pub fn all_slots(
    conn: &mut DbConn,
    dialogue_id: &str,
) -> QueryResult<std::collections::HashMap<String, SlotRow>> {
    Ok(slots::table
        .filter(slots::dialogue_id.eq(dialogue_id))
        .select(SlotRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|s| (s.id.clone(), s))
        .collect())
}

/// A slot, deleted or not.
pub fn find_slot(conn: &mut DbConn, id: &str) -> QueryResult<Option<SlotRow>> {
    slots::table
        .find(id)
        .select(SlotRow::as_select())
        .first(conn)
        .optional()
}

/// Deletes a slot (it keeps its row); false when it was deleted already.
pub fn delete_slot(conn: &mut DbConn, id: &str, at: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(slots::table.find(id).filter(slots::deleted_at.is_null()))
        .set(slots::deleted_at.eq(at))
        .execute(conn)
        .map(|n| n > 0)
}

/// Inserts a meeting. A second booked meeting in one slot is a unique violation.
pub fn insert_meeting(conn: &mut DbConn, row: &MeetingRow) -> QueryResult<()> {
    diesel::insert_into(meetings::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// A meeting.
pub fn find_meeting(conn: &mut DbConn, id: &str) -> QueryResult<Option<MeetingRow>> {
    meetings::table
        .find(id)
        .select(MeetingRow::as_select())
        .first(conn)
        .optional()
}

/// The meetings of an event, booked and cancelled.
pub fn meetings_of_dialogue(conn: &mut DbConn, dialogue_id: &str) -> QueryResult<Vec<MeetingRow>> {
    meetings::table
        .filter(meetings::dialogue_id.eq(dialogue_id))
        .order((meetings::created_at.asc(), meetings::id.asc()))
        .select(MeetingRow::as_select())
        .load(conn)
}

/// The meetings of one invitation, booked and cancelled.
pub fn meetings_of_invitation(
    conn: &mut DbConn,
    invitation_id: &str,
) -> QueryResult<Vec<MeetingRow>> {
    meetings::table
        .filter(meetings::invitation_id.eq(invitation_id))
        .order((meetings::created_at.asc(), meetings::id.asc()))
        .select(MeetingRow::as_select())
        .load(conn)
}

/// The booked meetings of the supplier with `orgnr` at other events than `dialogue_id` that
/// overlap `starts_at`..`ends_at`: one company cannot sit at two tables at once.
pub fn booked_clashes_elsewhere(
    conn: &mut DbConn,
    orgnr: &str,
    dialogue_id: &str,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
) -> QueryResult<Vec<MeetingRow>> {
    meetings::table
        .inner_join(invitations::table.on(invitations::id.eq(meetings::invitation_id)))
        .inner_join(slots::table.on(slots::id.eq(meetings::slot_id)))
        .filter(invitations::orgnr.eq(orgnr))
        .filter(meetings::dialogue_id.ne(dialogue_id))
        .filter(meetings::status.eq("booked"))
        .filter(slots::starts_at.lt(ends_at))
        .filter(slots::ends_at.gt(starts_at))
        .select(MeetingRow::as_select())
        .load(conn)
}

/// Moves a booked meeting to another slot and raises its `SEQUENCE`; false when it is no
/// longer booked. A taken slot is a unique violation.
pub fn move_meeting(
    conn: &mut DbConn,
    id: &str,
    slot_id: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        meetings::table
            .find(id)
            .filter(meetings::status.eq("booked")),
    )
    .set((
        meetings::slot_id.eq(slot_id),
        meetings::sequence.eq(meetings::sequence + 1),
        meetings::updated_at.eq(at),
    ))
    .execute(conn)
    .map(|n| n > 0)
}

/// Cancels a booked meeting and raises its `SEQUENCE`; false when it was not booked.
pub fn cancel_meeting(
    conn: &mut DbConn,
    id: &str,
    by: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        meetings::table
            .find(id)
            .filter(meetings::status.eq("booked")),
    )
    .set((
        meetings::status.eq("cancelled"),
        meetings::cancelled_by.eq(by),
        meetings::sequence.eq(meetings::sequence + 1),
        meetings::updated_at.eq(at),
    ))
    .execute(conn)
    .map(|n| n > 0)
}

/// Sets the buyers' notes on a meeting.
pub fn set_notes(
    conn: &mut DbConn,
    id: &str,
    notes: Option<&str>,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(meetings::table.find(id))
        .set((meetings::notes.eq(notes), meetings::updated_at.eq(at)))
        .execute(conn)
        .map(|_| ())
}

/// Replaces one invitation's ranking.
pub fn replace_preferences(
    conn: &mut DbConn,
    invitation_id: &str,
    rows: &[PreferenceRow],
) -> QueryResult<()> {
    diesel::delete(
        slot_preferences::table.filter(slot_preferences::invitation_id.eq(invitation_id)),
    )
    .execute(conn)?;
    for row in rows {
        diesel::insert_into(slot_preferences::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

/// Every ranking of an event, by invitation and rank.
pub fn preferences(conn: &mut DbConn, dialogue_id: &str) -> QueryResult<Vec<PreferenceRow>> {
    slot_preferences::table
        .filter(slot_preferences::dialogue_id.eq(dialogue_id))
        .order((
            slot_preferences::invitation_id.asc(),
            slot_preferences::rank.asc(),
        ))
        .select(PreferenceRow::as_select())
        .load(conn)
}

/// Makes the bookings of one supplier (by organisation number) take turns across events until
/// the transaction ends, so two at once cannot both miss each other's clash. SQLite's write
/// transactions take turns already (`BEGIN IMMEDIATE`).
pub fn lock_supplier(conn: &mut DbConn, orgnr: &str) -> QueryResult<()> {
    if let DbConn::Pg(c) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(7171002, hashtext($1))")
            .bind::<diesel::sql_types::Text, _>(orgnr)
            .execute(c)?;
    }
    Ok(())
}

/// Writes to an invitation's row inside a transaction, so that two bookings by one supplier
/// at once take turns (PostgreSQL holds the row lock until commit; SQLite has one writer).
pub fn lock_invitation(
    conn: &mut DbConn,
    invitation_id: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(invitations::table.find(invitation_id))
        .set(invitations::updated_at.eq(at))
        .execute(conn)
        .map(|_| ())
}
