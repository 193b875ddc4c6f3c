//! What the front doors show of a joint process, and the use cases they call. Each use case runs
//! off the async executor, with the access rules of the functions in `super`.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::{NewProcess, ProcessChange, Standing};
use crate::app::page::{Page, PageSpec};
use crate::app::Context;
use crate::caller::Caller;
use crate::db::processes::{self as q, PhaseChangeRow, ProcessRow, ProposalRow};
use crate::db::DbConn;
use crate::domain::process::{Phase, Procedure};
use crate::error::{AppError, AppResult};
use crate::search::document::json_list;

/// A buyer in a process.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProcessBuyer {
    pub organisation_id: String,
    pub organisation_name: String,
    /// `lead`, `invited`, `accepted` or `declined`.
    pub status: String,
}

/// One phase move.
#[derive(Debug, Serialize, ToSchema)]
pub struct PhaseChange {
    pub from: Option<String>,
    pub to: String,
    pub note: Option<String>,
    pub reason: Option<String>,
    /// Skipped a phase, went back or reopened.
    pub irregular: bool,
    pub account_id: Option<String>,
    pub at: DateTime<Utc>,
}

impl From<&PhaseChangeRow> for PhaseChange {
    fn from(r: &PhaseChangeRow) -> Self {
        PhaseChange {
            from: r.from_phase.clone(),
            to: r.to_phase.clone(),
            note: r.note.clone(),
            reason: r.reason.clone(),
            irregular: r.irregular,
            account_id: r.account_id.clone(),
            at: r.created_at.and_utc(),
        }
    }
}

/// A joint process. Everyone signed in sees the summary; the process's buyers and programme
/// staff also see the description, the needs and the phase history with its notes.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProcessView {
    pub id: String,
    pub title: String,
    pub lead_organisation_id: String,
    /// Lead and accepted buyers for everyone; invited and declined ones too for insiders.
    pub buyers: Vec<ProcessBuyer>,
    /// Themes of its needs.
    pub themes: Vec<String>,
    /// Counties of its needs.
    pub counties: Vec<String>,
    pub national: bool,
    pub phase: String,
    pub procedure: String,
    pub procedure_used: Option<String>,
    /// An innovation partnership or a pre-commercial procurement.
    pub procurement_of_innovation: bool,
    /// Has had early market dialogue.
    pub innovation_friendly: bool,
    /// Lifts it belongs to.
    pub lift_ids: Vec<String>,
    /// Insiders and invited buyers only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Insiders and invited buyers only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub need_ids: Option<Vec<String>>,
    /// Insiders only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phase_history: Option<Vec<PhaseChange>>,
    /// How the caller stands: `admin`, `lead`, `buyer`, `invited` or `outsider`.
    pub your_role: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn role_name(s: Standing) -> &'static str {
    match s {
        Standing::Admin => "admin",
        Standing::Lead => "lead",
        Standing::Buyer => "buyer",
        Standing::Invited => "invited",
        Standing::Outsider => "outsider",
    }
}

impl ProcessView {
    /// The view of a process for a caller with this standing.
    pub fn load(
        conn: &mut DbConn,
        row: &ProcessRow,
        standing: Standing,
    ) -> Result<ProcessView, AppError> {
        let insider = standing.is_insider();
        // An invited buyer decides whether to join on what the process is about.
        let invited = standing == Standing::Invited;
        let needs = q::needs_of(conn, &row.id)?;
        let mut themes = BTreeSet::new();
        let mut counties = BTreeSet::new();
        let mut national = false;
        for n in &needs {
            themes.extend(json_list(&n.themes));
            counties.extend(json_list(&n.counties));
            national |= n.national;
        }
        let buyers = q::buyers(conn, &row.id)?
            .into_iter()
            .filter(|(b, _)| insider || b.status.takes_part())
            .map(|(b, name)| ProcessBuyer {
                organisation_id: b.organisation_id,
                organisation_name: name,
                status: b.status.as_str().to_owned(),
            })
            .collect();
        let procedure = row
            .procedure_used
            .as_deref()
            .unwrap_or(&row.procedure_planned);
        let lift_ids = crate::db::lifts::all_links(conn)?
            .into_iter()
            .filter(|(_, p)| *p == row.id)
            .map(|(l, _)| l)
            .collect();
        Ok(ProcessView {
            id: row.id.clone(),
            title: row.title.clone(),
            lead_organisation_id: row.lead_organisation_id.clone(),
            buyers,
            themes: themes.into_iter().collect(),
            counties: counties.into_iter().collect(),
            national,
            phase: row.phase.as_str().to_owned(),
            procedure: row.procedure_planned.clone(),
            procedure_used: row.procedure_used.clone(),
            procurement_of_innovation: Procedure::parse(procedure)
                .is_ok_and(|p| p.is_procurement_of_innovation()),
            innovation_friendly: q::had_market_dialogue(conn, &row.id)?,
            lift_ids,
            description: (insider || invited).then(|| row.description.clone()),
            need_ids: (insider || invited).then(|| needs.iter().map(|n| n.id.clone()).collect()),
            phase_history: if insider {
                Some(
                    q::phase_changes(conn, &row.id)?
                        .iter()
                        .map(Into::into)
                        .collect(),
                )
            } else {
                None
            },
            your_role: role_name(standing).to_owned(),
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
        })
    }
}

/// A cluster's proposal.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProposalView {
    pub id: String,
    pub process_id: String,
    pub cluster_id: String,
    pub supplier_id: String,
    pub supplier_name: Option<String>,
    pub note: Option<String>,
    /// `proposed`, `accepted` or `declined`.
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// The views of proposals, with the suppliers' names.
pub fn proposal_views(
    conn: &mut DbConn,
    rows: &[ProposalRow],
) -> Result<Vec<ProposalView>, AppError> {
    let ids: Vec<String> = rows.iter().map(|r| r.supplier_id.clone()).collect();
    let names = crate::db::organisations::names(conn, &ids)?;
    Ok(rows
        .iter()
        .map(|r| ProposalView {
            id: r.id.clone(),
            process_id: r.process_id.clone(),
            cluster_id: r.cluster_id.clone(),
            supplier_id: r.supplier_id.clone(),
            supplier_name: names.get(&r.supplier_id).cloned(),
            note: r.note.clone(),
            status: r.status.as_str().to_owned(),
            created_at: r.created_at.and_utc(),
            decided_at: r.decided_at.map(|d| d.and_utc()),
        })
        .collect())
}

/// Proposals.
#[derive(Debug, Serialize, ToSchema)]
pub struct Proposals {
    pub items: Vec<ProposalView>,
}

/// One entry of the audit record.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntry {
    /// `process`, `lift`, `proposal`, `solution` or `adoption`.
    pub entity: String,
    pub entity_id: String,
    pub action: String,
    pub account_id: Option<String>,
    pub organisation_id: Option<String>,
    /// The object before the change; `null` for one that was created.
    #[schema(value_type = Option<Object>, required = true)]
    pub before: Option<serde_json::Value>,
    /// The object after the change; `null` for one that was deleted.
    #[schema(value_type = Option<Object>, required = true)]
    pub after: Option<serde_json::Value>,
    pub at: DateTime<Utc>,
}

/// The history of a process.
#[derive(Debug, Serialize, ToSchema)]
pub struct History {
    /// Phase moves, oldest first.
    pub phases: Vec<PhaseChange>,
    /// Every recorded change to the process and what hangs on it, oldest first.
    pub changes: Vec<AuditEntry>,
}

fn view_for(conn: &mut DbConn, caller: &Caller, id: &str) -> AppResult<ProcessView> {
    let row = super::get(conn, id)?;
    let standing = super::standing(conn, caller, &row)?;
    ProcessView::load(conn, &row, standing)
}

/// Opens a joint process led by the caller's organisation.
pub async fn open(ctx: &Context, caller: &Caller, new: NewProcess) -> AppResult<ProcessView> {
    let caller = caller.clone();
    ctx.db
        .run(move |conn| {
            let row = super::create(conn, &caller, new)?;
            ProcessView::load(conn, &row, Standing::Lead)
        })
        .await
}

/// A process as the caller may see it: the summary for everyone, more for insiders.
pub async fn view(ctx: &Context, caller: &Caller, id: &str) -> AppResult<ProcessView> {
    let (caller, id) = (caller.clone(), id.to_owned());
    ctx.db.run(move |conn| view_for(conn, &caller, &id)).await
}

/// A page of processes, optionally in one phase or with one organisation taking part. Invited
/// organisations are listed only to staff and to the organisation itself.
pub async fn page(
    ctx: &Context,
    caller: &Caller,
    phase: Option<Phase>,
    organisation_id: Option<String>,
    spec: PageSpec,
) -> AppResult<Page<ProcessView>> {
    let caller = caller.clone();
    ctx.db
        .run(move |conn| {
            let org = organisation_id.as_deref();
            let include_invited = caller.is_admin() || org.is_some_and(|o| caller.belongs_to(o));
            let (rows, total) = q::list(
                conn,
                phase.map(|p| p.as_str()),
                org,
                include_invited,
                spec.offset(),
                spec.per_page,
            )?;
            let mut items = Vec::new();
            for row in &rows {
                let standing = super::standing(conn, &caller, row)?;
                items.push(ProcessView::load(conn, row, standing)?);
            }
            Ok(spec.wrap(items, total))
        })
        .await
}

/// Changes a process's title, description or procedure (the lead).
pub async fn change(
    ctx: &Context,
    caller: &Caller,
    id: &str,
    change: ProcessChange,
) -> AppResult<ProcessView> {
    let (caller, id) = (caller.clone(), id.to_owned());
    ctx.db
        .run(move |conn| {
            let row = super::update(conn, &caller, &id, change)?;
            ProcessView::load(conn, &row, Standing::Lead)
        })
        .await
}

/// Invites a buyer organisation; true when the invitation is new.
pub async fn invite(
    ctx: &Context,
    caller: &Caller,
    id: &str,
    organisation_id: &str,
) -> AppResult<(bool, ProcessView)> {
    let (caller, id, org) = (caller.clone(), id.to_owned(), organisation_id.to_owned());
    let settings = ctx.settings.clone();
    let result = ctx
        .db
        .run(move |conn| {
            let created = super::invite_buyer(conn, &settings, &caller, &id, &org)?;
            Ok::<_, AppError>((created, view_for(conn, &caller, &id)?))
        })
        .await?;
    ctx.mailer.notify();
    Ok(result)
}

/// Accepts or declines an invitation for `organisation_id`.
pub async fn respond(
    ctx: &Context,
    caller: &Caller,
    id: &str,
    organisation_id: &str,
    accept: bool,
) -> AppResult<ProcessView> {
    let (caller, id, org) = (caller.clone(), id.to_owned(), organisation_id.to_owned());
    ctx.db
        .run(move |conn| {
            super::answer(conn, &caller, &id, &org, accept)?;
            view_for(conn, &caller, &id)
        })
        .await
}

/// Moves the phase (the lead).
pub async fn move_to(
    ctx: &Context,
    caller: &Caller,
    id: &str,
    to: String,
    note: Option<String>,
    reason: Option<String>,
) -> AppResult<ProcessView> {
    let (caller, id) = (caller.clone(), id.to_owned());
    ctx.db
        .run(move |conn| {
            let row = super::move_phase(conn, &caller, &id, &to, note, reason)?;
            ProcessView::load(conn, &row, Standing::Lead)
        })
        .await
}

/// The record of every change to a process (its insiders).
pub async fn history(ctx: &Context, caller: &Caller, id: &str) -> AppResult<History> {
    let (caller, id) = (caller.clone(), id.to_owned());
    ctx.db
        .run(move |conn| {
            let row = super::get(conn, &id)?;
            super::require_insider(conn, &caller, &row)?;
            let phases = q::phase_changes(conn, &id)?
                .iter()
                .map(Into::into)
                .collect();
            let parse =
                |v: &Option<String>| v.as_deref().and_then(|s| serde_json::from_str(s).ok());
            let changes = crate::db::audit::of_process(conn, &id)?
                .iter()
                .map(|a| AuditEntry {
                    entity: a.entity.clone(),
                    entity_id: a.entity_id.clone(),
                    action: a.action.clone(),
                    account_id: a.account_id.clone(),
                    organisation_id: a.organisation_id.clone(),
                    before: parse(&a.before_value),
                    after: parse(&a.after_value),
                    at: a.created_at.and_utc(),
                })
                .collect();
            Ok(History { phases, changes })
        })
        .await
}

/// A cluster proposes member suppliers; returns the proposals, new and existing.
pub async fn propose_members(
    ctx: &Context,
    caller: &Caller,
    id: &str,
    supplier_ids: Vec<String>,
    note: Option<String>,
) -> AppResult<Vec<ProposalView>> {
    let (caller, id) = (caller.clone(), id.to_owned());
    let settings = ctx.settings.clone();
    let views = ctx
        .db
        .run(move |conn| {
            let rows =
                super::proposals::propose(conn, &settings, &caller, &id, &supplier_ids, note)?;
            proposal_views(conn, &rows)
        })
        .await?;
    ctx.mailer.notify();
    Ok(views)
}

/// The proposals the caller may see.
pub async fn proposal_list(
    ctx: &Context,
    caller: &Caller,
    id: &str,
) -> AppResult<Vec<ProposalView>> {
    let (caller, id) = (caller.clone(), id.to_owned());
    ctx.db
        .run(move |conn| {
            let rows = super::proposals::proposals(conn, &caller, &id)?;
            proposal_views(conn, &rows)
        })
        .await
}

/// Decides a proposal (the lead).
pub async fn decide_proposal(
    ctx: &Context,
    caller: &Caller,
    id: &str,
    proposal_id: &str,
    status: &str,
) -> AppResult<ProposalView> {
    let (caller, id, proposal_id, status) = (
        caller.clone(),
        id.to_owned(),
        proposal_id.to_owned(),
        status.to_owned(),
    );
    ctx.db
        .run(move |conn| {
            let row = super::proposals::decide(conn, &caller, &id, &proposal_id, &status)?;
            Ok(proposal_views(conn, &[row])?.remove(0))
        })
        .await
}

/// A joint process started from one need, as the need's page asks.
#[derive(Debug, Clone, Default)]
pub struct FromNeed {
    /// The process's title; the need's when empty.
    pub title: Option<String>,
    /// Its description; the need's when empty.
    pub description: Option<String>,
    /// The planned procedure; an innovation partnership when left out.
    pub procedure: Option<String>,
    /// Buyer organisations to invite at once.
    pub invite: Vec<String>,
}

/// Opens a joint process on a need the caller may see, then invites the buyers given. An
/// invitation that fails leaves the process open, as the page then shows.
pub async fn start_from_need(
    ctx: &Context,
    caller: &Caller,
    need_id: &str,
    start: FromNeed,
) -> AppResult<ProcessRow> {
    let (caller, need_id) = (caller.clone(), need_id.to_owned());
    let settings = ctx.settings.clone();
    let process = ctx
        .db
        .run(move |conn| {
            let need = crate::app::needs::get(conn, &caller, &need_id)?;
            let filled = |v: Option<String>, or: &str| {
                v.filter(|t| !t.trim().is_empty())
                    .unwrap_or_else(|| or.to_owned())
            };
            let process = super::create(
                conn,
                &caller,
                NewProcess {
                    title: filled(start.title, &need.title),
                    description: filled(start.description, &need.description),
                    need_ids: vec![need_id.clone()],
                    procedure: start
                        .procedure
                        .unwrap_or_else(|| "innovation_partnership".into()),
                },
            )?;
            for org in start.invite.iter().filter(|o| !o.trim().is_empty()) {
                super::invite_buyer(conn, &settings, &caller, &process.id, org.trim())?;
            }
            Ok::<_, AppError>(process)
        })
        .await?;
    ctx.mailer.notify();
    Ok(process)
}
