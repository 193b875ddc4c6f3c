//! The starting points: the public front page, and each signed-in user's dashboard by the kind
//! of their organisation. Read models only; each list keeps the access rule of its service.

use serde::Serialize;

use super::capabilities::CapabilityView;
use super::needs::views::NeedView;
use super::page::PageSpec;
use super::Context;
use crate::caller::Caller;
use crate::db::capabilities::CapabilityFilter;
use crate::db::needs::NeedFilter;
use crate::domain::process::BuyerStatus;
use crate::domain::NeedStatus;
use crate::error::{AppError, AppResult};
use crate::search::matching::Match;

/// How many items a dashboard list shows.
const LIST: i64 = 50;
/// How many open needs the front page shows.
const FRONT_NEEDS: i64 = 20;

/// A running innovation lift, as the front page lists it.
#[derive(Debug, Serialize)]
pub struct LiftSummary {
    pub id: String,
    pub title: String,
    pub theme: String,
    pub description: String,
    /// How many joint processes it groups.
    pub processes: usize,
}

/// The public front page.
#[derive(Debug, Serialize)]
pub struct FrontPage {
    /// The newest open needs.
    pub needs: Vec<NeedView>,
    /// All open needs.
    pub needs_total: i64,
    /// The innovation lifts.
    pub lifts: Vec<LiftSummary>,
}

/// Open needs and running lifts, for everyone.
pub async fn front(ctx: &Context) -> AppResult<FrontPage> {
    let filter = NeedFilter {
        status: Some(NeedStatus::Open.as_str().to_owned()),
        ..NeedFilter::default()
    };
    let spec = PageSpec {
        page: 1,
        per_page: FRONT_NEEDS,
    };
    let needs = super::needs::views::page(ctx, None, filter, spec).await?;
    let lifts = ctx
        .db
        .run(|conn| {
            let lifts = crate::db::lifts::all(conn)?;
            let links = crate::db::lifts::all_links(conn)?;
            Ok::<_, AppError>(
                lifts
                    .into_iter()
                    .map(|l| LiftSummary {
                        processes: links.iter().filter(|(lift, _)| *lift == l.id).count(),
                        id: l.id,
                        title: l.title,
                        theme: l.theme,
                        description: l.description,
                    })
                    .collect(),
            )
        })
        .await?;
    Ok(FrontPage {
        needs_total: needs.total(),
        needs: needs.items,
        lifts,
    })
}

/// A joint process on a buyer's dashboard, with the buyer's standing in it.
#[derive(Debug, Serialize)]
pub struct ProcessItem {
    pub id: String,
    pub title: String,
    pub phase: String,
    /// `invited`, `accepted`, …
    pub status: String,
}

/// A buyer's dashboard.
#[derive(Debug, Serialize)]
pub struct BuyerDashboard {
    /// The organisation's needs, drafts included.
    pub needs: Vec<NeedView>,
    /// Processes it takes part in.
    pub processes: Vec<ProcessItem>,
    /// Processes it is invited to join.
    pub process_invitations: Vec<ProcessItem>,
}

/// The buyer's needs and processes.
pub async fn buyer(ctx: &Context, caller: &Caller) -> AppResult<BuyerDashboard> {
    let caller = caller.clone();
    let org = caller.organisation_id().unwrap_or_default().to_owned();
    ctx.db
        .run(move |conn| {
            let filter = NeedFilter {
                organisation_id: Some(org.clone()),
                ..NeedFilter::default()
            };
            let needs = super::needs::first(conn, &caller, filter, LIST)?;
            let needs = needs.iter().map(NeedView::of).collect();
            let (processes, _) = crate::db::processes::list(conn, None, Some(&org), true, 0, LIST)?;
            let mut mine = Vec::new();
            let mut invited = Vec::new();
            for p in processes {
                let status = crate::db::processes::buyer(conn, &p.id, &org)?.map(|b| b.status);
                let item = ProcessItem {
                    id: p.id,
                    title: p.title,
                    phase: p.phase.as_str().to_owned(),
                    status: status.map(|s| s.as_str().to_owned()).unwrap_or_default(),
                };
                if status == Some(BuyerStatus::Invited) {
                    invited.push(item);
                } else {
                    mine.push(item);
                }
            }
            Ok(BuyerDashboard {
                needs,
                processes: mine,
                process_invitations: invited,
            })
        })
        .await
}

/// An invitation to a dialogue event, on a supplier's dashboard.
#[derive(Debug, Serialize)]
pub struct SupplierInvitation {
    pub dialogue_id: String,
    pub title: String,
    /// RFC 3339, UTC.
    pub starts_at: String,
    /// The answer deadline, RFC 3339, UTC.
    pub deadline: String,
    pub status: String,
    pub answer: Option<String>,
    /// Whether answers are still taken.
    pub open: bool,
    /// The answer page.
    pub rsvp: String,
}

/// A supplier's digest settings as its form shows them.
#[derive(Debug, Serialize)]
pub struct DigestForm {
    pub enabled: bool,
    /// The threshold in percent.
    pub percent: i64,
}

/// A supplier's or cluster's dashboard.
#[derive(Debug, Serialize)]
pub struct SupplierDashboard {
    pub capabilities: Vec<CapabilityView>,
    /// Open needs matching any capability.
    pub matches: Vec<Match>,
    pub invitations: Vec<SupplierInvitation>,
    pub digest: DigestForm,
}

/// The supplier's capabilities, the open needs they match, its invitations and its digest.
pub async fn supplier(ctx: &Context, caller: &Caller, kind: &str) -> AppResult<SupplierDashboard> {
    let org = caller.organisation_id().unwrap_or_default().to_owned();
    let keys = ctx.tokens.clone();
    let (rows, invitations, digest) = ctx
        .db
        .run(move |conn| {
            let filter = CapabilityFilter {
                organisation_id: Some(org.clone()),
                ..Default::default()
            };
            let rows = crate::db::capabilities::list_after(conn, &filter, None, LIST)?;
            let now = crate::db::now();
            let invitations = crate::db::dialogues::invitations_of_supplier(conn, &org)?
                .into_iter()
                .map(|(i, d)| SupplierInvitation {
                    dialogue_id: d.id,
                    title: d.title,
                    starts_at: d.starts_at.and_utc().to_rfc3339(),
                    deadline: d.response_deadline.and_utc().to_rfc3339(),
                    status: i.status,
                    answer: i.answer,
                    open: now <= d.response_deadline,
                    // The answer link is derived from the invitation id, so a signed-in supplier
                    // can open it here without the email.
                    rsvp: format!("/rsvp/{}", keys.link_token("rsvp", &i.id)),
                })
                .collect::<Vec<_>>();
            let (enabled, threshold) = super::notices::digest::settings_of(conn, &org)?;
            let digest = DigestForm {
                enabled,
                percent: (threshold * 100.0).round() as i64,
            };
            Ok::<_, AppError>((rows, invitations, digest))
        })
        .await?;
    let matches = super::matching::needs_for_capabilities(ctx, &rows, kind).await?;
    Ok(SupplierDashboard {
        capabilities: rows.iter().map(CapabilityView::of).collect(),
        matches,
        invitations,
        digest,
    })
}

/// The programme's counts, on a staff member's dashboard.
#[derive(Debug, Serialize)]
pub struct ProgrammeCounts {
    pub needs: i64,
    pub capabilities: i64,
    pub processes: i64,
    pub lifts: usize,
    pub queued: i64,
    pub sent_hour: i64,
    pub failed: i64,
}

/// Counts for programme staff.
pub async fn programme(ctx: &Context, caller: &Caller) -> AppResult<ProgrammeCounts> {
    if !caller.is_admin() {
        return Err(AppError::forbidden("only programme staff see the counts"));
    }
    ctx.db
        .run(|conn| {
            let (_, processes) = crate::db::processes::list(conn, None, None, false, 0, 1)?;
            let (queued, failed, _, sent_hour) = crate::db::dialogues::outbox_stats(conn)?;
            Ok(ProgrammeCounts {
                needs: crate::db::needs::count(conn)?,
                capabilities: crate::db::capabilities::count(conn)?,
                processes,
                lifts: crate::db::lifts::all(conn)?.len(),
                queued,
                sent_hour,
                failed,
            })
        })
        .await
}
