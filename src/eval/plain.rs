//! The plain baselines: words as tantivy's default tokenizer makes them (lowercased runs of
//! letters and digits), with no stemming, stop words, compounds, synonyms, translations or CPV,
//! weighted by tf-idf (cosine) or BM25.

use std::collections::HashMap;

/// The words of `text`, lowercased, as the default tokenizer gives them.
pub fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && w.len() <= 40)
        .map(str::to_lowercase)
        .collect()
}

/// Term counts of one text.
struct Doc {
    tf: HashMap<String, u32>,
    len: usize,
}

impl Doc {
    fn of(text: &str) -> Doc {
        let words = tokens(text);
        let mut tf = HashMap::new();
        for w in &words {
            *tf.entry(w.clone()).or_insert(0) += 1;
        }
        Doc {
            tf,
            len: words.len(),
        }
    }
}

/// A collection of texts with its document frequencies.
pub struct Corpus {
    docs: Vec<Doc>,
    df: HashMap<String, u32>,
    avg_len: f64,
}

impl Corpus {
    /// The collection of `texts`.
    pub fn new<S: AsRef<str>>(texts: &[S]) -> Corpus {
        let docs: Vec<Doc> = texts.iter().map(|t| Doc::of(t.as_ref())).collect();
        let mut df = HashMap::new();
        for d in &docs {
            for w in d.tf.keys() {
                *df.entry(w.clone()).or_insert(0) += 1;
            }
        }
        let avg_len = docs.iter().map(|d| d.len).sum::<usize>() as f64 / docs.len().max(1) as f64;
        Corpus { docs, df, avg_len }
    }

    fn idf(&self, word: &str) -> f64 {
        let n = self.docs.len() as f64;
        let df = f64::from(*self.df.get(word).unwrap_or(&0));
        ((n + 1.0) / (df + 1.0)).ln() + 1.0
    }

    fn vector(&self, doc: &Doc) -> (HashMap<String, f64>, f64) {
        let weights: HashMap<String, f64> = doc
            .tf
            .iter()
            .map(|(w, c)| (w.clone(), (1.0 + f64::from(*c).ln()) * self.idf(w)))
            .collect();
        let norm = weights.values().map(|w| w * w).sum::<f64>().sqrt();
        (weights, norm)
    }

    /// The tf-idf cosine of a text with the `i`-th document.
    pub fn cosine(&self, text: &str, i: usize) -> f64 {
        let (a, na) = self.vector(&Doc::of(text));
        let (b, nb) = self.vector(&self.docs[i]);
        if na == 0.0 || nb == 0.0 {
            return 0.0;
        }
        a.iter()
            .filter_map(|(w, x)| b.get(w).map(|y| x * y))
            .sum::<f64>()
            / (na * nb)
    }

    /// The BM25 score (k1 1.2, b 0.75) of the `i`-th document for the words of `text`.
    pub fn bm25(&self, text: &str, i: usize) -> f64 {
        let doc = &self.docs[i];
        let n = self.docs.len() as f64;
        let mut words = tokens(text);
        words.sort();
        words.dedup();
        words
            .iter()
            .filter_map(|w| {
                let tf = f64::from(*doc.tf.get(w)?);
                let df = f64::from(*self.df.get(w).unwrap_or(&0));
                let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
                let norm = 1.2 * (0.25 + 0.75 * doc.len as f64 / self.avg_len.max(1.0));
                Some(idf * tf * 2.2 / (tf + norm))
            })
            .sum()
    }

    /// The indices of the documents best for `text` by `score`, best first, ties by index.
    pub fn rank(
        &self,
        text: &str,
        score: impl Fn(&Corpus, &str, usize) -> f64,
    ) -> Vec<(usize, f64)> {
        let mut scored: Vec<(usize, f64)> = (0..self.docs.len())
            .map(|i| (i, score(self, text, i)))
            .filter(|(_, s)| *s > 0.0)
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scored
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_text_has_cosine_one_and_a_foreign_one_zero() {
        let corpus = Corpus::new(&["electric ferry service", "school meals", "ferry ramps"]);
        assert!((corpus.cosine("electric ferry service", 0) - 1.0).abs() < 1e-9);
        assert_eq!(corpus.cosine("school meals", 0), 0.0);
        assert!(corpus.bm25("ferry", 2) > corpus.bm25("ferry", 1));
        let ranked = corpus.rank("ferry", Corpus::bm25);
        assert_eq!(ranked.len(), 2, "only documents with the word: {ranked:?}");
    }
}
