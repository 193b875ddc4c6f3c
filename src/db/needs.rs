//! Queries on needs and their participants.

use diesel::prelude::*;

use crate::domain::NeedStatus;

use super::keyset::{self, After};
use super::schema::{need_participants, needs, organisations};
use super::DbConn;

/// A need as stored. List fields are JSON arrays.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = needs, treat_none_as_null = true)]
pub struct NeedRow {
    pub id: String,
    pub organisation_id: String,
    pub created_by: Option<String>,
    pub title: String,
    pub description: String,
    pub themes: String,
    pub cpv_codes: String,
    pub counties: String,
    pub national: bool,
    pub estimated_value_nok: Option<i64>,
    pub planned_tender_date: Option<chrono::NaiveDate>,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: NeedStatus,
    pub language: String,
    /// `registered` here; later `notice` for needs read from public notices.
    pub source: String,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

/// What the search index reads of a need, with its organisation's kind: no timestamps, whose
/// parsing was a sixth of a rebuild's reading.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = needs)]
pub struct NeedText {
    pub id: String,
    pub organisation_id: String,
    pub title: String,
    pub description: String,
    pub themes: String,
    pub cpv_codes: String,
    pub counties: String,
    pub national: bool,
    #[diesel(deserialize_as = String)]
    pub status: NeedStatus,
    pub language: String,
}

impl From<&NeedRow> for NeedText {
    fn from(row: &NeedRow) -> NeedText {
        NeedText {
            id: row.id.clone(),
            organisation_id: row.organisation_id.clone(),
            title: row.title.clone(),
            description: row.description.clone(),
            themes: row.themes.clone(),
            cpv_codes: row.cpv_codes.clone(),
            counties: row.counties.clone(),
            national: row.national,
            status: row.status,
            language: row.language.clone(),
        }
    }
}

/// A buyer that has declared the same need.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = need_participants)]
pub struct ParticipantRow {
    pub need_id: String,
    pub organisation_id: String,
    pub account_id: Option<String>,
    pub created_at: chrono::NaiveDateTime,
}

/// Filters for listing needs. Text filters match JSON array members exactly.
#[derive(Debug, Default, Clone)]
pub struct NeedFilter {
    /// Only this status.
    pub status: Option<String>,
    /// Only with this theme.
    pub theme: Option<String>,
    /// Only covering this county (or national).
    pub county: Option<String>,
    /// Only with a CPV code starting with these digits.
    pub cpv_prefix: Option<String>,
    /// Only of this organisation.
    pub organisation_id: Option<String>,
    /// Only from this source.
    pub source: Option<String>,
    /// The caller's organisation: its drafts are visible to it, others' are not.
    pub viewer_organisation: Option<String>,
    /// Only these needs (those a text search found).
    pub ids: Option<Vec<String>>,
    /// Only with a planned tender date on or after this day.
    pub deadline_from: Option<chrono::NaiveDate>,
    /// Only with a planned tender date on or before this day.
    pub deadline_to: Option<chrono::NaiveDate>,
    /// The order of the list.
    pub sort: NeedOrder,
}

/// How a list of needs is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum NeedOrder {
    /// Most recently changed first.
    #[default]
    Newest,
    /// The nearest planned tender date first; needs without one last.
    Deadline,
    /// By title.
    Title,
}

/// Inserts a need.
pub fn insert(conn: &mut DbConn, row: &NeedRow) -> QueryResult<()> {
    diesel::insert_into(needs::table)
        .values(row.clone())
        .execute(conn)
        .map(|_| ())
}

/// Writes every column back.
pub fn update(conn: &mut DbConn, row: &NeedRow) -> QueryResult<()> {
    diesel::update(needs::table.find(&row.id))
        .set(row.clone())
        .execute(conn)
        .map(|_| ())
}

/// Deletes a need.
pub fn delete(conn: &mut DbConn, id: &str) -> QueryResult<bool> {
    diesel::delete(needs::table.find(id))
        .execute(conn)
        .map(|n| n > 0)
}

/// The need with this id.
pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<NeedRow>> {
    needs::table
        .find(id)
        .select(NeedRow::as_select())
        .first(conn)
        .optional()
}

/// Needs with these ids, with their organisation's kind.
pub fn find_many(conn: &mut DbConn, ids: &[String]) -> QueryResult<Vec<NeedRow>> {
    needs::table
        .filter(needs::id.eq_any(ids))
        .select(NeedRow::as_select())
        .load(conn)
}

/// A page of needs in id order after `after`, for rebuilding the index, each with its
/// organisation's kind.
pub fn texts_after(
    conn: &mut DbConn,
    after: &str,
    limit: i64,
) -> QueryResult<Vec<(NeedText, Option<String>)>> {
    needs::table
        .left_join(organisations::table)
        // An ended entity's texts leave the index: they drop out of matches and search.
        .filter(organisations::ended.is_null())
        .filter(needs::id.gt(after))
        .order(needs::id.asc())
        .limit(limit)
        .select((NeedText::as_select(), organisations::kind.nullable()))
        .load(conn)
}

/// These needs as the index reads them, each with its organisation's kind.
pub fn texts(conn: &mut DbConn, ids: &[String]) -> QueryResult<Vec<(NeedText, Option<String>)>> {
    needs::table
        .left_join(organisations::table)
        // An ended entity's texts leave the index: they drop out of matches and search.
        .filter(organisations::ended.is_null())
        .filter(needs::id.eq_any(ids))
        .select((NeedText::as_select(), organisations::kind.nullable()))
        .load(conn)
}

/// The number of needs.
pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
    needs::table.count().get_result(conn)
}

fn json_member(value: &str) -> String {
    format!("%\"{value}\"%")
}

/// A page of the needs passing `filter`, skipping `offset`, with the number of all matches.
pub fn list(
    conn: &mut DbConn,
    filter: &NeedFilter,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<NeedRow>, i64)> {
    let total = count_matching(conn, filter)?;
    Ok((page(conn, filter, offset, limit)?, total))
}

/// How many needs pass `filter`.
pub fn count_matching(conn: &mut DbConn, filter: &NeedFilter) -> QueryResult<i64> {
    filtered(filter).count().get_result(conn)
}

/// A page of the needs passing `filter`, skipping `offset`, without counting.
pub fn page(
    conn: &mut DbConn,
    filter: &NeedFilter,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<NeedRow>> {
    ordered(filtered(filter), filter.sort)
        .offset(offset)
        .limit(limit)
        .select(NeedRow::as_select())
        .load(conn)
}

/// Up to `limit` needs passing `filter` that come after `after` in its order (from the first
/// when `None`), without counting: the cost stays that of one page however long the list is.
/// A key that does not fit the order gives no rows.
pub fn list_after(
    conn: &mut DbConn,
    filter: &NeedFilter,
    after: Option<&After>,
    limit: i64,
) -> QueryResult<Vec<NeedRow>> {
    if filter.sort == NeedOrder::Deadline {
        return deadline_after(conn, filter, after, limit);
    }
    let mut q = filtered(filter);
    if let Some(after) = after {
        let id = after.id.clone();
        // Each condition starts with a plain range on the sort column, which the index serves;
        // the rest only settles ties.
        q = match filter.sort {
            NeedOrder::Title => {
                let title = after.key.clone().unwrap_or_default();
                q.filter(needs::title.ge(title.clone()))
                    .filter(needs::title.gt(title).or(needs::id.gt(id)))
            }
            _ => {
                let Some(at) = keyset::parse_stamp(after.key.as_deref()) else {
                    return Ok(Vec::new());
                };
                q.filter(needs::updated_at.le(at))
                    .filter(needs::updated_at.lt(at).or(needs::id.lt(id)))
            }
        };
    }
    ordered(q, filter.sort)
        .limit(limit)
        .select(NeedRow::as_select())
        .load(conn)
}

/// The deadline order by cursor in two runs, each an index range: the needs with a date by date,
/// then those without by id. One query with "no date last" would sort every match.
fn deadline_after(
    conn: &mut DbConn,
    filter: &NeedFilter,
    after: Option<&After>,
    limit: i64,
) -> QueryResult<Vec<NeedRow>> {
    let mut rows = Vec::new();
    let undated_after = match after {
        None => None,
        Some(After { key: None, id }) => Some(id.clone()),
        Some(After { key: Some(_), .. }) => None,
    };
    let in_dated = !matches!(after, Some(After { key: None, .. }));
    if in_dated {
        let mut q = filtered(filter).filter(needs::planned_tender_date.is_not_null());
        if let Some(after) = after {
            let Some(Some(day)) = keyset::parse_day(after.key.as_deref()) else {
                return Ok(Vec::new());
            };
            q = q.filter(needs::planned_tender_date.ge(day)).filter(
                needs::planned_tender_date
                    .gt(day)
                    .or(needs::id.gt(after.id.clone())),
            );
        }
        rows = q
            .order((needs::planned_tender_date.asc(), needs::id.asc()))
            .limit(limit)
            .select(NeedRow::as_select())
            .load(conn)?;
    }
    let left = limit - rows.len() as i64;
    if left > 0 {
        let mut q = filtered(filter).filter(needs::planned_tender_date.is_null());
        if let Some(id) = undated_after {
            q = q.filter(needs::id.gt(id));
        }
        rows.extend(
            q.order(needs::id.asc())
                .limit(left)
                .select(NeedRow::as_select())
                .load(conn)?,
        );
    }
    Ok(rows)
}

/// The key of `row` in `order`, for the cursor of the page after it.
pub fn key_of(row: &NeedRow, order: NeedOrder) -> After {
    let key = match order {
        NeedOrder::Newest => Some(keyset::stamp(row.updated_at)),
        NeedOrder::Title => Some(row.title.clone()),
        NeedOrder::Deadline => row
            .planned_tender_date
            .map(|d| d.format("%Y-%m-%d").to_string()),
    };
    After {
        key,
        id: row.id.clone(),
    }
}

type Boxed<'a> = needs::BoxedQuery<'a, <DbConn as diesel::Connection>::Backend>;

/// The needs passing every filter of `filter`; drafts only for their own organisation.
fn filtered(filter: &NeedFilter) -> Boxed<'static> {
    let mut q = needs::table.into_boxed();
    q = match &filter.viewer_organisation {
        Some(org) => q.filter(
            needs::status
                .ne("draft")
                .or(needs::organisation_id.eq(org.clone())),
        ),
        None => q.filter(needs::status.ne("draft")),
    };
    if let Some(status) = &filter.status {
        q = q.filter(needs::status.eq(status.clone()));
    }
    if let Some(theme) = &filter.theme {
        q = q.filter(needs::themes.like(json_member(theme)));
    }
    if let Some(county) = &filter.county {
        q = q.filter(
            needs::counties
                .like(json_member(county))
                .or(needs::national.eq(true)),
        );
    }
    if let Some(prefix) = &filter.cpv_prefix {
        q = q.filter(needs::cpv_codes.like(format!("%\"{prefix}%")));
    }
    if let Some(org) = &filter.organisation_id {
        q = q.filter(needs::organisation_id.eq(org.clone()));
    }
    if let Some(source) = &filter.source {
        q = q.filter(needs::source.eq(source.clone()));
    }
    if let Some(ids) = &filter.ids {
        q = q.filter(needs::id.eq_any(ids.clone()));
    }
    if let Some(from) = filter.deadline_from {
        q = q.filter(needs::planned_tender_date.ge(from));
    }
    if let Some(to) = filter.deadline_to {
        q = q.filter(needs::planned_tender_date.le(to));
    }
    q
}

/// `q` in `order`, the id breaking ties so that every row has one place. Both columns run the
/// same way, so that the index on them, read backwards for the newest first, gives the order
/// without sorting.
fn ordered(q: Boxed<'static>, order: NeedOrder) -> Boxed<'static> {
    match order {
        NeedOrder::Newest => q.order((needs::updated_at.desc(), needs::id.desc())),
        // NULLs sort first on SQLite and last on PostgreSQL; put them last on both.
        NeedOrder::Deadline => q.order((
            needs::planned_tender_date.is_null().asc(),
            needs::planned_tender_date.asc(),
            needs::id.asc(),
        )),
        NeedOrder::Title => q.order((needs::title.asc(), needs::id.asc())),
    }
}

/// Adds a participant. Returns false when it already took part.
pub fn add_participant(conn: &mut DbConn, row: &ParticipantRow) -> QueryResult<bool> {
    let exists = need_participants::table
        .find((&row.need_id, &row.organisation_id))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if exists {
        return Ok(false);
    }
    diesel::insert_into(need_participants::table)
        .values(row)
        .execute(conn)?;
    Ok(true)
}

/// Removes a participant, and stamps the need as changed: a row that is gone leaves no time
/// behind, and what shows a need (its open data among it) finds changes by that stamp.
pub fn remove_participant(
    conn: &mut DbConn,
    need_id: &str,
    organisation_id: &str,
) -> QueryResult<bool> {
    let removed = diesel::delete(need_participants::table.find((need_id, organisation_id)))
        .execute(conn)?
        > 0;
    if removed {
        diesel::update(needs::table.find(need_id))
            .set(needs::updated_at.eq(super::now()))
            .execute(conn)?;
    }
    Ok(removed)
}

/// The participants of a need with their organisations' names, oldest first.
pub fn participants(
    conn: &mut DbConn,
    need_id: &str,
) -> QueryResult<Vec<(ParticipantRow, String)>> {
    need_participants::table
        .inner_join(
            organisations::table.on(organisations::id.eq(need_participants::organisation_id)),
        )
        .filter(need_participants::need_id.eq(need_id))
        .order(need_participants::created_at.asc())
        .select((ParticipantRow::as_select(), organisations::name))
        .load(conn)
}

/// The ids of an organisation's needs.
pub fn ids_of_organisation(conn: &mut DbConn, organisation_id: &str) -> QueryResult<Vec<String>> {
    needs::table
        .filter(needs::organisation_id.eq(organisation_id))
        .select(needs::id)
        .load(conn)
}
