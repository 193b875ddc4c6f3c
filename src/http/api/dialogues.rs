//! Dialogue events and invitations: `/api/v1/processes/{id}/dialogues`, `/api/v1/dialogues/…`,
//! and the one-click unsubscribe page behind every invitation.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::error::ErrorBody;
use super::json::ApiJson;
use super::spreadsheet::{is_excel, text_cell as safe, Csv, CsvQuery};
use crate::app::dialogues::changes::DialogueChange;
use crate::app::dialogues::insiders as service;
use crate::app::dialogues::invitations::{InviteOutcome, Invitees};
use crate::app::dialogues::record::{
    Answers, DialogueView, InvitationView, Invitations, OutboxReport, Questions, Record,
};
use crate::app::dialogues::NewDialogue;
use crate::app::meetings::use_cases::{self as meetings, EventChanged};
use crate::app::meetings::RulesChange;
use crate::app::Context;
use crate::caller::Caller;
use crate::error::AppError;

/// A new dialogue event. Times are Norwegian local time (`2027-03-01T09:00`) or carry an offset.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DialogueCreate {
    /// `conference`, `one_to_one_meetings` or `written_input`.
    #[schema(value_type = crate::app::dialogues::DialogueKind, inline)]
    pub kind: String,
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    #[schema(min_length = 1, max_length = 20000)]
    pub agenda: String,
    pub starts_at: String,
    pub ends_at: String,
    #[schema(max_length = 500)]
    pub place: Option<String>,
    pub online_url: Option<String>,
    pub response_deadline: String,
    #[schema(minimum = 1)]
    pub capacity: Option<i64>,
    /// `nb` (default) or `en`: the language of the invitations.
    #[schema(schema_with = invitation_language)]
    pub language: Option<String>,
}

/// Changes to an event: absent fields stay as they are; an empty `place` or `online_url`
/// removes it. A change to the time or the place emails every invitee an update whose calendar
/// file keeps the event's `UID` with `SEQUENCE` raised by one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DialogueUpdate {
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    #[schema(min_length = 1, max_length = 20000)]
    pub agenda: Option<String>,
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    #[schema(max_length = 500)]
    pub place: Option<String>,
    pub online_url: Option<String>,
    pub response_deadline: Option<String>,
    /// Places; `null` removes the limit.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>, minimum = 1)]
    pub capacity: Option<Option<i64>>,
    /// One-to-one meetings: `first_come` (default) or `lottery`.
    #[schema(value_type = Option<crate::app::meetings::Allocation>, inline)]
    pub allocation: Option<String>,
    /// From when every invitee sees the slots and may book or rank (default: when the slots
    /// are laid out).
    pub booking_opens_at: Option<String>,
    /// Until when bookings and rankings are taken (default: the answer deadline); a lottery
    /// runs then.
    pub booking_deadline: Option<String>,
    /// How many meetings one supplier may have (default 1, at most 20).
    #[schema(minimum = 1, maximum = 20)]
    pub meetings_per_supplier: Option<i64>,
}

/// A field that is present, `null` included, as `Some`; an absent one stays `None` (through
/// `#[serde(default)]`).
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// Why an event is cancelled; every invitee is told.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DialogueCancel {
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

fn invitation_language() -> utoipa::openapi::schema::Schema {
    crate::domain::optional_choice_schema(
        &["nb", "en"],
        "`nb` (default) or `en`: the language of the invitations",
    )
}

/// An event after a change, and how many invitees were emailed about it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DialogueChanged {
    pub dialogue: DialogueView,
    /// Invitees sent an update or a cancellation (0 when nothing they see changed).
    pub notified: usize,
    /// Invitations still waiting to be sent when the event was cancelled, withdrawn unsent; their
    /// invitees hear of neither the event nor its cancellation. Always 0 for a change.
    pub withdrawn: usize,
}

/// Whom to invite: exactly one of the three.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitationCreate {
    /// These suppliers or clusters.
    pub supplier_ids: Option<Vec<String>>,
    /// The organisations behind the N best matches of the process's needs.
    pub from_matches: Option<usize>,
    /// The suppliers accepted from clusters' proposals.
    pub from_proposals: Option<bool>,
}

/// The outcome per supplier.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationOutcomes {
    pub items: Vec<InviteOutcome>,
}

/// Create a dialogue event in a process (its buyers, in the market-dialogue phase).
#[utoipa::path(post, path = "/api/v1/processes/{id}/dialogues", tag = "dialogues", security(("bearer" = [])), request_body = DialogueCreate,
    responses((status = 201, body = DialogueView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    body: ApiJson<DialogueCreate>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner().to_string();
    let b = body.0;
    let new = NewDialogue {
        kind: b.kind,
        title: b.title,
        agenda: b.agenda,
        starts_at: b.starts_at,
        ends_at: b.ends_at,
        place: b.place,
        online_url: b.online_url,
        response_deadline: b.response_deadline,
        capacity: b.capacity,
        language: b.language,
        unreadable: Vec::new(),
    };
    let view = service::open_event(&state, &caller, &id, new).await?;
    Ok(HttpResponse::Created().json(view))
}

/// A dialogue event (public: no sign-in).
#[utoipa::path(get, path = "/api/v1/dialogues/{id}", tag = "dialogues", responses((status = 200, body = DialogueView), (status = 404, body = ErrorBody)))]
pub async fn get(
    state: web::Data<Context>,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, AppError> {
    let view = service::event(&state, &id.into_inner().to_string()).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Change an event and its booking rules (the process's buyers). A new time or place is emailed
/// to every invitee whose invitation was or will be delivered, with what changed and an updated
/// calendar file. The rules `allocation`, `booking_opens_at` and `meetings_per_supplier` are
/// fixed once a supplier has booked or ranked; `booking_deadline` can move until the lottery.
#[utoipa::path(patch, path = "/api/v1/dialogues/{id}", tag = "dialogues", security(("bearer" = [])), request_body = DialogueUpdate,
    responses((status = 200, body = EventChanged), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 415, body = ErrorBody)))]
pub async fn update(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    body: ApiJson<DialogueUpdate>,
) -> Result<HttpResponse, AppError> {
    let b = body.0;
    let change = DialogueChange {
        title: b.title,
        agenda: b.agenda,
        starts_at: b.starts_at,
        ends_at: b.ends_at,
        place: b.place,
        online_url: b.online_url,
        response_deadline: b.response_deadline,
        capacity: b.capacity,
        unreadable: Vec::new(),
    };
    let rules = RulesChange {
        allocation: b.allocation,
        booking_opens_at: b.booking_opens_at,
        booking_deadline: b.booking_deadline,
        meetings_per_supplier: b.meetings_per_supplier,
    };
    let id = id.into_inner().to_string();
    let changed = meetings::change_event(&state, &caller, &id, change, rules).await?;
    Ok(HttpResponse::Ok().json(changed))
}

/// Cancel an event (the process's buyers): every invitee gets `METHOD:CANCEL` with the reason,
/// invitations still waiting in the queue are withdrawn unsent, and the event takes no more
/// invitations, answers, questions or bookings.
#[utoipa::path(post, path = "/api/v1/dialogues/{id}/cancel", tag = "dialogues", security(("bearer" = [])), request_body = DialogueCancel,
    responses((status = 200, body = DialogueChanged), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 415, body = ErrorBody)))]
pub async fn cancel(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    body: ApiJson<DialogueCancel>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner().to_string();
    let (dialogue, notified, withdrawn) =
        service::cancel_event(&state, &caller, None, &id, body.0.reason).await?;
    Ok(HttpResponse::Ok().json(DialogueChanged {
        dialogue,
        notified,
        withdrawn,
    }))
}

/// Invite suppliers by email (the process's buyers).
#[utoipa::path(post, path = "/api/v1/dialogues/{id}/invitations", tag = "dialogues", security(("bearer" = [])), request_body = InvitationCreate,
    responses((status = 201, body = InvitationOutcomes), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "the event is cancelled or past its answer deadline", body = ErrorBody)))]
pub async fn invite(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    body: ApiJson<InvitationCreate>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner().to_string();
    let b = body.0;
    let who = match (b.supplier_ids, b.from_matches, b.from_proposals) {
        (Some(ids), None, None | Some(false)) => Invitees::Suppliers(ids),
        (None, Some(n), None | Some(false)) => Invitees::FromMatches(n),
        (None, None, Some(true)) => Invitees::FromProposals,
        _ => {
            return Err(AppError::validation(
                "supplier_ids",
                "give exactly one of supplier_ids, from_matches or from_proposals: true",
            ))
        }
    };
    let items = service::invite_suppliers(&state, &caller, None, &id, who).await?;
    Ok(HttpResponse::Created().json(InvitationOutcomes { items }))
}

/// The invitations and their states (the process's buyers and programme staff).
#[utoipa::path(get, path = "/api/v1/dialogues/{id}/invitations", tag = "dialogues", security(("bearer" = [])),
    responses((status = 200, body = Invitations), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn invitations(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, AppError> {
    let items = service::invitation_list(&state, &caller, &id.into_inner().to_string()).await?;
    Ok(HttpResponse::Ok().json(Invitations { items }))
}

/// What was sent to whom and when, with the SHA-256 of each exact message (the process's buyers
/// and programme staff).
#[utoipa::path(get, path = "/api/v1/dialogues/{id}/record", tag = "dialogues", security(("bearer" = [])),
    responses((status = 200, body = Record), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn record(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, AppError> {
    let record: Record = service::record(&state, &caller, &id.into_inner().to_string()).await?;
    Ok(HttpResponse::Ok().json(record))
}

/// Outbox depth and send rate (administrators).
#[utoipa::path(get, path = "/api/v1/admin/outbox", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = OutboxReport), (status = 403, body = ErrorBody)))]
pub async fn outbox(state: web::Data<Context>, caller: Caller) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::outbox_report(&state, &caller).await?))
}

/// The suppliers' answers (the process's buyers and programme staff).
#[utoipa::path(get, path = "/api/v1/dialogues/{id}/answers", tag = "dialogues", security(("bearer" = [])),
    responses((status = 200, body = Answers), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn answers(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, AppError> {
    let items = service::answer_list(&state, &caller, &id.into_inner().to_string()).await?;
    Ok(HttpResponse::Ok().json(Answers { items }))
}

/// The answers as CSV, for a spreadsheet; `dialect=excel` for Norwegian Excel.
#[utoipa::path(get, path = "/api/v1/dialogues/{id}/answers.csv", tag = "dialogues", security(("bearer" = [])), params(CsvQuery),
    responses((status = 200, description = "text/csv", content_type = "text/csv"), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn answers_csv(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    query: web::Query<CsvQuery>,
) -> Result<HttpResponse, AppError> {
    let excel = is_excel(query.dialect.as_deref())?;
    let items = service::answer_list(&state, &caller, &id.into_inner().to_string()).await?;
    let mut out = Csv::new(excel);
    out.row([
        "supplier_id",
        "supplier_name",
        "email",
        "answer",
        "attendees",
        "comment",
        "answered_at",
    ])?;
    for a in &items {
        out.row([
            a.supplier_id.clone().unwrap_or_else(|| a.orgnr.clone()),
            safe(a.supplier_name.as_deref().unwrap_or("")),
            safe(&a.email),
            a.answer.clone().unwrap_or_default(),
            a.attendees.map(|n| n.to_string()).unwrap_or_default(),
            safe(a.comment.as_deref().unwrap_or("")),
            a.answered_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
        ])?;
    }
    let body = out.finish()?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Content-Disposition", "attachment; filename=\"svar.csv\""))
        .body(body))
}

/// The buyers' answer to a question.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionAnswer {
    #[schema(min_length = 1, max_length = 10000)]
    pub answer: String,
}

/// The questions asked (the process's buyers and programme staff).
#[utoipa::path(get, path = "/api/v1/dialogues/{id}/questions", tag = "dialogues", security(("bearer" = [])),
    responses((status = 200, body = Questions), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn questions(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, AppError> {
    let items = service::question_list(&state, &caller, &id.into_inner().to_string()).await?;
    Ok(HttpResponse::Ok().json(Questions { items }))
}

/// Send a failed invitation again, to the supplier's current contact address, with the answers
/// published so far (the process's buyers). Only a failed invitation can be resent.
#[utoipa::path(post, path = "/api/v1/dialogues/{id}/invitations/{invitation_id}/resend", tag = "dialogues", security(("bearer" = [])),
    responses((status = 200, body = InvitationView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn resend(
    state: web::Data<Context>,
    caller: Caller,
    path: web::Path<(uuid::Uuid, uuid::Uuid)>,
) -> Result<HttpResponse, AppError> {
    let (id, invitation_id) = path.into_inner();
    let view = service::resend_invitation(
        &state,
        &caller,
        None,
        &id.to_string(),
        &invitation_id.to_string(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Answer a question; question and answer go to every invitee, anonymised (the process's buyers).
#[utoipa::path(post, path = "/api/v1/dialogues/{id}/questions/{qid}/answer", tag = "dialogues", security(("bearer" = [])), request_body = QuestionAnswer,
    responses((status = 200, description = "published"), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn answer_question(
    state: web::Data<Context>,
    caller: Caller,
    path: web::Path<(uuid::Uuid, uuid::Uuid)>,
    body: ApiJson<QuestionAnswer>,
) -> Result<HttpResponse, AppError> {
    let (id, qid) = path.into_inner();
    let (id, qid) = (id.to_string(), qid.to_string());
    let answer = body.0.answer;
    service::publish_answer(&state, &caller, None, &id, &qid, answer).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({"published": true})))
}

/// Routes under `/api/v1`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/processes/{id}/dialogues", web::post().to(create))
        .route("/dialogues/{id}", web::get().to(get))
        .route("/dialogues/{id}", web::patch().to(update))
        .route("/dialogues/{id}/cancel", web::post().to(cancel))
        .route("/dialogues/{id}/invitations", web::post().to(invite))
        .route("/dialogues/{id}/invitations", web::get().to(invitations))
        .route(
            "/dialogues/{id}/invitations/{invitation_id}/resend",
            web::post().to(resend),
        )
        .route("/dialogues/{id}/record", web::get().to(record))
        .route("/dialogues/{id}/answers", web::get().to(answers))
        .route("/dialogues/{id}/questions", web::get().to(questions))
        .route(
            "/dialogues/{id}/questions/{qid}/answer",
            web::post().to(answer_question),
        )
        .route("/dialogues/{id}/answers.csv", web::get().to(answers_csv))
        .route("/admin/outbox", web::get().to(outbox));
}
