//! What the index holds for a need or a capability, built from database rows.

use std::collections::BTreeMap;

use crate::db::capabilities::{CapabilityRow, CapabilityText};
use crate::db::lifts::SolutionRow;
use crate::db::needs::{NeedRow, NeedText};
use crate::db::processes::ProcessRow;
use crate::domain::{CpvCode, Language};

use super::analysis::{self, Analyzer, Flavour};

/// Whether a document is a need or a capability.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocType {
    /// A buyer's need.
    Need,
    /// A supplier's or cluster's capability.
    Capability,
    /// A solution a joint process delivered.
    Solution,
}

impl DocType {
    /// The stored form, also the queue's entity name.
    pub fn as_str(self) -> &'static str {
        match self {
            DocType::Need => "need",
            DocType::Capability => "capability",
            DocType::Solution => "solution",
        }
    }
}

/// The indexable content of a need or a capability.
#[derive(Debug, Clone)]
pub struct Indexable {
    /// Its id.
    pub id: String,
    /// Need or capability.
    pub doc_type: DocType,
    /// Owning organisation.
    pub organisation_id: String,
    /// Owning organisation's kind: `buyer`, `supplier` or `cluster`.
    pub org_kind: String,
    /// `draft`, `open` or `closed` for needs; capabilities are always `open`.
    pub status: String,
    /// Title.
    pub title: String,
    /// All the text to match on: title, description, keywords.
    pub text: String,
    /// The title counts twice: it says what the thing is.
    pub language: Language,
    /// Theme codes.
    pub themes: Vec<String>,
    /// CPV codes, eight digits.
    pub cpv_codes: Vec<String>,
    /// County numbers.
    pub counties: Vec<String>,
    /// Serves or concerns the whole country.
    pub national: bool,
}

/// The stored form of a list: a JSON array of strings.
pub fn json_array<S: AsRef<str>>(values: &[S]) -> String {
    serde_json::to_string(&values.iter().map(AsRef::as_ref).collect::<Vec<&str>>())
        .unwrap_or_else(|_| "[]".to_owned())
}

/// Parses a stored JSON list; a damaged value reads as empty rather than failing a whole batch.
pub fn json_list(text: &str) -> Vec<String> {
    serde_json::from_str(text).unwrap_or_default()
}

impl Indexable {
    /// From a need row.
    pub fn need(row: &NeedRow, org_kind: &str) -> Indexable {
        Indexable::need_text(&NeedText::from(row), org_kind)
    }

    /// From what the index reads of a need.
    pub fn need_text(row: &NeedText, org_kind: &str) -> Indexable {
        Indexable {
            id: row.id.clone(),
            doc_type: DocType::Need,
            organisation_id: row.organisation_id.clone(),
            org_kind: org_kind.to_owned(),
            status: row.status.as_str().to_owned(),
            title: row.title.clone(),
            text: format!("{}\n{}\n{}", row.title, row.title, row.description),
            language: Language::parse(&row.language).unwrap_or(Language::Nb),
            themes: json_list(&row.themes),
            cpv_codes: json_list(&row.cpv_codes),
            counties: json_list(&row.counties),
            national: row.national,
        }
    }

    /// The indexable form of a solution: its text, and the themes and places of its process's
    /// needs.
    pub fn solution(
        row: &SolutionRow,
        process: Option<&ProcessRow>,
        needs: &[NeedRow],
    ) -> Indexable {
        let mut themes = Vec::new();
        let mut counties = Vec::new();
        let mut cpv = Vec::new();
        let mut national = false;
        for n in needs {
            for t in json_list(&n.themes) {
                if !themes.contains(&t) {
                    themes.push(t);
                }
            }
            for c in json_list(&n.counties) {
                if !counties.contains(&c) {
                    counties.push(c);
                }
            }
            for c in json_list(&n.cpv_codes) {
                if !cpv.contains(&c) {
                    cpv.push(c);
                }
            }
            national |= n.national;
        }
        /// Only the basis of a claimed benefit is text worth finding.
        #[derive(serde::Deserialize)]
        struct Basis {
            basis: String,
        }
        let bases: Vec<String> = serde_json::from_str::<Vec<Basis>>(&row.benefits)
            .unwrap_or_default()
            .into_iter()
            .map(|b| b.basis)
            .collect();
        let text = format!(
            "{}\n{}\n{}\n{}",
            row.title,
            row.title,
            row.description,
            bases.join("\n")
        );
        Indexable {
            id: row.id.clone(),
            doc_type: DocType::Solution,
            organisation_id: process
                .map(|p| p.lead_organisation_id.clone())
                .unwrap_or_default(),
            org_kind: "buyer".into(),
            status: "open".into(),
            title: row.title.clone(),
            language: super::analysis::detect_language(&text),
            text,
            themes,
            cpv_codes: cpv,
            counties,
            national,
        }
    }

    /// From a capability row.
    pub fn capability(row: &CapabilityRow, org_kind: &str) -> Indexable {
        Indexable::capability_text(&CapabilityText::from(row), org_kind)
    }

    /// From what the index reads of a capability.
    pub fn capability_text(row: &CapabilityText, org_kind: &str) -> Indexable {
        let keywords = json_list(&row.keywords).join(", ");
        Indexable {
            id: row.id.clone(),
            doc_type: DocType::Capability,
            organisation_id: row.organisation_id.clone(),
            org_kind: org_kind.to_owned(),
            status: "open".to_owned(),
            title: row.title.clone(),
            text: format!(
                "{}\n{}\n{}\n{}",
                row.title, row.title, row.description, keywords
            ),
            language: Language::parse(&row.language).unwrap_or(Language::Nb),
            themes: json_list(&row.themes),
            cpv_codes: json_list(&row.cpv_codes),
            counties: json_list(&row.counties),
            national: row.national,
        }
    }

    /// The CPV hierarchy tokens of all its codes.
    pub fn cpv_tokens(&self) -> Vec<String> {
        let mut tokens: Vec<String> = self
            .cpv_codes
            .iter()
            .flat_map(|c| CpvCode::from_stored(c).hierarchy_tokens())
            .collect();
        tokens.sort();
        tokens.dedup();
        tokens
    }
}

/// Term counts of a text, keyed by flavour-prefixed term (`n:båt`, `e:boat`, and `x:~ferje` for
/// a synonym group), with the first word each term came from.
#[derive(Debug, Clone, Default)]
pub struct TermBag {
    /// Term → count.
    pub counts: BTreeMap<String, u32>,
    /// Term → a word of the text it came from.
    pub words: BTreeMap<String, String>,
}

impl TermBag {
    /// Analyses `text` with each of `analyzers`: for a search query, whose language is not
    /// known.
    pub fn of(text: &str, analyzers: &[Analyzer]) -> TermBag {
        let mut bag = TermBag::default();
        for analyzer in analyzers {
            bag.add(analyzer, text);
        }
        bag
    }

    /// Analyses a text in its own language only.
    pub fn of_language(text: &str, language: Language) -> TermBag {
        let mut bag = TermBag::default();
        bag.add(&Analyzer::for_language(language), text);
        bag
    }

    fn add(&mut self, analyzer: &Analyzer, text: &str) {
        for term in analyzer.analyze(text) {
            let key = analysis::key(analyzer.flavour(), &term.term);
            *self.counts.entry(key.clone()).or_insert(0) += 1;
            self.words.entry(key).or_insert(term.word);
        }
    }

    /// The compact stored form: `term count` lines.
    pub fn encode(&self) -> Vec<u8> {
        TermBag::encode_sorted(self.counts.iter().map(|(t, c)| (t.as_str(), *c)))
    }

    /// The stored form of counts already in term order.
    pub fn encode_sorted<'a>(counts: impl IntoIterator<Item = (&'a str, u32)>) -> Vec<u8> {
        use std::fmt::Write;
        let mut out = String::new();
        for (term, count) in counts {
            let _ = writeln!(out, "{term} {count}");
        }
        out.into_bytes()
    }

    /// Reads the stored form.
    pub fn decode(bytes: &[u8]) -> TermBag {
        let mut bag = TermBag::default();
        for line in String::from_utf8_lossy(bytes).lines() {
            if let Some((term, count)) = line.rsplit_once(' ') {
                bag.counts
                    .insert(term.to_owned(), count.parse().unwrap_or(1));
            }
        }
        bag
    }

    /// The flavour of a prefixed term, and the term without its prefix.
    pub fn split(key: &str) -> (Flavour, &str) {
        match key.split_once(':') {
            Some(("e", term)) => (Flavour::English, term),
            Some(("x", term)) => (Flavour::Neutral, term),
            Some((_, term)) => (Flavour::Norwegian, term),
            None => (Flavour::Norwegian, key),
        }
    }
}
