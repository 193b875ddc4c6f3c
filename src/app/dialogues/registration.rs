//! Registration of interest from an event's public page. Anyone can type any address there, so an
//! address that has not proved it wants the mail gets one message only, asking it to confirm; the
//! invitation, the published answers and everything after follow once the link is opened.

use crate::auth::tokens::TokenKeys;
use crate::db::confirmed_addresses::{self as confirmed, RequestRow};
use crate::db::dialogues::{self as q, DialogueRow, InvitationRow, OutboxRow};
use crate::db::{self, organisations, DbConn};
use crate::domain::{self, Invalid, OrgKind, Problem};
use crate::error::AppError;
use crate::mail;
use crate::settings::Settings;

use super::invitations::{buyer_names, new_invitation};
use super::letters::{invitation_message, lang_of, Letter};
use super::questions::earlier_answers;
use super::{get, host, token_hash};

/// What a registration of interest led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registered {
    /// The invitation is on its way.
    Invited,
    /// The address must confirm first; a link was sent unless one is waiting already.
    ConfirmFirst,
    /// The organisation was registered or invited already: nothing more is sent.
    Already,
}

/// A supplier registers interest on the event's public page. An organisation in innolift is
/// invited at its own contact address; anyone else at the address typed in, once confirmed.
pub fn register(
    conn: &mut DbConn,
    settings: &Settings,
    keys: &TokenKeys,
    id: &str,
    orgnr: &str,
    email: &str,
) -> Result<Registered, AppError> {
    let d = get(conn, id)?;
    let orgnr = domain::Orgnr::parse(orgnr)?;
    let email = domain::Email::parse(email)?;
    super::refuse_if_cancelled(&d)?;
    if db::now() > d.response_deadline {
        return Err(AppError::conflict(
            None,
            "the deadline for this event has passed",
        ));
    }
    if q::invitation_of(conn, &d.id, orgnr.as_str())?.is_some() {
        return Ok(Registered::Already);
    }
    if confirmed::is_requested(conn, &d.id, orgnr.as_str())? {
        return Ok(Registered::ConfirmFirst);
    }
    let org = organisations::find_by_orgnr(conn, orgnr.as_str())?;
    if org
        .as_ref()
        .is_some_and(|o| o.kind == OrgKind::Buyer.as_str())
    {
        return Err(Invalid::because(
            "orgnr",
            Problem::NotAllowed,
            "this organisation is a buyer; registration is for suppliers",
        )
        .into());
    }
    // An organisation registered in innolift gets the invitation at its own contact address,
    // whatever address was typed in, so nobody can take over another supplier's invitation. That
    // address was chosen by its owner, so it counts as confirmed unless an account holding it has
    // not confirmed it; a typed address must prove itself.
    let (address, is_confirmed) = match &org {
        Some(o) => {
            let address = o.contact_email.clone().ok_or_else(|| {
                Invalid::new("email", "this organisation is registered in innolift without a contact address; its owner must add one first")
            })?;
            let unconfirmed = crate::db::accounts::is_unconfirmed_address(conn, &address)?;
            (address, !unconfirmed)
        }
        None => {
            let address = email.as_str().to_owned();
            let ok = confirmed::is_confirmed(conn, &address)?;
            (address, ok)
        }
    };
    let unsubscribed = q::is_unsubscribed(conn, &address)?;
    let supplier_id = org.as_ref().map(|o| o.id.clone());
    if !is_confirmed {
        let request = RequestRow {
            id: db::new_id(),
            dialogue_id: d.id.clone(),
            orgnr: orgnr.as_str().to_owned(),
            supplier_id,
            email: address.clone(),
            created_at: db::now(),
        };
        // One open request per address: a second registration waits for the same link, and an
        // address that unsubscribed hears nothing.
        let waiting = !confirmed::requests_of(conn, &address)?.is_empty();
        let ask = (!waiting && !unsubscribed)
            .then(|| {
                confirmation_message(
                    settings,
                    keys,
                    &d,
                    &request,
                    &name_of(conn, &request.orgnr)?,
                )
            })
            .transpose()?;
        let result = db::write_tx(conn, |conn| {
            confirmed::insert_request(conn, &request)?;
            if let Some(m) = &ask {
                q::enqueue(conn, m)?;
            }
            Ok::<_, AppError>(())
        });
        return match result {
            Err(e) if e.is_unique_violation() => Ok(Registered::ConfirmFirst),
            other => other.map(|()| Registered::ConfirmFirst),
        };
    }
    let name = name_of(conn, orgnr.as_str())?;
    let invitation = new_invitation(
        keys,
        &d,
        supplier_id,
        orgnr.as_str(),
        "registered",
        &address,
        unsubscribed,
    );
    let messages = invitation_messages(conn, settings, keys, &d, &invitation, &name)?;
    let result = db::write_tx(conn, |conn| {
        q::insert_invitation(conn, &invitation)?;
        if !unsubscribed {
            for m in &messages {
                q::enqueue(conn, m)?;
            }
        }
        Ok::<_, AppError>(())
    });
    match result {
        Err(e) if e.is_unique_violation() => Ok(Registered::Already),
        Err(e) => Err(e),
        Ok(()) => Ok(Registered::Invited),
    }
}

/// Opens the link of a confirmation: the address is confirmed, and every registration of it that
/// waits becomes an invitation, sent with the answers published so far. Returns the answer link
/// of the registration the link was sent for, whose invitation has the request's id. Opening it
/// again changes nothing.
pub fn confirm(
    conn: &mut DbConn,
    settings: &Settings,
    keys: &TokenKeys,
    token: &str,
) -> Result<String, AppError> {
    let not_valid = || {
        AppError::from(Invalid::because(
            "token",
            Problem::Invalid,
            "the confirmation link is not valid; register again on the event's page",
        ))
    };
    let (id, mac) = token.trim().split_once('.').ok_or_else(not_valid)?;
    if !crate::auth::tokens::same_secret(&keys.link_token("interest", id), mac) {
        return Err(not_valid());
    }
    let rsvp = keys.link_token("rsvp", id);
    if q::invitation(conn, id)?.is_some() {
        return Ok(rsvp);
    }
    let request = confirmed::request(conn, id)?.ok_or_else(not_valid)?;
    db::write_tx(conn, |conn| {
        confirmed::confirm(conn, &request.email)?;
        for r in confirmed::requests_of(conn, &request.email)? {
            let d = get(conn, &r.dialogue_id)?;
            // An event that ended or was cancelled meanwhile, or that invited the organisation
            // since, sends nothing more.
            if d.cancelled_at.is_some()
                || db::now() > d.response_deadline
                || q::invitation_of(conn, &d.id, &r.orgnr)?.is_some()
            {
                continue;
            }
            let mut inv = new_invitation(
                keys,
                &d,
                r.supplier_id.clone(),
                &r.orgnr,
                "registered",
                &r.email,
                false,
            );
            inv.token_hash = token_hash(&keys.link_token("rsvp", &r.id));
            inv.id = r.id.clone();
            let name = name_of(conn, &r.orgnr)?;
            let messages = invitation_messages(conn, settings, keys, &d, &inv, &name)?;
            q::insert_invitation(conn, &inv)?;
            for m in &messages {
                q::enqueue(conn, m)?;
            }
        }
        confirmed::delete_requests(conn, &request.email)?;
        Ok::<_, AppError>(())
    })?;
    if q::invitation(conn, id)?.is_none() {
        return Err(AppError::conflict(
            None,
            "the address is confirmed, but the event closed before it was; no invitation was sent",
        ));
    }
    Ok(rsvp)
}

/// The invitation to `inv` and the answers published before it, in the order they go.
fn invitation_messages(
    conn: &mut DbConn,
    settings: &Settings,
    keys: &TokenKeys,
    d: &DialogueRow,
    inv: &InvitationRow,
    name: &str,
) -> Result<Vec<OutboxRow>, AppError> {
    let buyers = buyer_names(conn, &d.process_id)?;
    let mut messages = vec![invitation_message(
        settings,
        keys,
        d,
        &buyers,
        name,
        &inv.id,
        &inv.email,
        Letter::Invitation,
    )?];
    messages.extend(earlier_answers(conn, settings, d, &inv.id, &inv.email, 0)?);
    Ok(messages)
}

/// The one message to an address not yet confirmed: what it registered for, and the link.
fn confirmation_message(
    settings: &Settings,
    keys: &TokenKeys,
    d: &DialogueRow,
    request: &RequestRow,
    name: &str,
) -> Result<OutboxRow, AppError> {
    let outbox_id = db::new_id();
    let message_id = format!("<interest-confirmation-{outbox_id}@{}>", host(settings));
    let link = format!(
        "{}/interest/confirm/{}.{}",
        settings.public_url,
        request.id,
        keys.link_token("interest", &request.id)
    );
    let rendered = mail::render_template(
        "interest_confirmation",
        lang_of(d),
        &settings.mail_from,
        &request.email,
        &message_id,
        &[
            ("name", name.to_owned()),
            ("title", d.title.clone()),
            ("confirm_url", link),
        ],
    )
    .map_err(|_| Invalid::new("email", "this address cannot receive email"))?;
    // Not tied to an invitation: there is none until the link is opened.
    Ok(OutboxRow::queued(
        outbox_id,
        "interest_confirmation",
        None,
        Some(&d.id),
        &request.email,
        message_id,
        rendered,
    ))
}

/// The name a registration is greeted by: its organisation's in innolift, or the register's.
fn name_of(conn: &mut DbConn, orgnr: &str) -> Result<String, AppError> {
    if let Some(org) = organisations::find_by_orgnr(conn, orgnr)? {
        return Ok(org.name);
    }
    Ok(crate::app::registry::name_of(conn, orgnr)?.unwrap_or_else(|| orgnr.to_owned()))
}

#[cfg(test)]
mod tests {
    use crate::auth::tokens::same_secret as same;

    #[test]
    fn link_codes_compare_equal_only_when_every_byte_matches() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "ab"));
    }
}
