//! Register, sign in, sign out and the language switch.

use std::collections::BTreeMap;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use minijinja::context;
use serde::Deserialize;

use super::error::WebError;
use super::forms::{form_errors, local_path, options};
use super::render::{self, see_other};
use super::session::{self, Form, Visitor};
use crate::app::accounts::{self, Registration};
use crate::app::accounts::{NewOrganisation, OrganisationInput};
use crate::app::Context;
use crate::domain::password::hash_blocking;
use crate::domain::{self, Email, Password};
use crate::error::{all_valid, AppError};

/// `?next=` on the sign-in page, and why the visitor was sent there.
#[derive(Debug, Deserialize)]
pub struct NextQuery {
    pub next: Option<String>,
    /// Set when a session had ended.
    pub expired: Option<String>,
    /// Set after a new password was chosen through a reset link.
    pub reset: Option<String>,
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    pub email: Option<String>,
    pub password: Option<String>,
    pub next: Option<String>,
}

fn login_page(
    v: &Visitor,
    status: actix_web::http::StatusCode,
    email: &str,
    next: &str,
    error: Option<String>,
    notice: Option<String>,
) -> Result<HttpResponse, WebError> {
    render::page(
        v,
        status,
        "login.html",
        context! {
            email => email, next => next, error => error, notice => notice,
            oidc_href => format!(
                "/login/oidc?{}",
                url::form_urlencoded::Serializer::new(String::new()).append_pair("next", next).finish()
            ),
        },
    )
}

/// The sign-in page; it says why the visitor is here when a session ended or a password was
/// just reset.
pub async fn login_form(v: Visitor, q: web::Query<NextQuery>) -> Result<HttpResponse, WebError> {
    let next = local_path(q.next.as_deref()).unwrap_or("/dashboard");
    if v.user.is_some() {
        return Ok(see_other(next));
    }
    let words = super::i18n::words();
    let notice = if q.reset.is_some() {
        Some(words.get(v.lang, "signin.after_reset").to_owned())
    } else if q.expired.is_some() {
        Some(words.get(v.lang, "signin.expired").to_owned())
    } else {
        None
    };
    login_page(&v, actix_web::http::StatusCode::OK, "", next, None, notice)
}

/// When a locked-out visitor may try again, as the clock shows it in Norway: `17.05` in Bokmål,
/// `17:05` in English, rounded up to the minute so that it is never too early.
pub fn retry_time(lang: super::i18n::Lang, wait_seconds: u64) -> String {
    use chrono::{TimeZone, Timelike};
    let at = chrono::Utc::now() + chrono::TimeDelta::seconds(wait_seconds as i64 + 59);
    let at = at.with_second(0).unwrap_or(at);
    let local = chrono_tz::Europe::Oslo.from_utc_datetime(&at.naive_utc());
    match lang {
        super::i18n::Lang::Nb => local.format("%H.%M").to_string(),
        super::i18n::Lang::En => local.format("%H:%M").to_string(),
    }
}

/// Signs in: checks the password as the API does (same limits), then starts a session.
pub async fn login(
    state: web::Data<Context>,
    v: Visitor,
    req: HttpRequest,
    Form(f): Form<LoginForm>,
) -> Result<HttpResponse, WebError> {
    if !v.password_login {
        return password_off(&v);
    }
    let words = super::i18n::words();
    let next = local_path(f.next.as_deref())
        .unwrap_or("/dashboard")
        .to_owned();
    let raw_email = f.email.unwrap_or_default();
    let bad = |v: &Visitor| {
        login_page(
            v,
            actix_web::http::StatusCode::UNAUTHORIZED,
            &raw_email,
            &next,
            Some(words.get(v.lang, "account.login_failed").to_owned()),
            None,
        )
    };
    let Ok(email) = Email::parse(&raw_email) else {
        return bad(&v);
    };
    let address = crate::http::extract::client_address(&req);
    let account = match crate::app::auth::check_password(
        &state,
        &email,
        f.password.unwrap_or_default(),
        &address,
    )
    .await
    {
        Ok(account) => account,
        Err(AppError::Unauthorized(_)) => return bad(&v),
        Err(AppError::TooManyRequests { retry_after, .. }) => {
            let time = retry_time(v.lang, retry_after);
            let text = words.get(v.lang, "signin.locked").replace("{time}", &time);
            let mut page = login_page(
                &v,
                actix_web::http::StatusCode::TOO_MANY_REQUESTS,
                &raw_email,
                &next,
                Some(text),
                None,
            )?;
            page.headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(retry_after));
            return Ok(page);
        }
        Err(AppError::Forbidden(_)) => {
            return login_page(
                &v,
                actix_web::http::StatusCode::FORBIDDEN,
                &raw_email,
                &next,
                Some(words.get(v.lang, "signin.removed").to_owned()),
                None,
            )
        }
        Err(e) => return Err(e.into()),
    };
    let cookies = v.sign_in(&state, account).await?;
    render::with_cookies(see_other(&next), &cookies)
}

/// Signs out: the session is deleted on the server, not only forgotten by the browser.
pub async fn logout(
    state: web::Data<Context>,
    v: Visitor,
    req: HttpRequest,
    Form(_): Form<BTreeMap<String, String>>,
) -> Result<HttpResponse, WebError> {
    session::end_session(&state, &req).await?;
    let mut cookies = v.sign_out_cookies();
    cookies.push(v.flash_cookie("signed_out"));
    render::with_cookies(see_other("/"), &cookies)
}

/// The registration form.
#[derive(Debug, Default, Deserialize, serde::Serialize)]
pub struct RegisterForm {
    pub email: Option<String>,
    pub password: Option<String>,
    pub name: Option<String>,
    pub orgnr: Option<String>,
    pub organisation_name: Option<String>,
    pub kind: Option<String>,
    pub sector: Option<String>,
    pub county: Option<String>,
    pub size: Option<String>,
    pub contact_email: Option<String>,
    /// The token of an emailed invitation link.
    pub invite: Option<String>,
}

/// `?invite=` on the registration page.
#[derive(Debug, Deserialize)]
pub struct InviteQuery {
    pub invite: Option<String>,
}

/// What the registration page knows from an invitation link: the address and organisation.
#[derive(Debug, serde::Serialize)]
struct Invited {
    email: String,
    organisation: String,
}

async fn invited(state: &Context, token: Option<&str>) -> Result<Option<Invited>, WebError> {
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    Ok(crate::app::members::by_link(state, token)
        .await?
        .map(|(email, org)| Invited {
            email,
            organisation: org.name,
        }))
}

/// A verified identity from the sign-in provider that is registering: its email and whether
/// the provider verified it.
#[derive(Debug, serde::Serialize)]
struct Verified {
    email: Option<String>,
    email_verified: bool,
}

async fn verified(
    state: &Context,
    req: &HttpRequest,
) -> Result<Option<(String, Verified)>, WebError> {
    let Some(token) = req
        .cookie(super::oidc::PENDING_COOKIE)
        .map(|c| c.value().to_owned())
    else {
        return Ok(None);
    };
    Ok(crate::app::oidc::pending_identity(state, &token)
        .await?
        .map(|i| {
            (
                token,
                Verified {
                    email: i.email,
                    email_verified: i.email_verified,
                },
            )
        }))
}

fn register_page(
    v: &Visitor,
    status: actix_web::http::StatusCode,
    form: &RegisterForm,
    invited: Option<&Invited>,
    oidc: Option<&Verified>,
    errors: BTreeMap<String, String>,
) -> Result<HttpResponse, WebError> {
    if oidc.is_none() && !v.password_login {
        return password_off(v);
    }
    render::page(
        v,
        status,
        "register.html",
        context! {
            form => form,
            oidc => oidc,
            invited => invited,
            errors => errors,
            kinds => options(v.lang, "account.kinds", &["buyer", "supplier", "cluster"]),
            sectors => options(v.lang, "account.sectors", &["state", "county", "municipality", "other"]),
            sizes => options(v.lang, "account.sizes", &["micro", "small", "medium", "large"]),
            counties => super::forms::counties(),
        },
    )
}

/// A page saying that password sign-in is off, with the way to sign in instead.
fn password_off(v: &Visitor) -> Result<HttpResponse, WebError> {
    let words = super::i18n::words();
    let provider = v.oidc_label.clone().unwrap_or_default();
    render::page(
        v,
        actix_web::http::StatusCode::FORBIDDEN,
        "message.html",
        context! {
            title => words.get(v.lang, "account.login_title"),
            paragraphs => vec![words.get(v.lang, "oidc.password_off").replace("{provider}", &provider)],
            link => context! { href => "/login/oidc", text => words.get(v.lang, "oidc.button").replace("{provider}", &provider) },
        },
    )
}

/// The registration page; behind an invitation link it is locked to the inviting organisation
/// and the invited address; after a first sign-in with the provider it is tied to that identity.
pub async fn register_form(
    state: web::Data<Context>,
    v: Visitor,
    req: HttpRequest,
    q: web::Query<InviteQuery>,
) -> Result<HttpResponse, WebError> {
    if v.user.is_some() {
        return Ok(see_other("/dashboard"));
    }
    let oidc = verified(&state, &req).await?.map(|(_, v)| v);
    let invite = invited(&state, q.invite.as_deref()).await?;
    let mut errors = BTreeMap::new();
    if q.invite.is_some() && invite.is_none() {
        errors.insert(
            "form".to_owned(),
            super::i18n::words()
                .get(v.lang, "team.invite_link_bad")
                .to_owned(),
        );
    }
    let form = RegisterForm {
        email: invite
            .as_ref()
            .map(|i| i.email.clone())
            .or_else(|| oidc.as_ref().and_then(|o| o.email.clone())),
        invite: invite.as_ref().and(q.invite.clone()),
        ..RegisterForm::default()
    };
    register_page(
        &v,
        actix_web::http::StatusCode::OK,
        &form,
        invite.as_ref(),
        oidc.as_ref(),
        errors,
    )
}

fn blank(v: &Option<String>) -> Option<String> {
    v.as_ref()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// Registers an account (founding its organisation, or joining one by invitation) and signs in.
pub async fn register(
    state: web::Data<Context>,
    v: Visitor,
    req: HttpRequest,
    Form(mut f): Form<RegisterForm>,
) -> Result<HttpResponse, WebError> {
    let oidc = verified(&state, &req).await?;
    if oidc.is_none() && !v.password_login {
        return password_off(&v);
    }
    // An email the provider verified is the one registered, whatever the form says.
    if let Some((
        _,
        Verified {
            email: Some(email),
            email_verified: true,
        },
    )) = &oidc
    {
        f.email = Some(email.clone());
    }
    let typed_password = f.password.as_deref().unwrap_or("");
    // After a sign-in with the provider a password is optional: the provider signs them in.
    let skip_password = oidc.is_some() && typed_password.is_empty();
    let parsed = (|| -> Result<_, AppError> {
        all_valid! {
            let email = Email::parse(f.email.as_deref().unwrap_or(""));
            let password = if skip_password {
                Ok(None)
            } else {
                Password::parse(typed_password).map(Some)
            };
            let name = domain::line("name", f.name.as_deref().unwrap_or(""), 200);
            let organisation = organisation_of(&f);
        }
        Ok((email, password, name, organisation))
    })();
    let invite = invited(&state, f.invite.as_deref()).await?;
    let oidc_view = oidc.as_ref().map(|(_, o)| o);
    let (email, password, name, organisation) = match parsed {
        Ok(p) => p,
        Err(e) => {
            let errors = form_errors(v.lang, e)?;
            return register_page(
                &v,
                actix_web::http::StatusCode::BAD_REQUEST,
                &f,
                invite.as_ref(),
                oidc_view,
                errors,
            );
        }
    };
    let password_hash = match password {
        Some(p) => hash_blocking(p).await.map_err(WebError::Internal)?,
        // Not a valid hash, so no password ever matches it.
        None => crate::domain::password::NO_PASSWORD.to_owned(),
    };
    let registration = Registration {
        email,
        password_hash,
        name,
        // With an invitation link the organisation is the inviting one.
        organisation: if f.invite.is_some() {
            None
        } else {
            organisation
        },
        invite_token: f.invite.clone().filter(|t| !t.is_empty()),
        email_verified: matches!(
            &oidc,
            Some((
                _,
                Verified {
                    email: Some(_),
                    email_verified: true
                }
            ))
        ),
    };
    match accounts::sign_up(&state, registration, v.lang).await {
        Ok((account, _)) => {
            let mut cookies = Vec::new();
            if let Some((token, _)) = &oidc {
                crate::app::oidc::link_identity(&state, token, &account.id).await?;
                let mut gone = v.cookie(super::oidc::PENDING_COOKIE, String::new(), Some(0));
                gone.make_removal();
                cookies.push(gone);
            }
            cookies.extend(v.sign_in(&state, account).await?);
            cookies.push(v.flash_cookie("registered"));
            render::with_cookies(see_other("/dashboard"), &cookies)
        }
        Err(e) => {
            let errors = form_errors(v.lang, e)?;
            register_page(
                &v,
                actix_web::http::StatusCode::BAD_REQUEST,
                &f,
                invite.as_ref(),
                oidc_view,
                errors,
            )
        }
    }
}

/// The organisation part of the registration form; an empty organisation number means: join
/// the organisation that invited this email.
fn organisation_of(f: &RegisterForm) -> Result<Option<NewOrganisation>, AppError> {
    let Some(orgnr) = blank(&f.orgnr) else {
        return Ok(None);
    };
    OrganisationInput {
        orgnr,
        name: f.organisation_name.clone().unwrap_or_default(),
        kind: f.kind.clone().unwrap_or_default(),
        website: None,
        contact_email: blank(&f.contact_email),
        sector: blank(&f.sector),
        county: blank(&f.county),
        size: blank(&f.size),
    }
    .parse()
    .map(Some)
    .map_err(|e| match e {
        // The form's field for the organisation's name is `organisation_name`.
        AppError::Validation(mut problems) => {
            for p in &mut problems {
                if p.field == "name" {
                    p.field = "organisation_name".to_owned();
                }
            }
            AppError::Validation(problems)
        }
        other => other,
    })
}

/// The language switch: remembers the choice for a year and goes back.
pub async fn switch_lang(
    v: Visitor,
    code: web::Path<String>,
    q: web::Query<NextQuery>,
) -> Result<HttpResponse, WebError> {
    let lang = super::i18n::parse_code(&code).ok_or(WebError::NotFound)?;
    let next = local_path(q.next.as_deref()).unwrap_or("/");
    let response = HttpResponse::SeeOther()
        .insert_header((header::LOCATION, next.to_owned()))
        .finish();
    let cookie = v.cookie(
        session::LANG_COOKIE,
        super::i18n::code(lang).to_owned(),
        Some(365 * 24 * 3600),
    );
    render::with_cookies(response, &[cookie])
}
