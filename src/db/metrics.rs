//! Queries behind the operator's metrics: the outbox and the index queue as the database holds
//! them, so that every node reports the same shared state.

use diesel::prelude::*;

use super::schema::{index_queue, outbox};
use super::DbConn;

/// Messages in the outbox by status, and when the oldest still queued was queued.
pub fn outbox(
    conn: &mut DbConn,
) -> QueryResult<(Vec<(String, i64)>, Option<chrono::NaiveDateTime>)> {
    let by_status = outbox::table
        .group_by(outbox::status)
        .select((outbox::status, diesel::dsl::count_star()))
        .load::<(String, i64)>(conn)?;
    let oldest = outbox::table
        .filter(outbox::status.eq("queued"))
        .select(diesel::dsl::min(outbox::created_at))
        .first::<Option<chrono::NaiveDateTime>>(conn)?;
    Ok((by_status, oldest))
}

/// When the oldest change after `seq` (the last one this node applied) was committed.
pub fn oldest_change_after(
    conn: &mut DbConn,
    seq: i64,
) -> QueryResult<Option<chrono::NaiveDateTime>> {
    index_queue::table
        .filter(index_queue::seq.gt(seq))
        .select(diesel::dsl::min(index_queue::enqueued_at))
        .first(conn)
}
