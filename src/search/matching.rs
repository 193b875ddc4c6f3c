//! Matching needs to capabilities, needs to similar needs, and full-text search, with the reasons
//! for every match.
//!
//! Candidates come from the index by BM25 over the analysed terms and the CPV hierarchy. Each is
//! then scored in [0, 1] from four parts, each also in [0, 1]:
//!
//! - **text**: the cosine of the two texts' tf-idf vectors (1 for the same text, 0 for texts
//!   sharing no term), each analysed in its own language and expanded with the learnt
//!   translations of its terms, so compounds, synonyms, inflections and the other language
//!   count;
//! - **cpv**: the deepest level two CPV codes share (exact 1, category 0.8, class 0.6, group
//!   0.4, division 0.2);
//! - **region**: 1 when the two share a county or either is national;
//! - **theme**: 1 when they share a theme.
//!
//! `score = 0.84 text + 0.12 cpv + 0.0 region + 0.04 theme`, the weights `innolift eval` chose
//! (a county still filters). When the need has no CPV codes the CPV part is left out and the
//! rest scaled up to fill [0, 1].

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use tantivy::query::{BoostQuery, Occur};
use tantivy::Searcher;
use utoipa::ToSchema;

use super::analysis::{Analyzer, Flavour};
use super::candidates::{term_query, Candidate};
use super::document::{DocType, Indexable, TermBag};
use super::scoring::{cosine, Prepared, Vector};
use super::{NotReady, SearchIndex};
use crate::domain::{CpvCode, CpvLevel};

/// The matcher's tuned settings. `innolift eval` picks them from a grid by k-fold
/// cross-validation on the labelled sets in `eval/`; the defaults are what it chose.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tuning {
    /// Weight of the text part.
    pub text: f32,
    /// Weight of the CPV part.
    pub cpv: f32,
    /// Weight of the shared region.
    pub region: f32,
    /// Weight of the shared theme.
    pub theme: f32,
    /// Query terms used to find candidates: the heaviest by tf-idf.
    pub query_terms: usize,
    /// Candidates fetched and scored at least (three per match asked for, when more).
    pub candidates: usize,
    /// How much a learnt translation of a term weighs beside the term itself.
    pub translation: f32,
    /// The text cosine that reads as 50 % similar.
    pub similarity_floor: f32,
    /// How fast the calibrated similarity rises around that point.
    pub similarity_scale: f32,
}

impl Default for Tuning {
    fn default() -> Tuning {
        // Text carries most of the signal; CPV, region and theme break ties between texts that
        // read alike.
        Tuning {
            text: 0.84,
            cpv: 0.12,
            region: 0.0,
            theme: 0.04,
            query_terms: 48,
            candidates: 60,
            translation: 1.0,
            similarity_floor: 0.0,
            similarity_scale: 0.135,
        }
    }
}

impl Tuning {
    /// The score from its parts. Without CPV codes on the source, the CPV part is left out and
    /// the rest scaled up to fill [0, 1].
    pub fn combine(&self, parts: &ScoreParts, source_has_cpv: bool) -> f32 {
        let score = if source_has_cpv {
            self.text * parts.text
                + self.cpv * parts.cpv
                + self.region * parts.region
                + self.theme * parts.theme
        } else {
            (self.text * parts.text + self.region * parts.region + self.theme * parts.theme)
                / (1.0 - self.cpv).max(f32::EPSILON)
        };
        score.clamp(0.0, 1.0)
    }

    /// A text cosine as a similarity a person reads, `1 / (1 + exp(−(c − floor) / scale))`
    /// rescaled so that a cosine of 0 reads 0 and 1 reads 1: fitted by `innolift eval` to
    /// people's grades of need pairs, so that a reworded copy reads high and unrelated texts
    /// near 0.
    pub fn calibrate(&self, cosine: f32) -> f32 {
        let scale = self.similarity_scale.max(1e-4);
        let s = |c: f32| 1.0 / (1.0 + (-(c - self.similarity_floor) / scale).exp());
        let (low, high) = (s(0.0), s(1.0));
        ((s(cosine.clamp(0.0, 1.0)) - low) / (high - low).max(f32::EPSILON)).clamp(0.0, 1.0)
    }
}

/// A shared CPV code and how deep the match goes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CpvMatch {
    /// The code on this side.
    pub code: String,
    /// The code on the other side.
    pub matched_code: String,
    /// `division`, `group`, `class`, `category` or `exact`.
    pub level: CpvLevel,
}

/// Why a match was made.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Why {
    /// The words both texts use, most telling first.
    pub terms: Vec<String>,
    /// The best shared CPV code, if any.
    pub cpv: Option<CpvMatch>,
    /// Counties both cover.
    pub counties: Vec<String>,
    /// Whether either side is national.
    pub national: bool,
    /// Themes both have.
    pub themes: Vec<String>,
    /// The parts of the score, each in [0, 1].
    pub parts: ScoreParts,
}

/// The parts of a score.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct ScoreParts {
    /// Text similarity (cosine of tf-idf vectors).
    pub text: f32,
    /// CPV overlap by level.
    pub cpv: f32,
    /// Shared region.
    pub region: f32,
    /// Shared theme.
    pub theme: f32,
}

/// A matching document.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Match {
    /// Its id.
    pub id: String,
    /// `need` or `capability`.
    #[serde(rename = "type")]
    pub doc_type: String,
    /// Title.
    pub title: String,
    /// Owning organisation.
    pub organisation_id: String,
    /// Its name (filled in from the database).
    pub organisation_name: Option<String>,
    /// Its kind: `buyer`, `supplier` or `cluster`.
    pub organisation_kind: String,
    /// Need status (capabilities are always `open`).
    pub status: String,
    /// In [0, 1], best first.
    pub score: f32,
    /// Similar needs: the text similarity in [0, 1], comparable across queries (the same as
    /// `score` there).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub similarity: Option<f32>,
    /// Why.
    pub why: Why,
    /// Grouped by organisation: the organisation's other matches, best first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(no_recursion)]
    pub also: Vec<Match>,
}

/// Restrictions on candidates.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// Only needs or only capabilities.
    pub doc_type: Option<DocType>,
    /// Only of organisations of this kind.
    pub org_kind: Option<String>,
    /// Only covering this county (national ones always do).
    pub county: Option<String>,
    /// Only with this theme.
    pub theme: Option<String>,
    /// Only under this CPV hierarchy token.
    pub cpv_token: Option<String>,
    /// Only open needs (matching); otherwise open and closed ones (search).
    pub open_only: bool,
    /// Drafts and closed needs of this organisation are visible too.
    pub viewer_org: Option<String>,
    /// Leave out this organisation's documents.
    pub exclude_org: Option<String>,
    /// Leave out this document.
    pub exclude_id: Option<String>,
}

/// Telling words for the shared terms, from the query's text, without repeats: only terms that
/// carry at least 3 % of the dot product, and only words that say what the text is about.
fn shared_words(
    shared: &[(String, f32)],
    query: &Vector,
    words: &BTreeMap<String, String>,
    max: usize,
) -> Vec<String> {
    let dot: f32 = shared.iter().map(|(_, w)| w).sum();
    let judge = Analyzer::new(Flavour::Norwegian);
    let mut out: Vec<String> = Vec::new();
    for (term, weight) in shared {
        if *weight < 0.03 * dot {
            break;
        }
        let word = words
            .get(term)
            .or_else(|| query.origin.get(term).and_then(|o| words.get(o)))
            .cloned()
            .unwrap_or_else(|| TermBag::split(term).1.trim_start_matches('~').to_owned());
        if !out.contains(&word) && judge.is_telling(&word) {
            out.push(word);
        }
        if out.len() == max {
            break;
        }
    }
    out
}

fn best_cpv(source: &[String], other: &[String]) -> Option<CpvMatch> {
    let mut best: Option<CpvMatch> = None;
    for a in source {
        for b in other {
            if let Some(level) = CpvCode::from_stored(a).shared_level(&CpvCode::from_stored(b)) {
                if best.as_ref().is_none_or(|m| level > m.level) {
                    best = Some(CpvMatch {
                        code: a.clone(),
                        matched_code: b.clone(),
                        level,
                    });
                }
            }
        }
    }
    best
}

/// A source document prepared for matching: its text vector and words.
pub struct Source<'a> {
    item: &'a Indexable,
    bag: TermBag,
}

impl<'a> Source<'a> {
    /// Analyses the source.
    pub fn new(item: &'a Indexable) -> Source<'a> {
        Source {
            item,
            bag: TermBag::of_language(&item.text, item.language),
        }
    }
}

/// The score and the reasons other than the shared words, which [`explain`] adds.
fn why_and_score(source: &Source, c: &Candidate, text: f32, tuning: &Tuning) -> (f32, Why) {
    let cpv = best_cpv(&source.item.cpv_codes, &c.cpv_codes);
    let cpv_part = cpv.as_ref().map_or(0.0, |m| m.level.weight());
    let doc_national = c.counties.iter().any(|x| x == "national");
    let counties: Vec<String> = source
        .item
        .counties
        .iter()
        .filter(|x| c.counties.contains(x))
        .cloned()
        .collect();
    let national = source.item.national || doc_national;
    let region = if national || !counties.is_empty() {
        1.0
    } else {
        0.0
    };
    let themes: Vec<String> = source
        .item
        .themes
        .iter()
        .filter(|t| c.themes.contains(t))
        .cloned()
        .collect();
    let theme = if themes.is_empty() { 0.0 } else { 1.0 };
    let parts = ScoreParts {
        text,
        cpv: cpv_part,
        region,
        theme,
    };
    let score = tuning.combine(&parts, !source.item.cpv_codes.is_empty());
    let why = Why {
        // Filled by `explain` for the matches that are kept: most candidates are dropped.
        terms: Vec::new(),
        cpv,
        counties,
        national,
        themes,
        parts,
    };
    (score, why)
}

/// A scored candidate, with its stored bag for the reasons.
type Scored = (Match, Vec<u8>);

/// Scores candidates against a prepared query.
fn score_all(
    index: &SearchIndex,
    searcher: &Searcher,
    candidates: Vec<Candidate>,
    prepared: &Prepared,
    tuning: &Tuning,
    mut finish: impl FnMut(Candidate, f32) -> Match,
) -> Vec<Scored> {
    candidates
        .into_iter()
        .map(|mut c| {
            let text = index.text_cosine(searcher, prepared, &c.bag, tuning.translation);
            let bag = std::mem::take(&mut c.bag);
            (finish(c, text), bag)
        })
        .collect()
}

/// Sorts scored matches best first, keeps `limit`, and gives the kept ones their telling words:
/// the shared terms are worked out only for them.
fn explain(
    index: &SearchIndex,
    searcher: &Searcher,
    mut scored: Vec<Scored>,
    source: &Source,
    query: &Vector,
    translation: f32,
    limit: usize,
) -> Vec<Match> {
    scored.sort_by(|a, b| {
        b.0.score
            .total_cmp(&a.0.score)
            .then_with(|| a.0.id.cmp(&b.0.id))
    });
    scored.truncate(limit);
    scored
        .into_iter()
        .map(|(mut m, bag)| {
            let (_, shared) = index.cosine_with_bag(searcher, query, &bag, translation);
            m.why.terms = shared_words(&shared, query, &source.bag.words, 8);
            m
        })
        .collect()
}

/// The documents that match `source` best: capabilities for a need, open needs for a
/// capability, as set by `filters.doc_type`.
pub fn matches(
    index: &SearchIndex,
    source: &Indexable,
    filters: &Filters,
    limit: usize,
) -> Result<Vec<Match>, MatchError> {
    matches_tuned(index, source, filters, limit, &Tuning::default())
}

/// [`matches`] with other settings, for the evaluation.
pub fn matches_tuned(
    index: &SearchIndex,
    source: &Indexable,
    filters: &Filters,
    limit: usize,
    tuning: &Tuning,
) -> Result<Vec<Match>, MatchError> {
    let searcher = index.searcher()?;
    let source = Source::new(source);
    let query = index.vector(&searcher, &source.bag, tuning.translation);
    let mut scoring = index.text_clauses(&query, tuning.query_terms);
    for code in &source.item.cpv_codes {
        for token in CpvCode::from_stored(code).hierarchy_tokens() {
            let boost = match token.as_bytes()[0] {
                b'x' => 2.0,
                b'k' => 1.5,
                b'c' => 1.2,
                b'g' => 0.8,
                _ => 0.4,
            };
            scoring.push((
                Occur::Should,
                Box::new(BoostQuery::new(term_query(index.fields.cpv, &token), boost)),
            ));
        }
    }
    if scoring.is_empty() {
        return Ok(Vec::new());
    }
    let k = (limit * 3).clamp(tuning.candidates.max(1), 1500);
    let candidates = index.candidates(&searcher, scoring, filters, k)?;
    let prepared = index.prepare(&query, tuning.translation);
    let scored = score_all(
        index,
        &searcher,
        candidates,
        &prepared,
        tuning,
        |c, text| {
            let (score, why) = why_and_score(&source, &c, text, tuning);
            to_match(c, score, why)
        },
    );
    Ok(explain(
        index,
        &searcher,
        scored,
        &source,
        &query,
        tuning.translation,
        limit,
    ))
}

/// Other organisations' open needs most like `need`, by calibrated text similarity
/// (comparable across queries: high for a reworded copy, near 0 for unrelated text).
pub fn similar_needs(
    index: &SearchIndex,
    need: &Indexable,
    limit: usize,
) -> Result<Vec<Match>, MatchError> {
    let tuning = Tuning::default();
    let searcher = index.searcher()?;
    let source = Source::new(need);
    let query = index.vector(&searcher, &source.bag, tuning.translation);
    let scoring = index.text_clauses(&query, tuning.query_terms);
    if scoring.is_empty() {
        return Ok(Vec::new());
    }
    let filters = Filters {
        doc_type: Some(DocType::Need),
        open_only: true,
        exclude_org: Some(need.organisation_id.clone()),
        exclude_id: Some(need.id.clone()),
        ..Filters::default()
    };
    let k = (limit * 3).clamp(tuning.candidates.max(1), 1500);
    let candidates = index.candidates(&searcher, scoring, &filters, k)?;
    let prepared = index.prepare(&query, tuning.translation);
    let mut scored = score_all(
        index,
        &searcher,
        candidates,
        &prepared,
        &tuning,
        |c, text| {
            let (_, why) = why_and_score(&source, &c, text, &tuning);
            let similarity = tuning.calibrate(why.parts.text);
            let mut m = to_match(c, similarity, why);
            m.similarity = Some(m.score);
            m
        },
    );
    scored.retain(|(m, _)| m.score > 0.0);
    Ok(explain(
        index,
        &searcher,
        scored,
        &source,
        &query,
        tuning.translation,
        limit,
    ))
}

/// The text cosine of every two of `items` as [`similar_needs`] computes it before
/// calibration, with the index's document frequencies: for the evaluation, which compares it
/// with people's grades and fits the calibration.
pub fn similarity_matrix(
    index: &SearchIndex,
    items: &[Indexable],
    tuning: &Tuning,
) -> Result<Vec<Vec<f32>>, MatchError> {
    let searcher = index.searcher()?;
    let vectors: Vec<Vector> = items
        .iter()
        .map(|item| index.vector(&searcher, &Source::new(item).bag, tuning.translation))
        .collect();
    Ok(vectors
        .iter()
        .map(|a| vectors.iter().map(|b| cosine(a, b).0).collect())
        .collect())
}

/// Folds a best-first match list so that each organisation appears once, at its best match,
/// with its other matches in `also`; at most `limit` organisations.
pub fn group_by_organisation(matches: Vec<Match>, limit: usize) -> Vec<Match> {
    let mut out: Vec<Match> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    for m in matches {
        match at.get(&m.organisation_id) {
            Some(&i) => out[i].also.push(m),
            None if out.len() < limit => {
                at.insert(m.organisation_id.clone(), out.len());
                out.push(m);
            }
            None => {}
        }
    }
    out
}

fn to_match(c: Candidate, score: f32, why: Why) -> Match {
    Match {
        id: c.id,
        doc_type: c.doc_type,
        title: c.title,
        organisation_id: c.org_id,
        organisation_name: None,
        organisation_kind: c.org_kind,
        status: c.status,
        score: (score * 10_000.0).round() / 10_000.0,
        similarity: None,
        why,
        also: Vec::new(),
    }
}

/// Full-text search: `text` is analysed as words (never parsed as query syntax). With no words,
/// the filters alone select, newest first is not known to the index, so by id.
pub fn search(
    index: &SearchIndex,
    text: &str,
    filters: &Filters,
    limit: usize,
) -> Result<Vec<Match>, MatchError> {
    let searcher = index.searcher()?;
    let bag = TermBag::of(text, index.analyzers());
    // Words that analyse to nothing (stop words, punctuation) match nothing, rather than
    // everything the filters let through.
    if !text.trim().is_empty() && bag.counts.is_empty() {
        return Ok(Vec::new());
    }
    let tuning = Tuning::default();
    let query = index.vector(&searcher, &bag, tuning.translation);
    let scoring = index.text_clauses(&query, tuning.query_terms);
    let candidates = index.candidates(&searcher, scoring, filters, limit)?;
    let max = candidates.iter().map(|c| c.bm25).fold(0.0f32, f32::max);
    Ok(candidates
        .into_iter()
        .map(|c| {
            let (text_sim, shared) =
                index.cosine_with_bag(&searcher, &query, &c.bag, tuning.translation);
            let why = Why {
                terms: shared_words(&shared, &query, &bag.words, 8),
                cpv: None,
                counties: Vec::new(),
                national: false,
                themes: Vec::new(),
                parts: ScoreParts {
                    text: text_sim,
                    cpv: 0.0,
                    region: 0.0,
                    theme: 0.0,
                },
            };
            // BM25 is not comparable across queries; relative to the best hit it reads as a
            // share in [0, 1].
            let score = if max > 0.0 {
                (c.bm25 / max).clamp(0.0, 1.0)
            } else {
                0.0
            };
            to_match(c, score, why)
        })
        .collect())
}

/// Why matching could not run.
#[derive(Debug, thiserror::Error)]
pub enum MatchError {
    /// The index is being built.
    #[error(transparent)]
    NotReady(#[from] NotReady),
    /// The index failed.
    #[error(transparent)]
    Index(#[from] anyhow::Error),
}

impl From<tantivy::TantivyError> for MatchError {
    fn from(e: tantivy::TantivyError) -> MatchError {
        MatchError::Index(e.into())
    }
}
