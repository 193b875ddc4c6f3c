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

/// The newest release of each ocid of `kind`: (object id, seq, sha256).
pub fn latest(conn: &mut DbConn, kind: &str) -> QueryResult<Vec<(String, i64, String)>> {
    let rows: Vec<(String, i64, String)> = ocds_releases::table
        .filter(ocds_releases::object_kind.eq(kind))
        .order((ocds_releases::object_id.asc(), ocds_releases::seq.desc()))
        .select((
            ocds_releases::object_id,
            ocds_releases::seq,
            ocds_releases::sha256,
        ))
        .load(conn)?;
    let mut out: Vec<(String, i64, String)> = Vec::new();
    for row in rows {
        if out.last().is_none_or(|last| last.0 != row.0) {
            out.push(row);
        }
    }
    Ok(out)
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

/// Needs that are published (open or closed, never drafts), oldest first.
pub fn published_needs(conn: &mut DbConn) -> QueryResult<Vec<super::needs::NeedRow>> {
    use super::schema::needs;
    needs::table
        .filter(needs::status.ne("draft"))
        .order((needs::created_at.asc(), needs::id.asc()))
        .select(super::needs::NeedRow::as_select())
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
