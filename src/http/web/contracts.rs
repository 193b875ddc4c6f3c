//! `/contracts`: a buyer's running contracts, which the radar reads: the list, a form to add one,
//! and removing one. The service checks what the API checks; this module only reads the form.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use minijinja::{context, Value};
use serde::Deserialize;

use super::error::WebError;
use super::format;
use super::forms::form_errors;
use super::render;
use super::session::{Form, Visitor};
use crate::app::contracts::{self as service, NewContract};
use crate::app::page::PageQuery;
use crate::app::Context;
use crate::domain::Invalid;
use crate::error::AppError;

/// The contract form as typed. Blank fields are left out.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ContractForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub cpv_codes: String,
    #[serde(default)]
    pub counties: String,
    #[serde(default)]
    pub starts_at: String,
    #[serde(default)]
    pub ends_at: String,
    #[serde(default)]
    pub renewal_options: String,
    #[serde(default)]
    pub value: String,
    pub shared: Option<String>,
}

fn blank(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

impl ContractForm {
    /// What the service takes; a value that is not a whole number of kroner is named here.
    fn contract(&self) -> Result<NewContract, Invalid> {
        let value = match blank(&self.value) {
            None => None,
            Some(v) => {
                // "12 500 000" as a Norwegian writes it, with ordinary or no-break spaces.
                let digits: String = v.chars().filter(|c| !c.is_whitespace()).collect();
                Some(digits.parse::<i64>().map_err(|_| {
                    Invalid::because(
                        "value",
                        crate::domain::Problem::NotANumber,
                        "value must be a whole number of kroner",
                    )
                })?)
            }
        };
        Ok(NewContract {
            title: self.title.clone(),
            cpv_codes: self
                .cpv_codes
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect(),
            counties: blank(&self.counties).into_iter().collect(),
            starts_at: blank(&self.starts_at),
            ends_at: self.ends_at.trim().to_owned(),
            renewal_options: blank(&self.renewal_options),
            value,
            shared: self.shared.is_some(),
        })
    }
}

async fn contracts_page(
    state: &Context,
    v: &Visitor,
    status: StatusCode,
    form: &ContractForm,
    errors: BTreeMap<String, String>,
) -> Result<HttpResponse, WebError> {
    let user = v.require_user()?;
    let spec = PageQuery {
        page: Some(1),
        per_page: Some(100),
    }
    .resolve()?;
    let list = service::page(state, &user.caller, spec).await?;
    let items: Vec<Value> = list
        .items
        .iter()
        .map(|c| {
            context! {
                id => c.id.clone(),
                title => c.title.clone(),
                buyer => c.buyer_name.clone(),
                cpv_codes => c.cpv_codes.join(", "),
                counties => c.counties.iter().map(|n| super::forms::county_name(n)).collect::<Vec<_>>().join(", "),
                ends => format::date(v.lang, c.ends_at),
                renewal => c.renewal_options.map(|d| format::date(v.lang, d)),
                value => c.value.map(|n| format::number(v.lang, n)),
                shared => c.shared,
                registered => c.source == "registered",
            }
        })
        .collect();
    render::page(
        v,
        status,
        "contracts.html",
        context! {
            items => items,
            form => context! {
                title => form.title.clone(), cpv_codes => form.cpv_codes.clone(),
                county => form.counties.clone(), starts_at => form.starts_at.clone(),
                ends_at => form.ends_at.clone(), renewal_options => form.renewal_options.clone(),
                value => form.value.clone(), shared => form.shared.is_some(),
            },
            errors => errors,
            counties => super::forms::counties(),
            staff => user.caller.is_admin(),
        },
    )
}

/// The list and the form.
pub async fn page(state: web::Data<Context>, v: Visitor) -> Result<HttpResponse, WebError> {
    contracts_page(
        &state,
        &v,
        StatusCode::OK,
        &ContractForm::default(),
        BTreeMap::new(),
    )
    .await
}

/// Registers a contract, or shows the form again with every problem beside its field.
pub async fn create(
    state: web::Data<Context>,
    v: Visitor,
    Form(form): Form<ContractForm>,
) -> Result<HttpResponse, WebError> {
    let user = v.require_kind("buyer")?.clone();
    let result = match form.contract() {
        Ok(new) => service::register(&state, &user.caller, new)
            .await
            .map(|_| ()),
        Err(e) => Err(AppError::from(e)),
    };
    match result {
        Ok(()) => Ok(render::see_other_with(&v, "/contracts", "contract_saved")),
        Err(e) => {
            let errors = form_errors(v.lang, e)?;
            contracts_page(&state, &v, StatusCode::BAD_REQUEST, &form, errors).await
        }
    }
}

/// Removes a registered contract.
pub async fn delete(
    state: web::Data<Context>,
    v: Visitor,
    id: web::Path<String>,
    Form(_): Form<BTreeMap<String, String>>,
) -> Result<HttpResponse, WebError> {
    let user = v.require_user()?.clone();
    let id = uuid::Uuid::parse_str(id.trim()).map_err(|_| WebError::NotFound)?;
    service::remove(&state, &user.caller, &id.to_string()).await?;
    Ok(render::see_other_with(&v, "/contracts", "contract_deleted"))
}

/// Page routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/contracts", web::get().to(page))
        .route("/contracts", web::post().to(create))
        .route("/contracts/{id}/delete", web::post().to(delete));
}
