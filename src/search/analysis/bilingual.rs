//! An English–Norwegian term table learnt from the CPV vocabulary's aligned label pairs by Dice
//! co-occurrence, so that a need in one language finds partners writing in the other.
//!
//! Each label pair is analysed without synonyms (stems, and the parts of Norwegian compounds).
//! A Norwegian and an English term that appear in the same pairs far more often than apart are
//! each other's translation: `dice = 2 c(e, n) / (c(e) + c(n))`. Pairs seen fewer than
//! [`MIN_PAIRS`] times or below [`MIN_DICE`] are dropped, and each term keeps its
//! [`PER_TERM`] best. Terms that the curated synonym groups already join are left to them.

use std::collections::{HashMap, HashSet};

use rustc_hash::FxHashMap;

use super::{lexicon, Analyzer};

/// Label pairs a term pair must share.
pub const MIN_PAIRS: u32 = 2;
/// The least Dice coefficient kept.
pub const MIN_DICE: f32 = 0.3;
/// Translations kept per term.
pub const PER_TERM: usize = 3;

/// Term key (`n:skol`) → its translations (`e:school`) with their Dice coefficients, best
/// first.
#[derive(Debug, Default)]
pub struct Bilingual {
    /// Looked up for every term of every candidate: hashed the fast way.
    map: FxHashMap<String, Vec<(String, f32)>>,
    /// The same pairs the other way: a term → the terms it is a translation of.
    reverse: FxHashMap<String, Vec<(String, f32)>>,
}

impl Bilingual {
    /// Learns the table from the shipped CPV vocabulary.
    pub fn learn(norwegian: &Analyzer, english: &Analyzer) -> Bilingual {
        let labels = lexicon::cpv_labels(crate::domain::cpv::SHIPPED_CSV).unwrap_or_default();
        Bilingual::learn_from(&labels, norwegian, english)
    }

    /// Learns the table from (English, Bokmål) label pairs.
    pub fn learn_from(
        labels: &[(String, String)],
        norwegian: &Analyzer,
        english: &Analyzer,
    ) -> Bilingual {
        let mut map: FxHashMap<String, Vec<(String, f32)>> = FxHashMap::default();
        for ((e, n), dice) in align(labels, norwegian, english) {
            // Keys as the index writes them: a term in a synonym group is that group's.
            let (re, rn) = (norwegian.resolve(&e), norwegian.resolve(&n));
            if re == rn || re.starts_with("x:") && rn.starts_with("x:") {
                continue;
            }
            if !re.starts_with("x:") {
                map.entry(re.clone()).or_default().push((rn.clone(), dice));
            }
            if !rn.starts_with("x:") {
                map.entry(rn).or_default().push((re, dice));
            }
        }
        for list in map.values_mut() {
            list.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            list.dedup_by(|a, b| a.0 == b.0);
            list.truncate(PER_TERM);
        }
        let mut reverse: FxHashMap<String, Vec<(String, f32)>> = FxHashMap::default();
        for (source, list) in &map {
            for (target, dice) in list {
                reverse
                    .entry(target.clone())
                    .or_default()
                    .push((source.clone(), *dice));
            }
        }
        Bilingual { map, reverse }
    }

    /// The translations of a term key, best first.
    pub fn translations(&self, key: &str) -> &[(String, f32)] {
        self.map.get(key).map_or(&[], Vec::as_slice)
    }

    /// The terms that have `key` among their translations, with the same Dice coefficients.
    pub fn sources(&self, key: &str) -> &[(String, f32)] {
        self.reverse.get(key).map_or(&[], Vec::as_slice)
    }

    /// How many terms have translations.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether nothing was learnt.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// The aligned (English, Norwegian) stem pairs of the label pairs, before synonyms, with their
/// Dice coefficients: every pair seen at least [`MIN_PAIRS`] times with Dice at least
/// [`MIN_DICE`].
pub fn align(
    labels: &[(String, String)],
    norwegian: &Analyzer,
    english: &Analyzer,
) -> Vec<((String, String), f32)> {
    let mut count: HashMap<String, u32> = HashMap::new();
    let mut joint: HashMap<(String, String), u32> = HashMap::new();
    for (en, nb) in labels {
        let e: HashSet<String> = english
            .raw_terms(en)
            .into_iter()
            .map(|t| format!("e:{t}"))
            .collect();
        let n: HashSet<String> = norwegian
            .raw_terms(nb)
            .into_iter()
            .map(|t| format!("n:{t}"))
            .collect();
        for t in e.iter().chain(&n) {
            *count.entry(t.clone()).or_insert(0) += 1;
        }
        for a in &e {
            for b in &n {
                *joint.entry((a.clone(), b.clone())).or_insert(0) += 1;
            }
        }
    }
    let mut out: Vec<((String, String), f32)> = joint
        .into_iter()
        .filter(|(_, c)| *c >= MIN_PAIRS)
        .map(|((e, n), c)| {
            let dice = 2.0 * c as f32 / (count[&e] + count[&n]) as f32;
            ((e, n), dice)
        })
        .filter(|(_, dice)| *dice >= MIN_DICE)
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::analysis::Flavour;

    /// Pairs the table must learn; none of them is a curated synonym.
    const TRANSLATED: &[(&str, &str)] = &[
        ("stol", "chair"),
        ("papir", "paper"),
        ("kjøretøy", "vehicle"),
        ("tre", "wood"),
        ("vask", "wash"),
    ];

    fn key(analyzer: &Analyzer, word: &str) -> String {
        let flavour = analyzer.flavour();
        super::super::key(flavour, &analyzer.analyze(word)[0].term)
    }

    #[test]
    fn school_and_skole_are_learnt_from_the_cpv_labels() {
        let (no, en) = (
            Analyzer::new(Flavour::Norwegian),
            Analyzer::new(Flavour::English),
        );
        let table = Bilingual::learn(&no, &en);
        assert!(
            table.len() > 1000,
            "a table of thousands of terms: {}",
            table.len()
        );
        let labels = lexicon::cpv_labels(crate::domain::cpv::SHIPPED_CSV).unwrap();
        let aligned = align(&labels, &no, &en);
        let pair = |e: &str, n: &str| {
            aligned
                .iter()
                .find(|(p, _)| p.0 == format!("e:{e}") && p.1 == format!("n:{n}"))
                .map(|(_, d)| *d)
        };
        assert!(pair("school", "skol").is_some(), "skole aligns with school");
        // "skole" and "school" are also a curated group, which the table then leaves to it.
        assert!(table.translations(&key(&no, "skole")).is_empty());
        for (n, e) in TRANSLATED {
            let (kn, ke) = (key(&no, n), key(&en, e));
            assert!(
                table.translations(&kn).iter().any(|(t, _)| *t == ke),
                "{kn} → {:?}",
                table.translations(&kn)
            );
        }
    }

    #[test]
    fn ferje_and_ferry_meet_through_the_curated_synonyms() {
        let (no, en) = (
            Analyzer::new(Flavour::Norwegian),
            Analyzer::new(Flavour::English),
        );
        assert_eq!(key(&no, "ferje"), key(&en, "ferry"));
        assert!(
            key(&no, "ferje").starts_with("x:"),
            "a language-neutral term"
        );
    }

    #[test]
    fn rare_and_weak_pairs_are_dropped() {
        let (no, en) = (
            Analyzer::new(Flavour::Norwegian),
            Analyzer::new(Flavour::English),
        );
        let labels: Vec<(String, String)> = [
            ("Glass jars", "Glasskrukker"),
            ("Glass plates", "Glassplater"),
            ("Wooden plates", "Treplater"),
            ("Copper wire", "Kobbertråd"),
        ]
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect();
        let table = Bilingual::learn_from(&labels, &no, &en);
        let glass_en = key(&en, "glass");
        assert!(
            table
                .translations(&glass_en)
                .iter()
                .any(|(t, _)| t.ends_with(":glass")),
            "{:?}",
            table.translations(&glass_en)
        );
        assert!(
            table.translations(&key(&en, "copper")).is_empty(),
            "seen once: not learnt"
        );
    }
}
