//! Inviting suppliers to a dialogue event: one invitation and one email each, written together;
//! the one reminder before the deadline; and unsubscribing.

use crate::auth::tokens::TokenKeys;
use crate::caller::Caller;
use crate::db::dialogues::{self as q, DialogueRow, InvitationRow};
use crate::db::{self, organisations, DbConn};
use crate::domain::process::ProposalStatus;
use crate::domain::{Invalid, OrgKind};
use crate::error::AppError;
use crate::search::document::{DocType, Indexable};
use crate::search::matching::{self, Filters};
use crate::search::SearchIndex;
use crate::settings::Settings;
use std::collections::BTreeMap;

use super::letters::{addressees, invitation_message, Letter};
use super::questions::earlier_answers;
use super::{get, refuse_if_cancelled, require_buyer, token_hash};

/// Whom to invite.
#[derive(Debug, Clone)]
pub enum Invitees {
    /// These suppliers or clusters.
    Suppliers(Vec<String>),
    /// The organisations behind the N best capabilities for the process's needs.
    FromMatches(usize),
    /// The suppliers the lead accepted from clusters' proposals.
    FromProposals,
}

/// What happened to one supplier.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct InviteOutcome {
    pub supplier_id: String,
    /// `queued`, or why not: `already_invited`, `unsubscribed`, `no_contact_email`, `unconfirmed_contact_email` (an account holds the address and has not confirmed it), `bad_contact_email`.
    pub result: String,
    pub invitation_id: Option<String>,
}

/// Invites suppliers: each gets one invitation and one email, written together; a supplier
/// already invited gets no second email, and an unsubscribed address none at all.
#[allow(clippy::too_many_arguments)]
pub fn invite(
    conn: &mut DbConn,
    caller: &Caller,
    settings: &Settings,
    keys: &TokenKeys,
    index: &SearchIndex,
    id: &str,
    who: Invitees,
) -> Result<Vec<InviteOutcome>, AppError> {
    let dialogue = get(conn, id)?;
    let process = require_buyer(conn, caller, &dialogue.process_id)?;
    crate::app::organisations::require_approved(conn, caller, "invite suppliers")?;
    crate::app::email_confirmation::require_confirmed(caller, "invite suppliers")?;
    refuse_if_cancelled(&dialogue)?;
    if db::now() > dialogue.response_deadline {
        return Err(AppError::conflict(
            None,
            "the deadline for answers has passed; create a new event to invite more suppliers",
        ));
    }
    let supplier_ids: Vec<String> = match who {
        Invitees::Suppliers(ids) => {
            if ids.is_empty() {
                return Err(Invalid::new("supplier_ids", "give the suppliers to invite").into());
            }
            let mut out = Vec::new();
            for raw in ids {
                let sid = uuid::Uuid::parse_str(raw.trim())
                    .map(|u| u.to_string())
                    .map_err(|_| {
                        Invalid::new("supplier_ids", format!("{raw} is not an organisation id"))
                    })?;
                let org = organisations::find(conn, &sid)?.ok_or_else(|| {
                    Invalid::new("supplier_ids", format!("no organisation has the id {sid}"))
                })?;
                if org.kind == OrgKind::Buyer.as_str() {
                    return Err(Invalid::new(
                        "supplier_ids",
                        format!("{} is a buyer; invite suppliers and clusters", org.name),
                    )
                    .into());
                }
                if !out.contains(&sid) {
                    out.push(sid);
                }
            }
            out
        }
        Invitees::FromMatches(n) => {
            if !(1..=500).contains(&n) {
                return Err(
                    Invalid::new("from_matches", "from_matches must be between 1 and 500").into(),
                );
            }
            let mut best: BTreeMap<String, f32> = BTreeMap::new();
            let filters = Filters {
                doc_type: Some(DocType::Capability),
                open_only: true,
                ..Filters::default()
            };
            for need in crate::db::processes::needs_of(conn, &process.id)? {
                for m in matching::matches(index, &Indexable::need(&need, "buyer"), &filters, n)? {
                    let e = best.entry(m.organisation_id).or_insert(0.0);
                    *e = e.max(m.score);
                }
            }
            let mut ranked: Vec<(String, f32)> = best.into_iter().collect();
            ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            ranked.into_iter().take(n).map(|(id, _)| id).collect()
        }
        Invitees::FromProposals => crate::db::processes::proposals(conn, &process.id, None)?
            .into_iter()
            .filter(|p| p.status == ProposalStatus::Accepted)
            .map(|p| p.supplier_id)
            .fold(Vec::new(), |mut acc, s| {
                if !acc.contains(&s) {
                    acc.push(s);
                }
                acc
            }),
    };
    let buyers = buyer_names(conn, &process.id)?;
    let mut outcomes = Vec::new();
    for sid in supplier_ids {
        outcomes.push(invite_one(
            conn, caller, settings, keys, &dialogue, &buyers, &sid,
        )?);
    }
    Ok(outcomes)
}

/// The buyers of a process, as named in emails: the lead and accepted buyers.
pub(crate) fn buyer_names(conn: &mut DbConn, process_id: &str) -> Result<String, AppError> {
    Ok(crate::db::processes::buyers(conn, process_id)?
        .into_iter()
        .filter(|(b, _)| b.status.takes_part())
        .map(|(_, name)| name)
        .collect::<Vec<_>>()
        .join(", "))
}

#[allow(clippy::too_many_arguments)]
fn invite_one(
    conn: &mut DbConn,
    caller: &Caller,
    settings: &Settings,
    keys: &TokenKeys,
    d: &DialogueRow,
    buyers: &str,
    supplier_id: &str,
) -> Result<InviteOutcome, AppError> {
    let outcome = |result: &str, invitation_id: Option<String>| InviteOutcome {
        supplier_id: supplier_id.to_owned(),
        result: result.to_owned(),
        invitation_id,
    };
    let Some(org) = organisations::find(conn, supplier_id)? else {
        return Ok(outcome("no_contact_email", None));
    };
    if let Some(existing) = q::invitation_of(conn, &d.id, &org.orgnr)? {
        return Ok(outcome("already_invited", Some(existing.id)));
    }
    let Some(email) = org.contact_email.clone() else {
        return Ok(outcome("no_contact_email", None));
    };
    if crate::db::accounts::is_unconfirmed_address(conn, &email)? {
        return Ok(outcome("unconfirmed_contact_email", None));
    }
    let unsubscribed = q::is_unsubscribed(conn, &email)?;
    let invitation = new_invitation(
        keys,
        d,
        Some(supplier_id.to_owned()),
        &org.orgnr,
        "invited",
        &email,
        unsubscribed,
    );
    let Ok(message) = invitation_message(
        settings,
        keys,
        d,
        buyers,
        &org.name,
        &invitation.id,
        &email,
        Letter::Invitation,
    ) else {
        return Ok(outcome("bad_contact_email", None));
    };
    let earlier = earlier_answers(conn, settings, d, &invitation.id, &email, 0)?;
    let result = db::write_tx(conn, |conn| {
        q::insert_invitation(conn, &invitation)?;
        if !unsubscribed {
            q::enqueue(conn, &message)?;
            for m in &earlier {
                q::enqueue(conn, m)?;
            }
        }
        crate::app::audit::record(
            conn,
            caller,
            "invitation",
            &invitation.id,
            Some(&d.process_id),
            "invited",
            None::<&()>,
            Some(&invitation),
        )?;
        Ok::<_, AppError>(())
    });
    match result {
        // Invited by someone else at the same moment: still one invitation, one email.
        Err(e) if e.is_unique_violation() => Ok(outcome(
            "already_invited",
            q::invitation_of(conn, &d.id, &org.orgnr)?.map(|i| i.id),
        )),
        Err(e) => Err(e),
        Ok(()) => Ok(outcome(
            if unsubscribed {
                "unsubscribed"
            } else {
                "queued"
            },
            Some(invitation.id),
        )),
    }
}

/// Queues a failed invitation again, to the supplier's current contact address, with the
/// answers published so far (they were withheld while the invitation had not arrived).
pub fn resend(
    conn: &mut DbConn,
    caller: &Caller,
    settings: &Settings,
    keys: &TokenKeys,
    id: &str,
    invitation_id: &str,
) -> Result<InvitationRow, AppError> {
    let d = get(conn, id)?;
    require_buyer(conn, caller, &d.process_id)?;
    crate::app::organisations::require_approved(conn, caller, "send invitations")?;
    crate::app::email_confirmation::require_confirmed(caller, "send invitations")?;
    refuse_if_cancelled(&d)?;
    let invitation = q::invitation(conn, invitation_id)?
        .filter(|i| i.dialogue_id == d.id)
        .ok_or_else(|| AppError::not_found("no invitation to this event has this id"))?;
    if invitation.status != "failed" {
        return Err(AppError::conflict(
            None,
            format!(
                "only a failed invitation can be sent again; this one is {}",
                invitation.status
            ),
        ));
    }
    if db::now() > d.response_deadline {
        return Err(AppError::conflict(
            None,
            "the deadline for answers has passed; create a new event to invite this supplier",
        ));
    }
    let (email, name) = match &invitation.supplier_id {
        Some(sid) => {
            let org = organisations::find(conn, sid)?
                .ok_or_else(|| AppError::not_found("the invited organisation no longer exists"))?;
            let email = org.contact_email.ok_or_else(|| {
                AppError::conflict(
                    None,
                    "the supplier has no contact address; its owner must add one first",
                )
            })?;
            (email, org.name)
        }
        // Registered from the event page without an account: the address it gave is all there is.
        None => (invitation.email.clone(), invitation.orgnr.clone()),
    };
    if q::is_unsubscribed(conn, &email)? {
        return Err(AppError::conflict(
            None,
            format!("{email} has asked for no more invitations"),
        ));
    }
    if crate::db::accounts::is_unconfirmed_address(conn, &email)? {
        return Err(AppError::conflict(
            None,
            format!("{email} belongs to an account that has not confirmed it yet; the supplier must confirm it first"),
        ));
    }
    let tries = q::messages_of_invitation(conn, &invitation.id, "invitation")?;
    let buyers = buyer_names(conn, &d.process_id)?;
    let message = invitation_message(
        settings,
        keys,
        &d,
        &buyers,
        &name,
        &invitation.id,
        &email,
        Letter::Resend(tries),
    )?;
    let earlier = earlier_answers(conn, settings, &d, &invitation.id, &email, tries)?;
    db::write_tx(conn, |conn| {
        if !q::reopen_invitation(conn, &invitation.id, &email)? {
            return Err(AppError::conflict(
                None,
                "the invitation is being sent again already",
            ));
        }
        q::enqueue(conn, &message)?;
        for m in &earlier {
            q::enqueue(conn, m)?;
        }
        crate::app::audit::record(
            conn,
            caller,
            "invitation",
            &invitation.id,
            Some(&d.process_id),
            "resent",
            Some(&invitation),
            Some(&serde_json::json!({ "email": email })),
        )?;
        Ok(())
    })?;
    q::invitation(conn, &invitation.id)?
        .ok_or_else(|| AppError::not_found("no invitation to this event has this id"))
}

pub(super) fn new_invitation(
    keys: &TokenKeys,
    d: &DialogueRow,
    supplier_id: Option<String>,
    orgnr: &str,
    source: &str,
    email: &str,
    unsubscribed: bool,
) -> InvitationRow {
    let now = db::now();
    let id = db::new_id();
    InvitationRow {
        token_hash: token_hash(&keys.link_token("rsvp", &id)),
        id,
        dialogue_id: d.id.clone(),
        supplier_id,
        orgnr: orgnr.to_owned(),
        source: source.to_owned(),
        email: email.to_owned(),
        status: if unsubscribed {
            "unsubscribed"
        } else {
            "queued"
        }
        .to_owned(),
        failure: unsubscribed.then(|| "the address has asked for no more invitations".to_owned()),
        answer: None,
        attendees: None,
        comment: None,
        answered_at: None,
        reminder_sent_at: None,
        created_at: now,
        updated_at: now,
    }
}

/// Queues the one reminder for invitees that have not answered, once an event's deadline is
/// within `before`. The claim on each invitation makes a reminder go at most once, on any node.
pub fn queue_reminders(
    conn: &mut DbConn,
    settings: &Settings,
    keys: &TokenKeys,
    before: chrono::TimeDelta,
) -> Result<usize, AppError> {
    let mut queued = 0;
    for d in q::due_for_reminder(conn, db::now(), before)? {
        // Invitations made after the reminder time have just arrived; they need no reminder.
        let reminder_time = d.response_deadline - before;
        let pending: Vec<_> = addressees(conn, &d, &["sent"])?
            .into_iter()
            .filter(|(i, _)| i.reminder_sent_at.is_none() && i.created_at < reminder_time)
            .collect();
        if pending.is_empty() {
            continue;
        }
        let buyers = buyer_names(conn, &d.process_id)?;
        for (inv, name) in pending {
            let message = invitation_message(
                settings,
                keys,
                &d,
                &buyers,
                &name,
                &inv.id,
                &inv.email,
                Letter::Reminder,
            )?;
            let sent = db::write_tx(conn, |conn| {
                if !q::claim_reminder(conn, &inv.id)? {
                    return Ok::<_, AppError>(false);
                }
                q::enqueue(conn, &message)?;
                Ok(true)
            })?;
            queued += usize::from(sent);
        }
    }
    Ok(queued)
}

/// Unsubscribes the address of an invitation, given the invitation's unsubscribe token.
/// Returns the address, or `None` for an unknown invitation or a wrong token.
pub fn unsubscribe(
    conn: &mut DbConn,
    keys: &TokenKeys,
    invitation_id: &str,
    token: &str,
) -> Result<Option<String>, AppError> {
    let Ok(id) = uuid::Uuid::parse_str(invitation_id) else {
        return Ok(None);
    };
    let id = id.to_string();
    let expected = keys.link_token("unsubscribe", &id);
    // Compare the hashes, so the comparison takes the same time however much matches.
    if token_hash(&expected) != token_hash(token) {
        return Ok(None);
    }
    let Some(invitation) = q::invitation(conn, &id)? else {
        return Ok(None);
    };
    db::write_tx(conn, |conn| {
        q::unsubscribe(conn, &invitation.email)?;
        q::set_invitation_status(
            conn,
            &invitation.id,
            "unsubscribed",
            Some("the address asked for no more invitations"),
            &["answered"],
        )?;
        Ok::<_, AppError>(())
    })?;
    Ok(Some(invitation.email))
}
