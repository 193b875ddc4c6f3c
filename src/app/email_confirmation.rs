//! Confirming an account's email address: a link is sent at registration, and until it is
//! opened the account cannot send invitations, and nothing is sent to the address: no dialogue
//! invitations to its organisation and no notifications. Otherwise anyone could register with
//! someone else's address and make innolift mail them in a public buyer's name.
//!
//! The link's token is 256 random bits; only its SHA-256 is stored, and a new link voids the
//! one before.

use super::Context;
use crate::caller::Caller;
use crate::db::accounts::{self as q, AccountRow};
use crate::db::{self, DbConn};
use crate::domain::Lang;
use crate::error::{AppError, AppResult};
use crate::settings::Settings;

/// How long a confirmation link works.
pub const LINK_TTL: chrono::TimeDelta = chrono::TimeDelta::days(7);
/// The least time between two links to one account.
pub const RESEND_INTERVAL: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

fn bad_link() -> AppError {
    AppError::validation(
        "token",
        "this confirmation link is used, expired or unknown; sign in and ask for a new link on your account page",
    )
}

/// Writes a new link for `account` and queues the email with it, in one transaction. The caller
/// wakes the mailer.
pub fn queue(
    conn: &mut DbConn,
    settings: &Settings,
    account: &AccountRow,
    lang: Lang,
) -> Result<(), AppError> {
    let token = super::password_reset::new_token();
    let message = super::account_mail::link_email(
        settings,
        "email_confirmation",
        account,
        lang,
        "confirm_url",
        format!("{}/confirm-email/{token}", settings.public_url),
    )?;
    let now = db::now();
    db::write_tx(conn, |conn| {
        q::set_confirm_token(
            conn,
            &account.id,
            &super::dialogues::token_hash(&token),
            now,
        )?;
        crate::db::dialogues::enqueue(conn, &message)?;
        Ok::<_, AppError>(())
    })?;
    tracing::info!(user = %account.id, "email confirmation link queued");
    Ok(())
}

/// Confirms the address of the account whose link this is. Opening a link twice is not an
/// error once it has worked: the answer is the account, already confirmed.
pub async fn confirm(ctx: &Context, token: &str) -> AppResult<AccountRow> {
    let hash = super::dialogues::token_hash(token);
    let account = ctx
        .db
        .run(move |conn| {
            db::write_tx(conn, |conn| {
                let account = q::find_by_confirm_token(conn, &hash)?.ok_or_else(bad_link)?;
                let fresh = account
                    .email_confirm_sent_at
                    .is_some_and(|sent| sent + LINK_TTL > db::now());
                if !fresh {
                    return Err(bad_link());
                }
                q::confirm_email(conn, &account.id, db::now())?;
                q::find(conn, &account.id)?.ok_or_else(bad_link)
            })
        })
        .await?;
    tracing::info!(user = %account.id, "email address confirmed");
    Ok(account)
}

/// Sends the caller a new link: 409 when the address is confirmed, 429 within
/// [`RESEND_INTERVAL`] of the last link.
pub async fn resend(ctx: &Context, caller: &Caller, lang: Lang) -> AppResult<()> {
    let id = caller.account_id.clone();
    let settings = ctx.settings.clone();
    ctx.db
        .run(move |conn| {
            let account = q::find(conn, &id)?
                .ok_or_else(|| AppError::unauthorized("this account no longer exists"))?;
            if account.email_confirmed_at.is_some() {
                return Err(AppError::conflict(
                    None,
                    "your email address is confirmed already",
                ));
            }
            if let Some(sent) = account.email_confirm_sent_at {
                let wait = sent + RESEND_INTERVAL - db::now();
                if wait > chrono::TimeDelta::zero() {
                    let retry_after = wait.num_seconds().max(1) as u64;
                    return Err(AppError::TooManyRequests {
                        retry_after,
                        message: format!(
                            "a confirmation link was sent a moment ago; look in your inbox, or wait {retry_after} seconds and ask again"
                        ),
                    });
                }
            }
            queue(conn, &settings, &account, lang)
        })
        .await?;
    ctx.mailer.notify();
    Ok(())
}

/// Refuses an account whose address is not confirmed what sends email in its organisation's
/// name. The caller is loaded from the database on every request, so its flag is current.
/// Administrators were vouched for by the operator and are confirmed when made.
pub fn require_confirmed(caller: &Caller, action: &str) -> Result<(), AppError> {
    if !caller.email_confirmed {
        return Err(AppError::forbidden(format!(
            "confirm your email address before you {action}: open the link we sent to {}, or ask for a new one on your account page",
            caller.email
        )));
    }
    Ok(())
}
