//! Buyers' need pages: create and edit with a CPV picker, and a need's page with its matches,
//! similar needs of other buyers, and the way into a joint process.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::error::WebError;
use super::forms::{form_errors, options};
use super::picker;
use super::render::{self, see_other};
use super::session::{Form, Visitor};
use crate::app::needs::views::NeedView;
use crate::app::needs::NeedFields;
use crate::app::processes::views::{start_from_need, FromNeed};
use crate::app::Context;
use crate::domain::{Invalid, Problem};
use crate::error::AppError;
use crate::search::document::DocType;
use crate::search::matching::Filters;

/// The need form, as posted. `action` says which button: `save`, `cpv_search` or `cpv_suggest`.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct NeedForm {
    pub title: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub themes: Vec<String>,
    #[serde(default)]
    pub cpv_codes: Vec<String>,
    #[serde(default)]
    pub counties: Vec<String>,
    pub national: Option<String>,
    pub estimated_value_nok: Option<String>,
    pub planned_tender_date: Option<String>,
    pub status: Option<String>,
    pub cpv_q: Option<String>,
    pub action: Option<String>,
}

impl NeedForm {
    fn of(n: &NeedView) -> NeedForm {
        NeedForm {
            title: Some(n.title.clone()),
            description: Some(n.description.clone()),
            themes: n.themes.clone(),
            cpv_codes: n.cpv_codes.clone(),
            counties: n.counties.clone(),
            national: n.national.then(|| "on".to_owned()),
            estimated_value_nok: n.estimated_value_nok.map(|v| v.to_string()),
            planned_tender_date: n.planned_tender_date.map(|d| d.to_string()),
            status: Some(n.status.clone()),
            cpv_q: None,
            action: None,
        }
    }

    fn fields(&self) -> NeedFields {
        let mut unreadable = Vec::new();
        let value = match self.estimated_value_nok.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(v) => {
                let parsed = v.replace([' ', '\u{a0}', '.'], "").parse::<i64>().ok();
                if parsed.is_none_or(|n| n < 0) {
                    unreadable.push(Invalid::because(
                        "estimated_value_nok",
                        Problem::NotANumber,
                        "give a whole number of kroner",
                    ));
                }
                parsed
            }
        };
        let date = match self.planned_tender_date.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(d) => {
                let parsed = chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                    .or_else(|_| chrono::NaiveDate::parse_from_str(d, "%d.%m.%Y"))
                    .ok();
                if parsed.is_none() {
                    unreadable.push(Invalid::because(
                        "planned_tender_date",
                        Problem::NotADate,
                        "give a date like 2027-03-01",
                    ));
                }
                parsed
            }
        };
        NeedFields {
            title: self.title.clone().unwrap_or_default(),
            description: self.description.clone().unwrap_or_default(),
            themes: self.themes.clone(),
            cpv_codes: self.cpv_codes.clone(),
            counties: self.counties.clone(),
            national: self.national.is_some(),
            estimated_value_nok: value,
            planned_tender_date: date,
            status: self.status.clone().filter(|s| !s.is_empty()),
            language: None,
            unreadable,
        }
    }
}

async fn form_page(
    state: &web::Data<Context>,
    v: &Visitor,
    status: StatusCode,
    form: &NeedForm,
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
        "need_form.html",
        context! {
            form => form,
            action_url => action_url,
            editing => action_url != "/needs/new",
            errors => errors,
            statuses => options(v.lang, "needs.statuses", &["draft", "open", "closed"]),
            ..shared
        },
    )
}

/// What a link may fill in on a new need form, such as the radar's "register a need on the
/// theme".
#[derive(Debug, Default, Deserialize)]
pub struct NeedPrefill {
    pub cpv: Option<String>,
    pub title: Option<String>,
}

/// A blank need form, with the CPV code and title a link gave.
pub async fn new_form(
    state: web::Data<Context>,
    v: Visitor,
    prefill: web::Query<NeedPrefill>,
) -> Result<HttpResponse, WebError> {
    v.require_kind("buyer")?;
    let prefill = prefill.into_inner();
    let form = NeedForm {
        status: Some("open".into()),
        cpv_codes: prefill
            .cpv
            .into_iter()
            .filter(|c| !c.trim().is_empty())
            .collect(),
        title: prefill.title,
        ..NeedForm::default()
    };
    form_page(
        &state,
        &v,
        StatusCode::OK,
        &form,
        "/needs/new",
        BTreeMap::new(),
    )
    .await
}

/// Creates a need, or re-shows the form with CPV codes found or suggested.
pub async fn create(
    state: web::Data<Context>,
    v: Visitor,
    Form(form): Form<NeedForm>,
) -> Result<HttpResponse, WebError> {
    let user = v.require_kind("buyer")?.clone();
    if form.action.as_deref().unwrap_or("save") != "save" {
        return form_page(
            &state,
            &v,
            StatusCode::OK,
            &form,
            "/needs/new",
            BTreeMap::new(),
        )
        .await;
    }
    let fields = form.fields();
    let caller = user.caller.clone();
    match crate::app::needs::views::register(&state, &caller, fields).await {
        Ok(need) => Ok(render::see_other_with(
            &v,
            &format!("/needs/{}", need.id),
            "need_saved",
        )),
        Err(e) => {
            let errors = form_errors(v.lang, e)?;
            form_page(
                &state,
                &v,
                StatusCode::BAD_REQUEST,
                &form,
                "/needs/new",
                errors,
            )
            .await
        }
    }
}

fn parse_id(id: &str) -> Result<String, WebError> {
    uuid::Uuid::parse_str(id.trim())
        .map(|u| u.to_string())
        .map_err(|_| WebError::NotFound)
}

/// The edit form of an own need.
pub async fn edit_form(
    state: web::Data<Context>,
    v: Visitor,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let user = v.require_kind("buyer")?.clone();
    let id = parse_id(&id)?;
    let caller = user.caller.clone();
    let view = crate::app::needs::views::own(&state, &caller, &id).await?;
    let url = format!("/needs/{}/edit", view.id);
    form_page(
        &state,
        &v,
        StatusCode::OK,
        &NeedForm::of(&view),
        &url,
        BTreeMap::new(),
    )
    .await
}

/// Saves an own need.
pub async fn update(
    state: web::Data<Context>,
    v: Visitor,
    id: web::Path<String>,
    Form(form): Form<NeedForm>,
) -> Result<HttpResponse, WebError> {
    let user = v.require_kind("buyer")?.clone();
    let id = parse_id(&id)?;
    let url = format!("/needs/{id}/edit");
    if form.action.as_deref().unwrap_or("save") != "save" {
        return form_page(&state, &v, StatusCode::OK, &form, &url, BTreeMap::new()).await;
    }
    let fields = form.fields();
    let caller = user.caller.clone();
    let need_id = id.clone();
    match crate::app::needs::views::change(&state, &caller, &need_id, |f| *f = fields).await {
        Ok(_) => Ok(render::see_other_with(
            &v,
            &format!("/needs/{id}"),
            "need_saved",
        )),
        Err(AppError::NotFound(m)) | Err(AppError::Forbidden(m)) => {
            Err(WebError::from(AppError::NotFound(m)))
        }
        Err(e) => {
            let errors = form_errors(v.lang, e)?;
            form_page(&state, &v, StatusCode::BAD_REQUEST, &form, &url, errors).await
        }
    }
}

/// A need's page: for everyone when open; drafts only for their own organisation (404 to
/// others, as if they did not exist). Signed-in users also see matches and similar needs.
pub async fn show(
    state: web::Data<Context>,
    v: Visitor,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let id = parse_id(&id)?;
    let caller = v.user.as_ref().map(|u| u.caller.clone());
    let detail = crate::app::needs::views::detail(&state, caller.as_ref(), &id).await?;
    let (need, processes, item, cpv) = (detail.need, detail.processes, detail.item, detail.cpv);
    let user = v.user.clone();
    let own = user
        .as_ref()
        .is_some_and(|u| u.caller.belongs_to(&need.organisation_id));
    let participant = user.as_ref().is_some_and(|u| {
        need.participants
            .as_ref()
            .is_some_and(|ps| ps.iter().any(|p| u.caller.belongs_to(&p.organisation_id)))
    });
    let (matches, similar) = if user.is_some() {
        let filters = Filters {
            doc_type: Some(DocType::Capability),
            open_only: true,
            ..Filters::default()
        };
        let matches = crate::app::matching::matches(
            &state,
            item.clone(),
            filters,
            20,
            crate::app::matching::Grouping::Organisation,
        );
        let similar = crate::app::matching::similar(&state, item, 10);
        let (matches, similar) = futures_util::future::join(matches, similar).await;
        // A rebuilding index shows the page without matches rather than failing it.
        let shown = |r: Result<crate::app::matching::Matches, AppError>| match r {
            Ok(m) => Ok(Some(m.items)),
            Err(AppError::Unavailable { .. }) => Ok(None),
            Err(e) => Err(WebError::from(e)),
        };
        (shown(matches)?, shown(similar)?)
    } else {
        (None, None)
    };
    let is_buyer = user.as_ref().is_some_and(|u| u.kind() == "buyer");
    // The radar offers a joint process on this theme when the buyer's contracts on it end about
    // when others' do.
    let radar: Vec<minijinja::Value> = match &user {
        Some(u) if own => crate::app::radar::for_need(&state, &u.caller, &need.cpv_codes)
            .await?
            .into_iter()
            .map(|g| context! { id => g.id, why => match v.lang { crate::domain::Lang::Nb => g.why, crate::domain::Lang::En => g.why_en } })
            .collect(),
        _ => Vec::new(),
    };
    let interest = match &user {
        Some(u) => Some(crate::app::needs::interest::section(&state, &u.caller, &id).await?),
        None => None,
    };
    render::ok(
        &v,
        "need.html",
        context! {
            need => need,
            cpv => cpv,
            own => own,
            participant => participant,
            is_buyer => is_buyer,
            interest => interest,
            radar => radar,
            processes => processes,
            matches => matches,
            similar => similar,
            procedures => options(v.lang, "processes.procedures", &["innovation_partnership", "pre_commercial_procurement", "competitive_dialogue", "negotiated_with_prior_publication", "open", "restricted", "other"]),
        },
    )
}

/// Starting a joint process from a need, optionally inviting the buyers of similar needs.
#[derive(Debug, Deserialize)]
pub struct StartForm {
    pub title: Option<String>,
    pub description: Option<String>,
    pub procedure: Option<String>,
    #[serde(default)]
    pub invite: Vec<String>,
}

/// Opens a joint process on this need (the caller must own it or share it).
pub async fn start_process(
    state: web::Data<Context>,
    v: Visitor,
    id: web::Path<String>,
    Form(f): Form<StartForm>,
) -> Result<HttpResponse, WebError> {
    let user = v.require_kind("buyer")?.clone();
    let id = parse_id(&id)?;
    let start = FromNeed {
        title: f.title,
        description: f.description,
        procedure: f.procedure,
        invite: f.invite,
    };
    let process = start_from_need(&state, &user.caller, &id, start).await?;
    Ok(see_other(&format!("/processes/{}", process.id)))
}

/// Declares that the caller's organisation has the same need (joins it).
pub async fn join(
    state: web::Data<Context>,
    v: Visitor,
    id: web::Path<String>,
    Form(_): Form<BTreeMap<String, String>>,
) -> Result<HttpResponse, WebError> {
    let user = v.require_kind("buyer")?.clone();
    let id = parse_id(&id)?;
    let caller = user.caller.clone();
    let need_id = id.clone();
    crate::app::needs::views::join_need(&state, &caller, &need_id).await?;
    Ok(see_other(&format!("/needs/{id}")))
}

/// Routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/needs/new", web::get().to(new_form))
        .route("/needs/new", web::post().to(create))
        .route("/needs/{id}", web::get().to(show))
        .route("/needs/{id}/edit", web::get().to(edit_form))
        .route("/needs/{id}/edit", web::post().to(update))
        .route("/needs/{id}/process", web::post().to(start_process))
        .route("/needs/{id}/join", web::post().to(join));
}
