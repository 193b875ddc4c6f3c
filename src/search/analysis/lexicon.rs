//! The word lists the analysis is built from, parsed with their faults named by file and line:
//! Snowball's stop lists and innolift's additions, the curated synonym groups and compound parts
//! in `index/`, and the Norwegian word counts of the CPV vocabulary's 9,454 Bokmål labels,
//! which drive decompounding.

use std::collections::{HashMap, HashSet};

use rust_stemmers::{Algorithm, Stemmer};

use super::Flavour;

pub(super) const SYNONYMS: &str = include_str!("../../../index/synonyms.txt");
pub(super) const STOPWORDS: &str = include_str!("../../../index/stopwords.txt");
pub(super) const STOPWORDS_NO: &str = include_str!("../../../index/stopwords-no.txt");
pub(super) const STOPWORDS_EN: &str = include_str!("../../../index/stopwords-en.txt");
pub(super) const COMPOUND_PARTS: &str = include_str!("../../../index/compound-parts.txt");

/// A fault in a word list: which file, which line, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file} line {line}: {message}")]
pub struct ListError {
    /// The list's path in the repository.
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// What is wrong and what to write instead.
    pub message: String,
}

/// The sources of the lists, by name, so that tests can feed faulty ones.
#[derive(Clone, Copy)]
pub struct Sources<'a> {
    /// `index/synonyms.txt`.
    pub synonyms: &'a str,
    /// Stop lists, each with its file name.
    pub stopwords: [(&'a str, &'a str); 3],
    /// `index/compound-parts.txt`.
    pub compound_parts: &'a str,
    /// The CPV vocabulary CSV.
    pub cpv: &'a str,
}

impl Sources<'static> {
    /// The lists compiled into the binary.
    pub fn shipped() -> Sources<'static> {
        Sources {
            synonyms: SYNONYMS,
            stopwords: [
                ("index/stopwords-no.txt", STOPWORDS_NO),
                ("index/stopwords-en.txt", STOPWORDS_EN),
                ("index/stopwords.txt", STOPWORDS),
            ],
            compound_parts: COMPOUND_PARTS,
            cpv: crate::domain::cpv::SHIPPED_CSV,
        }
    }
}

/// The count a curated compound part gets when the CPV labels do not have it: a part someone
/// chose is worth as much as a word seen in a few labels.
const CURATED_COUNT: u32 = 3;

/// Everything the analyzers look words up in.
pub struct Lists {
    /// Stop words of both languages.
    pub stopwords: HashSet<String>,
    /// Lowercased word → synonym group.
    pub synonyms_by_word: HashMap<String, String>,
    /// (flavour, stem) → synonym group.
    pub synonyms_by_stem: HashMap<(Flavour, String), String>,
    /// Norwegian word → in how many CPV labels it appears (curated parts at least
    /// [`CURATED_COUNT`]): the frequencies decompounding weighs splits by.
    pub counts: HashMap<String, u32>,
    /// The curated parts and synonym words, which may be as short as three letters.
    pub curated: HashSet<String>,
    /// Words of the CPV labels in either language with their label counts, for telling reasons.
    pub domain: HashMap<String, u32>,
    pub(super) norwegian: Stemmer,
    pub(super) english: Stemmer,
}

/// The non-comment lines of a list, with their 1-based numbers.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
}

fn is_word(w: &str) -> bool {
    !w.is_empty()
        && w.chars()
            .all(|c| c.is_alphanumeric() || c == '\'' || c == '-')
}

/// The Nynorsk-only words of Snowball's Norwegian stop list (marked `*`).
pub fn nynorsk_stopwords() -> impl Iterator<Item = String> {
    lines(STOPWORDS_NO).filter_map(|(_, l)| {
        let mut parts = l.split_whitespace();
        let word = parts.next()?;
        (parts.next() == Some("*")).then(|| word.to_lowercase())
    })
}

impl Lists {
    /// Parses the lists, refusing the first faulty line.
    pub fn parse(sources: Sources) -> Result<Lists, ListError> {
        let fault = |file: &str, line: usize, message: String| ListError {
            file: file.to_owned(),
            line,
            message,
        };
        let norwegian = Stemmer::create(Algorithm::Norwegian);
        let english = Stemmer::create(Algorithm::English);
        let mut stopwords = HashSet::new();
        for (file, text) in sources.stopwords {
            for (n, line) in lines(text) {
                for word in line.split_whitespace().filter(|w| *w != "*") {
                    if !is_word(word) {
                        return Err(fault(file, n, format!("\"{word}\" is not a word; write one word, or several separated by spaces, with `*` after a Nynorsk-only word")));
                    }
                    stopwords.insert(word.to_lowercase());
                }
            }
        }
        let mut curated = HashSet::new();
        for (n, line) in lines(sources.compound_parts) {
            let word = line.to_lowercase();
            if !word.chars().all(char::is_alphabetic) || word.chars().count() < 2 {
                return Err(fault("index/compound-parts.txt", n, format!("\"{line}\" is not a compound part; write one word of at least two letters a line")));
            }
            curated.insert(word);
        }
        let mut synonyms_by_word = HashMap::new();
        let mut synonyms_by_stem = HashMap::new();
        for (n, line) in lines(sources.synonyms) {
            let words: Vec<String> = line.split(',').map(|w| w.trim().to_lowercase()).collect();
            if let Some(bad) = words.iter().find(|w| !is_word(w)) {
                return Err(fault("index/synonyms.txt", n, format!("\"{bad}\" is not a single word; a group lists single words separated by commas, with no empty entries")));
            }
            let group = words[0].clone();
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
                    curated.insert(word.clone());
                }
            }
        }
        let (counts_nb, domain) = cpv_counts(sources.cpv)
            .map_err(|(line, message)| fault("data/cpv-2008.csv", line, message))?;
        let mut counts = counts_nb;
        for part in &curated {
            let c = counts.entry(part.clone()).or_insert(0);
            *c = (*c).max(CURATED_COUNT);
        }
        Ok(Lists {
            stopwords,
            synonyms_by_word,
            synonyms_by_stem,
            counts,
            curated,
            domain,
            norwegian,
            english,
        })
    }

    /// Whether `word` may be a part of a compound: a curated part, or a CPV word of four letters
    /// or more.
    pub fn part_count(&self, word: &str, len: usize) -> Option<u32> {
        if len < 2 || (len < 4 && !self.curated.contains(word)) || self.stopwords.contains(word) {
            return None;
        }
        self.counts.get(word).copied().filter(|c| *c > 0)
    }
}

/// The CPV labels, in the two languages: Bokmål word → label count, and every word of either
/// language → label count.
type Counts = (HashMap<String, u32>, HashMap<String, u32>);

fn cpv_counts(csv_text: &str) -> Result<Counts, (usize, String)> {
    let mut nb: HashMap<String, u32> = HashMap::new();
    let mut all: HashMap<String, u32> = HashMap::new();
    for (en, label_nb) in cpv_labels(csv_text)? {
        let mut seen = HashSet::new();
        for word in label_words(&label_nb) {
            if seen.insert(word.clone()) {
                *nb.entry(word.clone()).or_insert(0) += 1;
                *all.entry(word).or_insert(0) += 1;
            }
        }
        for word in label_words(&en) {
            if seen.insert(word.clone()) {
                *all.entry(word).or_insert(0) += 1;
            }
        }
    }
    Ok((nb, all))
}

/// The lowercased words of a label.
fn label_words(label: &str) -> impl Iterator<Item = String> + '_ {
    label
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// The (English, Bokmål) label pairs of a vocabulary CSV (`code,check_digit,label_en,label_nb`).
pub fn cpv_labels(csv_text: &str) -> Result<Vec<(String, String)>, (usize, String)> {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| (i + 2, format!("not a CSV line: {e}")))?;
        match (record.get(2), record.get(3)) {
            (Some(en), Some(nb)) => out.push((en.to_owned(), nb.to_owned())),
            _ => {
                return Err((
                    i + 2,
                    "a line needs code,check_digit,label_en,label_nb".into(),
                ))
            }
        }
    }
    if out.is_empty() {
        return Err((1, "the vocabulary has no labels".into()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(f: impl FnOnce(&mut Sources)) -> Result<Lists, ListError> {
        let mut sources = Sources::shipped();
        f(&mut sources);
        Lists::parse(sources)
    }

    #[test]
    fn the_shipped_lists_load() {
        let lists = Lists::parse(Sources::shipped()).expect("shipped lists");
        assert!(
            lists.stopwords.len() > 300,
            "Snowball's lists of both languages: {}",
            lists.stopwords.len()
        );
        for w in ["ikkje", "ikke", "the", "which", "og"] {
            assert!(lists.stopwords.contains(w), "{w}");
        }
        assert!(
            lists.counts.len() > 5000,
            "thousands of Norwegian words from CPV: {}",
            lists.counts.len()
        );
        assert!(lists.counts["tjenester"] > 100);
    }

    #[test]
    fn a_faulty_list_is_refused_with_its_file_and_line() {
        let err = with(|s| s.synonyms = "# header\nferje, ferry\nbuss,\n")
            .err()
            .expect("refused");
        assert_eq!((err.file.as_str(), err.line), ("index/synonyms.txt", 3));
        let err = with(|s| s.synonyms = "ferje, rute plan\n")
            .err()
            .expect("refused");
        assert!(
            err.to_string()
                .starts_with("index/synonyms.txt line 1: \"rute plan\""),
            "{err}"
        );
        let err = with(|s| s.compound_parts = "båt\nl\n")
            .err()
            .expect("refused");
        assert_eq!(
            (err.file.as_str(), err.line),
            ("index/compound-parts.txt", 2)
        );
        let err = with(|s| s.stopwords[2] = ("index/stopwords.txt", "og\nog;\n"))
            .err()
            .expect("refused");
        assert_eq!((err.file.as_str(), err.line), ("index/stopwords.txt", 2));
        let err = with(|s| s.cpv = "code,check_digit,label_en,label_nb\n")
            .err()
            .expect("refused");
        assert_eq!(err.file, "data/cpv-2008.csv");
    }

    #[test]
    fn nynorsk_words_come_from_the_marked_lines() {
        let nn: Vec<String> = nynorsk_stopwords().collect();
        assert!(nn.contains(&"ikkje".to_owned()) && nn.contains(&"korleis".to_owned()));
        assert!(!nn.contains(&"ikke".to_owned()));
    }
}
