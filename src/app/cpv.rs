//! The CPV vocabulary (Common Procurement Vocabulary, 2008): import, validation of codes,
//! completion of codes and labels, and suggestions of codes for a need's text.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::cpv::{self as q, CpvRow};
use crate::db::DbConn;
use crate::domain::{CpvCode, Invalid};
use crate::error::AppError;
use crate::search::analysis::{Analyzer, Flavour};

/// Checks CPV codes: the format always; existence and check digit once a vocabulary is loaded.
/// Returns the eight-digit codes, deduplicated.
pub fn validate_codes(conn: &mut DbConn, inputs: &[String]) -> Result<Vec<String>, AppError> {
    let mut parsed: Vec<(CpvCode, Option<char>)> = Vec::new();
    for input in inputs {
        let (code, check) = CpvCode::parse(input)?;
        if !parsed.iter().any(|(c, _)| *c == code) {
            parsed.push((code, check));
        }
    }
    if parsed.is_empty() || !q::is_loaded(conn)? {
        return Ok(parsed
            .into_iter()
            .map(|(c, _)| c.as_str().to_owned())
            .collect());
    }
    let codes: Vec<String> = parsed.iter().map(|(c, _)| c.as_str().to_owned()).collect();
    let known: HashMap<String, CpvRow> = q::find_many(conn, &codes)?
        .into_iter()
        .map(|r| (r.code.clone(), r))
        .collect();
    for (code, check) in &parsed {
        let Some(row) = known.get(code.as_str()) else {
            return Err(Invalid::new(
                "cpv_codes",
                format!("{} is not in the CPV vocabulary; search for the right code with /api/v1/cpv?q=", code.as_str()),
            )
            .into());
        };
        if let Some(check) = check {
            if row.check_digit != check.to_string() {
                return Err(Invalid::new(
                    "cpv_codes",
                    format!(
                        "{}-{check} has the wrong check digit; it is {}-{}",
                        code.as_str(),
                        code.as_str(),
                        row.check_digit
                    ),
                )
                .into());
            }
        }
    }
    Ok(codes)
}

/// Reads a vocabulary CSV (`code,check_digit,label_en,label_nb`). Bad lines are reported with
/// their line number and skipped; a file with no good line is an error.
pub fn read_csv(path: &Path) -> anyhow::Result<(Vec<CpvRow>, Vec<String>)> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    parse_csv(file, &path.display().to_string())
}

/// The shipped vocabulary, so that a fresh database has it with no extra step.
const SHIPPED: &str = crate::domain::cpv::SHIPPED_CSV;

/// Loads the shipped vocabulary into a database that has none; a loaded one (perhaps a newer
/// version from `innolift cpv import`) is kept. Returns how many codes were loaded.
pub fn load_shipped_if_empty(conn: &mut DbConn) -> anyhow::Result<usize> {
    if crate::db::cpv::is_loaded(conn)? {
        return Ok(0);
    }
    let (rows, problems) = parse_csv(SHIPPED.as_bytes(), "data/cpv-2008.csv")?;
    anyhow::ensure!(
        problems.is_empty(),
        "the shipped vocabulary has faults: {problems:?}"
    );
    crate::db::cpv::replace_all(conn, &rows, |_| {})?;
    Ok(rows.len())
}

/// Reads vocabulary CSV from `input`, named `name` in messages.
fn parse_csv(input: impl std::io::Read, name: &str) -> anyhow::Result<(Vec<CpvRow>, Vec<String>)> {
    let mut reader = csv::Reader::from_reader(input);
    let headers = reader.headers()?.clone();
    let expected = ["code", "check_digit", "label_en", "label_nb"];
    anyhow::ensure!(
        headers.iter().map(str::trim).eq(expected.iter().copied()),
        "{name} must start with the header line code,check_digit,label_en,label_nb"
    );
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("line {line}: {e}"));
                continue;
            }
        };
        let field = |n: usize| record.get(n).unwrap_or("").trim().to_owned();
        let (code, check) = (field(0), field(1));
        if CpvCode::parse(&code).is_err()
            || check.len() != 1
            || !check.as_bytes()[0].is_ascii_digit()
        {
            problems.push(format!(
                "line {line}: {code}-{check} is not a CPV code with a check digit"
            ));
            continue;
        }
        rows.push(CpvRow {
            code,
            check_digit: check,
            label_en: field(2),
            label_nb: field(3),
        });
    }
    anyhow::ensure!(!rows.is_empty(), "{name} holds no CPV codes");
    Ok((rows, problems))
}

/// A code with its labels.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CpvEntry {
    /// Eight digits.
    pub code: String,
    /// The check digit.
    pub check_digit: String,
    /// `code-check_digit`, as written in notices.
    pub full_code: String,
    /// Norwegian label.
    pub label_nb: String,
    /// English label.
    pub label_en: String,
}

/// A suggested code with why.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CpvSuggestion {
    /// The code.
    #[serde(flatten)]
    pub entry: CpvEntry,
    /// Relative strength in [0, 1]; the best suggestion has 1.
    pub score: f32,
    /// The words of the text that point to this code.
    pub matched_words: Vec<String>,
}

/// The vocabulary in memory, for completion and suggestions.
pub struct Catalog {
    rows: Vec<CpvRow>,
    label_words: Vec<Vec<String>>,
    terms: Vec<Vec<String>>,
    postings: HashMap<String, Vec<u32>>,
}

fn entry(row: &CpvRow) -> CpvEntry {
    CpvEntry {
        code: row.code.clone(),
        check_digit: row.check_digit.clone(),
        full_code: format!("{}-{}", row.code, row.check_digit),
        label_nb: row.label_nb.clone(),
        label_en: row.label_en.clone(),
    }
}

impl Catalog {
    /// Builds the catalogue: label words for completion and analysed terms for suggestions.
    pub fn new(rows: Vec<CpvRow>) -> Catalog {
        let analyzers = [
            Analyzer::new(Flavour::Norwegian),
            Analyzer::new(Flavour::English),
        ];
        let mut label_words = Vec::with_capacity(rows.len());
        let mut terms = Vec::with_capacity(rows.len());
        let mut postings: HashMap<String, Vec<u32>> = HashMap::new();
        for (i, row) in rows.iter().enumerate() {
            let words: Vec<String> = format!("{} {}", row.label_nb, row.label_en)
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_lowercase)
                .collect();
            label_words.push(words);
            let mut set: HashSet<String> = HashSet::new();
            for (analyzer, label) in analyzers.iter().zip([&row.label_nb, &row.label_en]) {
                for t in analyzer.analyze(label) {
                    set.insert(format!("{}:{}", analyzer.flavour().prefix(), t.term));
                }
            }
            let mut list: Vec<String> = set.into_iter().collect();
            list.sort();
            for t in &list {
                postings.entry(t.clone()).or_default().push(i as u32);
            }
            terms.push(list);
        }
        Catalog {
            rows,
            label_words,
            terms,
            postings,
        }
    }

    /// Codes starting with the digits of `q`, or whose labels have words starting with each
    /// word of `q`, general codes first.
    pub fn complete(&self, q: &str, limit: usize) -> Vec<CpvEntry> {
        let q = q.trim();
        let digits: String = q.chars().take_while(|c| c.is_ascii_digit()).collect();
        if !digits.is_empty() && digits.len() == q.split('-').next().unwrap_or("").len() {
            return self
                .rows
                .iter()
                .filter(|r| r.code.starts_with(&digits))
                .take(limit)
                .map(entry)
                .collect();
        }
        let wanted: Vec<String> = q
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        if wanted.is_empty() {
            return Vec::new();
        }
        let mut hits: Vec<(usize, usize)> = self
            .label_words
            .iter()
            .enumerate()
            .filter(|(_, words)| {
                wanted
                    .iter()
                    .all(|w| words.iter().any(|lw| lw.starts_with(w.as_str())))
            })
            .map(|(i, words)| (i, words.len()))
            .collect();
        if hits.len() < limit {
            // Whole words also match through stems and synonyms ("ferje" finds "Ferger").
            let analyzers = [
                Analyzer::new(Flavour::Norwegian),
                Analyzer::new(Flavour::English),
            ];
            let mut groups: Vec<Vec<String>> = Vec::new();
            for w in &wanted {
                let forms: Vec<String> = analyzers
                    .iter()
                    .flat_map(|a| {
                        a.analyze(w)
                            .into_iter()
                            .map(move |t| format!("{}:{}", a.flavour().prefix(), t.term))
                    })
                    .collect();
                if !forms.is_empty() {
                    groups.push(forms);
                }
            }
            if !groups.is_empty() {
                for (i, terms) in self.terms.iter().enumerate() {
                    if !hits.iter().any(|(h, _)| *h == i)
                        && groups
                            .iter()
                            .all(|forms| forms.iter().any(|f| terms.binary_search(f).is_ok()))
                    {
                        hits.push((i, self.label_words[i].len()));
                    }
                }
            }
        }
        hits.sort_by_key(|(i, len)| {
            (
                CpvCode::from_stored(&self.rows[*i].code)
                    .significant()
                    .len(),
                *len,
                *i,
            )
        });
        hits.into_iter()
            .take(limit)
            .map(|(i, _)| entry(&self.rows[i]))
            .collect()
    }

    /// Codes whose labels share the most telling words with `text`.
    pub fn suggest(&self, text: &str, limit: usize) -> Vec<CpvSuggestion> {
        let analyzers = [
            Analyzer::new(Flavour::Norwegian),
            Analyzer::new(Flavour::English),
        ];
        let mut words_of: HashMap<String, String> = HashMap::new();
        for analyzer in &analyzers {
            for t in analyzer.analyze(text) {
                words_of
                    .entry(format!("{}:{}", analyzer.flavour().prefix(), t.term))
                    .or_insert(t.word);
            }
        }
        let n = self.rows.len() as f32;
        let mut scores: HashMap<u32, (f32, Vec<String>)> = HashMap::new();
        for (term, word) in &words_of {
            let Some(list) = self.postings.get(term) else {
                continue;
            };
            let idf = ((n + 1.0) / (list.len() as f32 + 1.0)).ln();
            for &i in list {
                let e = scores.entry(i).or_default();
                e.0 += idf;
                if !e.1.contains(word) {
                    e.1.push(word.clone());
                }
            }
        }
        let mut ranked: Vec<(u32, f32, Vec<String>)> = scores
            .into_iter()
            .map(|(i, (s, words))| {
                (
                    i,
                    s / (self.terms[i as usize].len() as f32).sqrt().max(1.0),
                    words,
                )
            })
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let best = ranked.first().map_or(1.0, |r| r.1).max(f32::EPSILON);
        ranked
            .into_iter()
            .take(limit)
            .map(|(i, s, mut words)| {
                words.sort();
                CpvSuggestion {
                    entry: entry(&self.rows[i as usize]),
                    score: ((s / best) * 1000.0).round() / 1000.0,
                    matched_words: words,
                }
            })
            .collect()
    }
}

/// The catalogue, reloaded when the vocabulary in the database changes size (another process
/// may have imported it).
#[derive(Default)]
pub struct CatalogCache {
    cached: Mutex<Option<(i64, Arc<Catalog>)>>,
}

impl CatalogCache {
    /// The current catalogue, or `None` when no vocabulary is loaded.
    pub fn get(&self, conn: &mut DbConn) -> Result<Option<Arc<Catalog>>, AppError> {
        let count = q::count(conn)?;
        if count == 0 {
            return Ok(None);
        }
        let mut cached = self.cached.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((n, catalog)) = cached.as_ref() {
            if *n == count {
                return Ok(Some(catalog.clone()));
            }
        }
        let catalog = Arc::new(Catalog::new(q::all(conn)?));
        *cached = Some((count, catalog.clone()));
        Ok(Some(catalog))
    }
}

/// Why a CPV lookup cannot be answered yet, and what to do.
fn not_loaded() -> AppError {
    AppError::Unavailable {
        retry_after: 60,
        message: "the CPV vocabulary is not loaded; an administrator loads it with: innolift cpv import FILE".into(),
    }
}

/// The vocabulary in memory, loaded from the database on first use; `None` when none is loaded.
pub async fn catalog(ctx: &super::Context) -> Result<Option<Arc<Catalog>>, AppError> {
    let cache = ctx.cpv.clone();
    ctx.db.run(move |conn| cache.get(conn)).await
}

/// Codes whose number starts with `q` or whose label has its words, best first.
pub async fn complete(
    ctx: &super::Context,
    q: &str,
    limit: usize,
) -> Result<Vec<CpvEntry>, AppError> {
    let (cache, q) = (ctx.cpv.clone(), q.to_owned());
    ctx.db
        .run(move |conn| {
            let catalog = cache.get(conn)?.ok_or_else(not_loaded)?;
            Ok(catalog.complete(&q, limit))
        })
        .await
}

/// Codes suggested for a need's text, best first. The text is analysed off the async executor.
pub async fn suggest(
    ctx: &super::Context,
    text: &str,
    limit: usize,
) -> Result<Vec<CpvSuggestion>, AppError> {
    let (cache, text) = (ctx.cpv.clone(), text.to_owned());
    ctx.db
        .run(move |conn| {
            let catalog = cache.get(conn)?.ok_or_else(not_loaded)?;
            Ok(catalog.suggest(&text, limit))
        })
        .await
}
