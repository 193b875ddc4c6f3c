//! The owner's page, `/organisation`: the organisation's details, its users and invitations,
//! inviting a colleague by email, removing a user and handing over ownership. Only the owner
//! reaches it; the services check the same rules the API does.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::error::WebError;
use super::forms::{form_errors, options};
use super::render::{self, see_other};
use super::session::{Form, Visitor};
use crate::app::{members, organisations, Context};
use crate::domain::organisation::{optional, Profile};
use crate::domain::{self, County, Email, Sector, Size, Website};
use crate::error::AppError;

/// Page routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/organisation", web::get().to(page))
        .route("/organisation", web::post().to(save))
        .route("/organisation/invites", web::post().to(invite))
        .route("/organisation/users/{id}/remove", web::post().to(remove))
        .route("/organisation/users/{id}/owner", web::post().to(hand_over))
        .route(
            "/organisation/clusters/{id}/accept",
            web::post().to(accept_cluster),
        )
        .route(
            "/organisation/clusters/{id}/decline",
            web::post().to(decline_cluster),
        );
}

/// The organisation's details as the form has them.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub struct DetailsForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub website: String,
    #[serde(default)]
    pub contact_email: String,
    #[serde(default)]
    pub sector: String,
    #[serde(default)]
    pub county: String,
    #[serde(default)]
    pub size: String,
}

/// The invitation form.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub struct InviteForm {
    #[serde(default)]
    pub email: String,
}

/// `?done=` after a form.
#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    pub done: Option<String>,
}

async fn owner_page(
    state: &Context,
    v: &Visitor,
    status: StatusCode,
    details: Option<DetailsForm>,
    invite: &InviteForm,
    errors: BTreeMap<String, String>,
    done: Option<&str>,
) -> Result<HttpResponse, WebError> {
    let user = v.require_user()?;
    let page = members::owner_page(state, &user.caller).await?;
    let o = &page.organisation;
    let details = details.unwrap_or_else(|| DetailsForm {
        name: o.name.clone(),
        website: o.website.clone().unwrap_or_default(),
        contact_email: o.contact_email.clone().unwrap_or_default(),
        sector: o.sector.clone().unwrap_or_default(),
        county: o.county.clone().unwrap_or_default(),
        size: o.size.clone().unwrap_or_default(),
    });
    let notice = done
        .filter(|d| {
            matches!(
                *d,
                "saved" | "invited" | "removed" | "cluster_accepted" | "cluster_declined"
            )
        })
        .map(|d| {
            super::i18n::words()
                .get(v.lang, &format!("team.done.{d}"))
                .to_owned()
        });
    let users: Vec<minijinja::Value> = page
        .users
        .iter()
        .map(|u| {
            context! {
                id => u.id, name => u.name, email => u.email, role => u.role,
                is_me => u.id == user.caller.account_id,
            }
        })
        .collect();
    render::page(
        v,
        status,
        "organisation.html",
        context! {
            organisation => context! {
                name => o.name, orgnr => o.orgnr, kind => o.kind,
                verified => o.verified_at.is_some(), approval => o.approval, ended => o.ended,
            },
            cluster_requests => page.cluster_requests,
            clusters => page.clusters,
            details => details,
            invite => invite,
            users => users,
            invites => page.invites,
            errors => errors,
            notice => notice,
            sectors => options(v.lang, "account.sectors", &["state", "county", "municipality", "other"]),
            sizes => options(v.lang, "account.sizes", &["micro", "small", "medium", "large"]),
            counties => super::forms::counties(),
        },
    )
}

/// The owner's page.
pub async fn page(
    state: web::Data<Context>,
    v: Visitor,
    q: web::Query<DoneQuery>,
) -> Result<HttpResponse, WebError> {
    owner_page(
        &state,
        &v,
        StatusCode::OK,
        None,
        &InviteForm::default(),
        BTreeMap::new(),
        q.done.as_deref(),
    )
    .await
}

fn profile_of(f: &DetailsForm) -> Result<Profile, domain::Invalid> {
    Ok(Profile {
        name: domain::line("name", &f.name, 200)?,
        website: optional(Some(&f.website), Website::parse)?,
        contact_email: optional(Some(&f.contact_email), |v| {
            Email::parse_for("contact_email", v)
        })?,
        sector: optional(Some(&f.sector), Sector::parse)?,
        county: optional(Some(&f.county), County::parse)?,
        size: optional(Some(&f.size), Size::parse)?,
    })
}

/// Saves the organisation's details.
pub async fn save(
    state: web::Data<Context>,
    v: Visitor,
    Form(f): Form<DetailsForm>,
) -> Result<HttpResponse, WebError> {
    let user = v.require_user()?;
    let id = user
        .caller
        .organisation_id()
        .ok_or(WebError::Forbidden)?
        .to_owned();
    let form = f.clone();
    let result = organisations::change_profile(&state, &user.caller, &id, move |_| {
        profile_of(&form).map_err(AppError::from)
    })
    .await;
    match result {
        Ok(_) => Ok(see_other("/organisation?done=saved")),
        Err(e) => {
            let errors = form_errors(v.lang, e)?;
            owner_page(
                &state,
                &v,
                StatusCode::BAD_REQUEST,
                Some(f),
                &InviteForm::default(),
                errors,
                None,
            )
            .await
        }
    }
}

/// Invites a colleague by email.
pub async fn invite(
    state: web::Data<Context>,
    v: Visitor,
    Form(f): Form<InviteForm>,
) -> Result<HttpResponse, WebError> {
    let user = v.require_user()?;
    let id = user
        .caller
        .organisation_id()
        .ok_or(WebError::Forbidden)?
        .to_owned();
    let result = match Email::parse(&f.email) {
        Ok(email) => members::invite(&state, &user.caller, &id, email, v.lang)
            .await
            .map(|_| ()),
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(()) => Ok(see_other("/organisation?done=invited")),
        Err(e) => {
            let errors = form_errors(v.lang, e)?;
            owner_page(&state, &v, StatusCode::BAD_REQUEST, None, &f, errors, None).await
        }
    }
}

/// Removes a user from the organisation; their sessions and tokens end at once.
pub async fn remove(
    state: web::Data<Context>,
    v: Visitor,
    account: web::Path<String>,
    Form(_): Form<BTreeMap<String, String>>,
) -> Result<HttpResponse, WebError> {
    let user = v.require_user()?;
    let id = user
        .caller
        .organisation_id()
        .ok_or(WebError::Forbidden)?
        .to_owned();
    members::remove(&state, &user.caller, &id, &account).await?;
    Ok(see_other("/organisation?done=removed"))
}

/// Hands ownership to another user; the page then belongs to them.
pub async fn hand_over(
    state: web::Data<Context>,
    v: Visitor,
    account: web::Path<String>,
    Form(_): Form<BTreeMap<String, String>>,
) -> Result<HttpResponse, WebError> {
    let user = v.require_user()?;
    let id = user
        .caller
        .organisation_id()
        .ok_or(WebError::Forbidden)?
        .to_owned();
    members::hand_over(&state, &user.caller, &id, &account).await?;
    Ok(see_other("/account?done=owner"))
}

/// A form with nothing but its CSRF token.
#[derive(Debug, Deserialize)]
pub struct NoFields {}

/// The owner accepts a cluster's request to become its member.
pub async fn accept_cluster(
    state: web::Data<Context>,
    v: Visitor,
    cluster_id: web::Path<String>,
    Form(_): Form<NoFields>,
) -> Result<HttpResponse, WebError> {
    let user = v.require_user()?;
    let own = user.caller.organisation_id().unwrap_or_default().to_owned();
    organisations::accept_cluster(&state, &user.caller, &own, &cluster_id).await?;
    Ok(see_other("/organisation?done=cluster_accepted"))
}

/// The owner declines a cluster's request, or leaves the cluster.
pub async fn decline_cluster(
    state: web::Data<Context>,
    v: Visitor,
    cluster_id: web::Path<String>,
    Form(_): Form<NoFields>,
) -> Result<HttpResponse, WebError> {
    let user = v.require_user()?;
    let own = user.caller.organisation_id().unwrap_or_default().to_owned();
    organisations::decline_cluster(&state, &user.caller, &own, &cluster_id).await?;
    Ok(see_other("/organisation?done=cluster_declined"))
}
