//! `/api/v1/processes`: joint processes, their buyers, phases, history and cluster proposals.

use std::collections::BTreeSet;

use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::error::ErrorBody;
use super::json::{double_option, ApiJson};
use crate::app::page::{Page, PageQuery};
use crate::app::processes::{self as service, NewProcess, ProcessChange, Standing};
use crate::app::Context;
use crate::caller::Caller;
use crate::db::processes::{self as q, PhaseChangeRow, ProcessRow, ProposalRow};
use crate::db::DbConn;
use crate::domain::organisation::optional;
use crate::domain::process::{Phase, Procedure};
use crate::error::AppError;
use crate::search::document::json_list;

/// A new joint process.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProcessCreate {
    pub title: String,
    pub description: String,
    /// Needs the caller's organisation owns or takes part in.
    pub need_ids: Vec<String>,
    /// The planned procedure: `innovation_partnership`, `pre_commercial_procurement`,
    /// `competitive_dialogue`, `negotiated_with_prior_publication`, `open`, `restricted`, `other`.
    pub procedure: String,
}

/// A change to a process (the lead).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProcessPatch {
    pub title: Option<String>,
    pub description: Option<String>,
    /// The planned procedure.
    pub procedure: Option<String>,
    /// The procedure used, once known; `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub procedure_used: Option<Option<String>>,
}

/// A buyer to invite.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteBuyer {
    pub organisation_id: String,
}

/// A phase move.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhaseMove {
    /// The phase to move to.
    pub to: String,
    /// A note for the history.
    pub note: Option<String>,
    /// Why, when the move skips a phase or goes back.
    pub reason: Option<String>,
}

/// A cluster's proposal of member suppliers.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposalCreate {
    pub supplier_ids: Vec<String>,
    pub note: Option<String>,
}

/// The lead's decision on a proposal.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposalDecision {
    /// `accepted` or `declined`.
    pub status: String,
}

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
    /// Insiders only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Insiders only.
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
            .filter(|(b, _)| insider || b.status == "lead" || b.status == "accepted")
            .map(|(b, name)| ProcessBuyer {
                organisation_id: b.organisation_id,
                organisation_name: name,
                status: b.status,
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
            phase: row.phase.clone(),
            procedure: row.procedure_planned.clone(),
            procedure_used: row.procedure_used.clone(),
            procurement_of_innovation: Procedure::parse(procedure)
                .is_ok_and(|p| p.is_procurement_of_innovation()),
            innovation_friendly: q::had_market_dialogue(conn, &row.id)?,
            lift_ids,
            description: insider.then(|| row.description.clone()),
            need_ids: insider.then(|| needs.iter().map(|n| n.id.clone()).collect()),
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

pub(crate) fn proposal_views(
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
            status: r.status.clone(),
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
    #[schema(value_type = Object)]
    pub before: Option<serde_json::Value>,
    #[schema(value_type = Object)]
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

/// Filters for the process list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ProcessListQuery {
    /// Only in this phase.
    pub phase: Option<String>,
    /// Only those where this organisation is lead, invited or accepted.
    pub organisation_id: Option<uuid::Uuid>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Open a joint process (buyers; the caller's organisation leads).
#[utoipa::path(post, path = "/api/v1/processes", tag = "processes", security(("bearer" = [])), request_body = ProcessCreate,
    responses((status = 201, body = ProcessView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create(
    state: web::Data<Context>,
    caller: Caller,
    body: ApiJson<ProcessCreate>,
) -> Result<HttpResponse, AppError> {
    let b = body.0;
    let new = NewProcess {
        title: b.title,
        description: b.description,
        need_ids: b.need_ids,
        procedure: b.procedure,
    };
    let view = state
        .db
        .run(move |conn| {
            let row = service::create(conn, &caller, new)?;
            ProcessView::load(conn, &row, Standing::Lead)
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// List joint processes (summaries).
#[utoipa::path(get, path = "/api/v1/processes", tag = "processes", security(("bearer" = [])), params(ProcessListQuery),
    responses((status = 200, body = Page<ProcessView>), (status = 400, body = ErrorBody)))]
pub async fn list(
    state: web::Data<Context>,
    caller: Caller,
    query: web::Query<ProcessListQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let page = PageQuery {
        page: q.page,
        per_page: q.per_page,
    }
    .resolve()?;
    let phase = optional(q.phase.as_deref(), |p| {
        Phase::parse(p).map_err(|e| crate::domain::Invalid::new("phase", e.message))
    })?;
    let org = q.organisation_id.map(|u| u.to_string());
    let result = state
        .db
        .run(move |conn| {
            let include_invited =
                caller.is_admin() || org.as_deref().is_some_and(|o| caller.belongs_to(o));
            let (rows, total) = q::list(
                conn,
                phase.map(|p| p.as_str()),
                org.as_deref(),
                include_invited,
                page.offset(),
                page.per_page,
            )?;
            let mut items = Vec::new();
            for row in &rows {
                let standing = service::standing(conn, &caller, row)?;
                items.push(ProcessView::load(conn, row, standing)?);
            }
            Ok::<_, AppError>(page.wrap(items, total))
        })
        .await?;
    Ok(HttpResponse::Ok().json(result))
}

/// A joint process: the summary for everyone, more for its buyers and programme staff.
#[utoipa::path(get, path = "/api/v1/processes/{id}", tag = "processes", security(("bearer" = [])),
    responses((status = 200, body = ProcessView), (status = 404, body = ErrorBody)))]
pub async fn get(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner().to_string();
    let view = state
        .db
        .run(move |conn| {
            let row = service::get(conn, &id)?;
            let standing = service::standing(conn, &caller, &row)?;
            ProcessView::load(conn, &row, standing)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Change a process's title, description or procedure (the lead).
#[utoipa::path(patch, path = "/api/v1/processes/{id}", tag = "processes", security(("bearer" = [])), request_body = ProcessPatch,
    responses((status = 200, body = ProcessView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn patch(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    body: ApiJson<ProcessPatch>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner().to_string();
    let b = body.0;
    let change = ProcessChange {
        title: b.title,
        description: b.description,
        procedure: b.procedure,
        procedure_used: b.procedure_used,
    };
    let view = state
        .db
        .run(move |conn| {
            let row = service::update(conn, &caller, &id, change)?;
            ProcessView::load(conn, &row, Standing::Lead)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Invite a buyer (the process's buyers).
#[utoipa::path(post, path = "/api/v1/processes/{id}/buyers", tag = "processes", security(("bearer" = [])), request_body = InviteBuyer,
    responses((status = 201, body = ProcessView), (status = 200, description = "already invited or taking part", body = ProcessView),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn invite(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    body: ApiJson<InviteBuyer>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner().to_string();
    let org = uuid::Uuid::parse_str(body.0.organisation_id.trim())
        .map_err(|_| {
            AppError::validation(
                "organisation_id",
                "organisation_id is not an organisation id",
            )
        })?
        .to_string();
    let (created, view) = state
        .db
        .run(move |conn| {
            let created = service::invite_buyer(conn, &caller, &id, &org)?;
            let row = service::get(conn, &id)?;
            let standing = service::standing(conn, &caller, &row)?;
            Ok::<_, AppError>((created, ProcessView::load(conn, &row, standing)?))
        })
        .await?;
    Ok(if created {
        HttpResponse::Created().json(view)
    } else {
        HttpResponse::Ok().json(view)
    })
}

async fn answer(
    state: web::Data<Context>,
    caller: Caller,
    path: web::Path<(uuid::Uuid, uuid::Uuid)>,
    accept: bool,
) -> Result<HttpResponse, AppError> {
    let (id, org) = path.into_inner();
    let (id, org) = (id.to_string(), org.to_string());
    let view = state
        .db
        .run(move |conn| {
            service::answer(conn, &caller, &id, &org, accept)?;
            let row = service::get(conn, &id)?;
            let standing = service::standing(conn, &caller, &row)?;
            ProcessView::load(conn, &row, standing)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Accept an invitation to a process (the invited buyer).
#[utoipa::path(post, path = "/api/v1/processes/{id}/buyers/{org_id}/accept", tag = "processes", security(("bearer" = [])),
    responses((status = 200, body = ProcessView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn accept(
    state: web::Data<Context>,
    caller: Caller,
    path: web::Path<(uuid::Uuid, uuid::Uuid)>,
) -> Result<HttpResponse, AppError> {
    answer(state, caller, path, true).await
}

/// Decline an invitation, or leave a process (the invited buyer).
#[utoipa::path(post, path = "/api/v1/processes/{id}/buyers/{org_id}/decline", tag = "processes", security(("bearer" = [])),
    responses((status = 200, body = ProcessView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn decline(
    state: web::Data<Context>,
    caller: Caller,
    path: web::Path<(uuid::Uuid, uuid::Uuid)>,
) -> Result<HttpResponse, AppError> {
    answer(state, caller, path, false).await
}

/// Move the phase (the lead). Skipping or going back needs a `reason`, else 409.
#[utoipa::path(post, path = "/api/v1/processes/{id}/phase", tag = "processes", security(("bearer" = [])), request_body = PhaseMove,
    responses((status = 200, body = ProcessView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn phase(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    body: ApiJson<PhaseMove>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner().to_string();
    let b = body.0;
    let view = state
        .db
        .run(move |conn| {
            let row = service::move_phase(conn, &caller, &id, &b.to, b.note, b.reason)?;
            ProcessView::load(conn, &row, Standing::Lead)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The record of every change to a process (its buyers and programme staff).
#[utoipa::path(get, path = "/api/v1/processes/{id}/history", tag = "processes", security(("bearer" = [])),
    responses((status = 200, body = History), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn history(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner().to_string();
    let history = state
        .db
        .run(move |conn| {
            let row = service::get(conn, &id)?;
            service::require_insider(conn, &caller, &row)?;
            let phases = q::phase_changes(conn, &id)?
                .iter()
                .map(Into::into)
                .collect();
            let parse =
                |v: &Option<String>| v.as_deref().and_then(|s| serde_json::from_str(s).ok());
            let changes = crate::db::lifts::audit_of_process(conn, &id)?
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
            Ok::<_, AppError>(History { phases, changes })
        })
        .await?;
    Ok(HttpResponse::Ok().json(history))
}

/// Propose member suppliers (clusters).
#[utoipa::path(post, path = "/api/v1/processes/{id}/proposals", tag = "processes", security(("bearer" = [])), request_body = ProposalCreate,
    responses((status = 201, body = Proposals), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn propose(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    body: ApiJson<ProposalCreate>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner().to_string();
    let b = body.0;
    let items = state
        .db
        .run(move |conn| {
            let rows = service::propose(conn, &caller, &id, &b.supplier_ids, b.note)?;
            proposal_views(conn, &rows)
        })
        .await?;
    Ok(HttpResponse::Created().json(Proposals { items }))
}

/// The proposals: all for the process's buyers and programme staff, its own for a cluster.
#[utoipa::path(get, path = "/api/v1/processes/{id}/proposals", tag = "processes", security(("bearer" = [])),
    responses((status = 200, body = Proposals), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn proposals(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner().to_string();
    let items = state
        .db
        .run(move |conn| {
            let rows = service::proposals(conn, &caller, &id)?;
            proposal_views(conn, &rows)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Proposals { items }))
}

/// Accept or decline a proposal (the lead).
#[utoipa::path(patch, path = "/api/v1/processes/{id}/proposals/{proposal_id}", tag = "processes", security(("bearer" = [])), request_body = ProposalDecision,
    responses((status = 200, body = ProposalView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn decide(
    state: web::Data<Context>,
    caller: Caller,
    path: web::Path<(uuid::Uuid, uuid::Uuid)>,
    body: ApiJson<ProposalDecision>,
) -> Result<HttpResponse, AppError> {
    let (id, proposal_id) = path.into_inner();
    let (id, proposal_id) = (id.to_string(), proposal_id.to_string());
    let status = body.0.status;
    let view = state
        .db
        .run(move |conn| {
            let row = service::decide(conn, &caller, &id, &proposal_id, &status)?;
            Ok::<_, AppError>(proposal_views(conn, &[row])?.remove(0))
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/processes", web::post().to(create))
        .route("/processes", web::get().to(list))
        .route("/processes/{id}", web::get().to(get))
        .route("/processes/{id}", web::patch().to(patch))
        .route("/processes/{id}/buyers", web::post().to(invite))
        .route(
            "/processes/{id}/buyers/{org_id}/accept",
            web::post().to(accept),
        )
        .route(
            "/processes/{id}/buyers/{org_id}/decline",
            web::post().to(decline),
        )
        .route("/processes/{id}/phase", web::post().to(phase))
        .route("/processes/{id}/history", web::get().to(history))
        .route("/processes/{id}/proposals", web::post().to(propose))
        .route("/processes/{id}/proposals", web::get().to(proposals))
        .route(
            "/processes/{id}/proposals/{proposal_id}",
            web::patch().to(decide),
        );
}
