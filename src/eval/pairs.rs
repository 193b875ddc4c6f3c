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
    vec![Tuning::default()]
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
    ])
}
