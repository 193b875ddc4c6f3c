//! Queries on accounts and on invitations to join an organisation.

use diesel::prelude::*;

use super::schema::{accounts, organisation_invites};
use super::DbConn;

/// An account as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = accounts)]
pub struct AccountRow {
    pub id: String,
    /// Lowercased, so uniqueness ignores case.
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub role: String,
    pub organisation_id: Option<String>,
    /// Part of the token signing key: replacing it invalidates every token issued before.
    pub security_stamp: String,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

/// A standing invitation for an email address to join an organisation.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = organisation_invites)]
pub struct InviteRow {
    pub organisation_id: String,
    pub email: String,
    pub invited_by: String,
    pub created_at: chrono::NaiveDateTime,
}

/// Inserts a new account.
pub fn insert(conn: &mut DbConn, row: &AccountRow) -> QueryResult<()> {
    diesel::insert_into(accounts::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// The account with this id.
pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<AccountRow>> {
    accounts::table
        .find(id)
        .select(AccountRow::as_select())
        .first(conn)
        .optional()
}

/// The account with this (normalised) email.
pub fn find_by_email(conn: &mut DbConn, email: &str) -> QueryResult<Option<AccountRow>> {
    accounts::table
        .filter(accounts::email.eq(email))
        .select(AccountRow::as_select())
        .first(conn)
        .optional()
}

/// Replaces the password hash and the security stamp.
pub fn set_password(conn: &mut DbConn, id: &str, hash: &str, stamp: &str) -> QueryResult<()> {
    diesel::update(accounts::table.find(id))
        .set((
            accounts::password_hash.eq(hash),
            accounts::security_stamp.eq(stamp),
            accounts::updated_at.eq(super::now()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The accounts of an organisation, owners first.
pub fn in_organisation(conn: &mut DbConn, organisation_id: &str) -> QueryResult<Vec<AccountRow>> {
    accounts::table
        .filter(accounts::organisation_id.eq(organisation_id))
        .order((accounts::role.desc(), accounts::email.asc()))
        .select(AccountRow::as_select())
        .load(conn)
}

/// Records an invitation, or leaves the existing one. Returns false when it already existed.
pub fn insert_invite(conn: &mut DbConn, row: &InviteRow) -> QueryResult<bool> {
    let exists = organisation_invites::table
        .find((&row.organisation_id, &row.email))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if exists {
        return Ok(false);
    }
    diesel::insert_into(organisation_invites::table)
        .values(row)
        .execute(conn)?;
    Ok(true)
}

/// The invitation of this organisation for this email, if any.
pub fn invite(
    conn: &mut DbConn,
    organisation_id: &str,
    email: &str,
) -> QueryResult<Option<InviteRow>> {
    organisation_invites::table
        .find((organisation_id, email))
        .select(InviteRow::as_select())
        .first(conn)
        .optional()
}

/// The newest invitation for this email, if any.
pub fn invite_for_email(conn: &mut DbConn, email: &str) -> QueryResult<Option<InviteRow>> {
    organisation_invites::table
        .filter(organisation_invites::email.eq(email))
        .order(organisation_invites::created_at.desc())
        .select(InviteRow::as_select())
        .first(conn)
        .optional()
}

/// The pending invitations of an organisation.
pub fn invites_of(conn: &mut DbConn, organisation_id: &str) -> QueryResult<Vec<InviteRow>> {
    organisation_invites::table
        .filter(organisation_invites::organisation_id.eq(organisation_id))
        .order(organisation_invites::email.asc())
        .select(InviteRow::as_select())
        .load(conn)
}

/// Removes every invitation for this email (once it has joined an organisation).
pub fn delete_invites_for(conn: &mut DbConn, email: &str) -> QueryResult<()> {
    diesel::delete(organisation_invites::table.filter(organisation_invites::email.eq(email)))
        .execute(conn)
        .map(|_| ())
}
