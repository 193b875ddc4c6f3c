//! The text part of a match score: tf-idf vectors expanded with the learnt translations, and
//! their cosine.
//!
//! Matching scores a hundred candidates a query. A candidate's vector length depends only on
//! its stored bag and the document frequencies, so it is computed once per bag and kept beside
//! the idf cache, keyed by the bag's hash (which survives merges, and changes with the text);
//! the dot product needs only the terms the query weighs on, found through a table the query
//! prepares once. The reasons (shared words) are worked out only for
//! the matches that are kept.

use std::collections::HashMap;

use rustc_hash::FxHashMap;
use tantivy::{Searcher, Term};

use super::analysis::bilingual_table;
use super::document::TermBag;
use super::SearchIndex;

/// Cached vector lengths kept before the cache starts over.
const NORMS_MAX: usize = 2_000_000;

/// A tf-idf vector: prefixed term → weight, and its length.
pub(super) struct Vector {
    pub(super) weights: FxHashMap<String, f32>,
    /// The idf each weight was computed with (`None` for a term no document has).
    idfs: FxHashMap<String, Option<f32>>,
    pub(super) norm: f32,
    /// A translated term → the term of the text it came from, for the reasons.
    pub(super) origin: HashMap<String, String>,
}

/// A query vector prepared for scoring many stored bags.
pub(super) struct Prepared {
    /// A candidate's term → the query terms it adds weight to: (index, factor, whether it is
    /// the term itself rather than a translation of it).
    interest: FxHashMap<String, Vec<(usize, f32, bool)>>,
    /// Each query term's weight and idf, by index.
    terms: Vec<(f32, Option<f32>)>,
    norm: f32,
}

/// The (term, tf) lines of a stored bag.
fn bag_lines(bag: &[u8]) -> impl Iterator<Item = (&str, f32)> {
    std::str::from_utf8(bag)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| line.rsplit_once(' '))
        .map(|(term, count)| (term, 1.0 + (count.parse::<u32>().unwrap_or(1) as f32).ln()))
}

impl SearchIndex {
    /// The idf of each key, from the cache or the index; `None` for a term no document has.
    pub(super) fn idfs(&self, searcher: &Searcher, keys: &[&str]) -> Vec<Option<f32>> {
        let n = searcher.num_docs() as f32;
        let mut idfs: Vec<Option<Option<f32>>> = {
            let cache = self.idf.read().unwrap_or_else(|e| e.into_inner());
            keys.iter()
                .map(|key| cache.values.get(*key).copied())
                .collect()
        };
        // Look the misses up without holding the lock, so concurrent requests don't queue.
        let mut fresh = Vec::new();
        for (slot, key) in idfs.iter_mut().zip(keys) {
            if slot.is_none() {
                let (flavour, term) = TermBag::split(key);
                // doc_freq counts deleted documents that num_docs does not.
                let df = (searcher
                    .doc_freq(&Term::from_field_text(self.fields.text(flavour), term))
                    .unwrap_or(0) as f32)
                    .min(n);
                let v = (df > 0.0).then(|| ((n + 1.0) / (df + 1.0)).ln() + 1.0);
                *slot = Some(v);
                fresh.push(((*key).to_owned(), v));
            }
        }
        if !fresh.is_empty() {
            let mut cache = self.idf.write().unwrap_or_else(|e| e.into_inner());
            if cache.values.len() > 500_000 {
                cache.values.clear();
                cache.norms.clear();
            }
            cache.values.extend(fresh);
        }
        idfs.into_iter().map(Option::flatten).collect()
    }

    /// The tf-idf vector of a bag, with each term's learnt translations added at `translation`
    /// times their Dice coefficient. Both sides of a comparison are expanded alike, so that
    /// similarity stays symmetric.
    pub(super) fn vector(&self, searcher: &Searcher, bag: &TermBag, translation: f32) -> Vector {
        let table = bilingual_table();
        let mut keys: Vec<&str> = bag.counts.keys().map(String::as_str).collect();
        let own = keys.len();
        if translation > 0.0 {
            for key in bag.counts.keys() {
                keys.extend(table.translations(key).iter().map(|(t, _)| t.as_str()));
            }
        }
        let idfs = self.idfs(searcher, &keys);
        let mut weights: FxHashMap<String, f32> =
            FxHashMap::with_capacity_and_hasher(keys.len(), Default::default());
        let mut used: FxHashMap<String, Option<f32>> = FxHashMap::default();
        let mut tfs = Vec::with_capacity(own);
        for ((key, count), idf) in bag.counts.iter().zip(&idfs) {
            let tf = 1.0 + (*count as f32).ln();
            tfs.push(tf);
            // A term no document has cannot be shared; it still says what this text is about.
            weights.insert(key.clone(), tf * idf.unwrap_or(1.0));
            used.insert(key.clone(), *idf);
        }
        let mut next = own;
        let mut origin = HashMap::new();
        if translation > 0.0 {
            for ((key, _), tf) in bag.counts.iter().zip(&tfs) {
                for (target, dice) in table.translations(key) {
                    let idf = idfs[next];
                    next += 1;
                    // Translations no document uses would only lengthen the vector.
                    let Some(idf) = idf else { continue };
                    let w = translation * dice * tf * idf;
                    match weights.get_mut(target) {
                        Some(slot) => *slot = slot.max(w),
                        None => {
                            weights.insert(target.clone(), w);
                            used.insert(target.clone(), Some(idf));
                            origin.insert(target.clone(), key.clone());
                        }
                    }
                }
            }
        }
        let norm = weights.values().map(|w| w * w).sum::<f32>().sqrt();
        Vector {
            weights,
            idfs: used,
            norm,
            origin,
        }
    }

    /// The weights of a stored bag, expanded as [`SearchIndex::vector`] expands, each term
    /// once at its heaviest, in term order.
    fn bag_weights<'b>(
        &self,
        searcher: &Searcher,
        bag: &'b [u8],
        translation: f32,
    ) -> Vec<(&'b str, f32)> {
        let table = bilingual_table();
        let (mut keys, tfs): (Vec<&str>, Vec<f32>) = bag_lines(bag).unzip();
        let own = keys.len();
        if translation > 0.0 {
            for i in 0..own {
                keys.extend(table.translations(keys[i]).iter().map(|(t, _)| t.as_str()));
            }
        }
        let idfs = self.idfs(searcher, &keys);
        let mut weights: Vec<(&str, f32)> = Vec::with_capacity(keys.len());
        for i in 0..own {
            weights.push((keys[i], tfs[i] * idfs[i].unwrap_or(1.0)));
        }
        let mut next = own;
        if translation > 0.0 {
            for i in 0..own {
                for (target, dice) in table.translations(keys[i]) {
                    if let Some(idf) = idfs[next] {
                        weights.push((target.as_str(), translation * dice * tfs[i] * idf));
                    }
                    next += 1;
                }
            }
        }
        // A translation may repeat a term of the text or another translation: the heaviest
        // counts, as in `vector`.
        weights.sort_unstable_by(|a, b| a.0.cmp(b.0).then(b.1.total_cmp(&a.1)));
        weights.dedup_by(|later, kept| later.0 == kept.0);
        weights
    }

    /// The length of a stored bag's vector, as [`SearchIndex::bag_weights`] would give it,
    /// without sorting every term: a bag's own terms are unique and in order, so only the
    /// translations need a check for repeats.
    fn bag_norm(&self, searcher: &Searcher, bag: &[u8], translation: f32) -> f32 {
        let table = bilingual_table();
        let lines: Vec<(&str, f32)> = bag_lines(bag).collect();
        if !lines.windows(2).all(|w| w[0].0 < w[1].0) {
            let weights = self.bag_weights(searcher, bag, translation);
            return weights.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        }
        let mut keys: Vec<&str> = lines.iter().map(|(term, _)| *term).collect();
        let own = keys.len();
        // For each translation: the own term it comes from, and its Dice coefficient.
        let mut from: Vec<(usize, f32)> = Vec::new();
        if translation > 0.0 {
            for (i, (term, _)) in lines.iter().enumerate() {
                for (target, dice) in table.translations(term) {
                    keys.push(target);
                    from.push((i, *dice));
                }
            }
        }
        let idfs = self.idfs(searcher, &keys);
        let mut weights: Vec<f32> = (0..own)
            .map(|i| lines[i].1 * idfs[i].unwrap_or(1.0))
            .collect();
        let mut extra: FxHashMap<&str, f32> = FxHashMap::default();
        for (j, (i, dice)) in from.into_iter().enumerate() {
            let Some(idf) = idfs[own + j] else { continue };
            let w = translation * dice * lines[i].1 * idf;
            let target = keys[own + j];
            let slot = match lines.binary_search_by(|(term, _)| (*term).cmp(target)) {
                Ok(at) => &mut weights[at],
                Err(_) => extra.entry(target).or_insert(0.0),
            };
            *slot = slot.max(w);
        }
        let squares: f32 = weights.iter().chain(extra.values()).map(|w| w * w).sum();
        squares.sqrt()
    }

    /// The cosine of `query` with a candidate's stored bag, and the shared terms heaviest
    /// first: for the reasons of the matches that are kept.
    pub(super) fn cosine_with_bag(
        &self,
        searcher: &Searcher,
        query: &Vector,
        bag: &[u8],
        translation: f32,
    ) -> (f32, Vec<(String, f32)>) {
        let weights = self.bag_weights(searcher, bag, translation);
        let norm = weights.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        if norm == 0.0 || query.norm == 0.0 {
            return (0.0, Vec::new());
        }
        let mut dot = 0.0;
        let mut shared = Vec::new();
        for (term, w) in weights {
            if let Some(q) = query.weights.get(term) {
                dot += q * w;
                shared.push((term.to_owned(), q * w));
            }
        }
        shared.sort_by(|x, y| y.1.total_cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
        ((dot / (norm * query.norm)).clamp(0.0, 1.0), shared)
    }

    /// Prepares `query` for [`SearchIndex::text_cosine`]: which candidate terms weigh on which
    /// query terms, directly or through a learnt translation.
    pub(super) fn prepare(&self, query: &Vector, translation: f32) -> Prepared {
        let table = bilingual_table();
        let mut interest: FxHashMap<String, Vec<(usize, f32, bool)>> = FxHashMap::default();
        let mut terms = Vec::with_capacity(query.weights.len());
        for (i, (term, weight)) in query.weights.iter().enumerate() {
            terms.push((*weight, query.idfs.get(term).copied().flatten()));
            interest
                .entry(term.clone())
                .or_default()
                .push((i, 1.0, true));
            if translation > 0.0 {
                for (source, dice) in table.sources(term) {
                    interest.entry(source.clone()).or_default().push((
                        i,
                        translation * dice,
                        false,
                    ));
                }
            }
        }
        Prepared {
            interest,
            terms,
            norm: query.norm,
        }
    }

    /// The cosine of a prepared query with a stored bag: the same value as
    /// [`SearchIndex::cosine_with_bag`], with the bag's length from the cache.
    pub(super) fn text_cosine(
        &self,
        searcher: &Searcher,
        query: &Prepared,
        bag: &[u8],
        translation: f32,
    ) -> f32 {
        if query.norm == 0.0 {
            return 0.0;
        }
        let key = {
            use std::hash::Hasher;
            let mut hasher = rustc_hash::FxHasher::default();
            hasher.write(bag);
            hasher.write_u32(translation.to_bits());
            hasher.finish()
        };
        let cached = self
            .idf
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .norms
            .get(&key)
            .copied();
        let norm = match cached {
            Some(norm) => norm,
            None => {
                let norm = self.bag_norm(searcher, bag, translation);
                let mut cache = self.idf.write().unwrap_or_else(|e| e.into_inner());
                if cache.norms.len() >= NORMS_MAX {
                    cache.norms.clear();
                }
                cache.norms.insert(key, norm);
                norm
            }
        };
        if norm == 0.0 {
            return 0.0;
        }
        // The candidate's weight on each query term, at its heaviest, as `bag_weights` keeps it.
        let mut best: FxHashMap<usize, f32> = FxHashMap::default();
        for (term, tf) in bag_lines(bag) {
            let Some(hits) = query.interest.get(term) else {
                continue;
            };
            for &(i, factor, own) in hits {
                let w = match (own, query.terms[i].1) {
                    (true, idf) => tf * idf.unwrap_or(1.0),
                    (false, Some(idf)) => factor * tf * idf,
                    (false, None) => continue,
                };
                let slot = best.entry(i).or_insert(0.0);
                *slot = slot.max(w);
            }
        }
        let dot: f32 = best.iter().map(|(i, w)| w * query.terms[*i].0).sum();
        (dot / (norm * query.norm)).clamp(0.0, 1.0)
    }
}

/// The cosine of two vectors and the shared terms, heaviest first.
pub(super) fn cosine(a: &Vector, b: &Vector) -> (f32, Vec<(String, f32)>) {
    if a.norm == 0.0 || b.norm == 0.0 {
        return (0.0, Vec::new());
    }
    let (small, large) = if a.weights.len() <= b.weights.len() {
        (a, b)
    } else {
        (b, a)
    };
    let mut dot = 0.0;
    let mut shared = Vec::new();
    for (term, w) in &small.weights {
        if let Some(v) = large.weights.get(term) {
            dot += w * v;
            shared.push((term.clone(), w * v));
        }
    }
    shared.sort_by(|x, y| y.1.total_cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
    ((dot / (a.norm * b.norm)).clamp(0.0, 1.0), shared)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Language;
    use crate::search::document::{DocType, Indexable};

    fn item(id: &str, language: Language, text: &str) -> Indexable {
        Indexable {
            id: id.into(),
            doc_type: DocType::Capability,
            organisation_id: "org".into(),
            org_kind: "supplier".into(),
            status: "open".into(),
            title: text.into(),
            text: text.into(),
            language,
            themes: Vec::new(),
            cpv_codes: Vec::new(),
            counties: Vec::new(),
            national: false,
        }
    }

    #[test]
    fn the_prepared_cosine_equals_the_full_one_for_every_translation_weight() {
        let dir = tempfile::tempdir().unwrap();
        let index = SearchIndex::new(dir.path());
        let (tantivy_index, _) = index.open_dir().unwrap();
        let mut writer = super::super::indexer::writer(&tantivy_index).unwrap();
        let texts = [
            (
                Language::Nb,
                "Elektrisk ferje og ladestasjon for hurtigbåter i kommunen",
            ),
            (
                Language::En,
                "Electric ferries, charging and battery systems for ships",
            ),
            (Language::Nb, "Skolemøbler, stoler og pulter til nye skoler"),
            (Language::En, "School furniture: chairs, desks and paper"),
            (
                Language::Nn,
                "Sensorar for vedlikehald av vegar om vinteren",
            ),
            (
                Language::En,
                "Winter road maintenance with sensors and vehicles",
            ),
        ];
        for (i, (language, text)) in texts.iter().enumerate() {
            writer
                .add_document(index.document(&item(&format!("d{i}"), *language, text)))
                .unwrap();
        }
        writer.commit().unwrap();
        index.go_live(tantivy_index).unwrap();
        let searcher = index.searcher().unwrap();
        // Two indexing threads may write two segments.
        let mut docs: Vec<Vec<u8>> = Vec::new();
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            for doc_id in 0..segment.max_doc() {
                let at = tantivy::DocAddress::new(ord as u32, doc_id);
                let doc: tantivy::TantivyDocument = searcher.doc(at).unwrap();
                let bag =
                    tantivy::schema::Value::as_bytes(&doc.get_first(index.fields.bag).unwrap())
                        .unwrap()
                        .to_vec();
                docs.push(bag);
            }
        }
        assert_eq!(docs.len(), texts.len());
        let mut positive = 0;
        for translation in [0.0, 1.0, 1.5] {
            for (language, text) in texts {
                let bag = TermBag::of_language(text, language);
                let query = index.vector(&searcher, &bag, translation);
                let prepared = index.prepare(&query, translation);
                for stored in &docs {
                    let (full, _) = index.cosine_with_bag(&searcher, &query, stored, translation);
                    // Twice: the length is computed the first time and cached the second.
                    for _ in 0..2 {
                        let fast = index.text_cosine(&searcher, &prepared, stored, translation);
                        assert!(
                            (fast - full).abs() < 1e-5,
                            "{text:?} at weight {translation}: {fast} against {full}"
                        );
                    }
                    positive += usize::from(full > 0.05);
                }
            }
        }
        assert!(positive > 18, "the texts share terms: {positive}");
    }
}
