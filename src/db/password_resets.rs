//! Forgotten-password links, stored by the SHA-256 of their token.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::password_resets;
use super::DbConn;

/// A reset link as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = password_resets)]
pub struct PasswordResetRow {
    pub token_hash: String,
    pub account_id: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

/// Records a new link.
pub fn insert(conn: &mut DbConn, row: &PasswordResetRow) -> QueryResult<()> {
    diesel::insert_into(password_resets::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// How many links were made for this account since `since`.
pub fn count_since(conn: &mut DbConn, account_id: &str, since: NaiveDateTime) -> QueryResult<i64> {
    password_resets::table
        .filter(password_resets::account_id.eq(account_id))
        .filter(password_resets::created_at.gt(since))
        .count()
        .get_result(conn)
}

/// The link with this token hash, used or not.
pub fn find(conn: &mut DbConn, token_hash: &str) -> QueryResult<Option<PasswordResetRow>> {
    password_resets::table
        .find(token_hash)
        .select(PasswordResetRow::as_select())
        .first(conn)
        .optional()
}

/// Marks the link used, if it is still unused and unexpired; false when it was not (so two
/// requests with one link cannot both succeed).
pub fn consume(conn: &mut DbConn, token_hash: &str) -> QueryResult<bool> {
    let now = super::now();
    let changed = diesel::update(
        password_resets::table
            .filter(password_resets::token_hash.eq(token_hash))
            .filter(password_resets::used_at.is_null())
            .filter(password_resets::expires_at.gt(now)),
    )
    .set(password_resets::used_at.eq(Some(now)))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Marks every other unused link of the account used: after a reset, older links are void.
pub fn void_for(conn: &mut DbConn, account_id: &str) -> QueryResult<()> {
    diesel::update(
        password_resets::table
            .filter(password_resets::account_id.eq(account_id))
            .filter(password_resets::used_at.is_null()),
    )
    .set(password_resets::used_at.eq(Some(super::now())))
    .execute(conn)
    .map(|_| ())
}
