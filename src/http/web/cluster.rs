//! Cluster pages: members, and proposing members to joint processes.
//!
//! Everything goes through the same domain functions as the API: only the cluster's owner adds
//! and removes members, any of its people propose members to a running process.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use minijinja::{context, Value};
use serde::{Deserialize, Serialize};

use super::error::WebError;
use super::forms::form_errors;
use super::render::{self, see_other};
use super::session::{Form, Visitor, WebUser};
use crate::app::processes::views::propose_members;
use crate::app::{clusters, Context};
use crate::error::AppError;

/// Routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/cluster", web::get().to(page))
        .route("/cluster/members", web::post().to(add_member))
        .route(
            "/cluster/members/{id}/remove",
            web::post().to(remove_member),
        )
        .route("/cluster/proposals", web::post().to(propose));
}

/// The form to add a member.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub struct MemberForm {
    #[serde(default)]
    pub orgnr: String,
}

/// The form to propose a member to a process.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub struct ProposalForm {
    #[serde(default)]
    pub process_id: String,
    #[serde(default)]
    pub supplier_id: String,
    #[serde(default)]
    pub note: String,
}

/// `?done=` after a form: which confirmation to show.
#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    pub done: Option<String>,
}

fn cluster_of(v: &Visitor) -> Result<(WebUser, String), WebError> {
    let user = v.require_kind("cluster")?.clone();
    let id = user
        .organisation
        .as_ref()
        .map(|o| o.id.clone())
        .ok_or(WebError::Forbidden)?;
    Ok((user, id))
}

async fn cluster_page(
    state: &Context,
    v: &Visitor,
    status: StatusCode,
    member: &MemberForm,
    proposal: &ProposalForm,
    errors: BTreeMap<String, String>,
    done: Option<&str>,
) -> Result<HttpResponse, WebError> {
    let (user, cluster_id) = cluster_of(v)?;
    let owner = user.caller.owns(&cluster_id);
    let page = clusters::page(state, &user.caller).await?;
    // The confirmation's text key, for the known outcomes only.
    let done = done
        .filter(|d| matches!(*d, "added" | "already" | "removed" | "proposed"))
        .map(|d| format!("cluster.done_{d}"));
    let member_options: Vec<Value> = page
        .members
        .iter()
        .map(|m| context! { value => m.id, label => m.name })
        .collect();
    render::page(
        v,
        status,
        "cluster.html",
        context! {
            cluster => user.organisation.as_ref().map(|o| o.name.clone()),
            owner => owner,
            members => page.members,
            pending => page.pending,
            member_options => member_options,
            processes => page.processes,
            proposals => page.proposals,
            member_form => member,
            proposal_form => proposal,
            errors => errors,
            done => done,
        },
    )
}

/// The cluster's page: members, the member form and the proposal form.
pub async fn page(
    state: web::Data<Context>,
    v: Visitor,
    q: web::Query<DoneQuery>,
) -> Result<HttpResponse, WebError> {
    cluster_page(
        &state,
        &v,
        StatusCode::OK,
        &MemberForm::default(),
        &ProposalForm::default(),
        BTreeMap::new(),
        q.done.as_deref(),
    )
    .await
}

/// Adds a registered supplier by its organisation number (the owner).
pub async fn add_member(
    state: web::Data<Context>,
    v: Visitor,
    Form(f): Form<MemberForm>,
) -> Result<HttpResponse, WebError> {
    let (user, _) = cluster_of(&v)?;
    let result = clusters::add_member(&state, &user.caller, &f.orgnr).await;
    match result {
        Ok(true) => Ok(see_other("/cluster?done=added")),
        Ok(false) => Ok(see_other("/cluster?done=already")),
        Err(e) => {
            let errors = form_errors(v.lang, e)?;
            cluster_page(
                &state,
                &v,
                StatusCode::BAD_REQUEST,
                &f,
                &ProposalForm::default(),
                errors,
                None,
            )
            .await
        }
    }
}

/// Removes a member (the owner).
pub async fn remove_member(
    state: web::Data<Context>,
    v: Visitor,
    id: web::Path<String>,
    Form(_): Form<BTreeMap<String, String>>,
) -> Result<HttpResponse, WebError> {
    let (user, _) = cluster_of(&v)?;
    let member = uuid::Uuid::parse_str(&id)
        .map_err(|_| WebError::NotFound)?
        .to_string();
    clusters::remove_member(&state, &user.caller, &member).await?;
    Ok(see_other("/cluster?done=removed"))
}

/// Proposes a member supplier to a joint process, with a motivation.
pub async fn propose(
    state: web::Data<Context>,
    v: Visitor,
    Form(f): Form<ProposalForm>,
) -> Result<HttpResponse, WebError> {
    let (user, _) = cluster_of(&v)?;
    let result = match uuid::Uuid::parse_str(f.process_id.trim()) {
        Err(_) => Err(AppError::validation("process_id", "choose a joint process")),
        Ok(pid) => {
            let supplier = f.supplier_id.trim();
            let suppliers: Vec<String> = if supplier.is_empty() {
                Vec::new()
            } else {
                vec![supplier.to_owned()]
            };
            propose_members(
                &state,
                &user.caller,
                &pid.to_string(),
                suppliers,
                Some(f.note.clone()),
            )
            .await
        }
    };
    match result {
        Ok(_) => Ok(see_other("/cluster?done=proposed")),
        // A process that is gone or not visible is a mistake in the form, not a missing page.
        Err(AppError::NotFound(_)) => {
            proposal_error(&state, &v, &f, "process_id", "choose a joint process").await
        }
        Err(e) => {
            let mut errors = form_errors(v.lang, e)?;
            // The domain names the list `supplier_ids`; the form has one `supplier_id`, and a
            // refusal without a field belongs to the proposal form.
            for (from, to) in [("supplier_ids", "supplier_id"), ("form", "proposal")] {
                if let Some(message) = errors.remove(from) {
                    errors.insert(to.to_owned(), message);
                }
            }
            cluster_page(
                &state,
                &v,
                StatusCode::BAD_REQUEST,
                &MemberForm::default(),
                &f,
                errors,
                None,
            )
            .await
        }
    }
}

async fn proposal_error(
    state: &Context,
    v: &Visitor,
    f: &ProposalForm,
    field: &str,
    message: &str,
) -> Result<HttpResponse, WebError> {
    let errors = form_errors(v.lang, AppError::validation(field.to_owned(), message))?;
    cluster_page(
        state,
        v,
        StatusCode::BAD_REQUEST,
        &MemberForm::default(),
        f,
        errors,
        None,
    )
    .await
}
