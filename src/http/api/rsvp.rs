//! The supplier side of the API. The token of an invitation's answer link is the credential for
//! that one invitation: `/api/v1/rsvp/{token}` reads it, answers, asks, books and cancels. A
//! signed-in supplier lists its invitations with their links at `/api/v1/me/invitations`.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::error::ErrorBody;
use super::json::ApiJson;
use crate::app::dialogues::public as dialogue_service;
use crate::app::meetings::booking::OwnRanking;
use crate::app::meetings::use_cases::{self as service, MyInvitations, SupplierView};
use crate::app::meetings::MeetingView;
use crate::app::Context;
use crate::caller::Caller;
use crate::error::AppError;

/// What a supplier sees behind its link: the event, its own answer, the slots (taken ones
/// without names, none before booking opens), its meetings and ranking, and the published
/// questions and answers. Reads keep working after every deadline.
#[utoipa::path(get, path = "/api/v1/rsvp/{token}", tag = "rsvp",
    responses((status = 200, body = SupplierView), (status = 404, body = ErrorBody)))]
pub async fn get(
    state: web::Data<Context>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::supplier_view(&state, &token).await?))
}

/// An answer to an invitation, as on the answer page.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RsvpAnswer {
    /// `attending`, `interested_cannot_attend` or `not_relevant`.
    #[schema(value_type = crate::app::dialogues::answers::Answer, inline)]
    pub answer: String,
    /// How many will attend (1 to 100 when attending).
    #[schema(minimum = 0, maximum = 100)]
    pub attendees: Option<i64>,
    /// For the process's buyers only.
    #[schema(max_length = 5000)]
    pub comment: Option<String>,
}

/// Answer the invitation, until the answer deadline; the supplier gets a confirmation by email.
#[utoipa::path(post, path = "/api/v1/rsvp/{token}", tag = "rsvp", request_body = RsvpAnswer,
    responses((status = 200, body = SupplierView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 415, body = ErrorBody)))]
pub async fn answer(
    state: web::Data<Context>,
    token: web::Path<String>,
    body: ApiJson<RsvpAnswer>,
) -> Result<HttpResponse, AppError> {
    let b = body.0;
    dialogue_service::answer_invitation(
        &state,
        &token,
        b.answer,
        b.attendees.map(|n| n.to_string()),
        b.comment,
    )
    .await?;
    Ok(HttpResponse::Ok().json(service::supplier_view(&state, &token).await?))
}

/// A question to the buyers. Its answer is published to every invitee, without who asked.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RsvpQuestion {
    #[schema(min_length = 1, max_length = 5000)]
    pub question: String,
}

/// A question, received.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionReceived {
    pub question: String,
    /// Always false here: the buyers answer it to everyone.
    pub published: bool,
}

/// Ask the buyers a question, until the answer deadline.
#[utoipa::path(post, path = "/api/v1/rsvp/{token}/questions", tag = "rsvp", request_body = RsvpQuestion,
    responses((status = 201, body = QuestionReceived), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 415, body = ErrorBody)))]
pub async fn ask(
    state: web::Data<Context>,
    token: web::Path<String>,
    body: ApiJson<RsvpQuestion>,
) -> Result<HttpResponse, AppError> {
    let question = body.0.question;
    dialogue_service::ask_question(&state, &token, question.clone()).await?;
    Ok(HttpResponse::Created().json(QuestionReceived {
        question: question.trim().to_owned(),
        published: false,
    }))
}

/// A booking: `slot_id` books one slot at once (first come); `slot_ids` ranks slots, first
/// choice first, for the lottery (an empty list withdraws the ranking).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BookingRequest {
    pub slot_id: Option<String>,
    pub slot_ids: Option<Vec<String>>,
}

/// What a booking gave: the meeting (first come) or the ranking (lottery).
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum Booked {
    Meeting(MeetingView),
    Ranking(OwnRanking),
}

/// Book a slot (first come, 201 with the meeting, which is emailed with its own calendar file)
/// or rank slots (lottery, 200). Outside the booking window, on a deleted or taken slot,
/// beyond `meetings_per_supplier`, or after a cancellation: 409 with the `reason`.
#[utoipa::path(post, path = "/api/v1/rsvp/{token}/bookings", tag = "rsvp", request_body = BookingRequest,
    responses((status = 201, body = MeetingView), (status = 200, body = OwnRanking), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 415, body = ErrorBody)))]
pub async fn book(
    state: web::Data<Context>,
    token: web::Path<String>,
    body: ApiJson<BookingRequest>,
) -> Result<HttpResponse, AppError> {
    match (body.0.slot_id, body.0.slot_ids) {
        (Some(slot_id), None) => Ok(HttpResponse::Created().json(Booked::Meeting(
            service::book(&state, &token, &slot_id).await?,
        ))),
        (None, Some(slot_ids)) => Ok(HttpResponse::Ok().json(Booked::Ranking(
            service::rank(&state, &token, slot_ids).await?,
        ))),
        _ => Err(AppError::validation(
            "slot_id",
            "give slot_id (first come) or slot_ids (a ranking for the lottery), not both",
        )),
    }
}

/// Cancel the supplier's own meeting, until it starts; it is emailed with the calendar
/// cancellation. Another invitation's meeting is not found.
#[utoipa::path(delete, path = "/api/v1/rsvp/{token}/bookings/{id}", tag = "rsvp",
    responses((status = 200, body = MeetingView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn cancel(
    state: web::Data<Context>,
    path: web::Path<(String, uuid::Uuid)>,
) -> Result<HttpResponse, AppError> {
    let (token, id) = path.into_inner();
    Ok(HttpResponse::Ok().json(service::cancel_own(&state, &token, &id.to_string()).await?))
}

/// The signed-in supplier's invitations, newest first, each with its link and token.
#[utoipa::path(get, path = "/api/v1/me/invitations", tag = "rsvp", security(("bearer" = [])),
    responses((status = 200, body = MyInvitations), (status = 401, body = ErrorBody)))]
pub async fn mine(state: web::Data<Context>, caller: Caller) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::my_invitations(&state, &caller).await?))
}

/// The routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/rsvp/{token}", web::get().to(get))
        .route("/rsvp/{token}", web::post().to(answer))
        .route("/rsvp/{token}/questions", web::post().to(ask))
        .route("/rsvp/{token}/bookings", web::post().to(book))
        .route("/rsvp/{token}/bookings/{id}", web::delete().to(cancel))
        .route("/me/invitations", web::get().to(mine));
}
