//! What the form pages share: safe redirect targets, `<select>` options, and field errors in the
//! visitor's language.

use std::collections::BTreeMap;

use minijinja::{context, Value};

use super::error::WebError;
use super::i18n;
use crate::domain::Lang;
use crate::error::AppError;

/// A path on this site, safe to redirect to (not `//host` or a full URL).
pub fn local_path(next: Option<&str>) -> Option<&str> {
    next.filter(|n| {
        n.starts_with('/')
            && !n.starts_with("//")
            && !n.starts_with("/\\")
            && !n.contains(['\r', '\n'])
    })
}

/// Options for a `<select>`: each value with its label from `{prefix}.{value}`.
pub fn options(lang: Lang, prefix: &str, values: &[&str]) -> Vec<Value> {
    values
        .iter()
        .map(|v| {
            context! { value => v, label => i18n::words().get(lang, &format!("{prefix}.{v}")).to_owned() }
        })
        .collect()
}

/// The counties, for a `<select>`.
pub fn counties() -> Vec<Value> {
    crate::domain::organisation::COUNTIES
        .iter()
        .map(|(code, name)| context! { value => code, label => name })
        .collect()
}

/// Field errors for a form from a validation error; other errors pass through.
pub fn form_errors(
    lang: Lang,
    e: impl Into<AppError>,
) -> Result<BTreeMap<String, String>, WebError> {
    let prefix = i18n::words().get(lang, "common.invalid");
    match e.into() {
        AppError::Validation { field, message } | AppError::Conflict { field, message } => {
            let field = field.unwrap_or_else(|| "form".to_owned());
            let text = match lang {
                Lang::Nb => format!("{prefix} ({message})"),
                Lang::En => message,
            };
            Ok(BTreeMap::from([(field, text)]))
        }
        other => Err(other.into()),
    }
}
