//! Dialogue events and invitations: `/api/v1/processes/{id}/dialogues`, `/api/v1/dialogues/…`,
//! and the one-click unsubscribe page behind every invitation.

use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::error::ErrorBody;
use super::json::ApiJson;
use crate::app::dialogues::{self as service, InviteOutcome, Invitees, NewDialogue};
use crate::app::Context;
use crate::caller::Caller;
use crate::db::dialogues::DialogueRow;
use crate::error::AppError;

/// A new dialogue event. Times are Norwegian local time (`2027-03-01T09:00`) or carry an offset.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DialogueCreate {
    /// `conference`, `one_to_one_meetings` or `written_input`.
    pub kind: String,
    pub title: String,
    pub agenda: String,
    pub starts_at: String,
    pub ends_at: String,
    pub place: Option<String>,
    pub online_url: Option<String>,
    pub response_deadline: String,
    pub capacity: Option<i64>,
    /// `nb` (default) or `en`: the language of the invitations.
    pub language: Option<String>,
}

/// A dialogue event; public.
#[derive(Debug, Serialize, ToSchema)]
pub struct DialogueView {
    pub id: String,
    pub process_id: String,
    pub kind: String,
    pub title: String,
    pub agenda: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub place: Option<String>,
    pub online_url: Option<String>,
    pub response_deadline: DateTime<Utc>,
    pub capacity: Option<i64>,
    pub language: String,
}

impl From<&DialogueRow> for DialogueView {
    fn from(d: &DialogueRow) -> Self {
        DialogueView {
            id: d.id.clone(),
            process_id: d.process_id.clone(),
            kind: d.kind.clone(),
            title: d.title.clone(),
            agenda: d.agenda.clone(),
            starts_at: d.starts_at.and_utc(),
            ends_at: d.ends_at.and_utc(),
            place: d.place.clone(),
            online_url: d.online_url.clone(),
            response_deadline: d.response_deadline.and_utc(),
            capacity: d.capacity,
            language: d.language.clone(),
        }
    }
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

/// An invitation and its state.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationView {
    pub id: String,
    /// Empty for suppliers that registered without being in innolift.
    pub supplier_id: Option<String>,
    pub orgnr: String,
    /// `invited` or `registered` (on the event page).
    pub source: String,
    pub supplier_name: Option<String>,
    pub email: String,
    /// `queued`, `sent`, `failed`, `answered` or `unsubscribed`.
    pub status: String,
    /// Why it failed or was not sent.
    pub failure: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Invitations.
#[derive(Debug, Serialize, ToSchema)]
pub struct Invitations {
    pub items: Vec<InvitationView>,
}

/// One message of the record.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordEntry {
    /// `invitation`, and later reminders and published answers.
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub message_id: String,
    /// SHA-256 of the exact message sent.
    pub sha256: String,
    /// `queued`, `sent` or `failed`.
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub queued_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// What was sent to whom, and when.
#[derive(Debug, Serialize, ToSchema)]
pub struct Record {
    pub items: Vec<RecordEntry>,
}

/// The outbox, for administrators.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxReport {
    pub queued: i64,
    pub failed: i64,
    pub sent_last_minute: i64,
    pub sent_last_hour: i64,
}

/// Loads an event for one of its process's buyers or programme staff, or refuses.
fn insider_dialogue(
    conn: &mut crate::db::DbConn,
    caller: &Caller,
    id: &str,
) -> Result<DialogueRow, AppError> {
    let d = service::get(conn, id)?;
    let process = crate::app::processes::get(conn, &d.process_id)?;
    crate::app::processes::require_insider(conn, caller, &process)?;
    Ok(d)
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
    };
    let row = state
        .db
        .run(move |conn| service::create(conn, &caller, &id, new))
        .await?;
    Ok(HttpResponse::Created().json(DialogueView::from(&row)))
}

/// A dialogue event (public: no sign-in).
#[utoipa::path(get, path = "/api/v1/dialogues/{id}", tag = "dialogues", responses((status = 200, body = DialogueView), (status = 404, body = ErrorBody)))]
pub async fn get(
    state: web::Data<Context>,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner().to_string();
    let row = state.db.run(move |conn| service::get(conn, &id)).await?;
    Ok(HttpResponse::Ok().json(DialogueView::from(&row)))
}

/// Invite suppliers by email (the process's buyers).
#[utoipa::path(post, path = "/api/v1/dialogues/{id}/invitations", tag = "dialogues", security(("bearer" = [])), request_body = InvitationCreate,
    responses((status = 201, body = InvitationOutcomes), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
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
    let st = state.clone();
    let items = state
        .db
        .run(move |conn| {
            service::invite(conn, &caller, &st.settings, &st.tokens, &st.index, &id, who)
        })
        .await?;
    state.mailer.notify();
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
    let id = id.into_inner().to_string();
    let items = state
        .db
        .run(move |conn| {
            insider_dialogue(conn, &caller, &id)?;
            let rows = crate::db::dialogues::invitations(conn, &id)?;
            let names = crate::db::organisations::names(
                conn,
                &rows
                    .iter()
                    .filter_map(|r| r.supplier_id.clone())
                    .collect::<Vec<_>>(),
            )?;
            Ok::<_, AppError>(
                rows.into_iter()
                    .map(|r| InvitationView {
                        supplier_name: r.supplier_id.as_ref().and_then(|id| names.get(id).cloned()),
                        id: r.id,
                        supplier_id: r.supplier_id,
                        orgnr: r.orgnr,
                        source: r.source,
                        email: r.email,
                        status: r.status,
                        failure: r.failure,
                        created_at: r.created_at.and_utc(),
                        updated_at: r.updated_at.and_utc(),
                    })
                    .collect(),
            )
        })
        .await?;
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
    let id = id.into_inner().to_string();
    let items = state
        .db
        .run(move |conn| {
            insider_dialogue(conn, &caller, &id)?;
            Ok::<_, AppError>(
                crate::db::dialogues::outbox_of_dialogue(conn, &id)?
                    .into_iter()
                    .map(|m| RecordEntry {
                        kind: m.kind,
                        recipient: m.recipient,
                        subject: m.subject,
                        message_id: m.message_id,
                        sha256: m.sha256,
                        status: m.status,
                        attempts: m.attempts,
                        last_error: m.last_error,
                        queued_at: m.created_at.and_utc(),
                        sent_at: m.sent_at.map(|t| t.and_utc()),
                    })
                    .collect(),
            )
        })
        .await?;
    Ok(HttpResponse::Ok().json(Record { items }))
}

/// Outbox depth and send rate (administrators).
#[utoipa::path(get, path = "/api/v1/admin/outbox", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = OutboxReport), (status = 403, body = ErrorBody)))]
pub async fn outbox(state: web::Data<Context>, caller: Caller) -> Result<HttpResponse, AppError> {
    if !caller.is_admin() {
        return Err(AppError::forbidden(
            "only programme administrators can see this",
        ));
    }
    let (queued, failed, sent_last_minute, sent_last_hour) = state
        .db
        .run(|conn| crate::db::dialogues::outbox_stats(conn).map_err(AppError::from))
        .await?;
    Ok(HttpResponse::Ok().json(OutboxReport {
        queued,
        failed,
        sent_last_minute,
        sent_last_hour,
    }))
}

/// A supplier's answer, for the buyers.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnswerView {
    pub supplier_id: Option<String>,
    pub orgnr: String,
    pub supplier_name: Option<String>,
    pub email: String,
    pub answer: Option<String>,
    pub attendees: Option<i64>,
    pub comment: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
}

/// Answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct Answers {
    pub items: Vec<AnswerView>,
}

fn load_answers(
    conn: &mut crate::db::DbConn,
    caller: &Caller,
    id: &str,
) -> Result<Vec<AnswerView>, AppError> {
    // Answers and comments are confidential to the process's buyers (and programme staff).
    insider_dialogue(conn, caller, id)?;
    let rows = crate::db::dialogues::invitations(conn, id)?;
    let names = crate::db::organisations::names(
        conn,
        &rows
            .iter()
            .filter_map(|r| r.supplier_id.clone())
            .collect::<Vec<_>>(),
    )?;
    Ok(rows
        .into_iter()
        .filter(|r| r.answer.is_some())
        .map(|r| AnswerView {
            supplier_name: r.supplier_id.as_ref().and_then(|id| names.get(id).cloned()),
            supplier_id: r.supplier_id,
            orgnr: r.orgnr,
            email: r.email,
            answer: r.answer,
            attendees: r.attendees,
            comment: r.comment,
            answered_at: r.answered_at.map(|t| t.and_utc()),
        })
        .collect())
}

/// The suppliers' answers (the process's buyers and programme staff).
#[utoipa::path(get, path = "/api/v1/dialogues/{id}/answers", tag = "dialogues", security(("bearer" = [])),
    responses((status = 200, body = Answers), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn answers(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner().to_string();
    let items = state
        .db
        .run(move |conn| load_answers(conn, &caller, &id))
        .await?;
    Ok(HttpResponse::Ok().json(Answers { items }))
}

/// The answers as CSV, for a spreadsheet.
#[utoipa::path(get, path = "/api/v1/dialogues/{id}/answers.csv", tag = "dialogues", security(("bearer" = [])),
    responses((status = 200, description = "text/csv", content_type = "text/csv"), (status = 403, body = ErrorBody)))]
pub async fn answers_csv(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner().to_string();
    let items = state
        .db
        .run(move |conn| load_answers(conn, &caller, &id))
        .await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record([
        "supplier_id",
        "supplier_name",
        "email",
        "answer",
        "attendees",
        "comment",
        "answered_at",
    ]);
    for a in &items {
        // A leading =, +, - or @ would be a formula in a spreadsheet.
        let safe = |s: &str| {
            if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                format!("'{s}")
            } else {
                s.to_owned()
            }
        };
        let _ = writer.write_record([
            a.supplier_id.clone().unwrap_or_else(|| a.orgnr.clone()),
            safe(a.supplier_name.as_deref().unwrap_or("")),
            safe(&a.email),
            a.answer.clone().unwrap_or_default(),
            a.attendees.map(|n| n.to_string()).unwrap_or_default(),
            safe(a.comment.as_deref().unwrap_or("")),
            a.answered_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
        ]);
    }
    let body = writer
        .into_inner()
        .map_err(|e| AppError::internal(e.to_string()))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Content-Disposition", "attachment; filename=\"svar.csv\""))
        .body(body))
}

/// The buyers' answer to a question.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionAnswer {
    pub answer: String,
}

/// A question, for the buyers.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionView {
    pub id: String,
    pub question: String,
    /// Who asked (the buyers only see this; invitees get the question without it).
    pub asked_by_orgnr: Option<String>,
    pub answer: Option<String>,
    pub asked_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
}

/// Questions.
#[derive(Debug, Serialize, ToSchema)]
pub struct Questions {
    pub items: Vec<QuestionView>,
}

/// The questions asked (the process's buyers and programme staff).
#[utoipa::path(get, path = "/api/v1/dialogues/{id}/questions", tag = "dialogues", security(("bearer" = [])),
    responses((status = 200, body = Questions), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn questions(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner().to_string();
    let items = state
        .db
        .run(move |conn| {
            insider_dialogue(conn, &caller, &id)?;
            let invitations: std::collections::HashMap<String, String> =
                crate::db::dialogues::invitations(conn, &id)?
                    .into_iter()
                    .map(|i| (i.id, i.orgnr))
                    .collect();
            Ok::<_, AppError>(
                crate::db::dialogues::questions(conn, &id)?
                    .into_iter()
                    .map(|q| QuestionView {
                        asked_by_orgnr: invitations.get(&q.invitation_id).cloned(),
                        id: q.id,
                        question: q.question,
                        answer: q.answer,
                        asked_at: q.asked_at.and_utc(),
                        answered_at: q.answered_at.map(|t| t.and_utc()),
                    })
                    .collect(),
            )
        })
        .await?;
    Ok(HttpResponse::Ok().json(Questions { items }))
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
    let st = state.clone();
    state
        .db
        .run(move |conn| service::answer_question(conn, &caller, &st.settings, &id, &qid, &answer))
        .await?;
    state.mailer.notify();
    Ok(HttpResponse::Ok().json(serde_json::json!({"published": true})))
}

/// Routes under `/api/v1`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/processes/{id}/dialogues", web::post().to(create))
        .route("/dialogues/{id}", web::get().to(get))
        .route("/dialogues/{id}/invitations", web::post().to(invite))
        .route("/dialogues/{id}/invitations", web::get().to(invitations))
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
