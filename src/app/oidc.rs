//! Sign-in through an OpenID Connect provider such as ID-porten: who the verified person is to
//! innolift.
//!
//! - A subject seen before signs in to its linked account, whatever its email is now.
//! - A first sign-in with a verified email of an existing account links to that account.
//! - Anyone else registers: the registration form is tied to the identity by a one-time token,
//!   and the new account is linked to the subject.

use chrono::TimeDelta;

use super::Context;
use crate::auth::oidc::{Identity, OidcError};
use crate::db::accounts::AccountRow;
use crate::db::oidc::{self as q, IdentityRow, LoginRow};
use crate::db::{self, DbConn};
use crate::error::AppError;

/// How long a started sign-in may take.
const LOGIN_MINUTES: i64 = 15;

/// Why a sign-in failed: `kind` picks the words on the page, `detail` goes to the log.
#[derive(Debug)]
pub struct SignInError {
    /// `not_configured`, `state`, `provider`, `refused`, `invalid` or `account`.
    pub kind: &'static str,
    /// What exactly went wrong.
    pub detail: String,
}

impl SignInError {
    fn new(kind: &'static str, detail: impl Into<String>) -> SignInError {
        SignInError {
            kind,
            detail: detail.into(),
        }
    }
}

impl From<AppError> for SignInError {
    fn from(e: AppError) -> Self {
        SignInError::new("internal", e.to_string())
    }
}

impl From<diesel::result::Error> for SignInError {
    fn from(e: diesel::result::Error) -> Self {
        SignInError::from(AppError::from(e))
    }
}

impl From<crate::db::DbError> for SignInError {
    fn from(e: crate::db::DbError) -> Self {
        SignInError::from(AppError::from(e))
    }
}

impl From<OidcError> for SignInError {
    fn from(e: OidcError) -> Self {
        let kind = match e {
            OidcError::Provider(_) => "provider",
            OidcError::Refused(_) => "refused",
            OidcError::Invalid(_) => "invalid",
        };
        SignInError::new(kind, e.to_string())
    }
}

/// How a completed sign-in goes on.
// One is made per sign-in and never held in bulk, so its size does not matter.
#[allow(clippy::large_enum_variant)]
pub enum Outcome {
    /// The person has an account: sign in and go to `next`.
    SignedIn(AccountRow, Option<String>),
    /// A new person: register with this token, the provider's email and name.
    Register {
        /// The one-time token tying the registration to the identity.
        token: String,
        /// The email the provider gave, verified or not.
        email: Option<String>,
        /// The name it gave.
        name: Option<String>,
    },
}

/// Starts a sign-in: returns the provider's URL and the state for the browser's cookie.
pub async fn begin(ctx: &Context, next: Option<String>) -> Result<(String, String), SignInError> {
    let provider = ctx.oidc.as_ref().ok_or_else(|| {
        SignInError::new("not_configured", "no OpenID Connect provider is configured")
    })?;
    let started = provider.start().await?;
    let row = LoginRow {
        state_hash: super::dialogues::token_hash(&started.state),
        nonce: started.nonce,
        pkce_verifier: started.pkce_verifier,
        next_path: next,
        created_at: db::now(),
    };
    ctx.db
        .run(move |conn| {
            let before = db::now() - TimeDelta::minutes(LOGIN_MINUTES);
            q::start(conn, &row, before).map_err(AppError::from)
        })
        .await?;
    Ok((started.url, started.state))
}

/// Completes a sign-in when the browser returns with `code` and `state`. `browser_state` is the
/// state this browser was given at the start: a callback from elsewhere is refused.
pub async fn complete(
    ctx: &Context,
    browser_state: Option<&str>,
    state: &str,
    code: &str,
) -> Result<Outcome, SignInError> {
    let provider = ctx.oidc.as_ref().ok_or_else(|| {
        SignInError::new("not_configured", "no OpenID Connect provider is configured")
    })?;
    let same_browser = browser_state.is_some_and(|b| {
        b.len() == state.len()
            && b.bytes()
                .zip(state.bytes())
                .fold(0u8, |acc, (x, y)| acc | (x ^ y))
                == 0
    });
    if !same_browser {
        return Err(SignInError::new(
            "state",
            "the state does not match this browser's sign-in",
        ));
    }
    let hash = super::dialogues::token_hash(state);
    let login = ctx
        .db
        .run(move |conn| q::take(conn, &hash).map_err(AppError::from))
        .await?
        .ok_or_else(|| SignInError::new("state", "the state is unknown or was used"))?;
    if login.created_at < db::now() - TimeDelta::minutes(LOGIN_MINUTES) {
        return Err(SignInError::new(
            "state",
            "the sign-in was started too long ago",
        ));
    }
    let identity = provider
        .finish(code, &login.pkce_verifier, &login.nonce)
        .await?;
    let next = login.next_path;
    ctx.db
        .run(move |conn| db::write_tx(conn, |conn| settle(conn, &identity, next)))
        .await
}

/// Finds or links the account of a verified identity, or prepares its registration.
fn settle(
    conn: &mut DbConn,
    identity: &Identity,
    next: Option<String>,
) -> Result<Outcome, SignInError> {
    let now = db::now();
    let known = q::find(conn, &identity.issuer, &identity.subject).map_err(AppError::from)?;
    let linked = match known.as_ref().and_then(|k| k.account_id.clone()) {
        Some(id) => crate::db::accounts::find(conn, &id).map_err(AppError::from)?,
        None => match identity
            .email
            .as_deref()
            .filter(|_| identity.email_verified)
        {
            Some(email) => crate::db::accounts::find_by_email(conn, &email.to_lowercase())
                .map_err(AppError::from)?,
            None => None,
        },
    };
    let mut row = known.unwrap_or(IdentityRow {
        issuer: identity.issuer.clone(),
        subject: identity.subject.clone(),
        account_id: None,
        email: None,
        email_verified: false,
        name: None,
        pending_token_hash: None,
        created_at: now,
        last_sign_in_at: now,
    });
    row.email = identity.email.clone();
    row.email_verified = identity.email_verified;
    row.name = identity.name.clone();
    row.last_sign_in_at = now;
    match linked {
        Some(account) if account.removed_at.is_some() => Err(SignInError::new(
            "account",
            "the account was removed from its organisation",
        )),
        Some(account) => {
            row.account_id = Some(account.id.clone());
            row.pending_token_hash = None;
            q::save(conn, &row).map_err(AppError::from)?;
            Ok(Outcome::SignedIn(account, next))
        }
        None => {
            let token = super::password_reset::new_token();
            row.pending_token_hash = Some(super::dialogues::token_hash(&token));
            q::save(conn, &row).map_err(AppError::from)?;
            Ok(Outcome::Register {
                token,
                email: identity.email.clone(),
                name: identity.name.clone(),
            })
        }
    }
}

/// The identity waiting to register with this token, if any.
pub fn pending(conn: &mut DbConn, token: &str) -> Result<Option<IdentityRow>, AppError> {
    Ok(q::find_pending(conn, &super::dialogues::token_hash(token))?)
}

/// Links a newly registered account to the identity that waited with this token.
pub fn link(conn: &mut DbConn, token: &str, account_id: &str) -> Result<(), AppError> {
    let mut row = pending(conn, token)?.ok_or_else(|| {
        AppError::validation(
            "oidc",
            "this sign-in has already been used to register; sign in again",
        )
    })?;
    row.account_id = Some(account_id.to_owned());
    row.pending_token_hash = None;
    q::save(conn, &row)?;
    Ok(())
}

/// The identity waiting to register with this token (off the executor).
pub async fn pending_identity(ctx: &Context, token: &str) -> Result<Option<IdentityRow>, AppError> {
    let token = token.to_owned();
    ctx.db.run(move |conn| pending(conn, &token)).await
}

/// Links a new account to the identity that waited with this token (off the executor).
pub async fn link_identity(ctx: &Context, token: &str, account_id: &str) -> Result<(), AppError> {
    let (token, id) = (token.to_owned(), account_id.to_owned());
    ctx.db
        .run(move |conn| db::write_tx(conn, |conn| link(conn, &token, &id)))
        .await
}
