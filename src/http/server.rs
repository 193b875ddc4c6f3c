//! Building and running the HTTP server: both front doors, the API docs and the headers every
//! answer carries, over one [`Context`].

use std::net::TcpListener;

use actix_web::dev::{Server, Service};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::DefaultHeaders;
use actix_web::{web, App, HttpMessage, HttpServer};
use anyhow::Context as _;
use tracing_actix_web::{RequestId, TracingLogger};
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use super::api;
use crate::app::Context;
use crate::settings::Settings;

/// How long a stop waits for the emails being sent (each send has a 10 s limit).
const SEND_DRAIN: std::time::Duration = std::time::Duration::from_secs(15);

/// A built server, bound to its port but not yet running.
pub struct Application {
    port: u16,
    server: Server,
    mailer: std::sync::Arc<crate::mail::outbox::Mailer>,
}

impl Application {
    /// Migrates, binds `settings.bind` (port 0 picks a free port) and builds the server.
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        Application::build_with_workers(settings, 0).await
    }

    /// As [`Application::build`], with a fixed number of HTTP workers (0 means one per core).
    pub async fn build_with_workers(
        settings: Settings,
        workers: usize,
    ) -> anyhow::Result<Application> {
        let listener = TcpListener::bind(&settings.bind).with_context(|| {
            format!(
                "cannot listen on {}; is another server using it?",
                settings.bind
            )
        })?;
        let port = listener.local_addr()?.port();
        let context = crate::app::workers::start(settings).await?;
        tracing::info!(address = %listener.local_addr()?, backend = context.db.backend().name(), "listening");
        let mailer = context.mailer.clone();
        let state = web::Data::new(context);
        let server = serve(listener, state, workers)?;
        Ok(Application {
            port,
            server,
            mailer,
        })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Runs until the server is stopped (SIGINT or SIGTERM). A stop drains: no new connection
    /// is taken, requests in flight are answered (for up to 30 s), and at the same time the
    /// mailer takes no new email and finishes and marks those being sent, before this returns.
    /// The index needs nothing: it is rebuilt from the database if a commit was cut short.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let handle = self.server.handle();
        let mailer = self.mailer;
        let (done_tx, done_rx) = tokio::sync::oneshot::channel::<bool>();
        let signalled = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let seen = signalled.clone();
        actix_web::rt::spawn(async move {
            stop_signal().await;
            seen.store(true, std::sync::atomic::Ordering::SeqCst);
            tracing::info!(
                "stopping: answering the requests in flight and finishing the emails being sent"
            );
            let mail = tokio::task::spawn_blocking(move || mailer.shutdown(SEND_DRAIN));
            handle.stop(true).await;
            let _ = done_tx.send(mail.await.unwrap_or(false));
        });
        let served = self.server.await;
        if !signalled.load(std::sync::atomic::Ordering::SeqCst) {
            return served;
        }
        match done_rx.await {
            Ok(true) => tracing::info!("stopped"),
            Ok(false) => tracing::warn!(
                "stopped with an email still being sent; it is resent once its claim ends"
            ),
            Err(_) => tracing::warn!("stopped without hearing from the mailer"),
        }
        served
    }
}

/// Waits for SIGTERM or SIGINT (Ctrl-C).
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) {
            (Ok(mut term), Ok(mut int)) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = int.recv() => {}
                }
            }
            _ => std::future::pending::<()>().await,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Logs an answer that carries an error, at a level that fits: a server fault at ERROR (the
/// fault itself was logged where it happened), a refusal at INFO, and a redirect (such as to the
/// sign-in page) not at all, since those are the service working. Messages are clipped, so an
/// invalid value is never logged in full.
fn log_error_response<B>(res: &actix_web::dev::ServiceResponse<B>) {
    let Some(error) = res.response().error() else {
        return;
    };
    let status = res.status();
    let message = crate::error::clip_message(&error.to_string());
    if status.is_server_error() {
        tracing::error!(status = status.as_u16(), %message, "request failed");
    } else if status.is_client_error() {
        tracing::info!(status = status.as_u16(), %message, "request refused");
    }
}

/// True when the request announces a body: a length above zero, or a chunked transfer.
fn has_body(req: &actix_web::dev::ServiceRequest) -> bool {
    use actix_web::http::header;
    let headers = req.headers();
    headers.contains_key(header::TRANSFER_ENCODING)
        || headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim() != "0")
}

/// The Swagger UI sets styles inline; everything else may not.
const DOCS_CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// A Content-Security-Policy on every HTML answer that has none (error pages and the API docs
/// too), and HSTS when the public address is https.
fn secure_headers(headers: &mut actix_web::http::header::HeaderMap, hsts: bool, docs: bool) {
    use actix_web::http::header;
    let html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    if html && !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        let policy = if docs {
            DOCS_CSP
        } else {
            super::web::render::CSP
        };
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(policy),
        );
    }
    if hsts {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
}

fn serve(
    listener: TcpListener,
    state: web::Data<Context>,
    workers: usize,
) -> anyhow::Result<Server> {
    let openapi = api::openapi::ApiDoc::openapi();
    // Browsers that once reached an https deployment keep to https for a year.
    let hsts = state.settings.public_url.starts_with("https://");
    let body_timeout = state.settings.body_timeout;
    let request_timeout = state.settings.request_timeout;
    let (header_timeout, keep_alive, max_connections) = (
        state.settings.header_timeout,
        state.settings.keep_alive,
        state.settings.max_connections,
    );
    let http_metrics = web::Data::new(super::metrics::HttpMetrics::default());
    let mut server = HttpServer::new(move || {
        let observed = http_metrics.clone();
        App::new()
            .wrap(
                actix_web::middleware::ErrorHandlers::new()
                    .default_handler(super::web::render::render_error_page),
            )
            .wrap(
                DefaultHeaders::new()
                    .add(("X-Content-Type-Options", "nosniff"))
                    .add(("X-Frame-Options", "DENY"))
                    .add(("Referrer-Policy", "same-origin")),
            )
            .wrap_fn(move |req, srv| {
                // Echo the request id that tracing puts on every log line, so a user's report can
                // be matched to the logs.
                let id = req.extensions().get::<RequestId>().copied();
                let docs = req.path().starts_with("/api/docs");
                // Only a request that announces a body gets a deadline on it.
                let req = if has_body(&req) {
                    let (http, payload) = req.into_parts();
                    let timed: std::pin::Pin<Box<dyn futures_util::Stream<Item = _>>> =
                        Box::pin(super::deadline::Deadline::new(payload, body_timeout));
                    actix_web::dev::ServiceRequest::from_parts(http, timed.into())
                } else {
                    req
                };
                let started = std::time::Instant::now();
                let method = req.method().as_str().to_owned();
                let route = req
                    .match_pattern()
                    .unwrap_or_else(|| "unmatched".to_owned());
                let observed = observed.clone();
                let fut = srv.call(req);
                async move {
                    // A request that hangs (a stuck client or a stuck call) ends here, so it
                    // cannot hold its connection and worker for ever.
                    let Ok(res) = actix_web::rt::time::timeout(request_timeout, fut).await else {
                        tracing::warn!(%route, "the request took longer than request_timeout_secs");
                        return Err(actix_web::error::ErrorServiceUnavailable(
                            "the request took too long; try again",
                        ));
                    };
                    let mut res = res?;
                    observed.observe(&method, &route, res.status().as_u16(), started.elapsed());
                    log_error_response(&res);
                    secure_headers(res.headers_mut(), hsts, docs);
                    if let Some(id) = id {
                        if let Ok(value) = HeaderValue::from_str(&id.to_string()) {
                            res.headers_mut()
                                .insert(HeaderName::from_static("x-request-id"), value);
                        }
                    }
                    Ok(res)
                }
            })
            .wrap(TracingLogger::default())
            .app_data(state.clone())
            .app_data(http_metrics.clone())
            .app_data(web::QueryConfig::default().error_handler(api::error::query_error))
            .app_data(web::PathConfig::default().error_handler(api::error::path_error))
            .route("/healthz", web::get().to(api::health::healthz))
            .route("/readyz", web::get().to(api::health::readyz))
            .route("/metrics", web::get().to(super::metrics::metrics))
            .service(
                SwaggerUi::new("/api/docs/{_:.*}").url("/api/v1/openapi.json", openapi.clone()),
            )
            .configure(super::web::routes)
            .configure(api::routes)
            .default_service(web::to(api::not_found))
    })
    // run_until_stopped handles the signals, so that mail stops with the HTTP side.
    .disable_signals()
    .client_request_timeout(header_timeout)
    .keep_alive(keep_alive)
    .max_connections(max_connections)
    .listen(listener)?;
    if workers > 0 {
        server = server.workers(workers);
    }
    Ok(server.run())
}
