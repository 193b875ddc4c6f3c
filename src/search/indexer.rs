//! The indexer: one thread per process that owns the index writer, applies the queue of
//! committed changes in batches, and rebuilds the index when it must.

use std::collections::{BTreeMap, HashMap};
use std::sync::{mpsc, Arc, Weak};
use std::time::{Duration, Instant};

use anyhow::Context;
use rayon::prelude::*;
use tantivy::{Index, IndexWriter, TantivyDocument, TantivyError};

use super::document::{DocType, Indexable};
use super::{commit, CommitPayload, SearchIndex};
use crate::db::{self, capabilities, index_queue, needs, Db, DbConn};

/// How long the indexer sleeps when nobody wakes it: the longest a change made on another node
/// waits before this node's index shows it.
const POLL: Duration = Duration::from_millis(400);
/// How long after a wake-up it waits for more changes, to commit them together.
const BATCH_WINDOW: Duration = Duration::from_millis(25);
/// Queue entries read per batch.
const BATCH: i64 = 2000;
/// How far back to look for entries that committed after entries with higher sequence numbers
/// (PostgreSQL hands out sequence numbers before commit).
const LATE_WINDOW: chrono::TimeDelta = chrono::TimeDelta::seconds(10);
/// Queue entries older than this are dropped.
const QUEUE_RETENTION: chrono::TimeDelta = chrono::TimeDelta::days(2);

/// Opens a writer, or explains that another process holds it.
pub fn writer(index: &Index) -> anyhow::Result<IndexWriter> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 2);
    index.writer_with_num_threads(threads, 96_000_000).map_err(|e| match e {
        TantivyError::LockFailure(..) => anyhow::anyhow!(
            "another innolift process is writing this index; stop the server before reindexing, or use another --data-dir"
        ),
        other => anyhow::Error::from(other),
    })
}

/// Starts the indexer thread for `index`. It stops when the index handle is dropped.
pub fn start(index: &Arc<SearchIndex>, db: Db) -> std::thread::JoinHandle<()> {
    let (tx, rx) = mpsc::channel();
    *index.kick.lock().unwrap_or_else(|e| e.into_inner()) = Some(tx);
    let weak = Arc::downgrade(index);
    std::thread::Builder::new()
        .name("indexer".into())
        .spawn(move || run(weak, db, rx))
        .expect("spawn indexer thread")
}

fn run(weak: Weak<SearchIndex>, db: Db, rx: mpsc::Receiver<()>) {
    let (mut writer, mut cursor, mut late_since) = loop {
        let Some(index) = weak.upgrade() else { return };
        match prepare(&index, &db) {
            Ok(ready) => break ready,
            Err(e) => {
                let message = format!("{e:#}");
                tracing::error!(error = %message, "cannot open the search index; retrying");
                index.update_status(|s| s.last_error = Some(message.clone()));
                // A damaged index that opened but cannot be written or read is rebuilt from
                // scratch; a lock held by another process is waited out.
                if !message.contains("another innolift process") {
                    let _ = std::fs::remove_dir_all(index.dir());
                }
                drop(index);
                std::thread::sleep(Duration::from_secs(2));
            }
        }
    };
    let mut recent: HashMap<i64, Instant> = HashMap::new();
    let mut last_prune = Instant::now();
    loop {
        match rx.recv_timeout(POLL) {
            Ok(()) => {
                std::thread::sleep(BATCH_WINDOW);
                while rx.try_recv().is_ok() {}
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        }
        let Some(index) = weak.upgrade() else { return };
        let since = late_since.take().unwrap_or_else(|| db::now() - LATE_WINDOW);
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            apply_pending(&index, &db, &mut writer, &mut cursor, &mut recent, since)
        }));
        let failure = match outcome {
            Ok(Ok(_)) => None,
            Ok(Err(e)) => Some(format!("{e:#}")),
            Err(_) => Some("the indexer panicked while applying changes".to_owned()),
        };
        match failure {
            None => index.update_status(|s| s.last_error = None),
            Some(message) => {
                tracing::warn!(error = %message, "indexing failed; retrying");
                index.update_status(|s| s.last_error = Some(message));
                // Drop uncommitted changes so the retry starts from the last commit, and look
                // at the same window of late entries again.
                let _ = writer.rollback();
                late_since = Some(since);
            }
        }
        if last_prune.elapsed() > Duration::from_secs(600) {
            last_prune = Instant::now();
            let before = db::now() - QUEUE_RETENTION;
            if let Ok(mut conn) = db.get() {
                match index_queue::prune(&mut conn, before, cursor) {
                    Ok(n) if n > 0 => tracing::info!(removed = n, "pruned the index queue"),
                    Err(e) => tracing::warn!(error = %e, "cannot prune the index queue"),
                    _ => {}
                }
            }
        }
    }
}

/// Opens the index, rebuilds it if needed, and starts serving it. Returns the writer, the queue
/// cursor, and from when to look again for entries that may have committed late.
pub fn prepare(
    index: &SearchIndex,
    db: &Db,
) -> anyhow::Result<(IndexWriter, i64, Option<chrono::NaiveDateTime>)> {
    let (tantivy_index, payload) = index.open_dir()?;
    let mut writer = writer(&tantivy_index)?;
    // Entries this index never saw may have been pruned while it was away: then only a rebuild
    // brings it up to date.
    let payload = match payload {
        Some(p) => {
            let mut conn = db.get().context("cannot take a database connection")?;
            match index_queue::first_seq(&mut conn)? {
                Some(first) if first > p.cursor + 1 => {
                    tracing::warn!(
                        cursor = p.cursor,
                        first,
                        "the index missed pruned changes; rebuilding it"
                    );
                    None
                }
                _ => Some(p),
            }
        }
        None => None,
    };
    let (cursor, late_since) = match payload {
        Some(p) => (p.cursor, p.committed_at.map(|at| at - LATE_WINDOW)),
        None => {
            tracing::info!(path = %index.dir().display(), "building the search index from the database");
            let started_at = db::now();
            let started = Instant::now();
            let (cursor, documents) = rebuild(index, db, &mut writer, |done, total| {
                index.update_status(|s| {
                    s.rebuild_done = done;
                    s.rebuild_total = total;
                })
            })?;
            tracing::info!(
                documents,
                seconds = started.elapsed().as_secs_f32(),
                "search index built"
            );
            (cursor, Some(started_at - LATE_WINDOW))
        }
    };
    index.go_live(tantivy_index)?;
    index.update_status(|s| s.applied_seq = cursor);
    Ok((writer, cursor, late_since))
}

/// The indexable form of a solution, or `None` when it is gone.
fn solution_item(conn: &mut DbConn, id: &str) -> anyhow::Result<Option<Indexable>> {
    let Some(row) = crate::db::lifts::find_solution(conn, id)? else {
        return Ok(None);
    };
    let process = crate::db::processes::find(conn, &row.process_id)?;
    let needs = match &process {
        Some(p) => crate::db::processes::needs_of(conn, &p.id)?,
        None => Vec::new(),
    };
    Ok(Some(Indexable::solution(&row, process.as_ref(), &needs)))
}

/// Rows a rebuild reads at a time.
const PAGE: i64 = 1000;

/// Analyses a page of rows in parallel, since analysis is the costly part of a rebuild and each
/// document's is its own, and adds them.
fn add_all<R: Sync>(
    index: &SearchIndex,
    writer: &IndexWriter,
    rows: &[R],
    item: impl Fn(&R) -> Indexable + Sync,
) -> anyhow::Result<()> {
    let docs: Vec<TantivyDocument> = rows
        .par_iter()
        .map(|row| index.document(&item(row)))
        .collect();
    for doc in docs {
        writer.add_document(doc)?;
    }
    Ok(())
}

/// Rebuilds the whole index from the database, reporting (done, total) as it goes. Returns the
/// queue cursor it is current to, and the number of documents.
pub fn rebuild(
    index: &SearchIndex,
    db: &Db,
    writer: &mut IndexWriter,
    mut progress: impl FnMut(u64, u64),
) -> anyhow::Result<(i64, u64)> {
    let mut conn = db.get().context("cannot take a database connection")?;
    // Entries after this cursor are applied again afterwards, so changes made while the
    // rebuild reads are not lost.
    let cursor = index_queue::last_seq(&mut conn)?;
    let total = (needs::count(&mut conn)?
        + capabilities::count(&mut conn)?
        + crate::db::lifts::count_solutions(&mut conn)?) as u64;
    writer.delete_all_documents()?;
    let mut done = 0u64;
    progress(done, total);
    let mut after = String::new();
    loop {
        let rows = needs::texts_after(&mut conn, &after, PAGE)?;
        let Some((last, _)) = rows.last() else { break };
        after = last.id.clone();
        add_all(index, writer, &rows, |(row, kind)| {
            Indexable::need_text(row, kind.as_deref().unwrap_or("buyer"))
        })?;
        done += rows.len() as u64;
        progress(done, total);
    }
    after.clear();
    loop {
        let rows = capabilities::texts_after(&mut conn, &after, PAGE)?;
        let Some((last, _)) = rows.last() else { break };
        after = last.id.clone();
        add_all(index, writer, &rows, |(row, kind)| {
            Indexable::capability_text(row, kind.as_deref().unwrap_or("supplier"))
        })?;
        done += rows.len() as u64;
        progress(done, total);
    }
    after.clear();
    loop {
        let rows = crate::db::lifts::solutions_after(&mut conn, &after, 1000)?;
        let Some(last) = rows.last() else { break };
        after = last.id.clone();
        for row in &rows {
            if let Some(item) = solution_item(&mut conn, &row.id)? {
                writer.add_document(index.document(&item))?;
            }
        }
        done += rows.len() as u64;
        progress(done, total);
    }
    commit(
        writer,
        CommitPayload {
            cursor,
            complete: true,
            committed_at: Some(db::now()),
        },
    )?;
    index.update_status(|s| {
        s.applied_seq = cursor;
        s.last_commit_at = Some(chrono::Utc::now());
    });
    Ok((cursor, done))
}

/// Applies queued changes after `cursor`, and entries queued since `late_since` that may have
/// committed late, committing once per batch. Returns the number of entries applied. The cursor
/// moves only once a commit has succeeded.
fn apply_pending(
    index: &SearchIndex,
    db: &Db,
    writer: &mut IndexWriter,
    cursor: &mut i64,
    recent: &mut HashMap<i64, Instant>,
    late_since: chrono::NaiveDateTime,
) -> anyhow::Result<usize> {
    let mut conn = db.get().context("cannot take a database connection")?;
    let mut applied = 0;
    let mut check_late = db.backend() == db::Backend::Postgres;
    loop {
        let mut changes = index_queue::after(&mut conn, *cursor, BATCH)?;
        let full = changes.len() as i64 == BATCH;
        if check_late {
            check_late = false;
            let late = index_queue::late(&mut conn, *cursor, late_since)?;
            changes.extend(late.into_iter().filter(|c| !recent.contains_key(&c.seq)));
        }
        if changes.is_empty() {
            return Ok(applied);
        }
        // The newest state of each entity is what counts; apply each once.
        let mut entities: BTreeMap<(String, String), ()> = BTreeMap::new();
        for change in &changes {
            entities.insert((change.entity.clone(), change.entity_id.clone()), ());
        }
        let need_ids: Vec<String> = entities
            .keys()
            .filter(|(e, _)| e == DocType::Need.as_str())
            .map(|(_, id)| id.clone())
            .collect();
        let cap_ids: Vec<String> = entities
            .keys()
            .filter(|(e, _)| e == DocType::Capability.as_str())
            .map(|(_, id)| id.clone())
            .collect();
        let found_needs: HashMap<String, Indexable> = needs::texts(&mut conn, &need_ids)?
            .into_iter()
            .map(|(row, kind)| {
                let item = Indexable::need_text(&row, kind.as_deref().unwrap_or("buyer"));
                (row.id, item)
            })
            .collect();
        let found_caps: HashMap<String, Indexable> = capabilities::texts(&mut conn, &cap_ids)?
            .into_iter()
            .map(|(row, kind)| {
                let item = Indexable::capability_text(&row, kind.as_deref().unwrap_or("supplier"));
                (row.id, item)
            })
            .collect();
        for id in &need_ids {
            index.put(writer, id, found_needs.get(id))?;
        }
        for id in &cap_ids {
            index.put(writer, id, found_caps.get(id))?;
        }
        for (entity, id) in entities.keys() {
            if entity == DocType::Solution.as_str() {
                let item = solution_item(&mut conn, id)?;
                index.put(writer, id, item.as_ref())?;
            }
        }
        let next = changes.iter().map(|c| c.seq).fold(*cursor, i64::max);
        commit(
            writer,
            CommitPayload {
                cursor: next,
                complete: true,
                committed_at: Some(db::now()),
            },
        )?;
        *cursor = next;
        let now = Instant::now();
        for change in &changes {
            recent.insert(change.seq, now);
        }
        recent.retain(|_, at| {
            now.duration_since(*at) < Duration::from_secs(LATE_WINDOW.num_seconds() as u64 + 5)
        });
        index.reload()?;
        index.update_status(|s| {
            s.applied_seq = next;
            s.last_commit_at = Some(chrono::Utc::now());
        });
        applied += changes.len();
        if !full {
            return Ok(applied);
        }
    }
}
