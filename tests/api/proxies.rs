//! Forwarded headers count only from trusted proxies; HSTS with an https public address; a
//! Content-Security-Policy on every HTML answer.

use reqwest::header::{CONTENT_SECURITY_POLICY, SET_COOKIE, STRICT_TRANSPORT_SECURITY};

use crate::helpers::{spawn_app_with, Backend};

fn cookies(res: &reqwest::Response) -> Vec<String> {
    res.headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn x_forwarded_proto_counts_only_from_a_trusted_proxy() {
    let Some(app) = spawn_app_with(Backend::Sqlite, |_| {}).await else {
        return;
    };
    let res = app
        .client
        .get(app.url("/login"))
        .header("X-Forwarded-Proto", "https")
        .send()
        .await
        .unwrap();
    let set = cookies(&res);
    assert!(!set.is_empty(), "the sign-in page sets its CSRF cookie");
    assert!(
        set.iter().all(|c| !c.contains("Secure")),
        "anyone's header turned on Secure: {set:?}"
    );
    assert!(
        res.headers().get(STRICT_TRANSPORT_SECURITY).is_none(),
        "no HSTS over http"
    );

    let Some(behind) = spawn_app_with(Backend::Sqlite, |s| {
        s.trusted_proxies = innolift::domain::network::Network::parse_list("127.0.0.1").unwrap();
    })
    .await
    else {
        return;
    };
    let res = behind
        .client
        .get(behind.url("/login"))
        .header("X-Forwarded-Proto", "https")
        .send()
        .await
        .unwrap();
    let set = cookies(&res);
    assert!(
        !set.is_empty() && set.iter().all(|c| c.contains("Secure")),
        "the trusted proxy's https counts: {set:?}"
    );
    let res = behind
        .client
        .get(behind.url("/login"))
        .send()
        .await
        .unwrap();
    assert!(
        cookies(&res).iter().all(|c| !c.contains("Secure")),
        "plain http through the proxy"
    );
}

#[actix_web::test]
async fn an_https_deployment_sends_hsts_and_every_html_answer_has_a_csp() {
    let Some(app) = spawn_app_with(Backend::Sqlite, |s| {
        s.public_url = "https://innolift.test".into()
    })
    .await
    else {
        return;
    };
    for path in ["/", "/api/docs/", "/no-such-page", "/api/v1/needs"] {
        let res = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(
            res.headers()
                .get(STRICT_TRANSPORT_SECURITY)
                .map(|v| v.to_str().unwrap()),
            Some("max-age=31536000"),
            "{path}"
        );
        let html = res
            .headers()
            .get("content-type")
            .is_some_and(|t| t.to_str().unwrap().starts_with("text/html"));
        if path != "/api/v1/needs" {
            assert!(html, "{path} is a page");
            let csp = res
                .headers()
                .get(CONTENT_SECURITY_POLICY)
                .map(|v| v.to_str().unwrap().to_owned());
            assert!(
                csp.as_deref().is_some_and(
                    |c| c.contains("frame-ancestors 'none'") && c.contains("script-src 'self'")
                ),
                "{path}: {csp:?}"
            );
        }
    }
}

/// Sends `head` (a request whose body is shorter than its `Content-Length`) and waits for the
/// server to answer and close: the answer, whether it closed, and after how long.
async fn trickle(
    app: &crate::helpers::TestApp,
    head: &'static [u8],
) -> (String, bool, std::time::Duration) {
    let address = app.address.trim_start_matches("http://").to_owned();
    tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(&address).unwrap();
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .unwrap();
        stream.write_all(head).unwrap();
        let started = std::time::Instant::now();
        let mut answer = Vec::new();
        // Reads to the end: it comes only once the server closes the connection.
        let closed = stream.read_to_end(&mut answer).is_ok();
        (
            String::from_utf8_lossy(&answer).into_owned(),
            closed,
            started.elapsed(),
        )
    })
    .await
    .unwrap()
}

#[actix_web::test]
async fn a_body_that_trickles_gets_408_and_its_connection_closed_within_the_timeout() {
    let Some(app) = spawn_app_with(Backend::Sqlite, |s| {
        s.body_timeout = std::time::Duration::from_secs(1)
    })
    .await
    else {
        return;
    };
    let (text, closed, took) = trickle(&app, b"POST /api/v1/auth/login HTTP/1.1\r\nHost: innolift.test\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"email\":").await;
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("request_timeout"), "{text}");
    assert!(
        closed && took < std::time::Duration::from_secs(4),
        "closed: {closed}, after {took:?}"
    );
}

/// A sign-in form whose body trickles gets the 408 page in Norwegian, not a 400 that blames what
/// the visitor typed, and its connection is closed within the timeout.
#[actix_web::test]
async fn a_form_that_trickles_gets_the_408_page_and_its_connection_closed() {
    let Some(app) = spawn_app_with(Backend::Sqlite, |s| {
        s.body_timeout = std::time::Duration::from_secs(1)
    })
    .await
    else {
        return;
    };
    let (text, closed, took) = trickle(&app, b"POST /login HTTP/1.1\r\nHost: innolift.test\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nemail=").await;
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("Skjemaet kom ikke fram i tide"), "{text}");
    assert!(
        closed && took < std::time::Duration::from_secs(4),
        "closed: {closed}, after {took:?}"
    );
}

/// A request that outlasts `request_timeout` is answered 503, whatever it waits for.
async fn a_request_that_outlasts_the_request_timeout_gets_503(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |s| {
        s.request_timeout = std::time::Duration::from_secs(1);
        s.body_timeout = std::time::Duration::from_secs(30);
    })
    .await
    else {
        return;
    };
    let address = app.address.trim_start_matches("http://").to_owned();
    let (text, took) = tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(&address).unwrap();
        stream.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
        stream
            .write_all(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: innolift.test\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"email\":")
            .unwrap();
        let started = std::time::Instant::now();
        let mut answer = [0u8; 512];
        let n = stream.read(&mut answer).unwrap_or(0);
        (String::from_utf8_lossy(&answer[..n]).into_owned(), started.elapsed())
    })
    .await
    .unwrap();
    assert!(text.starts_with("HTTP/1.1 503"), "{text}");
    assert!(took < std::time::Duration::from_secs(5), "after {took:?}");
}

crate::browser_flow!(
    request_timeout,
    a_request_that_outlasts_the_request_timeout_gets_503
);
