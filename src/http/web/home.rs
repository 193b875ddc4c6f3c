//! The front page (public) and each user's dashboard.

use actix_web::{web, HttpResponse};
use minijinja::{context, Value};

use super::error::WebError;
use super::render;
use super::session::Visitor;
use crate::app::notices::digest::DigestSettings;
use crate::app::{dashboard, Context};
use crate::error::AppError;

/// The front page: open needs and running lifts, for everyone.
pub async fn front(state: web::Data<Context>, v: Visitor) -> Result<HttpResponse, WebError> {
    let page = dashboard::front(&state).await?;
    render::ok(&v, "home.html", Value::from_serialize(&page))
}

/// The signed-in user's starting point, by the kind of their organisation.
pub async fn dashboard(state: web::Data<Context>, v: Visitor) -> Result<HttpResponse, WebError> {
    let user = v.require_user()?.clone();
    let ctx = match user.kind() {
        "buyer" => Value::from_serialize(dashboard::buyer(&state, &user.caller).await?),
        kind @ ("supplier" | "cluster") => {
            Value::from_serialize(dashboard::supplier(&state, &user.caller, kind).await?)
        }
        _ => context! { counts => dashboard::programme(&state, &user.caller).await? },
    };
    render::ok(&v, "dashboard.html", ctx)
}

/// The digest form, as posted.
#[derive(Debug, serde::Deserialize)]
pub struct DigestForm {
    pub enabled: Option<String>,
    pub threshold: Option<String>,
}

/// Saves the organisation's digest settings (its owner).
pub async fn save_digest(
    state: web::Data<Context>,
    v: Visitor,
    super::session::Form(f): super::session::Form<DigestForm>,
) -> Result<HttpResponse, WebError> {
    let user = v.require_user()?.clone();
    if !matches!(user.kind(), "supplier" | "cluster") {
        return Err(WebError::Forbidden);
    }
    let percent = f
        .threshold
        .as_deref()
        .unwrap_or("30")
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|p| (0.0..=100.0).contains(p))
        .ok_or_else(|| {
            WebError::from(AppError::validation(
                "threshold",
                "give a percent from 0 to 100",
            ))
        })?;
    let wanted = DigestSettings {
        enabled: f.enabled.is_some(),
        threshold: percent / 100.0,
    };
    crate::app::notices::digest::save_settings(&state, &user.caller, wanted).await?;
    Ok(render::see_other_with(&v, "/dashboard#digest", "saved"))
}
