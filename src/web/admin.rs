//! Programme staff pages: innovation lifts with suggestions, organisations and users, the outbox.

use actix_web::web;

/// Routes of this module.
pub fn routes(_cfg: &mut web::ServiceConfig) {}
