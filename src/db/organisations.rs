//! Queries on organisations and cluster membership.

use diesel::prelude::*;

use super::schema::{cluster_members, organisations};
use super::DbConn;

/// An organisation as stored.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = organisations, treat_none_as_null = true)]
pub struct OrganisationRow {
    pub id: String,
    pub kind: String,
    pub orgnr: String,
    pub name: String,
    /// Lowercased name and orgnr, for case-insensitive search that treats æ, ø and å right on
    /// both backends (SQLite's `lower()` only folds ASCII).
    pub search_key: String,
    pub website: Option<String>,
    pub contact_email: Option<String>,
    pub sector: Option<String>,
    pub county: Option<String>,
    pub size: Option<String>,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
    /// When name, county, sector and size were last taken from the register; none if typed.
    pub verified_at: Option<chrono::NaiveDateTime>,
    /// `approved`, or `pending` for a buyer that programme staff have not let act yet.
    pub approval: String,
    /// The administrator who approved a pending buyer.
    pub approved_by: Option<String>,
    /// `bankrupt`, `winding_up` or `deleted` when the register says the entity has ended.
    pub ended: Option<String>,
    /// The register's organisation form (`KOMM`, `AS`, ...).
    pub form_code: Option<String>,
}

/// The value of [`OrganisationRow::search_key`] for a name and orgnr.
pub fn search_key(name: &str, orgnr: &str) -> String {
    format!("{} {}", name.to_lowercase(), orgnr)
}

/// Inserts a new organisation.
pub fn insert(conn: &mut DbConn, row: &OrganisationRow) -> QueryResult<()> {
    diesel::insert_into(organisations::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// Writes every column of `row` back.
pub fn update(conn: &mut DbConn, row: &OrganisationRow) -> QueryResult<()> {
    diesel::update(organisations::table.find(&row.id))
        .set(row)
        .execute(conn)
        .map(|_| ())
}

/// The organisation with this id.
pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<OrganisationRow>> {
    organisations::table
        .find(id)
        .select(OrganisationRow::as_select())
        .first(conn)
        .optional()
}

/// The organisation with this (normalised) orgnr.
pub fn find_by_orgnr(conn: &mut DbConn, orgnr: &str) -> QueryResult<Option<OrganisationRow>> {
    organisations::table
        .filter(organisations::orgnr.eq(orgnr))
        .select(OrganisationRow::as_select())
        .first(conn)
        .optional()
}

/// Escapes `%`, `_` and `\` for a LIKE pattern with `\` as escape character.
fn like_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A page of organisations ordered by name, filtered by kind and by text in name or orgnr,
/// with the total count of matches.
pub fn list(
    conn: &mut DbConn,
    kind: Option<&str>,
    q: Option<&str>,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<OrganisationRow>, i64)> {
    let filtered = || {
        let mut query = organisations::table.into_boxed();
        if let Some(kind) = kind {
            query = query.filter(organisations::kind.eq(kind.to_owned()));
        }
        if let Some(q) = q {
            // Spaces are dropped so "974 760" finds the orgnr too.
            for word in q.split_whitespace() {
                let pattern = format!("%{}%", like_escape(&word.to_lowercase()));
                query = query.filter(organisations::search_key.like(pattern).escape('\\'));
            }
        }
        query
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .order((organisations::name.asc(), organisations::id.asc()))
        .offset(offset)
        .limit(limit)
        .select(OrganisationRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// Adds a member with this status; false when it is a member or asked already.
pub fn add_member(
    conn: &mut DbConn,
    cluster_id: &str,
    member_id: &str,
    status: &str,
) -> QueryResult<bool> {
    let exists = cluster_members::table
        .find((cluster_id, member_id))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if exists {
        return Ok(false);
    }
    diesel::insert_into(cluster_members::table)
        .values((
            cluster_members::cluster_id.eq(cluster_id),
            cluster_members::member_id.eq(member_id),
            cluster_members::added_at.eq(super::now()),
            cluster_members::status.eq(status),
        ))
        .execute(conn)?;
    Ok(true)
}

/// The state of a membership: `pending` or `accepted`, or none.
pub fn membership(
    conn: &mut DbConn,
    cluster_id: &str,
    member_id: &str,
) -> QueryResult<Option<String>> {
    cluster_members::table
        .find((cluster_id, member_id))
        .select(cluster_members::status)
        .first(conn)
        .optional()
}

/// Accepts a pending request; false when there was none.
pub fn accept_member(conn: &mut DbConn, cluster_id: &str, member_id: &str) -> QueryResult<bool> {
    diesel::update(
        cluster_members::table
            .find((cluster_id, member_id))
            .filter(cluster_members::status.eq("pending")),
    )
    .set((
        cluster_members::status.eq("accepted"),
        cluster_members::answered_at.eq(super::now()),
    ))
    .execute(conn)
    .map(|n| n > 0)
}

/// Removes a member or a request. Returns false when it was neither.
pub fn remove_member(conn: &mut DbConn, cluster_id: &str, member_id: &str) -> QueryResult<bool> {
    diesel::delete(cluster_members::table.find((cluster_id, member_id)))
        .execute(conn)
        .map(|n| n > 0)
}

/// A cluster's members with this status (`accepted`, or `pending` requests), by name.
pub fn members_with(
    conn: &mut DbConn,
    cluster_id: &str,
    status: &str,
) -> QueryResult<Vec<OrganisationRow>> {
    cluster_members::table
        .inner_join(organisations::table.on(organisations::id.eq(cluster_members::member_id)))
        .filter(cluster_members::cluster_id.eq(cluster_id))
        .filter(cluster_members::status.eq(status))
        .order(organisations::name.asc())
        .select(OrganisationRow::as_select())
        .load(conn)
}

/// A cluster's accepted members, by name: the only ones it may propose.
pub fn members(conn: &mut DbConn, cluster_id: &str) -> QueryResult<Vec<OrganisationRow>> {
    members_with(conn, cluster_id, "accepted")
}

/// The clusters that have asked this supplier to become a member, by name.
pub fn cluster_requests(conn: &mut DbConn, member_id: &str) -> QueryResult<Vec<OrganisationRow>> {
    clusters_with(conn, member_id, "pending")
}

/// The clusters this supplier is a member of, by name.
pub fn clusters_of(conn: &mut DbConn, member_id: &str) -> QueryResult<Vec<OrganisationRow>> {
    clusters_with(conn, member_id, "accepted")
}

fn clusters_with(
    conn: &mut DbConn,
    member_id: &str,
    status: &str,
) -> QueryResult<Vec<OrganisationRow>> {
    cluster_members::table
        .inner_join(organisations::table.on(organisations::id.eq(cluster_members::cluster_id)))
        .filter(cluster_members::member_id.eq(member_id))
        .filter(cluster_members::status.eq(status))
        .order(organisations::name.asc())
        .select(OrganisationRow::as_select())
        .load(conn)
}

/// The names of these organisations, by id.
pub fn names(
    conn: &mut DbConn,
    ids: &[String],
) -> QueryResult<std::collections::HashMap<String, String>> {
    organisations::table
        .filter(organisations::id.eq_any(ids))
        .select((organisations::id, organisations::name))
        .load::<(String, String)>(conn)
        .map(|rows| rows.into_iter().collect())
}

/// What the directory of organisations is filtered by.
#[derive(Debug, Clone, Default)]
pub struct DirectoryFilter {
    /// Only of these kinds.
    pub kinds: Vec<String>,
    /// Only in this county.
    pub county: Option<String>,
    /// Only these organisations (those a capability filter or a text search found).
    pub ids: Option<Vec<String>>,
}

/// A page of the directory, ordered by name, with the total.
pub fn directory(
    conn: &mut DbConn,
    filter: &DirectoryFilter,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<OrganisationRow>, i64)> {
    let query = || {
        let mut q = organisations::table.into_boxed();
        q = q.filter(organisations::kind.eq_any(filter.kinds.clone()));
        if let Some(county) = &filter.county {
            q = q.filter(organisations::county.eq(county.clone()));
        }
        if let Some(ids) = &filter.ids {
            q = q.filter(organisations::id.eq_any(ids.clone()));
        }
        q
    };
    let total = query().count().get_result(conn)?;
    let rows = query()
        .order((organisations::name.asc(), organisations::id.asc()))
        .offset(offset)
        .limit(limit)
        .select(OrganisationRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// The organisations whose name or number has every word of `text`.
pub fn ids_named(conn: &mut DbConn, text: &str) -> QueryResult<Vec<String>> {
    let mut q = organisations::table.into_boxed();
    for word in text.split_whitespace() {
        let pattern = format!("%{}%", like_escape(&word.to_lowercase()));
        q = q.filter(organisations::search_key.like(pattern).escape('\\'));
    }
    q.select(organisations::id).load(conn)
}

/// Buyers awaiting approval by programme staff, oldest first.
pub fn pending(conn: &mut DbConn) -> QueryResult<Vec<OrganisationRow>> {
    organisations::table
        .filter(organisations::approval.eq("pending"))
        .order((organisations::created_at.asc(), organisations::id.asc()))
        .select(OrganisationRow::as_select())
        .load(conn)
}

/// Lets a pending buyer act; false when it was not pending.
pub fn approve(conn: &mut DbConn, id: &str, by: &str) -> QueryResult<bool> {
    diesel::update(
        organisations::table
            .find(id)
            .filter(organisations::approval.eq("pending")),
    )
    .set((
        organisations::approval.eq("approved"),
        organisations::approved_by.eq(by),
        organisations::updated_at.eq(super::now()),
    ))
    .execute(conn)
    .map(|n| n > 0)
}
