//! `/api/v1/organisations`: the registry of buyers, suppliers and clusters.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::error::ErrorBody;
use super::json::{double_option, ApiJson};
use crate::app::organisations::{
    self as service, InviteView, OrganisationSummary, OrganisationView, UsersView,
};
use crate::app::page::{Page, PageQuery};
use crate::app::Context;
use crate::caller::Caller;
use crate::db::organisations::OrganisationRow;
use crate::domain::organisation::{optional, OrBlank, Profile};
use crate::domain::{self, County, Email, OrgKind, Orgnr, Sector, Size, Website};
use crate::error::AppError;

/// A change to an organisation's profile. Absent fields stay; `null` clears.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganisationPatch {
    /// New name.
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    /// New home page, or null.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, max_length = 500)]
    pub website: Option<Option<String>>,
    /// New contact address, or null.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<OrBlank<Email>>, inline)]
    pub contact_email: Option<Option<String>>,
    /// New sector (buyers).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<OrBlank<Sector>>, inline)]
    pub sector: Option<Option<String>>,
    /// New county, or null.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<OrBlank<County>>, inline)]
    pub county: Option<Option<String>>,
    /// New size (suppliers), or null.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<OrBlank<Size>>, inline)]
    pub size: Option<Option<String>>,
    /// Cannot be changed: any value but `null` is refused.
    #[schema(schema_with = unchangeable)]
    pub orgnr: Option<serde_json::Value>,
    /// Cannot be changed: any value but `null` is refused.
    #[schema(schema_with = unchangeable)]
    pub kind: Option<serde_json::Value>,
}

/// A field a patch names only to be told it cannot change it: `null` alone passes.
fn unchangeable() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::Type::Null)
        .description(Some("cannot be changed: any value but null is refused"))
        .build()
}

fn patched<T>(
    field: Option<Option<String>>,
    current: Option<&str>,
    parse: impl Fn(&str) -> Result<T, domain::Invalid>,
) -> Result<Option<T>, domain::Invalid> {
    match field {
        None => optional(current, parse),
        Some(new) => optional(new.as_deref(), parse),
    }
}

impl OrganisationPatch {
    /// Applies the patch to the stored profile and validates the result.
    fn apply(self, row: &OrganisationRow) -> Result<Profile, AppError> {
        if self.orgnr.is_some() {
            return Err(AppError::validation(
                "orgnr",
                "orgnr cannot be changed; register the other organisation instead",
            ));
        }
        if self.kind.is_some() {
            return Err(AppError::validation(
                "kind",
                "kind cannot be changed; register a new organisation instead",
            ));
        }
        Ok(Profile {
            name: domain::line("name", self.name.as_deref().unwrap_or(&row.name), 200)?,
            website: patched(self.website, row.website.as_deref(), Website::parse)?,
            contact_email: patched(self.contact_email, row.contact_email.as_deref(), |v| {
                Email::parse_for("contact_email", v)
            })?,
            sector: patched(self.sector, row.sector.as_deref(), Sector::parse)?,
            county: patched(self.county, row.county.as_deref(), County::parse)?,
            size: patched(self.size, row.size.as_deref(), Size::parse)?,
        })
    }
}

/// Filters for the organisation list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// `buyer`, `supplier` or `cluster`.
    #[param(value_type = OrBlank<OrgKind>, inline, required = false)]
    pub kind: Option<String>,
    /// Words that must all occur in the name or orgnr.
    #[param(max_length = 500)]
    pub q: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// Items per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// A cluster member to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddMember {
    /// The member supplier's orgnr.
    #[schema(value_type = Orgnr, inline)]
    pub orgnr: String,
}

/// A colleague to let join the organisation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddUser {
    /// The colleague's email; they register with it and join.
    #[schema(value_type = Email, inline)]
    pub email: String,
}

/// A page of organisations.
pub type OrganisationPage = Page<OrganisationView>;

/// List organisations.
#[utoipa::path(get, path = "/api/v1/organisations", tag = "organisations", params(ListQuery),
    security(("bearer" = [])),
    responses((status = 200, body = Page<OrganisationView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn list(
    state: web::Data<Context>,
    _caller: Caller,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let kind = optional(query.kind.as_deref(), OrgKind::parse)?;
    let page = PageQuery {
        page: query.page,
        per_page: query.per_page,
    }
    .resolve()?;
    let q = query
        .q
        .as_deref()
        .map(|q| domain::query_text("q", q))
        .transpose()?
        .filter(|q| !q.is_empty());
    let result = service::page(&state, kind, q, page).await?;
    Ok(HttpResponse::Ok().json(result))
}

/// Get one organisation.
#[utoipa::path(get, path = "/api/v1/organisations/{id}", tag = "organisations", security(("bearer" = [])),
    responses((status = 200, body = OrganisationView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    state: web::Data<Context>,
    _caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, AppError> {
    let view = service::view(&state, &id.into_inner().to_string()).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Change an organisation's profile (its owner).
#[utoipa::path(patch, path = "/api/v1/organisations/{id}", tag = "organisations", security(("bearer" = [])),
    request_body = OrganisationPatch,
    responses((status = 200, body = OrganisationView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn patch(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    body: ApiJson<OrganisationPatch>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner().to_string();
    let patch = body.0;
    let view = service::change_profile(&state, &caller, &id, move |row| patch.apply(row)).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Ask a supplier to become a member of a cluster (the cluster's owner). The membership is
/// `pending` until the supplier's owner accepts it.
#[utoipa::path(post, path = "/api/v1/organisations/{id}/members", tag = "organisations", security(("bearer" = [])),
    request_body = AddMember,
    responses((status = 201, description = "added", body = OrganisationSummary), (status = 200, description = "already a member", body = OrganisationSummary),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn add_member(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    body: ApiJson<AddMember>,
) -> Result<HttpResponse, AppError> {
    let orgnr = Orgnr::parse(&body.0.orgnr)?;
    let id = id.into_inner().to_string();
    let (summary, added) = service::add_cluster_member(&state, &caller, &id, orgnr).await?;
    Ok(if added {
        HttpResponse::Created().json(summary)
    } else {
        HttpResponse::Ok().json(summary)
    })
}

/// Accept a cluster's request to become its member (the member's owner). Until then the cluster
/// lists the supplier under `pending_members` and cannot propose it.
#[utoipa::path(post, path = "/api/v1/organisations/{id}/clusters/{cluster_id}/accept", tag = "organisations", security(("bearer" = [])),
    params(("id" = String, Path, description = "The member supplier"), ("cluster_id" = String, Path, description = "The cluster")),
    responses((status = 204, description = "accepted, or a member already"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn accept_cluster(
    state: web::Data<Context>,
    caller: Caller,
    path: web::Path<(uuid::Uuid, uuid::Uuid)>,
) -> Result<HttpResponse, AppError> {
    let (id, cluster_id) = path.into_inner();
    service::accept_cluster(&state, &caller, &id.to_string(), &cluster_id.to_string()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Decline a cluster's request, or leave the cluster (the member's owner).
#[utoipa::path(delete, path = "/api/v1/organisations/{id}/clusters/{cluster_id}", tag = "organisations", security(("bearer" = [])),
    params(("id" = String, Path, description = "The member supplier"), ("cluster_id" = String, Path, description = "The cluster")),
    responses((status = 204, description = "declined or left"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn decline_cluster(
    state: web::Data<Context>,
    caller: Caller,
    path: web::Path<(uuid::Uuid, uuid::Uuid)>,
) -> Result<HttpResponse, AppError> {
    let (id, cluster_id) = path.into_inner();
    service::decline_cluster(&state, &caller, &id.to_string(), &cluster_id.to_string()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Remove a member from a cluster (the cluster's owner).
#[utoipa::path(delete, path = "/api/v1/organisations/{id}/members/{member_id}", tag = "organisations", security(("bearer" = [])),
    responses((status = 204, description = "removed"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "the organisation is not a cluster", body = ErrorBody)))]
pub async fn remove_member(
    state: web::Data<Context>,
    caller: Caller,
    path: web::Path<(uuid::Uuid, uuid::Uuid)>,
) -> Result<HttpResponse, AppError> {
    let (id, member_id) = path.into_inner();
    let (id, member_id) = (id.to_string(), member_id.to_string());
    service::remove_cluster_member(&state, &caller, &id, &member_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Let a colleague join: they then register with this email (the organisation's owner).
#[utoipa::path(post, path = "/api/v1/organisations/{id}/users", tag = "organisations", security(("bearer" = [])),
    request_body = AddUser,
    responses((status = 201, body = InviteView), (status = 200, description = "already invited", body = InviteView),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn add_user(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    body: ApiJson<AddUser>,
) -> Result<HttpResponse, AppError> {
    let email = Email::parse(&body.0.email)?;
    let id = id.into_inner().to_string();
    let (view, created) = service::invite_colleague(&state, &caller, &id, email).await?;
    Ok(if created {
        HttpResponse::Created().json(view)
    } else {
        HttpResponse::Ok().json(view)
    })
}

/// An organisation's users and pending invitations (its own users).
#[utoipa::path(get, path = "/api/v1/organisations/{id}/users", tag = "organisations", security(("bearer" = [])),
    responses((status = 200, body = UsersView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn users(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner().to_string();
    Ok(HttpResponse::Ok().json(service::user_list(&state, &caller, &id).await?))
}

/// Whom to hand ownership to.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandOver {
    /// The user of the organisation who becomes its owner.
    pub user_id: String,
}

/// Remove a user from the organisation (its owner): their sessions and tokens end at once.
#[utoipa::path(delete, path = "/api/v1/organisations/{id}/users/{user_id}", tag = "organisations", security(("bearer" = [])),
    responses((status = 204, description = "removed"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn remove_user(
    state: web::Data<Context>,
    caller: Caller,
    path: web::Path<(uuid::Uuid, uuid::Uuid)>,
) -> Result<HttpResponse, AppError> {
    let (id, user_id) = path.into_inner();
    crate::app::members::remove(&state, &caller, &id.to_string(), &user_id.to_string()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Hand ownership to another user of the organisation (its owner); the owner becomes a member.
#[utoipa::path(post, path = "/api/v1/organisations/{id}/owner", tag = "organisations", security(("bearer" = [])),
    request_body = HandOver,
    responses((status = 204, description = "handed over"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn hand_over(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    body: ApiJson<HandOver>,
) -> Result<HttpResponse, AppError> {
    let user_id = uuid::Uuid::parse_str(body.0.user_id.trim())
        .map_err(|_| AppError::validation("user_id", "user_id must be a user's id (a UUID)"))?;
    crate::app::members::hand_over(
        &state,
        &caller,
        &id.into_inner().to_string(),
        &user_id.to_string(),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/organisations", web::get().to(list))
        .route("/organisations/{id}", web::get().to(get))
        .route("/organisations/{id}", web::patch().to(patch))
        .route("/organisations/{id}/members", web::post().to(add_member))
        .route(
            "/organisations/{id}/clusters/{cluster_id}/accept",
            web::post().to(accept_cluster),
        )
        .route(
            "/organisations/{id}/clusters/{cluster_id}",
            web::delete().to(decline_cluster),
        )
        .route(
            "/organisations/{id}/members/{member_id}",
            web::delete().to(remove_member),
        )
        .route("/organisations/{id}/users", web::post().to(add_user))
        .route("/organisations/{id}/users", web::get().to(users))
        .route(
            "/organisations/{id}/users/{user_id}",
            web::delete().to(remove_user),
        )
        .route("/organisations/{id}/owner", web::post().to(hand_over));
}
