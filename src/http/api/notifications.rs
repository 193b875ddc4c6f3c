//! `/api/v1/me/notifications`: the caller's own notifications and which of them come by email,
//! and `/api/v1/needs/{id}/interest`: suppliers' interest in a need.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::error::ErrorBody;
use super::json::ApiJson;
use crate::app::needs::interest::{self, InterestView};
use crate::app::notifications::{
    self as service, EmailSetting, NotificationPage, NotificationView,
};
use crate::app::page::PageQuery;
use crate::app::Context;
use crate::caller::Caller;
use crate::error::AppError;

/// Paging of the notification list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct NotificationQuery {
    /// Page number, from 1.
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// Items per page, 1 to 100.
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// Your notifications, newest first, with the number unread.
#[utoipa::path(get, path = "/api/v1/me/notifications", tag = "notifications", security(("bearer" = [])), params(NotificationQuery),
    responses((status = 200, body = NotificationPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn list(
    state: web::Data<Context>,
    caller: Caller,
    query: web::Query<NotificationQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let spec = PageQuery {
        page: q.page,
        per_page: q.per_page,
    }
    .resolve()?;
    Ok(HttpResponse::Ok().json(service::list(&state, &caller, spec).await?))
}

/// Mark one of your notifications read. Another account's is not found.
#[utoipa::path(post, path = "/api/v1/me/notifications/{id}/read", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, body = NotificationView), (status = 404, body = ErrorBody)))]
pub async fn read(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner().to_string();
    Ok(HttpResponse::Ok().json(service::mark_read(&state, &caller, &id).await?))
}

/// How many notifications were marked read.
#[derive(Debug, Serialize, ToSchema)]
pub struct MarkedRead {
    pub marked: usize,
}

/// Mark all your notifications read.
#[utoipa::path(post, path = "/api/v1/me/notifications/read", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, body = MarkedRead)))]
pub async fn read_all(state: web::Data<Context>, caller: Caller) -> Result<HttpResponse, AppError> {
    let marked = service::mark_all_read(&state, &caller).await?;
    Ok(HttpResponse::Ok().json(MarkedRead { marked }))
}

/// Which kinds of notification come by email.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailSettings {
    pub items: Vec<EmailSetting>,
}

/// Which of your notifications also come by email (all kinds your organisation gets).
#[utoipa::path(get, path = "/api/v1/me/notifications/settings", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, body = EmailSettings)))]
pub async fn get_settings(
    state: web::Data<Context>,
    caller: Caller,
) -> Result<HttpResponse, AppError> {
    let items = service::email_settings(&state, &caller).await?;
    Ok(HttpResponse::Ok().json(EmailSettings { items }))
}

/// Turn emails of some kinds on or off (`{"items": [{"kind", "email"}]}`); kinds left out stay.
#[utoipa::path(put, path = "/api/v1/me/notifications/settings", tag = "notifications", security(("bearer" = [])), request_body = EmailSettings,
    responses((status = 200, body = EmailSettings), (status = 400, body = ErrorBody)))]
pub async fn put_settings(
    state: web::Data<Context>,
    caller: Caller,
    body: ApiJson<EmailSettings>,
) -> Result<HttpResponse, AppError> {
    let changes = body
        .0
        .items
        .into_iter()
        .map(|s| (s.kind, s.email))
        .collect();
    let items = service::set_email_settings(&state, &caller, changes).await?;
    Ok(HttpResponse::Ok().json(EmailSettings { items }))
}

/// Interest in a need.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InterestBody {
    /// An optional comment to the buyers, at most 2,000 characters.
    #[schema(max_length = 2000)]
    pub comment: Option<String>,
}

/// The organisations interested in a need.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct InterestList {
    pub items: Vec<InterestView>,
}

/// Register your organisation's interest in an open need (suppliers and clusters); again
/// changes the comment.
#[utoipa::path(post, path = "/api/v1/needs/{id}/interest", tag = "needs", security(("bearer" = [])), request_body = InterestBody,
    responses((status = 201, description = "registered", body = InterestView), (status = 200, description = "already registered; comment changed", body = InterestView),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn register_interest(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    body: ApiJson<InterestBody>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner().to_string();
    let comment = body.0.comment;
    let (created, view) = interest::register_interest(&state, &caller, &id, comment).await?;
    Ok(if created {
        HttpResponse::Created().json(view)
    } else {
        HttpResponse::Ok().json(view)
    })
}

/// Withdraw your organisation's interest in a need.
#[utoipa::path(delete, path = "/api/v1/needs/{id}/interest", tag = "needs", security(("bearer" = [])),
    responses((status = 204, description = "withdrawn"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn withdraw_interest(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner().to_string();
    interest::withdraw_interest(&state, &caller, &id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Who is interested in a need, newest first (the need's owner and participants only).
#[utoipa::path(get, path = "/api/v1/needs/{id}/interest", tag = "needs", security(("bearer" = [])),
    responses((status = 200, body = InterestList), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn interested(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner().to_string();
    let items = interest::interested(&state, &caller, &id).await?;
    Ok(HttpResponse::Ok().json(InterestList { items }))
}

/// Routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/me/notifications", web::get().to(list))
        .route("/me/notifications/read", web::post().to(read_all))
        .route("/me/notifications/settings", web::get().to(get_settings))
        .route("/me/notifications/settings", web::put().to(put_settings))
        .route("/me/notifications/{id}/read", web::post().to(read))
        .route("/needs/{id}/interest", web::post().to(register_interest))
        .route("/needs/{id}/interest", web::get().to(interested))
        .route("/needs/{id}/interest", web::delete().to(withdraw_interest));
}
