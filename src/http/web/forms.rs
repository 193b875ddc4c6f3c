//! What the form pages share: safe redirect targets, `<select>` options, and field errors in the
//! visitor's language.

use std::collections::BTreeMap;

use minijinja::{context, Value};

use super::error::WebError;
use super::i18n;
use crate::domain::{Invalid, Lang};
use crate::error::AppError;

/// A path on this site, safe to redirect to: it begins with one `/`, and holds no backslash,
/// whitespace or control character anywhere. Browsers drop TAB, CR and LF from a URL and read a
/// backslash as `/`, so `/\t/evil.example` or `/\\evil.example` would leave the site.
pub fn local_path(next: Option<&str>) -> Option<&str> {
    next.filter(|n| {
        n.starts_with('/')
            && !n[1..].starts_with('/')
            && !n
                .chars()
                .any(|c| c == '\\' || c.is_whitespace() || c.is_control() || is_format(c))
    })
}

/// Invisible format characters (zero-width and bidi controls), which can hide what a link says.
fn is_format(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
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

/// A county's name from its number; the number itself if unknown.
pub fn county_name(code: &str) -> String {
    crate::domain::organisation::COUNTIES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or_else(|| code.to_owned(), |(_, name)| (*name).to_owned())
}

/// Field errors for a form from a validation error, each in the visitor's language beside its
/// field; other errors pass through. A problem of the whole form is under `form`.
pub fn form_errors(
    lang: Lang,
    e: impl Into<AppError>,
) -> Result<BTreeMap<String, String>, WebError> {
    match e.into() {
        AppError::Validation(problems) => {
            let mut errors = BTreeMap::new();
            for p in &problems {
                let field = if p.field.is_empty() {
                    "form"
                } else {
                    p.field.as_str()
                };
                // The first problem of a field is the one to fix first.
                errors
                    .entry(field.to_owned())
                    .or_insert_with(|| problem_text(lang, p));
            }
            Ok(errors)
        }
        AppError::Conflict { field, clash, .. } => {
            let field = field.unwrap_or_else(|| "form".to_owned());
            let key =
                clash.map_or_else(|| "conflict.other".to_owned(), |c| format!("conflict.{c}"));
            let text = i18n::words().get(lang, &key).to_owned();
            Ok(BTreeMap::from([(field, text)]))
        }
        other => Err(other.into()),
    }
}

/// The words for a problem: the field's own (`invalid.{field}.{problem}`) when it has them, else
/// the problem's (`invalid.{problem}`), with its parameters filled in.
pub fn problem_text(lang: Lang, p: &Invalid) -> String {
    let words = i18n::words();
    // `benefits[2].amount` has the words of `benefits.amount`.
    let field: String = strip_indexes(&p.field);
    let own = format!("invalid.{field}.{}", p.problem);
    let key = if words.has(&own) {
        own
    } else {
        format!("invalid.{}", p.problem)
    };
    let mut text = words.get(lang, &key).to_owned();
    for (name, value) in &p.params {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

fn strip_indexes(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut depth = 0;
    for c in field.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Problem;

    #[test]
    fn every_problem_has_words_in_both_languages() {
        let words = i18n::words();
        for p in Problem::ALL {
            let key = format!("invalid.{p}");
            assert!(
                words.has(&key),
                "{key} has no words in templates/i18n/invalid.toml"
            );
        }
    }

    #[test]
    fn every_kind_of_conflict_has_words_in_both_languages() {
        let words = i18n::words();
        for c in crate::error::Clash::ALL {
            let key = format!("conflict.{c}");
            assert!(
                words.has(&key),
                "{key} has no words in templates/i18n/invalid.toml"
            );
        }
        assert!(words.has("conflict.other"));
    }

    #[test]
    fn a_field_s_own_words_are_for_a_real_problem() {
        // A typo in errors.toml (`invalid.themes.requird`) would otherwise never show.
        for key in i18n::words().keys().filter(|k| k.starts_with("invalid.")) {
            let problem = key.rsplit('.').next().unwrap();
            assert!(
                Problem::parse(problem).is_ok(),
                "{key} is not for a problem; use one of {:?}",
                Problem::ALL
            );
        }
    }

    #[test]
    fn a_field_s_own_words_win_and_parameters_are_filled_in() {
        let themes = Invalid::because("themes", Problem::Required, "give a theme");
        let title = Invalid::because("title", Problem::TooLong, "too long").with("max", 200);
        assert_ne!(
            problem_text(Lang::Nb, &themes),
            problem_text(Lang::Nb, &Invalid::because("title", Problem::Required, ""))
        );
        assert!(
            problem_text(Lang::Nb, &title).contains("200"),
            "{}",
            problem_text(Lang::Nb, &title)
        );
        assert!(!problem_text(Lang::En, &title).contains("{max}"));
        let indexed = Invalid::because("benefits[2].amount", Problem::NotANumber, "");
        assert_eq!(strip_indexes(&indexed.field), "benefits.amount");
    }

    #[test]
    fn every_problem_of_a_form_shows_at_once_in_bokmål() {
        let e = AppError::Validation(vec![
            Invalid::because("title", Problem::Required, "title must not be empty"),
            Invalid::because("themes", Problem::Required, "give at least one theme"),
        ]);
        let errors = form_errors(Lang::Nb, e).unwrap();
        assert_eq!(errors.len(), 2);
        assert!(!errors["themes"].contains("give"), "{}", errors["themes"]);
    }
}

#[cfg(test)]
mod redirect_tests {
    use super::local_path;

    #[test]
    fn only_paths_of_this_site_are_redirect_targets() {
        for good in [
            "/",
            "/needs?q=ferje",
            "/processes/1#event-2",
            "/lang/en?next=/needs",
        ] {
            assert_eq!(local_path(Some(good)), Some(good), "{good}");
        }
        for bad in [
            "//evil.example/",
            "/\t/evil.example/",
            "/\\evil.example",
            "/\r\n/evil.example",
            "/ /evil.example",
            "https://evil.example/",
            "evil.example",
            "/\u{200B}/evil.example",
            "",
        ] {
            assert_eq!(local_path(Some(bad)), None, "{bad:?}");
        }
        assert_eq!(local_path(None), None);
    }
}
