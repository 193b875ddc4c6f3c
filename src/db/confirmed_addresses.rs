//! Queries on registrations of interest waiting for their address, and on the addresses that
//! proved, by opening a link, that they asked for the mail.

use diesel::prelude::*;

use super::schema::{accounts, confirmed_addresses, interest_requests};
use super::DbConn;

/// A registration of interest waiting for its address to be confirmed.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = interest_requests)]
pub struct RequestRow {
    pub id: String,
    pub dialogue_id: String,
    pub orgnr: String,
    pub supplier_id: Option<String>,
    pub email: String,
    pub created_at: chrono::NaiveDateTime,
}

/// Whether `email` has been confirmed: through a registration's link, or as the confirmed address
/// of an account.
pub fn is_confirmed(conn: &mut DbConn, email: &str) -> QueryResult<bool> {
    let by_link = diesel::select(diesel::dsl::exists(confirmed_addresses::table.find(email)))
        .get_result::<bool>(conn)?;
    if by_link {
        return Ok(true);
    }
    diesel::select(diesel::dsl::exists(
        accounts::table
            .filter(accounts::email.eq(email))
            .filter(accounts::email_confirmed_at.is_not_null()),
    ))
    .get_result(conn)
}

/// Records that `email` is confirmed (idempotent).
pub fn confirm(conn: &mut DbConn, email: &str) -> QueryResult<()> {
    if diesel::select(diesel::dsl::exists(confirmed_addresses::table.find(email)))
        .get_result::<bool>(conn)?
    {
        return Ok(());
    }
    diesel::insert_into(confirmed_addresses::table)
        .values((
            confirmed_addresses::email.eq(email),
            confirmed_addresses::confirmed_at.eq(super::now()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Records a waiting registration.
pub fn insert_request(conn: &mut DbConn, row: &RequestRow) -> QueryResult<()> {
    diesel::insert_into(interest_requests::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// A waiting registration by its id.
pub fn request(conn: &mut DbConn, id: &str) -> QueryResult<Option<RequestRow>> {
    interest_requests::table
        .find(id)
        .select(RequestRow::as_select())
        .first(conn)
        .optional()
}

/// Whether `orgnr` has a waiting registration for the event.
pub fn is_requested(conn: &mut DbConn, dialogue_id: &str, orgnr: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        interest_requests::table
            .filter(interest_requests::dialogue_id.eq(dialogue_id))
            .filter(interest_requests::orgnr.eq(orgnr)),
    ))
    .get_result(conn)
}

/// The registrations waiting for `email`, oldest first.
pub fn requests_of(conn: &mut DbConn, email: &str) -> QueryResult<Vec<RequestRow>> {
    interest_requests::table
        .filter(interest_requests::email.eq(email))
        .order(interest_requests::created_at.asc())
        .select(RequestRow::as_select())
        .load(conn)
}

/// Drops the waiting registrations of `email`, once they are invitations or moot.
pub fn delete_requests(conn: &mut DbConn, email: &str) -> QueryResult<usize> {
    diesel::delete(interest_requests::table.filter(interest_requests::email.eq(email)))
        .execute(conn)
}
