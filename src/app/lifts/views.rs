//! What the front doors show of innovation lifts, and the use cases they call: the API's lift
//! views, the public lift page, and the staff's overview with explained suggestions.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::Suggestion;
use crate::app::processes::views::{ProcessBuyer, ProcessView};
use crate::app::processes::Standing;
use crate::app::Context;
use crate::caller::Caller;
use crate::db::lifts::LiftRow;
use crate::db::DbConn;
use crate::domain::Theme;
use crate::error::{AppError, AppResult};
use crate::search::document::json_list;

/// An innovation lift with its processes, buyers, counties and phases.
#[derive(Debug, Serialize, ToSchema)]
pub struct LiftView {
    pub id: String,
    pub title: String,
    pub theme: String,
    pub description: String,
    /// The processes (summaries).
    pub processes: Vec<ProcessView>,
    /// The buyers of its processes.
    pub buyers: Vec<ProcessBuyer>,
    /// The counties its processes cover.
    pub counties: Vec<String>,
    /// Processes per phase.
    pub phases: BTreeMap<String, usize>,
    pub created_at: DateTime<Utc>,
}

impl LiftView {
    /// The view of a lift, its processes as the caller may see them.
    pub fn load(conn: &mut DbConn, caller: &Caller, row: &LiftRow) -> Result<LiftView, AppError> {
        let mut processes = Vec::new();
        for pid in crate::db::lifts::process_ids(conn, &row.id)? {
            if let Some(p) = crate::db::processes::find(conn, &pid)? {
                let standing = crate::app::processes::standing(conn, caller, &p)?;
                processes.push(ProcessView::load(conn, &p, standing)?);
            }
        }
        let mut buyers: BTreeMap<String, ProcessBuyer> = BTreeMap::new();
        let mut counties = BTreeSet::new();
        let mut phases = BTreeMap::new();
        for p in &processes {
            for b in p
                .buyers
                .iter()
                .filter(|b| b.status == "lead" || b.status == "accepted")
            {
                buyers
                    .entry(b.organisation_id.clone())
                    .or_insert(ProcessBuyer {
                        organisation_id: b.organisation_id.clone(),
                        organisation_name: b.organisation_name.clone(),
                        status: "member".into(),
                    });
            }
            counties.extend(p.counties.iter().cloned());
            *phases.entry(p.phase.clone()).or_insert(0) += 1;
        }
        Ok(LiftView {
            id: row.id.clone(),
            title: row.title.clone(),
            theme: row.theme.clone(),
            description: row.description.clone(),
            processes,
            buyers: buyers.into_values().collect(),
            counties: counties.into_iter().collect(),
            phases,
            created_at: row.created_at.and_utc(),
        })
    }
}

/// Lifts.
#[derive(Debug, Serialize, ToSchema)]
pub struct Lifts {
    pub items: Vec<LiftView>,
}

/// Suggested groups.
#[derive(Debug, Serialize, ToSchema)]
pub struct Suggestions {
    /// Strongest first.
    pub items: Vec<Suggestion>,
}

fn require_admin(caller: &Caller, what: &str) -> AppResult<()> {
    if caller.is_admin() {
        Ok(())
    } else {
        Err(AppError::forbidden(format!(
            "only programme administrators {what}"
        )))
    }
}

/// Creates a lift (programme staff).
pub async fn create(
    ctx: &Context,
    caller: &Caller,
    title: String,
    theme: String,
    description: String,
) -> AppResult<LiftView> {
    let caller = caller.clone();
    ctx.db
        .run(move |conn| {
            let row = super::create(conn, &caller, &title, &theme, &description)?;
            LiftView::load(conn, &caller, &row)
        })
        .await
}

/// Every lift.
pub async fn list(ctx: &Context, caller: &Caller) -> AppResult<Vec<LiftView>> {
    let caller = caller.clone();
    ctx.db
        .run(move |conn| {
            let rows = crate::db::lifts::all(conn)?;
            rows.iter()
                .map(|r| LiftView::load(conn, &caller, r))
                .collect::<Result<Vec<_>, _>>()
        })
        .await
}

/// One lift.
pub async fn view(ctx: &Context, caller: &Caller, id: &str) -> AppResult<LiftView> {
    let (caller, id) = (caller.clone(), id.to_owned());
    ctx.db
        .run(move |conn| {
            let row = super::get(conn, &id)?;
            LiftView::load(conn, &caller, &row)
        })
        .await
}

/// Attaches (`attach`) or detaches a process (programme staff); true when it changed.
pub async fn set_link(
    ctx: &Context,
    caller: &Caller,
    id: &str,
    process_id: &str,
    attach: bool,
) -> AppResult<bool> {
    let (caller, id, process_id) = (caller.clone(), id.to_owned(), process_id.to_owned());
    ctx.db
        .run(move |conn| super::link(conn, &caller, &id, &process_id, attach))
        .await
}

/// Attaches several processes to a lift that must exist (programme staff).
pub async fn attach_all(
    ctx: &Context,
    caller: &Caller,
    id: &str,
    process_ids: Vec<String>,
) -> AppResult<()> {
    let (caller, id) = (caller.clone(), id.to_owned());
    ctx.db
        .run(move |conn| {
            super::get(conn, &id)?;
            for pid in &process_ids {
                super::link(conn, &caller, &id, pid, true)?;
            }
            Ok(())
        })
        .await
}

/// Creates a lift and attaches its processes; every process is checked first, so a bad one
/// leaves no half-made lift behind. Returns the lift's id.
pub async fn create_with_processes(
    ctx: &Context,
    caller: &Caller,
    title: String,
    theme: String,
    description: String,
    process_ids: Vec<String>,
) -> AppResult<String> {
    let caller = caller.clone();
    ctx.db
        .run(move |conn| {
            for id in &process_ids {
                if crate::db::processes::find(conn, id)?.is_none() {
                    return Err(AppError::validation(
                        "process_id",
                        "no joint process has this id",
                    ));
                }
            }
            let row = super::create(conn, &caller, &title, &theme, &description)?;
            for id in &process_ids {
                super::link(conn, &caller, &row.id, id, true)?;
            }
            Ok(row.id)
        })
        .await
}

/// Suggested groups, strongest first (programme staff).
pub async fn suggestions(ctx: &Context, caller: &Caller) -> AppResult<Vec<Suggestion>> {
    require_admin(caller, "see lift suggestions")?;
    let index = ctx.index.clone();
    ctx.db
        .run(move |conn| super::suggestions(conn, &index))
        .await
}

/// A process as the lift pages list it.
#[derive(Debug, Clone, Serialize)]
pub struct ProcessItem {
    pub id: String,
    pub title: String,
    pub phase: String,
}

/// A lift with its processes, for the staff's overview.
#[derive(Debug, Serialize)]
pub struct LiftItem {
    pub id: String,
    pub title: String,
    pub theme: String,
    pub description: String,
    pub processes: Vec<ProcessItem>,
    /// RFC 3339, UTC.
    pub created_at: String,
}

/// A need in a suggested joint process.
#[derive(Debug, Serialize)]
pub struct NeedItem {
    pub id: String,
    pub title: String,
    /// The buyer's name.
    pub organisation: Option<String>,
}

/// A lift a suggested group could join.
#[derive(Debug, Serialize)]
pub struct LiftRef {
    pub id: String,
    pub title: String,
}

/// A suggestion with what the page needs to explain it and to act on it.
#[derive(Debug, Serialize)]
pub struct ExplainedSuggestion {
    /// `joint_process` or `lift`.
    pub kind: String,
    pub similarity: f32,
    pub shared_terms: Vec<String>,
    pub shared_cpv_codes: Vec<String>,
    /// The organisations' names.
    pub organisations: Vec<String>,
    /// For `joint_process`: the needs.
    pub needs: Vec<NeedItem>,
    /// For `lift`: the processes.
    pub processes: Vec<ProcessItem>,
    /// For `lift`: an existing lift to join.
    pub lift: Option<LiftRef>,
    /// For `lift`: the theme most of the processes' needs have.
    pub theme: Option<&'static str>,
}

/// The staff's overview: every lift, and the suggestions explained (`None` while the index is
/// being rebuilt, so the page still works).
pub async fn overview(
    ctx: &Context,
    caller: &Caller,
) -> AppResult<(Vec<LiftItem>, Option<Vec<ExplainedSuggestion>>)> {
    require_admin(caller, "manage lifts")?;
    let index = ctx.index.clone();
    ctx.db
        .run(move |conn| {
            let lifts = lift_items(conn)?;
            let suggestions = match super::suggestions(conn, &index) {
                Ok(items) => Some(explain(conn, items)?),
                Err(AppError::Unavailable { .. }) => None,
                Err(e) => return Err(e),
            };
            Ok((lifts, suggestions))
        })
        .await
}

fn process_item(conn: &mut DbConn, id: &str) -> AppResult<Option<ProcessItem>> {
    Ok(crate::db::processes::find(conn, id)?.map(|p| ProcessItem {
        id: p.id,
        title: p.title,
        phase: p.phase.as_str().to_owned(),
    }))
}

fn lift_items(conn: &mut DbConn) -> AppResult<Vec<LiftItem>> {
    let mut out = Vec::new();
    for l in crate::db::lifts::all(conn)? {
        let mut processes = Vec::new();
        for pid in crate::db::lifts::process_ids(conn, &l.id)? {
            processes.extend(process_item(conn, &pid)?);
        }
        out.push(LiftItem {
            id: l.id,
            title: l.title,
            theme: l.theme,
            description: l.description,
            processes,
            created_at: l.created_at.and_utc().to_rfc3339(),
        });
    }
    Ok(out)
}

/// The theme most of these processes' needs have (ties go to the first in the list of themes).
fn main_theme(conn: &mut DbConn, process_ids: &[String]) -> AppResult<&'static str> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for pid in process_ids {
        for need in crate::db::processes::needs_of(conn, pid)? {
            for theme in json_list(&need.themes) {
                *counts.entry(theme).or_default() += 1;
            }
        }
    }
    let mut best = (0, Theme::Other.as_str());
    for theme in Theme::ALL {
        let n = counts.get(theme.as_str()).copied().unwrap_or(0);
        if n > best.0 {
            best = (n, theme.as_str());
        }
    }
    Ok(best.1)
}

/// Names instead of ids, and the processes, lift and theme of each group.
fn explain(conn: &mut DbConn, items: Vec<Suggestion>) -> AppResult<Vec<ExplainedSuggestion>> {
    let org_ids: Vec<String> = items
        .iter()
        .flat_map(|s| s.organisation_ids.iter().cloned())
        .collect();
    let names = crate::db::organisations::names(conn, &org_ids)?;
    let need_ids: Vec<String> = items
        .iter()
        .flat_map(|s| s.need_ids.iter().cloned())
        .collect();
    let needs: HashMap<String, crate::db::needs::NeedRow> =
        crate::db::needs::find_many(conn, &need_ids)?
            .into_iter()
            .map(|n| (n.id.clone(), n))
            .collect();
    let mut out = Vec::new();
    for s in items {
        let organisations = s
            .organisation_ids
            .iter()
            .filter_map(|o| names.get(o).cloned())
            .collect();
        let mut explained = ExplainedSuggestion {
            kind: s.kind.clone(),
            similarity: s.similarity,
            shared_terms: s.shared_terms.clone(),
            shared_cpv_codes: s.shared_cpv_codes.clone(),
            organisations,
            needs: Vec::new(),
            processes: Vec::new(),
            lift: None,
            theme: None,
        };
        if s.kind != "lift" {
            explained.needs = s
                .need_ids
                .iter()
                .filter_map(|id| needs.get(id))
                .map(|n| NeedItem {
                    id: n.id.clone(),
                    title: n.title.clone(),
                    organisation: names.get(&n.organisation_id).cloned(),
                })
                .collect();
        } else {
            for pid in &s.process_ids {
                explained.processes.extend(process_item(conn, pid)?);
            }
            explained.lift = match &s.lift_id {
                Some(id) => crate::db::lifts::find(conn, id)?.map(|l| LiftRef {
                    id: l.id,
                    title: l.title,
                }),
                None => None,
            };
            explained.theme = Some(main_theme(conn, &s.process_ids)?);
        }
        out.push(explained);
    }
    Ok(out)
}

/// A process as the public lift page shows it: the outsider's summary.
#[derive(Debug, Serialize)]
pub struct PublicProcess {
    pub id: String,
    pub title: String,
    pub phase: String,
    /// Lead and accepted buyers' names.
    pub buyers: Vec<String>,
    /// County numbers.
    pub counties: Vec<String>,
    pub national: bool,
}

/// A lift's public page.
#[derive(Debug, Serialize)]
pub struct PublicLift {
    pub id: String,
    pub title: String,
    pub theme: String,
    pub description: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub processes: Vec<PublicProcess>,
}

/// One lift with its processes' public summaries, for everyone.
pub async fn public(ctx: &Context, id: &str) -> AppResult<PublicLift> {
    let id = id.to_owned();
    ctx.db
        .run(move |conn| {
            let row = super::get(conn, &id)?;
            let mut processes = Vec::new();
            for pid in crate::db::lifts::process_ids(conn, &row.id)? {
                let Some(p) = crate::db::processes::find(conn, &pid)? else {
                    continue;
                };
                // The outsider's view: lead and accepted buyers, no notes or history.
                let view = ProcessView::load(conn, &p, Standing::Outsider)?;
                processes.push(PublicProcess {
                    buyers: view
                        .buyers
                        .iter()
                        .filter(|b| b.status == "lead" || b.status == "accepted")
                        .map(|b| b.organisation_name.clone())
                        .collect(),
                    id: view.id,
                    title: view.title,
                    phase: view.phase,
                    counties: view.counties,
                    national: view.national,
                });
            }
            Ok(PublicLift {
                id: row.id,
                title: row.title,
                theme: row.theme,
                description: row.description,
                created_at: row.created_at.and_utc().to_rfc3339(),
                processes,
            })
        })
        .await
}
