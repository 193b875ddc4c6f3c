//! What programme staff follow besides lifts and indicators: every organisation with its users,
//! and the outbox. Staff only.

use serde::Serialize;

use super::Context;
use crate::caller::Caller;
use crate::db::dialogues::OutboxRow;
use crate::domain::OrgKind;
use crate::error::{AppError, AppResult};

fn require_staff(caller: &Caller) -> AppResult<()> {
    if caller.is_admin() {
        Ok(())
    } else {
        Err(AppError::forbidden("only programme staff see this"))
    }
}

/// A user of an organisation, as staff see it.
#[derive(Debug, Serialize)]
pub struct UserItem {
    pub name: String,
    pub email: String,
    pub role: String,
}

/// An organisation with its users.
#[derive(Debug, Serialize)]
pub struct OrganisationItem {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub orgnr: String,
    /// The county number.
    pub county: Option<String>,
    pub users: Vec<UserItem>,
}

/// A page of organisations of one kind or all, whose name or number contains `search`.
pub async fn organisations(
    ctx: &Context,
    caller: &Caller,
    kind: Option<OrgKind>,
    search: Option<String>,
    offset: i64,
    limit: i64,
) -> AppResult<(Vec<OrganisationItem>, i64)> {
    require_staff(caller)?;
    ctx.db
        .run(move |conn| {
            let (rows, total) = crate::db::organisations::list(
                conn,
                kind.map(|k| k.as_str()),
                search.as_deref().filter(|s| !s.is_empty()),
                offset,
                limit,
            )?;
            let mut out = Vec::new();
            for o in rows {
                let users = crate::db::accounts::in_organisation(conn, &o.id)?
                    .into_iter()
                    .map(|a| UserItem {
                        name: a.name,
                        email: a.email,
                        role: a.role,
                    })
                    .collect();
                out.push(OrganisationItem {
                    id: o.id,
                    name: o.name,
                    kind: o.kind,
                    orgnr: o.orgnr,
                    county: o.county,
                    users,
                });
            }
            Ok((out, total))
        })
        .await
}

/// A message in the outbox, as staff see it.
#[derive(Debug, Serialize)]
pub struct OutboxItem {
    pub recipient: String,
    pub subject: String,
    pub kind: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    /// RFC 3339, UTC.
    pub next_attempt: String,
    pub created_at: String,
}

impl From<OutboxRow> for OutboxItem {
    fn from(r: OutboxRow) -> OutboxItem {
        OutboxItem {
            recipient: r.recipient,
            subject: r.subject,
            kind: r.kind,
            attempts: r.attempts,
            last_error: r.last_error,
            next_attempt: r.next_attempt_at.and_utc().to_rfc3339(),
            created_at: r.created_at.and_utc().to_rfc3339(),
        }
    }
}

/// How the outbox stands.
#[derive(Debug, Serialize)]
pub struct OutboxCounts {
    pub queued: i64,
    pub failed: i64,
    pub sent_minute: i64,
    pub sent_hour: i64,
}

/// The outbox page: counts, and the latest failed and queued messages.
#[derive(Debug, Serialize)]
pub struct OutboxPage {
    pub counts: OutboxCounts,
    pub failed: Vec<OutboxItem>,
    pub queued: Vec<OutboxItem>,
}

/// The outbox, with at most `limit` messages per list.
pub async fn outbox(ctx: &Context, caller: &Caller, limit: i64) -> AppResult<OutboxPage> {
    require_staff(caller)?;
    ctx.db
        .run(move |conn| {
            let (queued, failed, sent_minute, sent_hour) =
                crate::db::dialogues::outbox_stats(conn)?;
            let latest = |conn: &mut crate::db::DbConn, status: &str| {
                crate::db::dialogues::outbox_latest(conn, status, limit)
                    .map(|rows| rows.into_iter().map(OutboxItem::from).collect::<Vec<_>>())
            };
            Ok(OutboxPage {
                counts: OutboxCounts {
                    queued,
                    failed,
                    sent_minute,
                    sent_hour,
                },
                failed: latest(conn, "failed")?,
                queued: latest(conn, "queued")?,
            })
        })
        .await
}

/// The search index's state and how many committed changes it has still to apply.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IndexReport {
    /// The index.
    #[serde(flatten)]
    pub status: crate::search::IndexStatus,
    /// Committed changes not yet in this node's index.
    pub queue_depth: i64,
}

/// This node's search index (programme staff).
pub async fn index_report(ctx: &Context, caller: &Caller) -> AppResult<IndexReport> {
    if !caller.is_admin() {
        return Err(AppError::forbidden(
            "only programme administrators can see this",
        ));
    }
    let status = ctx.index.status();
    let applied = status.applied_seq;
    let queue_depth = ctx
        .db
        .run(move |conn| crate::db::index_queue::depth_after(conn, applied).map_err(AppError::from))
        .await?;
    Ok(IndexReport {
        status,
        queue_depth,
    })
}

/// Why this node cannot serve yet: `None` when the database answers, its migrations are
/// current and the search index is built and no further behind than the setting allows.
pub async fn not_ready(ctx: &Context) -> Option<String> {
    let check = ctx.db.run(crate::db::migrations_current).await;
    match check {
        Ok(true) => super::metrics::index_not_ready(ctx).await,
        Ok(false) => Some("database migrations are pending; run `innolift migrate`".to_owned()),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            Some(match e.downcast_ref::<crate::db::DbError>() {
                Some(_) => "database unreachable".to_owned(),
                None => "database check failed; see the server log".to_owned(),
            })
        }
    }
}
