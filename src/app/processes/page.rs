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
                events_of_process(conn, &id)?
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
                buyers_to_invite,
            })
        })
        .await
}
