//! A JSON body extractor that answers in the API's error shape: 415 for another content type,
//! 413 over the size limit, and 400 naming the field that failed to parse (including unknown
//! fields, which every request type refuses).

use actix_web::http::header;
use actix_web::{dev::Payload, web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use super::error::BodyError;
use crate::app::Context;
use crate::domain::Problem;
use crate::error::AppError;

/// A request body of type `T`, read as JSON.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for ApiJson<T> {
    type Error = BodyError;
    type Future = LocalBoxFuture<'static, Result<ApiJson<T>, BodyError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req
            .app_data::<web::Data<Context>>()
            .map(|s| s.settings.max_body_bytes)
            .unwrap_or(256 * 1024);
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        let declared_length = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            let essence = content_type
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_owned();
            if essence != "application/json" && !essence.ends_with("+json") {
                return Err(BodyError::NotJson(format!(
                    "send the body as JSON with Content-Type: application/json (got {})",
                    if essence.is_empty() { "none" } else { &essence }
                )));
            }
            let too_large = || {
                BodyError::TooLarge(format!(
                    "the request body is over the limit of {limit} bytes"
                ))
            };
            if declared_length.is_some_and(|n| n > limit) {
                return Err(too_large());
            }
            let mut body = web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = match chunk {
                    Ok(chunk) => chunk,
                    Err(e) if crate::http::deadline::is_timeout(&e) => {
                        return Err(BodyError::TimedOut(format!(
                            "{}; send the whole body at once, within the time allowed",
                            crate::http::deadline::TIMED_OUT
                        )))
                    }
                    Err(e) => {
                        return Err(AppError::validation(
                            "body",
                            format!("cannot read the body: {e}"),
                        )
                        .into())
                    }
                };
                if body.len() + chunk.len() > limit {
                    return Err(too_large());
                }
                body.extend_from_slice(&chunk);
            }
            Ok(parse(&body).map(ApiJson)?)
        })
    }
}

/// Deserialises `body`, naming the failing field by its path (e.g. `organisation.kind`).
pub fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    // No stored text may hold NUL (PostgreSQL refuses it), so refuse it at the door.
    if body.contains(&0) || body.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0000")) {
        return Err(AppError::invalid(
            "",
            Problem::ControlCharacters,
            "the body contains a NUL character; remove it",
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let inner = e.inner().to_string();
        let mut path = e.path().to_string();
        if path == "." || path == "?" {
            path.clear();
        }
        let named = |prefix: &str| {
            inner
                .strip_prefix(prefix)
                .and_then(|r| r.split('`').next())
                .map(str::to_owned)
        };
        // Unknown-field errors may or may not include the field in the path; missing-field
        // errors point at the object that lacks it. Either way, name the field itself.
        if let Some(name) = named("unknown field `").or_else(|| named("missing field `")) {
            let last = path.rsplit('.').next().unwrap_or_default();
            if path.is_empty() {
                path = name;
            } else if last != name {
                path = format!("{path}.{name}");
            }
        }
        let message = crate::error::clip_message(&strip_position(&inner));
        // A made-up field name is a value too: named only in part.
        if path.chars().count() > crate::error::QUOTE_MAX {
            path = path
                .chars()
                .take(crate::error::QUOTE_MAX)
                .collect::<String>()
                + "…";
        }
        if path.is_empty() {
            AppError::validation(
                "",
                format!("the body is not valid JSON for this request: {message}"),
            )
        } else {
            AppError::validation(path.clone(), format!("{path}: {message}"))
        }
    })?;
    de.end().map_err(|e| {
        AppError::validation("", format!("unexpected data after the JSON value: {e}"))
    })?;
    Ok(value)
}

/// Drops serde_json's " at line 1 column 12" suffix, which means nothing to a form user.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// Deserialises a field that may be absent, `null` or a value, as `None`, `Some(None)` or
/// `Some(Some(v))`, so PATCH can tell "leave as is" from "clear".
pub fn double_option<'de, D, T>(de: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    serde::Deserialize::deserialize(de).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        orgnr: String,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        name: String,
        organisation: Inner,
    }

    fn field_of(body: &str) -> Option<String> {
        match parse::<Outer>(body.as_bytes()).unwrap_err() {
            AppError::Validation(problems) => {
                Some(problems[0].field.clone()).filter(|f| !f.is_empty())
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn unknown_fields_are_named_with_their_path() {
        assert_eq!(
            field_of(r#"{"name":"a","bogus":1,"organisation":{"orgnr":"1"}}"#).as_deref(),
            Some("bogus")
        );
        assert_eq!(
            field_of(r#"{"name":"a","organisation":{"orgnr":"1","x":2}}"#).as_deref(),
            Some("organisation.x")
        );
    }

    #[test]
    fn missing_and_mistyped_fields_are_named() {
        assert_eq!(
            field_of(r#"{"organisation":{"orgnr":"1"}}"#).as_deref(),
            Some("name")
        );
        assert_eq!(
            field_of(r#"{"name":"a","organisation":{"orgnr":5}}"#).as_deref(),
            Some("organisation.orgnr")
        );
    }

    #[test]
    fn broken_json_names_no_field() {
        assert_eq!(field_of("{"), None);
        assert!(parse::<Outer>(br#"{"name":"a","organisation":{"orgnr":"1"}} x"#).is_err());
    }
}
