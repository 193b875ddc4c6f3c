//! A cluster's own page: its members, the joint processes open for proposals, and its proposals.
//! Members are asked for and removed by the cluster's owner, and accept on their own page
//! (`organisations`); proposals are made
//! through `processes::proposals`.

use serde::Serialize;

use super::Context;
use crate::caller::Caller;
use crate::domain::process::Phase;
use crate::domain::Orgnr;
use crate::error::{AppError, AppResult};

/// How many joint processes the page offers for proposals.
const PROCESSES: i64 = 200;

/// A member supplier.
#[derive(Debug, Serialize)]
pub struct Member {
    pub id: String,
    pub name: String,
    pub orgnr: String,
}

/// A joint process a proposal can be made to.
#[derive(Debug, Serialize)]
pub struct OpenProcess {
    /// Its id.
    pub value: String,
    /// Its title.
    pub label: String,
    pub phase: String,
}

/// One of the cluster's proposals.
#[derive(Debug, Serialize)]
pub struct OwnProposal {
    /// The process's title.
    pub process: String,
    pub phase: String,
    /// The supplier's name.
    pub supplier: String,
    pub note: Option<String>,
    pub status: String,
    /// RFC 3339, UTC.
    pub created_at: String,
}

/// What the cluster's page shows.
#[derive(Debug, Serialize)]
pub struct ClusterPage {
    pub members: Vec<Member>,
    /// Suppliers asked to become members that have not accepted yet.
    pub pending: Vec<Member>,
    pub processes: Vec<OpenProcess>,
    pub proposals: Vec<OwnProposal>,
}

/// Whether proposals may be made to a process in this phase (as `processes::proposals::propose`
/// checks).
fn open_for_proposals(phase: Phase) -> bool {
    !matches!(phase, Phase::Completed | Phase::Cancelled)
}

/// The caller's cluster: its members, the processes open for proposals and its own proposals.
pub async fn page(ctx: &Context, caller: &Caller) -> AppResult<ClusterPage> {
    let cluster_id = caller
        .organisation_id()
        .map(str::to_owned)
        .ok_or_else(|| AppError::forbidden("only clusters have a cluster page"))?;
    ctx.db
        .run(move |conn| {
            let cluster = super::organisations::get(conn, &cluster_id)?;
            if cluster.kind != "cluster" {
                return Err(AppError::forbidden("only clusters have a cluster page"));
            }
            let members = crate::db::organisations::members(conn, &cluster_id)?
                .into_iter()
                .map(|m| Member {
                    id: m.id,
                    name: m.name,
                    orgnr: m.orgnr,
                })
                .collect();
            let pending = crate::db::organisations::members_with(conn, &cluster_id, "pending")?
                .into_iter()
                .map(|m| Member {
                    id: m.id,
                    name: m.name,
                    orgnr: m.orgnr,
                })
                .collect();
            let (rows, _) = crate::db::processes::list(conn, None, None, false, 0, PROCESSES)?;
            let mut processes = Vec::new();
            let mut proposals = Vec::new();
            for p in rows.iter().filter(|p| open_for_proposals(p.phase)) {
                processes.push(OpenProcess {
                    value: p.id.clone(),
                    label: p.title.clone(),
                    phase: p.phase.as_str().to_owned(),
                });
                let ours = crate::db::processes::proposals(conn, &p.id, Some(&cluster_id))?;
                let ids: Vec<String> = ours.iter().map(|r| r.supplier_id.clone()).collect();
                let names = crate::db::organisations::names(conn, &ids)?;
                for r in ours {
                    proposals.push(OwnProposal {
                        process: p.title.clone(),
                        phase: p.phase.as_str().to_owned(),
                        supplier: names.get(&r.supplier_id).cloned().unwrap_or_default(),
                        note: r.note,
                        status: r.status.as_str().to_owned(),
                        created_at: r.created_at.and_utc().to_rfc3339(),
                    });
                }
            }
            Ok(ClusterPage {
                members,
                pending,
                processes,
                proposals,
            })
        })
        .await
}

/// Adds a registered supplier to the caller's cluster by its organisation number (the owner).
/// True when it was not a member before.
pub async fn add_member(ctx: &Context, caller: &Caller, orgnr: &str) -> AppResult<bool> {
    let (caller, orgnr) = (caller.clone(), orgnr.to_owned());
    let cluster_id = caller.organisation_id().unwrap_or_default().to_owned();
    ctx.db
        .run(move |conn| {
            let nr = Orgnr::parse(&orgnr)?;
            let (_, added) = super::organisations::add_member(conn, &caller, &cluster_id, &nr)?;
            Ok(added)
        })
        .await
}

/// Removes a member from the caller's cluster (the owner).
pub async fn remove_member(ctx: &Context, caller: &Caller, member_id: &str) -> AppResult<()> {
    let (caller, member) = (caller.clone(), member_id.to_owned());
    let cluster_id = caller.organisation_id().unwrap_or_default().to_owned();
    ctx.db
        .run(move |conn| super::organisations::remove_member(conn, &caller, &cluster_id, &member))
        .await
}
