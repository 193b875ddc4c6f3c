//! What an operator sees: `/metrics` behind its token, and `/readyz` failing while the search
//! index lags. On both databases.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::helpers::{need_body, spawn_app_with, Backend};

async fn metrics_need_their_token_and_count_requests_by_route(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |s| {
        s.metrics_token = Some("skrape-token-for-test".into());
    })
    .await
    else {
        return;
    };
    let buyer = app.register("drift@kommune.no", 7300, "buyer").await;
    let mut need = need_body("Ferje", "Elektrisk ferje.");
    need["status"] = json!("open");
    let id = app.need(&buyer.token, need).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        app.get(&format!("/api/v1/needs/{id}"), Some(&buyer.token))
            .await
            .status(),
        200
    );
    let res = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(res.status(), 401, "no token, no metrics");
    let res = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth("feil")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let res = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth("skrape-token-for-test")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let text = res.text().await.unwrap();
    for expected in [
        "innolift_http_requests_total{method=\"GET\",route=\"/api/v1/needs/{id}\",status=\"200\"} 1",
        "innolift_http_requests_total{method=\"POST\",route=\"/api/v1/needs\",status=\"201\"} 1",
        "innolift_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/v1/needs/{id}\",status=\"200\",le=\"+Inf\"} 1",
        "innolift_outbox_oldest_queued_seconds ",
        "innolift_outbox_messages{status=\"failed\"} 0",
        "innolift_outbox_messages{status=\"withdrawn\"} 0",
        "innolift_index_queue_depth ",
        "innolift_index_lag_seconds ",
        "innolift_index_ready 1",
        "innolift_db_pool_connections{state=\"max\"}",
        "innolift_build_info{version=\"",
    ] {
        assert!(text.contains(expected), "{expected} is missing from:\n{text}");
    }
    assert!(!text.contains(&id), "paths with ids never become series");
    println!("{text}");
}

async fn metrics_are_off_without_a_token(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |_| {}).await else {
        return;
    };
    let res = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(res.status(), 404);
}

async fn readyz_fails_while_the_index_lags_and_recovers_when_it_catches_up(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |s| {
        s.ready_max_index_lag = Duration::ZERO;
    })
    .await
    else {
        return;
    };
    let buyer = app.register("klar@kommune.no", 7301, "buyer").await;
    // With no lag allowed, a change the indexer has not committed yet makes the node not ready;
    // each try writes and asks at once, before the indexer's commit.
    let mut lagged = None;
    for i in 0..20 {
        let mut need = need_body(&format!("Ferje {i}"), "Elektrisk ferje.");
        need["status"] = json!("open");
        app.need(&buyer.token, need).await;
        let res = app.get("/readyz", None).await;
        if res.status() == 503 {
            lagged = Some(res.json::<Value>().await.unwrap());
            break;
        }
    }
    let body = lagged.expect("a write the index has not applied makes the node not ready");
    assert!(body["reason"].as_str().unwrap().contains("lags"), "{body}");
    let until = Instant::now() + Duration::from_secs(10);
    loop {
        if app.get("/readyz", None).await.status() == 200 {
            break;
        }
        assert!(
            Instant::now() < until,
            "the node is ready again once the index caught up"
        );
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}

crate::browser_flow!(
    metrics_with_token,
    metrics_need_their_token_and_count_requests_by_route
);
crate::browser_flow!(metrics_off, metrics_are_off_without_a_token);
crate::browser_flow!(
    readyz_index_lag,
    readyz_fails_while_the_index_lags_and_recovers_when_it_catches_up
);
