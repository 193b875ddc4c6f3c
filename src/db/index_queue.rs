//! The durable queue that carries committed changes to the search index. A change and its queue
//! entry are written in one transaction, so the index can never miss a committed change.

use diesel::prelude::*;

use super::schema::index_queue;
use super::DbConn;

/// One queued change: the entity to re-read and re-index (or drop, if gone).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = index_queue)]
pub struct QueuedChange {
    pub seq: i64,
    pub entity: String,
    pub entity_id: String,
    pub enqueued_at: chrono::NaiveDateTime,
}

/// Queues a change to `entity` (`need` or `capability`) with this id.
pub fn enqueue(conn: &mut DbConn, entity: &str, entity_id: &str) -> QueryResult<()> {
    diesel::insert_into(index_queue::table)
        .values((
            index_queue::entity.eq(entity),
            index_queue::entity_id.eq(entity_id),
            index_queue::enqueued_at.eq(super::now()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Changes after `seq`, oldest first.
pub fn after(conn: &mut DbConn, seq: i64, limit: i64) -> QueryResult<Vec<QueuedChange>> {
    index_queue::table
        .filter(index_queue::seq.gt(seq))
        .order(index_queue::seq.asc())
        .limit(limit)
        .select(QueuedChange::as_select())
        .load(conn)
}

/// Entries at or before the cursor queued since `since`: those that may have committed after
/// entries with higher sequence numbers (PostgreSQL hands out sequence numbers before commit).
pub fn late(
    conn: &mut DbConn,
    cursor: i64,
    since: chrono::NaiveDateTime,
) -> QueryResult<Vec<QueuedChange>> {
    index_queue::table
        .filter(index_queue::seq.le(cursor))
        .filter(index_queue::enqueued_at.ge(since))
        .order(index_queue::seq.asc())
        .select(QueuedChange::as_select())
        .load(conn)
}

/// The oldest sequence number still queued, if any.
pub fn first_seq(conn: &mut DbConn) -> QueryResult<Option<i64>> {
    index_queue::table
        .select(diesel::dsl::min(index_queue::seq))
        .first::<Option<i64>>(conn)
}

/// The newest sequence number, or 0.
pub fn last_seq(conn: &mut DbConn) -> QueryResult<i64> {
    index_queue::table
        .select(diesel::dsl::max(index_queue::seq))
        .first::<Option<i64>>(conn)
        .map(|s| s.unwrap_or(0))
}

/// Entries after `seq`: the indexer's backlog.
pub fn depth_after(conn: &mut DbConn, seq: i64) -> QueryResult<i64> {
    index_queue::table
        .filter(index_queue::seq.gt(seq))
        .count()
        .get_result(conn)
}

/// Drops entries older than `before` that this node has applied (up to `cursor`). A node that
/// comes back after its entries were pruned sees the gap and rebuilds.
pub fn prune(conn: &mut DbConn, before: chrono::NaiveDateTime, cursor: i64) -> QueryResult<usize> {
    diesel::delete(
        index_queue::table
            .filter(index_queue::enqueued_at.lt(before))
            .filter(index_queue::seq.le(cursor)),
    )
    .execute(conn)
}
