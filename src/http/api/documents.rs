//! Documents of joint processes: upload and versions (multipart), listing and download, changes
//! and deletion; the consultation's comments (also as CSV) and its summary; an event's minutes;
//! and an invitee's documents and comments behind its answer link.

use actix_multipart::Multipart;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::error::ErrorBody;
use super::json::ApiJson;
use super::spreadsheet::{is_excel, text_cell as safe, Csv, CsvQuery};
use crate::app::dialogues::format_oslo;
use crate::app::documents::consultation::{BuyerComments, CommentView, Comments, NewComment};
use crate::app::documents::upload::Target;
use crate::app::documents::use_cases::{self as service, DocumentChange, Published};
use crate::app::documents::{DocumentView, Documents};
use crate::app::Context;
use crate::caller::Caller;
use crate::error::AppError;
use crate::http::files;

/// An upload (`multipart/form-data`): `file`, and for a new document `title`, `visibility`
/// (`buyers`, `invitees` or `public`; default `buyers`), `dialogue_id` (needed for `invitees`
/// and for a consultation) and `comments_until`.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct DocumentUpload {
    /// PDF, DOCX, XLSX, ODT, ODS, TXT, PNG or JPEG, told by content; at most 20 MB by default.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    pub title: Option<String>,
    pub visibility: Option<String>,
    pub dialogue_id: Option<String>,
    /// Until when invitees may comment (Norwegian time or with an offset).
    pub comments_until: Option<String>,
}

async fn optional_caller(state: &Context, req: &HttpRequest) -> Result<Option<Caller>, AppError> {
    match crate::http::extract::bearer_token(req)? {
        Some(token) => Ok(Some(crate::app::auth::authenticate(state, token).await?)),
        None => Ok(None),
    }
}

/// Upload a document to a process (its buyers). Invitees of its event whose invitation was
/// delivered are told by email when they may see it.
#[utoipa::path(post, path = "/api/v1/processes/{id}/documents", tag = "documents", security(("bearer" = [])),
    request_body(content = DocumentUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = DocumentView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody)))]
pub async fn upload(
    state: web::Data<Context>,
    req: HttpRequest,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let target = Target::Process(id.into_inner().to_string());
    stored(&state, &req, &caller, target, payload).await
}

/// Receives an upload into `target` and answers 201 with the document as its caller sees it.
async fn stored(
    state: &Context,
    req: &HttpRequest,
    caller: &Caller,
    target: Target,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let doc = files::receive(state, req, caller, target, payload, |_| Ok(())).await?;
    Ok(HttpResponse::Created().json(service::get(state, Some(caller), &doc).await?))
}

/// Add a version to a document (its process's buyers): `multipart/form-data` with `file`.
#[utoipa::path(post, path = "/api/v1/documents/{id}/versions", tag = "documents", security(("bearer" = [])),
    request_body(content = DocumentUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = DocumentView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody)))]
pub async fn add_version(
    state: web::Data<Context>,
    req: HttpRequest,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let target = Target::Document(id.into_inner().to_string());
    stored(&state, &req, &caller, target, payload).await
}

/// The documents of a process, each as the caller may see it: the buyers see all; an invitee's
/// organisation its event's `invitees` documents; anyone the `public` ones.
#[utoipa::path(get, path = "/api/v1/processes/{id}/documents", tag = "documents", security((), ("bearer" = [])),
    responses((status = 200, body = Documents), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list(
    state: web::Data<Context>,
    req: HttpRequest,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, AppError> {
    let caller = optional_caller(&state, &req).await?;
    let items = service::list(&state, caller.as_ref(), &id.to_string()).await?;
    Ok(HttpResponse::Ok().json(Documents { items }))
}

/// Which version to download.
#[derive(Debug, Deserialize, IntoParams)]
pub struct VersionQuery {
    /// A version number; the newest without it.
    #[param(minimum = 1)]
    pub version: Option<i64>,
}

/// Download a document's newest version, or `?version=N`, as an attachment with its SHA-256
/// as the `ETag`. 404 for anyone who may not see it, whatever the id.
#[utoipa::path(get, path = "/api/v1/documents/{id}", tag = "documents", params(VersionQuery), security((), ("bearer" = [])),
    responses((status = 200, description = "the file", content_type = "application/octet-stream"), (status = 304, description = "unchanged since the ETag sent"), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn download(
    state: web::Data<Context>,
    req: HttpRequest,
    id: web::Path<uuid::Uuid>,
    q: web::Query<VersionQuery>,
) -> Result<HttpResponse, AppError> {
    let caller = optional_caller(&state, &req).await?;
    let d = service::open(&state, caller.as_ref(), &id.to_string(), q.version).await?;
    Ok(files::send(&req, &state, d))
}

/// Changes to a document; absent fields stay. An empty `comments_until` ends the consultation
/// deadline.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentUpdate {
    pub title: Option<String>,
    /// `buyers`, `invitees` or `public`.
    pub visibility: Option<String>,
    pub comments_until: Option<String>,
}

/// Change a document's title, visibility or consultation deadline (its process's buyers).
#[utoipa::path(patch, path = "/api/v1/documents/{id}", tag = "documents", security(("bearer" = [])), request_body = DocumentUpdate,
    responses((status = 200, body = DocumentView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 415, body = ErrorBody)))]
pub async fn update(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    body: ApiJson<DocumentUpdate>,
) -> Result<HttpResponse, AppError> {
    let b = body.0;
    let change = DocumentChange {
        title: b.title,
        visibility: b.visibility,
        comments_until: b.comments_until,
    };
    Ok(HttpResponse::Ok().json(service::update(&state, &caller, &id.to_string(), change).await?))
}

/// Delete a document (its process's buyers): it is hidden and its bytes dropped; the event's
/// record keeps every version's SHA-256.
#[utoipa::path(delete, path = "/api/v1/documents/{id}", tag = "documents", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, AppError> {
    service::delete(&state, &caller, &id.to_string()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Every comment on a document, by section and supplier (the process's buyers).
#[utoipa::path(get, path = "/api/v1/documents/{id}/comments", tag = "documents", security(("bearer" = [])),
    responses((status = 200, body = BuyerComments), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn comments(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::all_comments(&state, &caller, &id.to_string()).await?))
}

/// Every comment on a document as CSV: section, supplier, organisation number, version, comment
/// and time. `?dialect=excel` for Norwegian Excel.
#[utoipa::path(get, path = "/api/v1/documents/{id}/comments.csv", tag = "documents", security(("bearer" = [])), params(CsvQuery),
    responses((status = 200, description = "CSV", content_type = "text/csv"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn comments_csv(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    q: web::Query<CsvQuery>,
) -> Result<HttpResponse, AppError> {
    let excel = is_excel(q.dialect.as_deref())?;
    let all = service::all_comments(&state, &caller, &id.to_string()).await?;
    let mut csv = Csv::new(excel);
    csv.row([
        "section", "supplier", "orgnr", "version", "comment", "sent_at",
    ])?;
    for c in &all.items {
        csv.row([
            safe(&c.comment.section),
            safe(c.supplier_name.as_deref().unwrap_or("")),
            c.orgnr.clone(),
            c.comment.version.to_string(),
            safe(&c.comment.text),
            format_oslo(c.comment.created_at.naive_utc()),
        ])?;
    }
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"kommentarer.csv\"",
        ))
        .body(csv.finish()?))
}

/// A published text.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishText {
    #[schema(min_length = 1, max_length = 50000)]
    pub text: String,
}

/// Publish the anonymised response to a consultation, after its deadline (the process's
/// buyers): by email to every delivered invitee and on the event page, kept with its SHA-256.
#[utoipa::path(post, path = "/api/v1/documents/{id}/consultation-summary", tag = "documents", security(("bearer" = [])), request_body = PublishText,
    responses((status = 201, body = Published), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 415, body = ErrorBody)))]
pub async fn consultation_summary(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    body: ApiJson<PublishText>,
) -> Result<HttpResponse, AppError> {
    let p = service::consultation_summary(&state, &caller, &id.to_string(), body.0.text).await?;
    Ok(HttpResponse::Created().json(p))
}

/// Publish the minutes of an event (the process's buyers): by email to every delivered invitee
/// and on the public event page, kept with its SHA-256.
#[utoipa::path(post, path = "/api/v1/dialogues/{id}/summary", tag = "documents", security(("bearer" = [])), request_body = PublishText,
    responses((status = 201, body = Published), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 415, body = ErrorBody)))]
pub async fn minutes(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    body: ApiJson<PublishText>,
) -> Result<HttpResponse, AppError> {
    let p = service::minutes(&state, &caller, &id.to_string(), body.0.text).await?;
    Ok(HttpResponse::Created().json(p))
}

/// Download a document through an answer link: the event's `invitees` and `public` documents.
#[utoipa::path(get, path = "/api/v1/rsvp/{token}/documents/{id}", tag = "rsvp", params(VersionQuery),
    responses((status = 200, description = "the file", content_type = "application/octet-stream"), (status = 304, description = "unchanged since the ETag sent"), (status = 404, body = ErrorBody)))]
pub async fn rsvp_download(
    state: web::Data<Context>,
    req: HttpRequest,
    path: web::Path<(String, uuid::Uuid)>,
    q: web::Query<VersionQuery>,
) -> Result<HttpResponse, AppError> {
    let (token, id) = path.into_inner();
    let d = service::open_by_token(&state, &token, &id.to_string(), q.version).await?;
    Ok(files::send(&req, &state, d))
}

/// A comment on a draft, through an answer link.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RsvpComment {
    pub document_id: String,
    pub version: i64,
    /// Free text such as "3.2"; empty for the document as a whole.
    #[serde(default)]
    pub section: String,
    #[schema(min_length = 1, max_length = 10000)]
    pub text: String,
}

/// Comment on a draft until its `comments_until`; 409 after it. Only the process's buyers see
/// the comment.
#[utoipa::path(post, path = "/api/v1/rsvp/{token}/comments", tag = "rsvp", request_body = RsvpComment,
    responses((status = 201, body = CommentView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 415, body = ErrorBody)))]
pub async fn rsvp_comment(
    state: web::Data<Context>,
    token: web::Path<String>,
    body: ApiJson<RsvpComment>,
) -> Result<HttpResponse, AppError> {
    let b = body.0;
    let new = NewComment {
        document_id: b.document_id,
        version: b.version,
        section: b.section,
        text: b.text,
    };
    Ok(HttpResponse::Created().json(service::comment(&state, &token, new).await?))
}

/// The comments this invitee sent; nobody else's.
#[utoipa::path(get, path = "/api/v1/rsvp/{token}/comments", tag = "rsvp",
    responses((status = 200, body = Comments), (status = 404, body = ErrorBody)))]
pub async fn rsvp_comments(
    state: web::Data<Context>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let items = service::own_comments(&state, &token).await?;
    Ok(HttpResponse::Ok().json(Comments { items }))
}

/// Routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/processes/{id}/documents", web::post().to(upload))
        .route("/processes/{id}/documents", web::get().to(list))
        .route("/documents/{id}", web::get().to(download))
        .route("/documents/{id}", web::delete().to(delete))
        .route("/documents/{id}", web::patch().to(update))
        .route("/documents/{id}/versions", web::post().to(add_version))
        .route("/documents/{id}/comments", web::get().to(comments))
        .route("/documents/{id}/comments.csv", web::get().to(comments_csv))
        .route(
            "/documents/{id}/consultation-summary",
            web::post().to(consultation_summary),
        )
        .route("/dialogues/{id}/summary", web::post().to(minutes))
        .route("/rsvp/{token}/documents/{id}", web::get().to(rsvp_download))
        .route("/rsvp/{token}/comments", web::post().to(rsvp_comment))
        .route("/rsvp/{token}/comments", web::get().to(rsvp_comments));
}
