//! The calls the front doors make for one-to-one meetings, each off the async executor. Those
//! that queue mail wake the mailer.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::agenda::{Agenda, AgendaItem, MeetingChange};
use super::allocation::AllocationRecord;
use super::booking::{OwnRanking, SupplierMeetings};
use super::slots::NewGrid;
use super::{BookingOffer, MeetingView, RulesChange, Slots};
use crate::app::dialogues::changes::DialogueChange;
use crate::app::dialogues::public::{published, PublishedQuestion};
use crate::app::dialogues::record::{insider, DialogueView};
use crate::app::dialogues::{get, require_buyer};
use crate::app::Context;
use crate::caller::Caller;
use crate::db;
use crate::error::{AppError, AppResult};

/// An event after a change of its fields and its booking rules.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventChanged {
    pub dialogue: DialogueView,
    /// Invitees sent an update or a cancellation (0 when nothing they see changed).
    pub notified: usize,
    /// The booking offer, when the event has one.
    pub booking: Option<BookingOffer>,
}

/// Changes an event and its booking rules (the process's buyers). The rules are checked before
/// anything is written, so a refused rule leaves the event as it was.
pub async fn change_event(
    ctx: &Context,
    caller: &Caller,
    id: &str,
    change: DialogueChange,
    rules: RulesChange,
) -> AppResult<EventChanged> {
    let (caller, id) = (caller.clone(), id.to_owned());
    let (settings, tokens) = (ctx.settings.clone(), ctx.tokens.clone());
    let out = ctx
        .db
        .run(move |conn| {
            let d = get(conn, &id)?;
            require_buyer(conn, &caller, &d.process_id)?;
            let planned = super::plan_rules(conn, &d, &rules)?;
            let changed = crate::app::dialogues::changes::change(
                conn, &caller, &settings, &tokens, &id, change,
            )?;
            if let Some(row) = &planned {
                super::save_rules(conn, &caller, row)?;
            }
            let booking =
                crate::db::meetings::offer(conn, &id)?.map(|o| BookingOffer::of(&o, db::now()));
            Ok::<_, AppError>(EventChanged {
                dialogue: DialogueView::from(&changed.dialogue),
                notified: changed.notified,
                booking,
            })
        })
        .await?;
    ctx.mailer.notify();
    Ok(out)
}

/// Lays out a grid of slots (the process's buyers).
pub async fn create_slots(
    ctx: &Context,
    caller: &Caller,
    id: &str,
    grid: NewGrid,
) -> AppResult<Slots> {
    let (caller, id) = (caller.clone(), id.to_owned());
    ctx.db
        .run(move |conn| {
            let d = get(conn, &id)?;
            super::slots::create(conn, &caller, &d, &grid)
        })
        .await
}

/// The slots with their bookings (the process's buyers and programme staff).
pub async fn slots(ctx: &Context, caller: &Caller, id: &str) -> AppResult<Slots> {
    let (caller, id) = (caller.clone(), id.to_owned());
    ctx.db
        .run(move |conn| {
            let d = insider(conn, &caller, &id)?;
            super::slots::for_buyers(conn, &d)
        })
        .await
}

/// Deletes a free slot (the process's buyers).
pub async fn delete_slot(ctx: &Context, caller: &Caller, id: &str, slot_id: &str) -> AppResult<()> {
    let (caller, id, slot_id) = (caller.clone(), id.to_owned(), slot_id.to_owned());
    ctx.db
        .run(move |conn| {
            let d = get(conn, &id)?;
            super::slots::delete(conn, &caller, &d, &slot_id)
        })
        .await
}

/// Runs the lottery now (the process's buyers) and wakes the mailer.
pub async fn allocate(ctx: &Context, caller: &Caller, id: &str) -> AppResult<AllocationRecord> {
    let (caller, id) = (caller.clone(), id.to_owned());
    let (settings, tokens) = (ctx.settings.clone(), ctx.tokens.clone());
    let record = ctx
        .db
        .run(move |conn| super::allocation::allocate_now(conn, &caller, &settings, &tokens, &id))
        .await?;
    ctx.mailer.notify();
    Ok(record)
}

/// The published record of an allocation (anyone).
pub async fn allocation(ctx: &Context, id: &str) -> AppResult<AllocationRecord> {
    let id = id.to_owned();
    ctx.db
        .run(move |conn| super::allocation::record(conn, &id))
        .await
}

/// The agenda (the process's buyers and programme staff).
pub async fn agenda(ctx: &Context, caller: &Caller, id: &str) -> AppResult<Agenda> {
    let (caller, id) = (caller.clone(), id.to_owned());
    ctx.db
        .run(move |conn| {
            let d = insider(conn, &caller, &id)?;
            super::agenda::agenda(conn, &caller, &d)
        })
        .await
}

/// Moves a meeting or sets its notes (the process's buyers); a move wakes the mailer.
pub async fn change_meeting(
    ctx: &Context,
    caller: &Caller,
    meeting_id: &str,
    change: MeetingChange,
) -> AppResult<AgendaItem> {
    let (caller, id) = (caller.clone(), meeting_id.to_owned());
    let (settings, tokens) = (ctx.settings.clone(), ctx.tokens.clone());
    let item = ctx
        .db
        .run(move |conn| super::agenda::change(conn, &caller, &settings, &tokens, &id, change))
        .await?;
    ctx.mailer.notify();
    Ok(item)
}

/// Cancels a meeting (the process's buyers) and wakes the mailer.
pub async fn cancel_meeting(
    ctx: &Context,
    caller: &Caller,
    meeting_id: &str,
) -> AppResult<AgendaItem> {
    let (caller, id) = (caller.clone(), meeting_id.to_owned());
    let (settings, tokens) = (ctx.settings.clone(), ctx.tokens.clone());
    let item = ctx
        .db
        .run(move |conn| super::agenda::cancel(conn, &caller, &settings, &tokens, &id))
        .await?;
    ctx.mailer.notify();
    Ok(item)
}

/// A supplier's own invitation, as it sees it behind its link.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OwnInvitation {
    pub id: String,
    /// `sent`, `answered`, … as the buyers see it.
    pub status: String,
    /// `attending`, `interested_cannot_attend` or `not_relevant`.
    pub answer: Option<String>,
    pub attendees: Option<i64>,
    /// The supplier's comment, confidential to the process's buyers.
    pub comment: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    /// True while answers and questions are taken (until the answer deadline).
    pub can_answer: bool,
}

/// Everything a supplier sees behind its answer link.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupplierView {
    pub event: DialogueView,
    pub invitation: OwnInvitation,
    /// The questions and answers published to every invitee.
    pub questions: Vec<PublishedQuestion>,
    pub booking: Option<BookingOffer>,
    /// The slots: none before booking opens; taken ones without names.
    pub slots: Vec<super::SlotView>,
    /// The supplier's own meetings.
    pub meetings: Vec<MeetingView>,
    /// The supplier's ranking of slot ids, for a lottery.
    pub ranking: Vec<String>,
    /// The event's `invitees` and `public` documents, downloaded through this link.
    pub documents: Vec<crate::app::documents::DocumentView>,
    /// The supplier's own comments on the event's drafts; nobody else's.
    pub comments: Vec<crate::app::documents::consultation::CommentView>,
    /// The consultation summaries and minutes published to every invitee.
    pub publications: Vec<crate::app::documents::PublishedText>,
}

/// What a supplier sees behind its link; 404 for a link that is not valid.
pub async fn supplier_view(ctx: &Context, token: &str) -> AppResult<SupplierView> {
    let token = token.to_owned();
    ctx.db
        .run(move |conn| {
            let (inv, d) = super::booking::invitation_of(conn, &token)?;
            let questions = published(crate::db::dialogues::questions(conn, &d.id)?);
            let SupplierMeetings {
                booking,
                slots,
                meetings,
                ranking,
            } = super::booking::supplier_meetings(conn, &inv, &d)?;
            let documents = crate::app::documents::of_event(
                conn,
                &crate::app::documents::Reader::Invitee(inv.clone()),
                &d.id,
                &crate::app::documents::token_link(&token),
            )?;
            let comments = crate::app::documents::consultation::own(conn, &token, None)?;
            let publications = crate::db::documents::publications(conn, &d.id)?
                .iter()
                .map(crate::app::documents::PublishedText::from)
                .collect();
            Ok(SupplierView {
                event: DialogueView::from(&d),
                invitation: OwnInvitation {
                    can_answer: crate::app::dialogues::public::is_open(&d),
                    id: inv.id,
                    status: inv.status,
                    answer: inv.answer,
                    attendees: inv.attendees,
                    comment: inv.comment,
                    answered_at: inv.answered_at.map(|t| t.and_utc()),
                },
                questions,
                booking,
                slots,
                meetings,
                ranking,
                documents,
                comments,
                publications,
            })
        })
        .await
}

/// True when the event has one-to-one meetings on offer.
pub async fn has_offer(ctx: &Context, dialogue_id: &str) -> AppResult<bool> {
    let id = dialogue_id.to_owned();
    ctx.db
        .run(move |conn| Ok(crate::db::meetings::offer(conn, &id)?.is_some()))
        .await
}

/// Books a slot first come through a link, and wakes the mailer.
pub async fn book(ctx: &Context, token: &str, slot_id: &str) -> AppResult<MeetingView> {
    let (token, slot_id) = (token.to_owned(), slot_id.to_owned());
    let (settings, tokens) = (ctx.settings.clone(), ctx.tokens.clone());
    let meeting = ctx
        .db
        .run(move |conn| super::booking::book(conn, &settings, &tokens, &token, &slot_id))
        .await?;
    ctx.mailer.notify();
    Ok(meeting)
}

/// Ranks slots for a lottery through a link.
pub async fn rank(ctx: &Context, token: &str, slot_ids: Vec<String>) -> AppResult<OwnRanking> {
    let token = token.to_owned();
    ctx.db
        .run(move |conn| super::booking::rank(conn, &token, &slot_ids))
        .await
}

/// Cancels the supplier's own meeting through its link, and wakes the mailer.
pub async fn cancel_own(ctx: &Context, token: &str, meeting_id: &str) -> AppResult<MeetingView> {
    let (token, id) = (token.to_owned(), meeting_id.to_owned());
    let (settings, tokens) = (ctx.settings.clone(), ctx.tokens.clone());
    let meeting = ctx
        .db
        .run(move |conn| super::booking::cancel_own(conn, &settings, &tokens, &token, &id))
        .await?;
    ctx.mailer.notify();
    Ok(meeting)
}

/// One of a signed-in supplier's invitations, with its link.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MyInvitation {
    pub id: String,
    pub dialogue_id: String,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub status: String,
    pub answer: Option<String>,
    /// The answer page; its token also works with `/api/v1/rsvp/{token}`.
    pub answer_url: String,
    pub token: String,
}

/// A signed-in supplier's invitations, latest event first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MyInvitations {
    pub items: Vec<MyInvitation>,
}

/// The invitations of the caller's organisation, each with its link.
pub async fn my_invitations(ctx: &Context, caller: &Caller) -> AppResult<MyInvitations> {
    let Some(org) = caller.organisation_id().map(str::to_owned) else {
        return Ok(MyInvitations { items: Vec::new() });
    };
    let (tokens, public_url) = (ctx.tokens.clone(), ctx.settings.public_url.clone());
    ctx.db
        .run(move |conn| {
            let mut items = Vec::new();
            for (inv, d) in crate::db::dialogues::invitations_of_supplier(conn, &org)? {
                let token = tokens.link_token("rsvp", &inv.id);
                items.push(MyInvitation {
                    answer_url: format!("{public_url}/rsvp/{token}"),
                    token,
                    id: inv.id,
                    dialogue_id: d.id,
                    title: d.title,
                    starts_at: d.starts_at.and_utc(),
                    status: inv.status,
                    answer: inv.answer,
                });
            }
            Ok(MyInvitations { items })
        })
        .await
}
