//! The OpenAPI document, served at `/api/v1/openapi.json` with Swagger UI at `/api/docs/`.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{auth, health, organisations};

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
        organisations::list,
        organisations::get,
        organisations::patch,
        organisations::add_member,
        organisations::remove_member,
        organisations::add_user,
        organisations::users,
    ),
    modifiers(&BearerAuth),
    tags((name = "auth", description = "Accounts and tokens"), (name = "organisations", description = "Buyers, suppliers and clusters"), (name = "health"))
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
