//! The process page's forms that change a dialogue event: editing or moving it, and cancelling
//! it. A refused form shows the page again with what was typed beside each problem.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use super::error::WebError;
use super::processes::{parse_id, refused};
use super::render;
use super::session::{Form, Visitor};
use crate::app::dialogues::changes::DialogueChange;
use crate::app::dialogues::insiders;
use crate::app::Context;
use crate::domain::{Invalid, Problem};

/// The edit form, as posted; `event_id` tells the page which event's form to show again.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct EventChangeForm {
    pub event_id: Option<String>,
    pub title: Option<String>,
    pub agenda: Option<String>,
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    pub place: Option<String>,
    pub online_url: Option<String>,
    pub response_deadline: Option<String>,
    pub capacity: Option<String>,
}

/// Saves the edit form; a new time or place is emailed to every invitee.
pub async fn change_event(
    state: web::Data<Context>,
    v: Visitor,
    path: web::Path<(String, String)>,
    Form(mut f): Form<EventChangeForm>,
) -> Result<HttpResponse, WebError> {
    let caller = v.require_user()?.caller.clone();
    let (id, event) = path.into_inner();
    let (id, event) = (parse_id(&id)?, parse_id(&event)?);
    f.event_id = Some(event.clone());
    let mut unreadable = Vec::new();
    let capacity = match f
        .capacity
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        None => None,
        Some(c) => match c.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                unreadable.push(Invalid::because(
                    "capacity",
                    Problem::NotANumber,
                    "capacity must be a whole number",
                ));
                None
            }
        },
    };
    // A form sends every field; a field left as it was changes nothing.
    let change = DialogueChange {
        title: f.title.clone(),
        agenda: f.agenda.clone(),
        starts_at: f.starts_at.clone(),
        ends_at: f.ends_at.clone(),
        place: Some(f.place.clone().unwrap_or_default()),
        online_url: Some(f.online_url.clone().unwrap_or_default()),
        response_deadline: f.response_deadline.clone(),
        // The form always sends the field: empty means no limit.
        capacity: Some(capacity),
        unreadable,
    };
    match insiders::change_event(&state, &caller, Some(&id), &event, change).await {
        Ok(_) => Ok(render::see_other_with(
            &v,
            &format!("/processes/{id}#event-{event}"),
            "event_changed",
        )),
        Err(e) => refused(&state, &v, &id, "edit", &f, e).await,
    }
}

/// The cancel form, as posted.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct EventCancelForm {
    pub event_id: Option<String>,
    pub reason: Option<String>,
}

/// Cancels an event; every invitee is told, with the reason.
pub async fn cancel_event(
    state: web::Data<Context>,
    v: Visitor,
    path: web::Path<(String, String)>,
    Form(mut f): Form<EventCancelForm>,
) -> Result<HttpResponse, WebError> {
    let caller = v.require_user()?.caller.clone();
    let (id, event) = path.into_inner();
    let (id, event) = (parse_id(&id)?, parse_id(&event)?);
    f.event_id = Some(event.clone());
    let reason = f.reason.clone().unwrap_or_default();
    match insiders::cancel_event(&state, &caller, Some(&id), &event, reason).await {
        Ok(_) => Ok(render::see_other_with(
            &v,
            &format!("/processes/{id}#event-{event}"),
            "event_cancelled",
        )),
        Err(e) => refused(&state, &v, &id, "cancel", &f, e).await,
    }
}

/// Routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/processes/{id}/events/{event}/change",
        web::post().to(change_event),
    )
    .route(
        "/processes/{id}/events/{event}/cancel",
        web::post().to(cancel_event),
    );
}
