//! Text analysis for the index, in one place: tokenising, stop words, Norwegian decompounding,
//! synonyms and stemming, for Norwegian (Bokmål and Nynorsk) and English.
//!
//! The word lists live in `index/` and are compiled in, so that the binary and its index agree;
//! [`fingerprint`] changes with them, and a changed fingerprint rebuilds the index.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use rust_stemmers::{Algorithm, Stemmer};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use crate::domain::Language;

const SYNONYMS: &str = include_str!("../../index/synonyms.txt");
const STOPWORDS: &str = include_str!("../../index/stopwords.txt");
const STOPWORDS_NO: &str = include_str!("../../index/stopwords-no.txt");
const STOPWORDS_EN: &str = include_str!("../../index/stopwords-en.txt");
const COMPOUND_PARTS: &str = include_str!("../../index/compound-parts.txt");

/// Inflection endings allowed on the last part of a compound ("hurtigbåt-ene").
const INFLECTIONS: &[&str] = &[
    "", "e", "en", "er", "ene", "et", "a", "ar", "ane", "as", "s", "ens", "ets", "ers", "ene",
];

/// Which analysis a field uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Flavour {
    /// Norwegian: decompounding and the Norwegian stemmer.
    Norwegian,
    /// English: the English (Porter 2) stemmer.
    English,
}

impl Flavour {
    /// The flavour for a text in `language`.
    pub fn of(language: Language) -> Flavour {
        match language {
            Language::En => Flavour::English,
            Language::Nb | Language::Nn => Flavour::Norwegian,
        }
    }

    /// The tantivy tokenizer name.
    pub fn tokenizer_name(self) -> &'static str {
        match self {
            Flavour::Norwegian => "innolift_no",
            Flavour::English => "innolift_en",
        }
    }

    /// A one-letter prefix that keeps the two flavours' terms apart in term bags.
    pub fn prefix(self) -> char {
        match self {
            Flavour::Norwegian => 'n',
            Flavour::English => 'e',
        }
    }
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

struct Lists {
    stopwords: HashSet<String>,
    parts: HashSet<String>,
    /// Lowercased word → group name, per flavour, by surface form and by stem.
    synonyms_by_word: HashMap<String, String>,
    synonyms_by_stem: HashMap<(Flavour, String), String>,
    norwegian: Stemmer,
    english: Stemmer,
}

fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

fn lists() -> Arc<Lists> {
    static LISTS: OnceLock<Arc<Lists>> = OnceLock::new();
    LISTS
        .get_or_init(|| {
            let norwegian = Stemmer::create(Algorithm::Norwegian);
            let english = Stemmer::create(Algorithm::English);
            // Snowball's lists for both languages, and innolift's own; a `*` marks Nynorsk.
            let stopwords = lines(STOPWORDS_NO)
                .chain(lines(STOPWORDS_EN))
                .chain(lines(STOPWORDS))
                .flat_map(str::split_whitespace)
                .filter(|w| *w != "*")
                .map(str::to_lowercase)
                .collect();
            let mut parts: HashSet<String> = lines(COMPOUND_PARTS).map(str::to_lowercase).collect();
            let mut synonyms_by_word = HashMap::new();
            let mut synonyms_by_stem = HashMap::new();
            for line in lines(SYNONYMS) {
                let words: Vec<String> = line
                    .split(',')
                    .map(|w| w.trim().to_lowercase())
                    .filter(|w| !w.is_empty())
                    .collect();
                let Some(group) = words.first().cloned() else {
                    continue;
                };
                for word in &words {
                    synonyms_by_word.insert(word.clone(), group.clone());
                    synonyms_by_stem.insert(
                        (Flavour::Norwegian, norwegian.stem(word).into_owned()),
                        group.clone(),
                    );
                    synonyms_by_stem.insert(
                        (Flavour::English, english.stem(word).into_owned()),
                        group.clone(),
                    );
                    if word.chars().count() >= 3 && word.chars().all(char::is_alphabetic) {
                        parts.insert(word.clone());
                    }
                }
            }
            Arc::new(Lists {
                stopwords,
                parts,
                synonyms_by_word,
                synonyms_by_stem,
                norwegian,
                english,
            })
        })
        .clone()
}

/// A fingerprint of the analysis: the word lists and the analysis version. Part of the index's
/// directory name, so that a change rebuilds the index.
pub fn fingerprint() -> String {
    // Bump when the analysis code changes what it emits.
    const VERSION: u32 = 1;
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in [
        SYNONYMS,
        STOPWORDS,
        STOPWORDS_NO,
        STOPWORDS_EN,
        COMPOUND_PARTS,
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

impl Analyzer {
    /// The analyzer for `flavour`.
    pub fn new(flavour: Flavour) -> Analyzer {
        Analyzer {
            flavour,
            lists: lists(),
        }
    }

    /// Its flavour.
    pub fn flavour(&self) -> Flavour {
        self.flavour
    }

    fn stem(&self, word: &str) -> String {
        let stemmer = match self.flavour {
            Flavour::Norwegian => &self.lists.norwegian,
            Flavour::English => &self.lists.english,
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

    /// Splits a Norwegian compound into known parts covering the whole word, allowing linking
    /// `s`/`e` between parts and an inflection ending on the last. Returns no parts when the
    /// word is not such a compound.
    pub fn decompound(&self, word: &str) -> Vec<String> {
        let chars: Vec<char> = word.chars().collect();
        let n = chars.len();
        // Real compounds are short; a cap keeps the quadratic search cheap on junk input.
        if !(5..=40).contains(&n) {
            return Vec::new();
        }
        let sub = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
        let parts = &self.lists.parts;
        // best[i]: the fewest parts covering chars[..i], with the split points.
        let mut best: Vec<Option<Vec<(usize, usize)>>> = vec![None; n + 1];
        best[0] = Some(Vec::new());
        for end in 2..=n {
            for start in 0..end.saturating_sub(1) {
                let Some(prefix) = &best[start] else { continue };
                let piece = sub(start, end);
                let (word_end, known) = if parts.contains(&piece) {
                    (end, true)
                } else if end - start > 3
                    && matches!(chars[end - 1], 's' | 'e')
                    && parts.contains(&sub(start, end - 1))
                {
                    (end - 1, true)
                } else {
                    (end, false)
                };
                if known
                    && best[end]
                        .as_ref()
                        .is_none_or(|b| b.len() > prefix.len() + 1)
                {
                    let mut path = prefix.clone();
                    path.push((start, word_end));
                    best[end] = Some(path);
                }
            }
        }
        let mut found: Option<Vec<(usize, usize)>> = None;
        for ending in INFLECTIONS {
            let len = ending.chars().count();
            if len >= n || !word.ends_with(ending) {
                continue;
            }
            let stem_end = n - len;
            // The last part is a known word followed by the ending.
            for start in 1..stem_end.saturating_sub(1) {
                if let Some(prefix) = &best[start] {
                    if parts.contains(&sub(start, stem_end))
                        && found.as_ref().is_none_or(|f| f.len() > prefix.len() + 1)
                    {
                        let mut path = prefix.clone();
                        path.push((start, stem_end));
                        found = Some(path);
                    }
                }
            }
        }
        match found {
            Some(path) if path.len() >= 2 => path.into_iter().map(|(a, b)| sub(a, b)).collect(),
            _ => Vec::new(),
        }
    }

    /// Analyses `text` into terms.
    pub fn analyze(&self, text: &str) -> Vec<Term> {
        let mut out = Vec::new();
        let mut position = 0;
        for (from, word) in words(text) {
            let lower = word.to_lowercase();
            let to = from + word.len();
            if lower.chars().count() < 2 || self.lists.stopwords.contains(&lower) {
                position += 1;
                continue;
            }
            out.push(Term {
                term: self.term_of(&lower),
                word: lower.clone(),
                from,
                to,
                position,
            });
            if self.flavour == Flavour::Norwegian {
                for part in self.decompound(&lower) {
                    if !self.lists.stopwords.contains(&part) {
                        out.push(Term {
                            term: self.term_of(&part),
                            word: part,
                            from,
                            to,
                            position,
                        });
                    }
                }
            }
            position += 1;
        }
        out
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

/// The analyzer as a tantivy tokenizer.
#[derive(Clone)]
pub struct TantivyAnalyzer(pub Analyzer);

/// Tokens from [`TantivyAnalyzer`].
pub struct Tokens {
    tokens: Vec<Token>,
    index: usize,
}

impl Tokenizer for TantivyAnalyzer {
    type TokenStream<'a> = Tokens;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Tokens {
        let tokens = self
            .0
            .analyze(text)
            .into_iter()
            .map(|t| Token {
                offset_from: t.from,
                offset_to: t.to,
                position: t.position,
                text: t.term,
                position_length: 1,
            })
            .collect();
        Tokens {
            tokens,
            index: usize::MAX,
        }
    }
}

impl TokenStream for Tokens {
    fn advance(&mut self) -> bool {
        self.index = self.index.wrapping_add(1);
        self.index < self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.index]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.index]
    }
}

/// Guesses the language of a text from its most common words: Nynorsk, Bokmål or English.
pub fn detect_language(text: &str) -> Language {
    const NN: &[&str] = &[
        "ikkje", "eg", "kva", "dei", "vere", "frå", "korleis", "berre", "mykje", "noko", "ein",
        "eit", "som", "og", "vert", "hjå", "sjukehus", "kommunen", "me", "vore", "desse", "kvar",
        "utan", "heile", "tenester", "behov",
    ];
    const NB: &[&str] = &[
        "ikke",
        "jeg",
        "hva",
        "de",
        "være",
        "fra",
        "hvordan",
        "bare",
        "mye",
        "noe",
        "en",
        "et",
        "som",
        "og",
        "blir",
        "hos",
        "sykehus",
        "kommunen",
        "vi",
        "disse",
        "hver",
        "uten",
        "hele",
        "tjenester",
        "behov",
        "med",
        "til",
        "på",
        "det",
        "er",
        "for",
        "av",
        "å",
    ];
    const EN: &[&str] = &[
        "the", "and", "of", "to", "in", "is", "for", "with", "that", "we", "our", "are", "on",
        "this", "by", "as", "be", "need", "from", "an", "or", "which", "will", "can",
    ];
    let (mut nn, mut nb, mut en) = (0u32, 0u32, 0u32);
    for (_, word) in words(text) {
        let w = word.to_lowercase();
        let w = w.as_str();
        if EN.contains(&w) {
            en += 2;
        }
        if NB.contains(&w) {
            nb += 2;
        }
        if NN.contains(&w) {
            nn += 2;
        }
        // Words only one of the two Norwegian written forms uses.
        if matches!(
            w,
            "ikkje"
                | "eg"
                | "kva"
                | "frå"
                | "korleis"
                | "berre"
                | "mykje"
                | "noko"
                | "vert"
                | "hjå"
                | "sjukehus"
                | "kvar"
                | "utan"
                | "heile"
                | "tenester"
                | "ein"
                | "eit"
        ) {
            nn += 3;
        }
        if matches!(
            w,
            "ikke"
                | "jeg"
                | "hva"
                | "fra"
                | "hvordan"
                | "bare"
                | "mye"
                | "noe"
                | "blir"
                | "hos"
                | "sykehus"
                | "hver"
                | "uten"
                | "hele"
                | "tjenester"
                | "en"
                | "et"
        ) {
            nb += 3;
        }
        if w.contains(['æ', 'ø', 'å']) {
            nb += 1;
            nn += 1;
        }
    }
    if en > nb.max(nn) {
        Language::En
    } else if nn > nb {
        Language::Nn
    } else {
        Language::Nb
    }
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
    fn compounds_are_found_from_their_parts() {
        let no = Analyzer::new(Flavour::Norwegian);
        assert_eq!(no.decompound("velferdsteknologi"), ["velferd", "teknologi"]);
        assert_eq!(no.decompound("hurtigbåt"), ["hurtig", "båt"]);
        assert_eq!(no.decompound("hurtigbåtene"), ["hurtig", "båt"]);
        assert_eq!(no.decompound("ladestasjon"), ["lade", "stasjon"]);
        assert!(
            no.decompound("kommune").is_empty(),
            "a plain word is not split"
        );
        let båt = terms(Flavour::Norwegian, "båt")[0].clone();
        assert!(terms(Flavour::Norwegian, "Nye hurtigbåter").contains(&båt));
        let teknologi = terms(Flavour::Norwegian, "teknologi")[0].clone();
        assert!(terms(Flavour::Norwegian, "velferdsteknologi i hjemmet").contains(&teknologi));
    }

    #[test]
    fn synonyms_meet_across_spelling_and_language() {
        let ferje = terms(Flavour::Norwegian, "ferje");
        assert_eq!(ferje, ["~ferje"]);
        assert_eq!(terms(Flavour::Norwegian, "ferge"), ferje);
        assert_eq!(
            terms(Flavour::Norwegian, "fergene"),
            ferje,
            "inflections follow the group"
        );
        assert_eq!(terms(Flavour::English, "ferries"), ferje);
    }

    #[test]
    fn stop_words_go_and_stems_stay() {
        assert_eq!(
            terms(Flavour::English, "the charging of electric buses"),
            ["~lading", "~elektrisk", "~buss"]
        );
        let a = terms(Flavour::Norwegian, "sensorer");
        assert_eq!(a, terms(Flavour::Norwegian, "sensor"));
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
    fn languages_are_detected() {
        assert_eq!(
            detect_language("Vi trenger en løsning for lading av elektriske ferjer i kommunen"),
            Language::Nb
        );
        assert_eq!(detect_language("Kommunen treng ei løysing som ikkje krev mykje vedlikehald, og eg veit kva det kostar"), Language::Nn);
        assert_eq!(
            detect_language("We need a solution for charging electric ferries in the county"),
            Language::En
        );
    }
}
