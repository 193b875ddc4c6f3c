//! Rendering pages from `templates/pages/` with minijinja. Templates are compiled into the
//! binary, auto-escaped (they end in `.html`), and given `t(key)` for the visitor's language.

use std::sync::OnceLock;

use actix_web::dev::ServiceResponse;
use actix_web::http::{header, StatusCode};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::HttpResponse;
use minijinja::value::Kwargs;
use minijinja::{context, Environment, State, Value};

use super::error::{ErrorDetail, WebError};
use super::session::Visitor;
use super::{format, i18n};
use crate::domain::Lang;

macro_rules! page_templates {
    ($($name:literal),* $(,)?) => {
        /// Every page template, by name, compiled into the binary.
        pub const TEMPLATES: &[(&str, &str)] = &[
            $(($name, include_str!(concat!("../../../templates/pages/", $name)))),*
        ];
    };
}

page_templates!(
    "layout.html",
    "macros.html",
    "describe_fields.html",
    "error.html",
    "message.html",
    "home.html",
    "login.html",
    "register.html",
    "dashboard.html",
    "lifts.html",
    "lift.html",
    "admin_organisations.html",
    "admin_outbox.html",
    "admin_approvals.html",
    "privacy.nb.html",
    "privacy.en.html",
    "accessibility.nb.html",
    "accessibility.en.html",
    "cluster.html",
    "need_form.html",
    "needs_list.html",
    "organisations.html",
    "organisation_profile.html",
    "need.html",
    "capability_form.html",
    "process.html",
    "event.html",
    "rsvp.html",
    "unsubscribe.html",
    "indicators.html",
    "radar.html",
    "contracts.html",
    "password_forgot.html",
    "password_reset.html",
    "confirm_email.html",
    "account.html",
    "organisation.html",
    "notifications.html",
    "notification_settings.html",
);

/// Pages load only their own stylesheet and script, and cannot be framed or post elsewhere.
pub const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

fn lang_of(state: &State) -> Lang {
    state
        .lookup("lang")
        .and_then(|v| v.as_str().and_then(i18n::parse_code))
        .unwrap_or(Lang::Nb)
}

/// `t("key", name=value)`: the text in the page's language, with `{name}` filled in.
fn translate(state: &State, key: &str, kwargs: Kwargs) -> Result<String, minijinja::Error> {
    let mut text = i18n::words().get(lang_of(state), key).to_owned();
    for arg in kwargs.args() {
        let value: Value = kwargs.get(arg)?;
        text = text.replace(&format!("{{{arg}}}"), &value.to_string());
    }
    Ok(text)
}

/// `value|when`: a stored UTC time as Norwegian local time, written out.
fn when(state: &State, value: Value) -> String {
    let Some(text) = value.as_str() else {
        return String::new();
    };
    let parsed = chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.naive_utc())
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f"))
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f"));
    match parsed {
        Ok(utc) => format::date_time(lang_of(state), utc),
        // A date alone is a day, not a moment.
        Err(_) => match chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(d) => format::date(lang_of(state), d),
            Err(_) => text.to_owned(),
        },
    }
}

/// `value|local`: a moment as a `datetime-local` field's value, in Norwegian time.
fn local(value: Value) -> String {
    use chrono::TimeZone;
    value
        .as_str()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| {
            chrono_tz::Europe::Oslo
                .from_utc_datetime(&t.naive_utc())
                .format("%Y-%m-%dT%H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

/// `value|clock`: the time of day of a moment, in Norwegian time.
fn clock(state: &State, value: Value) -> String {
    value
        .as_str()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| format::clock(lang_of(state), t.naive_utc()))
        .unwrap_or_default()
}

/// `value|day`: a date (or the day of a time) written out, "23. april 2027".
fn day(state: &State, value: Value) -> String {
    let Some(text) = value.as_str() else {
        return String::new();
    };
    match chrono::NaiveDate::parse_from_str(text.get(..10).unwrap_or(text), "%Y-%m-%d") {
        Ok(d) => format::date(lang_of(state), d),
        Err(_) => text.to_owned(),
    }
}

/// `n|num`: a whole number with its thousands grouped.
fn num(state: &State, value: Value) -> String {
    match i64::try_from(value.clone()) {
        Ok(n) => format::number(lang_of(state), n),
        Err(_) => match f64::try_from(value.clone()) {
            Ok(f) => format::decimal(lang_of(state), f, 1),
            Err(_) => value.to_string(),
        },
    }
}

/// `tn("key", n, name=value)`: the singular or plural text for `n` (`key.one`, `key.other`),
/// with `{n}` formatted and the other names filled in.
fn translate_count(
    state: &State,
    key: &str,
    n: i64,
    kwargs: Kwargs,
) -> Result<String, minijinja::Error> {
    let lang = lang_of(state);
    let mut text = i18n::words()
        .get(lang, &format::plural_key(key, n))
        .replace("{n}", &format::number(lang, n));
    for arg in kwargs.args() {
        let value: Value = kwargs.get(arg)?;
        text = text.replace(&format!("{{{arg}}}"), &value.to_string());
    }
    Ok(text)
}

/// `code|county`: a county number as its name.
fn county(code: String) -> String {
    crate::domain::organisation::COUNTIES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(code.clone(), |(_, name)| (*name).to_owned())
}

/// `key|orgnr`: see [`format::organisation_number`].
fn orgnr(state: &State, key: String) -> String {
    format::organisation_number(lang_of(state), &key)
}

/// `value|pct`: a score in [0, 1] as a whole percent.
fn pct(state: &State, value: f64) -> String {
    format::percent(lang_of(state), value.clamp(0.0, 1.0), 0)
}

fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Chainable);
        for (name, source) in TEMPLATES {
            env.add_template(name, source)
                .unwrap_or_else(|e| panic!("template {name}: {e}"));
        }
        env.add_function("t", translate);
        env.add_filter("when", when);
        env.add_filter("day", day);
        env.add_filter("clock", clock);
        env.add_filter("local", local);
        env.add_filter("num", num);
        env.add_function("tn", translate_count);
        env.add_filter("pct", pct);
        env.add_filter("county", county);
        env.add_filter("orgnr", orgnr);
        env
    })
}

fn render(name: &str, ctx: Value) -> Result<String, minijinja::Error> {
    environment().get_template(name)?.render(ctx)
}

fn switch_link(lang: Lang, path: &str) -> String {
    let other = match lang {
        Lang::Nb => "en",
        Lang::En => "nb",
    };
    format!(
        "/lang/{other}?next={}",
        url::form_urlencoded::byte_serialize(path.as_bytes()).collect::<String>()
    )
}

/// What every page gets: language, switch link, CSRF token and the user.
fn base(v: &Visitor) -> Value {
    let user = v.user.as_ref().map(|u| {
        context! {
            name => u.caller.name,
            email => u.caller.email,
            role => u.caller.role.as_str(),
            kind => u.kind(),
            organisation => u.organisation.as_ref().map(|o| o.name.clone()),
            organisation_id => u.organisation.as_ref().map(|o| o.id.clone()),
            unread => u.unread,
        }
    });
    context! {
        lang => i18n::code(v.lang),
        switch_url => switch_link(v.lang, &v.path),
        csrf => v.csrf(),
        user => user,
        path => v.path,
        flash_message => v.flash.as_ref().map(|k| format!("flash.{k}")),
        oidc_label => v.oidc_label,
        password_login => v.password_login,
    }
}

/// Renders `template` with `ctx` (and the base context) as a full page.
pub fn page(
    v: &Visitor,
    status: StatusCode,
    template: &str,
    ctx: Value,
) -> Result<HttpResponse, WebError> {
    let html = render(template, context! { ..ctx, ..base(v) })
        .map_err(|e| WebError::Internal(anyhow::anyhow!("template {template}: {e:#}")))?;
    let mut response = HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_LANGUAGE, i18n::code(v.lang)))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::CONTENT_SECURITY_POLICY, CSP))
        .body(html);
    v.finish(&mut response);
    Ok(response)
}

/// A 200 page.
pub fn ok(v: &Visitor, template: &str, ctx: Value) -> Result<HttpResponse, WebError> {
    page(v, StatusCode::OK, template, ctx)
}

/// `response` with `cookies` set; a cookie that cannot be set fails the answer, since a
/// sign-in without its session cookie would only look like one.
pub fn with_cookies(
    mut response: HttpResponse,
    cookies: &[actix_web::cookie::Cookie<'static>],
) -> Result<HttpResponse, WebError> {
    for c in cookies {
        response
            .add_cookie(c)
            .map_err(|e| WebError::Internal(anyhow::anyhow!("cannot set a cookie: {e}")))?;
    }
    Ok(response)
}

/// A 303 to `location` that shows the message `flash.{key}` there once.
pub fn see_other_with(v: &Visitor, location: &str, key: &'static str) -> HttpResponse {
    let mut response = see_other(location);
    if let Err(e) = response.add_cookie(&v.flash_cookie(key)) {
        tracing::error!(error = %e, "cannot set the message cookie");
    }
    response
}

/// A 303 to `location`, after a form was handled.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_owned()))
        .finish()
}

/// The error page for `status`, for the error handler (no visitor: it may have failed).
///
/// `session` says the browser has a session cookie: the page then does not offer to sign in,
/// as if the error had signed the visitor out.
pub fn error_page(
    lang: Lang,
    status: StatusCode,
    detail: Option<&ErrorDetail>,
    session: bool,
) -> String {
    let code = status.as_u16();
    let key = detail.and_then(|d| d.key).map_or_else(
        || {
            if i18n::words().has(&format!("errors.{code}.title")) {
                code.to_string()
            } else if status.is_server_error() {
                "500".to_owned()
            } else {
                "400".to_owned()
            }
        },
        str::to_owned,
    );
    let ctx = context! {
        lang => i18n::code(lang),
        switch_url => switch_link(lang, "/"),
        status => code,
        key => key,
        message => detail.and_then(|d| d.message.clone()),
        session => session,
    };
    render("error.html", ctx).unwrap_or_else(|e| {
        tracing::error!(error = %e, "error page failed to render");
        format!("<!doctype html><html lang=\"nb\"><title>{code}</title><h1>{code}</h1></html>")
    })
}

/// Turns every error response outside the API into a page in the visitor's language. Runs as
/// the app's error handler, so extractor failures and unknown paths get pages too.
pub fn render_error_page<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let path = res.request().path();
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if path.starts_with("/api/") || path == "/healthz" || path == "/readyz" || is_html {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let lang = super::session::request_lang(res.request());
    let detail = res.response().extensions().get::<ErrorDetail>().cloned();
    let retry_after = res.headers().get(header::RETRY_AFTER).cloned();
    let connection = res.headers().get(header::CONNECTION).cloned();
    let session = res
        .request()
        .cookie(super::session::SESSION_COOKIE)
        .is_some();
    let page = error_page(lang, status, detail.as_ref(), session);
    let mut new = HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_LANGUAGE, i18n::code(lang)))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(page);
    if let Some(v) = retry_after {
        new.headers_mut().insert(header::RETRY_AFTER, v);
    }
    if let Some(v) = connection {
        new.headers_mut().insert(header::CONNECTION, v);
    }
    let (req, _) = res.into_parts();
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, new).map_into_right_body::<B>(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_template_in_the_folder_is_compiled_in_and_parses() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates/pages");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        on_disk.sort();
        let mut listed: Vec<String> = TEMPLATES.iter().map(|(n, _)| n.to_string()).collect();
        listed.sort();
        assert_eq!(on_disk, listed);
        for (name, _) in TEMPLATES {
            environment().get_template(name).unwrap();
        }
    }

    #[test]
    fn the_layout_renders_for_a_visitor_and_a_signed_in_user_with_a_message() {
        for user in [
            None,
            Some(context! { name => "Kari", kind => "buyer", role => "owner" }),
        ] {
            let ctx = context! {
                lang => "nb", switch_url => "/lang/en?next=/", csrf => "x", path => "/",
                user => user, flash_message => "flash.saved", email => "",
            };
            let html = render("login.html", ctx).unwrap_or_else(|e| panic!("{e:#}"));
            assert!(html.contains("Lagret."), "the one-time message shows");
        }
    }

    #[test]
    fn every_text_a_template_asks_for_exists_in_both_languages() {
        let words = i18n::words();
        let mut missing = Vec::new();
        for (name, source) in TEMPLATES {
            for (at, _) in source.match_indices("t(\"") {
                // `select("kind", …)` also contains `t("`; only a call of `t` counts.
                if source[..at]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_')
                {
                    continue;
                }
                let key = source[at + 3..].split('"').next().unwrap_or("");
                // Keys built in the template (`t("phase." ~ p)`) end in a dot; they are checked
                // by the tests of their values.
                if !key.ends_with('.') && !words.has(key) {
                    missing.push(format!("{name}: {key}"));
                }
            }
        }
        assert!(missing.is_empty(), "missing words: {missing:#?}");
    }

    #[test]
    fn every_count_a_template_asks_for_has_a_singular_and_a_plural() {
        let words = i18n::words();
        let mut missing = Vec::new();
        for (name, source) in TEMPLATES {
            for (at, _) in source.match_indices("tn(\"") {
                let key = source[at + 4..].split('"').next().unwrap_or("");
                for form in ["one", "other"] {
                    if !words.has(&format!("{key}.{form}")) {
                        missing.push(format!("{name}: {key}.{form}"));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "missing plural forms: {missing:#?}");
    }

    #[test]
    fn error_pages_speak_the_visitors_language() {
        let nb = error_page(Lang::Nb, StatusCode::NOT_FOUND, None, false);
        let en = error_page(Lang::En, StatusCode::NOT_FOUND, None, false);
        assert!(
            nb.contains("lang=\"nb\"")
                && nb.contains(i18n::words().get(Lang::Nb, "errors.404.title"))
        );
        assert!(
            en.contains("lang=\"en\"")
                && en.contains(i18n::words().get(Lang::En, "errors.404.title"))
        );
        assert_ne!(nb, en);
        for status in [
            StatusCode::FORBIDDEN,
            StatusCode::INTERNAL_SERVER_ERROR,
            StatusCode::BAD_GATEWAY,
        ] {
            let key = if status == StatusCode::FORBIDDEN {
                "errors.403.title"
            } else {
                "errors.500.title"
            };
            for lang in [Lang::Nb, Lang::En] {
                let page = error_page(lang, status, None, false);
                assert!(
                    page.contains(i18n::words().get(lang, key)),
                    "{status} in {lang:?}: {page}"
                );
                assert!(page.contains("<main"), "a full page with the layout");
            }
        }
    }
}
