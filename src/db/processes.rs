//! Queries on joint processes, their buyers, needs, phase history and cluster proposals.

use diesel::prelude::*;

use crate::domain::process::{BuyerStatus, Phase, ProposalStatus};

use super::schema::{
    needs, process_buyers, process_needs, process_phase_changes, processes, proposals,
};
use super::DbConn;

/// A joint process as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, serde::Serialize)]
#[diesel(table_name = processes, treat_none_as_null = true)]
pub struct ProcessRow {
    pub id: String,
    pub title: String,
    pub description: String,
    pub lead_organisation_id: String,
    pub procedure_planned: String,
    pub procedure_used: Option<String>,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub phase: Phase,
    pub created_by: Option<String>,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

/// A buyer's place in a process.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = process_buyers)]
pub struct BuyerRow {
    pub process_id: String,
    pub organisation_id: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: BuyerStatus,
    pub invited_by: Option<String>,
    pub invited_at: chrono::NaiveDateTime,
    pub answered_at: Option<chrono::NaiveDateTime>,
}

/// One move between phases.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = process_phase_changes)]
pub struct PhaseChangeRow {
    pub id: String,
    pub process_id: String,
    pub from_phase: Option<String>,
    pub to_phase: String,
    pub note: Option<String>,
    pub reason: Option<String>,
    /// Skipped a phase, went back, or left a finished process.
    pub irregular: bool,
    pub account_id: Option<String>,
    pub created_at: chrono::NaiveDateTime,
}

/// A cluster's proposal of one member supplier.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = proposals)]
pub struct ProposalRow {
    pub id: String,
    pub process_id: String,
    pub cluster_id: String,
    pub supplier_id: String,
    pub note: Option<String>,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: ProposalStatus,
    pub proposed_by: Option<String>,
    pub created_at: chrono::NaiveDateTime,
    pub decided_at: Option<chrono::NaiveDateTime>,
}

/// Inserts a process.
pub fn insert(conn: &mut DbConn, row: &ProcessRow) -> QueryResult<()> {
    diesel::insert_into(processes::table)
        .values(row.clone())
        .execute(conn)
        .map(|_| ())
}

/// The process with this id.
pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<ProcessRow>> {
    processes::table
        .find(id)
        .select(ProcessRow::as_select())
        .first(conn)
        .optional()
}

/// A page of processes, newest first, with the total.
/// `include_invited`: whether an organisation's pending invitations count (only for itself and
/// programme staff).
pub fn list(
    conn: &mut DbConn,
    phase: Option<&str>,
    organisation_id: Option<&str>,
    include_invited: bool,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<ProcessRow>, i64)> {
    let query = || {
        let mut q = processes::table.into_boxed();
        if let Some(phase) = phase {
            q = q.filter(processes::phase.eq(phase.to_owned()));
        }
        if let Some(org) = organisation_id {
            q = q.filter(
                processes::id.eq_any(
                    process_buyers::table
                        .filter(process_buyers::organisation_id.eq(org.to_owned()))
                        .filter(
                            process_buyers::status.eq_any(
                                BuyerStatus::ALL
                                    .iter()
                                    .filter(|s| {
                                        s.takes_part()
                                            || (include_invited && **s == BuyerStatus::Invited)
                                    })
                                    .map(|s| s.as_str())
                                    .collect::<Vec<_>>(),
                            ),
                        )
                        .select(process_buyers::process_id),
                ),
            );
        }
        q
    };
    let total = query().count().get_result(conn)?;
    let rows = query()
        .order((processes::updated_at.desc(), processes::id.asc()))
        .offset(offset)
        .limit(limit)
        .select(ProcessRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// Links needs to a process.
pub fn add_needs(conn: &mut DbConn, process_id: &str, need_ids: &[String]) -> QueryResult<()> {
    for need in need_ids {
        diesel::insert_into(process_needs::table)
            .values((
                process_needs::process_id.eq(process_id),
                process_needs::need_id.eq(need),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The needs of a process.
pub fn needs_of(conn: &mut DbConn, process_id: &str) -> QueryResult<Vec<super::needs::NeedRow>> {
    process_needs::table
        .inner_join(needs::table.on(needs::id.eq(process_needs::need_id)))
        .filter(process_needs::process_id.eq(process_id))
        .order(needs::created_at.asc())
        .select(super::needs::NeedRow::as_select())
        .load(conn)
}

/// The processes each of these needs belongs to, as (need id, process id).
pub fn processes_of_needs(
    conn: &mut DbConn,
    need_ids: &[String],
) -> QueryResult<Vec<(String, String)>> {
    process_needs::table
        .filter(process_needs::need_id.eq_any(need_ids))
        .select((process_needs::need_id, process_needs::process_id))
        .load(conn)
}

/// Every (process, need) link, for grouping.
pub fn all_need_links(conn: &mut DbConn) -> QueryResult<Vec<(String, String)>> {
    process_needs::table
        .select((process_needs::process_id, process_needs::need_id))
        .load(conn)
}

/// Inserts a buyer's place.
pub fn insert_buyer(conn: &mut DbConn, row: &BuyerRow) -> QueryResult<()> {
    diesel::insert_into(process_buyers::table)
        .values(row.clone())
        .execute(conn)
        .map(|_| ())
}

/// A buyer's place in a process.
pub fn buyer(
    conn: &mut DbConn,
    process_id: &str,
    organisation_id: &str,
) -> QueryResult<Option<BuyerRow>> {
    process_buyers::table
        .find((process_id, organisation_id))
        .select(BuyerRow::as_select())
        .first(conn)
        .optional()
}

/// Sets a buyer's status. Returns false when the row was not in `from`.
pub fn set_buyer_status(
    conn: &mut DbConn,
    process_id: &str,
    organisation_id: &str,
    from: &[BuyerStatus],
    to: BuyerStatus,
) -> QueryResult<bool> {
    diesel::update(
        process_buyers::table
            .find((process_id, organisation_id))
            .filter(
                process_buyers::status.eq_any(from.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
            ),
    )
    .set((
        process_buyers::status.eq(to.as_str()),
        process_buyers::answered_at.eq(Some(super::now())),
    ))
    .execute(conn)
    .map(|n| n > 0)
}

/// Re-invites a buyer that had declined.
pub fn reinvite(
    conn: &mut DbConn,
    process_id: &str,
    organisation_id: &str,
    by: &str,
) -> QueryResult<()> {
    diesel::update(process_buyers::table.find((process_id, organisation_id)))
        .set((
            process_buyers::status.eq(BuyerStatus::Invited.as_str()),
            process_buyers::invited_by.eq(Some(by)),
            process_buyers::invited_at.eq(super::now()),
            process_buyers::answered_at.eq(None::<chrono::NaiveDateTime>),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The buyers of a process with their organisations' names, lead first.
pub fn buyers(conn: &mut DbConn, process_id: &str) -> QueryResult<Vec<(BuyerRow, String)>> {
    use super::schema::organisations;
    process_buyers::table
        .inner_join(organisations::table.on(organisations::id.eq(process_buyers::organisation_id)))
        .filter(process_buyers::process_id.eq(process_id))
        .order((process_buyers::invited_at.asc(), organisations::name.asc()))
        .select((BuyerRow::as_select(), organisations::name))
        .load(conn)
}

/// Records a phase change.
pub fn insert_phase_change(conn: &mut DbConn, row: &PhaseChangeRow) -> QueryResult<()> {
    diesel::insert_into(process_phase_changes::table)
        .values(row.clone())
        .execute(conn)
        .map(|_| ())
}

/// The phase history, oldest first.
pub fn phase_changes(conn: &mut DbConn, process_id: &str) -> QueryResult<Vec<PhaseChangeRow>> {
    process_phase_changes::table
        .filter(process_phase_changes::process_id.eq(process_id))
        .order((
            process_phase_changes::created_at.asc(),
            process_phase_changes::id.asc(),
        ))
        .select(PhaseChangeRow::as_select())
        .load(conn)
}

/// Whether the process has ever been in market dialogue.
pub fn had_market_dialogue(conn: &mut DbConn, process_id: &str) -> QueryResult<bool> {
    process_phase_changes::table
        .filter(process_phase_changes::process_id.eq(process_id))
        .filter(process_phase_changes::to_phase.eq("market_dialogue"))
        .count()
        .get_result::<i64>(conn)
        .map(|n| n > 0)
}

/// Inserts a proposal.
pub fn insert_proposal(conn: &mut DbConn, row: &ProposalRow) -> QueryResult<()> {
    diesel::insert_into(proposals::table)
        .values(row.clone())
        .execute(conn)
        .map(|_| ())
}

/// The proposal of this supplier by this cluster in this process, if any.
pub fn find_proposal_of(
    conn: &mut DbConn,
    process_id: &str,
    cluster_id: &str,
    supplier_id: &str,
) -> QueryResult<Option<ProposalRow>> {
    proposals::table
        .filter(proposals::process_id.eq(process_id))
        .filter(proposals::cluster_id.eq(cluster_id))
        .filter(proposals::supplier_id.eq(supplier_id))
        .select(ProposalRow::as_select())
        .first(conn)
        .optional()
}

/// A proposal in a process.
pub fn find_proposal(
    conn: &mut DbConn,
    process_id: &str,
    id: &str,
) -> QueryResult<Option<ProposalRow>> {
    proposals::table
        .find(id)
        .filter(proposals::process_id.eq(process_id))
        .select(ProposalRow::as_select())
        .first(conn)
        .optional()
}

/// Proposals of a process, optionally only one cluster's, oldest first.
pub fn proposals(
    conn: &mut DbConn,
    process_id: &str,
    cluster_id: Option<&str>,
) -> QueryResult<Vec<ProposalRow>> {
    let mut q = proposals::table
        .filter(proposals::process_id.eq(process_id))
        .into_boxed();
    if let Some(c) = cluster_id {
        q = q.filter(proposals::cluster_id.eq(c.to_owned()));
    }
    q.order((proposals::created_at.asc(), proposals::id.asc()))
        .select(ProposalRow::as_select())
        .load(conn)
}

/// Moves the phase if it is still `from`. Returns false when someone moved it meanwhile.
pub fn set_phase(conn: &mut DbConn, id: &str, from: Phase, to: Phase) -> QueryResult<bool> {
    diesel::update(
        processes::table
            .find(id)
            .filter(processes::phase.eq(from.as_str())),
    )
    .set((
        processes::phase.eq(to.as_str()),
        processes::updated_at.eq(super::now()),
    ))
    .execute(conn)
    .map(|n| n > 0)
}

/// Writes the title, description and procedures only, so a concurrent phase move stays.
pub fn update_details(conn: &mut DbConn, row: &ProcessRow) -> QueryResult<()> {
    diesel::update(processes::table.find(&row.id))
        .set((
            processes::title.eq(&row.title),
            processes::description.eq(&row.description),
            processes::procedure_planned.eq(&row.procedure_planned),
            processes::procedure_used.eq(&row.procedure_used),
            processes::updated_at.eq(row.updated_at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Decides a proposal if it is still in `from`. Returns false when someone decided meanwhile.
pub fn decide_proposal(
    conn: &mut DbConn,
    id: &str,
    from: ProposalStatus,
    to: ProposalStatus,
) -> QueryResult<bool> {
    diesel::update(
        proposals::table
            .find(id)
            .filter(proposals::status.eq(from.as_str())),
    )
    .set((
        proposals::status.eq(to.as_str()),
        proposals::decided_at.eq(Some(super::now())),
    ))
    .execute(conn)
    .map(|n| n > 0)
}
