//! Building and running the HTTP server.

use std::net::TcpListener;

use actix_web::dev::{Server, Service};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::DefaultHeaders;
use actix_web::{web, App, HttpMessage, HttpServer};
use anyhow::Context;
use tracing_actix_web::{RequestId, TracingLogger};
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use std::sync::Arc;

use crate::api;
use crate::auth::rate_limit::LoginLimiter;
use crate::auth::tokens::TokenKeys;
use crate::cpv::CatalogCache;
use crate::db::{self, Db};
use crate::search::{indexer, SearchIndex};
use crate::settings::Settings;

/// What every handler can reach.
pub struct AppState {
    /// The database.
    pub db: Db,
    /// Settings in force.
    pub settings: Settings,
    /// Token signing keys.
    pub tokens: TokenKeys,
    /// Failed sign-in counters.
    pub limiter: LoginLimiter,
    /// The search index.
    pub index: Arc<SearchIndex>,
    /// The CPV vocabulary in memory.
    pub cpv: CatalogCache,
    /// Wakes the outbox worker.
    pub mailer: Arc<crate::mail::outbox::Mailer>,
    /// Limits registrations on public event pages, against floods.
    pub registrations: LoginLimiter,
}

/// Connects to the database and brings its schema up to date.
pub fn open_database(settings: &Settings) -> anyhow::Result<Db> {
    let db = Db::connect(&settings.database_url, settings.db_pool_size)?;
    let mut conn = db.get().context("cannot take a database connection")?;
    let applied = db::run_migrations(&mut conn)?;
    if applied > 0 {
        tracing::info!(applied, backend = db.backend().name(), "applied migrations");
    }
    Ok(db)
}

/// A built server, bound to its port but not yet running.
pub struct Application {
    port: u16,
    server: Server,
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
        let for_db = settings.clone();
        let db = tokio::task::spawn_blocking(move || open_database(&for_db)).await??;
        let tokens = TokenKeys::load(
            settings.token_secret.as_deref(),
            &settings.data_dir,
            settings.token_ttl,
        )?;
        let listener = TcpListener::bind(&settings.bind).with_context(|| {
            format!(
                "cannot listen on {}; is another server using it?",
                settings.bind
            )
        })?;
        let port = listener.local_addr()?.port();
        tracing::info!(address = %listener.local_addr()?, backend = db.backend().name(), "listening");
        let limiter = LoginLimiter::new(
            settings.login_window,
            settings.login_max_failures_per_account,
            settings.login_max_failures_per_address,
        );
        let index = SearchIndex::new(&settings.data_dir);
        indexer::start(&index, db.clone());
        let mailer = Arc::new(crate::mail::outbox::Mailer::default());
        if settings.outbox_worker {
            crate::mail::outbox::start(&mailer, db.clone(), settings.clone(), tokens.clone())?;
        }
        if settings.digest_worker {
            crate::notices::digest::start(db.clone(), settings.clone(), &index)?;
        }
        let state = web::Data::new(AppState {
            db,
            settings,
            tokens,
            limiter,
            index,
            cpv: CatalogCache::default(),
            mailer,
            registrations: LoginLimiter::new(std::time::Duration::from_secs(600), 3, 10),
        });
        let server = serve(listener, state, workers)?;
        Ok(Application { port, server })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Runs until the server is stopped (SIGINT or SIGTERM).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

fn serve(
    listener: TcpListener,
    state: web::Data<AppState>,
    workers: usize,
) -> anyhow::Result<Server> {
    let openapi = api::openapi::ApiDoc::openapi();
    let mut server = HttpServer::new(move || {
        App::new()
            .wrap(
                actix_web::middleware::ErrorHandlers::new()
                    .default_handler(crate::web::error::render_error_page),
            )
            .wrap(
                DefaultHeaders::new()
                    .add(("X-Content-Type-Options", "nosniff"))
                    .add(("X-Frame-Options", "DENY"))
                    .add(("Referrer-Policy", "same-origin")),
            )
            .wrap_fn(|req, srv| {
                // Echo the request id that tracing puts on every log line, so a user's report can
                // be matched to the logs.
                let id = req.extensions().get::<RequestId>().copied();
                let fut = srv.call(req);
                async move {
                    let mut res = fut.await?;
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
            .app_data(web::QueryConfig::default().error_handler(api::error::query_error))
            .app_data(web::PathConfig::default().error_handler(api::error::path_error))
            .route("/healthz", web::get().to(api::health::healthz))
            .route("/readyz", web::get().to(api::health::readyz))
            .service(
                SwaggerUi::new("/api/docs/{_:.*}").url("/api/v1/openapi.json", openapi.clone()),
            )
            .configure(crate::web::routes)
            .configure(api::routes)
            .default_service(web::to(api::not_found))
    })
    .listen(listener)?;
    if workers > 0 {
        server = server.workers(workers);
    }
    Ok(server.run())
}
