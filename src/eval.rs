//! `innolift eval`: measures the matcher on the labelled evaluation set in `eval/`, beside a
//! plain BM25 baseline (tantivy's default tokenizer, no stemming, compounds, synonyms or CPV)
//! over the same documents.

use std::collections::HashMap;
use std::path::Path;

use anyhow::Context;
use serde::Deserialize;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Schema, Value, STORED, STRING, TEXT};
use tantivy::tokenizer::TokenStream;
use tantivy::{Index, TantivyDocument, Term};

use crate::db::capabilities::CapabilityRow;
use crate::db::needs::NeedRow;
use crate::db::organisations::{self, OrganisationRow};
use crate::db::{self, DbConn};
use crate::search::document::json_array;
use crate::search::document::{DocType, Indexable};
use crate::search::matching::{self, Filters};
use crate::search::{indexer, SearchIndex};
use crate::settings::Settings;

#[derive(Debug, Deserialize)]
struct EvalSet {
    capabilities: Vec<EvalItem>,
    needs: Vec<EvalItem>,
}

#[derive(Debug, Deserialize)]
struct EvalItem {
    key: String,
    #[serde(default)]
    kind: Option<String>,
    title: String,
    description: String,
    language: String,
    themes: Vec<String>,
    #[serde(default)]
    cpv_codes: Vec<String>,
    #[serde(default)]
    counties: Vec<String>,
    #[serde(default)]
    national: bool,
    #[serde(default)]
    maturity: Option<String>,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    relevant: HashMap<String, u32>,
}

/// A valid organisation number for the n-th evaluation organisation.
fn orgnr(seed: u32) -> String {
    let weights = [3, 2, 7, 6, 5, 4, 3, 2];
    let mut n = 80_000_000 + seed * 11;
    loop {
        let digits: Vec<u32> = format!("{n:08}")
            .bytes()
            .map(|b| u32::from(b - b'0'))
            .collect();
        let sum: u32 = digits.iter().zip(weights).map(|(d, w)| d * w).sum();
        match 11 - sum % 11 {
            10 => n += 1,
            11 => return format!("{n:08}0"),
            d => return format!("{n:08}{d}"),
        }
    }
}

fn load(
    conn: &mut DbConn,
    set: &EvalSet,
) -> anyhow::Result<(Vec<NeedRow>, HashMap<String, String>)> {
    let now = db::now();
    let mut org_of_key = HashMap::new();
    let mut orgs = Vec::new();
    for (i, item) in set.needs.iter().chain(&set.capabilities).enumerate() {
        let kind = item.kind.clone().unwrap_or_else(|| "buyer".into());
        let nr = orgnr(i as u32);
        let row = OrganisationRow {
            id: db::new_id(),
            kind,
            search_key: organisations::search_key(&item.key, &nr),
            orgnr: nr,
            name: format!("Eval {}", item.key),
            website: None,
            contact_email: None,
            sector: None,
            county: None,
            size: None,
            created_at: now,
            updated_at: now,
        };
        org_of_key.insert(item.key.clone(), row.id.clone());
        orgs.push(row);
    }
    let mut needs = Vec::new();
    let mut key_of_id = HashMap::new();
    db::write_tx(conn, |conn| {
        for org in &orgs {
            organisations::insert(conn, org)?;
        }
        for item in &set.needs {
            let row = NeedRow {
                id: db::new_id(),
                organisation_id: org_of_key[&item.key].clone(),
                created_by: None,
                title: item.title.clone(),
                description: item.description.clone(),
                themes: json_array(&item.themes),
                cpv_codes: json_array(&item.cpv_codes),
                counties: json_array(&item.counties),
                national: item.national,
                estimated_value_nok: None,
                planned_tender_date: None,
                status: crate::domain::NeedStatus::Open,
                language: item.language.clone(),
                source: "registered".into(),
                created_at: now,
                updated_at: now,
            };
            crate::db::needs::insert(conn, &row)?;
            needs.push(row);
        }
        for item in &set.capabilities {
            let row = CapabilityRow {
                id: db::new_id(),
                organisation_id: org_of_key[&item.key].clone(),
                created_by: None,
                title: item.title.clone(),
                description: item.description.clone(),
                themes: json_array(&item.themes),
                cpv_codes: json_array(&item.cpv_codes),
                counties: json_array(&item.counties),
                national: item.national,
                maturity: item.maturity.clone(),
                keywords: json_array(&item.keywords),
                reference_list: "[]".into(),
                language: item.language.clone(),
                created_at: now,
                updated_at: now,
            };
            key_of_id.insert(row.id.clone(), item.key.clone());
            crate::db::capabilities::insert(conn, &row)?;
        }
        Ok::<_, anyhow::Error>(())
    })?;
    Ok((needs, key_of_id))
}

/// nDCG@k, recall@k and reciprocal rank of one ranking.
fn metrics(ranked: &[String], grades: &HashMap<String, u32>, k: usize) -> (f64, f64, f64) {
    let gain = |g: u32| f64::from((1u32 << g) - 1);
    let dcg: f64 = ranked
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, key)| gain(*grades.get(key).unwrap_or(&0)) / ((i + 2) as f64).log2())
        .sum();
    let mut ideal: Vec<u32> = grades.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, g)| gain(*g) / ((i + 2) as f64).log2())
        .sum();
    let relevant = grades.values().filter(|g| **g > 0).count().max(1);
    let found = ranked
        .iter()
        .take(k)
        .filter(|key| grades.get(*key).is_some_and(|g| *g > 0))
        .count();
    let rr = ranked
        .iter()
        .position(|key| grades.get(key).is_some_and(|g| *g > 0))
        .map_or(0.0, |p| 1.0 / (p + 1) as f64);
    (
        if idcg > 0.0 { dcg / idcg } else { 0.0 },
        found as f64 / relevant as f64,
        rr,
    )
}

/// The baseline: plain BM25 over title, description and keywords.
struct Baseline {
    index: Index,
    id: tantivy::schema::Field,
    text: tantivy::schema::Field,
}

impl Baseline {
    fn build(set: &EvalSet) -> anyhow::Result<Baseline> {
        let mut b = Schema::builder();
        let id = b.add_text_field("id", STRING | STORED);
        let text = b.add_text_field("text", TEXT);
        let index = Index::create_in_ram(b.build());
        let mut writer: tantivy::IndexWriter = index.writer(20_000_000)?;
        for c in &set.capabilities {
            let mut doc = TantivyDocument::default();
            doc.add_text(id, &c.key);
            doc.add_text(
                text,
                format!("{}\n{}\n{}", c.title, c.description, c.keywords.join(", ")),
            );
            writer.add_document(doc)?;
        }
        writer.commit()?;
        Ok(Baseline { index, id, text })
    }

    fn rank(&self, query_text: &str, k: usize) -> anyhow::Result<Vec<String>> {
        let mut tokenizer = self
            .index
            .tokenizers()
            .get("default")
            .context("default tokenizer")?;
        let mut stream = tokenizer.token_stream(query_text);
        let mut terms = Vec::new();
        while stream.advance() {
            terms.push(stream.token().text.clone());
        }
        terms.sort();
        terms.dedup();
        let clauses: Vec<(Occur, Box<dyn Query>)> = terms
            .iter()
            .map(|t| {
                (
                    Occur::Should,
                    Box::new(TermQuery::new(
                        Term::from_field_text(self.text, t),
                        IndexRecordOption::WithFreqs,
                    )) as Box<dyn Query>,
                )
            })
            .collect();
        let searcher = self.index.reader()?.searcher();
        let top = searcher.search(&BooleanQuery::new(clauses), &TopDocs::with_limit(k))?;
        top.into_iter()
            .map(|(_, addr)| {
                let doc: TantivyDocument = searcher.doc(addr)?;
                Ok(doc
                    .get_first(self.id)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned())
            })
            .collect()
    }
}

/// Runs the evaluation and prints the figures.
pub fn run(file: &Path) -> anyhow::Result<()> {
    let set: EvalSet = serde_json::from_str(
        &std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))?,
    )
    .with_context(|| format!("{} is not an evaluation set", file.display()))?;
    let dir = std::env::temp_dir().join(format!("innolift-eval-{}", uuid::Uuid::new_v4().simple()));
    let result = evaluate(&set, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    let rows = result?;
    println!(
        "evaluation set {}: {} needs, {} capabilities",
        file.display(),
        set.needs.len(),
        set.capabilities.len()
    );
    println!(
        "{:<28} {:>9} {:>10} {:>7}",
        "", "nDCG@10", "recall@10", "MRR"
    );
    for (name, (ndcg, recall, mrr)) in rows {
        println!("{name:<28} {ndcg:>9.3} {recall:>10.3} {mrr:>7.3}");
    }
    Ok(())
}

fn evaluate(set: &EvalSet, dir: &Path) -> anyhow::Result<Vec<(String, (f64, f64, f64))>> {
    let settings = Settings::for_data_dir(dir);
    let db = crate::db::open_database(&settings)?;
    let mut conn = db.get()?;
    let (needs, key_of_id) = load(&mut conn, set)?;
    drop(conn);
    let index = SearchIndex::new(dir);
    let _writer = indexer::prepare(&index, &db)?;
    let baseline = Baseline::build(set)?;
    let filters = Filters {
        doc_type: Some(DocType::Capability),
        open_only: true,
        ..Filters::default()
    };
    let mut sums: Vec<(String, [f64; 3], usize)> = vec![
        ("innolift matcher".into(), [0.0; 3], 0),
        ("plain BM25 baseline".into(), [0.0; 3], 0),
        ("  matcher, cross-language".into(), [0.0; 3], 0),
        ("  baseline, cross-language".into(), [0.0; 3], 0),
    ];
    let by_key: HashMap<&str, &EvalItem> = set
        .capabilities
        .iter()
        .map(|c| (c.key.as_str(), c))
        .collect();
    for (item, row) in set.needs.iter().zip(&needs) {
        let found = matching::matches(&index, &Indexable::need(row, "buyer"), &filters, 100)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let ranked: Vec<String> = found
            .iter()
            .filter_map(|m| key_of_id.get(&m.id).cloned())
            .collect();
        let base = baseline.rank(&format!("{}\n{}", item.title, item.description), 100)?;
        // Judgements on capabilities in another language than the need.
        let cross: HashMap<String, u32> = item
            .relevant
            .iter()
            .filter(|(k, _)| {
                by_key
                    .get(String::as_str(k))
                    .is_some_and(|c| c.language != item.language)
            })
            .map(|(k, g)| (k.clone(), *g))
            .collect();
        for (slot, ranking, grades) in [
            (0, &ranked, &item.relevant),
            (1, &base, &item.relevant),
            (2, &ranked, &cross),
            (3, &base, &cross),
        ] {
            if grades.is_empty() {
                continue;
            }
            // Cross-language figures rank only the other-language capabilities.
            let ranking: Vec<String> = if slot >= 2 {
                ranking
                    .iter()
                    .filter(|k| {
                        by_key
                            .get(String::as_str(k))
                            .is_some_and(|c| c.language != item.language)
                    })
                    .cloned()
                    .collect()
            } else {
                ranking.clone()
            };
            let (n, r, m) = metrics(&ranking, grades, 10);
            let entry = &mut sums[slot];
            entry.1[0] += n;
            entry.1[1] += r;
            entry.1[2] += m;
            entry.2 += 1;
        }
    }
    Ok(sums
        .into_iter()
        .map(|(name, s, count)| {
            let c = count.max(1) as f64;
            (name, (s[0] / c, s[1] / c, s[2] / c))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_of_a_perfect_and_an_empty_ranking() {
        let grades: HashMap<String, u32> = [("a".to_owned(), 3), ("b".to_owned(), 1)].into();
        let (ndcg, recall, rr) = metrics(&["a".into(), "b".into()], &grades, 10);
        assert!(
            (ndcg - 1.0).abs() < 1e-9 && (recall - 1.0).abs() < 1e-9 && (rr - 1.0).abs() < 1e-9
        );
        let (ndcg, recall, rr) = metrics(&["x".into(), "b".into()], &grades, 10);
        assert!(ndcg < 0.2 && (recall - 0.5).abs() < 1e-9 && (rr - 0.5).abs() < 1e-9);
        assert_eq!(metrics(&[], &grades, 10), (0.0, 0.0, 0.0));
    }

    #[test]
    fn generated_orgnrs_are_valid() {
        for i in 0..300 {
            assert!(
                crate::domain::Orgnr::parse(&orgnr(i)).is_ok(),
                "{}",
                orgnr(i)
            );
        }
    }
}
