//! What an operator watches: the outbox, the search index's lag, the database pool and the
//! build, read once per scrape. The HTTP layer adds its own request counts and renders the text.

use crate::app::Context;
use crate::error::AppResult;

/// The state of this node and of the shared database at one moment.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// Outbox messages by status (`queued`, `sent`, `failed`), over every node.
    pub outbox: Vec<(String, i64)>,
    /// Seconds the oldest queued message has waited; 0 when none waits.
    pub outbox_oldest_secs: f64,
    /// Committed changes this node's index has still to apply.
    pub index_queue_depth: i64,
    /// Seconds the oldest of those has waited; 0 when the index is current.
    pub index_lag_secs: f64,
    /// Seconds since the index last committed; `None` before its first commit.
    pub index_commit_age_secs: Option<f64>,
    /// Whether the index serves searches (false while it is rebuilt).
    pub index_ready: bool,
    /// Documents in the index.
    pub index_documents: u64,
    /// Pool connections: open, idle, and the most it opens.
    pub pool: (u32, u32, u32),
    /// `sqlite` or `postgresql`.
    pub backend: &'static str,
    /// The crate's version.
    pub version: &'static str,
}

fn age_secs(at: Option<chrono::NaiveDateTime>) -> f64 {
    at.map_or(0.0, |t| {
        ((crate::db::now() - t).num_milliseconds().max(0) as f64) / 1000.0
    })
}

/// Reads the snapshot.
pub async fn snapshot(ctx: &Context) -> AppResult<Snapshot> {
    let status = ctx.index.status();
    let applied = status.applied_seq;
    let (outbox, oldest, depth, oldest_change) = ctx
        .db
        .run(move |conn| {
            let (outbox, oldest) = crate::db::metrics::outbox(conn)?;
            let depth = crate::db::index_queue::depth_after(conn, applied)?;
            let oldest_change = crate::db::metrics::oldest_change_after(conn, applied)?;
            Ok::<_, crate::error::AppError>((outbox, oldest, depth, oldest_change))
        })
        .await?;
    // Every status is reported, 0 included, so that a graph does not start when the first
    // message fails.
    let mut outbox = outbox;
    for status in ["queued", "sent", "failed", "withdrawn"] {
        if !outbox.iter().any(|(s, _)| s == status) {
            outbox.push((status.to_owned(), 0));
        }
    }
    outbox.sort();
    Ok(Snapshot {
        outbox,
        outbox_oldest_secs: age_secs(oldest),
        index_queue_depth: depth,
        index_lag_secs: age_secs(oldest_change),
        index_commit_age_secs: status
            .last_commit_at
            .map(|t| ((chrono::Utc::now() - t).num_milliseconds().max(0) as f64) / 1000.0),
        index_ready: status.ready,
        index_documents: status.documents,
        pool: ctx.db.pool_use(),
        backend: ctx.db.backend().name(),
        version: env!("CARGO_PKG_VERSION"),
    })
}

/// Why this node's index keeps it from serving: being rebuilt, or lagging behind the database
/// by more than `ready_max_index_lag`. `None` when it is current enough.
pub async fn index_not_ready(ctx: &Context) -> Option<String> {
    let status = ctx.index.status();
    if !status.ready {
        return Some(format!(
            "the search index is being built ({} of {} documents)",
            status.rebuild_done, status.rebuild_total
        ));
    }
    let applied = status.applied_seq;
    let oldest = ctx
        .db
        .run(move |conn| {
            crate::db::metrics::oldest_change_after(conn, applied)
                .map_err(crate::error::AppError::from)
        })
        .await
        .ok()
        .flatten();
    let lag = age_secs(oldest);
    (lag > ctx.settings.ready_max_index_lag.as_secs_f64()).then(|| {
        format!(
            "the search index lags {lag:.0} s behind the database (at most {} s allowed)",
            ctx.settings.ready_max_index_lag.as_secs()
        )
    })
}
