//! `innolift eval`: measures the matcher on the two labelled sets in `eval/`, beside plain BM25
//! and plain tf-idf cosine baselines over the same texts:
//!
//! - [`ranking`]: needs with graded capabilities (`eval/matching.json`): nDCG@10, recall@10,
//!   MRR and Spearman;
//! - [`pairs`]: need pairs graded by similarity (`eval/similarity.json`): Spearman against the
//!   grades, and how well each need finds its close partner.
//!
//! Every setting the matcher tunes is chosen by k-fold cross-validation: each fold is measured
//! with the settings that did best on the other folds. The in-sample figure (the best settings
//! on the whole set) is printed beside it.

pub mod pairs;
pub mod plain;
pub mod ranking;

use std::collections::HashMap;
use std::path::Path;

use anyhow::Context;
use serde::Deserialize;

use crate::db::capabilities::CapabilityRow;
use crate::db::needs::NeedRow;
use crate::db::organisations::{self, OrganisationRow};
use crate::db::{self, DbConn};
use crate::search::document::json_array;

/// A set of needs and capabilities: the capabilities graded per need, or (with no
/// capabilities) needs only.
#[derive(Debug, Deserialize)]
pub struct EvalSet {
    /// Capabilities.
    #[serde(default)]
    pub capabilities: Vec<EvalItem>,
    /// Needs, with their graded capabilities.
    pub needs: Vec<EvalItem>,
}

/// One need or capability of a set.
#[derive(Debug, Clone, Deserialize)]
pub struct EvalItem {
    /// Its key in the set.
    pub key: String,
    #[serde(default)]
    pub kind: Option<String>,
    pub title: String,
    pub description: String,
    pub language: String,
    pub themes: Vec<String>,
    #[serde(default)]
    pub cpv_codes: Vec<String>,
    #[serde(default)]
    pub counties: Vec<String>,
    #[serde(default)]
    pub national: bool,
    #[serde(default)]
    pub maturity: Option<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default)]
    pub relevant: HashMap<String, u32>,
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

/// Writes the set to the database: an organisation per item, then the needs and capabilities.
/// Returns the need rows in the set's order and the set's key of each capability id.
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
            verified_at: None,
            approval: "approved".to_owned(),
            approved_by: None,
            ended: None,
            form_code: None,
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
pub fn metrics(ranked: &[String], grades: &HashMap<String, u32>, k: usize) -> (f64, f64, f64) {
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

/// Spearman's rank correlation of two samples, ties ranked by their mean rank; 0 when either
/// has no spread.
pub fn spearman(x: &[f64], y: &[f64]) -> f64 {
    fn ranks(v: &[f64]) -> Vec<f64> {
        let mut order: Vec<usize> = (0..v.len()).collect();
        order.sort_by(|a, b| v[*a].total_cmp(&v[*b]));
        let mut out = vec![0.0; v.len()];
        let mut i = 0;
        while i < order.len() {
            let mut j = i;
            while j + 1 < order.len() && v[order[j + 1]] == v[order[i]] {
                j += 1;
            }
            let mean = (i + j) as f64 / 2.0 + 1.0;
            for k in &order[i..=j] {
                out[*k] = mean;
            }
            i = j + 1;
        }
        out
    }
    let (rx, ry) = (ranks(x), ranks(y));
    let n = x.len() as f64;
    if n < 2.0 {
        return 0.0;
    }
    let (mx, my) = (rx.iter().sum::<f64>() / n, ry.iter().sum::<f64>() / n);
    let cov: f64 = rx.iter().zip(&ry).map(|(a, b)| (a - mx) * (b - my)).sum();
    let vx: f64 = rx.iter().map(|a| (a - mx).powi(2)).sum();
    let vy: f64 = ry.iter().map(|b| (b - my).powi(2)).sum();
    if vx == 0.0 || vy == 0.0 {
        0.0
    } else {
        cov / (vx * vy).sqrt()
    }
}

/// The fold of each key: a fixed hash of the key, so that folds do not follow the file's order
/// and are the same on every run.
pub fn fold_of(key: &str, folds: usize) -> usize {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in key.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    (hash % folds.max(1) as u64) as usize
}

/// Cross-validated choice: for each fold, the candidate setting (an index into `scores`' rows)
/// with the best mean score on the other folds. `scores[setting][item]` is an item's score under
/// a setting, `fold[item]` its fold. Returns the setting each item is measured with.
pub fn cross_validated_choice(scores: &[Vec<f64>], fold: &[usize], folds: usize) -> Vec<usize> {
    let mut chosen = vec![0; fold.len()];
    for f in 0..folds {
        let best = best_setting(scores, |item| fold[item] != f);
        for (item, slot) in chosen.iter_mut().enumerate() {
            if fold[item] == f {
                *slot = best;
            }
        }
    }
    chosen
}

/// The setting with the best mean score over the items `include` lets in; the first on ties.
pub fn best_setting(scores: &[Vec<f64>], include: impl Fn(usize) -> bool) -> usize {
    let mut best = (0, f64::NEG_INFINITY);
    for (setting, row) in scores.iter().enumerate() {
        let (sum, count) = row
            .iter()
            .enumerate()
            .filter(|(item, _)| include(*item))
            .fold((0.0, 0usize), |(s, c), (_, v)| (s + v, c + 1));
        let mean = sum / count.max(1) as f64;
        if mean > best.1 + 1e-12 {
            best = (setting, mean);
        }
    }
    best.0
}

fn read_set<T: serde::de::DeserializeOwned>(file: &Path) -> anyhow::Result<T> {
    serde_json::from_str(
        &std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))?,
    )
    .with_context(|| format!("{} is not an evaluation set", file.display()))
}

/// A fresh data directory for one evaluation, removed afterwards.
fn with_scratch<T>(work: impl FnOnce(&Path) -> anyhow::Result<T>) -> anyhow::Result<T> {
    let dir = std::env::temp_dir().join(format!("innolift-eval-{}", uuid::Uuid::new_v4().simple()));
    let result = work(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// A figure measured in-sample and cross-validated: "0.630 / 0.601", or one value when nothing
/// was tuned.
fn pair(in_sample: f64, cross_validated: Option<f64>) -> String {
    match cross_validated {
        Some(cv) => format!("{in_sample:.3} / {cv:.3}"),
        None => format!("{in_sample:.3}"),
    }
}

/// Runs the evaluation on both sets and prints the figures.
pub fn run(matching: &Path, similarity: &Path, folds: usize) -> anyhow::Result<()> {
    let folds = folds.max(2);
    let set: EvalSet = read_set(matching)?;
    eprintln!("evaluating {} ...", matching.display());
    let rows = with_scratch(|dir| ranking::evaluate(&set, dir, folds))?;
    println!(
        "{}: {} needs, {} capabilities; innolift's figures are in-sample / {folds}-fold cross-validated",
        matching.display(),
        set.needs.len(),
        set.capabilities.len()
    );
    ranking::print(&rows);
    if similarity.exists() {
        let pairs: pairs::PairSet = read_set(similarity)?;
        eprintln!("evaluating {} ...", similarity.display());
        let rows = with_scratch(|dir| pairs::evaluate(&pairs, dir, folds))?;
        println!();
        println!(
            "{}: {} graded pairs; innolift's figures are in-sample / {folds}-fold cross-validated",
            similarity.display(),
            pairs.pairs.len()
        );
        ranking::print(&rows);
    } else {
        println!(
            "{} is missing: the similarity set was not measured",
            similarity.display()
        );
    }
    Ok(())
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
    fn spearman_of_agreeing_reversed_and_tied_samples() {
        let x = [1.0, 2.0, 3.0, 4.0];
        assert!((spearman(&x, &[10.0, 20.0, 30.0, 40.0]) - 1.0).abs() < 1e-9);
        assert!((spearman(&x, &[4.0, 3.0, 2.0, 1.0]) + 1.0).abs() < 1e-9);
        assert_eq!(spearman(&x, &[1.0, 1.0, 1.0, 1.0]), 0.0);
        let tied = spearman(&[1.0, 1.0, 2.0, 3.0], &[1.0, 2.0, 3.0, 4.0]);
        assert!(tied > 0.9 && tied < 1.0, "{tied}");
    }

    #[test]
    fn cross_validation_measures_each_fold_with_settings_from_the_others() {
        // Setting 1 is best on items 0 and 1 (fold 0), setting 0 on items 2 and 3 (fold 1): each
        // fold must be measured with the other fold's choice.
        let scores = vec![vec![0.0, 0.0, 1.0, 1.0], vec![1.0, 1.0, 0.0, 0.0]];
        let chosen = cross_validated_choice(&scores, &[0, 0, 1, 1], 2);
        assert_eq!(chosen, [0, 0, 1, 1]);
        assert_eq!(best_setting(&scores, |_| true), 0, "the first on a tie");
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
