//! The OpenAPI document, served at `/api/v1/openapi.json` with Swagger UI at `/api/docs/`.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::notifications;
use super::{
    admin, auth, capabilities, cpv, dialogues, documents, health, indicators, lifts, matching,
    meetings, needs, notices, organisations, processes, rsvp, solutions,
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
        auth::change_password,
        auth::password_reset,
        auth::password_reset_confirm,
        organisations::list,
        organisations::get,
        organisations::patch,
        organisations::add_member,
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
    modifiers(&BearerAuth),
    tags((name = "auth", description = "Accounts and tokens"), (name = "organisations", description = "Buyers, suppliers and clusters"), (name = "needs", description = "Buyers' needs"), (name = "capabilities", description = "What suppliers and clusters can do"), (name = "matching", description = "Matches, similar needs and search"), (name = "cpv", description = "The CPV vocabulary"), (name = "processes", description = "Joint processes"), (name = "lifts", description = "Innovation lifts"), (name = "solutions", description = "Solutions and their adoption"), (name = "dialogues", description = "Market-dialogue events and email invitations"), (name = "meetings", description = "One-to-one meetings: slots, the lottery and its record, the agenda"), (name = "documents", description = "Documents of joint processes: versions, consultation on drafts, published summaries"), (name = "rsvp", description = "The supplier side: an invitation's link token as the credential"), (name = "indicators", description = "The programme's indicators against its targets"), (name = "notices", description = "Notices from the national notice database: alerts and the daily digest"), (name = "notifications", description = "Your notifications and which come by email"), (name = "admin"), (name = "health"))
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
