//! Queries on suppliers' and clusters' interest in needs.

use diesel::prelude::*;

use super::schema::{need_interests, organisations};
use super::DbConn;

/// An organisation's interest in a need.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = need_interests)]
pub struct InterestRow {
    pub need_id: String,
    pub organisation_id: String,
    pub account_id: Option<String>,
    pub comment: Option<String>,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

/// The interest of one organisation in a need.
pub fn find(
    conn: &mut DbConn,
    need_id: &str,
    organisation_id: &str,
) -> QueryResult<Option<InterestRow>> {
    need_interests::table
        .find((need_id, organisation_id))
        .select(InterestRow::as_select())
        .first(conn)
        .optional()
}

/// Inserts an interest.
pub fn insert(conn: &mut DbConn, row: &InterestRow) -> QueryResult<()> {
    diesel::insert_into(need_interests::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// Replaces the comment of an interest, by `account_id`.
pub fn update_comment(
    conn: &mut DbConn,
    need_id: &str,
    organisation_id: &str,
    account_id: &str,
    comment: Option<&str>,
) -> QueryResult<bool> {
    diesel::update(need_interests::table.find((need_id, organisation_id)))
        .set((
            need_interests::comment.eq(comment),
            need_interests::account_id.eq(Some(account_id)),
            need_interests::updated_at.eq(super::now()),
        ))
        .execute(conn)
        .map(|n| n > 0)
}

/// Withdraws an interest.
pub fn delete(conn: &mut DbConn, need_id: &str, organisation_id: &str) -> QueryResult<bool> {
    diesel::delete(need_interests::table.find((need_id, organisation_id)))
        .execute(conn)
        .map(|n| n > 0)
}

/// The interests in a need with the organisations' names and kinds, newest first.
pub fn of_need(
    conn: &mut DbConn,
    need_id: &str,
) -> QueryResult<Vec<(InterestRow, String, String)>> {
    need_interests::table
        .inner_join(organisations::table.on(organisations::id.eq(need_interests::organisation_id)))
        .filter(need_interests::need_id.eq(need_id))
        .order((need_interests::created_at.desc(), organisations::name.asc()))
        .select((
            InterestRow::as_select(),
            organisations::name,
            organisations::kind,
        ))
        .load(conn)
}
