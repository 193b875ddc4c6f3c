//! Queries on the copy of Enhetsregisteret, the national register of legal entities.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel::upsert::excluded;

use super::schema::{organisations, registry_entities as r};
use super::DbConn;

/// An entity as kept from the register.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = r, treat_none_as_default_value = false)]
pub struct RegistryRow {
    /// Organisation number, 9 digits.
    pub orgnr: String,
    /// `navn`.
    pub name: String,
    /// `organisasjonsform.kode`, such as `KOMM` or `AS`.
    pub form_code: Option<String>,
    /// `organisasjonsform.beskrivelse`, such as "Kommune".
    pub form_name: Option<String>,
    /// `institusjonellSektorkode.kode`, such as `6500`.
    pub sector_code: Option<String>,
    /// `naeringskode1.kode`, such as `84.110`.
    pub industry_code: Option<String>,
    /// `forretningsadresse.kommunenummer`, four digits.
    pub municipality: Option<String>,
    /// `antallAnsatte`.
    pub employees: Option<i32>,
    /// `konkurs`.
    pub bankrupt: bool,
    /// `underAvvikling` or `underTvangsavviklingEllerTvangsopplosning`.
    pub winding_up: bool,
    /// `slettedato`, `YYYY-MM-DD`, or the day a change list deleted it.
    pub deleted_on: Option<String>,
    /// The newest change (`oppdateringsid`) applied to it.
    pub last_update_id: i64,
    /// The kept fields as the register's JSON, which change lists patch.
    pub data: String,
    /// When this copy last changed (UTC).
    pub updated_at: chrono::NaiveDateTime,
}

/// True when any register has been imported.
pub fn loaded(conn: &mut DbConn) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(r::table.select(r::orgnr))).get_result(conn)
}

/// How many entities the register holds.
pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
    r::table.count().get_result(conn)
}

/// The entity with this orgnr.
pub fn find(conn: &mut DbConn, orgnr: &str) -> QueryResult<Option<RegistryRow>> {
    r::table
        .find(orgnr)
        .select(RegistryRow::as_select())
        .first(conn)
        .optional()
}

/// The stored entities among `orgnrs`, by orgnr.
pub fn find_many(conn: &mut DbConn, orgnrs: &[&str]) -> QueryResult<HashMap<String, RegistryRow>> {
    let mut out = HashMap::with_capacity(orgnrs.len());
    // Bound parameters stay well under SQLite's limit of 32,766.
    for chunk in orgnrs.chunks(5_000) {
        for row in r::table
            .filter(r::orgnr.eq_any(chunk))
            .select(RegistryRow::as_select())
            .load(conn)?
        {
            out.insert(row.orgnr.clone(), row);
        }
    }
    Ok(out)
}

/// Writes these entities, replacing any with the same orgnr, in one statement per batch.
pub fn upsert(conn: &mut DbConn, rows: &[RegistryRow]) -> QueryResult<()> {
    // 14 columns a row: 500 rows keep a statement under both backends' parameter limits.
    for chunk in rows.chunks(500) {
        macro_rules! upsert_on {
            ($c:expr) => {
                diesel::insert_into(r::table)
                    .values(chunk)
                    .on_conflict(r::orgnr)
                    .do_update()
                    .set((
                        r::name.eq(excluded(r::name)),
                        r::form_code.eq(excluded(r::form_code)),
                        r::form_name.eq(excluded(r::form_name)),
                        r::sector_code.eq(excluded(r::sector_code)),
                        r::industry_code.eq(excluded(r::industry_code)),
                        r::municipality.eq(excluded(r::municipality)),
                        r::employees.eq(excluded(r::employees)),
                        r::bankrupt.eq(excluded(r::bankrupt)),
                        r::winding_up.eq(excluded(r::winding_up)),
                        r::deleted_on.eq(excluded(r::deleted_on)),
                        r::last_update_id.eq(excluded(r::last_update_id)),
                        r::data.eq(excluded(r::data)),
                        r::updated_at.eq(excluded(r::updated_at)),
                    ))
                    .execute($c)
            };
        }
        match conn {
            DbConn::Pg(c) => upsert_on!(c)?,
            DbConn::Sqlite(c) => upsert_on!(c)?,
        };
    }
    Ok(())
}

/// The registered organisations whose orgnr is among `orgnrs`: (id, orgnr).
pub fn organisations_of(conn: &mut DbConn, orgnrs: &[&str]) -> QueryResult<Vec<(String, String)>> {
    let mut out = Vec::new();
    for chunk in orgnrs.chunks(5_000) {
        out.extend(
            organisations::table
                .filter(organisations::orgnr.eq_any(chunk))
                .select((organisations::id, organisations::orgnr))
                .load::<(String, String)>(conn)?,
        );
    }
    Ok(out)
}

/// The register's names of these orgnrs, by orgnr.
pub fn names(conn: &mut DbConn, orgnrs: &[String]) -> QueryResult<HashMap<String, String>> {
    let mut out = HashMap::new();
    for chunk in orgnrs.chunks(5_000) {
        out.extend(
            r::table
                .filter(r::orgnr.eq_any(chunk))
                .select((r::orgnr, r::name))
                .load::<(String, String)>(conn)?,
        );
    }
    Ok(out)
}
