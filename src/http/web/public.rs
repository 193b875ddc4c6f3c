//! Public pages without sign-in: a dialogue event with registration of interest, the answer page
//! behind an invitation link (the link is the key), and unsubscribing.

use std::collections::BTreeMap;

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use minijinja::{context, Value};
use serde::Deserialize;

use super::error::WebError;
use super::i18n;
use super::render;
use super::session::{self, Form, Visitor};
use crate::app::dialogues::public::{self as service, Invitation, PublicEvent, PublishedQuestion};
use crate::app::dialogues::registration::Registered;
use crate::app::Context;
use crate::db::dialogues::{DialogueRow, InvitationRow};
use crate::error::AppError;

fn event_ctx(d: &DialogueRow) -> Value {
    context! {
        id => d.id, title => d.title, kind => d.kind, agenda => d.agenda,
        starts_at => d.starts_at.and_utc().to_rfc3339(), ends_at => d.ends_at.and_utc().to_rfc3339(),
        deadline => d.response_deadline.and_utc().to_rfc3339(), place => d.place, online_url => d.online_url,
        open => service::is_open(d),
        cancelled => d.cancelled_at.is_some(), cancel_reason => d.cancel_reason,
    }
}

/// A short page with a heading and a few paragraphs, all from word keys.
fn message(
    v: &Visitor,
    status: StatusCode,
    title: &str,
    paragraphs: &[String],
) -> Result<HttpResponse, WebError> {
    render::page(
        v,
        status,
        "message.html",
        context! { title => title, paragraphs => paragraphs },
    )
}

fn word(v: &Visitor, key: &str) -> String {
    i18n::words().get(v.lang, key).to_owned()
}

async fn load_event(state: &Context, id: &str) -> Result<PublicEvent, WebError> {
    let id = uuid::Uuid::parse_str(id.trim())
        .map_err(|_| WebError::NotFound)?
        .to_string();
    service::public_event(state, &id)
        .await?
        .ok_or(WebError::NotFound)
}

fn event_page(
    v: &Visitor,
    status: StatusCode,
    e: &PublicEvent,
    form: &RegisterForm,
    errors: BTreeMap<String, String>,
) -> Result<HttpResponse, WebError> {
    render::page(
        v,
        status,
        "event.html",
        context! {
            event => event_ctx(&e.event),
            questions => &e.questions,
            documents => &e.documents,
            publications => &e.publications,
            form => form,
            errors => errors,
        },
    )
}

/// The public page of an event: what, when, where, published questions and answers, and
/// registration for suppliers without an invitation.
pub async fn event(
    state: web::Data<Context>,
    v: Visitor,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let e = load_event(&state, &id).await?;
    event_page(
        &v,
        StatusCode::OK,
        &e,
        &RegisterForm::default(),
        BTreeMap::new(),
    )
}

/// Registration of interest, as posted.
#[derive(Debug, Default, Deserialize, serde::Serialize)]
pub struct RegisterForm {
    pub orgnr: Option<String>,
    pub email: Option<String>,
}

/// Registration of interest from the public page; limited per client address against floods.
pub async fn register(
    state: web::Data<Context>,
    v: Visitor,
    req: HttpRequest,
    id: web::Path<String>,
    Form(f): Form<RegisterForm>,
) -> Result<HttpResponse, WebError> {
    let page = load_event(&state, &id).await?;
    let d = &page.event;
    let address = crate::http::extract::client_address(&req);
    let orgnr = f.orgnr.clone().unwrap_or_default();
    let email = f.email.clone().unwrap_or_default();
    let outcome = service::register_interest(&state, &d.id, &orgnr, &email, &address).await;
    match outcome {
        Ok(Registered::ConfirmFirst) => message(
            &v,
            StatusCode::OK,
            &d.title,
            &[word(&v, "dialogues.confirm_first")],
        ),
        Ok(_) => message(
            &v,
            StatusCode::OK,
            &d.title,
            &[word(&v, "dialogues.registered")],
        ),
        Err(AppError::Conflict { message: m, .. }) => message(
            &v,
            StatusCode::GONE,
            &d.title,
            &[word(&v, "errors.410.text"), m],
        ),
        Err(err) => {
            let errors = super::forms::form_errors(v.lang, err)?;
            event_page(&v, StatusCode::BAD_REQUEST, &page, &f, errors)
        }
    }
}

/// The answer form, as posted.
#[derive(Debug, Default, Deserialize, serde::Serialize)]
pub struct RsvpForm {
    pub answer: Option<String>,
    pub attendees: Option<String>,
    pub comment: Option<String>,
}

async fn lookup(state: &Context, token: &str) -> Result<Invitation, WebError> {
    service::invitation(state, token)
        .await?
        .ok_or(WebError::NotFound)
}

#[allow(clippy::too_many_arguments)]
async fn rsvp_page(
    state: &Context,
    v: &Visitor,
    status: StatusCode,
    token: &str,
    d: &DialogueRow,
    inv: &InvitationRow,
    qa: &[PublishedQuestion],
    errors: BTreeMap<String, String>,
) -> Result<HttpResponse, WebError> {
    // The same offer and slots as `GET /api/v1/rsvp/{token}` gives, taken slots without names.
    let meetings = crate::app::meetings::use_cases::supplier_view(state, token).await?;
    let mut response = render::page(
        v,
        status,
        "rsvp.html",
        context! {
            token => token, event => event_ctx(d), questions => qa, errors => errors,
            form => context! { answer => inv.answer, attendees => inv.attendees, comment => inv.comment },
            booking => meetings.booking, slots => meetings.slots, meetings => meetings.meetings,
            ranking => meetings.ranking, documents => meetings.documents,
            comments => meetings.comments, publications => meetings.publications,
        },
    )?;
    // The link is a key: keep it out of caches and out of Referer headers to other sites.
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        header::HeaderValue::from_static("no-referrer"),
    );
    Ok(response)
}

/// The answer page again after a refused booking or comment, with the reason in the
/// visitor's words in that form's section (`booking` or `comment`).
pub(super) async fn rsvp_refused(
    state: &Context,
    v: &Visitor,
    token: &str,
    section: &str,
    e: AppError,
) -> Result<HttpResponse, WebError> {
    let status = match &e {
        AppError::Conflict { .. } => StatusCode::CONFLICT,
        _ => StatusCode::BAD_REQUEST,
    };
    let mut errors = super::forms::form_errors(v.lang, e)?;
    // A form's problems show in its own section, whatever field they name.
    let text: Vec<String> = std::mem::take(&mut errors).into_values().collect();
    errors.insert(section.to_owned(), text.join(" "));
    let found = lookup(state, token).await?;
    rsvp_page(
        state,
        v,
        status,
        token,
        &found.event,
        &found.invitation,
        &found.questions,
        errors,
    )
    .await
}

/// The answer page behind an invitation link. No sign-in: the link is the key.
pub async fn rsvp(
    state: web::Data<Context>,
    v: Visitor,
    token: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let token = token.into_inner();
    let Invitation {
        invitation: inv,
        event: d,
        questions: qa,
    } = lookup(&state, &token).await?;
    if d.cancelled_at.is_some() {
        return message(
            &v,
            StatusCode::GONE,
            &d.title,
            &[
                word(&v, "dialogues.cancelled"),
                d.cancel_reason.clone().unwrap_or_default(),
            ],
        );
    }
    // After the answer deadline, a supplier with meetings still sees them on its page.
    let has_meetings = crate::app::meetings::use_cases::has_offer(&state, &d.id).await?;
    if !service::is_open(&d) && !has_meetings {
        return message(
            &v,
            StatusCode::GONE,
            &d.title,
            &[word(&v, "dialogues.deadline_passed")],
        );
    }
    rsvp_page(
        &state,
        &v,
        StatusCode::OK,
        &token,
        &d,
        &inv,
        &qa,
        BTreeMap::new(),
    )
    .await
}

/// Receives the answer form.
pub async fn rsvp_answer(
    state: web::Data<Context>,
    v: Visitor,
    token: web::Path<String>,
    Form(f): Form<RsvpForm>,
) -> Result<HttpResponse, WebError> {
    let token = token.into_inner();
    let outcome = service::answer_invitation(
        &state,
        &token,
        f.answer.unwrap_or_default(),
        f.attendees,
        f.comment,
    )
    .await;
    match outcome {
        Ok(d) => message(
            &v,
            StatusCode::OK,
            &d.title,
            &[word(&v, "dialogues.answer_saved")],
        ),
        Err(AppError::Conflict { .. }) => {
            let d = lookup(&state, &token).await?.event;
            message(
                &v,
                StatusCode::GONE,
                &d.title,
                &[word(&v, "dialogues.deadline_passed")],
            )
        }
        Err(AppError::NotFound(_)) => Err(WebError::NotFound),
        Err(e) => {
            let errors = super::forms::form_errors(v.lang, e)?;
            let found = lookup(&state, &token).await?;
            rsvp_page(
                &state,
                &v,
                StatusCode::BAD_REQUEST,
                &token,
                &found.event,
                &found.invitation,
                &found.questions,
                errors,
            )
            .await
        }
    }
}

/// A question, as posted.
#[derive(Debug, Deserialize)]
pub struct QuestionForm {
    pub question: Option<String>,
}

/// A supplier's question from the answer page; answered to every invitee without its name.
pub async fn ask(
    state: web::Data<Context>,
    v: Visitor,
    token: web::Path<String>,
    Form(f): Form<QuestionForm>,
) -> Result<HttpResponse, WebError> {
    let token = token.into_inner();
    let outcome = service::ask_question(&state, &token, f.question.unwrap_or_default()).await;
    match outcome {
        Ok(d) => message(
            &v,
            StatusCode::OK,
            &d.title,
            &[word(&v, "dialogues.question_sent")],
        ),
        Err(AppError::Conflict { .. }) => message(
            &v,
            StatusCode::GONE,
            &word(&v, "errors.410.title"),
            &[word(&v, "dialogues.deadline_passed")],
        ),
        Err(AppError::NotFound(_)) => Err(WebError::NotFound),
        Err(e) => {
            let errors = super::forms::form_errors(v.lang, e)?;
            let found = lookup(&state, &token).await?;
            rsvp_page(
                &state,
                &v,
                StatusCode::BAD_REQUEST,
                &token,
                &found.event,
                &found.invitation,
                &found.questions,
                errors,
            )
            .await
        }
    }
}

/// The page behind the unsubscribe link: a button, since a link alone must not unsubscribe
/// (mail scanners follow links).
pub async fn unsubscribe_page(
    v: Visitor,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, WebError> {
    let (id, token) = path.into_inner();
    render::ok(
        &v,
        "unsubscribe.html",
        context! { id => id, token => token },
    )
}

/// Unsubscribes: the page's button (with a CSRF token), or a mail client's one-click POST
/// (RFC 8058, body `List-Unsubscribe=One-Click`), which cannot carry one; the link's own key
/// is what authorizes it.
pub async fn unsubscribe(
    state: web::Data<Context>,
    v: Visitor,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let one_click = url::form_urlencoded::parse(&body)
        .any(|(k, val)| k == "List-Unsubscribe" && val == "One-Click");
    let seed = req
        .cookie(session::CSRF_COOKIE)
        .map(|c| c.value().to_owned());
    if !one_click && !session::csrf_valid(&state, seed.as_deref(), &body) {
        return Err(WebError::Csrf);
    }
    let (id, token) = path.into_inner();
    let email = service::unsubscribe_link(&state, &id, &token).await?;
    match email {
        Some(email) => message(
            &v,
            StatusCode::OK,
            &word(&v, "dialogues.unsubscribed_title"),
            &[i18n::words()
                .get(v.lang, "dialogues.unsubscribed")
                .replace("{email}", &email)],
        ),
        None => Err(WebError::NotFound),
    }
}

/// Opens the link sent to confirm a registration's address, and goes on to the invitation's
/// answer page, where the invitation is on its way by email too.
pub async fn confirm_interest(
    state: web::Data<Context>,
    v: Visitor,
    token: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    match service::confirm_interest(&state, &token).await {
        Ok(rsvp) => Ok(render::see_other_with(
            &v,
            &format!("/rsvp/{rsvp}"),
            "interest_confirmed",
        )),
        Err(AppError::Validation(_)) => message(
            &v,
            StatusCode::BAD_REQUEST,
            &word(&v, "dialogues.confirm_link_bad_title"),
            &[word(&v, "dialogues.confirm_link_bad")],
        ),
        Err(e) => Err(e.into()),
    }
}

/// Routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/unsubscribe/{id}/{token}", web::get().to(unsubscribe_page))
        .route("/unsubscribe/{id}/{token}", web::post().to(unsubscribe))
        .route("/rsvp/{token}", web::get().to(rsvp))
        .route("/rsvp/{token}", web::post().to(rsvp_answer))
        .route("/rsvp/{token}/questions", web::post().to(ask))
        .route("/dialogues/{id}", web::get().to(event))
        .route("/dialogues/{id}/register", web::post().to(register))
        .route("/interest/confirm/{token}", web::get().to(confirm_interest));
}
