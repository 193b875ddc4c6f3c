//! The parts of the need and capability forms they share: themes, where, and the CPV picker,
//! which works without JavaScript: its buttons post the form back, and the page comes back with
//! the codes found by word or suggested from the text, the chosen ones still ticked.

use actix_web::web;
use minijinja::{context, Value};
use serde::Serialize;

use super::error::WebError;
use crate::app::Context;
use crate::domain::Lang;
use crate::domain::Theme;

/// What a need or capability form holds of the shared fields.
pub struct Described<'a> {
    pub title: Option<&'a str>,
    pub description: Option<&'a str>,
    pub themes: &'a [String],
    pub cpv_codes: &'a [String],
    pub counties: &'a [String],
    pub cpv_q: Option<&'a str>,
    /// The button pressed: `cpv_search`, `cpv_suggest` or `save`.
    pub action: Option<&'a str>,
}

/// The template values of the shared fields (`describe_fields.html`).
pub async fn fields(
    state: &web::Data<Context>,
    lang: Lang,
    d: Described<'_>,
) -> Result<Value, WebError> {
    let suggest = (d.action == Some("cpv_suggest"))
        .then(|| format!("{}\n{}", d.title.unwrap_or(""), d.description.unwrap_or("")));
    let query = (d.action == Some("cpv_search"))
        .then_some(d.cpv_q)
        .flatten();
    let searched = query.is_some() || suggest.is_some();
    let cpv = cpv_choices(state, lang, d.cpv_codes, query, suggest).await?;
    Ok(context! {
        themes => theme_choices(lang, d.themes),
        counties => county_choices(d.counties),
        cpv => cpv,
        searched => searched,
    })
}

/// One CPV code in the picker.
#[derive(Debug, Serialize)]
struct CpvChoice {
    code: String,
    label: String,
    checked: bool,
    why: Vec<String>,
}

/// The CPV picker's choices: the codes already chosen, then search results or suggestions.
async fn cpv_choices(
    state: &web::Data<Context>,
    lang: Lang,
    selected: &[String],
    query: Option<&str>,
    suggest_from: Option<String>,
) -> Result<Vec<Value>, WebError> {
    let selected: Vec<String> = selected
        .iter()
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty())
        .collect();
    let query = query
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(str::to_owned);
    let catalog = crate::app::cpv::catalog(state).await?;
    let Some(catalog) = catalog else {
        return Ok(selected
            .into_iter()
            .map(|code| {
                Value::from_serialize(CpvChoice {
                    label: String::new(),
                    code,
                    checked: true,
                    why: vec![],
                })
            })
            .collect());
    };
    let label = |e: &crate::app::cpv::CpvEntry| match lang {
        Lang::Nb => e.label_nb.clone(),
        Lang::En => e.label_en.clone(),
    };
    let mut choices: Vec<CpvChoice> = Vec::new();
    for code in &selected {
        let digits: String = code.chars().take_while(|c| c.is_ascii_digit()).collect();
        let found = catalog
            .complete(&digits, 1)
            .into_iter()
            .find(|e| e.code == digits);
        choices.push(CpvChoice {
            code: code.clone(),
            label: found.as_ref().map(label).unwrap_or_default(),
            checked: true,
            why: vec![],
        });
    }
    let known = |choices: &Vec<CpvChoice>, code: &str| {
        choices
            .iter()
            .any(|c| c.code.starts_with(code) || code.starts_with(&c.code))
    };
    if let Some(q) = query {
        for e in catalog.complete(&q, 15) {
            if !known(&choices, &e.code) {
                choices.push(CpvChoice {
                    label: label(&e),
                    code: e.code,
                    checked: false,
                    why: vec![],
                });
            }
        }
    }
    if let Some(text) = suggest_from {
        for s in catalog.suggest(&text, 10) {
            if !known(&choices, &s.entry.code) {
                choices.push(CpvChoice {
                    label: label(&s.entry),
                    code: s.entry.code.clone(),
                    checked: false,
                    why: s.matched_words.clone(),
                });
            }
        }
    }
    Ok(choices.into_iter().map(Value::from_serialize).collect())
}

/// Themes for checkboxes, with the chosen ones checked.
fn theme_choices(lang: Lang, chosen: &[String]) -> Vec<Value> {
    Theme::ALL
        .iter()
        .map(|t| {
            let code = t.as_str();
            context! {
                value => code,
                label => super::i18n::words().get(lang, &format!("themes.{code}")),
                checked => chosen.iter().any(|c| c == code),
            }
        })
        .collect()
}

/// Counties for checkboxes, with the chosen ones checked.
fn county_choices(chosen: &[String]) -> Vec<Value> {
    crate::domain::organisation::COUNTIES
        .iter()
        .map(|(code, name)| context! { value => code, label => name, checked => chosen.iter().any(|c| c == code) })
        .collect()
}
