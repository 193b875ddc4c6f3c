//! Signing in: checking a password against the limits, and turning a token into a [`Caller`].
//! Both front doors use these, so the API and the sign-in page share one set of rules.

use crate::app::Context;
use crate::auth::tokens::TokenError;
use crate::caller::Caller;
use crate::db::accounts::AccountRow;
use crate::db::organisations::OrganisationRow;
use crate::error::AppError;

/// Counts a password attempt in the database, or refuses with 429 when a limit is reached.
pub async fn begin_attempt(state: &Context, email: &str, address: &str) -> Result<(), AppError> {
    let s = &state.settings;
    let rules = super::limits::sign_in_rules(
        email,
        address,
        s.login_max_failures_per_account,
        s.login_max_failures_per_address,
        s.login_window,
    );
    match state
        .db
        .run(move |conn| super::limits::attempt(conn, &rules))
        .await?
    {
        Some(wait) => Err(super::limits::too_many(wait, "failed attempts")),
        None => Ok(()),
    }
}

/// Uncounts an attempt that had the right password.
async fn attempt_succeeded(state: &Context, email: &str, address: &str) -> Result<(), AppError> {
    let (email, address) = (email.to_owned(), address.to_owned());
    state
        .db
        .run(move |conn| super::limits::sign_in_succeeded(conn, &email, &address))
        .await
}

/// Checks an email and password, for the API and the sign-in page alike: the attempt counts
/// against the limits first (429 when reached), and an unknown email is checked against a dummy
/// hash, so it takes as long as a wrong password (401).
pub async fn check_password(
    state: &Context,
    email: &crate::domain::Email,
    password: String,
    address: &str,
) -> Result<AccountRow, AppError> {
    begin_attempt(state, email.as_str(), address).await?;
    let lookup = email.clone();
    let account = state
        .db
        .run(move |conn| {
            crate::db::accounts::find_by_email(conn, lookup.as_str()).map_err(AppError::from)
        })
        .await?;
    let hash = account.as_ref().map_or_else(
        || crate::domain::password::dummy_hash().to_owned(),
        |a| a.password_hash.clone(),
    );
    let valid = crate::domain::password::verify_blocking(password, hash).await?;
    let Some(account) = account.filter(|_| valid) else {
        tracing::warn!(%address, "failed sign-in");
        return Err(AppError::unauthorized("wrong email or password"));
    };
    attempt_succeeded(state, email.as_str(), address).await?;
    if is_detached(&account) {
        return Err(AppError::forbidden(
            "this account no longer belongs to an organisation; ask an owner to invite you again",
        ));
    }
    Ok(account)
}

/// True for an account its owner removed from the organisation: it may no longer sign in, and
/// its sessions and tokens count as none.
pub fn is_detached(account: &AccountRow) -> bool {
    account.removed_at.is_some()
}

/// Verifies a token and loads its account.
pub async fn authenticate(state: &Context, token: String) -> Result<Caller, AppError> {
    let keys = state.tokens.clone();
    state
        .db
        .run(move |conn| {
            let account = keys
                .verify(&token, |id| {
                    crate::db::accounts::find(conn, id).map_err(|e| anyhow::anyhow!(e))
                })
                .map_err(|e| match e {
                    TokenError::Invalid => AppError::unauthorized(e.to_string()),
                    TokenError::Lookup(inner) => AppError::Internal(inner),
                })?;
            if is_detached(&account) {
                return Err(AppError::unauthorized(
                    "this account no longer belongs to an organisation",
                ));
            }
            Caller::of_account(&account)
        })
        .await
}

/// Changes the caller's password once the current one is checked, and returns a new token; every
/// token issued before stops working. The check counts against the sign-in limits, so a stolen
/// token cannot become a way to guess the password.
pub async fn change_password(
    state: &Context,
    caller: &Caller,
    current: String,
    new: crate::domain::Password,
    address: &str,
) -> Result<(String, chrono::DateTime<chrono::Utc>), AppError> {
    let account = replace_password(state, caller, current, new, address).await?;
    Ok(state.tokens.issue(&account)?)
}

/// Changes the caller's password once the current one is checked, as [`change_password`], and
/// returns the account with its new stamp (for the pages, which start a new session with it).
pub async fn replace_password(
    state: &Context,
    caller: &Caller,
    current: String,
    new: crate::domain::Password,
    address: &str,
) -> Result<AccountRow, AppError> {
    begin_attempt(state, &caller.email, address).await?;
    let id = caller.account_id.clone();
    let account = state
        .db
        .run(move |conn| crate::db::accounts::find(conn, &id).map_err(AppError::from))
        .await?
        .ok_or_else(|| AppError::unauthorized("this account no longer exists"))?;
    if !crate::domain::password::verify_blocking(current, account.password_hash.clone()).await? {
        return Err(AppError::invalid(
            "current_password",
            crate::domain::Problem::Mismatch,
            "current_password is wrong",
        ));
    }
    attempt_succeeded(state, &caller.email, address).await?;
    let new_hash = crate::domain::password::hash_blocking(new).await?;
    let id = caller.account_id.clone();
    let account = state
        .db
        .run(move |conn| super::accounts::set_password(conn, &id, &new_hash))
        .await?;
    tracing::info!(user = %account.id, "password changed");
    Ok(account)
}

/// Ends every other session and every token of the caller, keeping the session `keep` (the
/// hash of the current one): the security stamp is replaced and `keep` carries the new one.
/// Returns how many other sessions ended.
pub async fn end_other_sessions(
    state: &Context,
    caller: &Caller,
    keep: String,
) -> Result<usize, AppError> {
    let id = caller.account_id.clone();
    let ended = state
        .db
        .run(move |conn| {
            crate::db::write_tx(conn, |conn| {
                let stamp = crate::db::new_id();
                crate::db::accounts::set_stamp(conn, &id, &stamp)?;
                crate::db::sessions::keep_only(conn, &id, &keep, &stamp)
            })
            .map_err(AppError::from)
        })
        .await?;
    tracing::info!(user = %caller.account_id, ended, "other sessions ended");
    Ok(ended)
}

/// Records a sign-in session of the pages under the hash of its secret, for `hours`. Expired
/// sessions are cleared on the way.
pub async fn start_session(
    state: &Context,
    session_hash: String,
    account: AccountRow,
    hours: i64,
) -> Result<(), AppError> {
    let expires = crate::db::now() + chrono::Duration::hours(hours);
    state
        .db
        .run(move |conn| {
            crate::db::sessions::purge_expired(conn)?;
            crate::db::sessions::insert(conn, &session_hash, &account, expires)?;
            Ok(())
        })
        .await
}

/// The caller behind a live session, with their organisation; `None` when the session is
/// unknown or expired.
pub async fn session_caller(
    state: &Context,
    session_hash: String,
) -> Result<Option<(Caller, Option<OrganisationRow>)>, AppError> {
    state
        .db
        .run(move |conn| {
            let Some(account) =
                crate::db::sessions::account(conn, &session_hash)?.filter(|a| !is_detached(a))
            else {
                return Ok(None);
            };
            let organisation = match &account.organisation_id {
                Some(id) => Some(super::organisations::get(conn, id)?),
                None => None,
            };
            Ok(Some((Caller::of_account(&account)?, organisation)))
        })
        .await
}

/// Ends a session of the pages.
pub async fn end_session(state: &Context, session_hash: String) -> Result<(), AppError> {
    state
        .db
        .run(move |conn| crate::db::sessions::delete(conn, &session_hash).map_err(AppError::from))
        .await
}
