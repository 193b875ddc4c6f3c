//! Running the lottery of an event, once: at the booking deadline (the mail worker checks before
//! each round) or when the buyers ask. It writes the meetings, queues each one's email (and a
//! "no meeting" email to each supplier that ranked and got none), and keeps the record that
//! lets anyone rerun it: the seed, the slots, every ranking and the result.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::letters::{meeting_message, no_meeting_message, Addressee, Change};
use super::lottery::{self, Assignment, LotterySlot, Ranking};
use super::{offer_of, Allocation};
use crate::app::dialogues::invitations::buyer_names;
use crate::app::dialogues::{get, refuse_if_cancelled, require_buyer};
use crate::auth::tokens::TokenKeys;
use crate::caller::Caller;
use crate::db::dialogues::{self as dq, DialogueRow};
use crate::db::meetings::{self as q, MeetingRow};
use crate::db::{self, DbConn};
use crate::error::{AppError, Clash};
use crate::settings::Settings;

/// Where the algorithm is described, in the record itself.
pub const ALGORITHM: &str = "innolift-lottery-1: order suppliers by SHA-256(seed + \":\" + invitation_id) in hex, smallest first; \
run meetings_per_supplier rounds, each later round in the reverse order of the one before (snake draft); \
in its turn a supplier gets its best-ranked slot that is free, exists and does not overlap a meeting it already has";

/// The published record of an allocation: enough to rerun it and get the same result.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AllocationRecord {
    pub dialogue_id: String,
    pub algorithm: String,
    /// The seed, as 64 hex characters; its SHA-256 was published before anyone ranked.
    pub seed: String,
    pub seed_sha256: String,
    pub meetings_per_supplier: i64,
    pub allocated_at: DateTime<Utc>,
    /// The slots that could be given, at the time of the allocation.
    pub slots: Vec<LotterySlot>,
    /// Every supplier's ranking, first choice first, by invitation id.
    pub preferences: Vec<Ranking>,
    /// What the lottery gave, in the order it gave it.
    pub result: Vec<Assignment>,
}

/// Runs the lottery now (the process's buyers), before the deadline if they choose.
pub fn allocate_now(
    conn: &mut DbConn,
    caller: &Caller,
    settings: &Settings,
    keys: &TokenKeys,
    dialogue_id: &str,
) -> Result<AllocationRecord, AppError> {
    let d = get(conn, dialogue_id)?;
    require_buyer(conn, caller, &d.process_id)?;
    run(conn, settings, keys, &d, Some(caller))
}

/// Runs every lottery whose deadline has passed; returns how many ran. One that fails is
/// logged and tried again next round, without holding up the others.
pub fn allocate_due(
    conn: &mut DbConn,
    settings: &Settings,
    keys: &TokenKeys,
) -> Result<usize, AppError> {
    let mut ran = 0;
    for id in q::due_allocations(conn, db::now())? {
        let d = get(conn, &id)?;
        if d.cancelled_at.is_some() {
            continue;
        }
        match run(conn, settings, keys, &d, None) {
            Ok(_) => ran += 1,
            Err(AppError::Conflict { .. }) => {}
            Err(e) => tracing::error!(dialogue = %id, error = %e, "the lottery failed"),
        }
    }
    Ok(ran)
}

/// Runs the lottery of one event, once however many nodes try; a buyer's run is audited in the
/// same transaction.
fn run(
    conn: &mut DbConn,
    settings: &Settings,
    keys: &TokenKeys,
    d: &DialogueRow,
    caller: Option<&Caller>,
) -> Result<AllocationRecord, AppError> {
    refuse_if_cancelled(d)?;
    let buyers = buyer_names(conn, &d.process_id)?;
    let names = super::agenda::supplier_names(conn, &d.id)?;
    db::write_tx(conn, |conn| {
        let offer = offer_of(conn, &d.id)?;
        if offer.allocation != Allocation::Lottery.as_str() {
            return Err(AppError::clash(
                None,
                Clash::WrongAllocation,
                "this event books first come; there is no lottery to run",
            ));
        }
        if offer.allocated_at.is_some() {
            return Err(AppError::clash(
                None,
                Clash::Allocated,
                "the lottery has already run; its record is published",
            ));
        }
        let slot_rows = q::slots(conn, &d.id)?;
        let slots: Vec<LotterySlot> = slot_rows
            .iter()
            .map(|s| LotterySlot {
                id: s.id.clone(),
                starts_at: lottery::utc(s.starts_at),
                ends_at: lottery::utc(s.ends_at),
            })
            .collect();
        // Only invitations that can still take a meeting count; an unsubscribed supplier's
        // ranking is left out, and the record shows exactly the rankings that took part.
        let invitations: BTreeMap<String, crate::db::dialogues::InvitationRow> =
            dq::invitations(conn, &d.id)?
                .into_iter()
                .filter(|i| matches!(i.status.as_str(), "sent" | "answered"))
                .map(|i| (i.id.clone(), i))
                .collect();
        let mut by_invitation: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for p in q::preferences(conn, &d.id)? {
            if invitations.contains_key(&p.invitation_id) {
                by_invitation
                    .entry(p.invitation_id)
                    .or_default()
                    .push(p.slot_id);
            }
        }
        let preferences: Vec<Ranking> = by_invitation
            .into_iter()
            .map(|(invitation_id, slot_ids)| Ranking {
                invitation_id,
                slot_ids,
            })
            .collect();
        let result = lottery::allocate(
            &offer.seed,
            &slots,
            &preferences,
            offer.meetings_per_supplier as usize,
        );
        let now = db::now();
        let record = AllocationRecord {
            dialogue_id: d.id.clone(),
            algorithm: ALGORITHM.to_owned(),
            seed: offer.seed.clone(),
            seed_sha256: offer.seed_sha256.clone(),
            meetings_per_supplier: offer.meetings_per_supplier,
            allocated_at: now.and_utc(),
            slots,
            preferences,
            result,
        };
        let json = serde_json::to_string(&record).map_err(|e| AppError::internal(e.to_string()))?;
        if !q::mark_allocated(conn, &d.id, now, &json)? {
            return Err(AppError::clash(
                None,
                Clash::Allocated,
                "the lottery has already run; its record is published",
            ));
        }
        for a in &record.result {
            let (Some(slot), Some(inv)) = (
                slot_rows.iter().find(|s| s.id == a.slot_id),
                invitations.get(&a.invitation_id),
            ) else {
                continue;
            };
            let meeting = MeetingRow {
                id: db::new_id(),
                dialogue_id: d.id.clone(),
                slot_id: slot.id.clone(),
                invitation_id: inv.id.clone(),
                status: "booked".into(),
                source: "allocated".into(),
                notes: None,
                sequence: 0,
                cancelled_by: None,
                created_at: now,
                updated_at: now,
            };
            q::insert_meeting(conn, &meeting)?;
            let name = names
                .get(&inv.id)
                .cloned()
                .unwrap_or_else(|| inv.orgnr.clone());
            let to = Addressee {
                event: d,
                buyers: &buyers,
                supplier_name: &name,
                email: &inv.email,
            };
            dq::enqueue(
                conn,
                &meeting_message(settings, keys, &to, &meeting, slot, Change::Booked)?,
            )?;
        }
        // Everyone who ranked and got nothing is told so, with the draw to check it against.
        for r in &record.preferences {
            let (false, Some(inv)) = (
                record
                    .result
                    .iter()
                    .any(|a| a.invitation_id == r.invitation_id),
                invitations.get(&r.invitation_id),
            ) else {
                continue;
            };
            let name = names
                .get(&inv.id)
                .cloned()
                .unwrap_or_else(|| inv.orgnr.clone());
            let to = Addressee {
                event: d,
                buyers: &buyers,
                supplier_name: &name,
                email: &inv.email,
            };
            dq::enqueue(conn, &no_meeting_message(settings, keys, &to, &inv.id)?)?;
        }
        if let Some(caller) = caller {
            crate::app::audit::record(
                conn,
                caller,
                "booking_offer",
                &d.id,
                Some(&d.process_id),
                "allocated",
                None::<&()>,
                Some(&(record.seed_sha256.as_str(), record.result.len())),
            )?;
        }
        Ok(record)
    })
}

/// The published record of an event's allocation (anyone), or 404 before it has run.
pub fn record(conn: &mut DbConn, dialogue_id: &str) -> Result<AllocationRecord, AppError> {
    get(conn, dialogue_id)?;
    let json = q::offer(conn, dialogue_id)?
        .and_then(|o| o.record)
        .ok_or_else(|| AppError::not_found("the lottery of this event has not run yet"))?;
    serde_json::from_str(&json).map_err(|e| AppError::internal(e.to_string()))
}
