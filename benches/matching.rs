//! The matching benchmark: generates realistic needs and capabilities, rebuilds the index, and
//! measures match latency in-process and over HTTP, and peak memory.
//!
//! Beside each innolift figure it prints the raw tantivy anchor from the same run, on the same
//! documents and queries: an index of the same texts with tantivy's default tokenizer, built
//! from memory, and as the match query a BM25 OR-query of every term of the whole need text
//! with a required `kind` clause. The two take turns query by query.
//!
//! Run with `cargo bench --bench matching` (100,000 documents), or
//! `cargo bench --bench matching -- 20000` for another size; `-- reindex` stops after the
//! reindex, and `-- match` after matching in-process 20 times over (about a minute), for
//! profiling them. Set `DATABASE_URL` to run on PostgreSQL. It prints figures; it
//! asserts nothing.

mod common;

use std::collections::HashMap;
use std::io::BufReader;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{cpu_seconds, peak_rss_mb, report, request};

use innolift::db::needs::NeedRow;
use innolift::demo::{self, corpus};
use innolift::search::document::{DocType, Indexable};
use innolift::search::matching::{self, Filters};
use innolift::search::{indexer, SearchIndex};
use innolift::settings::Settings;

/// The anchor: plain tantivy on the same texts.
struct RawAnchor {
    reader: tantivy::IndexReader,
    kind: tantivy::schema::Field,
    id: tantivy::schema::Field,
    text: tantivy::schema::Field,
    analyzer: tantivy::tokenizer::TextAnalyzer,
}

impl RawAnchor {
    fn build(
        needs: &[NeedRow],
        caps: &[innolift::db::capabilities::CapabilityRow],
    ) -> anyhow::Result<RawAnchor> {
        use tantivy::schema::{Schema, STORED, STRING, TEXT};
        let mut b = Schema::builder();
        let id = b.add_text_field("id", STRING | STORED);
        let kind = b.add_text_field("kind", STRING);
        let text = b.add_text_field("text", TEXT);
        let index = tantivy::Index::create_in_ram(b.build());
        let mut writer: tantivy::IndexWriter = index.writer_with_num_threads(2, 96_000_000)?;
        let cpu_before = cpu_seconds();
        let started = Instant::now();
        let docs = needs
            .iter()
            .map(|n| ("need", Indexable::need(n, "buyer")))
            .chain(
                caps.iter()
                    .map(|c| ("capability", Indexable::capability(c, "supplier"))),
            );
        let mut count = 0usize;
        for (k, item) in docs {
            writer.add_document(tantivy::doc!(id => item.id, kind => k, text => item.text))?;
            count += 1;
        }
        writer.commit()?;
        let took = started.elapsed().as_secs_f64();
        println!(
            "raw tantivy build: {count} documents in {took:.1} s = {:.0} documents/s",
            count as f64 / took
        );
        let cpu = cpu_seconds() - cpu_before;
        println!(
            "raw tantivy build CPU: {cpu:.1} s = {:.0} documents per CPU-second",
            count as f64 / cpu
        );
        let analyzer = index.tokenizer_for_field(text)?;
        Ok(RawAnchor {
            reader: index.reader()?,
            kind,
            id,
            text,
            analyzer,
        })
    }

    /// Runs the anchor query for a need text; returns how many hits it fetched.
    fn search(&self, need_text: &str) -> anyhow::Result<usize> {
        use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
        use tantivy::schema::{IndexRecordOption, Value};
        let mut analyzer = self.analyzer.clone();
        let mut stream = analyzer.token_stream(need_text);
        let mut terms = std::collections::BTreeSet::new();
        while let Some(token) = stream.next() {
            terms.insert(token.text.clone());
        }
        let should: Vec<(Occur, Box<dyn Query>)> = terms
            .iter()
            .map(|t| {
                (
                    Occur::Should,
                    Box::new(TermQuery::new(
                        tantivy::Term::from_field_text(self.text, t),
                        IndexRecordOption::WithFreqs,
                    )) as Box<dyn Query>,
                )
            })
            .collect();
        let query = BooleanQuery::new(vec![
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    tantivy::Term::from_field_text(self.kind, "capability"),
                    IndexRecordOption::Basic,
                )) as Box<dyn Query>,
            ),
            (Occur::Must, Box::new(BooleanQuery::new(should))),
        ]);
        let searcher = self.reader.searcher();
        let top = searcher.search(&query, &tantivy::collector::TopDocs::with_limit(20))?;
        let mut found = 0;
        for (_, address) in top {
            let doc: tantivy::TantivyDocument = searcher.doc(address)?;
            found += usize::from(doc.get_first(self.id).and_then(|v| v.as_str()).is_some());
        }
        Ok(found)
    }
}

fn main() -> anyhow::Result<()> {
    let total: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let reindex_only = std::env::args().any(|a| a == "reindex");
    let match_only = std::env::args().any(|a| a == "match");
    let dir =
        std::env::temp_dir().join(format!("innolift-bench-{}", uuid::Uuid::new_v4().simple()));
    let mut settings = Settings::for_data_dir(&dir);
    if let Ok(url) = std::env::var("DATABASE_URL") {
        settings.database_url = url;
    }
    settings.log = "warn".into();
    innolift::telemetry::init("warn");
    let db = innolift::db::open_database(&settings)?;
    println!(
        "benchmark: {total} documents on {}, data in {}",
        db.backend().name(),
        dir.display()
    );

    // Data.
    let started = Instant::now();
    let registry = corpus::registry();
    let (needs, caps) = corpus::bulk(7, total / 2, total - total / 2);
    let generated = started.elapsed();
    let mut conn = db.get()?;
    let org_ids =
        demo::insert_orgs(&mut conn, &registry.orgs).map_err(|e| anyhow::anyhow!("{e}"))?;
    let (need_rows, cap_rows) = common::rows(&needs, &caps, &org_ids, "bench");
    drop((needs, caps));
    let raw = RawAnchor::build(&need_rows, &cap_rows)?;
    let inserting = Instant::now();
    demo::insert_items(&mut conn, &need_rows, &cap_rows, false, 5000, |_| {})
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "generated in {:.2} s, inserted into the database in {:.1} s",
        generated.as_secs_f64(),
        inserting.elapsed().as_secs_f64()
    );
    let sample: Vec<NeedRow> = need_rows
        .iter()
        .filter(|n| n.status == innolift::domain::NeedStatus::Open)
        .step_by((total / 2 / 1100).max(1))
        .take(1100)
        .cloned()
        .collect();
    let kinds: HashMap<String, String> = registry
        .orgs
        .iter()
        .map(|o| (org_ids[&o.key].clone(), o.kind.to_owned()))
        .collect();
    drop((need_rows, cap_rows));
    drop(conn);

    // Reindex.
    let index = SearchIndex::new(&dir);
    {
        let (tantivy_index, _) = index.open_dir()?;
        let mut writer = indexer::writer(&tantivy_index)?;
        let cpu_before = cpu_seconds();
        let started = Instant::now();
        let (_, documents) = indexer::rebuild(&index, &db, &mut writer, |_, _| {})?;
        let took = started.elapsed().as_secs_f64();
        writer.wait_merging_threads()?;
        println!("reindex: {documents} documents in {took:.1} s = {:.0} documents/s (merges finished after {:.1} s)", documents as f64 / took, started.elapsed().as_secs_f64());
        let cpu = cpu_seconds() - cpu_before;
        println!(
            "reindex CPU: {cpu:.1} s = {:.0} documents per CPU-second",
            documents as f64 / cpu
        );
    }
    if reindex_only {
        let _ = std::fs::remove_dir_all(&dir);
        std::process::exit(0);
    }

    // In-process matching.
    {
        let _writer = indexer::prepare(&index, &db)?;
        let filters = Filters {
            doc_type: Some(DocType::Capability),
            open_only: true,
            ..Filters::default()
        };
        let items: Vec<Indexable> = sample
            .iter()
            .map(|n| {
                Indexable::need(
                    n,
                    kinds
                        .get(&n.organisation_id)
                        .map_or("buyer", String::as_str),
                )
            })
            .collect();
        for item in items.iter().take(100) {
            matching::matches(&index, item, &filters, 20).map_err(|e| anyhow::anyhow!("{e}"))?;
        }
        // innolift and the anchor take turns on each query, so that whatever else the machine
        // is doing (writeback of the new index, say) falls on both alike.
        let (mut samples, mut raw_samples) = (Vec::new(), Vec::new());
        for item in items.iter().skip(100) {
            let t = Instant::now();
            let found = matching::matches(&index, item, &filters, 20)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            samples.push(t.elapsed());
            assert!(!found.is_empty());
            let t = Instant::now();
            let found = raw.search(&item.text)?;
            raw_samples.push(t.elapsed());
            assert!(found > 0);
        }
        report("match, in-process (limit 20)", samples);
        report("raw tantivy OR-query (top 20)", raw_samples);
        if match_only {
            for _ in 0..20 {
                for item in &items {
                    matching::matches(&index, item, &filters, 20)
                        .map_err(|e| anyhow::anyhow!("{e}"))?;
                }
            }
            let _ = std::fs::remove_dir_all(&dir);
            std::process::exit(0);
        }
        let mut samples = Vec::new();
        for item in items.iter().skip(100).take(500) {
            let t = Instant::now();
            matching::similar_needs(&index, item, 20).map_err(|e| anyhow::anyhow!("{e}"))?;
            samples.push(t.elapsed());
        }
        report("similar needs, in-process", samples);
    }
    drop(index);

    // Open data. A service that has run for a while has published its needs long before; the
    // first publication is timed here, so that the server below starts as such a node would.
    {
        use innolift::app::ocds::Publisher;
        let mut conn = db.get()?;
        let publish = |publisher: &Publisher, conn: &mut innolift::db::DbConn| {
            let t = Instant::now();
            let n = publisher
                .publish(conn, &settings)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            Ok::<_, anyhow::Error>((n, t.elapsed().as_secs_f64() * 1000.0))
        };
        let publisher = Publisher::default();
        let (first, first_ms) = publish(&publisher, &mut conn)?;
        let (_, again_ms) = publish(&publisher, &mut conn)?;
        // The benchmark's rows were all written a moment ago, so a node starting now would
        // compare every one of them (changes of the last five minutes). In a service that has
        // run for a while they are older: the rows are dated a day back, as such rows are.
        let (_, recent_ms) = publish(&Publisher::default(), &mut conn)?;
        {
            use diesel::prelude::*;
            use innolift::db::schema::{needs, organisations};
            let day_ago = innolift::db::now() - chrono::TimeDelta::days(1);
            diesel::update(needs::table)
                .set(needs::updated_at.eq(day_ago))
                .execute(&mut conn)?;
            diesel::update(organisations::table)
                .set(organisations::updated_at.eq(day_ago))
                .execute(&mut conn)?;
        }
        let (_, fresh_ms) = publish(&Publisher::default(), &mut conn)?;
        println!(
            "OCDS: first publication {first} releases in {first_ms:.0} ms; a round with nothing changed {again_ms:.1} ms; a node's first round {recent_ms:.0} ms with every need written in the last 5 minutes, {fresh_ms:.0} ms with them older"
        );
    }

    // Over HTTP: the real server, with its own indexer, on the same data.
    let buyer_org = sample[0].organisation_id.clone();
    let (port, token) = common::serve_and_sign_in(&db, &settings, &buyer_org)?;
    let mut stream = BufReader::new(TcpStream::connect(("127.0.0.1", port))?);
    stream.get_mut().set_nodelay(true)?;
    let ready = Instant::now();
    loop {
        let (status, _) = request(
            &mut stream,
            "GET",
            &format!("/api/v1/needs/{}/matches", sample[0].id),
            Some(&token),
            None,
        );
        if status == 200 {
            break;
        }
        anyhow::ensure!(
            ready.elapsed() < Duration::from_secs(120),
            "the server's index never became ready"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    for need in sample.iter().take(100) {
        request(
            &mut stream,
            "GET",
            &format!("/api/v1/needs/{}/matches?limit=20", need.id),
            Some(&token),
            None,
        );
    }
    let (mut samples, mut raw_samples) = (Vec::new(), Vec::new());
    for need in sample.iter().skip(100) {
        let text = Indexable::need(need, "buyer").text;
        let t = Instant::now();
        raw.search(&text)?;
        raw_samples.push(t.elapsed());
        let t = Instant::now();
        let (status, _) = request(
            &mut stream,
            "GET",
            &format!("/api/v1/needs/{}/matches?limit=20", need.id),
            Some(&token),
            None,
        );
        samples.push(t.elapsed());
        anyhow::ensure!(status == 200, "match request failed with {status}");
    }
    report("match, over HTTP (limit 20)", samples);
    report("raw tantivy OR-query, same run", raw_samples);
    println!(
        "peak memory (VmHWM of the whole benchmark process): {:.0} MB",
        peak_rss_mb()
    );
    let _ = std::fs::remove_dir_all(&dir);
    std::process::exit(0);
}
