//! The similarity set (`eval/similarity.json`): pairs of needs graded 0 (unrelated) to 4 (the
//! same need), in Bokmål, Nynorsk and English.
//!
//! Two figures come from it: Spearman's correlation of the similarity with the grades over all
//! pairs, and how well a need finds its close partner (grade 3 or 4) among all the set's texts
//! (nDCG@10, recall@10 and MRR, where only the partner is judged and every other text counts as
//! not relevant).

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use super::plain::Corpus;
use super::ranking::Row;
use super::{metrics, spearman, EvalItem, EvalSet};
use crate::search::document::Indexable;
use crate::search::matching::{self, Tuning};
use crate::search::{indexer, SearchIndex};
use crate::settings::Settings;

/// The set as written.
#[derive(Debug, Deserialize)]
pub struct PairSet {
    /// The pairs.
    pub pairs: Vec<Pair>,
}

/// Two needs and how alike people judged them.
#[derive(Debug, Deserialize)]
pub struct Pair {
    /// Its key.
    pub key: String,
    /// One need.
    pub a: Text,
    /// The other.
    pub b: Text,
    /// 0 (unrelated) to 4 (the same need).
    pub grade: u32,
}

/// A need's text.
#[derive(Debug, Deserialize)]
pub struct Text {
    /// Its title.
    pub title: String,
    /// Its description.
    pub description: String,
    /// `nb`, `nn` or `en`.
    pub language: String,
}

/// The similarity settings tried.
pub fn grid() -> Vec<Tuning> {
    [0.0, 0.3, 0.6, 1.0, 1.5]
        .into_iter()
        .map(|translation| Tuning {
            translation,
            ..Tuning::default()
        })
        .collect()
}

/// What a grade means on the calibrated scale: grade 0 (unrelated) is 0, grade 4 (the same
/// need) 1, evenly between.
fn target(grade: f64) -> f64 {
    grade / 4.0
}

/// The calibration `(floor, scale)` with the least squared error between the calibrated
/// similarity and [`target`] of the grade over the pairs `include` lets through.
fn fit_calibration(cosines: &[f64], grades: &[f64], include: &dyn Fn(usize) -> bool) -> (f32, f32) {
    let mut best = (
        f64::INFINITY,
        Tuning::default().similarity_floor,
        Tuning::default().similarity_scale,
    );
    for f in 0..=40 {
        for s in 1..=60 {
            let t = Tuning {
                similarity_floor: f as f32 * 0.01,
                similarity_scale: s as f32 * 0.005,
                ..Tuning::default()
            };
            let error: f64 = (0..cosines.len())
                .filter(|p| include(*p))
                .map(|p| (f64::from(t.calibrate(cosines[p] as f32)) - target(grades[p])).powi(2))
                .sum();
            if error < best.0 {
                best = (error, t.similarity_floor, t.similarity_scale);
            }
        }
    }
    (best.1, best.2)
}

/// The calibration fitted on all pairs, and its mean absolute error in-sample and on held-out
/// folds, and what the closest pairs (grade 4) and unrelated ones (grade 0) score on average.
fn calibration(cosines: &[f64], grades: &[f64], fold: &[usize], folds: usize) -> String {
    let (floor, scale) = fit_calibration(cosines, grades, &|_| true);
    let calibrate = |p: usize, floor: f32, scale: f32| {
        f64::from(
            Tuning {
                similarity_floor: floor,
                similarity_scale: scale,
                ..Tuning::default()
            }
            .calibrate(cosines[p] as f32),
        )
    };
    let n = cosines.len().max(1) as f64;
    let in_sample: f64 = (0..cosines.len())
        .map(|p| (calibrate(p, floor, scale) - target(grades[p])).abs())
        .sum::<f64>()
        / n;
    let mut held_out = vec![0.0; cosines.len()];
    for f in 0..folds {
        let (fl, sc) = fit_calibration(cosines, grades, &|p| fold[p] != f);
        for p in (0..cosines.len()).filter(|p| fold[*p] == f) {
            held_out[p] = calibrate(p, fl, sc);
        }
    }
    let cv: f64 = (0..cosines.len())
        .map(|p| (held_out[p] - target(grades[p])).abs())
        .sum::<f64>()
        / n;
    let mean_at = |g: f64| {
        let v: Vec<f64> = (0..cosines.len())
            .filter(|p| grades[*p] == g)
            .map(|p| held_out[p])
            .collect();
        v.iter().sum::<f64>() / v.len().max(1) as f64
    };
    let cosine_at = |g: f64| {
        let v: Vec<f64> = (0..cosines.len())
            .filter(|p| grades[*p] == g)
            .map(|p| cosines[p])
            .collect();
        format!("{:.2}", v.iter().sum::<f64>() / v.len().max(1) as f64)
    };
    let by_grade: Vec<String> = (0..=4).map(|g| cosine_at(f64::from(g))).collect();
    format!(
        "calibration: logistic around cosine {floor:.2}, scale {scale:.3}; mean absolute error against grade / 4 {in_sample:.3} in-sample, {cv:.3} cross-validated; held-out mean {:.2} at grade 4, {:.2} at grade 1 and {:.2} at grade 0; mean cosine by grade 0-4: {}",
        mean_at(4.0),
        mean_at(1.0),
        mean_at(0.0),
        by_grade.join(" ")
    )
}

/// The figures of one similarity matrix over the set's texts (pair `p` is texts `2p`, `2p+1`).
struct Measured {
    /// The similarity of each pair.
    similarity: Vec<f64>,
    /// Per query text of a close pair: nDCG@10, recall@10, MRR of finding its partner.
    retrieval: Vec<(usize, [f64; 3])>,
}

fn measure(set: &PairSet, matrix: &dyn Fn(usize, usize) -> f64) -> Measured {
    let n = set.pairs.len() * 2;
    let similarity = (0..set.pairs.len())
        .map(|p| matrix(2 * p, 2 * p + 1))
        .collect();
    let mut retrieval = Vec::new();
    for (p, pair) in set.pairs.iter().enumerate() {
        if pair.grade < 3 {
            continue;
        }
        for (query, partner) in [(2 * p, 2 * p + 1), (2 * p + 1, 2 * p)] {
            let mut others: Vec<(usize, f64)> = (0..n)
                .filter(|j| *j != query)
                .map(|j| (j, matrix(query, j)))
                .filter(|(_, s)| *s > 0.0)
                .collect();
            others.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            let ranked: Vec<String> = others.iter().map(|(j, _)| j.to_string()).collect();
            let grades: HashMap<String, u32> = [(partner.to_string(), pair.grade - 1)].into();
            let (ndcg, recall, mrr) = metrics(&ranked, &grades, 10);
            retrieval.push((p, [ndcg, recall, mrr]));
        }
    }
    Measured {
        similarity,
        retrieval,
    }
}

/// Measures the matcher's similarity and the baselines on `set`.
pub fn evaluate(set: &PairSet, dir: &Path, folds: usize) -> anyhow::Result<Vec<Row>> {
    let texts: Vec<&Text> = set.pairs.iter().flat_map(|p| [&p.a, &p.b]).collect();
    let as_set = EvalSet {
        capabilities: Vec::new(),
        needs: texts
            .iter()
            .enumerate()
            .map(|(i, t)| EvalItem {
                key: format!("t{i}"),
                kind: None,
                title: t.title.clone(),
                description: t.description.clone(),
                language: t.language.clone(),
                themes: Vec::new(),
                cpv_codes: Vec::new(),
                counties: Vec::new(),
                national: false,
                maturity: None,
                keywords: Vec::new(),
                relevant: HashMap::new(),
            })
            .collect(),
    };
    let settings = Settings::for_data_dir(dir);
    let db = crate::db::open_database(&settings)?;
    let mut conn = db.get()?;
    let (rows, _) = super::load(&mut conn, &as_set)?;
    drop(conn);
    let index = SearchIndex::new(dir);
    let _writer = indexer::prepare(&index, &db)?;
    let items: Vec<Indexable> = rows.iter().map(|r| Indexable::need(r, "buyer")).collect();

    let grid = grid();
    let mut measured = Vec::with_capacity(grid.len());
    for tuning in &grid {
        let m = matching::similarity_matrix(&index, &items, tuning)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        measured.push(measure(set, &|i, j| f64::from(m[i][j])));
    }
    let grades: Vec<f64> = set.pairs.iter().map(|p| f64::from(p.grade)).collect();
    let fold: Vec<usize> = set
        .pairs
        .iter()
        .map(|p| super::fold_of(&p.key, folds))
        .collect();
    let rho = |m: &Measured, include: &dyn Fn(usize) -> bool| {
        let (x, y): (Vec<f64>, Vec<f64>) = (0..grades.len())
            .filter(|p| include(*p))
            .map(|p| (m.similarity[p], grades[p]))
            .unzip();
        spearman(&x, &y)
    };
    // Settings are chosen by Spearman on the other folds; the held-out predictions are pooled.
    let pick = |include: &dyn Fn(usize) -> bool| {
        (0..measured.len())
            .max_by(|a, b| {
                rho(&measured[*a], include)
                    .total_cmp(&rho(&measured[*b], include))
                    .then(b.cmp(a))
            })
            .unwrap_or(0)
    };
    let best = pick(&|_| true);
    let mut chosen = vec![0; grades.len()];
    for f in 0..folds {
        let s = pick(&|p| fold[p] != f);
        for (p, slot) in chosen.iter_mut().enumerate() {
            if fold[p] == f {
                *slot = s;
            }
        }
    }
    let cv = Measured {
        similarity: (0..grades.len())
            .map(|p| measured[chosen[p]].similarity[p])
            .collect(),
        retrieval: measured[0]
            .retrieval
            .iter()
            .enumerate()
            .map(|(r, (p, _))| (*p, measured[chosen[*p]].retrieval[r].1))
            .collect(),
    };
    let tuned = grid.len() > 1;

    let corpus = Corpus::new(
        &texts
            .iter()
            .map(|t| format!("{}\n{}", t.title, t.description))
            .collect::<Vec<_>>(),
    );
    let text = |i: usize| format!("{}\n{}", texts[i].title, texts[i].description);
    let tfidf = measure(set, &|i, j| corpus.cosine(&text(i), j));
    let self_bm25: Vec<f64> = (0..texts.len())
        .map(|i| corpus.bm25(&text(i), i).max(1e-9))
        .collect();
    let bm25 = measure(set, &|i, j| {
        (corpus.bm25(&text(i), j) / self_bm25[i] + corpus.bm25(&text(j), i) / self_bm25[j]) / 2.0
    });

    let cross = |p: usize| set.pairs[p].a.language != set.pairs[p].b.language;
    let row = |name: &str, m: &Measured, cv: Option<&Measured>, only_cross: bool| {
        let include = |p: usize| !only_cross || cross(p);
        let mean = |m: &Measured, k: usize| {
            let v: Vec<f64> = m
                .retrieval
                .iter()
                .filter(|(p, _)| include(*p))
                .map(|(_, f)| f[k])
                .collect();
            (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
        };
        let mut values: [Option<(f64, Option<f64>)>; 4] = [None; 4];
        for (k, slot) in values.iter_mut().take(3).enumerate() {
            *slot = mean(m, k).map(|x| (x, cv.and_then(|c| mean(c, k))));
        }
        values[3] = Some((rho(m, &include), cv.map(|c| rho(c, &include))));
        Row {
            name: name.to_owned(),
            values,
        }
    };
    let cv = tuned.then_some(&cv);
    let calibrated = calibration(&measured[best].similarity, &grades, &fold, folds);
    let crossing = (0..grades.len()).filter(|p| cross(*p)).count();
    Ok(vec![
        row("innolift similarity", &measured[best], cv, false),
        row("plain BM25 baseline", &bm25, None, false),
        row("plain tf-idf cosine baseline", &tfidf, None, false),
        Row {
            name: format!("cross-language subset ({crossing} pairs):"),
            values: [None; 4],
        },
        row("  innolift similarity", &measured[best], cv, true),
        row("  plain BM25 baseline", &bm25, None, true),
        row("  plain tf-idf cosine baseline", &tfidf, None, true),
        Row {
            name: format!(
                "best translation weight {}; {calibrated}",
                grid[best].translation
            ),
            values: [None; 4],
        },
    ])
}
