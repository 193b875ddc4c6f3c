//! The list benchmark: the need and capability lists over HTTP at 1,000 needs and again after
//! the tables have grown to 100,000, on the same server and database, and the mixed read
//! throughput at both sizes.
//!
//! Each list is measured paged by number (which counts every match for `total`, and skips rows
//! for deep pages) and by cursor (keyset pagination: no count, no skipping). The figure to
//! watch is the cursor's p50 at 100,000 against 1,000.
//!
//! Run with `cargo bench --bench lists`; `-- 20000` for another large size. Set `DATABASE_URL`
//! to an empty PostgreSQL database to measure that instead of SQLite. It prints figures; it
//! asserts nothing.

mod common;

use std::io::BufReader;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{percentile, request};
use innolift::demo::{self, corpus};
use innolift::settings::Settings;

type Conn = BufReader<TcpStream>;

fn connect(port: u16) -> anyhow::Result<Conn> {
    let stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_nodelay(true)?;
    Ok(BufReader::new(stream))
}

/// Times `n` requests of `path` after 20 to warm up; returns (p50, p99) in ms.
fn time(conn: &mut Conn, token: &str, path: &str, n: usize) -> anyhow::Result<(f64, f64)> {
    let mut samples = Vec::with_capacity(n);
    for i in 0..n + 20 {
        let t = Instant::now();
        let (status, body) = request(conn, "GET", path, Some(token), None);
        anyhow::ensure!(status == 200, "{path}: {status} {body}");
        if i >= 20 {
            samples.push(t.elapsed());
        }
    }
    samples.sort();
    Ok((percentile(&samples, 0.5), percentile(&samples, 0.99)))
}

/// Follows `pages` cursors from the first page of `path`, timing each page; returns (p50, p99).
fn walk(conn: &mut Conn, token: &str, path: &str, pages: usize) -> anyhow::Result<(f64, f64)> {
    let mut samples = Vec::with_capacity(pages);
    let mut next = format!("{path}&cursor=");
    for _ in 0..pages {
        let t = Instant::now();
        let (status, body) = request(conn, "GET", &next, Some(token), None);
        samples.push(t.elapsed());
        anyhow::ensure!(status == 200, "{next}: {status} {body}");
        let json: serde_json::Value = serde_json::from_str(&body)?;
        match json["next_cursor"].as_str() {
            Some(c) => next = format!("{path}&cursor={c}"),
            None => break,
        }
    }
    samples.sort();
    Ok((percentile(&samples, 0.5), percentile(&samples, 0.99)))
}

/// Requests per second of a mix of reads from two clients at once for `secs` seconds.
fn mixed(port: u16, token: &str, ids: &[String], secs: u64) -> anyhow::Result<f64> {
    let until = Instant::now() + Duration::from_secs(secs);
    let mut handles = Vec::new();
    for client in 0..2 {
        let (token, ids) = (token.to_owned(), ids.to_vec());
        handles.push(std::thread::spawn(move || -> anyhow::Result<usize> {
            let mut conn = connect(port)?;
            let mut done = 0;
            let mut cursor = String::new();
            while Instant::now() < until {
                let path = match (done + client) % 5 {
                    0 => "/api/v1/needs?per_page=20".to_owned(),
                    1 => format!("/api/v1/needs?per_page=20&cursor={cursor}"),
                    2 => format!("/api/v1/needs/{}", ids[done % ids.len()]),
                    3 => "/api/v1/capabilities?per_page=20&cursor=".to_owned(),
                    _ => "/api/v1/needs?status=open&sort=deadline&per_page=20&cursor=".to_owned(),
                };
                let (status, body) = request(&mut conn, "GET", &path, Some(&token), None);
                anyhow::ensure!(status == 200, "{path}: {status} {body}");
                if path.contains("needs?per_page=20&cursor") {
                    let json: serde_json::Value = serde_json::from_str(&body)?;
                    cursor = json["next_cursor"].as_str().unwrap_or_default().to_owned();
                }
                done += 1;
            }
            Ok(done)
        }));
    }
    let mut total = 0;
    for h in handles {
        total += h.join().expect("client thread")?;
    }
    Ok(total as f64 / secs as f64)
}

/// Waits until `/readyz` answers 200: with no lag allowed, the index has applied every change.
fn caught_up(port: u16) -> anyhow::Result<()> {
    let mut conn = connect(port)?;
    let started = Instant::now();
    loop {
        let (status, _) = request(&mut conn, "GET", "/readyz", None, None);
        if status == 200 {
            return Ok(());
        }
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(600),
            "the index never caught up"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The ids of needs the benchmark's account may see, from the first 50 pages by cursor.
fn visible_ids(port: u16, token: &str) -> anyhow::Result<Vec<String>> {
    let mut conn = connect(port)?;
    let mut ids = Vec::new();
    let mut path = "/api/v1/needs?per_page=20&cursor=".to_owned();
    for _ in 0..50 {
        let (status, body) = request(&mut conn, "GET", &path, Some(token), None);
        anyhow::ensure!(status == 200, "{path}: {status} {body}");
        let json: serde_json::Value = serde_json::from_str(&body)?;
        for item in json["items"].as_array().into_iter().flatten() {
            ids.extend(item["id"].as_str().map(str::to_owned));
        }
        match json["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/needs?per_page=20&cursor={c}"),
            None => break,
        }
    }
    anyhow::ensure!(!ids.is_empty(), "no need is visible");
    Ok(ids)
}

fn line(what: &str, (p50, p99): (f64, f64)) {
    println!("  {what:<44} p50 {p50:>6.2} ms   p99 {p99:>6.2} ms");
}

/// Measures every list at the current size; returns the cursor's first-page p50.
fn measure(port: u16, token: &str, ids: &[String], needs: usize) -> anyhow::Result<f64> {
    println!("at {needs} needs:");
    let mut conn = connect(port)?;
    let numbered = time(&mut conn, token, "/api/v1/needs?per_page=20", 300)?;
    line("needs, page 1 by number (counts all)", numbered);
    let deep_page = (needs / 20 / 2).clamp(1, 300);
    line(
        &format!("needs, page {deep_page} by number"),
        time(
            &mut conn,
            token,
            &format!("/api/v1/needs?per_page=20&page={deep_page}"),
            100,
        )?,
    );
    let cursor = time(&mut conn, token, "/api/v1/needs?per_page=20&cursor=", 300)?;
    line("needs, first page by cursor", cursor);
    line(
        &format!("needs, {deep_page} pages deep by cursor"),
        walk(&mut conn, token, "/api/v1/needs?per_page=20", deep_page)?,
    );
    line(
        "needs, open by deadline, by cursor",
        time(
            &mut conn,
            token,
            "/api/v1/needs?status=open&sort=deadline&per_page=20&cursor=",
            300,
        )?,
    );
    line(
        "capabilities, first page by cursor",
        time(
            &mut conn,
            token,
            "/api/v1/capabilities?per_page=20&cursor=",
            300,
        )?,
    );
    println!(
        "  {:<44} {:.0} requests/s",
        "mixed reads, 2 clients, 5 s",
        mixed(port, token, ids, 5)?
    );
    Ok(cursor.0)
}

fn main() -> anyhow::Result<()> {
    let large: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let small = 1_000;
    let dir =
        std::env::temp_dir().join(format!("innolift-bench-{}", uuid::Uuid::new_v4().simple()));
    let mut settings = Settings::for_data_dir(&dir);
    if let Ok(url) = std::env::var("DATABASE_URL") {
        settings.database_url = url;
    }
    settings.log = "warn".into();
    // Measured once the index has applied every insert, so that indexing does not compete.
    settings.ready_max_index_lag = Duration::ZERO;
    innolift::telemetry::init("warn");
    let db = innolift::db::open_database(&settings)?;
    println!(
        "list benchmark on {}: {small} needs, then {large}; data in {}",
        db.backend().name(),
        dir.display()
    );
    let registry = corpus::registry();
    let (needs, caps) = corpus::bulk(11, large, large / 2);
    let mut conn = db.get()?;
    let org_ids =
        demo::insert_orgs(&mut conn, &registry.orgs).map_err(|e| anyhow::anyhow!("{e}"))?;
    let (need_rows, cap_rows) = common::rows(&needs, &caps, &org_ids, "list");
    // Through the index queue, as every write is: the totals of numbered pages are remembered
    // until the queue moves.
    let insert = |conn: &mut innolift::db::DbConn, from: usize, to: usize| -> anyhow::Result<()> {
        let started = Instant::now();
        demo::insert_items(
            conn,
            &need_rows[from..to],
            &cap_rows[from / 2..to / 2],
            true,
            5000,
            |_| {},
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        println!(
            "inserted needs {from}..{to} and capabilities {}..{} in {:.1} s",
            from / 2,
            to / 2,
            started.elapsed().as_secs_f64()
        );
        Ok(())
    };
    insert(&mut conn, 0, small)?;
    drop(conn);
    let (port, token) = common::serve_and_sign_in(&db, &settings, &need_rows[0].organisation_id)?;
    caught_up(port)?;
    let at_small = measure(port, &token, &visible_ids(port, &token)?, small)?;
    let mut conn = db.get()?;
    insert(&mut conn, small, large)?;
    drop(conn);
    let waited = Instant::now();
    caught_up(port)?;
    println!(
        "the server's index applied them in {:.1} s",
        waited.elapsed().as_secs_f64()
    );
    let at_large = measure(port, &token, &visible_ids(port, &token)?, large)?;
    println!(
        "first page by cursor: p50 {at_large:.2} ms at {large} needs against {at_small:.2} ms at {small} = {:.2}×",
        at_large / at_small
    );
    let _ = std::fs::remove_dir_all(&dir);
    std::process::exit(0);
}
