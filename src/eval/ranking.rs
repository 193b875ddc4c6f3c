//! The ranking set (`eval/matching.json`): each need ranks every capability, graded 0 to 3.

use std::collections::HashMap;
use std::path::Path;

use super::plain::Corpus;
use super::{metrics, spearman, EvalSet};
use crate::search::document::{DocType, Indexable};
use crate::search::matching::{self, Filters, ScoreParts, Tuning};
use crate::search::{indexer, SearchIndex};
use crate::settings::Settings;

/// One line of a table: nDCG@10, recall@10, MRR and Spearman, each in-sample with its
/// cross-validated figure where something was tuned; `None` where a figure does not apply.
pub struct Row {
    /// What was measured.
    pub name: String,
    /// The four figures.
    pub values: [Option<(f64, Option<f64>)>; 4],
}

/// Prints rows as a table.
pub fn print(rows: &[Row]) {
    println!(
        "{:<40} {:>15} {:>15} {:>15} {:>15}",
        "", "nDCG@10", "recall@10", "MRR", "Spearman"
    );
    for row in rows {
        let cells: Vec<String> = row
            .values
            .iter()
            .map(|v| v.map_or("-".to_owned(), |(i, cv)| super::pair(i, cv)))
            .collect();
        println!(
            "{:<40} {:>15} {:>15} {:>15} {:>15}",
            row.name, cells[0], cells[1], cells[2], cells[3]
        );
    }
}

/// The four figures of one ranking, overall and over the other-language capabilities only.
#[derive(Clone, Copy, Default)]
struct Figures {
    all: [f64; 4],
    cross: Option<[f64; 4]>,
}

/// The settings tried: every retrieval variant with every weighting.
pub fn grid() -> Vec<Tuning> {
    let mut out = Vec::new();
    for (query_terms, translation) in [24, 48, 96]
        .into_iter()
        .flat_map(|q| [0.0, 0.3, 0.6, 1.0].map(|t| (q, t)))
    {
        for cpv in [0.0, 0.06, 0.12, 0.2, 0.3] {
            for region in [0.0, 0.04, 0.08] {
                for theme in [0.0, 0.04, 0.08] {
                    out.push(Tuning {
                        text: 1.0 - cpv - region - theme,
                        cpv,
                        region,
                        theme,
                        query_terms,
                        translation,
                        ..Tuning::default()
                    });
                }
            }
        }
    }
    // The shipped settings are measured too, whether or not the grid holds them exactly.
    if !out.contains(&Tuning::default()) {
        out.push(Tuning::default());
    }
    out
}

/// Settings that find the same candidates (only the weights differ) share one search.
fn retrieval_key(t: &Tuning) -> String {
    let mut t = *t;
    (t.text, t.cpv, t.region, t.theme) = (0.0, 0.0, 0.0, 0.0);
    format!("{t:?}")
}

/// Measures the matcher and the baselines on `set`.
pub fn evaluate(set: &EvalSet, dir: &Path, folds: usize) -> anyhow::Result<Vec<Row>> {
    let settings = Settings::for_data_dir(dir);
    let db = crate::db::open_database(&settings)?;
    let mut conn = db.get()?;
    let (needs, key_of_id) = super::load(&mut conn, set)?;
    drop(conn);
    let index = SearchIndex::new(dir);
    let _writer = indexer::prepare(&index, &db)?;
    let language: HashMap<&str, &str> = set
        .capabilities
        .iter()
        .map(|c| (c.key.as_str(), c.language.as_str()))
        .collect();
    let filters = Filters {
        doc_type: Some(DocType::Capability),
        open_only: true,
        ..Filters::default()
    };
    let figures_of = |need: usize, scored: &[(String, f64)]| -> Figures {
        let item = &set.needs[need];
        let ranked: Vec<String> = scored.iter().map(|(k, _)| k.clone()).collect();
        let score: HashMap<&str, f64> = scored.iter().map(|(k, s)| (k.as_str(), *s)).collect();
        let four = |keys: &dyn Fn(&str) -> bool| -> Option<[f64; 4]> {
            let grades: HashMap<String, u32> = item
                .relevant
                .iter()
                .filter(|(k, _)| keys(k))
                .map(|(k, g)| (k.clone(), *g))
                .collect();
            if grades.is_empty() {
                return None;
            }
            let ranking: Vec<String> = ranked.iter().filter(|k| keys(k)).cloned().collect();
            let (ndcg, recall, mrr) = metrics(&ranking, &grades, 10);
            let (xs, ys): (Vec<f64>, Vec<f64>) = set
                .capabilities
                .iter()
                .filter(|c| keys(&c.key))
                .map(|c| {
                    (
                        *score.get(c.key.as_str()).unwrap_or(&0.0),
                        f64::from(*grades.get(&c.key).unwrap_or(&0)),
                    )
                })
                .unzip();
            Some([ndcg, recall, mrr, spearman(&xs, &ys)])
        };
        Figures {
            all: four(&|_| true).unwrap_or_default(),
            cross: four(&|k| language.get(k).is_some_and(|l| *l != item.language)),
        }
    };

    // The matcher under every setting: one search per retrieval variant, rescored per weighting.
    let grid = grid();
    let mut candidates: HashMap<String, Vec<Vec<(String, ScoreParts)>>> = HashMap::new();
    let mut per_setting: Vec<Vec<Figures>> = Vec::with_capacity(grid.len());
    for (n, tuning) in grid.iter().enumerate() {
        if n % 20 == 0 {
            eprint!("\r  settings {n}/{}", grid.len());
        }
        let key = retrieval_key(tuning);
        if !candidates.contains_key(&key) {
            let mut all = Vec::with_capacity(needs.len());
            for row in &needs {
                let found = matching::matches_tuned(
                    &index,
                    &Indexable::need(row, "buyer"),
                    &filters,
                    200,
                    tuning,
                )
                .map_err(|e| anyhow::anyhow!("{e}"))?;
                all.push(
                    found
                        .into_iter()
                        .filter_map(|m| key_of_id.get(&m.id).map(|k| (k.clone(), m.why.parts)))
                        .collect(),
                );
            }
            candidates.insert(key.clone(), all);
        }
        let found = &candidates[&key];
        per_setting.push(
            (0..needs.len())
                .map(|i| {
                    let has_cpv = !set.needs[i].cpv_codes.is_empty();
                    let mut scored: Vec<(String, f64)> = found[i]
                        .iter()
                        .map(|(k, parts)| (k.clone(), f64::from(tuning.combine(parts, has_cpv))))
                        .collect();
                    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                    figures_of(i, &scored)
                })
                .collect(),
        );
    }
    eprintln!("\r  settings {}/{}", grid.len(), grid.len());
    let fold: Vec<usize> = set
        .needs
        .iter()
        .map(|n| super::fold_of(&n.key, folds))
        .collect();
    let ndcg: Vec<Vec<f64>> = per_setting
        .iter()
        .map(|s| s.iter().map(|f| f.all[0]).collect())
        .collect();
    let best = super::best_setting(&ndcg, |_| true);
    let chosen = super::cross_validated_choice(&ndcg, &fold, folds);
    let in_sample: Vec<Figures> = per_setting[best].clone();
    let cv: Vec<Figures> = chosen
        .iter()
        .enumerate()
        .map(|(i, s)| per_setting[*s][i])
        .collect();
    let shipped = grid
        .iter()
        .position(|t| *t == Tuning::default())
        .map(|s| per_setting[s].clone());
    println!("settings chosen in-sample: {:?}", grid[best]);

    // How deep the candidate pool must be: the service asks for 20 matches and scores at least
    // `candidates`; here the first 10 are measured, with the shipped settings otherwise.
    let mut depths = Vec::new();
    for depth in [20, 40, 60, 100, 200] {
        let tuning = Tuning {
            candidates: depth,
            ..Tuning::default()
        };
        let mut sums = [0.0; 3];
        for (i, row) in needs.iter().enumerate() {
            let found = matching::matches_tuned(
                &index,
                &Indexable::need(row, "buyer"),
                &filters,
                10,
                &tuning,
            )
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            let scored: Vec<(String, f64)> = found
                .into_iter()
                .filter_map(|m| {
                    key_of_id
                        .get(&m.id)
                        .map(|k| (k.clone(), f64::from(m.score)))
                })
                .collect();
            let figures = figures_of(i, &scored).all;
            for (sum, value) in sums.iter_mut().zip(figures) {
                *sum += value;
            }
        }
        let n = needs.len().max(1) as f64;
        depths.push(format!(
            "{depth}: {:.3} / {:.3} / {:.3}",
            sums[0] / n,
            sums[1] / n,
            sums[2] / n
        ));
    }
    println!(
        "candidate depth (nDCG@10 / recall@10 / MRR, shipped settings, in-sample): {}",
        depths.join(", ")
    );

    // The baselines.
    let texts: Vec<String> = set
        .capabilities
        .iter()
        .map(|c| format!("{}\n{}\n{}", c.title, c.description, c.keywords.join(", ")))
        .collect();
    let corpus = Corpus::new(&texts);
    let baseline = |score: fn(&Corpus, &str, usize) -> f64| -> Vec<Figures> {
        set.needs
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let scored: Vec<(String, f64)> = corpus
                    .rank(&format!("{}\n{}", n.title, n.description), score)
                    .into_iter()
                    .map(|(c, s)| (set.capabilities[c].key.clone(), s))
                    .collect();
                figures_of(i, &scored)
            })
            .collect()
    };
    let bm25 = baseline(Corpus::bm25);
    let tfidf = baseline(Corpus::cosine);

    let mean = |figs: &[Figures], cross: bool, m: usize| -> Option<f64> {
        let values: Vec<f64> = figs
            .iter()
            .filter_map(|f| {
                if cross {
                    f.cross.map(|c| c[m])
                } else {
                    Some(f.all[m])
                }
            })
            .collect();
        (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
    };
    let row = |name: &str, a: &[Figures], b: Option<&[Figures]>, cross: bool| Row {
        name: name.to_owned(),
        values: std::array::from_fn(|m| {
            mean(a, cross, m).map(|x| (x, b.and_then(|b| mean(b, cross, m))))
        }),
    };
    let mut rows = vec![row("innolift matcher", &in_sample, Some(&cv), false)];
    if let Some(shipped) = &shipped {
        rows.push(row("innolift, shipped settings", shipped, None, false));
    }
    rows.push(row("plain BM25 baseline", &bm25, None, false));
    rows.push(row("plain tf-idf cosine baseline", &tfidf, None, false));
    let crossing = in_sample.iter().filter(|f| f.cross.is_some()).count();
    rows.push(Row {
        name: format!("cross-language subset ({crossing} needs):"),
        values: [None; 4],
    });
    rows.push(row("  innolift matcher", &in_sample, Some(&cv), true));
    rows.push(row("  plain BM25 baseline", &bm25, None, true));
    rows.push(row("  plain tf-idf cosine baseline", &tfidf, None, true));
    Ok(rows)
}
