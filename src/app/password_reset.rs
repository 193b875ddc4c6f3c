//! Forgotten passwords: a single-use link by email, and setting a new password through it.
//!
//! The link's token is 256 random bits; only its SHA-256 is stored. A request never says whether
//! the address is known. Limits: at most [`PER_EMAIL`] links per account per hour (more requests
//! still answer as if sent, but send nothing), and [`PER_ADDRESS`] requests per client address
//! per [`ADDRESS_WINDOW`] (more answer 429, which says nothing about any account).

use std::time::Duration;

use super::Context;
use crate::db::password_resets::{self as q, PasswordResetRow};
use crate::db::{self, DbConn};
use crate::domain::{Email, Lang, Password};
use crate::error::AppError;

/// How long a reset link works.
pub const LINK_TTL: chrono::TimeDelta = chrono::TimeDelta::hours(1);
/// Links sent per account per hour; further requests send nothing.
pub const PER_EMAIL: i64 = 3;
/// Requests per client address per [`ADDRESS_WINDOW`]; further requests get 429.
pub const PER_ADDRESS: u32 = 10;
/// The window of [`PER_ADDRESS`].
pub const ADDRESS_WINDOW: Duration = Duration::from_secs(15 * 60);

/// A new random link token: 256 bits, hex.
pub fn new_token() -> String {
    let bytes: [u8; 32] = rand::random();
    hex::encode(bytes)
}

/// The message for a link that is unknown, used or expired.
fn bad_link() -> AppError {
    AppError::validation(
        "token",
        "this password reset link is used, expired or unknown; ask for a new link on the forgotten password page",
    )
}

fn queue_link(
    conn: &mut DbConn,
    settings: &crate::settings::Settings,
    email: &Email,
    lang: Lang,
) -> Result<bool, AppError> {
    let Some(account) = crate::db::accounts::find_by_email(conn, email.as_str())? else {
        return Ok(false);
    };
    let now = db::now();
    if q::count_since(conn, &account.id, now - chrono::TimeDelta::hours(1))? >= PER_EMAIL {
        tracing::warn!(user = %account.id, "password reset requests over the limit; nothing sent");
        return Ok(false);
    }
    let token = new_token();
    let message = super::account_mail::link_email(
        settings,
        "password_reset",
        &account,
        lang,
        "reset_url",
        format!("{}/password/reset/{token}", settings.public_url),
    )?;
    db::write_tx(conn, |conn| {
        q::insert(
            conn,
            &PasswordResetRow {
                token_hash: super::dialogues::token_hash(&token),
                account_id: account.id.clone(),
                created_at: now,
                expires_at: now + LINK_TTL,
                used_at: None,
            },
        )?;
        crate::db::dialogues::enqueue(conn, &message)?;
        Ok::<_, AppError>(())
    })?;
    tracing::info!(user = %account.id, "password reset link queued");
    Ok(true)
}

/// Asks for a reset link for `email`: queues it when the address is known and under its limit,
/// and answers the same either way. 429 only when the client address is over its limit.
pub async fn request(
    ctx: &Context,
    email: Email,
    lang: Lang,
    address: &str,
) -> Result<(), AppError> {
    let rules = vec![super::limits::Rule {
        key: format!("reset-from:{address}"),
        limit: PER_ADDRESS,
        window: ADDRESS_WINDOW,
        delay: None,
    }];
    if let Some(wait) = ctx
        .db
        .run(move |conn| super::limits::attempt(conn, &rules))
        .await?
    {
        return Err(super::limits::too_many(
            wait,
            "password reset requests from this address",
        ));
    }
    let settings = ctx.settings.clone();
    let queued = ctx
        .db
        .run(move |conn| queue_link(conn, &settings, &email, lang))
        .await?;
    if queued {
        ctx.mailer.notify();
    }
    Ok(())
}

/// True when `token` is a link that can still be used (for showing the form or the error).
pub async fn link_is_valid(ctx: &Context, token: &str) -> Result<bool, AppError> {
    let hash = super::dialogues::token_hash(token);
    ctx.db
        .run(move |conn| {
            Ok::<_, AppError>(
                q::find(conn, &hash)?
                    .is_some_and(|r| r.used_at.is_none() && r.expires_at > db::now()),
            )
        })
        .await
}

/// Sets a new password through a link: the link is used up, every other link of the account
/// voided, the security stamp replaced (so every token and session from before ends) and the
/// account's sessions deleted. Returns the account.
pub async fn confirm(
    ctx: &Context,
    token: &str,
    password: Password,
) -> Result<crate::db::accounts::AccountRow, AppError> {
    let hash = super::dialogues::token_hash(token);
    // Refuse a bad link before the slow hash, so guessing costs the server nothing.
    if !link_is_valid(ctx, token).await? {
        return Err(bad_link());
    }
    let new_hash = crate::domain::password::hash_blocking(password).await?;
    let account = ctx
        .db
        .run(move |conn| {
            db::write_tx(conn, |conn| {
                let row = q::find(conn, &hash)?.ok_or_else(bad_link)?;
                if !q::consume(conn, &hash)? {
                    return Err(bad_link());
                }
                q::void_for(conn, &row.account_id)?;
                crate::db::accounts::set_password(conn, &row.account_id, &new_hash, &db::new_id())?;
                crate::db::sessions::delete_for_account(conn, &row.account_id)?;
                crate::db::accounts::find(conn, &row.account_id)?
                    .ok_or_else(|| AppError::internal("the account vanished"))
            })
        })
        .await?;
    tracing::info!(user = %account.id, "password reset");
    Ok(account)
}
