//! Queries on running contracts, registered by buyers or read from award notices.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::contracts;
use super::DbConn;

/// A running contract.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = contracts)]
pub struct ContractRow {
    pub id: String,
    /// The buyer in innolift; none for a buyer of a notice that is not registered.
    pub organisation_id: Option<String>,
    pub buyer_name: String,
    /// The buyer's identifier as the notice gave it (an orgnr in Norway).
    pub buyer_identifier: Option<String>,
    pub title: String,
    /// JSON array of eight-digit CPV codes.
    pub cpv_codes: String,
    /// JSON array of county numbers.
    pub counties: String,
    pub starts_at: Option<NaiveDate>,
    pub ends_at: NaiveDate,
    /// The last possible end date, with every renewal option used.
    pub renewal_options: Option<NaiveDate>,
    pub value_nok: Option<i64>,
    /// Whether other buyers may see it named on the radar.
    pub shared: bool,
    /// `registered` or `notice`.
    pub source: String,
    pub notice_id: Option<String>,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Stores a contract.
pub fn insert(conn: &mut DbConn, row: &ContractRow) -> QueryResult<()> {
    diesel::insert_into(contracts::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// The contract with this id.
pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<ContractRow>> {
    contracts::table
        .find(id)
        .select(ContractRow::as_select())
        .first(conn)
        .optional()
}

/// Removes a contract.
pub fn delete(conn: &mut DbConn, id: &str) -> QueryResult<usize> {
    diesel::delete(contracts::table.find(id)).execute(conn)
}

/// Removes the contracts read from a notice, before its newer version adds them again.
pub fn delete_of_notice(conn: &mut DbConn, notice_id: &str) -> QueryResult<usize> {
    diesel::delete(contracts::table.filter(contracts::notice_id.eq(notice_id))).execute(conn)
}

/// An organisation's contracts (all, for `None`), by end date, at most `limit`.
pub fn list(
    conn: &mut DbConn,
    organisation_id: Option<&str>,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<ContractRow>> {
    let mut query = contracts::table
        .select(ContractRow::as_select())
        .order((contracts::ends_at.asc(), contracts::id.asc()))
        .offset(offset)
        .limit(limit)
        .into_boxed();
    if let Some(org) = organisation_id {
        query = query.filter(contracts::organisation_id.eq(org));
    }
    query.load(conn)
}

/// How many contracts [`list`] pages through.
pub fn count(conn: &mut DbConn, organisation_id: Option<&str>) -> QueryResult<i64> {
    let mut query = contracts::table.count().into_boxed();
    if let Some(org) = organisation_id {
        query = query.filter(contracts::organisation_id.eq(org));
    }
    query.get_result(conn)
}

/// Contracts whose end date (without renewal options, which may not be used) lies within
/// `from..=to`, by end date.
pub fn ending_between(
    conn: &mut DbConn,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<ContractRow>> {
    contracts::table
        .filter(contracts::ends_at.ge(from))
        .filter(contracts::ends_at.le(to))
        .order((contracts::ends_at.asc(), contracts::id.asc()))
        .select(ContractRow::as_select())
        .load(conn)
}

/// Organisations with at least one registered contract.
pub fn organisations_with_contracts(conn: &mut DbConn) -> QueryResult<Vec<String>> {
    contracts::table
        .filter(contracts::organisation_id.is_not_null())
        .select(contracts::organisation_id.assume_not_null())
        .distinct()
        .load(conn)
}

/// The radar groups an organisation was told of, among `group_ids`, and when it last was.
pub fn told(conn: &mut DbConn, organisation_id: &str) -> QueryResult<Vec<(String, NaiveDateTime)>> {
    use super::schema::radar_told;
    radar_told::table
        .filter(radar_told::organisation_id.eq(organisation_id))
        .select((radar_told::group_id, radar_told::told_at))
        .load(conn)
}

/// Records that an organisation was told of these groups.
pub fn mark_told(
    conn: &mut DbConn,
    organisation_id: &str,
    group_ids: &[String],
    at: NaiveDateTime,
) -> QueryResult<()> {
    use super::schema::radar_told;
    for id in group_ids {
        diesel::delete(radar_told::table.find((organisation_id, id))).execute(conn)?;
        diesel::insert_into(radar_told::table)
            .values((
                radar_told::organisation_id.eq(organisation_id),
                radar_told::group_id.eq(id),
                radar_told::told_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}
