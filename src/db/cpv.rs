//! The CPV vocabulary.

use diesel::prelude::*;

use super::schema::cpv_vocabulary;
use super::DbConn;

/// One CPV code with its labels.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = cpv_vocabulary)]
pub struct CpvRow {
    pub code: String,
    pub check_digit: String,
    pub label_en: String,
    pub label_nb: String,
}

/// Replaces the whole vocabulary, in batches, reporting progress after each.
pub fn replace_all(
    conn: &mut DbConn,
    rows: &[CpvRow],
    mut progress: impl FnMut(usize),
) -> QueryResult<()> {
    super::write_tx(conn, |conn| {
        diesel::delete(cpv_vocabulary::table).execute(conn)?;
        for chunk in rows.chunks(500) {
            for row in chunk {
                diesel::insert_into(cpv_vocabulary::table)
                    .values(row)
                    .execute(conn)?;
            }
            progress(chunk.len());
        }
        Ok(())
    })
}

/// The number of codes loaded.
pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
    cpv_vocabulary::table.count().get_result(conn)
}

/// Whether a vocabulary is loaded; cheaper than counting it, which scans the table.
pub fn is_loaded(conn: &mut DbConn) -> QueryResult<bool> {
    cpv_vocabulary::table
        .select(cpv_vocabulary::code)
        .first::<String>(conn)
        .optional()
        .map(|c| c.is_some())
}

/// These codes, as found.
pub fn find_many(conn: &mut DbConn, codes: &[String]) -> QueryResult<Vec<CpvRow>> {
    cpv_vocabulary::table
        .filter(cpv_vocabulary::code.eq_any(codes))
        .select(CpvRow::as_select())
        .load(conn)
}

/// Every code, for matching labels in memory (the vocabulary is small and fixed).
pub fn all(conn: &mut DbConn) -> QueryResult<Vec<CpvRow>> {
    cpv_vocabulary::table
        .order(cpv_vocabulary::code.asc())
        .select(CpvRow::as_select())
        .load(conn)
}
