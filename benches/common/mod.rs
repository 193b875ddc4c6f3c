//! What the benchmarks share: one HTTP/1.1 request on a kept-alive connection, percentiles, and
//! the process's memory and CPU time. Each benchmark uses some of it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// The peak resident memory of the whole process so far, in MB.
pub fn peak_rss_mb() -> f64 {
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
pub fn cpu_seconds() -> f64 {
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

/// The `p` quantile of sorted samples, in milliseconds.
pub fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// Prints p50, p99 and max of `samples`.
pub fn report(what: &str, mut samples: Vec<Duration>) {
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
pub fn request(
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

/// Adds an owner account to `organisation_id`, starts the real server on a free port on its own
/// thread, and signs in over HTTP. Returns the port and the bearer token.
pub fn serve_and_sign_in(
    db: &innolift::db::Db,
    settings: &innolift::settings::Settings,
    organisation_id: &str,
) -> anyhow::Result<(u16, String)> {
    let mut conn = db.get()?;
    let hash = innolift::domain::Password::parse("benchmark-passord")?.hash();
    innolift::db::accounts::insert(
        &mut conn,
        &innolift::db::accounts::AccountRow::confirmed_owner(
            innolift::db::new_id(),
            "bench@innolift.no",
            "Bench",
            hash,
            organisation_id,
        ),
    )?;
    drop(conn);
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
    Ok((port, token))
}

/// The generated needs and capabilities as rows of the organisations in `org_ids`, with ids
/// stable under `prefix`.
pub fn rows(
    needs: &[innolift::demo::corpus::DemoNeed],
    capabilities: &[innolift::demo::corpus::DemoCapability],
    org_ids: &std::collections::HashMap<String, String>,
    prefix: &str,
) -> (
    Vec<innolift::db::needs::NeedRow>,
    Vec<innolift::db::capabilities::CapabilityRow>,
) {
    use innolift::demo::{capability_row, need_row, stable_id};
    let needs = needs
        .iter()
        .enumerate()
        .map(|(i, n)| need_row(n, stable_id(&format!("{prefix}-need-{i}")), org_ids))
        .collect();
    let capabilities = capabilities
        .iter()
        .enumerate()
        .map(|(i, c)| capability_row(c, stable_id(&format!("{prefix}-cap-{i}")), org_ids))
        .collect();
    (needs, capabilities)
}
