//! The services: one module per capability. Each owns its access rules, its read models and its
//! side effects (waking the indexer and the mailer), and returns [`crate::error::AppError`].
//! Both front doors (`http::api` and `http::web`) call these, so they cannot disagree.
//!
//! Below the services sit `domain`, `db`, `search`, `mail`, `notices` and `auth`; nothing here
//! knows HTTP.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod capabilities;
pub mod clusters;
pub mod cpv;
pub mod dashboard;
pub mod dialogues;
pub mod indicators;
pub mod lifts;
pub mod matching;
pub mod needs;
pub mod notices;
pub mod organisations;
pub mod page;
pub mod processes;
pub mod programme;
pub mod solutions;

use std::sync::Arc;

use anyhow::Context as _;

use crate::auth::rate_limit::LoginLimiter;
use crate::auth::tokens::TokenKeys;
use crate::db::Db;
use crate::mail::outbox::Mailer;
use crate::search::{indexer, SearchIndex};
use crate::settings::Settings;
use cpv::CatalogCache;

/// What every service can reach: the database, the index, the mailer and the settings. One is
/// built per process and shared by every request and worker.
pub struct Context {
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
    pub mailer: Arc<Mailer>,
    /// Limits registrations on public event pages, against floods.
    pub registrations: LoginLimiter,
}

impl Context {
    /// Opens the database (migrating it), loads the token keys and starts the workers the
    /// settings ask for: the indexer always, the outbox and the digest when enabled.
    pub async fn start(settings: Settings) -> anyhow::Result<Context> {
        let for_db = settings.clone();
        let db = tokio::task::spawn_blocking(move || crate::db::open_database(&for_db))
            .await
            .context("opening the database panicked")??;
        let tokens = TokenKeys::load(
            settings.token_secret.as_ref().map(|s| s.expose()),
            &settings.data_dir,
            settings.token_ttl,
        )?;
        let limiter = LoginLimiter::new(
            settings.login_window,
            settings.login_max_failures_per_account,
            settings.login_max_failures_per_address,
        );
        let index = SearchIndex::new(&settings.data_dir);
        indexer::start(&index, db.clone());
        let mailer = Arc::new(Mailer::default());
        if settings.outbox_worker {
            // Reminders are queued by the dialogue service before each round of sending, so the
            // mail worker needs to know nothing of dialogues.
            let (for_reminders, keys) = (settings.clone(), tokens.clone());
            let before_round = move |conn: &mut crate::db::DbConn| {
                dialogues::invitations::queue_reminders(
                    conn,
                    &for_reminders,
                    &keys,
                    for_reminders.reminder_before,
                )
                .map(|_| ())
                .map_err(|e| anyhow::anyhow!("{e}"))
            };
            crate::mail::outbox::start(&mailer, db.clone(), settings.clone(), before_round)?;
        }
        if settings.digest_worker {
            notices::digest::start(db.clone(), settings.clone(), &index)?;
        }
        Ok(Context {
            db,
            settings,
            tokens,
            limiter,
            index,
            cpv: CatalogCache::default(),
            mailer,
            registrations: LoginLimiter::new(std::time::Duration::from_secs(600), 3, 10),
        })
    }
}
