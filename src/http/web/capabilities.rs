//! Suppliers' and clusters' capability pages: create and edit, with the same CPV picker as needs.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::error::WebError;
use super::forms::{form_errors, options};
use super::picker;
use super::render;
use super::session::{Form, Visitor, WebUser};
use crate::app::capabilities::CapabilityFields;
use crate::app::capabilities::CapabilityView;
use crate::app::Context;
use crate::error::AppError;

/// The capability form, as posted.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct CapabilityForm {
    pub title: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub themes: Vec<String>,
    #[serde(default)]
    pub cpv_codes: Vec<String>,
    #[serde(default)]
    pub counties: Vec<String>,
    pub national: Option<String>,
    pub maturity: Option<String>,
    /// Comma-separated.
    pub keywords: Option<String>,
    /// One per line.
    pub references: Option<String>,
    pub cpv_q: Option<String>,
    pub action: Option<String>,
}

impl CapabilityForm {
    fn of(c: &CapabilityView) -> CapabilityForm {
        CapabilityForm {
            title: Some(c.title.clone()),
            description: Some(c.description.clone()),
            themes: c.themes.clone(),
            cpv_codes: c.cpv_codes.clone(),
            counties: c.counties.clone(),
            national: c.national.then(|| "on".to_owned()),
            maturity: c.maturity.clone(),
            keywords: Some(c.keywords.join(", ")),
            references: Some(c.references.join("\n")),
            cpv_q: None,
            action: None,
        }
    }

    fn fields(&self) -> CapabilityFields {
        CapabilityFields {
            title: self.title.clone().unwrap_or_default(),
            description: self.description.clone().unwrap_or_default(),
            themes: self.themes.clone(),
            cpv_codes: self.cpv_codes.clone(),
            counties: self.counties.clone(),
            national: self.national.is_some(),
            maturity: self.maturity.clone().filter(|m| !m.trim().is_empty()),
            keywords: self
                .keywords
                .as_deref()
                .unwrap_or("")
                .split(',')
                .map(str::trim)
                .filter(|k| !k.is_empty())
                .map(str::to_owned)
                .collect(),
            references: self
                .references
                .as_deref()
                .unwrap_or("")
                .lines()
                .map(str::trim)
                .filter(|k| !k.is_empty())
                .map(str::to_owned)
                .collect(),
            language: None,
        }
    }
}

fn require_supplier(v: &Visitor) -> Result<&WebUser, WebError> {
    let user = v.require_user()?;
    if matches!(user.kind(), "supplier" | "cluster") {
        Ok(user)
    } else {
        Err(WebError::Forbidden)
    }
}

async fn form_page(
    state: &web::Data<Context>,
    v: &Visitor,
    status: StatusCode,
    form: &CapabilityForm,
    action_url: &str,
    errors: BTreeMap<String, String>,
) -> Result<HttpResponse, WebError> {
    let shared = picker::fields(
        state,
        v.lang,
        picker::Described {
            title: form.title.as_deref(),
            description: form.description.as_deref(),
            themes: &form.themes,
            cpv_codes: &form.cpv_codes,
            counties: &form.counties,
            cpv_q: form.cpv_q.as_deref(),
            action: form.action.as_deref(),
        },
    )
    .await?;
    render::page(
        v,
        status,
        "capability_form.html",
        context! {
            form => form,
            action_url => action_url,
            editing => action_url != "/capabilities/new",
            errors => errors,
            maturities => options(v.lang, "capabilities.maturities", &["idea", "prototype", "piloted", "on_market"]),
            ..shared
        },
    )
}

/// A blank capability form.
pub async fn new_form(state: web::Data<Context>, v: Visitor) -> Result<HttpResponse, WebError> {
    require_supplier(&v)?;
    let form = CapabilityForm::default();
    form_page(
        &state,
        &v,
        StatusCode::OK,
        &form,
        "/capabilities/new",
        BTreeMap::new(),
    )
    .await
}

/// Creates a capability, or re-shows the form with CPV codes found or suggested.
pub async fn create(
    state: web::Data<Context>,
    v: Visitor,
    Form(form): Form<CapabilityForm>,
) -> Result<HttpResponse, WebError> {
    let caller = require_supplier(&v)?.caller.clone();
    let url = "/capabilities/new";
    if form.action.as_deref().unwrap_or("save") != "save" {
        return form_page(&state, &v, StatusCode::OK, &form, url, BTreeMap::new()).await;
    }
    let fields = form.fields();
    match crate::app::capabilities::register(&state, &caller, fields).await {
        Ok(_) => Ok(render::see_other_with(&v, "/dashboard", "capability_saved")),
        Err(e) => {
            let errors = form_errors(v.lang, e)?;
            form_page(&state, &v, StatusCode::BAD_REQUEST, &form, url, errors).await
        }
    }
}

fn parse_id(id: &str) -> Result<String, WebError> {
    uuid::Uuid::parse_str(id.trim())
        .map(|u| u.to_string())
        .map_err(|_| WebError::NotFound)
}

/// The edit form of an own capability; others' give 404.
pub async fn edit_form(
    state: web::Data<Context>,
    v: Visitor,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let caller = require_supplier(&v)?.caller.clone();
    let id = parse_id(&id)?;
    let view = crate::app::capabilities::own(&state, &caller, &id).await?;
    let url = format!("/capabilities/{}/edit", view.id);
    form_page(
        &state,
        &v,
        StatusCode::OK,
        &CapabilityForm::of(&view),
        &url,
        BTreeMap::new(),
    )
    .await
}

/// Saves an own capability.
pub async fn update(
    state: web::Data<Context>,
    v: Visitor,
    id: web::Path<String>,
    Form(form): Form<CapabilityForm>,
) -> Result<HttpResponse, WebError> {
    let caller = require_supplier(&v)?.caller.clone();
    let id = parse_id(&id)?;
    let url = format!("/capabilities/{id}/edit");
    if form.action.as_deref().unwrap_or("save") != "save" {
        return form_page(&state, &v, StatusCode::OK, &form, &url, BTreeMap::new()).await;
    }
    let fields = form.fields();
    match crate::app::capabilities::change(&state, &caller, &id, |f| *f = fields).await {
        Ok(_) => Ok(render::see_other_with(&v, "/dashboard", "capability_saved")),
        Err(AppError::NotFound(m)) | Err(AppError::Forbidden(m)) => {
            Err(WebError::from(AppError::NotFound(m)))
        }
        Err(e) => {
            let errors = form_errors(v.lang, e)?;
            form_page(&state, &v, StatusCode::BAD_REQUEST, &form, &url, errors).await
        }
    }
}

/// Routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/capabilities/new", web::get().to(new_form))
        .route("/capabilities/new", web::post().to(create))
        .route("/capabilities/{id}/edit", web::get().to(edit_form))
        .route("/capabilities/{id}/edit", web::post().to(update));
}
