//! The interface's words in Bokmål and English, from `templates/i18n/*.toml`.
//!
//! Each file holds tables of entries written `key = { nb = "…", en = "…" }`, so a text cannot
//! exist in one language only: loading refuses an entry without both.

use std::collections::HashMap;
use std::sync::OnceLock;

pub use crate::domain::Lang;

macro_rules! i18n_files {
    ($($name:literal),* $(,)?) => {
        /// Every word file, by name, compiled into the binary.
        pub const FILES: &[(&str, &str)] = &[
            $(($name, include_str!(concat!("../../../templates/i18n/", $name)))),*
        ];
    };
}

i18n_files!(
    "common.toml",
    "invalid.toml",
    "browse.toml",
    "account.toml",
    "needs.toml",
    "capabilities.toml",
    "processes.toml",
    "dialogues.toml",
    "meetings.toml",
    "cluster.toml",
    "admin.toml",
    "indicators.toml",
    "radar.toml",
    "contracts.toml",
    "self_service.toml",
    "notifications.toml",
);

/// Words for both languages, by dotted key.
#[derive(Debug, Default)]
pub struct Words {
    nb: HashMap<String, String>,
    en: HashMap<String, String>,
}

impl Words {
    /// Parses word files; every entry must have a non-empty `nb` and `en`.
    pub fn parse(files: &[(&str, &str)]) -> Result<Words, String> {
        let mut words = Words::default();
        for (name, text) in files {
            let table: toml::Table = text.parse().map_err(|e| format!("{name}: {e}"))?;
            words.collect(name, "", &table)?;
        }
        Ok(words)
    }

    fn collect(&mut self, file: &str, prefix: &str, table: &toml::Table) -> Result<(), String> {
        for (key, value) in table {
            let full = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            let toml::Value::Table(inner) = value else {
                return Err(format!("{file}: {full} must be a table"));
            };
            match (inner.get("nb"), inner.get("en")) {
                (Some(toml::Value::String(nb)), Some(toml::Value::String(en))) => {
                    if nb.trim().is_empty() || en.trim().is_empty() || inner.len() != 2 {
                        return Err(format!(
                            "{file}: {full} needs exactly a non-empty nb and en"
                        ));
                    }
                    if self.nb.insert(full.clone(), nb.clone()).is_some() {
                        return Err(format!("{file}: {full} is defined twice"));
                    }
                    self.en.insert(full, en.clone());
                }
                (None, None) => self.collect(file, &full, inner)?,
                _ => return Err(format!("{file}: {full} needs both nb and en")),
            }
        }
        Ok(())
    }

    /// The text for `key`, or the key itself (so a missing word shows, and a test catches it).
    pub fn get<'a>(&'a self, lang: Lang, key: &'a str) -> &'a str {
        let map = match lang {
            Lang::Nb => &self.nb,
            Lang::En => &self.en,
        };
        map.get(key).map(String::as_str).unwrap_or(key)
    }

    /// True when `key` exists.
    pub fn has(&self, key: &str) -> bool {
        self.nb.contains_key(key)
    }

    /// Every key.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.nb.keys().map(String::as_str)
    }
}

/// The compiled-in words; they are checked by tests, so a broken file fails the build's tests.
pub fn words() -> &'static Words {
    static WORDS: OnceLock<Words> = OnceLock::new();
    WORDS.get_or_init(|| Words::parse(FILES).expect("templates/i18n is valid"))
}

/// The language code for `lang`.
pub fn code(lang: Lang) -> &'static str {
    match lang {
        Lang::Nb => "nb",
        Lang::En => "en",
    }
}

/// Parses a language code from a cookie or link.
pub fn parse_code(code: &str) -> Option<Lang> {
    match code.trim().to_ascii_lowercase().as_str() {
        "nb" | "no" | "nn" | "nb-no" | "nn-no" | "no-no" => Some(Lang::Nb),
        "en" | "en-gb" | "en-us" => Some(Lang::En),
        _ => None,
    }
}

/// The best of Bokmål and English for an `Accept-Language` header; Bokmål when neither is asked.
pub fn negotiate(accept_language: &str) -> Lang {
    let mut best: Option<(f32, Lang)> = None;
    for part in accept_language.split(',') {
        let mut pieces = part.split(';');
        let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = pieces
            .filter_map(|p| p.trim().strip_prefix("q="))
            .filter_map(|q| q.parse::<f32>().ok())
            .next()
            .unwrap_or(1.0);
        let primary = tag.split('-').next().unwrap_or("");
        let lang = match primary {
            "nb" | "no" | "nn" => Lang::Nb,
            "en" => Lang::En,
            _ => continue,
        };
        if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
            best = Some((q, lang));
        }
    }
    best.map_or(Lang::Nb, |(_, lang)| lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_file_parses_with_both_languages() {
        let words = Words::parse(FILES).expect("valid word files");
        assert!(words.keys().count() > 50);
    }

    #[test]
    fn every_word_file_in_the_folder_is_compiled_in() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates/i18n");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".toml"))
            .collect();
        on_disk.sort();
        let mut listed: Vec<String> = FILES.iter().map(|(n, _)| n.to_string()).collect();
        listed.sort();
        assert_eq!(on_disk, listed);
    }

    #[test]
    fn an_entry_in_one_language_only_is_refused() {
        let err = Words::parse(&[("x.toml", "[a]\nb = { nb = \"Hei\" }\n")]).unwrap_err();
        assert!(err.contains("a.b"), "{err}");
        let err =
            Words::parse(&[("x.toml", "[a]\nb = { nb = \"Hei\", en = \" \" }\n")]).unwrap_err();
        assert!(err.contains("a.b"), "{err}");
    }

    #[test]
    fn accept_language_picks_english_only_when_preferred() {
        assert_eq!(negotiate(""), Lang::Nb);
        assert_eq!(negotiate("en-US,en;q=0.9"), Lang::En);
        assert_eq!(negotiate("nb-NO,nb;q=0.9,en;q=0.8"), Lang::Nb);
        assert_eq!(negotiate("de-DE,en;q=0.5"), Lang::En);
        assert_eq!(negotiate("en;q=0.4,nn;q=0.8"), Lang::Nb);
        assert_eq!(negotiate("fr"), Lang::Nb);
        assert_eq!(negotiate("en;q=0"), Lang::Nb);
    }
}
