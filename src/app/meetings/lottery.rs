//! The lottery that gives one-to-one meetings when more suppliers want a slot than it holds.
//! The algorithm is deterministic given the seed, so anyone with the published record can rerun
//! it and get the same result (README, "One-to-one meetings"):
//!
//! 1. **The draw.** Each supplier that ranked at least one slot gets the key
//!    `SHA-256(seed + ":" + invitation_id)` in lower-case hex. Suppliers are ordered by key,
//!    smallest first (ties, which SHA-256 makes practically impossible, by invitation id).
//! 2. **Rounds.** There are `meetings_per_supplier` rounds. Round 1 goes through the draw
//!    order; every later round reverses the previous one (a snake draft), so the last drawn in
//!    round 1 is first in round 2.
//! 3. **A turn.** In its turn a supplier gets its best-ranked slot that is still free, exists,
//!    and does not overlap in time any meeting it already has. If none is left, it gets
//!    nothing in that round.
//!
//! The seed is 32 random bytes, written as 64 hex characters. Its SHA-256 (of those 64
//! characters) is published with the booking offer before anyone ranks, and the seed after the
//! allocation, so nobody could have chosen a seed that favours a supplier.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

/// A slot as the lottery sees it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LotterySlot {
    pub id: String,
    pub starts_at: chrono::DateTime<chrono::Utc>,
    pub ends_at: chrono::DateTime<chrono::Utc>,
}

/// One supplier's ranking: slot ids, first choice first.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Ranking {
    pub invitation_id: String,
    pub slot_ids: Vec<String>,
}

/// A meeting the lottery gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Assignment {
    pub slot_id: String,
    pub invitation_id: String,
    /// The place of the slot in the supplier's ranking, from 1.
    pub rank: usize,
    /// The round that gave it, from 1.
    pub round: usize,
}

/// A fresh seed: 32 random bytes as 64 hex characters.
pub fn new_seed() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

/// The SHA-256 of a seed, as published before anyone ranks.
pub fn seed_hash(seed: &str) -> String {
    hex::encode(Sha256::digest(seed.as_bytes()))
}

/// A supplier's place in the draw.
fn draw_key(seed: &str, invitation_id: &str) -> String {
    hex::encode(Sha256::digest(format!("{seed}:{invitation_id}").as_bytes()))
}

/// The draw order of the suppliers.
pub fn draw_order(seed: &str, rankings: &[Ranking]) -> Vec<String> {
    let mut keyed: Vec<(String, &str)> = rankings
        .iter()
        .filter(|r| !r.slot_ids.is_empty())
        .map(|r| (draw_key(seed, &r.invitation_id), r.invitation_id.as_str()))
        .collect();
    keyed.sort();
    keyed.dedup_by(|a, b| a.1 == b.1);
    keyed.into_iter().map(|(_, id)| id.to_owned()).collect()
}

fn overlaps(a: &LotterySlot, b: &LotterySlot) -> bool {
    a.starts_at < b.ends_at && b.starts_at < a.ends_at
}

/// Runs the lottery: every slot goes to at most one supplier, and every supplier gets at most
/// `per_supplier` meetings, none of them at the same time.
pub fn allocate(
    seed: &str,
    slots: &[LotterySlot],
    rankings: &[Ranking],
    per_supplier: usize,
) -> Vec<Assignment> {
    let by_id: HashMap<&str, &LotterySlot> = slots.iter().map(|s| (s.id.as_str(), s)).collect();
    let wants: HashMap<&str, &[String]> = rankings
        .iter()
        .map(|r| (r.invitation_id.as_str(), r.slot_ids.as_slice()))
        .collect();
    let mut order = draw_order(seed, rankings);
    let mut taken: HashSet<&str> = HashSet::new();
    let mut held: HashMap<String, Vec<&LotterySlot>> = HashMap::new();
    let mut out = Vec::new();
    for round in 1..=per_supplier {
        if round > 1 {
            order.reverse();
        }
        for invitation_id in &order {
            let mine = held.entry(invitation_id.clone()).or_default();
            let pick = wants[invitation_id.as_str()]
                .iter()
                .enumerate()
                .find_map(|(i, slot_id)| {
                    let slot = by_id.get(slot_id.as_str())?;
                    let free = !taken.contains(slot_id.as_str())
                        && !mine.iter().any(|h| overlaps(h, slot));
                    free.then_some((i + 1, *slot))
                });
            if let Some((rank, slot)) = pick {
                taken.insert(slot.id.as_str());
                mine.push(slot);
                out.push(Assignment {
                    slot_id: slot.id.clone(),
                    invitation_id: invitation_id.clone(),
                    rank,
                    round,
                });
            }
        }
    }
    out
}

/// A UTC time from the database, for the lottery's slots.
pub fn utc(t: NaiveDateTime) -> chrono::DateTime<chrono::Utc> {
    t.and_utc()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(id: &str, hour: u32) -> LotterySlot {
        let day = chrono::NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
        LotterySlot {
            id: id.into(),
            starts_at: day.and_hms_opt(hour, 0, 0).unwrap().and_utc(),
            ends_at: day.and_hms_opt(hour, 30, 0).unwrap().and_utc(),
        }
    }

    fn ranking(id: &str, slots: &[&str]) -> Ranking {
        Ranking {
            invitation_id: id.into(),
            slot_ids: slots.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_allocation_and_another_seed_another_draw() {
        let slots = vec![slot("a", 9), slot("b", 10)];
        let rankings: Vec<Ranking> = (0..8)
            .map(|i| ranking(&format!("inv-{i}"), &["a", "b"]))
            .collect();
        let first = allocate("seed-1", &slots, &rankings, 1);
        assert_eq!(first, allocate("seed-1", &slots, &rankings, 1));
        assert_eq!(first.len(), 2);
        let orders: HashSet<Vec<String>> = (0..20)
            .map(|i| draw_order(&format!("seed-{i}"), &rankings))
            .collect();
        assert!(orders.len() > 10, "the draw barely depends on the seed");
    }

    #[test]
    fn nobody_gets_two_meetings_at_once_or_more_than_the_limit() {
        // Two tables at 9 and at 10: a supplier may hold one at 9 and one at 10, never both 9s.
        let slots = vec![
            slot("9a", 9),
            slot("9b", 9),
            slot("10a", 10),
            slot("10b", 10),
        ];
        let rankings = vec![
            ranking("x", &["9a", "9b", "10a", "10b"]),
            ranking("y", &["9a", "9b"]),
        ];
        let got = allocate("s", &slots, &rankings, 2);
        let of_x: Vec<&str> = got
            .iter()
            .filter(|a| a.invitation_id == "x")
            .map(|a| a.slot_id.as_str())
            .collect();
        assert_eq!(of_x.len(), 2);
        assert!(!(of_x.contains(&"9a") && of_x.contains(&"9b")), "{of_x:?}");
        let slots_given: HashSet<&str> = got.iter().map(|a| a.slot_id.as_str()).collect();
        assert_eq!(slots_given.len(), got.len(), "a slot was given twice");
        assert_eq!(allocate("s", &slots, &rankings, 1).len(), 2);
    }

    #[test]
    fn the_second_round_runs_the_draw_backwards() {
        let slots = vec![slot("p", 9), slot("q", 10), slot("r", 11), slot("s", 12)];
        let rankings = vec![
            ranking("one", &["p", "q", "r", "s"]),
            ranking("two", &["p", "q", "r", "s"]),
        ];
        let order = draw_order("z", &rankings);
        let got = allocate("z", &slots, &rankings, 2);
        assert_eq!(got[0].invitation_id, order[0]);
        assert_eq!(got[0].slot_id, "p");
        assert_eq!(got[1].slot_id, "q");
        // Round 2 starts with the one drawn last in round 1.
        assert_eq!(got[2].invitation_id, order[1]);
        assert_eq!((got[2].slot_id.as_str(), got[2].round), ("r", 2));
    }

    #[test]
    fn the_published_hash_is_of_the_seed_as_written() {
        let seed = new_seed();
        assert_eq!(seed.len(), 64);
        assert_eq!(
            seed_hash(&seed),
            hex::encode(Sha256::digest(seed.as_bytes()))
        );
        assert_ne!(new_seed(), seed);
    }
}
