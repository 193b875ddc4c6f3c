//! Text analysis for the index, in one place: language, tokenising, stop words, Norwegian
//! decompounding, synonyms, stemming and the learnt English–Norwegian term table.
//!
//! A text is analysed in its own language only. Terms of a curated synonym group are
//! language-neutral (`x:~ferje`), so that groups join the languages; the [`bilingual`] table
//! brings the other terms across at query time.
//!
//! The word lists live in `index/` and `data/` and are compiled in, so that the binary and its
//! index agree; [`fingerprint`] changes with them, and a changed fingerprint rebuilds the index.

pub mod bilingual;
pub mod language;
pub mod lexicon;

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashMap;

use crate::domain::Language;
pub use language::detect_language;
use lexicon::{ListError, Lists, Sources};

/// Inflection endings allowed on the last part of a compound ("hurtigbåt-ene").
const INFLECTIONS: &[&str] = &[
    "", "e", "en", "er", "ene", "et", "a", "ar", "ane", "as", "s", "ens", "ets", "ers",
];

/// Which analysis a term comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Flavour {
    /// Norwegian (Bokmål and Nynorsk): decompounding and the Norwegian stemmer.
    Norwegian,
    /// English: the English (Porter 2) stemmer.
    English,
    /// Curated synonym groups, the same in every language.
    Neutral,
}

impl Flavour {
    /// The flavour for a text in `language`.
    pub fn of(language: Language) -> Flavour {
        match language {
            Language::En => Flavour::English,
            Language::Nb | Language::Nn => Flavour::Norwegian,
        }
    }

    /// A one-letter prefix that keeps the flavours' terms apart in term bags.
    pub fn prefix(self) -> char {
        match self {
            Flavour::Norwegian => 'n',
            Flavour::English => 'e',
            Flavour::Neutral => 'x',
        }
    }
}

/// The bag key of a term an analyzer of `flavour` emitted: synonym groups (`~ferje`) are
/// neutral.
pub fn key(flavour: Flavour, term: &str) -> String {
    let prefix = if term.starts_with('~') {
        'x'
    } else {
        flavour.prefix()
    };
    format!("{prefix}:{term}")
}

/// One analysed term, with the word it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// The indexed term.
    pub term: String,
    /// The lowercased word in the text, for explanations.
    pub word: String,
    /// Byte offsets of the word in the text.
    pub from: usize,
    /// End offset.
    pub to: usize,
    /// Word position.
    pub position: usize,
}

/// An analyzer for one flavour. Cheap to clone.
#[derive(Clone)]
pub struct Analyzer {
    flavour: Flavour,
    lists: Arc<Lists>,
}

fn loaded() -> &'static Result<Arc<Lists>, ListError> {
    static LISTS: OnceLock<Result<Arc<Lists>, ListError>> = OnceLock::new();
    LISTS.get_or_init(|| Lists::parse(Sources::shipped()).map(Arc::new))
}

/// Loads the word lists, or says which file and line is wrong. The service calls it before it
/// starts, so that a faulty list stops the start with that message rather than later.
pub fn check() -> Result<(), ListError> {
    loaded().as_ref().map(|_| ()).map_err(Clone::clone)
}

fn lists() -> Arc<Lists> {
    match loaded() {
        Ok(lists) => lists.clone(),
        // `check` runs first in every entry point, and a unit test loads the shipped lists.
        Err(e) => panic!("the word lists do not load: {e}"),
    }
}

/// The learnt English–Norwegian term table, learnt once per process.
pub fn bilingual_table() -> &'static bilingual::Bilingual {
    static TABLE: OnceLock<bilingual::Bilingual> = OnceLock::new();
    TABLE.get_or_init(|| {
        bilingual::Bilingual::learn(
            &Analyzer::new(Flavour::Norwegian),
            &Analyzer::new(Flavour::English),
        )
    })
}

/// A fingerprint of the analysis: the word lists and the analysis version. Part of the index's
/// directory name, so that a change rebuilds the index.
pub fn fingerprint() -> String {
    // Bump when the analysis code changes what it emits.
    const VERSION: u32 = 2;
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in [
        lexicon::SYNONYMS,
        lexicon::STOPWORDS,
        lexicon::STOPWORDS_NO,
        lexicon::STOPWORDS_EN,
        lexicon::COMPOUND_PARTS,
        crate::domain::cpv::SHIPPED_CSV,
    ]
    .concat()
    .bytes()
    .chain(VERSION.to_le_bytes())
    {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")[..10].to_owned()
}

/// One term a word analyses to.
#[derive(Debug)]
pub struct WordTerm {
    /// The indexed term.
    pub term: String,
    /// Its bag key, with the flavour's prefix (`n:båt`, `x:~ferje`).
    pub key: String,
    /// The word it came from: the whole word, or a part of a compound.
    pub word: String,
}

/// What one word analyses to: the whole word's term first, then its parts'; nothing for a stop
/// word.
type WordTerms = Rc<[WordTerm]>;

thread_local! {
    /// Words repeat across documents; a rebuild analyses each once per thread. One map per
    /// flavour, so that a lookup needs no key of its own.
    static WORD_CACHE: RefCell<[FxHashMap<String, WordTerms>; 3]> = RefCell::new(Default::default());
}

/// The cache's bound, so that junk input cannot grow it without end.
const WORD_CACHE_MAX: usize = 200_000;

impl Analyzer {
    /// The analyzer for `flavour`.
    pub fn new(flavour: Flavour) -> Analyzer {
        Analyzer {
            flavour,
            lists: lists(),
        }
    }

    /// The analyzer for a text in `language`.
    pub fn for_language(language: Language) -> Analyzer {
        Analyzer::new(Flavour::of(language))
    }

    /// Its flavour.
    pub fn flavour(&self) -> Flavour {
        self.flavour
    }

    fn stem(&self, word: &str) -> String {
        let stemmer = match self.flavour {
            Flavour::English => &self.lists.english,
            Flavour::Norwegian | Flavour::Neutral => &self.lists.norwegian,
        };
        stemmer.stem(word).into_owned()
    }

    /// The term for one lowercased word: its synonym group if it has one, else its stem.
    fn term_of(&self, word: &str) -> String {
        if let Some(group) = self.lists.synonyms_by_word.get(word) {
            return format!("~{group}");
        }
        let stem = self.stem(word);
        match self
            .lists
            .synonyms_by_stem
            .get(&(self.flavour, stem.clone()))
        {
            Some(group) => format!("~{group}"),
            None => stem,
        }
    }

    /// The key a learnt term (`n:skol`) has in the index: its synonym group's when the stem
    /// belongs to one.
    pub fn resolve(&self, key: &str) -> String {
        let flavour = match key.as_bytes().first() {
            Some(b'e') => Flavour::English,
            _ => Flavour::Norwegian,
        };
        let stem = key.get(2..).unwrap_or_default();
        match self.lists.synonyms_by_stem.get(&(flavour, stem.to_owned())) {
            Some(group) => format!("x:~{group}"),
            None => key.to_owned(),
        }
    }

    /// Splits a Norwegian compound into parts, the Koehn–Knight way: among the ways to cover
    /// the word with known words (linking `s` or `e` allowed between parts, an inflection
    /// ending after the last), take the one whose parts' CPV label counts have the highest
    /// geometric mean, and split only when that beats the count of the whole word. Returns no
    /// parts when the word is better left whole.
    pub fn decompound(&self, word: &str) -> Vec<String> {
        const MAX_PARTS: usize = 4;
        let chars: Vec<char> = word.chars().collect();
        let n = chars.len();
        // Real compounds are short; a cap keeps the search cheap on junk input.
        if !(6..=40).contains(&n) {
            return Vec::new();
        }
        let sub = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
        let count = |a: usize, b: usize| self.lists.part_count(&sub(a, b), b - a);
        // best[k][i]: the highest sum of ln(count) of k parts covering chars[..i] (a linking
        // letter included), with the previous split point and the part's end.
        type Cell = Option<(f64, usize, usize)>;
        let mut best: Vec<Vec<Cell>> = vec![vec![None; n + 1]; MAX_PARTS];
        for end in 2..n {
            if let Some(c) = count(0, end) {
                let v = f64::from(c).ln();
                best[1][end] = Some((v, 0, end));
                if end + 1 < n
                    && matches!(chars[end], 's' | 'e')
                    && best[1][end + 1].is_none_or(|b| b.0 < v)
                {
                    best[1][end + 1] = Some((v, 0, end));
                }
            }
        }
        for k in 2..MAX_PARTS {
            for start in 2..n {
                let Some((base, _, _)) = best[k - 1][start] else {
                    continue;
                };
                for end in start + 2..n {
                    let Some(c) = count(start, end) else { continue };
                    let v = base + f64::from(c).ln();
                    for stop in [end, end + 1] {
                        if stop > end && !(stop < n && matches!(chars[end], 's' | 'e')) {
                            continue;
                        }
                        if best[k][stop].is_none_or(|b| b.0 < v) {
                            best[k][stop] = Some((v, start, end));
                        }
                    }
                }
            }
        }
        // The last part: a known word, then an inflection ending.
        let mut choice: Option<(f64, usize, usize, usize)> = None; // (mean, parts before, start, end)
        let mut whole = 0u32;
        for ending in INFLECTIONS {
            let len = ending.chars().count();
            if len + 2 > n || !word.ends_with(ending) {
                continue;
            }
            let stem_end = n - len;
            whole = whole.max(
                self.lists
                    .counts
                    .get(&sub(0, stem_end))
                    .copied()
                    .unwrap_or(0),
            );
            for k in 1..MAX_PARTS {
                for start in 2..stem_end.saturating_sub(1) {
                    let (Some((base, _, _)), Some(c)) = (best[k][start], count(start, stem_end))
                    else {
                        continue;
                    };
                    let mean = (base + f64::from(c).ln()) / (k + 1) as f64;
                    if choice.is_none_or(|b| b.0 < mean) {
                        choice = Some((mean, k, start, stem_end));
                    }
                }
            }
        }
        let Some((mean, k, start, end)) = choice else {
            return Vec::new();
        };
        if mean.exp() <= f64::from(whole) {
            return Vec::new();
        }
        let mut parts = vec![sub(start, end)];
        let (mut k, mut at) = (k, start);
        while k >= 1 {
            let Some((_, prev, part_end)) = best[k][at] else {
                break;
            };
            parts.push(sub(prev, part_end));
            at = prev;
            k -= 1;
        }
        parts.reverse();
        parts
    }

    /// The terms of one lowercased word, cached per thread.
    fn word_terms(&self, lower: &str) -> WordTerms {
        let slot = self.flavour as usize;
        if let Some(hit) = WORD_CACHE.with(|c| c.borrow()[slot].get(lower).cloned()) {
            return hit;
        }
        let mut terms = Vec::new();
        if self.keeps(lower) {
            terms.push(self.word_term(lower.to_owned()));
            if self.flavour == Flavour::Norwegian {
                for part in self.decompound(lower) {
                    if !self.lists.stopwords.contains(&part) {
                        terms.push(self.word_term(part));
                    }
                }
            }
        }
        let terms: WordTerms = terms.into();
        WORD_CACHE.with(|c| {
            let map = &mut c.borrow_mut()[slot];
            if map.len() >= WORD_CACHE_MAX {
                map.clear();
            }
            map.insert(lower.to_owned(), terms.clone());
        });
        terms
    }

    fn word_term(&self, word: String) -> WordTerm {
        let term = self.term_of(&word);
        WordTerm {
            key: key(self.flavour, &term),
            term,
            word,
        }
    }

    fn keeps(&self, lower: &str) -> bool {
        lower.chars().count() >= 2 && !self.lists.stopwords.contains(lower)
    }

    /// The words of `text` with what each analyses to, its byte offsets and its position; stop
    /// words are left out. The terms are shared with the cache, so nothing is copied.
    pub fn analyze_words(&self, text: &str) -> Vec<(WordTerms, usize, usize, usize)> {
        let mut out = Vec::new();
        let mut lower = String::new();
        for (position, (from, word)) in words(text).enumerate() {
            lower.clear();
            if word.is_ascii() {
                lower.push_str(word);
                lower.make_ascii_lowercase();
            } else {
                lower.push_str(&word.to_lowercase());
            }
            let terms = self.word_terms(&lower);
            if !terms.is_empty() {
                out.push((terms, from, from + word.len(), position));
            }
        }
        out
    }

    /// Analyses `text` into terms.
    pub fn analyze(&self, text: &str) -> Vec<Term> {
        let mut out = Vec::new();
        for (terms, from, to, position) in self.analyze_words(text) {
            for t in terms.iter() {
                out.push(Term {
                    term: t.term.clone(),
                    word: t.word.clone(),
                    from,
                    to,
                    position,
                });
            }
        }
        out
    }

    /// Stems without synonyms, with the parts of Norwegian compounds: what the term table is
    /// learnt over.
    pub fn raw_terms(&self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for (_, word) in words(text) {
            let lower = word.to_lowercase();
            if !self.keeps(&lower) {
                continue;
            }
            out.push(self.stem(&lower));
            if self.flavour == Flavour::Norwegian {
                for part in self.decompound(&lower) {
                    if !self.lists.stopwords.contains(&part) {
                        out.push(self.stem(&part));
                    }
                }
            }
        }
        out
    }

    /// Whether a word says something about what a text is about, and so may be shown as a
    /// reason: a curated domain word, a long word, or a CPV word that is not in every other
    /// label. "gjerne", "andre" and "fri" are not.
    pub fn is_telling(&self, word: &str) -> bool {
        if self.lists.stopwords.contains(word) {
            return false;
        }
        // Curated parts as short as "fri" or "by" are parts, not topics.
        if self.lists.synonyms_by_word.contains_key(word)
            || (self.lists.curated.contains(word) && word.chars().count() >= 4)
        {
            return true;
        }
        let letters = word.chars().filter(|c| c.is_alphabetic()).count();
        if letters >= 7 {
            return true;
        }
        // Digits and codes such as "h2" or "5g" are telling when short.
        if letters < word.chars().count() {
            return true;
        }
        letters >= 4 && self.lists.domain.get(word).is_some_and(|c| *c <= 30)
    }
}

/// The words of `text` with their byte offsets: runs of letters and digits.
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = None;
    let mut pieces = Vec::new();
    for (i, c) in text.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                pieces.push((s, &text[s..i]));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        pieces.push((s, &text[s..]));
    }
    pieces.into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(flavour: Flavour, text: &str) -> Vec<String> {
        Analyzer::new(flavour)
            .analyze(text)
            .into_iter()
            .map(|t| t.term)
            .collect()
    }

    #[test]
    fn compounds_split_where_the_cpv_vocabulary_says_at_linking_letters() {
        let no = Analyzer::new(Flavour::Norwegian);
        assert_eq!(
            no.decompound("velferdsteknologi"),
            ["velferd", "teknologi"],
            "linking s"
        );
        assert_eq!(
            no.decompound("hurtigbåtene"),
            ["hurtig", "båt"],
            "inflection ending"
        );
        assert_eq!(
            no.decompound("rengjøringstjenester"),
            ["rengjøring", "tjenester"]
        );
        assert_eq!(no.decompound("skolemøbler"), ["skole", "møbler"]);
        assert_eq!(no.decompound("ladestasjon"), ["lade", "stasjon"]);
        for whole in [
            "kommune",
            "tjenester",
            "vedlikehold",
            "transport",
            "leverandør",
        ] {
            assert!(
                no.decompound(whole).is_empty(),
                "{whole} is a word of its own: {:?}",
                no.decompound(whole)
            );
        }
        let båt = terms(Flavour::Norwegian, "båt")[0].clone();
        assert!(terms(Flavour::Norwegian, "Nye hurtigbåter").contains(&båt));
        let teknologi = terms(Flavour::Norwegian, "teknologi")[0].clone();
        assert!(terms(Flavour::Norwegian, "velferdsteknologi i hjemmet").contains(&teknologi));
    }

    #[test]
    fn synonyms_meet_across_spelling_and_language_as_neutral_terms() {
        let ferje = terms(Flavour::Norwegian, "ferje");
        assert_eq!(ferje, ["~ferje"]);
        assert_eq!(terms(Flavour::Norwegian, "ferge"), ferje);
        assert_eq!(
            terms(Flavour::Norwegian, "fergene"),
            ferje,
            "inflections follow the group"
        );
        assert_eq!(terms(Flavour::English, "ferries"), ferje);
        assert_eq!(
            key(Flavour::English, "~ferje"),
            key(Flavour::Norwegian, "~ferje")
        );
        assert_eq!(key(Flavour::English, "school"), "e:school");
    }

    #[test]
    fn stop_words_of_both_lists_go_and_inflections_are_reduced() {
        assert_eq!(
            terms(Flavour::English, "the charging of electric buses"),
            ["~lading", "~elektrisk", "~buss"]
        );
        assert_eq!(
            terms(Flavour::Norwegian, "sensorer"),
            terms(Flavour::Norwegian, "sensor")
        );
        assert_eq!(
            terms(Flavour::English, "schools"),
            terms(Flavour::English, "school")
        );
        assert!(
            terms(Flavour::Norwegian, "ikkje noko av dette").is_empty(),
            "Snowball's Nynorsk words"
        );
        assert!(terms(Flavour::English, "which would have been").is_empty());
    }

    #[test]
    fn offsets_point_at_the_words() {
        let text = "Ny ferje på Os";
        let analyzed = Analyzer::new(Flavour::Norwegian).analyze(text);
        assert_eq!(analyzed.len(), 3, "\"på\" is a stop word");
        for t in analyzed {
            assert_eq!(text[t.from..t.to].to_lowercase(), t.word);
        }
    }

    #[test]
    fn only_telling_words_are_reasons() {
        let no = Analyzer::new(Flavour::Norwegian);
        for noise in ["gjerne", "andre", "fri", "gå", "og"] {
            assert!(!no.is_telling(noise), "{noise}");
        }
        for telling in ["ferje", "buss", "velferdsteknologi", "sensor", "h2"] {
            assert!(no.is_telling(telling), "{telling}");
        }
    }
}
