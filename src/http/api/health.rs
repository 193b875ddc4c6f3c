//! Liveness and readiness.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::Context;

/// Health state.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Health {
    /// `ok`, `ready` or `not_ready`.
    pub status: String,
    /// `sqlite` or `postgresql` (readiness only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
    /// Why the service is not ready.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Answers while the process is alive.
#[utoipa::path(get, path = "/healthz", tag = "health", responses((status = 200, body = Health)))]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok".into(),
        database: None,
        reason: None,
    })
}

/// Answers 200 when the database is reachable and its migrations are current, else 503.
#[utoipa::path(get, path = "/readyz", tag = "health", responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn readyz(state: web::Data<Context>) -> HttpResponse {
    let backend = state.db.backend().name().to_owned();
    let reason = crate::app::programme::not_ready(&state).await;
    match reason {
        None => HttpResponse::Ok().json(Health {
            status: "ready".into(),
            database: Some(backend),
            reason: None,
        }),
        Some(reason) => {
            tracing::warn!(%reason, "not ready");
            HttpResponse::ServiceUnavailable().json(Health {
                status: "not_ready".into(),
                database: Some(backend),
                reason: Some(reason),
            })
        }
    }
}
