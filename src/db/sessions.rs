//! Browser sessions, stored by the SHA-256 of the cookie's random id.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::accounts::AccountRow;
use super::schema::{accounts, web_sessions};
use super::DbConn;

/// Starts a session for `account` that ends at `expires_at`.
pub fn insert(
    conn: &mut DbConn,
    id_hash: &str,
    account: &AccountRow,
    expires_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(web_sessions::table)
        .values((
            web_sessions::id_hash.eq(id_hash),
            web_sessions::account_id.eq(&account.id),
            web_sessions::security_stamp.eq(&account.security_stamp),
            web_sessions::created_at.eq(super::now()),
            web_sessions::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The account behind a live session: not expired, and the password unchanged since sign-in.
pub fn account(conn: &mut DbConn, id_hash: &str) -> QueryResult<Option<AccountRow>> {
    let found: Option<(String, AccountRow)> = web_sessions::table
        .inner_join(accounts::table.on(accounts::id.eq(web_sessions::account_id)))
        .filter(web_sessions::id_hash.eq(id_hash))
        .filter(web_sessions::expires_at.gt(super::now()))
        .select((web_sessions::security_stamp, AccountRow::as_select()))
        .first(conn)
        .optional()?;
    Ok(found
        .filter(|(stamp, account)| *stamp == account.security_stamp)
        .map(|(_, account)| account))
}

/// Ends a session.
pub fn delete(conn: &mut DbConn, id_hash: &str) -> QueryResult<()> {
    diesel::delete(web_sessions::table.filter(web_sessions::id_hash.eq(id_hash)))
        .execute(conn)
        .map(|_| ())
}

/// Drops expired sessions; returns how many.
pub fn purge_expired(conn: &mut DbConn) -> QueryResult<usize> {
    diesel::delete(web_sessions::table.filter(web_sessions::expires_at.le(super::now())))
        .execute(conn)
}

/// Ends every session of an account.
pub fn delete_for_account(conn: &mut DbConn, account_id: &str) -> QueryResult<usize> {
    diesel::delete(web_sessions::table.filter(web_sessions::account_id.eq(account_id)))
        .execute(conn)
}

/// Ends every session of an account but `keep`, and gives `keep` the account's new stamp.
pub fn keep_only(
    conn: &mut DbConn,
    account_id: &str,
    keep: &str,
    stamp: &str,
) -> QueryResult<usize> {
    let ended = diesel::delete(
        web_sessions::table
            .filter(web_sessions::account_id.eq(account_id))
            .filter(web_sessions::id_hash.ne(keep)),
    )
    .execute(conn)?;
    diesel::update(web_sessions::table.find(keep))
        .set(web_sessions::security_stamp.eq(stamp))
        .execute(conn)?;
    Ok(ended)
}
