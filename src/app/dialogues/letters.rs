//! The letters of an invitation: the invitation itself, its resend and reminder, and the update
//! and cancellation that follow a change to the event. Every letter carries the invitee's own
//! answer link and a calendar file with the event's one `UID`, so calendar programs update or
//! remove the entry they hold.

use crate::auth::tokens::TokenKeys;
use crate::db;
use crate::db::dialogues::{self as q, DialogueRow, InvitationRow, OutboxRow};
use crate::domain::Lang;
use crate::error::AppError;
use crate::mail::{self, calendar};
use crate::settings::Settings;

use super::{host, oslo, DialogueKind};

/// Which letter of an invitation is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Letter<'a> {
    /// The first invitation.
    Invitation,
    /// The invitation sent again after a failure; `n` earlier tries, for a fresh `Message-ID`.
    Resend(i64),
    /// The one reminder before the deadline.
    Reminder,
    /// The event moved: what changed, in the event's language.
    Update(&'a str),
    /// The event is cancelled, with the buyers' reason.
    Cancel(&'a str),
}

impl Letter<'_> {
    /// The outbox kind, which the record shows and the outbox gates on.
    pub(crate) fn kind(self) -> &'static str {
        match self {
            Letter::Invitation | Letter::Resend(_) => "invitation",
            Letter::Reminder => "reminder",
            Letter::Update(_) => "update",
            Letter::Cancel(_) => "cancellation",
        }
    }
}

/// The event's language, for its letters.
pub(crate) fn lang_of(d: &DialogueRow) -> Lang {
    if d.language == "en" {
        Lang::En
    } else {
        Lang::Nb
    }
}

/// Where the event is, as one line: the place and the online link.
pub(crate) fn place_of(d: &DialogueRow) -> String {
    [d.place.clone(), d.online_url.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ")
}

/// One letter to one invitee: the same text for everyone, with the invitee's own answer link,
/// and the event's calendar file at its current `SEQUENCE`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn invitation_message(
    settings: &Settings,
    keys: &TokenKeys,
    d: &DialogueRow,
    buyers: &str,
    supplier_name: &str,
    invitation_id: &str,
    email: &str,
    letter: Letter,
) -> Result<OutboxRow, AppError> {
    let lang = lang_of(d);
    let kind = DialogueKind::parse(&d.kind).map_err(|e| AppError::internal(e.to_string()))?;
    let host = host(settings);
    let token = keys.link_token("rsvp", invitation_id);
    let answer_url = format!("{}/rsvp/{token}", settings.public_url);
    let place = place_of(d);
    let message_id = match letter {
        Letter::Invitation => format!("<invitation-{invitation_id}@{host}>"),
        Letter::Resend(n) => format!("<invitation-{invitation_id}-{n}@{host}>"),
        Letter::Reminder => format!("<reminder-{invitation_id}@{host}>"),
        Letter::Update(_) => format!("<update-{invitation_id}-{}@{host}>", d.sequence),
        Letter::Cancel(_) => format!("<cancellation-{invitation_id}@{host}>"),
    };
    let (template, notice, method) = match letter {
        Letter::Update(changes) => ("dialogue_change", changes, calendar::Method::Request),
        Letter::Cancel(reason) => ("dialogue_cancelled", reason, calendar::Method::Cancel),
        _ => ("invitation", "", calendar::Method::Request),
    };
    let title = match (letter, lang) {
        (Letter::Reminder, Lang::En) => format!("Reminder: {}", d.title),
        (Letter::Reminder, Lang::Nb) => format!("Påminnelse: {}", d.title),
        _ => d.title.clone(),
    };
    let rendered = mail::render_invitation(&mail::Invitation {
        lang,
        template,
        notice: notice.to_owned(),
        from: settings.mail_from.clone(),
        to: email.to_owned(),
        message_id: message_id.clone(),
        supplier: supplier_name.to_owned(),
        buyers: buyers.to_owned(),
        kind: kind.label(lang).to_owned(),
        title,
        agenda: d.agenda.clone(),
        starts: oslo(d.starts_at),
        ends: oslo(d.ends_at),
        place: place.clone(),
        deadline: oslo(d.response_deadline),
        answer_url: answer_url.clone(),
        // A separate key: the unsubscribe link travels in a header that mail systems log, and
        // must not open the answer page.
        unsubscribe_url: format!(
            "{}/unsubscribe/{invitation_id}/{}",
            settings.public_url,
            keys.link_token("unsubscribe", invitation_id)
        ),
        calendar: calendar::ics(&calendar::Event {
            uid: &format!("dialogue-{}@{host}", d.id),
            sequence: d.sequence,
            method,
            title: &d.title,
            description: &format!("{}\n\n{answer_url}", d.agenda),
            location: &place,
            url: &answer_url,
            starts_at: d.starts_at,
            ends_at: d.ends_at,
            stamp: db::now(),
            organizer: calendar::Party {
                name: buyers,
                email: &mail::address_of(&settings.mail_from),
            },
            attendee: calendar::Party {
                name: supplier_name,
                email,
            },
        }),
        calendar_method: method,
    })
    .map_err(|e| AppError::validation("email", format!("cannot write to {email}: {e}")))?;
    Ok(OutboxRow::queued(
        db::new_id(),
        letter.kind(),
        Some(invitation_id),
        Some(&d.id),
        email,
        message_id,
        rendered,
    ))
}

/// The name each invitation's letters greet, by invitation id: the supplier's, or the
/// organisation number of one that registered without being in innolift.
pub(crate) fn invitee_names(
    conn: &mut db::DbConn,
    invitations: &[InvitationRow],
) -> Result<std::collections::HashMap<String, String>, AppError> {
    let names = crate::db::organisations::names(
        conn,
        &invitations
            .iter()
            .filter_map(|i| i.supplier_id.clone())
            .collect::<Vec<_>>(),
    )?;
    Ok(invitations
        .iter()
        .map(|i| {
            let name = i
                .supplier_id
                .as_ref()
                .and_then(|s| names.get(s).cloned())
                .unwrap_or_else(|| i.orgnr.clone());
            (i.id.clone(), name)
        })
        .collect())
}

/// The invitations of an event in one of `statuses` whose address has not unsubscribed, each
/// with the name its letters greet.
pub(crate) fn addressees(
    conn: &mut db::DbConn,
    d: &DialogueRow,
    statuses: &[&str],
) -> Result<Vec<(InvitationRow, String)>, AppError> {
    let invitations: Vec<InvitationRow> = q::invitations(conn, &d.id)?
        .into_iter()
        .filter(|i| statuses.contains(&i.status.as_str()))
        .collect();
    let mut names = invitee_names(conn, &invitations)?;
    let mut out = Vec::new();
    for inv in invitations {
        if q::is_unsubscribed(conn, &inv.email)? {
            continue;
        }
        let name = names.remove(&inv.id).unwrap_or_default();
        out.push((inv, name));
    }
    Ok(out)
}
