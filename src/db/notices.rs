//! Queries on imported notices, their buyers, and the suppliers' digest settings.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{digest_sent, digest_settings, notice_buyers, notices};
use super::DbConn;

/// A stored notice: the newest version of one notice id.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = notices)]
pub struct NoticeRow {
    pub id: String,
    pub version: String,
    pub notice_type: String,
    pub subtype: String,
    pub kind: String,
    pub publication_date: NaiveDate,
    pub title: String,
    pub titles: String,
    pub descriptions: String,
    pub cpv_codes: String,
    pub nuts: String,
    pub counties: String,
    pub procedure_code: Option<String>,
    pub innovative_acquisition: String,
    pub refs: String,
    pub consultation_deadline: Option<NaiveDateTime>,
    pub early_dialogue: bool,
    pub procurement_of_innovation: bool,
    pub need_id: Option<String>,
    pub source: String,
    pub sha256: String,
    pub imported_at: NaiveDateTime,
}

/// A buyer named in a notice, in the notice's order, with its identifier as given, linked to a
/// registered organisation when one has its orgnr (or, for buyers from abroad, its key).
#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = notice_buyers)]
pub struct NoticeBuyerRow {
    pub notice_id: String,
    pub position: i64,
    pub identifier: Option<String>,
    pub scheme: Option<String>,
    /// Set only for a Norwegian organisation number.
    pub orgnr: Option<String>,
    pub name: String,
    pub organisation_id: Option<String>,
}

/// The stored notice with this id.
pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<NoticeRow>> {
    notices::table
        .find(id)
        .select(NoticeRow::as_select())
        .first(conn)
        .optional()
}

/// The notice a need was made from.
pub fn of_need(conn: &mut DbConn, need_id: &str) -> QueryResult<Option<NoticeRow>> {
    notices::table
        .filter(notices::need_id.eq(need_id))
        .select(NoticeRow::as_select())
        .first(conn)
        .optional()
}

/// Replaces a notice and its buyers (a newer version, or the first).
pub fn replace(
    conn: &mut DbConn,
    row: &NoticeRow,
    buyers: &[NoticeBuyerRow],
    existed: bool,
) -> QueryResult<()> {
    if existed {
        diesel::delete(notice_buyers::table.filter(notice_buyers::notice_id.eq(&row.id)))
            .execute(conn)?;
        diesel::delete(notices::table.find(&row.id)).execute(conn)?;
    }
    diesel::insert_into(notices::table)
        .values(row)
        .execute(conn)?;
    // One statement per row: the multi-backend connection has no batch insert.
    for b in buyers {
        diesel::insert_into(notice_buyers::table)
            .values(b)
            .execute(conn)?;
    }
    Ok(())
}

/// The buyers of a notice, in its order.
pub fn buyers(conn: &mut DbConn, notice_id: &str) -> QueryResult<Vec<NoticeBuyerRow>> {
    notice_buyers::table
        .filter(notice_buyers::notice_id.eq(notice_id))
        .order(notice_buyers::position)
        .select(NoticeBuyerRow::as_select())
        .load(conn)
}

/// Needs made from notices imported since `since`, with the notice's publication date.
pub fn needs_since(conn: &mut DbConn, since: NaiveDate) -> QueryResult<Vec<(String, NaiveDate)>> {
    notices::table
        .filter(notices::need_id.is_not_null())
        .filter(notices::imported_at.ge(since.and_hms_opt(0, 0, 0).unwrap_or_default()))
        .select((
            notices::need_id.assume_not_null(),
            notices::publication_date,
        ))
        .load(conn)
}

/// An organisation's digest settings: (enabled, threshold), if it changed the defaults.
pub fn digest_setting(
    conn: &mut DbConn,
    organisation_id: &str,
) -> QueryResult<Option<(bool, f64)>> {
    digest_settings::table
        .find(organisation_id)
        .select((digest_settings::enabled, digest_settings::threshold))
        .first(conn)
        .optional()
}

/// Stores an organisation's digest settings.
pub fn set_digest(
    conn: &mut DbConn,
    organisation_id: &str,
    enabled: bool,
    threshold: f64,
) -> QueryResult<()> {
    diesel::delete(digest_settings::table.find(organisation_id)).execute(conn)?;
    diesel::insert_into(digest_settings::table)
        .values((
            digest_settings::organisation_id.eq(organisation_id),
            digest_settings::enabled.eq(enabled),
            digest_settings::threshold.eq(threshold),
            digest_settings::updated_at.eq(super::now()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The needs an organisation's digests have already told it about, among `need_ids`.
pub fn already_sent(
    conn: &mut DbConn,
    organisation_id: &str,
    need_ids: &[String],
) -> QueryResult<Vec<String>> {
    digest_sent::table
        .filter(digest_sent::organisation_id.eq(organisation_id))
        .filter(digest_sent::need_id.eq_any(need_ids))
        .select(digest_sent::need_id)
        .load(conn)
}

/// Records that a digest told an organisation about these needs.
pub fn mark_sent(conn: &mut DbConn, organisation_id: &str, need_ids: &[String]) -> QueryResult<()> {
    let now = super::now();
    for n in need_ids {
        diesel::insert_into(digest_sent::table)
            .values((
                digest_sent::organisation_id.eq(organisation_id),
                digest_sent::need_id.eq(n),
                digest_sent::sent_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}
