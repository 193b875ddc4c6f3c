//! Queries on OpenID Connect sign-ins in flight and on the identities linked to accounts.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{oidc_identities as ids, oidc_logins as logins};
use super::DbConn;

/// A sign-in in flight.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = logins)]
pub struct LoginRow {
    pub state_hash: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub next_path: Option<String>,
    pub created_at: NaiveDateTime,
}

/// A person at a provider.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = ids, treat_none_as_null = true)]
pub struct IdentityRow {
    pub issuer: String,
    pub subject: String,
    pub account_id: Option<String>,
    pub email: Option<String>,
    pub email_verified: bool,
    pub name: Option<String>,
    pub pending_token_hash: Option<String>,
    pub created_at: NaiveDateTime,
    pub last_sign_in_at: NaiveDateTime,
}

/// Stores a sign-in in flight, and sweeps those older than `before`.
pub fn start(conn: &mut DbConn, row: &LoginRow, before: NaiveDateTime) -> QueryResult<()> {
    diesel::delete(logins::table.filter(logins::created_at.lt(before))).execute(conn)?;
    diesel::insert_into(logins::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// Takes the sign-in with this state: it is gone afterwards, so a state works once.
pub fn take(conn: &mut DbConn, state_hash: &str) -> QueryResult<Option<LoginRow>> {
    let row = logins::table
        .find(state_hash)
        .select(LoginRow::as_select())
        .first(conn)
        .optional()?;
    if row.is_some() {
        diesel::delete(logins::table.find(state_hash)).execute(conn)?;
    }
    Ok(row)
}

/// The identity of this subject at this issuer.
pub fn find(conn: &mut DbConn, issuer: &str, subject: &str) -> QueryResult<Option<IdentityRow>> {
    ids::table
        .find((issuer, subject))
        .select(IdentityRow::as_select())
        .first(conn)
        .optional()
}

/// The identity waiting for this registration token.
pub fn find_pending(conn: &mut DbConn, token_hash: &str) -> QueryResult<Option<IdentityRow>> {
    ids::table
        .filter(ids::pending_token_hash.eq(token_hash))
        .filter(ids::account_id.is_null())
        .select(IdentityRow::as_select())
        .first(conn)
        .optional()
}

/// Writes an identity, new or changed.
pub fn save(conn: &mut DbConn, row: &IdentityRow) -> QueryResult<()> {
    let updated = diesel::update(ids::table.find((&row.issuer, &row.subject)))
        .set((
            ids::account_id.eq(&row.account_id),
            ids::email.eq(&row.email),
            ids::email_verified.eq(row.email_verified),
            ids::name.eq(&row.name),
            ids::pending_token_hash.eq(&row.pending_token_hash),
            ids::last_sign_in_at.eq(row.last_sign_in_at),
        ))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(ids::table).values(row).execute(conn)?;
    }
    Ok(())
}

/// The identities linked to an account, for its export.
pub fn of_account(conn: &mut DbConn, account_id: &str) -> QueryResult<Vec<IdentityRow>> {
    ids::table
        .filter(ids::account_id.eq(account_id))
        .select(IdentityRow::as_select())
        .load(conn)
}
