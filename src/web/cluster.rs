//! Cluster pages: members, and proposing members to joint processes.

use actix_web::web;

/// Routes of this module.
pub fn routes(_cfg: &mut web::ServiceConfig) {}
