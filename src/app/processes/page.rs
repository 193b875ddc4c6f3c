//! A joint process's page: everything the page shows a caller, by their standing. Outsiders get
//! the summary; insiders the dialogue events with their confidential answers too.

use serde::Serialize;

use super::views::{proposal_views, ProcessView, ProposalView};
use super::Standing;
use crate::app::dialogues::insiders::{events_of_process, EventDetail};
use crate::app::Context;
use crate::caller::Caller;
use crate::error::{AppError, AppResult};

/// A buyer organisation that can be invited to the process.
#[derive(Debug, Serialize)]
pub struct BuyerOption {
    /// Its id.
    pub value: String,
    /// Its name.
    pub label: String,
}

/// A need of the process, as its page links it.
#[derive(Debug, Serialize)]
pub struct NeedLink {
    pub id: String,
    pub title: String,
    pub organisation_name: String,
}

/// What a process's page shows the caller.
#[derive(Debug, Serialize)]
pub struct ProcessPage {
    pub process: ProcessView,
    /// The caller's organisation leads.
    pub lead: bool,
    /// The caller's organisation leads or takes part.
    pub buyer: bool,
    /// The caller sees everything (buyers and programme staff).
    pub insider: bool,
    /// The caller's organisation is invited and has not answered.
    pub invited: bool,
    /// Cluster proposals the caller may see; none for those who may see none.
    pub proposals: Option<Vec<ProposalView>>,
    /// Dialogue events, for insiders.
    pub events: Vec<EventDetail>,
    /// The needs it is for, for insiders and invited buyers (to decide on joining).
    pub needs: Vec<NeedLink>,
    /// Buyers not yet in the process, for its buyers to invite.
    pub buyers_to_invite: Vec<BuyerOption>,
}

/// The process page for the caller.
pub async fn page(ctx: &Context, caller: &Caller, id: &str) -> AppResult<ProcessPage> {
    let (caller, id) = (caller.clone(), id.to_owned());
    ctx.db
        .run(move |conn| {
            let row = super::get(conn, &id)?;
            let standing = super::standing(conn, &caller, &row)?;
            let process = ProcessView::load(conn, &row, standing)?;
            let insider = standing.is_insider();
            let proposals = match super::proposals::proposals(conn, &caller, &id) {
                Ok(rows) => Some(proposal_views(conn, &rows)?),
                Err(AppError::Forbidden(_)) => None,
                Err(e) => return Err(e),
            };
            let events = if insider {
                let buyer = matches!(standing, Standing::Lead | Standing::Buyer);
                events_of_process(conn, &id, buyer)?
            } else {
                Vec::new()
            };
            let needs = if insider || standing == Standing::Invited {
                let rows: Vec<_> = crate::db::processes::needs_of(conn, &id)?
                    .into_iter()
                    .filter(|n| crate::app::needs::visible_to(n, &caller))
                    .collect();
                let orgs: Vec<String> = rows.iter().map(|n| n.organisation_id.clone()).collect();
                let names = crate::db::organisations::names(conn, &orgs)?;
                rows.into_iter()
                    .map(|n| NeedLink {
                        organisation_name: names
                            .get(&n.organisation_id)
                            .cloned()
                            .unwrap_or_default(),
                        id: n.id,
                        title: n.title,
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let buyer = matches!(standing, Standing::Lead | Standing::Buyer);
            let buyers_to_invite = if buyer {
                let (orgs, _) = crate::db::organisations::list(conn, Some("buyer"), None, 0, 500)?;
                orgs.into_iter()
                    .filter(|o| !process.buyers.iter().any(|b| b.organisation_id == o.id))
                    .map(|o| BuyerOption {
                        value: o.id,
                        label: o.name,
                    })
                    .collect()
            } else {
                Vec::new()
            };
            Ok(ProcessPage {
                process,
                lead: standing == Standing::Lead,
                buyer,
                insider,
                invited: standing == Standing::Invited,
                proposals,
                events,
                needs,
                buyers_to_invite,
            })
        })
        .await
}
