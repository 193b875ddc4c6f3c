//! A person's own data (GDPR articles 15, 17 and 20): everything innolift holds about the
//! signed-in person as JSON, deleting the account, and erasing contact details from dialogue
//! answers a set time after their process was completed.
//!
//! What a person sent stays part of the market dialogue's record (the answers are their
//! organisation's, and the record proves what was sent to whom), but after deletion nothing
//! leads back to the person: addresses are replaced and email bodies dropped, while hashes and
//! times remain.

use chrono::{TimeDelta, Utc};
use serde_json::{json, Value};

use super::Context;
use crate::caller::Caller;
use crate::db::{self, privacy as q, DbConn};
use crate::error::{AppError, AppResult};

/// The address that replaces an erased one: unique per original, so nothing merges, and not
/// deliverable (`.invalid` is reserved).
pub fn placeholder(email: &str) -> String {
    let hash = super::dialogues::token_hash(email);
    format!("erased-{}@erased.invalid", &hash[..16])
}

fn time(t: chrono::NaiveDateTime) -> String {
    t.and_utc().to_rfc3339()
}

fn opt_time(t: Option<chrono::NaiveDateTime>) -> Option<String> {
    t.map(time)
}

/// Everything innolift holds about one account, as JSON.
pub fn export_of(conn: &mut DbConn, account_id: &str) -> Result<Value, AppError> {
    let account = crate::db::accounts::find(conn, account_id)?
        .ok_or_else(|| AppError::unauthorized("this account no longer exists"))?;
    let organisation = match &account.organisation_id {
        Some(id) => crate::db::organisations::find(conn, id)?.map(|o| {
            json!({"id": o.id, "name": o.name, "orgnr": o.orgnr, "kind": o.kind, "contact_email": o.contact_email})
        }),
        None => None,
    };
    let invitations = q::invitations_to(conn, &account.email)?;
    let invitation_ids: Vec<String> = invitations.iter().map(|i| i.0.clone()).collect();
    Ok(json!({
        "exported_at": Utc::now().to_rfc3339(),
        "about": "Everything innolift holds about you. Sign-in tokens for the API are not stored; they expire by themselves.",
        "account": {
            "id": account.id, "email": account.email, "name": account.name, "role": account.role,
            "organisation_id": account.organisation_id,
            "created_at": time(account.created_at), "updated_at": time(account.updated_at),
        },
        "organisation": organisation,
        "sign_in_identities": crate::db::oidc::of_account(conn, account_id)?.into_iter()
            .map(|i| json!({
                "issuer": i.issuer, "subject": i.subject, "email": i.email, "email_verified": i.email_verified,
                "name": i.name, "linked_at": time(i.created_at), "last_sign_in_at": time(i.last_sign_in_at),
            }))
            .collect::<Vec<_>>(),
        "sessions": q::sessions(conn, account_id)?.into_iter()
            .map(|(created, expires)| json!({"created_at": time(created), "expires_at": time(expires)}))
            .collect::<Vec<_>>(),
        "notifications": q::notifications_of(conn, account_id)?.into_iter()
            .map(|(kind, title, actor, link, created, read)| json!({
                "kind": kind, "title": title, "actor": actor, "link": link,
                "created_at": time(created), "read_at": opt_time(read),
            }))
            .collect::<Vec<_>>(),
        "notification_settings": q::notification_choices(conn, account_id)?.into_iter()
            .map(|(kind, email)| json!({"kind": kind, "email": email}))
            .collect::<Vec<_>>(),
        "answers": invitations.into_iter()
            .map(|(id, dialogue, orgnr, status, answer, attendees, comment, answered, created)| json!({
                "invitation_id": id, "dialogue_id": dialogue, "orgnr": orgnr, "status": status,
                "answer": answer, "attendees": attendees, "comment": comment,
                "answered_at": opt_time(answered), "invited_at": time(created),
            }))
            .collect::<Vec<_>>(),
        "questions": q::questions_through(conn, &invitation_ids)?.into_iter()
            .map(|(dialogue, question, answer, asked, answered)| json!({
                "dialogue_id": dialogue, "question": question, "answer": answer,
                "asked_at": time(asked), "answered_at": opt_time(answered),
            }))
            .collect::<Vec<_>>(),
        "published_answers": q::answers_by(conn, account_id)?.into_iter()
            .map(|(dialogue, question, answer, answered)| json!({
                "dialogue_id": dialogue, "question": question, "answer": answer, "answered_at": opt_time(answered),
            }))
            .collect::<Vec<_>>(),
        "document_comments": q::comments_through(conn, &invitation_ids)?.into_iter()
            .map(|(document, version, section, text, created)| json!({
                "document_id": document, "version": version, "section": section, "text": text, "created_at": time(created),
            }))
            .collect::<Vec<_>>(),
        "emails": q::emails_to(conn, &account.email)?.into_iter()
            .map(|(kind, subject, message_id, sha256, status, queued, sent)| json!({
                "kind": kind, "to": account.email, "subject": subject, "message_id": message_id,
                "sha256": sha256, "status": status, "queued_at": time(queued), "sent_at": opt_time(sent),
            }))
            .collect::<Vec<_>>(),
        "needs_registered": q::needs_by(conn, account_id)?.into_iter()
            .map(|(id, title, created)| json!({"id": id, "title": title, "created_at": time(created)}))
            .collect::<Vec<_>>(),
        "processes_started": q::processes_by(conn, account_id)?.into_iter()
            .map(|(id, title, created)| json!({"id": id, "title": title, "created_at": time(created)}))
            .collect::<Vec<_>>(),
        "actions": q::audit_by(conn, account_id)?.into_iter()
            .map(|(entity, id, action, at)| json!({"entity": entity, "entity_id": id, "action": action, "at": time(at)}))
            .collect::<Vec<_>>(),
    }))
}

/// The caller's own data. Nobody can export another person's.
pub async fn export(ctx: &Context, caller: &Caller) -> AppResult<Value> {
    let id = caller.account_id.clone();
    ctx.db.run(move |conn| export_of(conn, &id)).await
}

/// Deletes the caller's account and its sessions, and erases the address from answers and from
/// the record of emails (keeping hashes and times). An owner must hand over ownership first.
pub async fn delete(ctx: &Context, caller: &Caller) -> AppResult<()> {
    let id = caller.account_id.clone();
    ctx.db
        .run(move |conn| {
            db::write_tx(conn, |conn| {
                let account = crate::db::accounts::find(conn, &id)?
                    .ok_or_else(|| AppError::unauthorized("this account no longer exists"))?;
                if account.role == "owner" {
                    return Err(AppError::conflict(
                        Some("role"),
                        "you own your organisation: hand ownership over to a colleague first (on the organisation page), then delete your account",
                    ));
                }
                q::erase_address(conn, &account.email, &placeholder(&account.email))?;
                crate::db::accounts::delete(conn, &id)?;
                Ok(())
            })
        })
        .await?;
    tracing::info!(account = %caller.account_id, "account deleted at its owner's request");
    Ok(())
}

/// Erases the addresses in answers to events of processes completed more than `months` ago.
/// Returns how many answers were erased.
pub fn erase_expired(conn: &mut DbConn, months: u32) -> Result<usize, AppError> {
    let before = db::now() - TimeDelta::days(i64::from(months) * 30);
    let expired = q::expired_answers(conn, before)?;
    db::write_tx(conn, |conn| {
        for (id, email) in &expired {
            q::erase_answer_contact(conn, id, &placeholder(email))?;
        }
        Ok::<_, AppError>(())
    })?;
    Ok(expired.len())
}
