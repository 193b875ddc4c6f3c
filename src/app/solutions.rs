//! Solutions that joint processes delivered, with the benefits they claim, and the buyers who
//! adopt them. Solutions are searchable through the index.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::page::{Page, PageSpec};
use super::Context;
use crate::app::audit;
use crate::caller::Caller;
use crate::db::lifts::{self as q, AdoptionRow, SolutionRow};
use crate::db::{self, index_queue, organisations, DbConn};
use crate::domain::process::{AdoptionStatus, Phase};
use crate::domain::{self, string_enum, Invalid, OrgKind};
use crate::error::{AppError, AppResult};
use crate::search::document::json_list;
use crate::search::document::DocType;

string_enum!(
    /// What a benefit measures.
    BenefitKind, "benefits", {
        /// Money saved, in NOK.
        Savings => "savings",
        /// Emissions cut (e.g. tonnes CO2e).
        Emissions => "emissions",
        /// Quality for users or staff.
        Quality => "quality",
        /// Anything else.
        Other => "other",
    }
);

/// A claimed benefit: a number with its unit and the basis for it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Benefit {
    /// `savings`, `emissions`, `quality` or `other`.
    #[schema(value_type = BenefitKind, inline)]
    pub kind: String,
    /// The amount, e.g. 1200000.
    pub amount: f64,
    /// The unit, e.g. `NOK/år` or `tonn CO2e/år`.
    #[schema(min_length = 1, max_length = 40)]
    pub unit: String,
    /// How the figure was arrived at.
    #[schema(min_length = 1, max_length = 5000)]
    pub basis: String,
}

/// A new solution, as given.
#[derive(Debug, Clone)]
pub struct NewSolution {
    pub process_id: String,
    pub title: String,
    pub description: String,
    pub supplier_ids: Vec<String>,
    pub benefits: Vec<Benefit>,
}

/// Registers a solution (the lead, from the contract phase on).
pub fn create(
    conn: &mut DbConn,
    caller: &Caller,
    new: NewSolution,
) -> Result<SolutionRow, AppError> {
    let process_id = uuid::Uuid::parse_str(new.process_id.trim())
        .map_err(|_| Invalid::new("process_id", "process_id is not a process id"))?
        .to_string();
    let process = crate::db::processes::find(conn, &process_id)?
        .ok_or_else(|| Invalid::new("process_id", "no joint process has this id"))?;
    if crate::app::processes::standing(conn, caller, &process)?
        != crate::app::processes::Standing::Lead
    {
        return Err(AppError::forbidden(
            "only the lead buyer registers the process's solution",
        ));
    }
    let phase = process.phase;
    if !phase.at_least(Phase::Contract) {
        return Err(AppError::conflict(
            None,
            format!(
                "the process is in {}; solutions are registered from the contract phase on",
                process.phase
            ),
        ));
    }
    let title = domain::line("title", &new.title, 200)?;
    let description = domain::text("description", &new.description, 20_000)?;
    let mut suppliers = Vec::new();
    for raw in &new.supplier_ids {
        let id = uuid::Uuid::parse_str(raw.trim())
            .map(|u| u.to_string())
            .map_err(|_| {
                Invalid::new("supplier_ids", format!("{raw} is not an organisation id"))
            })?;
        let org = organisations::find(conn, &id)?.ok_or_else(|| {
            Invalid::new("supplier_ids", format!("no organisation has the id {id}"))
        })?;
        if org.kind == OrgKind::Buyer.as_str() {
            return Err(Invalid::new(
                "supplier_ids",
                format!("{} is a buyer, not a supplier", org.name),
            )
            .into());
        }
        if !suppliers.contains(&id) {
            suppliers.push(id);
        }
    }
    if suppliers.is_empty() {
        return Err(Invalid::new(
            "supplier_ids",
            "give the organisations that supply the solution",
        )
        .into());
    }
    if new.benefits.len() > 50 {
        return Err(Invalid::new("benefits", "give at most 50 benefits").into());
    }
    let mut benefits = new.benefits.clone();
    for b in &mut benefits {
        b.kind = BenefitKind::parse(b.kind.trim())?.as_str().to_owned();
        if !b.amount.is_finite() {
            return Err(Invalid::new("benefits", "amount must be a number").into());
        }
        domain::text("benefits", &b.unit, 40)?;
        domain::text("benefits", &b.basis, 5000)?;
    }
    let now = db::now();
    let row = SolutionRow {
        id: db::new_id(),
        process_id: process_id.clone(),
        title,
        description,
        supplier_ids: serde_json::to_string(&suppliers).unwrap_or_else(|_| "[]".into()),
        benefits: serde_json::to_string(&benefits).unwrap_or_else(|_| "[]".into()),
        created_by: Some(caller.account_id.clone()),
        created_at: now,
        updated_at: now,
    };
    db::write_tx(conn, |conn| {
        q::insert_solution(conn, &row)?;
        index_queue::enqueue(conn, DocType::Solution.as_str(), &row.id)?;
        audit::record(
            conn,
            caller,
            "solution",
            &row.id,
            Some(&process_id),
            "created",
            None::<&()>,
            Some(&row),
        )?;
        Ok::<_, AppError>(())
    })?;
    Ok(row)
}

/// Loads a solution or answers 404. Solutions are public to everyone signed in.
pub fn get(conn: &mut DbConn, id: &str) -> Result<SolutionRow, AppError> {
    q::find_solution(conn, id)?.ok_or_else(|| AppError::not_found("no solution has this id"))
}

/// Records that the caller's organisation has adopted or plans to adopt a solution. Returns
/// whether it was new.
pub fn adopt(
    conn: &mut DbConn,
    caller: &Caller,
    id: &str,
    status: &str,
    note: Option<String>,
) -> Result<bool, AppError> {
    let solution = get(conn, id)?;
    let status = AdoptionStatus::parse(status.trim())?;
    let org_id = caller
        .organisation_id()
        .ok_or_else(|| AppError::forbidden("only buyers adopt solutions"))?
        .to_owned();
    let org = crate::app::organisations::get(conn, &org_id)?;
    if crate::app::organisations::kind_of(&org)? != OrgKind::Buyer {
        return Err(AppError::forbidden("only buyers adopt solutions"));
    }
    let note = note
        .filter(|n| !n.trim().is_empty())
        .map(|n| domain::text("note", &n, 5000))
        .transpose()?;
    let now = db::now();
    let row = AdoptionRow {
        solution_id: id.to_owned(),
        organisation_id: org_id,
        status: status.as_str().to_owned(),
        note,
        created_at: now,
        updated_at: now,
    };
    let write = |conn: &mut DbConn| {
        db::write_tx(conn, |conn| {
            let before = q::upsert_adoption(conn, &row)?;
            audit::record(
                conn,
                caller,
                "adoption",
                id,
                Some(&solution.process_id),
                if before.is_some() {
                    "adoption_changed"
                } else {
                    "adopted"
                },
                before.as_ref(),
                Some(&row),
            )?;
            Ok::<_, AppError>(before.is_none())
        })
    };
    // Two answers of one buyer at once: the loser of the insert race runs again as an update.
    match write(conn) {
        Err(e) if e.is_unique_violation() => write(conn),
        other => other,
    }
}

// Read models and the use cases both front doors call.

/// A buyer that adopted or plans to adopt a solution.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdoptionView {
    pub organisation_id: String,
    pub organisation_name: String,
    pub status: String,
    pub note: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// A solution.
#[derive(Debug, Serialize, ToSchema)]
pub struct SolutionView {
    pub id: String,
    pub process_id: String,
    pub title: String,
    pub description: String,
    pub supplier_ids: Vec<String>,
    pub benefits: Vec<Benefit>,
    pub adoptions: Vec<AdoptionView>,
    pub created_at: DateTime<Utc>,
}

impl SolutionView {
    /// The view of a solution with its adoptions.
    pub fn load(conn: &mut DbConn, row: &SolutionRow) -> Result<SolutionView, AppError> {
        let adoptions = crate::db::lifts::adoptions(conn, &row.id)?
            .into_iter()
            .map(|(a, name)| AdoptionView {
                organisation_id: a.organisation_id,
                organisation_name: name,
                status: a.status,
                note: a.note,
                updated_at: a.updated_at.and_utc(),
            })
            .collect();
        Ok(SolutionView {
            id: row.id.clone(),
            process_id: row.process_id.clone(),
            title: row.title.clone(),
            description: row.description.clone(),
            supplier_ids: json_list(&row.supplier_ids),
            // Benefits were checked when written; one that no longer reads is a fault to see.
            benefits: serde_json::from_str(&row.benefits).map_err(|e| {
                AppError::Internal(anyhow::anyhow!("solution {}: benefits: {e}", row.id))
            })?,
            adoptions,
            created_at: row.created_at.and_utc(),
        })
    }
}

/// Registers a process's solution (the lead) and wakes the indexer.
pub async fn register(ctx: &Context, caller: &Caller, new: NewSolution) -> AppResult<SolutionView> {
    let caller = caller.clone();
    let view = ctx
        .db
        .run(move |conn| {
            let row = create(conn, &caller, new)?;
            SolutionView::load(conn, &row)
        })
        .await?;
    ctx.index.notify();
    Ok(view)
}

/// A solution and its adoptions.
pub async fn view(ctx: &Context, id: &str) -> AppResult<SolutionView> {
    let id = id.to_owned();
    ctx.db
        .run(move |conn| {
            let row = get(conn, &id)?;
            SolutionView::load(conn, &row)
        })
        .await
}

/// A page of solutions, newest first.
pub async fn page(ctx: &Context, spec: PageSpec) -> AppResult<Page<SolutionView>> {
    ctx.db
        .run(move |conn| {
            let (rows, total) = q::list_solutions(conn, spec.offset(), spec.per_page)?;
            let items = rows
                .iter()
                .map(|r| SolutionView::load(conn, r))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(spec.wrap(items, total))
        })
        .await
}

/// Records the caller's organisation's adoption; true when it is new.
pub async fn adopt_solution(
    ctx: &Context,
    caller: &Caller,
    id: &str,
    status: String,
    note: Option<String>,
) -> AppResult<(bool, SolutionView)> {
    let (caller, id) = (caller.clone(), id.to_owned());
    ctx.db
        .run(move |conn| {
            let created = adopt(conn, &caller, &id, &status, note)?;
            let row = get(conn, &id)?;
            Ok((created, SolutionView::load(conn, &row)?))
        })
        .await
}
