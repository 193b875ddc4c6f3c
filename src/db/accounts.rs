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
    /// When the organisation's owner removed the user; such an account no longer signs in.
    pub removed_at: Option<chrono::NaiveDateTime>,
    /// When the address was confirmed: by its link, by an invitation link sent to it, or by an
    /// OpenID Connect provider that verified it.
    pub email_confirmed_at: Option<chrono::NaiveDateTime>,
    /// SHA-256 of the confirmation link's token, while one is outstanding.
    pub email_confirm_token_hash: Option<String>,
    /// When the last confirmation link was sent.
    pub email_confirm_sent_at: Option<chrono::NaiveDateTime>,
}

impl AccountRow {
    /// An owner of `organisation_id` whose address counts as confirmed, for accounts made by the
    /// service itself (the demo data, benchmarks) rather than by registering.
    pub fn confirmed_owner(
        id: String,
        email: &str,
        name: &str,
        password_hash: String,
        organisation_id: &str,
    ) -> AccountRow {
        let now = super::now();
        AccountRow {
            id,
            email: email.to_owned(),
            name: name.to_owned(),
            password_hash,
            role: "owner".to_owned(),
            organisation_id: Some(organisation_id.to_owned()),
            security_stamp: super::new_id(),
            created_at: now,
            updated_at: now,
            removed_at: None,
            email_confirmed_at: Some(now),
            email_confirm_token_hash: None,
            email_confirm_sent_at: None,
        }
    }
}

/// A standing invitation for an email address to join an organisation.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = organisation_invites)]
pub struct InviteRow {
    pub organisation_id: String,
    pub email: String,
    pub invited_by: String,
    pub created_at: chrono::NaiveDateTime,
    /// SHA-256 of the link's token; none for invitations made before links existed.
    pub token_hash: Option<String>,
    /// When the link stops working; none for invitations made before links existed.
    pub expires_at: Option<chrono::NaiveDateTime>,
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

/// The accounts of an organisation, owners first; removed users are not among them.
pub fn in_organisation(conn: &mut DbConn, organisation_id: &str) -> QueryResult<Vec<AccountRow>> {
    accounts::table
        .filter(accounts::organisation_id.eq(organisation_id))
        .filter(accounts::removed_at.is_null())
        .order((accounts::role.desc(), accounts::email.asc()))
        .select(AccountRow::as_select())
        .load(conn)
}

/// Records an invitation; one that exists gets the new link and expiry instead (the old link
/// stops working). Returns false when it already existed.
pub fn insert_invite(conn: &mut DbConn, row: &InviteRow) -> QueryResult<bool> {
    let exists = organisation_invites::table
        .find((&row.organisation_id, &row.email))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if exists {
        diesel::update(organisation_invites::table.find((&row.organisation_id, &row.email)))
            .set((
                organisation_invites::token_hash.eq(&row.token_hash),
                organisation_invites::expires_at.eq(row.expires_at),
                organisation_invites::invited_by.eq(&row.invited_by),
            ))
            .execute(conn)?;
        return Ok(false);
    }
    diesel::insert_into(organisation_invites::table)
        .values(row)
        .execute(conn)?;
    Ok(true)
}

/// The unexpired invitation of this organisation for this email, if any.
pub fn invite(
    conn: &mut DbConn,
    organisation_id: &str,
    email: &str,
) -> QueryResult<Option<InviteRow>> {
    organisation_invites::table
        .find((organisation_id, email))
        .filter(
            organisation_invites::expires_at
                .is_null()
                .or(organisation_invites::expires_at.gt(super::now())),
        )
        .select(InviteRow::as_select())
        .first(conn)
        .optional()
}

/// The newest unexpired invitation for this email, if any.
pub fn invite_for_email(conn: &mut DbConn, email: &str) -> QueryResult<Option<InviteRow>> {
    organisation_invites::table
        .filter(organisation_invites::email.eq(email))
        .filter(
            organisation_invites::expires_at
                .is_null()
                .or(organisation_invites::expires_at.gt(super::now())),
        )
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

/// The unexpired invitation whose link token has this SHA-256, if any.
pub fn invite_by_token(conn: &mut DbConn, token_hash: &str) -> QueryResult<Option<InviteRow>> {
    organisation_invites::table
        .filter(organisation_invites::token_hash.eq(token_hash))
        .filter(organisation_invites::expires_at.gt(super::now()))
        .select(InviteRow::as_select())
        .first(conn)
        .optional()
}

/// Changes an account's display name.
pub fn set_name(conn: &mut DbConn, id: &str, name: &str) -> QueryResult<()> {
    diesel::update(accounts::table.find(id))
        .set((
            accounts::name.eq(name),
            accounts::updated_at.eq(super::now()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Replaces the security stamp, which ends every token and session issued before.
pub fn set_stamp(conn: &mut DbConn, id: &str, stamp: &str) -> QueryResult<()> {
    diesel::update(accounts::table.find(id))
        .set((
            accounts::security_stamp.eq(stamp),
            accounts::updated_at.eq(super::now()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Sets an account's role.
pub fn set_role(conn: &mut DbConn, id: &str, role: &str) -> QueryResult<()> {
    diesel::update(accounts::table.find(id))
        .set((
            accounts::role.eq(role),
            accounts::updated_at.eq(super::now()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Marks an account removed from its organisation and gives it a new stamp, in one statement.
pub fn mark_removed(conn: &mut DbConn, id: &str, stamp: &str) -> QueryResult<()> {
    diesel::update(accounts::table.find(id))
        .set((
            accounts::removed_at.eq(Some(super::now())),
            accounts::role.eq("member"),
            accounts::security_stamp.eq(stamp),
            accounts::updated_at.eq(super::now()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Deletes an account; its sessions, notifications and password resets go with it (the
/// foreign keys cascade), and what it created keeps no link to it.
pub fn delete(conn: &mut DbConn, id: &str) -> QueryResult<bool> {
    diesel::delete(accounts::table.find(id))
        .execute(conn)
        .map(|n| n > 0)
}

/// Stores a new confirmation link's hash, replacing any earlier link.
pub fn set_confirm_token(
    conn: &mut DbConn,
    id: &str,
    token_hash: &str,
    sent_at: chrono::NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(accounts::table.find(id))
        .set((
            accounts::email_confirm_token_hash.eq(Some(token_hash)),
            accounts::email_confirm_sent_at.eq(Some(sent_at)),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The account with an outstanding confirmation link of this hash.
pub fn find_by_confirm_token(
    conn: &mut DbConn,
    token_hash: &str,
) -> QueryResult<Option<AccountRow>> {
    accounts::table
        .filter(accounts::email_confirm_token_hash.eq(token_hash))
        .select(AccountRow::as_select())
        .first(conn)
        .optional()
}

/// Marks the address confirmed and voids the link. False when it was confirmed already.
pub fn confirm_email(conn: &mut DbConn, id: &str, at: chrono::NaiveDateTime) -> QueryResult<bool> {
    diesel::update(
        accounts::table
            .find(id)
            .filter(accounts::email_confirmed_at.is_null()),
    )
    .set((
        accounts::email_confirmed_at.eq(Some(at)),
        accounts::email_confirm_token_hash.eq(None::<String>),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// True when an account holds this address and has not confirmed it.
pub fn is_unconfirmed_address(conn: &mut DbConn, email: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        accounts::table
            .filter(accounts::email.eq(email))
            .filter(accounts::email_confirmed_at.is_null()),
    ))
    .get_result(conn)
}
