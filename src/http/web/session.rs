//! Who is looking at a page: language, CSRF seed and the signed-in user from the session cookie.
//!
//! The session cookie holds 256 random bits; the database keeps their SHA-256, so signing out
//! (or a password change) ends the session on every node. Forms carry a CSRF token that is an
//! HMAC of a second, per-browser cookie, checked by [`Form`] before a handler sees the fields.

use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::{dev::Payload, web, FromRequest, HttpRequest, HttpResponse};
use futures_util::future::LocalBoxFuture;
use rand::RngCore;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use super::error::WebError;
use super::i18n;
use crate::app::Context;
use crate::caller::Caller;
use crate::db::organisations::OrganisationRow;
use crate::domain::Lang;
use crate::domain::Role;

/// The session cookie.
pub const SESSION_COOKIE: &str = "innolift_session";
/// The per-browser cookie that CSRF tokens are derived from.
pub const CSRF_COOKIE: &str = "innolift_csrf";
/// The chosen language.
pub const LANG_COOKIE: &str = "innolift_lang";
/// How long a session lasts.
pub const SESSION_HOURS: i64 = 12;

/// A signed-in user and their organisation.
#[derive(Debug, Clone)]
pub struct WebUser {
    /// The account, as the API's handlers see it.
    pub caller: Caller,
    /// The organisation; none for programme staff.
    pub organisation: Option<OrganisationRow>,
    /// Unread notifications, for the header.
    pub unread: i64,
}

impl WebUser {
    /// The organisation's kind: `buyer`, `supplier`, `cluster`, or `admin` for programme staff.
    pub fn kind(&self) -> &str {
        match &self.organisation {
            Some(o) => o.kind.as_str(),
            None => "admin",
        }
    }
}

/// The visitor of a page.
#[derive(Debug, Clone)]
pub struct Visitor {
    /// The interface language.
    pub lang: Lang,
    /// The signed-in user, if any.
    pub user: Option<WebUser>,
    /// Path and query of this page, for the language switch and sign-in redirects.
    pub path: String,
    /// True when the browser sent a session cookie that no longer signs anyone in (expired,
    /// signed out elsewhere, or ended by a password change or the owner).
    pub session_expired: bool,
    csrf_seed: String,
    new_seed: bool,
    secure: bool,
    csrf_token: String,
    /// The one-time message left by the last form (a key under `flash.`), shown once.
    pub flash: Option<String>,
    /// The OpenID Connect provider's name for the sign-in button, when one is configured.
    pub oidc_label: Option<String>,
    /// Whether sign-in and registration with a password are on.
    pub password_login: bool,
}

/// The cookie that carries a one-time message to the page after a redirect.
const FLASH_COOKIE: &str = "innolift_flash";

fn random_hex() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The stored form of a session id.
pub fn session_hash(id: &str) -> String {
    hex::encode(Sha256::digest(id.as_bytes()))
}

/// The language of a request: the switch's cookie, else `Accept-Language`, else Bokmål.
pub fn request_lang(req: &HttpRequest) -> Lang {
    req.cookie(LANG_COOKIE)
        .and_then(|c| i18n::parse_code(c.value()))
        .unwrap_or_else(|| {
            i18n::negotiate(
                req.headers()
                    .get(actix_web::http::header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or(""),
            )
        })
}

/// True when the page is served over HTTPS (directly, or as the public URL says).
pub fn is_secure(req: &HttpRequest, state: &Context) -> bool {
    // X-Forwarded-Proto counts only from a trusted proxy; anyone can send it.
    crate::http::extract::forwarded_https(req) || state.settings.public_url.starts_with("https://")
}

fn csrf_token(state: &Context, seed: &str) -> String {
    state.tokens.link_token("csrf", seed)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl Visitor {
    /// True when `sent` is the CSRF token of this browser's seed cookie: for multipart forms,
    /// whose token arrives as one of their parts rather than in a body `Form` can read.
    pub fn csrf_matches(&self, sent: &str) -> bool {
        !self.new_seed && constant_time_eq(sent.as_bytes(), self.csrf_token.as_bytes())
    }

    /// The CSRF token every form on this page must carry as `csrf`.
    pub fn csrf(&self) -> &str {
        &self.csrf_token
    }

    /// The user, or a redirect to the sign-in page that comes back here.
    pub fn require_user(&self) -> Result<&WebUser, WebError> {
        self.user.as_ref().ok_or_else(|| WebError::SignIn {
            next: self.path.clone(),
            expired: self.session_expired,
        })
    }

    /// The user, if they are programme staff; 403 otherwise.
    pub fn require_admin(&self) -> Result<&WebUser, WebError> {
        let user = self.require_user()?;
        if user.caller.role == Role::Admin {
            Ok(user)
        } else {
            Err(WebError::Forbidden)
        }
    }

    /// The user, if their organisation is of `kind`; 403 otherwise.
    pub fn require_kind(&self, kind: &str) -> Result<&WebUser, WebError> {
        let user = self.require_user()?;
        if user.kind() == kind {
            Ok(user)
        } else {
            Err(WebError::Forbidden)
        }
    }

    /// A cookie with the flags every cookie here gets.
    pub fn cookie(
        &self,
        name: &'static str,
        value: String,
        max_age: Option<i64>,
    ) -> Cookie<'static> {
        let mut c = Cookie::build(name, value)
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(self.secure)
            .finish();
        if let Some(seconds) = max_age {
            c.set_max_age(CookieDuration::seconds(seconds));
        }
        c
    }

    /// A cookie that shows the message `flash.{key}` once, on the next page.
    pub fn flash_cookie(&self, key: &'static str) -> Cookie<'static> {
        self.cookie(FLASH_COOKIE, key.to_owned(), Some(120))
    }

    /// Adds the cookies this visit needs (a new CSRF seed; the shown message gone) to a
    /// response.
    pub fn finish(&self, response: &mut HttpResponse) {
        if self.flash.is_some() {
            let mut gone = self.cookie(FLASH_COOKIE, String::new(), Some(0));
            gone.make_removal();
            if let Err(e) = response.add_cookie(&gone) {
                tracing::error!(error = %e, "cannot clear the message cookie");
            }
        }
        if self.new_seed {
            if let Err(e) =
                response.add_cookie(&self.cookie(CSRF_COOKIE, self.csrf_seed.clone(), None))
            {
                // The next form post then asks to reload the page; the visit itself goes on.
                tracing::error!(error = %e, "cannot set the CSRF cookie");
            }
        }
    }

    /// Starts a session for `account`: returns the session and fresh CSRF cookies to set. The
    /// CSRF seed is replaced so a token seen before sign-in is useless after it.
    pub async fn sign_in(
        &self,
        state: &Context,
        account: crate::db::accounts::AccountRow,
    ) -> Result<Vec<Cookie<'static>>, WebError> {
        let id = random_hex();
        let hash = session_hash(&id);
        crate::app::auth::start_session(state, hash, account, SESSION_HOURS).await?;
        Ok(vec![
            self.cookie(SESSION_COOKIE, id, Some(SESSION_HOURS * 3600)),
            self.cookie(CSRF_COOKIE, random_hex(), None),
        ])
    }

    /// Cookies that end the session in the browser (the caller deletes it in the database).
    pub fn sign_out_cookies(&self) -> Vec<Cookie<'static>> {
        let mut gone = self.cookie(SESSION_COOKIE, String::new(), Some(0));
        gone.make_removal();
        vec![gone, self.cookie(CSRF_COOKIE, random_hex(), None)]
    }
}

impl FromRequest for Visitor {
    type Error = WebError;
    type Future = LocalBoxFuture<'static, Result<Visitor, WebError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<Context>>().cloned();
        let lang = request_lang(req);
        let session = req.cookie(SESSION_COOKIE).map(|c| c.value().to_owned());
        let seed = req
            .cookie(CSRF_COOKIE)
            .map(|c| c.value().to_owned())
            .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()));
        let path = req
            .uri()
            .path_and_query()
            .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned());
        let secure = state.as_ref().is_some_and(|s| is_secure(req, s));
        // Only a known message is shown, so a forged cookie cannot put text on the page.
        let flash = req
            .cookie(FLASH_COOKIE)
            .map(|c| c.value().to_owned())
            .filter(|k| i18n::words().has(&format!("flash.{k}")));
        Box::pin(async move {
            let state = state.ok_or_else(|| WebError::Internal(anyhow::anyhow!("no state")))?;
            let had_session = session.is_some();
            let user = match session {
                Some(id) if id.len() == 64 => load_user(&state, session_hash(&id)).await?,
                _ => None,
            };
            let (csrf_seed, new_seed) = match seed {
                Some(s) => (s, false),
                None => (random_hex(), true),
            };
            Ok(Visitor {
                lang,
                session_expired: had_session && user.is_none(),
                user,
                path,
                csrf_token: csrf_token(&state, &csrf_seed),
                csrf_seed,
                new_seed,
                secure,
                flash,
                oidc_label: state.oidc.as_ref().map(|o| o.label().to_owned()),
                password_login: state.settings.password_login,
            })
        })
    }
}

async fn load_user(state: &Context, hash: String) -> Result<Option<WebUser>, WebError> {
    let Some((caller, organisation)) = crate::app::auth::session_caller(state, hash).await? else {
        return Ok(None);
    };
    let unread = crate::app::notifications::unread(state, &caller.account_id).await?;
    Ok(Some(WebUser {
        caller,
        organisation,
        unread,
    }))
}

/// The stored hash of this request's session, if it has a session cookie.
pub fn current_session_hash(req: &HttpRequest) -> Option<String> {
    req.cookie(SESSION_COOKIE).map(|c| session_hash(c.value()))
}

/// Ends the session behind this request's cookie, if any.
pub async fn end_session(state: &Context, req: &HttpRequest) -> Result<(), WebError> {
    if let Some(id) = req.cookie(SESSION_COOKIE).map(|c| c.value().to_owned()) {
        let hash = session_hash(&id);
        crate::app::auth::end_session(state, hash).await?;
    }
    Ok(())
}

/// True when the form body carries the CSRF token of the browser's seed cookie.
pub fn csrf_valid(state: &Context, seed: Option<&str>, body: &[u8]) -> bool {
    let sent = url::form_urlencoded::parse(body)
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    let expected = seed.map(|s| csrf_token(state, s)).unwrap_or_default();
    !expected.is_empty() && constant_time_eq(sent.as_bytes(), expected.as_bytes())
}

/// A posted form whose CSRF token has been checked. Repeated fields (checkboxes) become lists.
pub struct Form<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for Form<T> {
    type Error = WebError;
    type Future = LocalBoxFuture<'static, Result<Form<T>, WebError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<Context>>().cloned();
        let seed = req.cookie(CSRF_COOKIE).map(|c| c.value().to_owned());
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            let state = state.ok_or_else(|| WebError::Internal(anyhow::anyhow!("no state")))?;
            let body = body.await.map_err(|e| {
                if e.to_string().contains(crate::http::deadline::TIMED_OUT) {
                    WebError::TimedOut
                } else {
                    WebError::TooLarge
                }
            })?;
            if !csrf_valid(&state, seed.as_deref(), &body) {
                return Err(WebError::Csrf);
            }
            serde_html_form::from_bytes::<T>(&body)
                .map(Form)
                .map_err(|e| WebError::BadRequest(crate::error::clip_message(&e.to_string())))
        })
    }
}
