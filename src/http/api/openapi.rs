//! The OpenAPI document, served at `/api/v1/openapi.json` with Swagger UI at `/api/docs/`.

use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{Operation, ParameterIn, PathItem};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Object, Ref, RefOr, Response, ResponseBuilder, Type};
use utoipa::{Modify, OpenApi};

use super::notifications;
use super::{
    admin, auth, capabilities, contracts, cpv, dialogues, documents, health, indicators, lifts,
    matching, meetings, needs, notices, ocds, organisations, privacy, processes, radar, rsvp,
    solutions,
};

/// The API description. Every handler is listed here; a test checks none is missing.
#[derive(OpenApi)]
#[openapi(
    info(title = "innolift", description = "Innovation in public procurement: needs, capabilities, joint processes and market dialogue."),
    paths(
        health::healthz,
        health::readyz,
        auth::register,
        auth::login,
        auth::me,
        privacy::export,
        privacy::delete,
        auth::change_password,
        auth::password_reset,
        auth::password_reset_confirm,
        auth::confirm_email,
        auth::resend_confirmation,
        organisations::list,
        organisations::get,
        organisations::patch,
        organisations::add_member,
        organisations::accept_cluster,
        organisations::decline_cluster,
        organisations::remove_member,
        organisations::add_user,
                organisations::users,
        organisations::remove_user,
        organisations::hand_over,
        needs::create,
        needs::list,
        needs::get,
        needs::patch,
        needs::delete,
        needs::join,
        needs::leave,
        capabilities::create,
        capabilities::list,
        capabilities::get,
        capabilities::patch,
        capabilities::delete,
        matching::need_matches,
        matching::capability_matches,
        matching::similar,
        matching::search,
        cpv::complete,
        cpv::suggest,
                admin::index,
                admin::pending,
                admin::approve,
        processes::create,
        processes::list,
        processes::get,
        processes::patch,
        processes::invite,
        processes::accept,
        processes::decline,
        processes::phase,
        processes::history,
        processes::propose,
        processes::proposals,
        processes::decide,
        lifts::create,
        lifts::list,
        lifts::get,
        lifts::attach,
        lifts::detach,
        lifts::suggestions,
        contracts::create,
        contracts::list,
        contracts::get,
        contracts::delete,
        radar::radar,
        ocds::releases,
        ocds::record,
        solutions::create,
        solutions::list,
        solutions::get,
                solutions::adopt,
        dialogues::create,
        dialogues::get,
        dialogues::update,
        dialogues::cancel,
        dialogues::invite,
        dialogues::invitations,
        dialogues::resend,
        dialogues::record,
        dialogues::answers,
                dialogues::answers_csv,
        dialogues::questions,
        dialogues::answer_question,
        dialogues::outbox,
        meetings::create_slots,
        meetings::slots,
        meetings::delete_slot,
        meetings::allocate,
        meetings::allocation,
        meetings::agenda,
        meetings::agenda_csv,
        meetings::update,
        meetings::cancel,
        rsvp::get,
        rsvp::answer,
        rsvp::ask,
        rsvp::book,
        rsvp::cancel,
        rsvp::mine,
        documents::upload,
        documents::add_version,
        documents::list,
        documents::download,
        documents::update,
        documents::delete,
        documents::comments,
        documents::comments_csv,
        documents::consultation_summary,
        documents::minutes,
        documents::rsvp_download,
        documents::rsvp_comment,
        documents::rsvp_comments,
        indicators::indicators_json,
        indicators::indicators_csv,
        notices::alerts,
        notices::get_digest,
        notices::put_digest,
        notices::run_digest,
        notifications::list,
        notifications::read,
        notifications::read_all,
        notifications::get_settings,
        notifications::put_settings,
        notifications::register_interest,
        notifications::withdraw_interest,
        notifications::interested,
    ),
    modifiers(&BearerAuth, &StandardResponses),
    tags((name = "auth", description = "Accounts and tokens"), (name = "organisations", description = "Buyers, suppliers and clusters"), (name = "needs", description = "Buyers' needs"), (name = "capabilities", description = "What suppliers and clusters can do"), (name = "matching", description = "Matches, similar needs and search"), (name = "cpv", description = "The CPV vocabulary"), (name = "processes", description = "Joint processes"), (name = "lifts", description = "Innovation lifts"), (name = "solutions", description = "Solutions and their adoption"), (name = "contracts", description = "Buyers' running contracts"), (name = "radar", description = "Buyers whose contracts on one theme end at about the same time"), (name = "ocds", description = "Open data in the Open Contracting Data Standard (OCDS 1.1)"), (name = "dialogues", description = "Market-dialogue events and email invitations"), (name = "meetings", description = "One-to-one meetings: slots, the lottery and its record, the agenda"), (name = "documents", description = "Documents of joint processes: versions, consultation on drafts, published summaries"), (name = "rsvp", description = "The supplier side: an invitation's link token as the credential"), (name = "indicators", description = "The programme's indicators against its targets"), (name = "notices", description = "Notices from the national notice database: alerts and the daily digest"), (name = "notifications", description = "Your notifications and which come by email"), (name = "admin"), (name = "health"))
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// Documents the answers that follow from an operation's shape rather than from its handler, so
/// that no operation can forget them: 401 wherever a bearer token is read (a wrong or expired
/// one is refused even where the token is optional), 400, 413 and 415 wherever a body is read
/// (`ApiJson` and the upload reader refuse another content type with 415), 408 for a JSON body
/// that does not arrive in time, 400 wherever a query string is parsed (and 431, empty, from the
/// HTTP server when a query makes the request head too long), and 404 wherever a path segment
/// names an object (one that does not parse is not found either). Codes that depend on
/// who may do what (403, 409, 429, 503) stay with each handler, which alone knows them; one
/// documented without a description gets the usual words for its code.
struct StandardResponses;

impl Modify for StandardResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let path_ids = path.contains('{');
            for operation in operations(item) {
                add_standard_responses(operation, path_ids);
            }
        }
    }
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        item.get.as_mut(),
        item.put.as_mut(),
        item.post.as_mut(),
        item.delete.as_mut(),
        item.patch.as_mut(),
        item.head.as_mut(),
        item.options.as_mut(),
        item.trace.as_mut(),
    ]
    .into_iter()
    .flatten()
}

fn add_standard_responses(operation: &mut Operation, path_ids: bool) {
    let bearer = operation
        .security
        .as_ref()
        .is_some_and(|requirements| !requirements.is_empty());
    let body_types: Vec<String> = operation
        .request_body
        .as_ref()
        .map(|b| b.content.keys().cloned().collect())
        .unwrap_or_default();
    let body = !body_types.is_empty();
    let json_body = body_types.iter().any(|t| t.ends_with("json"));
    let query = operation
        .parameters
        .iter()
        .flatten()
        .any(|p| matches!(p.parameter_in, ParameterIn::Query));
    let responses = &mut operation.responses.responses;
    for (status, applies) in [
        ("400", body || query),
        ("401", bearer),
        ("404", path_ids),
        ("408", json_body),
        ("413", body),
        ("415", body),
        ("431", query),
    ] {
        if applies {
            responses
                .entry(status.to_owned())
                .or_insert_with(|| RefOr::T(standard_response(status, &body_types)));
        }
    }
    for (status, response) in responses.iter_mut() {
        let RefOr::T(response) = response else {
            continue;
        };
        // A handler that documents a code without saying why gets the usual words for it.
        if response.description.is_empty() {
            if let Some(says) = meaning(status) {
                response.description = says.to_owned();
            }
        }
        // The headers are the error type's, on every such answer.
        let header = match status.as_str() {
            "401" => Some(("WWW-Authenticate", "`Bearer`")),
            "429" => Some(("Retry-After", "seconds to wait")),
            _ => None,
        };
        if let Some((name, says)) = header {
            response
                .headers
                .entry(name.to_owned())
                .or_insert_with(|| string_header(says));
        }
    }
}

/// What an answer of `status` means wherever it comes from.
fn meaning(status: &str) -> Option<&'static str> {
    Some(match status {
        "400" => "invalid input: `error.details` names every invalid field",
        "401" => "no valid bearer token: sign in at /api/v1/auth/login and send it",
        "403" => "the caller may not do this",
        "404" => "no such object, or one the caller may not see",
        "408" => "the request body did not arrive within the time allowed",
        "409" => "the request conflicts with what is there: `error.reason` says how",
        "413" => "the request body is over the size limit",
        "429" => "too many attempts; see Retry-After",
        "431" => "the request line and headers are over the server's limit; no body",
        "503" => "a part of the service is not ready yet; try again shortly",
        _ => return None,
    })
}

/// The answer [`StandardResponses`] adds for `status`: in the API's one error shape, but for 431,
/// which the HTTP server sends bare before any handler runs.
fn standard_response(status: &str, body_types: &[String]) -> Response {
    if status == "431" {
        return ResponseBuilder::new()
            .description(meaning(status).unwrap_or_default())
            .build();
    }
    let description = match status {
        "415" => format!(
            "the request body is not of the type expected ({})",
            body_types.join(" or ")
        ),
        _ => meaning(status).unwrap_or_default().to_owned(),
    };
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build()
}

fn string_header(description: &str) -> utoipa::openapi::header::Header {
    HeaderBuilder::new()
        .schema(Object::with_type(Type::String))
        .description(Some(description))
        .build()
}
