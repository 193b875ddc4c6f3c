//! The search index (tantivy): needs and capabilities, analysed in Norwegian and English, with
//! CPV codes by hierarchy, counties and themes.
//!
//! The database is the truth. Every change is queued in the database in the same transaction
//! (see [`crate::db::index_queue`]); one indexer thread per process applies the queue with one
//! long-lived writer and batched commits, and reloads the reader after each. The index can always
//! be rebuilt from the database, and is rebuilt on start when it is missing, damaged, or of
//! another schema or analysis version.

pub mod analysis;
mod candidates;
pub mod document;
pub mod indexer;
pub mod matching;
mod scoring;

use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex, RwLock};

use anyhow::Context;
use serde::{Deserialize, Serialize};
use tantivy::schema::{
    BytesOptions, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, STORED, STRING,
};
use tantivy::tokenizer::{TextAnalyzer, WhitespaceTokenizer};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};

use analysis::{Analyzer, Flavour};
use document::{Indexable, TermBag};

/// Bump when the fields change.
pub const SCHEMA_VERSION: u32 = 4;

/// The tokenizer of the text fields. innolift analyses a text itself, once, for both the bag
/// and the index, and hands tantivy the terms separated by spaces: tantivy's own
/// pre-tokenized values go through JSON on their way to the indexing threads, which cost a
/// rebuild a fifth of its time.
const TERMS_TOKENIZER: &str = "innolift_terms";

/// The fields of the index.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub id: Field,
    pub doc_type: Field,
    pub org_id: Field,
    pub org_kind: Field,
    pub status: Field,
    pub lang: Field,
    pub title: Field,
    pub text_no: Field,
    pub text_en: Field,
    /// Synonym groups, the same in every language.
    pub text_x: Field,
    pub cpv: Field,
    pub cpv_codes: Field,
    pub county: Field,
    pub theme: Field,
    pub bag: Field,
    /// `{doc_type}:{status}`, so that matching filters on one term.
    pub scope: Field,
}

impl Fields {
    /// The text field analysed with `flavour`.
    pub fn text(&self, flavour: Flavour) -> Field {
        match flavour {
            Flavour::Norwegian => self.text_no,
            Flavour::English => self.text_en,
            Flavour::Neutral => self.text_x,
        }
    }
}

/// The `scope` term of a document of `doc_type` with `status`.
pub fn scope_token(doc_type: &str, status: &str) -> String {
    format!("{doc_type}:{status}")
}

/// Builds the schema.
pub fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |name: &'static str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(name)
                .set_index_option(IndexRecordOption::WithFreqs),
        )
    };
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        doc_type: b.add_text_field("doc_type", STRING | STORED),
        org_id: b.add_text_field("org_id", STRING | STORED),
        org_kind: b.add_text_field("org_kind", STRING | STORED),
        status: b.add_text_field("status", STRING | STORED),
        lang: b.add_text_field("lang", STRING | STORED),
        title: b.add_text_field("title", STORED),
        text_no: b.add_text_field("text_no", text(TERMS_TOKENIZER)),
        text_en: b.add_text_field("text_en", text(TERMS_TOKENIZER)),
        text_x: b.add_text_field("text_x", text(TERMS_TOKENIZER)),
        cpv: b.add_text_field("cpv", STRING),
        cpv_codes: b.add_text_field("cpv_codes", STORED),
        county: b.add_text_field("county", STRING | STORED),
        theme: b.add_text_field("theme", STRING | STORED),
        bag: b.add_bytes_field("bag", BytesOptions::default().set_stored()),
        scope: b.add_text_field("scope", STRING),
    };
    (b.build(), fields)
}

/// What the last commit recorded: how far into the queue the index is, and whether it holds
/// everything (false while a rebuild is under way).
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct CommitPayload {
    /// Every queue entry up to this one is applied.
    pub cursor: i64,
    /// The index was fully built.
    pub complete: bool,
    /// When the commit was made: on start, entries queued shortly before it are applied again,
    /// in case they committed to the database after entries with higher sequence numbers.
    #[serde(default)]
    pub committed_at: Option<chrono::NaiveDateTime>,
}

/// The index as it is being served.
struct Live {
    reader: IndexReader,
}

/// The state of the index, for administrators and tests.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct IndexStatus {
    /// False while the index is (re)built; searches answer 503 meanwhile.
    pub ready: bool,
    /// Documents in the index.
    pub documents: u64,
    /// The last queue entry applied.
    pub applied_seq: i64,
    /// When the last commit was made (UTC).
    pub last_commit_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Documents indexed so far in a running rebuild.
    pub rebuild_done: u64,
    /// Documents to index in a running rebuild.
    pub rebuild_total: u64,
    /// The last indexing error, if the indexer is retrying.
    pub last_error: Option<String>,
}

/// The index handle shared by handlers and the indexer thread.
pub struct SearchIndex {
    dir: PathBuf,
    /// The fields.
    pub fields: Fields,
    analyzers: [Analyzer; 2],
    live: RwLock<Option<Live>>,
    kick: Mutex<Option<mpsc::Sender<()>>>,
    idf: RwLock<IdfCache>,
    status: Mutex<IndexStatus>,
}

#[derive(Default)]
struct IdfCache {
    documents: u64,
    /// Prefixed term (`n:båt`) → idf.
    values: rustc_hash::FxHashMap<String, Option<f32>>,
    /// A stored bag's tf-idf vector length, which depends on the idfs above, by the hash of the
    /// bag and of the weight its translations were added at (the evaluation tries several).
    norms: rustc_hash::FxHashMap<u64, f32>,
}

/// An error answered while the index cannot serve.
#[derive(Debug, thiserror::Error)]
#[error("the search index is being built; try again in a minute")]
pub struct NotReady;

impl SearchIndex {
    /// A handle for the index under `data_dir`; nothing is opened until [`indexer::start`] or
    /// [`SearchIndex::open_for_rebuild`].
    pub fn new(data_dir: &Path) -> Arc<SearchIndex> {
        let dir = data_dir
            .join("index")
            .join(format!("v{SCHEMA_VERSION}-{}", analysis::fingerprint()));
        Arc::new(SearchIndex {
            dir,
            fields: schema().1,
            analyzers: [
                Analyzer::new(Flavour::Norwegian),
                Analyzer::new(Flavour::English),
            ],
            live: RwLock::new(None),
            kick: Mutex::new(None),
            idf: RwLock::new(IdfCache::default()),
            status: Mutex::new(IndexStatus::default()),
        })
    }

    /// Where this version of the index lives.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The two analyzers, Norwegian first.
    pub fn analyzers(&self) -> &[Analyzer; 2] {
        &self.analyzers
    }

    /// A searcher on the latest commit, or [`NotReady`] while the index is being built.
    pub fn searcher(&self) -> Result<Searcher, NotReady> {
        let live = self.live.read().unwrap_or_else(|e| e.into_inner());
        live.as_ref().map(|l| l.reader.searcher()).ok_or(NotReady)
    }

    /// Tells the indexer that changes are queued, so it need not wait for its next poll.
    pub fn notify(&self) {
        if let Some(tx) = self.kick.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            let _ = tx.send(());
        }
    }

    /// The current state.
    pub fn status(&self) -> IndexStatus {
        self.status
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn update_status(&self, f: impl FnOnce(&mut IndexStatus)) {
        f(&mut self.status.lock().unwrap_or_else(|e| e.into_inner()));
    }

    /// Opens or creates the index directory, removing other versions. Returns the index and the
    /// payload of its last commit (`None` when it must be rebuilt).
    pub fn open_dir(&self) -> anyhow::Result<(Index, Option<CommitPayload>)> {
        analysis::check().context("the search index's word lists do not load")?;
        let parent = self.dir.parent().context("index directory has no parent")?;
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        for entry in std::fs::read_dir(parent)?.flatten() {
            if entry.path() != self.dir && entry.file_name().to_string_lossy().starts_with('v') {
                tracing::info!(path = %entry.path().display(), "removing an index of another version");
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
        let opened = if self.dir.join("meta.json").exists() {
            match Index::open_in_dir(&self.dir) {
                Ok(index) => {
                    let payload = index
                        .load_metas()
                        .ok()
                        .and_then(|m| m.payload)
                        .and_then(|p| serde_json::from_str::<CommitPayload>(&p).ok())
                        .filter(|p| p.complete);
                    Some((index, payload))
                }
                Err(e) => {
                    tracing::warn!(error = %e, path = %self.dir.display(), "the index is damaged; rebuilding it");
                    let _ = std::fs::remove_dir_all(&self.dir);
                    None
                }
            }
        } else {
            None
        };
        let (index, payload) = match opened {
            Some(found) => found,
            None => {
                std::fs::create_dir_all(&self.dir)?;
                // Matching reads the stored term bag of every candidate: uncompressed small
                // blocks make each read a copy rather than a decompression of 16 KB.
                let settings = tantivy::IndexSettings {
                    docstore_compression: tantivy::store::Compressor::None,
                    docstore_blocksize: 4096,
                    ..tantivy::IndexSettings::default()
                };
                let index = Index::builder()
                    .schema(schema().0)
                    .settings(settings)
                    .create_in_dir(&self.dir)?;
                (index, None)
            }
        };
        index.tokenizers().register(
            TERMS_TOKENIZER,
            TextAnalyzer::from(WhitespaceTokenizer::default()),
        );
        Ok((index, payload))
    }

    /// Starts serving `index`.
    fn go_live(&self, index: Index) -> anyhow::Result<()> {
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let documents = reader.searcher().num_docs();
        *self.live.write().unwrap_or_else(|e| e.into_inner()) = Some(Live { reader });
        self.update_status(|s| {
            s.ready = true;
            s.documents = documents;
        });
        Ok(())
    }

    /// Reloads the reader after a commit.
    fn reload(&self) -> anyhow::Result<()> {
        let documents = {
            let live = self.live.read().unwrap_or_else(|e| e.into_inner());
            match live.as_ref() {
                Some(live) => {
                    live.reader.reload()?;
                    Some(live.reader.searcher().num_docs())
                }
                None => None,
            }
        };
        if let Some(documents) = documents {
            self.update_status(|s| s.documents = documents);
            let mut idf = self.idf.write().unwrap_or_else(|e| e.into_inner());
            // Document frequencies move slowly; recompute them when the collection has grown or
            // shrunk by a twentieth.
            if idf.documents == 0 || documents.abs_diff(idf.documents) * 20 > idf.documents {
                idf.values.clear();
                idf.norms.clear();
                idf.documents = documents;
            }
        }
        Ok(())
    }

    /// The tantivy document for an item.
    pub fn document(&self, item: &Indexable) -> TantivyDocument {
        let f = &self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.id, &item.id);
        doc.add_text(f.doc_type, item.doc_type.as_str());
        doc.add_text(f.org_id, &item.organisation_id);
        doc.add_text(f.org_kind, &item.org_kind);
        doc.add_text(f.status, &item.status);
        doc.add_text(f.scope, scope_token(item.doc_type.as_str(), &item.status));
        doc.add_text(f.lang, item.language.as_str());
        doc.add_text(f.title, &item.title);
        // One analysis, in the text's own language; synonym groups go to the neutral field.
        let analyzer = Analyzer::for_language(item.language);
        let words = analyzer.analyze_words(&item.text);
        let mut counts: rustc_hash::FxHashMap<&str, u32> =
            rustc_hash::FxHashMap::with_capacity_and_hasher(words.len() * 2, Default::default());
        let mut texts = [String::new(), String::new()];
        for (terms, ..) in &words {
            for t in terms.iter() {
                *counts.entry(&t.key).or_insert(0) += 1;
                let text = &mut texts[usize::from(t.term.starts_with('~'))];
                if !text.is_empty() {
                    text.push(' ');
                }
                text.push_str(&t.term);
            }
        }
        let [own, neutral] = texts;
        doc.add_text(f.text(analyzer.flavour()), own);
        doc.add_text(f.text_x, neutral);
        let mut counts: Vec<(&str, u32)> = counts.into_iter().collect();
        counts.sort_unstable();
        doc.add_bytes(f.bag, &TermBag::encode_sorted(counts));
        for token in item.cpv_tokens() {
            doc.add_text(f.cpv, token);
        }
        for code in &item.cpv_codes {
            doc.add_text(f.cpv_codes, code);
        }
        for county in &item.counties {
            doc.add_text(f.county, county);
        }
        if item.national {
            doc.add_text(f.county, "national");
        }
        for theme in &item.themes {
            doc.add_text(f.theme, theme);
        }
        doc
    }

    /// Replaces (or removes, with `None`) the document with this id.
    pub fn put(
        &self,
        writer: &IndexWriter,
        id: &str,
        item: Option<&Indexable>,
    ) -> anyhow::Result<()> {
        writer.delete_term(Term::from_field_text(self.fields.id, id));
        if let Some(item) = item {
            writer.add_document(self.document(item))?;
        }
        Ok(())
    }
}

/// Commits with a payload.
pub fn commit(writer: &mut IndexWriter, payload: CommitPayload) -> anyhow::Result<()> {
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(&serde_json::to_string(&payload)?);
    prepared.commit()?;
    Ok(())
}
