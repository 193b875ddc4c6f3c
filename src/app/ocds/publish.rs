//! Publishing: storing a release for every published need and joint process whose content
//! changed since its last release.
//!
//! Needs are many (tens of thousands), joint processes few, so a round does not rebuild every
//! need's release. It reads a few aggregates (row counts and newest times of everything a
//! need's release is made of) and which needs are in joint processes. When nothing moved since
//! this node's last round, no need is looked at. Otherwise it rebuilds the releases of the needs
//! that changed since then, with a margin for transactions that committed late, and of those
//! that joined or left a process. A node's first round starts from the last release any node
//! stored. The removal of an organisation, a notice or a CPV label (a count that fell) and, once
//! a day, a full check compare every need.
//! Joint processes are rebuilt every round.

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::content::{need_content, process_content, Sources};
use super::time;
use crate::db::ocds::{self as q, Mark, ReleaseRow};
use crate::db::{self, DbConn};
use crate::error::AppResult;
use crate::settings::Settings;

/// How often every need is compared with its release, whatever the aggregates say.
const FULL_CHECK: Duration = Duration::from_secs(24 * 3600);
/// How far back before its last round a round looks: a transaction stamps its rows when it
/// writes them, and may commit after a round has read past that time.
const MARGIN: chrono::TimeDelta = chrono::TimeDelta::minutes(5);
/// Needs read and compared at a time.
const NEEDS_PAGE: usize = 1000;

/// What this node saw when it last looked at the needs.
#[derive(Debug, Clone)]
struct Seen {
    marks: [Mark; 5],
    /// The needs in joint processes, which are published with their process instead.
    in_process: HashSet<String>,
    /// When that round started, by the node's clock as the rows' times are.
    at: NaiveDateTime,
    /// When every need was last compared.
    full_at: Instant,
}

/// The publisher of one node. Every node keeps its own; the unique `(ocid, seq)` settles two
/// nodes that store the same release.
#[derive(Default)]
pub struct Publisher {
    seen: Mutex<Option<Seen>>,
}

/// Which needs a round compares with their releases.
enum Check {
    Nothing,
    Every,
    These(Vec<String>),
}

impl Publisher {
    /// Stores a release for every published need and process whose content changed since its
    /// last release. Returns how many were stored.
    pub fn publish(&self, conn: &mut DbConn, settings: &Settings) -> AppResult<usize> {
        let at = db::now();
        let in_process: HashSet<String> = crate::db::processes::all_need_links(conn)?
            .into_iter()
            .map(|(_, need)| need)
            .collect();
        let marks = q::need_marks(conn)?;
        let seen = self.seen.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let check = match &seen {
            Some(s) if s.full_at.elapsed() > FULL_CHECK => Check::Every,
            // A need that is gone has nothing more to publish, and a buyer leaving a need
            // stamps the need; what else is removed (an organisation, a notice, a CPV label)
            // leaves no trace of which needs it was part of.
            Some(s) if s.marks[2..].iter().zip(&marks[2..]).any(|(a, b)| b.0 < a.0) => Check::Every,
            Some(s) if s.marks == marks && s.in_process == in_process => Check::Nothing,
            Some(s) => {
                let mut ids = q::changed_needs(conn, s.at - MARGIN)?;
                ids.extend(s.in_process.symmetric_difference(&in_process).cloned());
                Check::These(ids)
            }
            None => match q::last_published(conn, "need")? {
                None => Check::Every,
                Some(last) => {
                    // Which needs left a process while no node was looking is not known, so
                    // every published need without a release of its own is looked at too.
                    let mut ids = q::changed_needs(conn, last - MARGIN)?;
                    let released: HashSet<String> =
                        q::released(conn, "need")?.into_iter().collect();
                    ids.extend(
                        q::published_need_ids(conn)?
                            .into_iter()
                            .filter(|id| !released.contains(id) && !in_process.contains(id)),
                    );
                    Check::These(ids)
                }
            },
        };
        let full = matches!(check, Check::Every);
        let mut stored = match check {
            Check::Nothing => 0,
            Check::Every => {
                let mut stored = 0;
                let mut after = None;
                loop {
                    let page = q::published_needs(conn, after.as_ref(), NEEDS_PAGE as i64)?;
                    let Some(last) = page.last() else { break };
                    after = Some((last.created_at, last.id.clone()));
                    let more = page.len() == NEEDS_PAGE;
                    stored += publish_needs(conn, settings, page, &in_process)?;
                    if !more {
                        break;
                    }
                }
                stored
            }
            Check::These(mut ids) => {
                ids.sort();
                ids.dedup();
                let mut stored = 0;
                for chunk in ids.chunks(NEEDS_PAGE) {
                    let page = q::published_needs_of(conn, chunk)?;
                    stored += publish_needs(conn, settings, page, &in_process)?;
                }
                stored
            }
        };
        // Only a finished round counts: a failed one leaves the next to look again.
        let full_at = match (&seen, full) {
            (Some(s), false) => s.full_at,
            _ => Instant::now(),
        };
        *self.seen.lock().unwrap_or_else(|e| e.into_inner()) = Some(Seen {
            marks,
            in_process,
            at,
            full_at,
        });
        let mut current = Vec::new();
        for process in q::processes(conn)? {
            let content = process_content(conn, settings, &process)?;
            current.push(("process", process.id, content));
        }
        let ids: Vec<String> = current.iter().map(|(_, id, _)| id.clone()).collect();
        let latest = q::latest(conn, "process", Some(&ids))?;
        stored += store_changed(conn, current, &latest)?;
        Ok(stored)
    }
}

/// Compares these needs, leaving out those in joint processes, with their last releases, and
/// stores those that changed.
fn publish_needs(
    conn: &mut DbConn,
    settings: &Settings,
    needs: Vec<crate::db::needs::NeedRow>,
    in_process: &HashSet<String>,
) -> AppResult<usize> {
    let needs: Vec<_> = needs
        .into_iter()
        .filter(|n| !in_process.contains(&n.id))
        .collect();
    if needs.is_empty() {
        return Ok(0);
    }
    let sources = Sources::of(conn, &[], &needs)?;
    let ids: Vec<String> = needs.iter().map(|n| n.id.clone()).collect();
    let latest = q::latest(conn, "need", Some(&ids))?;
    let current = needs
        .iter()
        .map(|n| ("need", n.id.clone(), need_content(&sources, settings, n)))
        .collect();
    store_changed(conn, current, &latest)
}

/// Stores a new release of each content that differs from its last release, in one write
/// transaction for all of them.
fn store_changed(
    conn: &mut DbConn,
    current: Vec<(&str, String, Value)>,
    latest: &[(String, i64, String)],
) -> AppResult<usize> {
    let latest: std::collections::HashMap<&str, (i64, &str)> = latest
        .iter()
        .map(|(id, seq, sha)| (id.as_str(), (*seq, sha.as_str())))
        .collect();
    let now = db::now();
    let mut rows = Vec::new();
    for (kind, id, content) in current {
        let sha256 = hex::encode(Sha256::digest(content.to_string().as_bytes()));
        let last = latest.get(id.as_str());
        if last.is_some_and(|(_, sha)| *sha == sha256) {
            continue;
        }
        let seq = last.map_or(1, |(seq, _)| seq + 1);
        let ocid = content["ocid"].as_str().unwrap_or_default().to_owned();
        let mut release = Map::new();
        release.insert("ocid".into(), json!(ocid));
        release.insert("id".into(), json!(format!("{ocid}-{seq}")));
        release.insert("date".into(), json!(time(now)));
        let tag = if seq == 1 {
            "planning"
        } else {
            "planningUpdate"
        };
        release.insert("tag".into(), json!([tag]));
        if let Value::Object(fields) = content {
            for (k, v) in fields {
                release.entry(k).or_insert(v);
            }
        }
        rows.push(ReleaseRow {
            id: format!("{ocid}-{seq}"),
            ocid,
            seq,
            object_kind: kind.to_owned(),
            object_id: id,
            sha256,
            body: Value::Object(release).to_string(),
            published_at: now,
        });
    }
    if rows.is_empty() {
        return Ok(0);
    }
    db::write_tx(conn, |conn| {
        let mut stored = 0;
        for row in &rows {
            stored += usize::from(q::insert(conn, row)?);
        }
        Ok(stored)
    })
}
