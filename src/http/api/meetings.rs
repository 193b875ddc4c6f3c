//! One-to-one meetings for the process's buyers: the slot grid, the lottery and its published
//! record, the agenda (also as CSV), and moving, cancelling and annotating a meeting.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use super::error::ErrorBody;
use super::json::ApiJson;
use super::spreadsheet::{is_excel, text_cell as safe, Csv, CsvQuery};
use crate::app::dialogues::format_oslo;
use crate::app::meetings::agenda::{Agenda, AgendaItem, MeetingChange};
use crate::app::meetings::allocation::AllocationRecord;
use crate::app::meetings::slots::NewGrid;
use crate::app::meetings::use_cases as service;
use crate::app::meetings::Slots;
use crate::app::Context;
use crate::caller::Caller;
use crate::error::AppError;

/// A grid of slots: `parallel` tables at once, meetings of `meeting_minutes` with
/// `break_minutes` between them, from `starts_at` until no further meeting fits before
/// `ends_at`. Times are Norwegian local time (`2027-03-01T09:00`) or carry an offset.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlotGrid {
    pub starts_at: String,
    pub ends_at: String,
    /// 5 to 480.
    #[schema(minimum = 5, maximum = 480)]
    pub meeting_minutes: i64,
    /// 0 to 240.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 240)]
    pub break_minutes: i64,
    /// Tables at once, 1 to 50.
    #[schema(minimum = 1, maximum = 50)]
    pub parallel: i64,
    /// The number of the first table (default 1), to add tables beside an existing grid.
    #[schema(minimum = 1, maximum = 50)]
    pub first_table: Option<i64>,
}

/// Lay out slots for one-to-one meetings (the process's buyers). Slots on one table may not
/// overlap.
#[utoipa::path(post, path = "/api/v1/dialogues/{id}/slots", tag = "meetings", security(("bearer" = [])), request_body = SlotGrid,
    responses((status = 201, body = Slots), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 415, body = ErrorBody)))]
pub async fn create_slots(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    body: ApiJson<SlotGrid>,
) -> Result<HttpResponse, AppError> {
    let b = body.0;
    let grid = NewGrid {
        starts_at: b.starts_at,
        ends_at: b.ends_at,
        meeting_minutes: b.meeting_minutes,
        break_minutes: b.break_minutes,
        parallel: b.parallel,
        first_table: b.first_table,
    };
    let slots = service::create_slots(&state, &caller, &id.into_inner().to_string(), grid).await?;
    Ok(HttpResponse::Created().json(slots))
}

/// The slots with who booked each (the process's buyers and programme staff).
#[utoipa::path(get, path = "/api/v1/dialogues/{id}/slots", tag = "meetings", security(("bearer" = [])),
    responses((status = 200, body = Slots), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn slots(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, AppError> {
    let slots = service::slots(&state, &caller, &id.into_inner().to_string()).await?;
    Ok(HttpResponse::Ok().json(slots))
}

/// Delete a free slot (the process's buyers); a booked one gives 409.
#[utoipa::path(delete, path = "/api/v1/dialogues/{id}/slots/{slot_id}", tag = "meetings", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete_slot(
    state: web::Data<Context>,
    caller: Caller,
    path: web::Path<(uuid::Uuid, uuid::Uuid)>,
) -> Result<HttpResponse, AppError> {
    let (id, slot_id) = path.into_inner();
    service::delete_slot(&state, &caller, &id.to_string(), &slot_id.to_string()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Run the lottery now, before its deadline (the process's buyers). It runs once; the answer is
/// the published record.
#[utoipa::path(post, path = "/api/v1/dialogues/{id}/allocate", tag = "meetings", security(("bearer" = [])),
    responses((status = 200, body = AllocationRecord), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn allocate(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, AppError> {
    let record = service::allocate(&state, &caller, &id.into_inner().to_string()).await?;
    Ok(HttpResponse::Ok().json(record))
}

/// The record of the lottery (public: no sign-in): the seed, the slots, every ranking by
/// invitation id and the result, so that anyone can rerun it. 404 before it has run.
#[utoipa::path(get, path = "/api/v1/dialogues/{id}/allocation", tag = "meetings",
    responses((status = 200, body = AllocationRecord), (status = 404, body = ErrorBody)))]
pub async fn allocation(
    state: web::Data<Context>,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, AppError> {
    let record = service::allocation(&state, &id.into_inner().to_string()).await?;
    Ok(HttpResponse::Ok().json(record))
}

/// The agenda: time, table, supplier, contact and its answer (the process's buyers and
/// programme staff; the notes only for the buyers).
#[utoipa::path(get, path = "/api/v1/dialogues/{id}/meetings", tag = "meetings", security(("bearer" = [])),
    responses((status = 200, body = Agenda), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn agenda(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, AppError> {
    let agenda = service::agenda(&state, &caller, &id.into_inner().to_string()).await?;
    Ok(HttpResponse::Ok().json(agenda))
}

/// The agenda as CSV, times in Norwegian time; `dialect=excel` for Norwegian Excel.
#[utoipa::path(get, path = "/api/v1/dialogues/{id}/meetings.csv", tag = "meetings", security(("bearer" = [])), params(CsvQuery),
    responses((status = 200, description = "text/csv", content_type = "text/csv"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn agenda_csv(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    query: web::Query<CsvQuery>,
) -> Result<HttpResponse, AppError> {
    let excel = is_excel(query.dialect.as_deref())?;
    let agenda = service::agenda(&state, &caller, &id.into_inner().to_string()).await?;
    let mut out = Csv::new(excel);
    out.row([
        "starts",
        "ends",
        "table",
        "status",
        "supplier_name",
        "orgnr",
        "email",
        "answer",
        "notes",
    ])?;
    for i in &agenda.items {
        out.row([
            format_oslo(i.meeting.starts_at.naive_utc()),
            format_oslo(i.meeting.ends_at.naive_utc()),
            i.meeting.table.to_string(),
            i.meeting.status.clone(),
            safe(&i.supplier_name),
            i.orgnr.clone(),
            safe(&i.email),
            i.answer.clone().unwrap_or_default(),
            safe(i.notes.as_deref().unwrap_or("")),
        ])?;
    }
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Content-Disposition", "attachment; filename=\"moter.csv\""))
        .body(out.finish()?))
}

/// A change to a meeting: another slot (the supplier gets an updated calendar entry), notes
/// (seen only by the process's buyers; empty removes them), or both.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingUpdate {
    pub slot_id: Option<String>,
    #[schema(max_length = 10000)]
    pub notes: Option<String>,
}

/// Move a meeting or write notes on it (the process's buyers).
#[utoipa::path(patch, path = "/api/v1/meetings/{id}", tag = "meetings", security(("bearer" = [])), request_body = MeetingUpdate,
    responses((status = 200, body = AgendaItem), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 415, body = ErrorBody)))]
pub async fn update(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    body: ApiJson<MeetingUpdate>,
) -> Result<HttpResponse, AppError> {
    let b = body.0;
    let change = MeetingChange {
        slot_id: b.slot_id,
        notes: b.notes,
    };
    let item =
        service::change_meeting(&state, &caller, &id.into_inner().to_string(), change).await?;
    Ok(HttpResponse::Ok().json(item))
}

/// Cancel a meeting (the process's buyers); the supplier gets the calendar cancellation.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/cancel", tag = "meetings", security(("bearer" = [])),
    responses((status = 200, body = AgendaItem), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn cancel(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, AppError> {
    let item = service::cancel_meeting(&state, &caller, &id.into_inner().to_string()).await?;
    Ok(HttpResponse::Ok().json(item))
}

/// The routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/dialogues/{id}/slots", web::post().to(create_slots))
        .route("/dialogues/{id}/slots", web::get().to(slots))
        .route(
            "/dialogues/{id}/slots/{slot_id}",
            web::delete().to(delete_slot),
        )
        .route("/dialogues/{id}/allocate", web::post().to(allocate))
        .route("/dialogues/{id}/allocation", web::get().to(allocation))
        .route("/dialogues/{id}/meetings", web::get().to(agenda))
        .route("/dialogues/{id}/meetings.csv", web::get().to(agenda_csv))
        .route("/meetings/{id}", web::patch().to(update))
        .route("/meetings/{id}/cancel", web::post().to(cancel));
}
