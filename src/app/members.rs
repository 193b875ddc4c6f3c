//! The people of an organisation, as its owner manages them: invitations by emailed link,
//! removing a user (which ends their sessions and tokens at once) and handing over ownership.
//!
//! An invitation link carries 256 random bits, stored as their SHA-256; it works once (the
//! invitation is deleted on registration) and for [`INVITE_TTL`]. Inviting the same address
//! again replaces the link.

use super::organisations::{self as orgs, InviteView, UserView};
use super::Context;
use crate::caller::Caller;
use crate::db::accounts::{self as q, InviteRow};
use crate::db::dialogues::OutboxRow;
use crate::db::organisations::OrganisationRow;
use crate::db::{self, DbConn};
use crate::domain::{Email, Lang, Role};
use crate::error::{AppError, AppResult};
use crate::mail;
use crate::settings::Settings;

/// How long an invitation link works.
pub const INVITE_TTL: chrono::TimeDelta = chrono::TimeDelta::days(14);

fn local_time(t: chrono::NaiveDateTime, lang: Lang) -> String {
    use chrono::TimeZone;
    let local = chrono_tz::Europe::Oslo.from_utc_datetime(&t);
    match lang {
        Lang::Nb => local.format("%d.%m.%Y kl. %H.%M").to_string(),
        Lang::En => local.format("%-d %b %Y, %H:%M").to_string(),
    }
}

fn invite_user(
    conn: &mut DbConn,
    settings: &Settings,
    caller: &Caller,
    organisation_id: &str,
    email: &Email,
    lang: Lang,
) -> Result<(InviteRow, bool), AppError> {
    orgs::retry_on_conflict(|| {
        db::write_tx(conn, |conn| {
            let organisation = orgs::get(conn, organisation_id)?;
            crate::app::audit::require_owner_recorded(
                conn,
                caller,
                organisation_id,
                "invite_colleague",
            )?;
            orgs::require_approved(conn, caller, "email invitations to colleagues")?;
            super::email_confirmation::require_confirmed(
                caller,
                "email invitations to colleagues",
            )?;
            if let Some(existing) = q::find_by_email(conn, email.as_str())? {
                let message = if existing.removed_at.is_some() {
                    "this address belongs to a user removed from an organisation; invite another address"
                } else if existing.organisation_id.as_deref() == Some(organisation_id) {
                    "this person already has an account in your organisation"
                } else {
                    "this email already has an account in innolift; ask for another address"
                };
                return Err(AppError::conflict(Some("email"), message));
            }
            let token = super::password_reset::new_token();
            let now = db::now();
            let row = InviteRow {
                organisation_id: organisation_id.to_owned(),
                email: email.as_str().to_owned(),
                invited_by: caller.account_id.clone(),
                created_at: now,
                token_hash: Some(super::dialogues::token_hash(&token)),
                expires_at: Some(now + INVITE_TTL),
            };
            let created = q::insert_invite(conn, &row)?;
            let outbox_id = db::new_id();
            let message_id = format!(
                "<colleague-invite-{outbox_id}@{}>",
                super::dialogues::host(settings)
            );
            let rendered = mail::render_template(
                "colleague_invite",
                lang,
                &settings.mail_from,
                email.as_str(),
                &message_id,
                &[
                    ("inviter", caller.name.clone()),
                    ("organisation", organisation.name.clone()),
                    ("expires", local_time(now + INVITE_TTL, lang)),
                    (
                        "register_url",
                        format!("{}/register?invite={token}", settings.public_url),
                    ),
                ],
            )
            .map_err(AppError::Internal)?;
            crate::db::dialogues::enqueue(
                conn,
                &OutboxRow::queued(
                    outbox_id,
                    "colleague_invite",
                    None,
                    None,
                    email.as_str(),
                    message_id,
                    rendered,
                ),
            )?;
            Ok((row, created))
        })
    })
}

/// Invites a colleague to register into the organisation (its owner) and emails them the
/// link; true when the invitation is new (a repeat replaces the link and sends it again).
pub async fn invite(
    ctx: &Context,
    caller: &Caller,
    organisation_id: &str,
    email: Email,
    lang: Lang,
) -> AppResult<(InviteView, bool)> {
    let (caller, id, settings) = (
        caller.clone(),
        organisation_id.to_owned(),
        ctx.settings.clone(),
    );
    let (invite, created) = ctx
        .db
        .run(move |conn| invite_user(conn, &settings, &caller, &id, &email, lang))
        .await?;
    ctx.mailer.notify();
    tracing::info!(organisation = %invite.organisation_id, "colleague invited");
    Ok((InviteView::from(&invite), created))
}

/// The invited address and the organisation behind a link that still works.
pub async fn by_link(ctx: &Context, token: &str) -> AppResult<Option<(String, OrganisationRow)>> {
    let hash = super::dialogues::token_hash(token);
    ctx.db
        .run(move |conn| {
            let Some(invite) = q::invite_by_token(conn, &hash)? else {
                return Ok(None);
            };
            let organisation = orgs::get(conn, &invite.organisation_id)?;
            Ok(Some((invite.email, organisation)))
        })
        .await
}

fn colleague(
    conn: &mut DbConn,
    caller: &Caller,
    organisation_id: &str,
    account_id: &str,
) -> Result<crate::db::accounts::AccountRow, AppError> {
    orgs::get(conn, organisation_id)?;
    crate::app::audit::require_owner_recorded(conn, caller, organisation_id, "change_colleague")?;
    let account = q::find(conn, account_id)?
        .filter(|a| a.organisation_id.as_deref() == Some(organisation_id) && a.removed_at.is_none())
        .ok_or_else(|| AppError::not_found("no user with this id in the organisation"))?;
    if account.id == caller.account_id {
        return Err(AppError::conflict(
            None,
            "you cannot do this to yourself; hand ownership to another user first",
        ));
    }
    Ok(account)
}

/// Removes a user from the organisation (its owner): the account is marked removed (it leaves
/// the organisation's users and can no longer sign in), its security stamp is replaced and its
/// sessions are deleted, so its tokens and sessions end at once.
pub async fn remove(
    ctx: &Context,
    caller: &Caller,
    organisation_id: &str,
    account_id: &str,
) -> AppResult<()> {
    let (caller, org, id) = (
        caller.clone(),
        organisation_id.to_owned(),
        account_id.to_owned(),
    );
    ctx.db
        .run(move |conn| {
            db::write_tx(conn, |conn| {
                let account = colleague(conn, &caller, &org, &id)?;
                q::mark_removed(conn, &account.id, &db::new_id())?;
                crate::db::sessions::delete_for_account(conn, &account.id)?;
                Ok::<_, AppError>(())
            })
        })
        .await?;
    tracing::info!(user = %account_id, organisation = %organisation_id, "user removed from organisation");
    Ok(())
}

/// Hands ownership to another user of the organisation (its owner); the owners before become
/// members.
pub async fn hand_over(
    ctx: &Context,
    caller: &Caller,
    organisation_id: &str,
    account_id: &str,
) -> AppResult<()> {
    let (caller, org, id) = (
        caller.clone(),
        organisation_id.to_owned(),
        account_id.to_owned(),
    );
    ctx.db
        .run(move |conn| {
            db::write_tx(conn, |conn| {
                let account = colleague(conn, &caller, &org, &id)?;
                for owner in q::in_organisation(conn, &org)? {
                    if owner.role == Role::Owner.as_str() {
                        q::set_role(conn, &owner.id, Role::Member.as_str())?;
                    }
                }
                q::set_role(conn, &account.id, Role::Owner.as_str())?;
                Ok::<_, AppError>(())
            })
        })
        .await?;
    tracing::info!(user = %account_id, organisation = %organisation_id, "ownership handed over");
    Ok(())
}

/// What the owner's page shows.
#[derive(Debug)]
pub struct OwnerPage {
    /// The organisation.
    pub organisation: OrganisationRow,
    /// Its users, owners first.
    pub users: Vec<UserView>,
    /// Invitations not yet used.
    pub invites: Vec<InviteView>,
    /// Suppliers: clusters asking it to become a member, awaiting the owner's answer.
    pub cluster_requests: Vec<super::organisations::OrganisationSummary>,
    /// Suppliers: clusters it is a member of.
    pub clusters: Vec<super::organisations::OrganisationSummary>,
}

/// The owner's page of the caller's organisation; 403 for anyone but its owner.
pub async fn owner_page(ctx: &Context, caller: &Caller) -> AppResult<OwnerPage> {
    let caller = caller.clone();
    ctx.db
        .run(move |conn| {
            let id = caller
                .organisation_id()
                .ok_or_else(|| AppError::forbidden("you belong to no organisation"))?
                .to_owned();
            if !caller.owns(&id) {
                return Err(AppError::forbidden(
                    "only the organisation's owner can do this; ask your owner",
                ));
            }
            let organisation = orgs::get(conn, &id)?;
            let (users, invites) = orgs::users(conn, &caller, &id)?;
            let cluster_requests = crate::db::organisations::cluster_requests(conn, &id)?
                .iter()
                .map(Into::into)
                .collect();
            let clusters = crate::db::organisations::clusters_of(conn, &id)?
                .iter()
                .map(Into::into)
                .collect();
            Ok(OwnerPage {
                organisation,
                users: users.iter().map(Into::into).collect(),
                invites: invites.iter().map(Into::into).collect(),
                cluster_requests,
                clusters,
            })
        })
        .await
}
