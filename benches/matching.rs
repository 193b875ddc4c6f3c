//! The matching benchmark: generates realistic needs and capabilities, rebuilds the index, and
//! measures match latency in-process and over HTTP, and peak memory.
//!
//! Beside each innolift figure it prints the raw tantivy anchor from the same run, on the same
//! documents and queries: an index of the same texts with tantivy's default tokenizer, built
//! from memory, and as the match query a BM25 OR-query of every term of the whole need text
//! with a required `kind` clause.
//!
//! Run with `cargo bench --bench matching` (100,000 documents), or
//! `cargo bench --bench matching -- 20000` for another size; `-- reindex` stops after the
//! reindex, and `-- match` after matching in-process 20 times over (about a minute), for
//! profiling them. Set `DATABASE_URL` to run on PostgreSQL. It prints figures; it
//! asserts nothing.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use innolift::db::needs::NeedRow;
use innolift::demo::{self, corpus};
use innolift::search::document::{DocType, Indexable};
use innolift::search::matching::{self, Filters};
use innolift::search::{indexer, SearchIndex};
use innolift::settings::Settings;

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

/// The CPU seconds (user and system) of the whole process so far: on a noisy machine they
/// vary less than wall time.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<f64> = stat
        .rsplit_once(')')
        .map(|(_, rest)| {
            rest.split_whitespace()
                .map(|v| v.parse().unwrap_or(0.0))
                .collect()
        })
        .unwrap_or_default();
    // utime and stime, in clock ticks of 1/100 s.
    (fields.get(11).unwrap_or(&0.0) + fields.get(12).unwrap_or(&0.0)) / 100.0
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn report(what: &str, mut samples: Vec<Duration>) {
    samples.sort();
    println!(
        "{what:<34} p50 {:>6.2} ms   p99 {:>6.2} ms   max {:>6.2} ms   ({} requests)",
        percentile(&samples, 0.5),
        percentile(&samples, 0.99),
        samples.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0),
        samples.len()
    );
}

/// One HTTP/1.1 request on a kept-alive connection; returns status and body.
fn request(
    stream: &mut BufReader<TcpStream>,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> (u16, String) {
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: bench\r\n");
    if let Some(t) = token {
        head.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    if let Some(b) = body {
        head.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            b.len()
        ));
    }
    head.push_str("\r\n");
    head.push_str(body.unwrap_or(""));
    stream
        .get_mut()
        .write_all(head.as_bytes())
        .expect("write request");
    let mut status_line = String::new();
    stream.read_line(&mut status_line).expect("read status");
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut length = 0;
    loop {
        let mut line = String::new();
        stream.read_line(&mut line).expect("read header");
        if line == "\r\n" || line.is_empty() {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    stream.read_exact(&mut body).expect("read body");
    (status, String::from_utf8_lossy(&body).into_owned())
}

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
    let need_rows: Vec<NeedRow> = needs
        .iter()
        .enumerate()
        .map(|(i, n)| demo::need_row(n, demo::stable_id(&format!("bench-need-{i}")), &org_ids))
        .collect();
    let cap_rows: Vec<_> = caps
        .iter()
        .enumerate()
        .map(|(i, c)| demo::capability_row(c, demo::stable_id(&format!("bench-cap-{i}")), &org_ids))
        .collect();
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
        let mut samples = Vec::new();
        for item in items.iter().skip(100) {
            let t = Instant::now();
            let found = matching::matches(&index, item, &filters, 20)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            samples.push(t.elapsed());
            assert!(!found.is_empty());
        }
        report("match, in-process (limit 20)", samples);
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
        for item in items.iter().skip(100) {
            let t = Instant::now();
            let found = raw.search(&item.text)?;
            samples.push(t.elapsed());
            assert!(found > 0);
        }
        report("raw tantivy OR-query (top 20)", samples);
        let mut samples = Vec::new();
        for item in items.iter().skip(100).take(500) {
            let t = Instant::now();
            matching::similar_needs(&index, item, 20).map_err(|e| anyhow::anyhow!("{e}"))?;
            samples.push(t.elapsed());
        }
        report("similar needs, in-process", samples);
    }
    drop(index);

    // Over HTTP: the real server, with its own indexer, on the same data.
    let buyer_org = sample[0].organisation_id.clone();
    {
        let mut conn = db.get()?;
        let now = innolift::db::now();
        let hash = innolift::domain::Password::parse("benchmark-passord")?.hash();
        innolift::db::accounts::insert(
            &mut conn,
            &innolift::db::accounts::AccountRow {
                id: innolift::db::new_id(),
                email: "bench@innolift.no".into(),
                name: "Bench".into(),
                password_hash: hash,
                role: "owner".into(),
                organisation_id: Some(buyer_org),
                security_stamp: innolift::db::new_id(),
                created_at: now,
                updated_at: now,
                removed_at: None,
                email_confirmed_at: Some(now),
                email_confirm_token_hash: None,
                email_confirm_sent_at: None,
            },
        )?;
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let mut server_settings = settings.clone();
    server_settings.bind = "127.0.0.1:0".into();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let app = innolift::http::server::Application::build(server_settings)
                .await
                .expect("server");
            tx.send(app.port()).unwrap();
            app.run_until_stopped().await.unwrap();
        })
    });
    let port = rx.recv()?;
    let mut stream = BufReader::new(TcpStream::connect(("127.0.0.1", port))?);
    stream.get_mut().set_nodelay(true)?;
    let (status, body) = request(
        &mut stream,
        "POST",
        "/api/v1/auth/login",
        None,
        Some(r#"{"email":"bench@innolift.no","password":"benchmark-passord"}"#),
    );
    anyhow::ensure!(status == 200, "login failed: {status} {body}");
    let token = serde_json::from_str::<serde_json::Value>(&body)?["token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
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
    let mut samples = Vec::new();
    for need in sample.iter().skip(100) {
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
    let mut samples = Vec::new();
    for need in sample.iter().skip(100) {
        let text = Indexable::need(need, "buyer").text;
        let t = Instant::now();
        raw.search(&text)?;
        samples.push(t.elapsed());
    }
    report("raw tantivy OR-query, same run", samples);
    println!(
        "peak memory (VmHWM of the whole benchmark process): {:.0} MB",
        peak_rss_mb()
    );
    let _ = std::fs::remove_dir_all(&dir);
    std::process::exit(0);
}
