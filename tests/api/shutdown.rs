//! SIGTERM drains a node: a request in flight is answered, the emails being sent are finished
//! and marked, and nothing is sent twice when the next node takes over. On both databases.

use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::dialogues::{event, header, insert_suppliers, SmtpServer};
use crate::helpers::{Backend, PgDatabase, TestApp};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `innolift serve` as its own process, sending mail to `smtp`.
fn node(dir: &std::path::Path, database_url: &str, port: u16, smtp: &SmtpServer) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_innolift"));
    command
        .arg("serve")
        .env_clear()
        .env("INNOLIFT_DATA_DIR", dir)
        .env("INNOLIFT_BIND", format!("127.0.0.1:{port}"))
        .env("INNOLIFT_SMTP_HOST", "127.0.0.1")
        .env("INNOLIFT_SMTP_PORT", smtp.port.to_string())
        .env("INNOLIFT_MAIL_FROM", "innolift <noreply@innolift.test>")
        .env("INNOLIFT_PUBLIC_URL", "https://innolift.test")
        .env("INNOLIFT_TRUST_SELF_DECLARED_BUYERS", "true")
        .env("INNOLIFT_CONFIRM_EMAIL", "false")
        .env("INNOLIFT_LOG", "info,tantivy=warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join("node.log")).unwrap());
    if !database_url.is_empty() {
        command.env("DATABASE_URL", database_url);
    }
    command.spawn().unwrap()
}

async fn wait_ready(base: &str) {
    let client = reqwest::Client::new();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(60) {
        if let Ok(res) = client.get(format!("{base}/readyz")).send().await {
            if res.status() == 200 {
                return;
            }
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the node at {base} never got ready");
}

fn invitations(smtp: &SmtpServer) -> Vec<String> {
    let mut to: Vec<String> = smtp
        .messages()
        .iter()
        .filter(|m| header(m, "Message-ID").is_some_and(|id| id.starts_with("<invitation-")))
        .filter_map(|m| header(m, "To"))
        .collect();
    to.sort();
    to
}

fn sent_in_outbox(app: &TestApp) -> i64 {
    use diesel::prelude::*;
    let mut conn = innolift::db::connect(&app.settings.database_url).unwrap();
    innolift::db::schema::outbox::table
        .filter(innolift::db::schema::outbox::kind.eq("invitation"))
        .filter(innolift::db::schema::outbox::status.eq("sent"))
        .count()
        .get_result(&mut conn)
        .unwrap()
}

async fn sigterm_answers_the_request_in_flight_and_finishes_the_emails_being_sent(
    backend: Backend,
) {
    let mut smtp = SmtpServer::unstarted();
    if !smtp.start() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pg = match backend {
        Backend::Postgres => match PgDatabase::create() {
            Some(pg) => Some(pg),
            None => return,
        },
        Backend::Sqlite => None,
    };
    let url = match &pg {
        Some(pg) => pg.url.clone(),
        None => format!("sqlite://{}", dir.path().join("innolift.db").display()),
    };
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut first = node(dir.path(), &url, port, &smtp);
    wait_ready(&base).await;
    let app = TestApp::at(&base, &url);
    let (buyer, _pid, did) = event(&app, 9900).await;
    let suppliers = insert_suppliers(&app, 200, 9910);
    let res = app
        .post(
            &format!("/api/v1/dialogues/{did}/invitations"),
            &json!({"supplier_ids": suppliers}),
            Some(&buyer.token),
        )
        .await;
    assert_eq!(res.status(), 201);
    // Stop in the middle of the batch, with a request whose body is still coming.
    let started = Instant::now();
    while invitations(&smtp).len() < 20 {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the batch never started"
        );
        actix_web::rt::time::sleep(Duration::from_millis(10)).await;
    }
    let body = json!({"title": "Ferje", "description": "Elektrisk ferje.", "themes": ["mobility_transport"], "national": true}).to_string();
    let mut slow = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        slow,
        "POST /api/v1/needs HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{}",
        buyer.token,
        body.len(),
        &body[..10]
    )
    .unwrap();
    slow.flush().unwrap();
    actix_web::rt::time::sleep(Duration::from_millis(200)).await;
    let stopping = Instant::now();
    assert_eq!(
        unsafe { libc::kill(first.id() as libc::pid_t, libc::SIGTERM) },
        0
    );
    actix_web::rt::time::sleep(Duration::from_millis(300)).await;
    slow.write_all(&body.as_bytes()[10..]).unwrap();
    let mut answer = String::new();
    slow.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let _ = slow.read_to_string(&mut answer);
    assert!(
        answer.starts_with("HTTP/1.1 201"),
        "the request in flight is answered: {answer:?}"
    );
    let status = loop {
        if let Some(status) = first.try_wait().unwrap() {
            break status;
        }
        assert!(
            stopping.elapsed() < Duration::from_secs(40),
            "SIGTERM did not stop the node"
        );
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    };
    let log = std::fs::read_to_string(dir.path().join("node.log")).unwrap_or_default();
    assert!(
        status.success(),
        "a drained node exits cleanly ({status}):\n{log}"
    );
    assert!(
        log.contains("stopping: answering the requests in flight"),
        "{log}"
    );
    assert!(
        log.contains("INFO stopped"),
        "the mailer finished in time: {log}"
    );
    actix_web::rt::time::sleep(Duration::from_millis(500)).await;
    let delivered = invitations(&smtp).len();
    assert!(delivered < 200, "the stop came in the middle of the batch");
    assert_eq!(
        sent_in_outbox(&app) as usize,
        delivered,
        "every email handed to the mail server was marked sent before the node stopped"
    );
    println!(
        "SIGTERM: stopped in {} ms with {delivered} of 200 invitations sent",
        stopping.elapsed().as_millis()
    );

    // The next node sends the rest, none twice.
    let port = free_port();
    let next_base = format!("http://127.0.0.1:{port}");
    let mut second = node(dir.path(), &url, port, &smtp);
    wait_ready(&next_base).await;
    let started = Instant::now();
    while invitations(&smtp).len() < 200 && started.elapsed() < Duration::from_secs(30) {
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    actix_web::rt::time::sleep(Duration::from_millis(500)).await;
    let mut to = invitations(&smtp);
    let count = to.len();
    to.dedup();
    let _ = second.kill();
    let _ = second.wait();
    assert_eq!(to.len(), 200, "every invitation arrived");
    assert_eq!(count, 200, "none twice");
    let need: Value =
        serde_json::from_str(answer.split("\r\n\r\n").nth(1).unwrap_or("{}")).unwrap_or_default();
    assert_eq!(need["title"], "Ferje", "the answered request was saved");
}

crate::browser_flow!(
    sigterm,
    sigterm_answers_the_request_in_flight_and_finishes_the_emails_being_sent
);

/// Two nodes started at the same moment on a new PostgreSQL database both come up: they take
/// turns to migrate and to load the CPV vocabulary. (SQLite serves one node.)
#[actix_web::test]
async fn two_nodes_started_at_once_on_a_new_database_both_come_up() {
    let mut smtp = SmtpServer::unstarted();
    if !smtp.start() {
        return;
    }
    let Some(pg) = PgDatabase::create() else {
        return;
    };
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let ports = [free_port(), free_port()];
    let mut nodes: Vec<Child> = dirs
        .iter()
        .zip(ports)
        .map(|(dir, port)| node(dir.path(), &pg.url, port, &smtp))
        .collect();
    for (i, port) in ports.iter().enumerate() {
        let base = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        let client = reqwest::Client::new();
        loop {
            if let Ok(res) = client.get(format!("{base}/readyz")).send().await {
                if res.status() == 200 {
                    break;
                }
            }
            if let Ok(Some(status)) = nodes[i].try_wait() {
                let log =
                    std::fs::read_to_string(dirs[i].path().join("node.log")).unwrap_or_default();
                panic!("node {i} exited at its start ({status}):\n{log}");
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "node {i} never got ready"
            );
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
    }
    for node in &mut nodes {
        let _ = node.kill();
        let _ = node.wait();
    }
    let mut conn = innolift::db::connect(&pg.url).unwrap();
    assert!(
        innolift::db::cpv::is_loaded(&mut conn).unwrap(),
        "the vocabulary was loaded"
    );
}
