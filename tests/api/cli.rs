//! The `innolift` binary itself.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::on_both_databases;

fn innolift() -> Command {
    Command::new(env!("CARGO_BIN_EXE_innolift"))
}

on_both_databases! {
    async fn admin_create_reads_the_password_from_stdin_and_the_admin_can_sign_in(app: TestApp) {
        let mut child = innolift()
            .args(["admin", "create", "--email", "Stab@Programmet.no", "--database-url", &app.settings.database_url])
            .arg("--data-dir")
            .arg(&app.data_dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(b"programmet sitt passord\n").unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

        let res = app.login("stab@programmet.no", "programmet sitt passord").await;
        assert_eq!(res.status(), 200);
        let token: serde_json::Value = res.json().await.unwrap();
        let me: serde_json::Value = app.get("/api/v1/me", token["token"].as_str()).await.json().await.unwrap();
        assert_eq!(me["user"]["role"], "admin");
        assert_eq!(me["organisation"], serde_json::Value::Null);

        // Administrators may change any organisation.
        let owner = app.register("eier@x.no", 70, "buyer").await;
        let res = app.patch(&format!("/api/v1/organisations/{}", owner.organisation_id), &json!({"name": "Rettet navn"}), token["token"].as_str().unwrap()).await;
        assert_eq!(res.status(), 200);

        let again = innolift()
            .args(["admin", "create", "--email", "stab@programmet.no", "--password", "programmet sitt passord", "--database-url", &app.settings.database_url])
            .arg("--data-dir")
            .arg(&app.data_dir)
            .output()
            .unwrap();
        assert!(!again.status.success(), "a second admin with the same email is refused");
    }
}

#[test]
fn admin_create_refuses_a_short_password() {
    let dir = tempfile::tempdir().unwrap();
    let out = innolift()
        .args(["admin", "create", "--email", "a@b.no", "--password", "kort"])
        .arg("--data-dir")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 12"));
}

#[test]
fn help_lists_every_setting_with_its_environment_variable() {
    let out = innolift().args(["serve", "--help"]).output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for name in [
        "--bind",
        "--data-dir",
        "--database-url",
        "--config",
        "DATABASE_URL",
        "INNOLIFT_DATA_DIR",
        "INNOLIFT_BIND",
        "INNOLIFT_TOKEN_SECRET",
        "INNOLIFT_TOKEN_TTL_MINUTES",
        "INNOLIFT_CONFIG",
        "INNOLIFT_MAX_BODY_BYTES",
        "INNOLIFT_DB_POOL_SIZE",
        "INNOLIFT_LOGIN_MAX_FAILURES_PER_ACCOUNT",
        "INNOLIFT_LOGIN_MAX_FAILURES_PER_ADDRESS",
        "INNOLIFT_LOG",
    ] {
        assert!(
            help.contains(name),
            "--help does not mention {name}:\n{help}"
        );
    }
}

#[test]
fn migrate_applies_the_migrations_to_a_fresh_sqlite_database() {
    let dir = tempfile::tempdir().unwrap();
    let out = innolift()
        .arg("migrate")
        .arg("--data-dir")
        .arg(dir.path())
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.path().join("innolift.db").exists());
    let again = innolift()
        .arg("migrate")
        .arg("--data-dir")
        .arg(dir.path())
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&again.stdout).starts_with("0 migration"));
}

#[test]
fn serve_answers_healthz_within_seconds_with_no_database_set_up() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = dir.path().join("innolift.toml");
    std::fs::write(&config, format!("bind = \"127.0.0.1:{port}\"\n")).unwrap();
    let mut child = innolift()
        .arg("serve")
        .arg("--data-dir")
        .arg(dir.path().join("var"))
        .arg("--config")
        .arg(&config)
        .env_remove("DATABASE_URL")
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let mut healthy = false;
    while started.elapsed() < Duration::from_secs(10) {
        if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            use std::io::Read;
            stream.write_all(b"GET /healthz HTTP/1.0\r\n\r\n").unwrap();
            let mut answer = String::new();
            let _ = stream.read_to_string(&mut answer);
            if answer.starts_with("HTTP/1.0 200") || answer.starts_with("HTTP/1.1 200") {
                healthy = true;
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(healthy, "serve did not answer /healthz within 10 seconds");
    assert!(
        dir.path().join("var/innolift.db").exists(),
        "the SQLite database is created in the data dir"
    );
    assert!(
        dir.path().join("var/token-secret").exists(),
        "the token secret is generated in the data dir"
    );
}

/// Sends one raw HTTP/1.0 request and returns the answer's status line.
fn raw_request(port: u16, request: &[u8]) -> String {
    use std::io::Read;
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.write_all(request).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer)
        .lines()
        .next()
        .unwrap_or("")
        .to_owned()
}

#[test]
fn a_visit_to_a_sign_in_page_and_a_huge_invalid_value_log_briefly_and_not_as_errors() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let log = dir.path().join("stderr.log");
    let mut child = innolift()
        .arg("serve")
        .arg("--data-dir")
        .arg(dir.path().join("var"))
        .args(["--bind", &format!("127.0.0.1:{port}")])
        .env_remove("DATABASE_URL")
        .env("INNOLIFT_LOG", "info,tantivy=warn")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "serve did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let status = raw_request(port, b"GET /account HTTP/1.0\r\n\r\n");
    assert!(status.contains(" 303"), "{status}");
    let huge = "x".repeat(200_000);
    let body = json!({"email": "a@b.no", "password": "et langt passord", "name": "N",
        "organisation": {"orgnr": "910000007", "name": "N", "kind": huge}})
    .to_string();
    let request = format!(
        "POST /api/v1/auth/register HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let status = raw_request(port, request.as_bytes());
    assert!(status.contains(" 400"), "{status}");
    std::thread::sleep(Duration::from_millis(300));
    let _ = child.kill();
    let _ = child.wait();
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        !text.contains("ERROR"),
        "nothing here is a server error:\n{text}"
    );
    assert!(
        text.len() < 20_000,
        "the log holds {} bytes for two requests",
        text.len()
    );
    assert!(
        text.contains("request refused"),
        "the refusal is logged at INFO:\n{text}"
    );
}
