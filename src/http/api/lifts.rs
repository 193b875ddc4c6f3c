//! `/api/v1/lifts`: innovation lifts and suggestions for new groups.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use super::error::ErrorBody;
use super::json::ApiJson;
use crate::app::lifts::views::{self, LiftView, Lifts, Suggestions};
use crate::app::Context;
use crate::caller::Caller;
use crate::error::AppError;

/// A new lift.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LiftCreate {
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// A theme, as for needs.
    #[schema(value_type = crate::domain::Theme, inline)]
    pub theme: String,
    #[schema(min_length = 1, max_length = 20000)]
    pub description: String,
}

/// A process to attach.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachProcess {
    pub process_id: String,
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
    let view = views::create(&state, &caller, b.title, b.theme, b.description).await?;
    Ok(HttpResponse::Created().json(view))
}

/// All innovation lifts.
#[utoipa::path(get, path = "/api/v1/lifts", tag = "lifts", security(("bearer" = [])), responses((status = 200, body = Lifts)))]
pub async fn list(state: web::Data<Context>, caller: Caller) -> Result<HttpResponse, AppError> {
    let items = views::list(&state, &caller).await?;
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
    let view = views::view(&state, &caller, &id.into_inner().to_string()).await?;
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
    let changed = views::set_link(&state, &caller, &id, &process, true).await?;
    let view = views::view(&state, &caller, &id).await?;
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
    let changed = views::set_link(&state, &caller, &id, &process, false).await?;
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
    let items = views::suggestions(&state, &caller).await?;
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
