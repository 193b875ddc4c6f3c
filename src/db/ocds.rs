//! Queries on published OCDS releases.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::ocds_releases;
use super::DbConn;

/// One release as it was published.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = ocds_releases)]
pub struct ReleaseRow {
    /// The release id: `{ocid}-{seq}`.
    pub id: String,
    pub ocid: String,
    /// 1 for the first release of the ocid.
    pub seq: i64,
    /// `need` or `process`.
    pub object_kind: String,
    pub object_id: String,
    /// Of the release's content without its id and date, to tell whether anything changed.
    pub sha256: String,
    /// The release as JSON.
    pub body: String,
    pub published_at: NaiveDateTime,
}

/// The newest release of each ocid of `kind`, of these objects or of all: (object id, seq,
/// sha256).
pub fn latest(
    conn: &mut DbConn,
    kind: &str,
    ids: Option<&[String]>,
) -> QueryResult<Vec<(String, i64, String)>> {
    let mut q = ocds_releases::table
        .filter(ocds_releases::object_kind.eq(kind))
        .order((ocds_releases::object_id.asc(), ocds_releases::seq.desc()))
        .select((
            ocds_releases::object_id,
            ocds_releases::seq,
            ocds_releases::sha256,
        ))
        .into_boxed();
    if let Some(ids) = ids {
        q = q.filter(ocds_releases::object_id.eq_any(ids.to_vec()));
    }
    let rows: Vec<(String, i64, String)> = q.load(conn)?;
    let mut out: Vec<(String, i64, String)> = Vec::new();
    for row in rows {
        if out.last().is_none_or(|last| last.0 != row.0) {
            out.push(row);
        }
    }
    Ok(out)
}

/// When a release of `kind` was last stored, by any node.
pub fn last_published(conn: &mut DbConn, kind: &str) -> QueryResult<Option<NaiveDateTime>> {
    ocds_releases::table
        .filter(ocds_releases::object_kind.eq(kind))
        .select(diesel::dsl::max(ocds_releases::published_at))
        .first(conn)
}

/// The objects of `kind` that have a release.
pub fn released(conn: &mut DbConn, kind: &str) -> QueryResult<Vec<String>> {
    ocds_releases::table
        .filter(ocds_releases::object_kind.eq(kind))
        .select(ocds_releases::object_id)
        .distinct()
        .load(conn)
}

/// Stores a release; false when another node stored that release first. The insert has a
/// savepoint of its own, so that on PostgreSQL the loser's transaction is not left aborted.
pub fn insert(conn: &mut DbConn, row: &ReleaseRow) -> QueryResult<bool> {
    use diesel::Connection;
    match conn.transaction(|conn| {
        diesel::insert_into(ocds_releases::table)
            .values(row)
            .execute(conn)
    }) {
        Ok(_) => Ok(true),
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Releases published from `from` on, after the cursor `(published_at, id)`, oldest first.
pub fn page(
    conn: &mut DbConn,
    from: Option<NaiveDateTime>,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> QueryResult<Vec<ReleaseRow>> {
    let mut q = ocds_releases::table
        .select(ReleaseRow::as_select())
        .order((ocds_releases::published_at.asc(), ocds_releases::id.asc()))
        .limit(limit)
        .into_boxed();
    if let Some(from) = from {
        q = q.filter(ocds_releases::published_at.ge(from));
    }
    if let Some((at, id)) = after {
        q = q.filter(
            ocds_releases::published_at
                .gt(at)
                .or(ocds_releases::published_at
                    .eq(at)
                    .and(ocds_releases::id.gt(id))),
        );
    }
    q.load(conn)
}

/// Every release of one ocid, oldest first.
pub fn of_ocid(conn: &mut DbConn, ocid: &str) -> QueryResult<Vec<ReleaseRow>> {
    ocds_releases::table
        .filter(ocds_releases::ocid.eq(ocid))
        .order(ocds_releases::seq.asc())
        .select(ReleaseRow::as_select())
        .load(conn)
}

/// Up to `limit` published needs (open or closed, never drafts) after the keyset
/// `(created_at, id)`, oldest first.
pub fn published_needs(
    conn: &mut DbConn,
    after: Option<&(NaiveDateTime, String)>,
    limit: i64,
) -> QueryResult<Vec<super::needs::NeedRow>> {
    use super::schema::needs;
    let mut q = needs::table
        .filter(needs::status.ne("draft"))
        .order((needs::created_at.asc(), needs::id.asc()))
        .select(super::needs::NeedRow::as_select())
        .limit(limit)
        .into_boxed();
    if let Some((at, id)) = after {
        q = q.filter(
            needs::created_at
                .gt(*at)
                .or(needs::created_at.eq(*at).and(needs::id.gt(id.clone()))),
        );
    }
    q.load(conn)
}

/// The published needs of these ids.
pub fn published_needs_of(
    conn: &mut DbConn,
    ids: &[String],
) -> QueryResult<Vec<super::needs::NeedRow>> {
    use super::schema::needs;
    needs::table
        .filter(needs::status.ne("draft"))
        .filter(needs::id.eq_any(ids.to_vec()))
        .select(super::needs::NeedRow::as_select())
        .load(conn)
}

/// The ids of every published need.
pub fn published_need_ids(conn: &mut DbConn) -> QueryResult<Vec<String>> {
    use super::schema::needs;
    needs::table
        .filter(needs::status.ne("draft"))
        .select(needs::id)
        .load(conn)
}

/// Needs whose release may have changed from `since` on: the need itself, a buyer joining it,
/// a notice naming it, or a change to its organisation or to one that joined it.
pub fn changed_needs(conn: &mut DbConn, since: NaiveDateTime) -> QueryResult<Vec<String>> {
    use super::schema::{need_participants, needs, notices, organisations};
    let mut ids: Vec<String> = needs::table
        .filter(needs::updated_at.ge(since))
        .select(needs::id)
        .load(conn)?;
    ids.extend(
        need_participants::table
            .filter(need_participants::created_at.ge(since))
            .select(need_participants::need_id)
            .load::<String>(conn)?,
    );
    ids.extend(
        notices::table
            .filter(notices::imported_at.ge(since))
            .filter(notices::need_id.is_not_null())
            .select(notices::need_id.assume_not_null())
            .load::<String>(conn)?,
    );
    let orgs: Vec<String> = organisations::table
        .filter(organisations::updated_at.ge(since))
        .select(organisations::id)
        .load(conn)?;
    if !orgs.is_empty() {
        ids.extend(
            needs::table
                .filter(needs::organisation_id.eq_any(orgs.clone()))
                .select(needs::id)
                .load::<String>(conn)?,
        );
        ids.extend(
            need_participants::table
                .filter(need_participants::organisation_id.eq_any(orgs))
                .select(need_participants::need_id)
                .load::<String>(conn)?,
        );
    }
    ids.sort();
    ids.dedup();
    Ok(ids)
}

/// A row count and the newest time in a table: together they change whenever a row is added,
/// removed or (for tables that keep an `updated_at`) changed.
pub type Mark = (i64, Option<NaiveDateTime>);

/// What the releases of needs are made of, in a few aggregates: needs, the buyers that joined
/// them, organisations, the notices they came from and the CPV vocabulary.
pub fn need_marks(conn: &mut DbConn) -> QueryResult<[Mark; 5]> {
    use super::schema::{cpv_vocabulary, need_participants, needs, notices, organisations};
    use diesel::dsl::{count_star, max};
    Ok([
        needs::table
            .select((count_star(), max(needs::updated_at)))
            .first(conn)?,
        need_participants::table
            .select((count_star(), max(need_participants::created_at)))
            .first(conn)?,
        organisations::table
            .select((count_star(), max(organisations::updated_at)))
            .first(conn)?,
        notices::table
            .filter(notices::need_id.is_not_null())
            .select((count_star(), max(notices::imported_at)))
            .first(conn)?,
        (
            cpv_vocabulary::table.count().get_result(conn)?,
            None::<NaiveDateTime>,
        ),
    ])
}

/// Organisations as parties: (id, name, orgnr), of these ids.
pub fn parties(conn: &mut DbConn, ids: &[String]) -> QueryResult<Vec<(String, String, String)>> {
    use super::schema::organisations;
    organisations::table
        .filter(organisations::id.eq_any(ids.to_vec()))
        .select((organisations::id, organisations::name, organisations::orgnr))
        .load(conn)
}

/// The organisations that joined these needs: (need id, organisation id), earliest first per
/// need.
pub fn participant_links(
    conn: &mut DbConn,
    need_ids: &[String],
) -> QueryResult<Vec<(String, String)>> {
    use super::schema::need_participants;
    need_participants::table
        .filter(need_participants::need_id.eq_any(need_ids.to_vec()))
        .order((
            need_participants::need_id.asc(),
            need_participants::created_at.asc(),
        ))
        .select((
            need_participants::need_id,
            need_participants::organisation_id,
        ))
        .load(conn)
}

/// The notices these needs were made from: (need id, notice id, title).
pub fn notice_links(
    conn: &mut DbConn,
    need_ids: &[String],
) -> QueryResult<Vec<(String, String, String)>> {
    use super::schema::notices;
    notices::table
        .filter(notices::need_id.eq_any(need_ids.to_vec()))
        .order((notices::need_id.asc(), notices::id.asc()))
        .select((
            notices::need_id.assume_not_null(),
            notices::id,
            notices::title,
        ))
        .load(conn)
}

/// Every joint process, oldest first; a process has no draft state.
pub fn processes(conn: &mut DbConn) -> QueryResult<Vec<super::processes::ProcessRow>> {
    use super::schema::processes;
    processes::table
        .order((processes::created_at.asc(), processes::id.asc()))
        .select(super::processes::ProcessRow::as_select())
        .load(conn)
}
