//! Documents on the pages: the buyers upload, version, change, delete and publish on the process
//! page; invitees comment on a draft from their answer page. Every call goes through the same
//! documents service as the JSON API.

use std::collections::{BTreeMap, HashMap};

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use minijinja::Value;
use serde::{Deserialize, Serialize};

use super::error::WebError;
use super::forms::form_errors;
use super::i18n;
use super::processes::{parse_id, render_page, Failed};
use super::render;
use super::session::{Form, Visitor};
use crate::app::documents::consultation::NewComment;
use crate::app::documents::upload::Target;
use crate::app::documents::use_cases::{self as service, DocumentChange};
use crate::app::Context;
use crate::error::AppError;
use crate::http::files;

/// The process page again after a refused document form. A file too large or of a refused
/// type is said beside the file field, with the status the API would give.
async fn refused(
    state: &web::Data<Context>,
    v: &Visitor,
    id: &str,
    form: &'static str,
    typed: Value,
    e: AppError,
) -> Result<HttpResponse, WebError> {
    let words = i18n::words();
    let (errors, status) = match e {
        AppError::TooLarge { .. } => {
            let mb = state.settings.max_document_bytes / (1024 * 1024);
            let text = words
                .get(v.lang, "dialogues.docs.too_large")
                .replace("{mb}", &mb.to_string());
            (
                BTreeMap::from([("file".to_owned(), text)]),
                StatusCode::PAYLOAD_TOO_LARGE,
            )
        }
        AppError::Unsupported { .. } => (
            BTreeMap::from([(
                "file".to_owned(),
                words.get(v.lang, "dialogues.docs.unsupported").to_owned(),
            )]),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        e @ AppError::Conflict { .. } => (form_errors(v.lang, e)?, StatusCode::CONFLICT),
        e => (form_errors(v.lang, e)?, StatusCode::BAD_REQUEST),
    };
    render_page(
        state,
        v,
        id,
        None,
        Some(Failed {
            form,
            typed,
            errors,
            status,
        }),
    )
    .await
}

/// After a form on the process page: back to `back` with the message `flash` when the call
/// succeeded, else the page again with the refusal in the form `form` and what was typed.
async fn answer<T>(
    state: &web::Data<Context>,
    v: &Visitor,
    id: &str,
    done: Result<T, AppError>,
    (back, flash): (String, &'static str),
    (form, typed): (&'static str, Value),
) -> Result<HttpResponse, WebError> {
    match done {
        Ok(_) => Ok(render::see_other_with(v, &back, flash)),
        Err(e) => refused(state, v, id, form, typed, e).await,
    }
}

/// Reads a multipart form from the process page into the documents service, with its CSRF
/// token checked before a byte of the file is stored. Gives the document's id, or the refusal
/// with the text fields as typed.
async fn receive(
    state: &web::Data<Context>,
    req: &HttpRequest,
    v: &Visitor,
    target: Target,
    payload: Multipart,
) -> Result<Result<String, (AppError, Value)>, WebError> {
    let caller = v.require_user()?.caller.clone();
    let mut typed: HashMap<String, String> = HashMap::new();
    let mut forged = false;
    let received = files::receive(state, req, &caller, target, payload, |texts| {
        typed = texts.clone();
        typed.remove("csrf");
        if v.csrf_matches(texts.get("csrf").map_or("", String::as_str)) {
            Ok(())
        } else {
            forged = true;
            Err(AppError::forbidden(
                "the form is out of date; reload the page",
            ))
        }
    })
    .await;
    if forged {
        return Err(WebError::Csrf);
    }
    Ok(received.map_err(|e| (e, Value::from_serialize(&typed))))
}

/// A new document from the process page's upload form.
pub async fn upload(
    state: web::Data<Context>,
    req: HttpRequest,
    v: Visitor,
    id: web::Path<String>,
    payload: Multipart,
) -> Result<HttpResponse, WebError> {
    let id = parse_id(&id)?;
    let target = Target::Process(id.clone());
    match receive(&state, &req, &v, target, payload).await? {
        Ok(doc) => Ok(render::see_other_with(
            &v,
            &format!("/processes/{id}#doc-{doc}"),
            "document_uploaded",
        )),
        Err((e, typed)) => refused(&state, &v, &id, "document", typed, e).await,
    }
}

/// A new version of a document from its form on the process page.
pub async fn add_version(
    state: web::Data<Context>,
    req: HttpRequest,
    v: Visitor,
    path: web::Path<(String, String)>,
    payload: Multipart,
) -> Result<HttpResponse, WebError> {
    let (id, doc) = path.into_inner();
    let (id, doc) = (parse_id(&id)?, parse_id(&doc)?);
    let target = Target::Document(doc.clone());
    match receive(&state, &req, &v, target, payload).await? {
        Ok(_) => Ok(render::see_other_with(
            &v,
            &format!("/processes/{id}#doc-{doc}"),
            "version_uploaded",
        )),
        Err((e, _)) => {
            let typed = typed_with(&serde_json::json!({}), "document_id", &doc);
            refused(&state, &v, &id, "version", typed, e).await
        }
    }
}

/// A document's title, visibility and consultation deadline, as posted.
#[derive(Debug, Deserialize, Serialize)]
pub struct ChangeForm {
    pub title: Option<String>,
    pub visibility: Option<String>,
    /// Empty ends the consultation deadline.
    pub comments_until: Option<String>,
}

/// Saves the change form of a document.
pub async fn change(
    state: web::Data<Context>,
    v: Visitor,
    path: web::Path<(String, String)>,
    Form(f): Form<ChangeForm>,
) -> Result<HttpResponse, WebError> {
    let caller = v.require_user()?.caller.clone();
    let (id, doc) = path.into_inner();
    let (id, doc) = (parse_id(&id)?, parse_id(&doc)?);
    let change = DocumentChange {
        title: f.title.clone(),
        visibility: f.visibility.clone(),
        comments_until: f.comments_until.as_ref().map(|s| s.trim().to_owned()),
    };
    let done = service::update(&state, &caller, &doc, change).await;
    let back = (format!("/processes/{id}#doc-{doc}"), "document_changed");
    let typed = typed_with(&f, "document_id", &doc);
    answer(&state, &v, &id, done, back, ("change", typed)).await
}

/// What was typed, with the id of what it was typed for, so the page opens the right form.
fn typed_with<T: Serialize>(form: &T, key: &str, id: &str) -> Value {
    let mut json = serde_json::to_value(form).unwrap_or_default();
    if let Some(map) = json.as_object_mut() {
        map.insert(key.to_owned(), id.into());
    }
    Value::from_serialize(&json)
}

/// Deletes a document: it is hidden, and the record keeps its versions' hashes.
pub async fn delete(
    state: web::Data<Context>,
    v: Visitor,
    path: web::Path<(String, String)>,
    Form(_): Form<serde::de::IgnoredAny>,
) -> Result<HttpResponse, WebError> {
    let caller = v.require_user()?.caller.clone();
    let (id, doc) = path.into_inner();
    let (id, doc) = (parse_id(&id)?, parse_id(&doc)?);
    service::delete(&state, &caller, &doc).await?;
    Ok(render::see_other_with(
        &v,
        &format!("/processes/{id}#process-docs"),
        "document_deleted",
    ))
}

/// A text to publish: a consultation summary or the minutes.
#[derive(Debug, Deserialize, Serialize)]
pub struct TextForm {
    pub text: Option<String>,
}

/// Publishes the buyers' response to a consultation, once its deadline has passed.
pub async fn consultation_summary(
    state: web::Data<Context>,
    v: Visitor,
    path: web::Path<(String, String)>,
    Form(f): Form<TextForm>,
) -> Result<HttpResponse, WebError> {
    let caller = v.require_user()?.caller.clone();
    let (id, doc) = path.into_inner();
    let (id, doc) = (parse_id(&id)?, parse_id(&doc)?);
    let text = f.text.clone().unwrap_or_default();
    let done = service::consultation_summary(&state, &caller, &doc, text).await;
    let back = (format!("/processes/{id}#doc-{doc}"), "summary_published");
    let typed = typed_with(&f, "document_id", &doc);
    answer(&state, &v, &id, done, back, ("summary", typed)).await
}

/// Publishes the minutes of a dialogue event.
pub async fn minutes(
    state: web::Data<Context>,
    v: Visitor,
    path: web::Path<(String, String)>,
    Form(f): Form<TextForm>,
) -> Result<HttpResponse, WebError> {
    let caller = v.require_user()?.caller.clone();
    let (id, event) = path.into_inner();
    let (id, event) = (parse_id(&id)?, parse_id(&event)?);
    let text = f.text.clone().unwrap_or_default();
    let done = service::minutes(&state, &caller, &event, text).await;
    let back = (
        format!("/processes/{id}#event-{event}"),
        "minutes_published",
    );
    let typed = typed_with(&f, "event_id", &event);
    answer(&state, &v, &id, done, back, ("minutes", typed)).await
}

/// A consultation comment from the answer page.
#[derive(Debug, Deserialize)]
pub struct CommentForm {
    pub document_id: Option<String>,
    pub version: Option<String>,
    pub section: Option<String>,
    pub text: Option<String>,
}

/// An invitee comments on a draft through its link; only the buyers read it.
pub async fn comment(
    state: web::Data<Context>,
    v: Visitor,
    token: web::Path<String>,
    Form(f): Form<CommentForm>,
) -> Result<HttpResponse, WebError> {
    let token = token.into_inner();
    let doc = parse_id(f.document_id.as_deref().unwrap_or(""))?;
    let version = match f.version.as_deref().map(str::trim).map(str::parse::<i64>) {
        Some(Ok(n)) => n,
        // The form always sends the version it shows; anything else is no version.
        _ => 0,
    };
    let new = NewComment {
        document_id: doc.clone(),
        version,
        section: f.section.unwrap_or_default(),
        text: f.text.unwrap_or_default(),
    };
    match service::comment(&state, &token, new).await {
        Ok(_) => Ok(render::see_other_with(
            &v,
            &format!("/rsvp/{token}#doc-{doc}"),
            "comment_sent",
        )),
        Err(AppError::NotFound(_)) => Err(WebError::NotFound),
        Err(e) => super::public::rsvp_refused(&state, &v, &token, "comment", e).await,
    }
}

/// Routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/processes/{id}/documents", web::post().to(upload))
        .route(
            "/processes/{id}/documents/{doc}/versions",
            web::post().to(add_version),
        )
        .route(
            "/processes/{id}/documents/{doc}/change",
            web::post().to(change),
        )
        .route(
            "/processes/{id}/documents/{doc}/delete",
            web::post().to(delete),
        )
        .route(
            "/processes/{id}/documents/{doc}/summary",
            web::post().to(consultation_summary),
        )
        .route(
            "/processes/{id}/events/{event}/minutes",
            web::post().to(minutes),
        )
        .route("/rsvp/{token}/comments", web::post().to(comment));
}
