//! Queries on the audit record: what changed, by whom and when, so it can be proven afterwards.

use diesel::prelude::*;

use super::schema::audit_log;
use super::DbConn;

/// One recorded change.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    pub id: String,
    pub entity: String,
    pub entity_id: String,
    pub process_id: Option<String>,
    pub action: String,
    pub account_id: Option<String>,
    pub organisation_id: Option<String>,
    pub before_value: Option<String>,
    pub after_value: Option<String>,
    pub created_at: chrono::NaiveDateTime,
}

/// Records a change.
pub fn insert(conn: &mut DbConn, row: &AuditRow) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// The record of a process and everything tied to it, oldest first.
pub fn of_process(conn: &mut DbConn, process_id: &str) -> QueryResult<Vec<AuditRow>> {
    audit_log::table
        .filter(audit_log::process_id.eq(process_id))
        .order((audit_log::created_at.asc(), audit_log::id.asc()))
        .select(AuditRow::as_select())
        .load(conn)
}
