//! Queries on innovation lifts, solutions and adoptions.

use diesel::prelude::*;

use super::schema::{lift_processes, lifts, solution_adoptions, solutions};
use super::DbConn;

/// An innovation lift.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = lifts)]
pub struct LiftRow {
    pub id: String,
    pub title: String,
    pub theme: String,
    pub description: String,
    pub created_by: Option<String>,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

/// A solution a process delivered.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = solutions)]
pub struct SolutionRow {
    pub id: String,
    pub process_id: String,
    pub title: String,
    pub description: String,
    /// JSON array of organisation ids.
    pub supplier_ids: String,
    /// JSON array of `{kind, amount, unit, basis}`.
    pub benefits: String,
    pub created_by: Option<String>,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

/// A buyer's take-up of a solution.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = solution_adoptions)]
pub struct AdoptionRow {
    pub solution_id: String,
    pub organisation_id: String,
    pub status: String,
    pub note: Option<String>,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

/// Inserts a lift.
pub fn insert(conn: &mut DbConn, row: &LiftRow) -> QueryResult<()> {
    diesel::insert_into(lifts::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// The lift with this id.
pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<LiftRow>> {
    lifts::table
        .find(id)
        .select(LiftRow::as_select())
        .first(conn)
        .optional()
}

/// All lifts, newest first.
pub fn all(conn: &mut DbConn) -> QueryResult<Vec<LiftRow>> {
    lifts::table
        .order(lifts::created_at.desc())
        .select(LiftRow::as_select())
        .load(conn)
}

/// Attaches a process. Returns false when it was attached already.
pub fn attach(conn: &mut DbConn, lift_id: &str, process_id: &str) -> QueryResult<bool> {
    let exists = lift_processes::table
        .find((lift_id, process_id))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if exists {
        return Ok(false);
    }
    diesel::insert_into(lift_processes::table)
        .values((
            lift_processes::lift_id.eq(lift_id),
            lift_processes::process_id.eq(process_id),
            lift_processes::added_at.eq(super::now()),
        ))
        .execute(conn)?;
    Ok(true)
}

/// Detaches a process. Returns false when it was not attached.
pub fn detach(conn: &mut DbConn, lift_id: &str, process_id: &str) -> QueryResult<bool> {
    diesel::delete(lift_processes::table.find((lift_id, process_id)))
        .execute(conn)
        .map(|n| n > 0)
}

/// The process ids of a lift.
pub fn process_ids(conn: &mut DbConn, lift_id: &str) -> QueryResult<Vec<String>> {
    lift_processes::table
        .filter(lift_processes::lift_id.eq(lift_id))
        .order(lift_processes::added_at.asc())
        .select(lift_processes::process_id)
        .load(conn)
}

/// Every (lift, process) link.
pub fn all_links(conn: &mut DbConn) -> QueryResult<Vec<(String, String)>> {
    lift_processes::table
        .select((lift_processes::lift_id, lift_processes::process_id))
        .load(conn)
}

/// Inserts a solution.
pub fn insert_solution(conn: &mut DbConn, row: &SolutionRow) -> QueryResult<()> {
    diesel::insert_into(solutions::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// The solution with this id.
pub fn find_solution(conn: &mut DbConn, id: &str) -> QueryResult<Option<SolutionRow>> {
    solutions::table
        .find(id)
        .select(SolutionRow::as_select())
        .first(conn)
        .optional()
}

/// Solutions with these ids.
pub fn find_solutions(conn: &mut DbConn, ids: &[String]) -> QueryResult<Vec<SolutionRow>> {
    solutions::table
        .filter(solutions::id.eq_any(ids))
        .select(SolutionRow::as_select())
        .load(conn)
}

/// A page of solutions, newest first.
pub fn list_solutions(
    conn: &mut DbConn,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<SolutionRow>, i64)> {
    let total = solutions::table.count().get_result(conn)?;
    let rows = solutions::table
        .order((solutions::created_at.desc(), solutions::id.asc()))
        .offset(offset)
        .limit(limit)
        .select(SolutionRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// A page of solutions in id order after `after`, for rebuilding the index.
pub fn solutions_after(
    conn: &mut DbConn,
    after: &str,
    limit: i64,
) -> QueryResult<Vec<SolutionRow>> {
    solutions::table
        .filter(solutions::id.gt(after))
        .order(solutions::id.asc())
        .limit(limit)
        .select(SolutionRow::as_select())
        .load(conn)
}

/// The number of solutions.
pub fn count_solutions(conn: &mut DbConn) -> QueryResult<i64> {
    solutions::table.count().get_result(conn)
}

/// Records or changes a buyer's adoption. Returns the row before, if any.
pub fn upsert_adoption(conn: &mut DbConn, row: &AdoptionRow) -> QueryResult<Option<AdoptionRow>> {
    let before = solution_adoptions::table
        .find((&row.solution_id, &row.organisation_id))
        .select(AdoptionRow::as_select())
        .first(conn)
        .optional()?;
    match &before {
        Some(_) => {
            diesel::update(solution_adoptions::table.find((&row.solution_id, &row.organisation_id)))
                .set((
                    solution_adoptions::status.eq(&row.status),
                    solution_adoptions::note.eq(&row.note),
                    solution_adoptions::updated_at.eq(row.updated_at),
                ))
                .execute(conn)?
        }
        None => diesel::insert_into(solution_adoptions::table)
            .values(row)
            .execute(conn)?,
    };
    Ok(before)
}

/// The adoptions of a solution with the buyers' names.
pub fn adoptions(conn: &mut DbConn, solution_id: &str) -> QueryResult<Vec<(AdoptionRow, String)>> {
    use super::schema::organisations;
    solution_adoptions::table
        .inner_join(
            organisations::table.on(organisations::id.eq(solution_adoptions::organisation_id)),
        )
        .filter(solution_adoptions::solution_id.eq(solution_id))
        .order(solution_adoptions::created_at.asc())
        .select((AdoptionRow::as_select(), organisations::name))
        .load(conn)
}
