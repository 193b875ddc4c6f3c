//! `/api/v1/lifts`: innovation lifts and suggestions for new groups.

use std::collections::{BTreeMap, BTreeSet};

use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::error::ErrorBody;
use super::json::ApiJson;
use super::processes::{ProcessBuyer, ProcessView};
use crate::app::lifts::{self as service, Suggestion};
use crate::app::Context;
use crate::caller::Caller;
use crate::db::lifts::LiftRow;
use crate::db::DbConn;
use crate::error::AppError;

/// A new lift.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LiftCreate {
    pub title: String,
    /// A theme, as for needs.
    pub theme: String,
    pub description: String,
}

/// A process to attach.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachProcess {
    pub process_id: String,
}

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
    fn load(conn: &mut DbConn, caller: &Caller, row: &LiftRow) -> Result<LiftView, AppError> {
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

/// Create an innovation lift (administrators).
#[utoipa::path(post, path = "/api/v1/lifts", tag = "lifts", security(("bearer" = [])), request_body = LiftCreate,
    responses((status = 201, body = LiftView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create(
    state: web::Data<Context>,
    caller: Caller,
    body: ApiJson<LiftCreate>,
) -> Result<HttpResponse, AppError> {
    let b = body.0;
    let view = state
        .db
        .run(move |conn| {
            let row = service::create(conn, &caller, &b.title, &b.theme, &b.description)?;
            LiftView::load(conn, &caller, &row)
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// All innovation lifts.
#[utoipa::path(get, path = "/api/v1/lifts", tag = "lifts", security(("bearer" = [])), responses((status = 200, body = Lifts)))]
pub async fn list(state: web::Data<Context>, caller: Caller) -> Result<HttpResponse, AppError> {
    let items = state
        .db
        .run(move |conn| {
            let rows = crate::db::lifts::all(conn)?;
            rows.iter()
                .map(|r| LiftView::load(conn, &caller, r))
                .collect::<Result<Vec<_>, _>>()
        })
        .await?;
    Ok(HttpResponse::Ok().json(Lifts { items }))
}

/// A lift with its processes, buyers, counties and phases.
#[utoipa::path(get, path = "/api/v1/lifts/{id}", tag = "lifts", security(("bearer" = [])),
    responses((status = 200, body = LiftView), (status = 404, body = ErrorBody)))]
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
            LiftView::load(conn, &caller, &row)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Attach a process to a lift (administrators).
#[utoipa::path(post, path = "/api/v1/lifts/{id}/processes", tag = "lifts", security(("bearer" = [])), request_body = AttachProcess,
    responses((status = 201, body = LiftView), (status = 200, description = "already attached", body = LiftView),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn attach(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    body: ApiJson<AttachProcess>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner().to_string();
    let process = uuid::Uuid::parse_str(body.0.process_id.trim())
        .map_err(|_| AppError::validation("process_id", "process_id is not a process id"))?
        .to_string();
    let (changed, view) = state
        .db
        .run(move |conn| {
            let changed = service::link(conn, &caller, &id, &process, true)?;
            let row = service::get(conn, &id)?;
            Ok::<_, AppError>((changed, LiftView::load(conn, &caller, &row)?))
        })
        .await?;
    Ok(if changed {
        HttpResponse::Created().json(view)
    } else {
        HttpResponse::Ok().json(view)
    })
}

/// Detach a process from a lift (administrators).
#[utoipa::path(delete, path = "/api/v1/lifts/{id}/processes/{process_id}", tag = "lifts", security(("bearer" = [])),
    responses((status = 204, description = "detached"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn detach(
    state: web::Data<Context>,
    caller: Caller,
    path: web::Path<(uuid::Uuid, uuid::Uuid)>,
) -> Result<HttpResponse, AppError> {
    let (id, process) = path.into_inner();
    let (id, process) = (id.to_string(), process.to_string());
    let changed = state
        .db
        .run(move |conn| service::link(conn, &caller, &id, &process, false))
        .await?;
    if changed {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(AppError::not_found("the process is not in this lift"))
    }
}

/// Groups proposed from the index: open needs of different buyers that could become a joint
/// process, and processes that could form or join a lift (administrators).
#[utoipa::path(get, path = "/api/v1/lifts/suggestions", tag = "lifts", security(("bearer" = [])),
    responses((status = 200, body = Suggestions), (status = 403, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn suggestions(
    state: web::Data<Context>,
    caller: Caller,
) -> Result<HttpResponse, AppError> {
    if !caller.is_admin() {
        return Err(AppError::forbidden(
            "only programme administrators see lift suggestions",
        ));
    }
    let index = state.index.clone();
    let items = state
        .db
        .run(move |conn| service::suggestions(conn, &index))
        .await?;
    Ok(HttpResponse::Ok().json(Suggestions { items }))
}

/// Routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/lifts", web::post().to(create))
        .route("/lifts", web::get().to(list))
        .route("/lifts/suggestions", web::get().to(suggestions))
        .route("/lifts/{id}", web::get().to(get))
        .route("/lifts/{id}/processes", web::post().to(attach))
        .route(
            "/lifts/{id}/processes/{process_id}",
            web::delete().to(detach),
        );
}
