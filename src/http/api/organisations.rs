//! `/api/v1/organisations`: the registry of buyers, suppliers and clusters.

use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::error::ErrorBody;
use super::json::{double_option, ApiJson};
use crate::app::organisations as service;
use crate::app::page::{Page, PageQuery};
use crate::app::Context;
use crate::caller::Caller;
use crate::db::accounts::{AccountRow, InviteRow};
use crate::db::organisations::{self as q, OrganisationRow};
use crate::domain::organisation::{optional, Profile};
use crate::domain::{self, County, Email, OrgKind, Orgnr, Sector, Size, Website};
use crate::error::AppError;

/// An organisation in short, as listed in memberships.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OrganisationSummary {
    /// Id.
    pub id: String,
    /// `buyer`, `supplier` or `cluster`.
    pub kind: String,
    /// Organisation number, 9 digits.
    pub orgnr: String,
    /// Name.
    pub name: String,
}

impl From<&OrganisationRow> for OrganisationSummary {
    fn from(r: &OrganisationRow) -> Self {
        OrganisationSummary {
            id: r.id.clone(),
            kind: r.kind.clone(),
            orgnr: r.orgnr.clone(),
            name: r.name.clone(),
        }
    }
}

/// An organisation.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OrganisationView {
    /// Id (UUID).
    pub id: String,
    /// `buyer`, `supplier` or `cluster`.
    pub kind: String,
    /// Organisation number, 9 digits without spaces.
    pub orgnr: String,
    /// Name.
    pub name: String,
    /// Home page.
    pub website: Option<String>,
    /// Contact address for invitations.
    pub contact_email: Option<String>,
    /// Buyers: `state`, `county`, `municipality` or `other`.
    pub sector: Option<String>,
    /// County number (2024), e.g. `46`.
    pub county: Option<String>,
    /// The county's name.
    pub county_name: Option<String>,
    /// Suppliers: `micro`, `small`, `medium` or `large`.
    pub size: Option<String>,
    /// Clusters: their member suppliers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<OrganisationSummary>>,
    /// Suppliers: the clusters they belong to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clusters: Option<Vec<OrganisationSummary>>,
    /// When it was registered (UTC).
    pub created_at: DateTime<Utc>,
    /// When it was last changed (UTC).
    pub updated_at: DateTime<Utc>,
}

impl OrganisationView {
    /// The view of a row, without memberships.
    pub fn of(r: &OrganisationRow) -> OrganisationView {
        OrganisationView {
            id: r.id.clone(),
            kind: r.kind.clone(),
            orgnr: r.orgnr.clone(),
            name: r.name.clone(),
            website: r.website.clone(),
            contact_email: r.contact_email.clone(),
            sector: r.sector.clone(),
            county_name: r
                .county
                .as_deref()
                .and_then(|c| County::parse(c).ok())
                .map(|c| c.name().to_owned()),
            county: r.county.clone(),
            size: r.size.clone(),
            members: None,
            clusters: None,
            created_at: r.created_at.and_utc(),
            updated_at: r.updated_at.and_utc(),
        }
    }

    /// The view with memberships, loaded from the database.
    pub fn load(
        conn: &mut crate::db::DbConn,
        r: &OrganisationRow,
    ) -> Result<OrganisationView, AppError> {
        let mut view = OrganisationView::of(r);
        match r.kind.as_str() {
            "cluster" => {
                view.members = Some(q::members(conn, &r.id)?.iter().map(Into::into).collect())
            }
            "supplier" => {
                view.clusters = Some(
                    q::clusters_of(conn, &r.id)?
                        .iter()
                        .map(Into::into)
                        .collect(),
                )
            }
            _ => {}
        }
        Ok(view)
    }
}

/// The organisation part of a registration.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganisationInput {
    /// Organisation number; spaces are allowed.
    pub orgnr: String,
    /// Name.
    pub name: String,
    /// `buyer`, `supplier` or `cluster`.
    pub kind: String,
    /// Home page.
    pub website: Option<String>,
    /// Contact address for invitations.
    pub contact_email: Option<String>,
    /// Required for buyers: `state`, `county`, `municipality` or `other`.
    pub sector: Option<String>,
    /// County number (2024).
    pub county: Option<String>,
    /// Suppliers only: `micro`, `small`, `medium` or `large`.
    pub size: Option<String>,
}

impl OrganisationInput {
    /// Validates into a new organisation.
    pub fn parse(&self) -> Result<crate::app::accounts::NewOrganisation, domain::Invalid> {
        let orgnr = Orgnr::parse(&self.orgnr)?;
        let kind = OrgKind::parse(self.kind.trim())?;
        let profile = Profile {
            name: domain::text("name", &self.name, 200)?,
            website: optional(self.website.as_deref(), Website::parse)?,
            contact_email: optional(self.contact_email.as_deref(), |v| {
                Email::parse_for("contact_email", v)
            })?,
            sector: optional(self.sector.as_deref(), Sector::parse)?,
            county: optional(self.county.as_deref(), County::parse)?,
            size: optional(self.size.as_deref(), Size::parse)?,
        };
        profile.check_for(kind)?;
        Ok(crate::app::accounts::NewOrganisation {
            orgnr,
            kind,
            profile,
        })
    }
}

/// A change to an organisation's profile. Absent fields stay; `null` clears.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganisationPatch {
    /// New name.
    pub name: Option<String>,
    /// New home page, or null.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub website: Option<Option<String>>,
    /// New contact address, or null.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub contact_email: Option<Option<String>>,
    /// New sector (buyers).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub sector: Option<Option<String>>,
    /// New county, or null.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub county: Option<Option<String>>,
    /// New size (suppliers), or null.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub size: Option<Option<String>>,
    /// Cannot be changed; present only to give a clear answer.
    #[schema(value_type = Option<String>)]
    pub orgnr: Option<serde_json::Value>,
    /// Cannot be changed; present only to give a clear answer.
    #[schema(value_type = Option<String>)]
    pub kind: Option<serde_json::Value>,
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
            name: domain::text("name", self.name.as_deref().unwrap_or(&row.name), 200)?,
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
    pub kind: Option<String>,
    /// Words that must all occur in the name or orgnr.
    pub q: Option<String>,
    /// Page number, from 1.
    pub page: Option<i64>,
    /// Items per page, 1 to 100 (default 20).
    pub per_page: Option<i64>,
}

/// A cluster member to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddMember {
    /// The member supplier's orgnr.
    pub orgnr: String,
}

/// A colleague to let join the organisation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddUser {
    /// The colleague's email; they register with it and join.
    pub email: String,
}

/// A pending invitation to join an organisation.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct InviteView {
    /// The invited address.
    pub email: String,
    /// The organisation.
    pub organisation_id: String,
    /// When (UTC).
    pub created_at: DateTime<Utc>,
}

impl From<&InviteRow> for InviteView {
    fn from(r: &InviteRow) -> Self {
        InviteView {
            email: r.email.clone(),
            organisation_id: r.organisation_id.clone(),
            created_at: r.created_at.and_utc(),
        }
    }
}

/// A user account.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct UserView {
    /// Id (UUID).
    pub id: String,
    /// Sign-in email, lowercased.
    pub email: String,
    /// Display name.
    pub name: String,
    /// `owner`, `member` or `admin`.
    pub role: String,
    /// The organisation; none for administrators.
    pub organisation_id: Option<String>,
    /// When it was created (UTC).
    pub created_at: DateTime<Utc>,
}

impl From<&AccountRow> for UserView {
    fn from(a: &AccountRow) -> Self {
        UserView {
            id: a.id.clone(),
            email: a.email.clone(),
            name: a.name.clone(),
            role: a.role.clone(),
            organisation_id: a.organisation_id.clone(),
            created_at: a.created_at.and_utc(),
        }
    }
}

/// An organisation's users and pending invitations.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct UsersView {
    /// Accounts in the organisation.
    pub users: Vec<UserView>,
    /// Invitations not yet used.
    pub invites: Vec<InviteView>,
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
    let result = state
        .db
        .run(move |conn| {
            let (rows, total) = q::list(
                conn,
                kind.map(|k| k.as_str()),
                q.as_deref(),
                page.offset(),
                page.per_page,
            )?;
            Ok::<_, AppError>(page.wrap(rows.iter().map(OrganisationView::of).collect(), total))
        })
        .await?;
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
    let id = id.into_inner().to_string();
    let view = state
        .db
        .run(move |conn| {
            let row = service::get(conn, &id)?;
            OrganisationView::load(conn, &row)
        })
        .await?;
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
    let view = state
        .db
        .run(move |conn| {
            let row = service::update_profile(conn, &caller, &id, |row| patch.apply(row))?;
            OrganisationView::load(conn, &row)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Add a member supplier to a cluster (the cluster's owner).
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
    let (member, added) = state
        .db
        .run(move |conn| service::add_member(conn, &caller, &id, &orgnr))
        .await?;
    let summary = OrganisationSummary::from(&member);
    Ok(if added {
        HttpResponse::Created().json(summary)
    } else {
        HttpResponse::Ok().json(summary)
    })
}

/// Remove a member from a cluster (the cluster's owner).
#[utoipa::path(delete, path = "/api/v1/organisations/{id}/members/{member_id}", tag = "organisations", security(("bearer" = [])),
    responses((status = 204, description = "removed"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn remove_member(
    state: web::Data<Context>,
    caller: Caller,
    path: web::Path<(uuid::Uuid, uuid::Uuid)>,
) -> Result<HttpResponse, AppError> {
    let (id, member_id) = path.into_inner();
    let (id, member_id) = (id.to_string(), member_id.to_string());
    state
        .db
        .run(move |conn| service::remove_member(conn, &caller, &id, &member_id))
        .await?;
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
    let (invite, created) = state
        .db
        .run(move |conn| service::invite_user(conn, &caller, &id, &email))
        .await?;
    let view = InviteView::from(&invite);
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
    let (users, invites) = state
        .db
        .run(move |conn| service::users(conn, &caller, &id))
        .await?;
    Ok(HttpResponse::Ok().json(UsersView {
        users: users.iter().map(Into::into).collect(),
        invites: invites.iter().map(Into::into).collect(),
    }))
}

/// Routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/organisations", web::get().to(list))
        .route("/organisations/{id}", web::get().to(get))
        .route("/organisations/{id}", web::patch().to(patch))
        .route("/organisations/{id}/members", web::post().to(add_member))
        .route(
            "/organisations/{id}/members/{member_id}",
            web::delete().to(remove_member),
        )
        .route("/organisations/{id}/users", web::post().to(add_user))
        .route("/organisations/{id}/users", web::get().to(users));
}
