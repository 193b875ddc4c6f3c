//! Innovation lifts: joint processes on one theme, grouped by programme staff, and suggestions
//! from the index for new groups. What the front doors show of them is in `views`.

pub mod views;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::Serialize;
use utoipa::ToSchema;

use crate::app::audit;
use crate::caller::Caller;
use crate::db::lifts::{self as q, LiftRow};
use crate::db::{self, DbConn};
use crate::domain::{self, Theme};
use crate::error::AppError;
use crate::search::document::Indexable;
use crate::search::matching;
use crate::search::SearchIndex;

fn require_admin(caller: &Caller) -> Result<(), AppError> {
    if caller.is_admin() {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "only programme administrators manage innovation lifts",
        ))
    }
}

/// Loads a lift or answers 404.
pub fn get(conn: &mut DbConn, id: &str) -> Result<LiftRow, AppError> {
    q::find(conn, id)?.ok_or_else(|| AppError::not_found("no innovation lift has this id"))
}

/// Creates a lift (administrators).
pub fn create(
    conn: &mut DbConn,
    caller: &Caller,
    title: &str,
    theme: &str,
    description: &str,
) -> Result<LiftRow, AppError> {
    require_admin(caller)?;
    let theme = Theme::parse(theme.trim()).map_err(|e| domain::Invalid::new("theme", e.message))?;
    let now = db::now();
    let row = LiftRow {
        id: db::new_id(),
        title: domain::line("title", title, 200)?,
        theme: theme.as_str().to_owned(),
        description: domain::text("description", description, 20_000)?,
        created_by: Some(caller.account_id.clone()),
        created_at: now,
        updated_at: now,
    };
    db::write_tx(conn, |conn| {
        q::insert(conn, &row)?;
        audit::record(
            conn,
            caller,
            "lift",
            &row.id,
            None,
            "created",
            None::<&()>,
            Some(&row),
        )?;
        Ok::<_, AppError>(())
    })?;
    Ok(row)
}

/// Attaches (or with `attach: false`, detaches) a process (administrators). Returns whether
/// anything changed.
pub fn link(
    conn: &mut DbConn,
    caller: &Caller,
    lift_id: &str,
    process_id: &str,
    attach: bool,
) -> Result<bool, AppError> {
    require_admin(caller)?;
    get(conn, lift_id)?;
    if crate::db::processes::find(conn, process_id)?.is_none() {
        return Err(if attach {
            domain::Invalid::new("process_id", "no joint process has this id").into()
        } else {
            AppError::not_found("no joint process has this id")
        });
    }
    let result = db::write_tx(conn, |conn| {
        let changed = if attach {
            q::attach(conn, lift_id, process_id)?
        } else {
            q::detach(conn, lift_id, process_id)?
        };
        if changed {
            let value = serde_json::json!({"lift_id": lift_id, "process_id": process_id});
            let (before, after) = if attach {
                (None, Some(&value))
            } else {
                (Some(&value), None)
            };
            audit::record(
                conn,
                caller,
                "lift",
                lift_id,
                Some(process_id),
                if attach {
                    "process_attached"
                } else {
                    "process_detached"
                },
                before,
                after,
            )?;
        }
        Ok::<_, AppError>(changed)
    });
    match result {
        Err(e) if e.is_unique_violation() => Ok(false),
        other => other,
    }
}

/// A proposed group, with what explains it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Suggestion {
    /// `joint_process` (open needs of different buyers) or `lift` (processes).
    pub kind: String,
    /// For `joint_process`: the needs.
    pub need_ids: Vec<String>,
    /// For `lift`: the processes.
    pub process_ids: Vec<String>,
    /// For `lift`: an existing lift the processes could join.
    pub lift_id: Option<String>,
    /// The organisations involved.
    pub organisation_ids: Vec<String>,
    /// Words the texts share, most telling first.
    pub shared_terms: Vec<String>,
    /// CPV codes they share (down to group level at least).
    pub shared_cpv_codes: Vec<String>,
    /// The weakest text similarity that binds the group, in [0, 1].
    pub similarity: f32,
}

/// How similar two needs must be to be grouped.
const GROUP_SIMILARITY: f32 = 0.25;
/// Needs looked at, newest first, to bound the work on a large registry.
const MAX_NEEDS: i64 = 400;

struct Edge {
    similarity: f32,
    terms: Vec<String>,
    cpv: Option<String>,
}

/// Proposes groups from the index: open needs of different buyers that could become a joint
/// process, and processes that could form or join a lift.
pub fn suggestions(conn: &mut DbConn, index: &SearchIndex) -> Result<Vec<Suggestion>, AppError> {
    let filter = crate::db::needs::NeedFilter {
        status: Some("open".into()),
        ..Default::default()
    };
    let needs = crate::db::needs::list_after(conn, &filter, None, MAX_NEEDS)?;
    let need_ids: Vec<String> = needs.iter().map(|n| n.id.clone()).collect();
    let process_of: HashMap<String, String> =
        crate::db::processes::processes_of_needs(conn, &need_ids)?
            .into_iter()
            .collect();
    let org_of: HashMap<String, String> = needs
        .iter()
        .map(|n| (n.id.clone(), n.organisation_id.clone()))
        .collect();
    // Similar pairs among the needs looked at.
    let mut edges: BTreeMap<(String, String), Edge> = BTreeMap::new();
    for need in &needs {
        let item = Indexable::need(need, "buyer");
        for m in matching::similar_needs(index, &item, 10)? {
            let sim = m.similarity.unwrap_or(m.score);
            if sim < GROUP_SIMILARITY || !org_of.contains_key(&m.id) {
                continue;
            }
            let key = if need.id < m.id {
                (need.id.clone(), m.id.clone())
            } else {
                (m.id.clone(), need.id.clone())
            };
            edges.entry(key).or_insert(Edge {
                similarity: sim,
                terms: m.why.terms.clone(),
                cpv: m
                    .why
                    .cpv
                    .as_ref()
                    .filter(|c| c.level >= domain::CpvLevel::Group)
                    .map(|c| shared_code(&c.code, c.level)),
            });
        }
    }
    let mut out = Vec::new();
    // Needs not yet in a process: groups of different buyers.
    out.extend(
        groups(&edges, |n| !process_of.contains_key(n))
            .into_iter()
            .filter_map(|(members, sim, terms, cpv)| {
                let orgs: BTreeSet<String> = members
                    .iter()
                    .filter_map(|n| org_of.get(n).cloned())
                    .collect();
                (orgs.len() >= 2).then(|| Suggestion {
                    kind: "joint_process".into(),
                    need_ids: members,
                    process_ids: Vec::new(),
                    lift_id: None,
                    organisation_ids: orgs.into_iter().collect(),
                    shared_terms: terms,
                    shared_cpv_codes: cpv,
                    similarity: sim,
                })
            }),
    );
    // Processes: their needs' similarity lifted to the processes, grouped, with any lift one of
    // them is in already.
    let lift_of: HashMap<String, String> = q::all_links(conn)?
        .into_iter()
        .map(|(l, p)| (p, l))
        .collect();
    let mut process_edges: BTreeMap<(String, String), Edge> = BTreeMap::new();
    for ((a, b), edge) in &edges {
        let (Some(pa), Some(pb)) = (process_of.get(a), process_of.get(b)) else {
            continue;
        };
        if pa == pb {
            continue;
        }
        let key = if pa < pb {
            (pa.clone(), pb.clone())
        } else {
            (pb.clone(), pa.clone())
        };
        let e = process_edges.entry(key).or_insert(Edge {
            similarity: 0.0,
            terms: Vec::new(),
            cpv: None,
        });
        if edge.similarity > e.similarity {
            e.similarity = edge.similarity;
            e.terms = edge.terms.clone();
            e.cpv = edge.cpv.clone();
        }
    }
    for (members, sim, terms, cpv) in groups(&process_edges, |_| true) {
        let lifts: BTreeSet<&String> = members.iter().filter_map(|p| lift_of.get(p)).collect();
        let outside: Vec<String> = members
            .iter()
            .filter(|p| !lift_of.contains_key(*p))
            .cloned()
            .collect();
        if outside.is_empty() || lifts.len() > 1 {
            continue;
        }
        let mut orgs = BTreeSet::new();
        for p in &members {
            for (b, _) in crate::db::processes::buyers(conn, p)? {
                if b.status.takes_part() {
                    orgs.insert(b.organisation_id);
                }
            }
        }
        out.push(Suggestion {
            kind: "lift".into(),
            need_ids: Vec::new(),
            process_ids: members,
            lift_id: lifts.into_iter().next().cloned(),
            organisation_ids: orgs.into_iter().collect(),
            shared_terms: terms,
            shared_cpv_codes: cpv,
            similarity: sim,
        });
    }
    out.sort_by(|a, b| b.similarity.total_cmp(&a.similarity));
    Ok(out)
}

/// The code both sides share: the first code cut to the shared level and padded with zeros.
fn shared_code(code: &str, level: domain::CpvLevel) -> String {
    let digits = match level {
        domain::CpvLevel::Division => 2,
        domain::CpvLevel::Group => 3,
        domain::CpvLevel::Class => 4,
        domain::CpvLevel::Category => 5,
        domain::CpvLevel::Exact => 8,
    };
    format!("{:0<8}", &code[..digits.min(code.len())])
}

/// Connected groups over edges whose ends pass `keep`, with the weakest binding similarity,
/// the shared terms (in at least two pairs, else those of the strongest pair) and CPV codes.
#[allow(clippy::type_complexity)]
fn groups(
    edges: &BTreeMap<(String, String), Edge>,
    keep: impl Fn(&str) -> bool,
) -> Vec<(Vec<String>, f32, Vec<String>, Vec<String>)> {
    let mut parent: HashMap<String, String> = HashMap::new();
    fn root(parent: &mut HashMap<String, String>, x: &str) -> String {
        let p = parent.get(x).cloned().unwrap_or_else(|| x.to_owned());
        if p == x {
            return p;
        }
        let r = root(parent, &p);
        parent.insert(x.to_owned(), r.clone());
        r
    }
    let kept: Vec<(&(String, String), &Edge)> = edges
        .iter()
        .filter(|((a, b), _)| keep(a) && keep(b))
        .collect();
    for ((a, b), _) in &kept {
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        if ra != rb {
            parent.insert(ra, rb);
        }
    }
    let mut members: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for ((a, b), _) in &kept {
        let r = root(&mut parent, a);
        members.entry(r.clone()).or_default().insert(a.clone());
        members.entry(r).or_default().insert(b.clone());
    }
    members
        .into_values()
        .map(|set| {
            let inside: Vec<&Edge> = kept
                .iter()
                .filter(|((a, _), _)| set.contains(a))
                .map(|(_, e)| *e)
                .collect();
            let sim = inside.iter().map(|e| e.similarity).fold(1.0f32, f32::min);
            let mut counts: HashMap<&String, usize> = HashMap::new();
            for e in &inside {
                for t in e.terms.iter().collect::<HashSet<_>>() {
                    *counts.entry(t).or_default() += 1;
                }
            }
            let strongest = inside
                .iter()
                .max_by(|a, b| a.similarity.total_cmp(&b.similarity));
            let mut terms: Vec<String> = strongest.map(|e| e.terms.clone()).unwrap_or_default();
            if inside.len() > 1 {
                terms.retain(|t| counts.get(t).copied().unwrap_or(0) >= 2);
                if terms.is_empty() {
                    terms = strongest.map(|e| e.terms.clone()).unwrap_or_default();
                }
            }
            terms.truncate(8);
            let cpv: BTreeSet<String> = inside.iter().filter_map(|e| e.cpv.clone()).collect();
            (
                (set.into_iter().collect()),
                (sim * 1000.0).round() / 1000.0,
                terms,
                cpv.into_iter().collect(),
            )
        })
        .collect()
}
