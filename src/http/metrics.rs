//! `GET /metrics` in Prometheus's text format, behind the `metrics_token` bearer token: request
//! counts and latency histograms by route and status, kept in this process, and the snapshot
//! the service layer reads (outbox, index lag, database pool, build).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Duration;

use actix_web::{web, HttpRequest, HttpResponse};

use crate::app::Context;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Default)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

/// Request counts and latencies of this process, by method, route pattern and status. Routes
/// are the patterns (`/api/v1/needs/{id}`), never the paths, so ids do not multiply the series.
#[derive(Default)]
pub struct HttpMetrics {
    series: Mutex<BTreeMap<(String, String, u16), Series>>,
}

impl HttpMetrics {
    /// Counts one answered request.
    pub fn observe(&self, method: &str, route: &str, status: u16, took: Duration) {
        let secs = took.as_secs_f64();
        let mut series = self.series.lock().unwrap_or_else(|e| e.into_inner());
        let s = series
            .entry((method.to_owned(), route.to_owned(), status))
            .or_default();
        s.count += 1;
        s.sum += secs;
        for (i, bound) in BUCKETS.iter().enumerate() {
            if secs <= *bound {
                s.buckets[i] += 1;
            }
        }
    }

    fn render(&self, out: &mut String) {
        let series = self.series.lock().unwrap_or_else(|e| e.into_inner());
        out.push_str("# HELP innolift_http_requests_total HTTP requests answered by this node.\n");
        out.push_str("# TYPE innolift_http_requests_total counter\n");
        for ((method, route, status), s) in series.iter() {
            let _ = writeln!(
                out,
                "innolift_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {}",
                escape(route),
                s.count
            );
        }
        out.push_str("# HELP innolift_http_request_duration_seconds Time to answer, by route.\n");
        out.push_str("# TYPE innolift_http_request_duration_seconds histogram\n");
        for ((method, route, status), s) in series.iter() {
            let labels = format!(
                "method=\"{method}\",route=\"{}\",status=\"{status}\"",
                escape(route)
            );
            for (bound, n) in BUCKETS.iter().zip(s.buckets) {
                let _ = writeln!(
                    out,
                    "innolift_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "innolift_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(
                out,
                "innolift_http_request_duration_seconds_sum{{{labels}}} {:.6}",
                s.sum
            );
            let _ = writeln!(
                out,
                "innolift_http_request_duration_seconds_count{{{labels}}} {}",
                s.count
            );
        }
    }
}

fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn gauge(out: &mut String, name: &str, help: &str, samples: &[(String, f64)]) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge");
    for (labels, value) in samples {
        if labels.is_empty() {
            let _ = writeln!(out, "{name} {value}");
        } else {
            let _ = writeln!(out, "{name}{{{labels}}} {value}");
        }
    }
}

/// The metrics, for a scraper that gives the token; 404 when no token is set, 401 without it.
pub async fn metrics(
    state: web::Data<Context>,
    http: web::Data<HttpMetrics>,
    req: HttpRequest,
) -> Result<HttpResponse, crate::error::AppError> {
    let Some(token) = &state.settings.metrics_token else {
        return Ok(HttpResponse::NotFound().finish());
    };
    let given = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if !given.is_some_and(|g| crate::auth::tokens::same_secret(g, token.expose())) {
        return Ok(HttpResponse::Unauthorized()
            .insert_header(("WWW-Authenticate", "Bearer realm=\"metrics\""))
            .body("give the metrics token as Authorization: Bearer <metrics_token>\n"));
    }
    let snap = crate::app::metrics::snapshot(&state).await?;
    let mut out = String::new();
    http.render(&mut out);
    let one = |v: f64| vec![(String::new(), v)];
    gauge(
        &mut out,
        "innolift_outbox_messages",
        "Emails in the shared outbox by status: queued, sent, failed, withdrawn.",
        &snap
            .outbox
            .iter()
            .map(|(s, n)| (format!("status=\"{}\"", escape(s)), *n as f64))
            .collect::<Vec<_>>(),
    );
    gauge(
        &mut out,
        "innolift_outbox_oldest_queued_seconds",
        "Age of the oldest queued email; 0 when none waits.",
        &one(snap.outbox_oldest_secs),
    );
    gauge(
        &mut out,
        "innolift_index_queue_depth",
        "Committed changes this node's search index has still to apply.",
        &one(snap.index_queue_depth as f64),
    );
    gauge(
        &mut out,
        "innolift_index_lag_seconds",
        "Age of the oldest change not yet in this node's index; 0 when current.",
        &one(snap.index_lag_secs),
    );
    gauge(
        &mut out,
        "innolift_index_last_commit_age_seconds",
        "Seconds since this node's index last committed.",
        &snap.index_commit_age_secs.map(one).unwrap_or_default(),
    );
    gauge(
        &mut out,
        "innolift_index_ready",
        "1 when the index serves searches, 0 while it is rebuilt.",
        &one(if snap.index_ready { 1.0 } else { 0.0 }),
    );
    gauge(
        &mut out,
        "innolift_index_documents",
        "Documents in this node's index.",
        &one(snap.index_documents as f64),
    );
    let (open, idle, max) = snap.pool;
    gauge(
        &mut out,
        "innolift_db_pool_connections",
        "Database pool connections: open, idle among them, and the most it opens.",
        &[
            ("state=\"open\"".into(), f64::from(open)),
            ("state=\"idle\"".into(), f64::from(idle)),
            (
                "state=\"in_use\"".into(),
                f64::from(open.saturating_sub(idle)),
            ),
            ("state=\"max\"".into(), f64::from(max)),
        ],
    );
    gauge(
        &mut out,
        "innolift_build_info",
        "The build and the database backend; always 1.",
        &[(
            format!("version=\"{}\",backend=\"{}\"", snap.version, snap.backend),
            1.0,
        )],
    );
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_lands_in_its_bucket_and_every_larger_one() {
        let m = HttpMetrics::default();
        m.observe("GET", "/api/v1/needs", 200, Duration::from_millis(30));
        m.observe("GET", "/api/v1/needs", 200, Duration::from_millis(3));
        let mut out = String::new();
        m.render(&mut out);
        assert!(out.contains(
            "innolift_http_requests_total{method=\"GET\",route=\"/api/v1/needs\",status=\"200\"} 2"
        ));
        assert!(out.contains("le=\"0.005\"} 1"), "{out}");
        assert!(out.contains("le=\"0.05\"} 2"), "{out}");
        assert!(out.contains("le=\"+Inf\"} 2"), "{out}");
    }
}
