//! Storage: one diesel codebase over SQLite (the default) and PostgreSQL.
//!
//! Queries are written once against [`DbConn`], a `MultiConnection` enum. Connections are made
//! with the concrete backend type so that connection errors keep their real message.

pub mod accounts;
pub mod audit;
pub mod capabilities;
pub mod confirmed_addresses;
pub mod contracts;
pub mod cpv;
pub mod dialogues;
pub mod documents;
pub mod index_queue;
pub mod interests;
pub mod keyset;
pub mod lifts;
pub mod limits;
pub mod meetings;
pub mod metrics;
pub mod needs;
pub mod notices;
pub mod notifications;
pub mod ocds;
pub mod oidc;
pub mod organisations;
pub mod password_resets;
pub mod privacy;
pub mod processes;
pub mod registry;
pub mod schema;
pub mod sessions;

use std::path::Path;
use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::{PgConnection, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

/// The migrations for each backend, embedded in the binary.
pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
/// See [`SQLITE_MIGRATIONS`].
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A connection to either backend.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    /// PostgreSQL, the system of record when several nodes share a deployment.
    Pg(PgConnection),
    /// Embedded SQLite, the zero-setup default.
    Sqlite(SqliteConnection),
}

/// Which backend a database URL points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// `postgres://` or `postgresql://`.
    Postgres,
    /// Anything else is a SQLite file path (optionally prefixed `sqlite://`).
    Sqlite,
}

impl Backend {
    /// Decides the backend from a URL.
    pub fn of_url(url: &str) -> Backend {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }

    /// The name used in logs and `/readyz`.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Postgres => "postgresql",
            Backend::Sqlite => "sqlite",
        }
    }
}

/// Strips an optional `sqlite://` or `sqlite:` prefix.
fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url)
}

/// A connection error with the backend's own message.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConnectError(String);

/// Opens one connection with the concrete backend type, and sets SQLite up for concurrent use.
pub fn connect(url: &str) -> Result<DbConn, ConnectError> {
    match Backend::of_url(url) {
        Backend::Postgres => PgConnection::establish(url)
            .map(DbConn::Pg)
            .map_err(|e| ConnectError(format!("cannot connect to PostgreSQL: {e}"))),
        Backend::Sqlite => {
            let path = sqlite_path(url);
            if let Some(dir) = Path::new(path).parent() {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir).map_err(|e| {
                        ConnectError(format!("cannot create directory {}: {e}", dir.display()))
                    })?;
                }
            }
            let mut conn = SqliteConnection::establish(path)
                .map_err(|e| ConnectError(format!("cannot open SQLite database {path}: {e}")))?;
            // WAL lets readers run beside the one writer; busy_timeout makes a second writer wait
            // instead of failing at once, and comes first because switching to WAL takes a lock
            // that a pool opening several connections at once contends for; foreign keys are
            // off by default in SQLite.
            conn.batch_execute(
                "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
                 PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
            )
            .map_err(|e| ConnectError(format!("cannot configure SQLite database {path}: {e}")))?;
            Ok(DbConn::Sqlite(conn))
        }
    }
}

/// Runs `f` while holding the start lock: on PostgreSQL a session advisory lock, so that nodes
/// starting at the same moment take turns to migrate and to load the shipped data instead of
/// failing on each other's rows. SQLite serves one node, and its own locking suffices.
pub fn with_start_lock<T>(
    conn: &mut DbConn,
    f: impl FnOnce(&mut DbConn) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    const KEY: &str = "SELECT pg_advisory_lock(7171001)";
    const UNLOCK: &str = "SELECT pg_advisory_unlock(7171001)";
    if let DbConn::Pg(c) = conn {
        diesel::sql_query(KEY).execute(c)?;
    }
    let out = f(conn);
    if let DbConn::Pg(c) = conn {
        if let Err(e) = diesel::sql_query(UNLOCK).execute(c) {
            tracing::warn!(error = %e, "cannot release the start lock; it ends with the connection");
        }
    }
    out
}

/// Connects to the database the settings name and brings its schema up to date.
pub fn open_database(settings: &crate::settings::Settings) -> anyhow::Result<Db> {
    use anyhow::Context as _;
    let db = Db::connect(&settings.database_url, settings.db_pool_size)?;
    let mut conn = db.get().context("cannot take a database connection")?;
    let applied = with_start_lock(&mut conn, run_migrations)?;
    if applied > 0 {
        tracing::info!(applied, backend = db.backend().name(), "applied migrations");
    }
    Ok(db)
}

/// Runs `f` in a write transaction. On SQLite the transaction starts with `BEGIN IMMEDIATE`, so
/// that it takes the write lock up front and waits on `busy_timeout` rather than failing with
/// `SQLITE_BUSY` when it upgrades from a read.
pub fn write_tx<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    type Tm = <DbConn as Connection>::TransactionManager;
    match conn {
        DbConn::Sqlite(inner) => {
            AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")?
        }
        DbConn::Pg(_) => Tm::begin_transaction(conn)?,
    }
    match f(conn) {
        Ok(value) => {
            if let Err(commit_error) = Tm::commit_transaction(conn) {
                let _ = Tm::rollback_transaction(conn);
                return Err(commit_error.into());
            }
            Ok(value)
        }
        Err(error) => {
            Tm::rollback_transaction(conn)?;
            Err(error)
        }
    }
}

/// Brings the schema up to date. Returns the number of migrations applied.
pub fn run_migrations(conn: &mut DbConn) -> anyhow::Result<usize> {
    let applied = match conn {
        DbConn::Pg(c) => c
            .run_pending_migrations(POSTGRES_MIGRATIONS)
            .map(|v| v.len()),
        DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
    };
    applied.map_err(|e| anyhow::anyhow!("migration failed: {e}"))
}

/// True when every embedded migration has been applied.
pub fn migrations_current(conn: &mut DbConn) -> anyhow::Result<bool> {
    let pending = match conn {
        DbConn::Pg(c) => c.has_pending_migration(POSTGRES_MIGRATIONS),
        DbConn::Sqlite(c) => c.has_pending_migration(SQLITE_MIGRATIONS),
    };
    pending
        .map(|p| !p)
        .map_err(|e| anyhow::anyhow!("cannot read migration state: {e}"))
}

/// r2d2 manager that connects through [`connect`].
#[derive(Debug, Clone)]
pub struct Manager {
    url: String,
}

impl r2d2::ManageConnection for Manager {
    type Connection = DbConn;
    type Error = ConnectError;

    fn connect(&self) -> Result<DbConn, ConnectError> {
        connect(&self.url)
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), ConnectError> {
        conn.batch_execute("SELECT 1")
            .map_err(|e| ConnectError(e.to_string()))
    }

    fn has_broken(&self, _conn: &mut DbConn) -> bool {
        false
    }
}

/// The connection pool shared by handlers and workers.
pub type Pool = r2d2::Pool<Manager>;

/// A pool plus the backend it talks to. Cheap to clone.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    backend: Backend,
}

/// An error from a blocking database call run off the executor.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// No connection could be had from the pool.
    #[error("database unavailable: {0}")]
    Pool(#[from] r2d2::Error),
    /// The blocking task panicked or was cancelled.
    #[error("database task failed: {0}")]
    Join(String),
}

impl Db {
    /// Connects, with `size` pooled connections. Fails with the backend's message.
    pub fn connect(url: &str, size: u32) -> Result<Db, ConnectError> {
        let backend = Backend::of_url(url);
        // Try one connection first so that a wrong URL fails with its real message.
        drop(connect(url)?);
        let pool = r2d2::Pool::builder()
            .max_size(size.max(1))
            .connection_timeout(Duration::from_secs(10))
            .build(Manager {
                url: url.to_owned(),
            })
            .map_err(|e| ConnectError(e.to_string()))?;
        Ok(Db { pool, backend })
    }

    /// The backend behind this pool.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool's connections: open, idle among them, and the most it opens.
    pub fn pool_use(&self) -> (u32, u32, u32) {
        let state = self.pool.state();
        (
            state.connections,
            state.idle_connections,
            self.pool.max_size(),
        )
    }

    /// Takes a connection synchronously (for the command line and workers' own threads).
    pub fn get(&self) -> Result<r2d2::PooledConnection<Manager>, r2d2::Error> {
        self.pool.get()
    }

    /// Runs blocking database work on tokio's blocking pool, never on the async executor.
    pub async fn run<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let pool = self.pool.clone();
        // Keep the request's span, so log lines from database code carry its request id.
        let span = tracing::Span::current();
        tokio::task::spawn_blocking(move || {
            let _entered = span.enter();
            let mut conn = pool.get().map_err(DbError::from)?;
            f(&mut conn)
        })
        .await
        .map_err(|e| E::from(DbError::Join(e.to_string())))?
    }
}

/// A new random id.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The current time in UTC, at microsecond precision (what both backends store).
pub fn now() -> chrono::NaiveDateTime {
    let now = chrono::Utc::now().naive_utc();
    chrono::DurationRound::duration_trunc(now, chrono::TimeDelta::microseconds(1)).unwrap_or(now)
}

/// True when a diesel error is a unique-constraint violation.
pub fn is_unique_violation(e: &diesel::result::Error) -> bool {
    matches!(
        e,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}
