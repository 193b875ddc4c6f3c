//! Queries on the attempts counted against limits.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::limit_events as e;
use super::DbConn;

/// Takes a lock on `key` until the transaction ends, so that parallel attempts are counted one
/// after another on PostgreSQL (SQLite's write transactions are serial already).
pub fn lock(conn: &mut DbConn, key: &str) -> QueryResult<()> {
    match conn {
        DbConn::Pg(c) => diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext($1))")
            .bind::<diesel::sql_types::Text, _>(key)
            .execute(c)
            .map(|_| ()),
        DbConn::Sqlite(_) => Ok(()),
    }
}

/// The times of the attempts on `key` since `since`, oldest first.
pub fn times_since(
    conn: &mut DbConn,
    key: &str,
    since: NaiveDateTime,
) -> QueryResult<Vec<NaiveDateTime>> {
    e::table
        .filter(e::key.eq(key))
        .filter(e::at.ge(since))
        .order(e::at.asc())
        .select(e::at)
        .load(conn)
}

/// Counts one attempt on `key`.
pub fn insert(conn: &mut DbConn, key: &str, at: NaiveDateTime) -> QueryResult<()> {
    diesel::insert_into(e::table)
        .values((e::id.eq(super::new_id()), e::key.eq(key), e::at.eq(at)))
        .execute(conn)
        .map(|_| ())
}

/// Forgets every attempt on `key`.
pub fn clear(conn: &mut DbConn, key: &str) -> QueryResult<()> {
    diesel::delete(e::table.filter(e::key.eq(key)))
        .execute(conn)
        .map(|_| ())
}

/// Forgets the latest attempt on `key`.
pub fn forget_latest(conn: &mut DbConn, key: &str) -> QueryResult<()> {
    let latest: Option<String> = e::table
        .filter(e::key.eq(key))
        .order(e::at.desc())
        .select(e::id)
        .first(conn)
        .optional()?;
    match latest {
        Some(id) => diesel::delete(e::table.find(id)).execute(conn).map(|_| ()),
        None => Ok(()),
    }
}

/// Drops attempts older than `before`, which no window looks at any more.
pub fn purge(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(e::table.filter(e::at.lt(before))).execute(conn)
}
