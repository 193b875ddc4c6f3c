//! Sign-in with ID-porten or another OpenID Connect provider, in the browser:
//! `/login/oidc` sends the visitor to the provider, `/login/oidc/callback` takes them back.
//!
//! The state is kept in a cookie as well as in the database, so that a callback opened in
//! another browser (a login CSRF) is refused.

use actix_web::{web, HttpRequest, HttpResponse};
use minijinja::context;
use serde::Deserialize;

use super::error::WebError;
use super::forms::local_path;
use super::i18n;
use super::render::{self, see_other};
use super::session::Visitor;
use crate::app::oidc::{self, Outcome, SignInError};
use crate::app::Context;

/// The cookie with the state of the sign-in in flight.
const STATE_COOKIE: &str = "innolift_oidc_state";
/// The cookie tying the registration form to a verified identity without an account yet.
pub const PENDING_COOKIE: &str = "innolift_oidc_pending";

/// Page routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/login/oidc", web::get().to(start))
        .route("/login/oidc/callback", web::get().to(callback));
}

/// `?next=` on the start.
#[derive(Debug, Deserialize)]
pub struct StartQuery {
    pub next: Option<String>,
}

/// What the provider sends back.
#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
}

fn failed(v: &Visitor, e: SignInError) -> Result<HttpResponse, WebError> {
    tracing::warn!(kind = e.kind, detail = %e.detail, "sign-in with OpenID Connect failed");
    let words = i18n::words();
    let mut response = render::page(
        v,
        actix_web::http::StatusCode::BAD_REQUEST,
        "message.html",
        context! {
            title => words.get(v.lang, "oidc.failed_title"),
            paragraphs => vec![words.get(v.lang, &format!("oidc.failed.{}", e.kind)).to_owned()],
            link => context! { href => "/login", text => words.get(v.lang, "oidc.try_again") },
        },
    )?;
    let mut gone = v.cookie(STATE_COOKIE, String::new(), Some(0));
    gone.make_removal();
    response
        .add_cookie(&gone)
        .map_err(|e| WebError::Internal(anyhow::anyhow!("{e}")))?;
    Ok(response)
}

/// Sends the visitor to the provider, with a fresh state, nonce and PKCE challenge.
pub async fn start(
    state: web::Data<Context>,
    v: Visitor,
    q: web::Query<StartQuery>,
) -> Result<HttpResponse, WebError> {
    let next = local_path(q.next.as_deref()).map(str::to_owned);
    match oidc::begin(&state, next).await {
        Ok((url, oidc_state)) => render::with_cookies(
            see_other(&url),
            &[v.cookie(STATE_COOKIE, oidc_state, Some(15 * 60))],
        ),
        Err(e) => failed(&v, e),
    }
}

/// Takes the visitor back: signs in to the linked account, or goes on to registration.
pub async fn callback(
    state: web::Data<Context>,
    v: Visitor,
    req: HttpRequest,
    q: web::Query<CallbackQuery>,
) -> Result<HttpResponse, WebError> {
    if let Some(error) = &q.error {
        let kind = if error == "access_denied" {
            "cancelled"
        } else {
            "refused"
        };
        return failed(
            &v,
            SignInError {
                kind,
                detail: format!("the provider answered {error}"),
            },
        );
    }
    let (Some(code), Some(oidc_state)) = (q.code.as_deref(), q.state.as_deref()) else {
        return failed(
            &v,
            SignInError {
                kind: "state",
                detail: "the callback has no code or state".to_owned(),
            },
        );
    };
    let browser = req.cookie(STATE_COOKIE).map(|c| c.value().to_owned());
    let outcome = match oidc::complete(&state, browser.as_deref(), oidc_state, code).await {
        Ok(o) => o,
        Err(e) => return failed(&v, e),
    };
    let mut gone = v.cookie(STATE_COOKIE, String::new(), Some(0));
    gone.make_removal();
    match outcome {
        Outcome::SignedIn(account, next) => {
            let mut cookies = v.sign_in(&state, account).await?;
            cookies.push(gone);
            let next = next.unwrap_or_else(|| "/dashboard".to_owned());
            render::with_cookies(see_other(&next), &cookies)
        }
        Outcome::Register { token, .. } => render::with_cookies(
            see_other("/register"),
            &[gone, v.cookie(PENDING_COOKIE, token, Some(30 * 60))],
        ),
    }
}
