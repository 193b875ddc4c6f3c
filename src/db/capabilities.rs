//! Queries on capabilities.

use diesel::prelude::*;

use super::keyset::{self, After};
use super::schema::{capabilities, organisations};
use super::DbConn;

/// A capability as stored. List fields are JSON arrays.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = capabilities, treat_none_as_null = true)]
pub struct CapabilityRow {
    pub id: String,
    pub organisation_id: String,
    pub created_by: Option<String>,
    pub title: String,
    pub description: String,
    pub themes: String,
    pub cpv_codes: String,
    pub counties: String,
    pub national: bool,
    pub maturity: Option<String>,
    pub keywords: String,
    /// Earlier deliveries (`references` in the API; a reserved word in SQL).
    pub reference_list: String,
    pub language: String,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

/// What the search index reads of a capability: no timestamps or references.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = capabilities)]
pub struct CapabilityText {
    pub id: String,
    pub organisation_id: String,
    pub title: String,
    pub description: String,
    pub themes: String,
    pub cpv_codes: String,
    pub counties: String,
    pub national: bool,
    pub keywords: String,
    pub language: String,
}

impl From<&CapabilityRow> for CapabilityText {
    fn from(row: &CapabilityRow) -> CapabilityText {
        CapabilityText {
            id: row.id.clone(),
            organisation_id: row.organisation_id.clone(),
            title: row.title.clone(),
            description: row.description.clone(),
            themes: row.themes.clone(),
            cpv_codes: row.cpv_codes.clone(),
            counties: row.counties.clone(),
            national: row.national,
            keywords: row.keywords.clone(),
            language: row.language.clone(),
        }
    }
}

/// Filters for listing capabilities.
#[derive(Debug, Default, Clone)]
pub struct CapabilityFilter {
    /// Only with this theme.
    pub theme: Option<String>,
    /// Only covering this county (or national).
    pub county: Option<String>,
    /// Only with a CPV code starting with these digits.
    pub cpv_prefix: Option<String>,
    /// Only of this organisation.
    pub organisation_id: Option<String>,
    /// Only at this maturity.
    pub maturity: Option<String>,
}

/// Inserts a capability.
pub fn insert(conn: &mut DbConn, row: &CapabilityRow) -> QueryResult<()> {
    diesel::insert_into(capabilities::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// Writes every column back.
pub fn update(conn: &mut DbConn, row: &CapabilityRow) -> QueryResult<()> {
    diesel::update(capabilities::table.find(&row.id))
        .set(row)
        .execute(conn)
        .map(|_| ())
}

/// Deletes a capability.
pub fn delete(conn: &mut DbConn, id: &str) -> QueryResult<bool> {
    diesel::delete(capabilities::table.find(id))
        .execute(conn)
        .map(|n| n > 0)
}

/// The capability with this id.
pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<CapabilityRow>> {
    capabilities::table
        .find(id)
        .select(CapabilityRow::as_select())
        .first(conn)
        .optional()
}

/// Capabilities with these ids.
pub fn find_many(conn: &mut DbConn, ids: &[String]) -> QueryResult<Vec<CapabilityRow>> {
    capabilities::table
        .filter(capabilities::id.eq_any(ids))
        .select(CapabilityRow::as_select())
        .load(conn)
}

/// A page in id order after `after`, for rebuilding the index, each with its organisation's
/// kind.
pub fn texts_after(
    conn: &mut DbConn,
    after: &str,
    limit: i64,
) -> QueryResult<Vec<(CapabilityText, Option<String>)>> {
    capabilities::table
        .left_join(organisations::table)
        // An ended entity's texts leave the index: they drop out of matches and search.
        .filter(organisations::ended.is_null())
        .filter(capabilities::id.gt(after))
        .order(capabilities::id.asc())
        .limit(limit)
        .select((CapabilityText::as_select(), organisations::kind.nullable()))
        .load(conn)
}

/// These capabilities as the index reads them, each with its organisation's kind.
pub fn texts(
    conn: &mut DbConn,
    ids: &[String],
) -> QueryResult<Vec<(CapabilityText, Option<String>)>> {
    capabilities::table
        .left_join(organisations::table)
        // An ended entity's texts leave the index: they drop out of matches and search.
        .filter(organisations::ended.is_null())
        .filter(capabilities::id.eq_any(ids))
        .select((CapabilityText::as_select(), organisations::kind.nullable()))
        .load(conn)
}

/// The number of capabilities.
pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
    capabilities::table.count().get_result(conn)
}

/// A page of the capabilities passing `filter`, newest first, with the number of all matches.
pub fn list(
    conn: &mut DbConn,
    filter: &CapabilityFilter,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<CapabilityRow>, i64)> {
    let total = count_matching(conn, filter)?;
    Ok((page(conn, filter, offset, limit)?, total))
}

/// How many capabilities pass `filter`.
pub fn count_matching(conn: &mut DbConn, filter: &CapabilityFilter) -> QueryResult<i64> {
    filtered(filter).count().get_result(conn)
}

/// A page of the capabilities passing `filter`, newest first, skipping `offset`, without counting.
pub fn page(
    conn: &mut DbConn,
    filter: &CapabilityFilter,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<CapabilityRow>> {
    filtered(filter)
        .order((capabilities::updated_at.desc(), capabilities::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(CapabilityRow::as_select())
        .load(conn)
}

/// Up to `limit` capabilities passing `filter` after `after`, newest first, without counting.
/// A key that is not a timestamp gives no rows.
pub fn list_after(
    conn: &mut DbConn,
    filter: &CapabilityFilter,
    after: Option<&After>,
    limit: i64,
) -> QueryResult<Vec<CapabilityRow>> {
    let mut q = filtered(filter);
    if let Some(after) = after {
        let Some(at) = keyset::parse_stamp(after.key.as_deref()) else {
            return Ok(Vec::new());
        };
        // A plain range first, which the index serves; the rest settles ties.
        q = q.filter(capabilities::updated_at.le(at)).filter(
            capabilities::updated_at
                .lt(at)
                .or(capabilities::id.lt(after.id.clone())),
        );
    }
    q.order((capabilities::updated_at.desc(), capabilities::id.desc()))
        .limit(limit)
        .select(CapabilityRow::as_select())
        .load(conn)
}

/// The key of `row`, for the cursor of the page after it.
pub fn key_of(row: &CapabilityRow) -> After {
    After {
        key: Some(keyset::stamp(row.updated_at)),
        id: row.id.clone(),
    }
}

fn filtered(
    filter: &CapabilityFilter,
) -> capabilities::BoxedQuery<'static, <DbConn as diesel::Connection>::Backend> {
    let mut q = capabilities::table.into_boxed();
    if let Some(theme) = &filter.theme {
        q = q.filter(capabilities::themes.like(format!("%\"{theme}\"%")));
    }
    if let Some(county) = &filter.county {
        q = q.filter(
            capabilities::counties
                .like(format!("%\"{county}\"%"))
                .or(capabilities::national.eq(true)),
        );
    }
    if let Some(prefix) = &filter.cpv_prefix {
        q = q.filter(capabilities::cpv_codes.like(format!("%\"{prefix}%")));
    }
    if let Some(org) = &filter.organisation_id {
        q = q.filter(capabilities::organisation_id.eq(org.clone()));
    }
    if let Some(maturity) = &filter.maturity {
        q = q.filter(capabilities::maturity.eq(maturity.clone()));
    }
    q
}

/// The organisations with at least one capability passing `filter` (its organisation filter
/// aside).
pub fn organisations_with(
    conn: &mut DbConn,
    filter: &CapabilityFilter,
) -> QueryResult<Vec<String>> {
    let mut q = capabilities::table.into_boxed();
    if let Some(theme) = &filter.theme {
        q = q.filter(capabilities::themes.like(format!("%\"{theme}\"%")));
    }
    if let Some(prefix) = &filter.cpv_prefix {
        q = q.filter(capabilities::cpv_codes.like(format!("%\"{prefix}%")));
    }
    q.select(capabilities::organisation_id)
        .distinct()
        .load(conn)
}

/// Each organisation's capabilities (id and title), by organisation, newest first.
pub fn titles_of(
    conn: &mut DbConn,
    organisation_ids: &[String],
) -> QueryResult<Vec<(String, String, String)>> {
    capabilities::table
        .filter(capabilities::organisation_id.eq_any(organisation_ids))
        .order((capabilities::updated_at.desc(), capabilities::id.asc()))
        .select((
            capabilities::organisation_id,
            capabilities::id,
            capabilities::title,
        ))
        .load(conn)
}

/// The ids of an organisation's capabilities.
pub fn ids_of_organisation(conn: &mut DbConn, organisation_id: &str) -> QueryResult<Vec<String>> {
    capabilities::table
        .filter(capabilities::organisation_id.eq(organisation_id))
        .select(capabilities::id)
        .load(conn)
}
