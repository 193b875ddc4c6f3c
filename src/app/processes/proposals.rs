//! Clusters' proposals of member suppliers to a joint process, and the lead's decisions on them.

use super::{get, require_lead, require_running, standing};
use crate::app::{audit, notifications};
use crate::caller::Caller;
use crate::db::organisations as orgs;
use crate::db::processes::{self as q, ProposalRow};
use crate::db::{self, DbConn};
use crate::domain::process::ProposalStatus;
use crate::domain::{self, Invalid, OrgKind};
use crate::error::AppError;
use crate::settings::Settings;

/// A cluster proposes member suppliers, and the process's buyers are notified when any is new.
/// Returns the proposals, new and existing.
pub fn propose(
    conn: &mut DbConn,
    settings: &Settings,
    caller: &Caller,
    id: &str,
    supplier_ids: &[String],
    note: Option<String>,
) -> Result<Vec<ProposalRow>, AppError> {
    let process = get(conn, id)?;
    let cluster_id = caller
        .organisation_id()
        .ok_or_else(|| AppError::forbidden("only clusters propose suppliers"))?
        .to_owned();
    let cluster = crate::app::organisations::get(conn, &cluster_id)?;
    if crate::app::organisations::kind_of(&cluster)? != OrgKind::Cluster {
        return Err(AppError::forbidden("only clusters propose suppliers"));
    }
    require_running(&process)?;
    if supplier_ids.is_empty() {
        return Err(Invalid::new("supplier_ids", "give the member suppliers to propose").into());
    }
    let note = note
        .filter(|n| !n.trim().is_empty())
        .map(|n| domain::text("note", &n, 5000))
        .transpose()?;
    let members: Vec<String> = orgs::members(conn, &cluster_id)?
        .into_iter()
        .map(|m| m.id)
        .collect();
    let mut ids = Vec::new();
    for raw in supplier_ids {
        let sid = uuid::Uuid::parse_str(raw.trim())
            .map(|u| u.to_string())
            .unwrap_or_else(|_| raw.clone());
        if !members.contains(&sid) {
            return Err(Invalid::new(
                "supplier_ids",
                format!(
                    "{raw} is not a member supplier of {}; add it to the cluster first",
                    cluster.name
                ),
            )
            .into());
        }
        if !ids.contains(&sid) {
            ids.push(sid);
        }
    }
    let event = notifications::Event {
        kind: notifications::Kind::ClusterProposal,
        subject_id: id.to_owned(),
        title: process.title.clone(),
        actor: cluster.name.clone(),
        link: format!("/processes/{id}#proposals"),
    };
    let result = db::write_tx(conn, |conn| {
        let mut out = Vec::new();
        let mut any_new = false;
        for sid in &ids {
            if let Some(existing) = q::find_proposal_of(conn, id, &cluster_id, sid)? {
                out.push(existing);
                continue;
            }
            let row = ProposalRow {
                id: db::new_id(),
                process_id: id.to_owned(),
                cluster_id: cluster_id.clone(),
                supplier_id: sid.clone(),
                note: note.clone(),
                status: ProposalStatus::Proposed,
                proposed_by: Some(caller.account_id.clone()),
                created_at: db::now(),
                decided_at: None,
            };
            q::insert_proposal(conn, &row)?;
            audit::record(
                conn,
                caller,
                "proposal",
                &row.id,
                Some(id),
                "proposed",
                None::<&()>,
                Some(&row),
            )?;
            out.push(row);
            any_new = true;
        }
        if any_new {
            let buyers = notifications::process_buyers(conn, id)?;
            notifications::notify(conn, settings, &buyers, &event, Some(&caller.account_id))?;
        }
        Ok::<_, AppError>(out)
    });
    match result {
        Err(e) if e.is_unique_violation() => Err(AppError::conflict(
            None,
            "the same proposal was made just now; reload",
        )),
        other => other,
    }
}

/// The proposals the caller may see: all for insiders, its own for a cluster.
pub fn proposals(
    conn: &mut DbConn,
    caller: &Caller,
    id: &str,
) -> Result<Vec<ProposalRow>, AppError> {
    let process = get(conn, id)?;
    if standing(conn, caller, &process)?.is_insider() {
        return Ok(q::proposals(conn, id, None)?);
    }
    match caller.organisation_id() {
        Some(org)
            if orgs::find(conn, org)?.is_some_and(|o| o.kind == OrgKind::Cluster.as_str()) =>
        {
            Ok(q::proposals(conn, id, Some(org))?)
        }
        _ => Err(AppError::forbidden(
            "only the process's buyers, programme staff and proposing clusters can see proposals",
        )),
    }
}

/// Decides a proposal (the lead).
pub fn decide(
    conn: &mut DbConn,
    caller: &Caller,
    id: &str,
    proposal_id: &str,
    status: &str,
) -> Result<ProposalRow, AppError> {
    let process = get(conn, id)?;
    require_lead(conn, caller, &process)?;
    let status = ProposalStatus::parse(status.trim())?;
    if status == ProposalStatus::Proposed {
        return Err(Invalid::new("status", "status must be accepted or declined").into());
    }
    let before = q::find_proposal(conn, id, proposal_id)?
        .ok_or_else(|| AppError::not_found("no proposal in this process has this id"))?;
    db::write_tx(conn, |conn| {
        if !q::decide_proposal(conn, proposal_id, before.status, status)? {
            return Err(AppError::conflict(
                Some("status"),
                "the proposal was decided meanwhile; reload",
            ));
        }
        let after = q::find_proposal(conn, id, proposal_id)?
            .ok_or_else(|| AppError::internal("proposal vanished"))?;
        audit::record(
            conn,
            caller,
            "proposal",
            proposal_id,
            Some(id),
            "decided",
            Some(&before),
            Some(&after),
        )?;
        Ok(after)
    })
}
