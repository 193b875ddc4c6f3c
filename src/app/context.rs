//! What every service can reach: the database, the index, the mailer and the settings.

use std::sync::Arc;

use super::cpv::CatalogCache;
use crate::auth::tokens::TokenKeys;
use crate::db::Db;
use crate::mail::outbox::Mailer;
use crate::search::SearchIndex;
use crate::settings::Settings;

/// What every service can reach: the database, the index, the mailer and the settings. One is
/// built per process and shared by every request and worker.
pub struct Context {
    /// The database.
    pub db: Db,
    /// Settings in force.
    pub settings: Settings,
    /// Token signing keys.
    pub tokens: TokenKeys,
    /// The search index.
    pub index: Arc<SearchIndex>,
    /// The CPV vocabulary in memory.
    pub cpv: Arc<CatalogCache>,
    /// Wakes the outbox worker.
    pub mailer: Arc<Mailer>,
    /// The totals of numbered list pages.
    pub counts: Arc<super::page::CountCache>,
    /// Publishes open data (OCDS) when it is asked for and in the outbox's rounds.
    pub ocds: Arc<super::ocds::Publisher>,
    /// The OpenID Connect provider to sign in with, when configured.
    pub oidc: Option<Arc<crate::auth::oidc::Provider>>,
}
