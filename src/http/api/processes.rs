//! `/api/v1/processes`: joint processes, their buyers, phases, history and cluster proposals.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::error::ErrorBody;
use super::json::{double_option, ApiJson};
use crate::app::page::{Page, PageQuery};
use crate::app::processes::views::{
    self as service, History, ProcessView, ProposalView, Proposals,
};
use crate::app::processes::{NewProcess, ProcessChange};
use crate::app::Context;
use crate::caller::Caller;
use crate::domain::organisation::{optional, OrBlank};
use crate::domain::process::{Phase, Procedure};
use crate::error::AppError;

/// A new joint process.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProcessCreate {
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    #[schema(min_length = 1, max_length = 20000)]
    pub description: String,
    /// Needs the caller's organisation owns or takes part in.
    pub need_ids: Vec<String>,
    /// The planned procedure: `innovation_partnership`, `pre_commercial_procurement`,
    /// `competitive_dialogue`, `negotiated_with_prior_publication`, `open`, `restricted`, `other`.
    #[schema(value_type = Procedure, inline)]
    pub procedure: String,
}

/// A change to a process (the lead).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProcessPatch {
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    #[schema(min_length = 1, max_length = 20000)]
    pub description: Option<String>,
    /// The planned procedure.
    #[schema(value_type = Option<Procedure>, inline)]
    pub procedure: Option<String>,
    /// The procedure used, once known; `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Procedure>, inline)]
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
    #[schema(value_type = Phase, inline)]
    pub to: String,
    /// A note for the history.
    #[schema(max_length = 5000)]
    pub note: Option<String>,
    /// Why, when the move skips a phase or goes back.
    #[schema(max_length = 5000)]
    pub reason: Option<String>,
}

/// A cluster's proposal of member suppliers.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposalCreate {
    pub supplier_ids: Vec<String>,
    #[schema(max_length = 5000)]
    pub note: Option<String>,
}

/// The lead's decision on a proposal.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposalDecision {
    /// `accepted` or `declined`.
    #[schema(schema_with = decision_schema)]
    pub status: String,
}

fn decision_schema() -> utoipa::openapi::Object {
    crate::domain::choice_schema(&["accepted", "declined"], "the lead's decision")
}

/// Filters for the process list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ProcessListQuery {
    /// Only in this phase.
    #[param(value_type = OrBlank<Phase>, inline, required = false)]
    pub phase: Option<String>,
    /// Only those where this organisation is lead, invited or accepted.
    pub organisation_id: Option<uuid::Uuid>,
    /// Page number, from 1.
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// Items per page, 1 to 100.
    #[param(minimum = 1, maximum = 100)]
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
    let view = service::open(&state, &caller, new).await?;
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
    let result = service::page(&state, &caller, phase, org, page).await?;
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
    let view = service::view(&state, &caller, &id.into_inner().to_string()).await?;
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
    let view = service::change(&state, &caller, &id, change).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Invite a buyer (the process's buyers).
#[utoipa::path(post, path = "/api/v1/processes/{id}/buyers", tag = "processes", security(("bearer" = [])), request_body = InviteBuyer,
    responses((status = 201, body = ProcessView), (status = 200, description = "already invited or taking part", body = ProcessView),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "the process is completed or cancelled", body = ErrorBody)))]
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
    let (created, view) = service::invite(&state, &caller, &id, &org).await?;
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
    let view = service::respond(&state, &caller, &id, &org, accept).await?;
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
    let view = service::move_to(&state, &caller, &id, b.to, b.note, b.reason).await?;
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
    let history = service::history(&state, &caller, &id).await?;
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
    let items = service::propose_members(&state, &caller, &id, b.supplier_ids, b.note).await?;
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
    let items = service::proposal_list(&state, &caller, &id).await?;
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
    let view = service::decide_proposal(&state, &caller, &id, &proposal_id, &status).await?;
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
