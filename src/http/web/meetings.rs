//! The forms of one-to-one meetings. On the process page, the buyers lay out slots, set the
//! booking rules, run the lottery, and move, annotate or cancel meetings. On the answer page, a
//! supplier books a slot or ranks slots, and cancels its own meeting. A refused form shows its
//! page again with the reason in the visitor's words.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use super::error::WebError;
use super::processes::{parse_id, refused};
use super::render;
use super::session::{Form, Visitor};
use crate::app::dialogues::changes::DialogueChange;
use crate::app::meetings::agenda::MeetingChange;
use crate::app::meetings::slots::NewGrid;
use crate::app::meetings::use_cases as service;
use crate::app::meetings::RulesChange;
use crate::app::Context;
use crate::domain::{Invalid, Problem};
use crate::error::AppError;

/// A whole number from a form field; empty gives `default`.
fn number(field: &'static str, value: Option<&str>, default: i64) -> Result<i64, Invalid> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(default),
        Some(v) => v.parse().map_err(|_| {
            Invalid::because(
                field,
                Problem::NotANumber,
                format!("{field} must be a whole number"),
            )
        }),
    }
}

fn back(id: &str, event: &str) -> String {
    format!("/processes/{id}#meetings-{event}")
}

/// The slot grid form, as posted.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct SlotsForm {
    pub event_id: Option<String>,
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    pub meeting_minutes: Option<String>,
    pub break_minutes: Option<String>,
    pub parallel: Option<String>,
}

/// Lays out slots for an event's meetings.
pub async fn create_slots(
    state: web::Data<Context>,
    v: Visitor,
    path: web::Path<(String, String)>,
    Form(mut f): Form<SlotsForm>,
) -> Result<HttpResponse, WebError> {
    let caller = v.require_user()?.caller.clone();
    let (id, event) = path.into_inner();
    let (id, event) = (parse_id(&id)?, parse_id(&event)?);
    f.event_id = Some(event.clone());
    let numbers = (
        number("meeting_minutes", f.meeting_minutes.as_deref(), 30),
        number("break_minutes", f.break_minutes.as_deref(), 0),
        number("parallel", f.parallel.as_deref(), 1),
    );
    let result = match numbers {
        (Ok(meeting_minutes), Ok(break_minutes), Ok(parallel)) => {
            let grid = NewGrid {
                starts_at: f.starts_at.clone().unwrap_or_default(),
                ends_at: f.ends_at.clone().unwrap_or_default(),
                meeting_minutes,
                break_minutes,
                parallel,
                first_table: None,
            };
            service::create_slots(&state, &caller, &event, grid)
                .await
                .map(|_| ())
        }
        (a, b, c) => Err(AppError::Validation(
            [a.err(), b.err(), c.err()].into_iter().flatten().collect(),
        )),
    };
    match result {
        Ok(()) => Ok(render::see_other_with(
            &v,
            &back(&id, &event),
            "slots_created",
        )),
        Err(e) => refused(&state, &v, &id, "slots", &f, e).await,
    }
}

/// The booking rules form, as posted.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct RulesForm {
    pub event_id: Option<String>,
    pub allocation: Option<String>,
    pub booking_opens_at: Option<String>,
    pub booking_deadline: Option<String>,
    pub meetings_per_supplier: Option<String>,
}

/// Saves an event's booking rules.
pub async fn save_rules(
    state: web::Data<Context>,
    v: Visitor,
    path: web::Path<(String, String)>,
    Form(mut f): Form<RulesForm>,
) -> Result<HttpResponse, WebError> {
    let caller = v.require_user()?.caller.clone();
    let (id, event) = path.into_inner();
    let (id, event) = (parse_id(&id)?, parse_id(&event)?);
    f.event_id = Some(event.clone());
    let filled = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
    let result = match number(
        "meetings_per_supplier",
        f.meetings_per_supplier.as_deref(),
        1,
    ) {
        Err(e) => Err(AppError::from(e)),
        Ok(per_supplier) => {
            let rules = RulesChange {
                allocation: filled(&f.allocation),
                booking_opens_at: filled(&f.booking_opens_at),
                booking_deadline: filled(&f.booking_deadline),
                meetings_per_supplier: Some(per_supplier),
            };
            service::change_event(&state, &caller, &event, DialogueChange::default(), rules)
                .await
                .map(|_| ())
        }
    };
    match result {
        Ok(()) => Ok(render::see_other_with(
            &v,
            &back(&id, &event),
            "rules_saved",
        )),
        Err(e) => refused(&state, &v, &id, "rules", &f, e).await,
    }
}

/// A form that names only its event.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct EventOnly {
    pub event_id: Option<String>,
}

/// Runs the lottery now.
pub async fn allocate(
    state: web::Data<Context>,
    v: Visitor,
    path: web::Path<(String, String)>,
    Form(mut f): Form<EventOnly>,
) -> Result<HttpResponse, WebError> {
    let caller = v.require_user()?.caller.clone();
    let (id, event) = path.into_inner();
    let (id, event) = (parse_id(&id)?, parse_id(&event)?);
    f.event_id = Some(event.clone());
    match service::allocate(&state, &caller, &event).await {
        Ok(_) => Ok(render::see_other_with(&v, &back(&id, &event), "allocated")),
        Err(e) => refused(&state, &v, &id, "rules", &f, e).await,
    }
}

/// Deletes a free slot.
pub async fn delete_slot(
    state: web::Data<Context>,
    v: Visitor,
    path: web::Path<(String, String, String)>,
    Form(mut f): Form<EventOnly>,
) -> Result<HttpResponse, WebError> {
    let caller = v.require_user()?.caller.clone();
    let (id, event, slot) = path.into_inner();
    let (id, event, slot) = (parse_id(&id)?, parse_id(&event)?, parse_id(&slot)?);
    f.event_id = Some(event.clone());
    match service::delete_slot(&state, &caller, &event, &slot).await {
        Ok(()) => Ok(render::see_other_with(
            &v,
            &back(&id, &event),
            "slot_deleted",
        )),
        Err(e) => refused(&state, &v, &id, "slots", &f, e).await,
    }
}

/// A meeting's form, as posted: another slot, or notes.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct MeetingForm {
    pub event_id: Option<String>,
    pub slot_id: Option<String>,
    pub notes: Option<String>,
}

/// Moves a meeting, writes its notes, or cancels it (`action` in the path: `move`, `notes`,
/// `cancel`).
pub async fn meeting(
    state: web::Data<Context>,
    v: Visitor,
    path: web::Path<(String, String, String)>,
    Form(f): Form<MeetingForm>,
) -> Result<HttpResponse, WebError> {
    let caller = v.require_user()?.caller.clone();
    let (id, meeting, action) = path.into_inner();
    let (id, meeting) = (parse_id(&id)?, parse_id(&meeting)?);
    let event = f
        .event_id
        .clone()
        .map(|e| parse_id(&e))
        .transpose()?
        .unwrap_or_default();
    let (result, flash) = match action.as_str() {
        "move" => (
            service::change_meeting(
                &state,
                &caller,
                &meeting,
                MeetingChange {
                    slot_id: f.slot_id.clone(),
                    notes: None,
                },
            )
            .await,
            "meeting_moved",
        ),
        "notes" => (
            service::change_meeting(
                &state,
                &caller,
                &meeting,
                MeetingChange {
                    slot_id: None,
                    notes: Some(f.notes.clone().unwrap_or_default()),
                },
            )
            .await,
            "saved",
        ),
        "cancel" => (
            service::cancel_meeting(&state, &caller, &meeting).await,
            "meeting_cancelled",
        ),
        _ => return Err(WebError::NotFound),
    };
    match result {
        Ok(_) => Ok(render::see_other_with(&v, &back(&id, &event), flash)),
        Err(e) => refused(&state, &v, &id, "meeting", &f, e).await,
    }
}

/// The answer page's booking form: one `slot_id` (first come), or for a lottery each slot's
/// id in `slot` with its place in the ranking in `rank` (empty: not wanted).
#[derive(Debug, Default, Deserialize)]
pub struct BookingForm {
    pub slot_id: Option<String>,
    #[serde(default)]
    pub slot: Vec<String>,
    #[serde(default)]
    pub rank: Vec<String>,
}

/// A supplier books or ranks through its link.
pub async fn book(
    state: web::Data<Context>,
    v: Visitor,
    token: web::Path<String>,
    Form(f): Form<BookingForm>,
) -> Result<HttpResponse, WebError> {
    let token = token.into_inner();
    let back = format!("/rsvp/{token}#moter");
    let result = match f.slot_id.filter(|s| !s.is_empty()) {
        Some(slot_id) => service::book(&state, &token, &slot_id)
            .await
            .map(|_| "meeting_booked"),
        None => {
            let mut ranked = Vec::new();
            for (slot, rank) in f.slot.iter().zip(&f.rank) {
                match rank.trim() {
                    "" => {}
                    r => match r.parse::<u32>() {
                        Ok(n) if n >= 1 => ranked.push((n, slot.clone())),
                        _ => {
                            return super::public::rsvp_refused(
                                &state,
                                &v,
                                &token,
                                "booking",
                                AppError::invalid(
                                    "rank",
                                    Problem::NotANumber,
                                    "a rank is a whole number from 1",
                                ),
                            )
                            .await
                        }
                    },
                }
            }
            ranked.sort();
            let slot_ids = ranked.into_iter().map(|(_, s)| s).collect();
            service::rank(&state, &token, slot_ids)
                .await
                .map(|_| "ranking_saved")
        }
    };
    match result {
        Ok(flash) => Ok(render::see_other_with(&v, &back, flash)),
        Err(AppError::NotFound(_)) => Err(WebError::NotFound),
        Err(e) => super::public::rsvp_refused(&state, &v, &token, "booking", e).await,
    }
}

/// A supplier cancels its own meeting through its link.
pub async fn cancel_own(
    state: web::Data<Context>,
    v: Visitor,
    path: web::Path<(String, String)>,
    Form(_): Form<EventOnly>,
) -> Result<HttpResponse, WebError> {
    let (token, meeting) = path.into_inner();
    let meeting = parse_id(&meeting)?;
    match service::cancel_own(&state, &token, &meeting).await {
        Ok(_) => Ok(render::see_other_with(
            &v,
            &format!("/rsvp/{token}#moter"),
            "meeting_cancelled",
        )),
        Err(AppError::NotFound(_)) => Err(WebError::NotFound),
        Err(e) => super::public::rsvp_refused(&state, &v, &token, "booking", e).await,
    }
}

/// Routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/processes/{id}/events/{event}/slots",
        web::post().to(create_slots),
    )
    .route(
        "/processes/{id}/events/{event}/booking",
        web::post().to(save_rules),
    )
    .route(
        "/processes/{id}/events/{event}/allocate",
        web::post().to(allocate),
    )
    .route(
        "/processes/{id}/events/{event}/slots/{slot}/delete",
        web::post().to(delete_slot),
    )
    .route(
        "/processes/{id}/meetings/{meeting}/{action}",
        web::post().to(meeting),
    )
    .route("/rsvp/{token}/bookings", web::post().to(book))
    .route(
        "/rsvp/{token}/meetings/{meeting}/cancel",
        web::post().to(cancel_own),
    );
}
