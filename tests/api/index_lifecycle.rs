//! The index against a real `innolift serve` process: killed, restarted, damaged and rebuilt.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::helpers::{ids, need_body, TestApp};
use crate::on_both_databases;

/// An `innolift serve` process of its own, killed when dropped.
pub(crate) struct Server {
    pub child: Child,
    pub base: String,
}

impl Server {
    /// Starts `innolift serve` on the app's database with its own data directory.
    pub(crate) fn start(app: &TestApp, data_dir: &Path) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(env!("CARGO_BIN_EXE_innolift"))
            .arg("serve")
            .args([
                "--bind",
                &format!("127.0.0.1:{port}"),
                "--database-url",
                &app.settings.database_url,
            ])
            .arg("--data-dir")
            .arg(data_dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
        }
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    async fn search(&self, app: &TestApp, token: &str, q: &str) -> Option<Vec<String>> {
        let res = app
            .client
            .get(format!("{}/api/v1/search", self.base))
            .query(&[("q", q)])
            .bearer_auth(token)
            .send()
            .await
            .ok()?;
        if res.status() != 200 {
            return None;
        }
        Some(ids(&res.json::<Value>().await.ok()?))
    }

    /// Waits until a search for `q` finds all of `wanted`.
    async fn wait_for(&self, app: &TestApp, token: &str, q: &str, wanted: &[&str]) {
        let started = Instant::now();
        loop {
            if let Some(found) = self.search(app, token, q).await {
                if wanted.iter().all(|w| found.iter().any(|f| f == w)) {
                    return;
                }
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "{wanted:?} never appeared on the server"
            );
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

fn insert_behind_the_servers_back(app: &TestApp, organisation_id: &str, title: &str) -> String {
    let id = uuid::Uuid::new_v4().to_string();
    let mut conn = innolift::db::connect(&app.settings.database_url).unwrap();
    let now = innolift::db::now();
    let row = innolift::db::needs::NeedRow {
        id: id.clone(),
        organisation_id: organisation_id.to_owned(),
        created_by: None,
        title: title.into(),
        description: "Lagt inn mens tjenesten var nede.".into(),
        themes: "[\"other\"]".into(),
        cpv_codes: "[]".into(),
        counties: "[\"46\"]".into(),
        national: false,
        estimated_value_nok: None,
        planned_tender_date: None,
        status: innolift::domain::NeedStatus::Open,
        language: "nb".into(),
        source: "registered".into(),
        created_at: now,
        updated_at: now,
    };
    innolift::db::write_tx(&mut conn, |conn| {
        innolift::db::needs::insert(conn, &row)?;
        innolift::db::index_queue::enqueue(conn, "need", &id)
    })
    .unwrap();
    id
}

fn reindex(app: &TestApp, data_dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_innolift"))
        .args(["reindex", "--database-url", &app.settings.database_url])
        .arg("--data-dir")
        .arg(data_dir)
        .output()
        .unwrap()
}

on_both_databases! {
    async fn the_index_survives_kills_damage_and_old_versions(app: TestApp) {
        let buyer = app.register("b@kommune.no", 600, "buyer").await;
        let dir = tempfile::tempdir().unwrap();
        // The server signs with the same secret, so the test's token works on it.
        std::fs::copy(app.data_dir.join("token-secret"), dir.path().join("token-secret")).unwrap();

        let mut server = Server::start(&app, dir.path());
        let created: Value = {
            let started = Instant::now();
            loop {
                let res = app.client.post(format!("{}/api/v1/needs", server.base)).bearer_auth(&buyer.token)
                    .json(&need_body("Bølgedemper", "Bølgedemper ved moloen.")).send().await;
                if let Ok(res) = res {
                    assert_eq!(res.status(), 201);
                    break res.json().await.unwrap();
                }
                assert!(started.elapsed() < Duration::from_secs(10), "the server did not start");
                actix_web::rt::time::sleep(Duration::from_millis(100)).await;
            }
        };
        let first = created["id"].as_str().unwrap().to_owned();
        server.wait_for(&app, &buyer.token, "bølgedemper", &[&first]).await;

        // With the server running, reindex refuses and says why.
        let out = reindex(&app, dir.path());
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("stop the server"), "{}", String::from_utf8_lossy(&out.stderr));

        // Killed; a change commits while it is down; on restart the queue brings it in.
        server.kill();
        let second = insert_behind_the_servers_back(&app, &buyer.organisation_id, "Bølgedemper nummer to");
        let mut server = Server::start(&app, dir.path());
        server.wait_for(&app, &buyer.token, "bølgedemper", &[&first, &second]).await;

        // Damaged: the index is rebuilt from the database on start.
        server.kill();
        let version_dir = std::fs::read_dir(dir.path().join("index")).unwrap().flatten().next().unwrap().path();
        std::fs::write(version_dir.join("meta.json"), b"{ not json").unwrap();
        let old = dir.path().join("index").join("v0-old");
        std::fs::create_dir_all(&old).unwrap();
        std::fs::write(old.join("meta.json"), b"{}").unwrap();
        let mut server = Server::start(&app, dir.path());
        server.wait_for(&app, &buyer.token, "bølgedemper", &[&first, &second]).await;
        assert!(!old.exists(), "an index of another version is removed");

        // Stopped, reindex rebuilds and says how much.
        server.kill();
        let out = reindex(&app, dir.path());
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).contains("indexed 2 needs and capabilities"), "{}", String::from_utf8_lossy(&out.stdout));
        let server = Server::start(&app, dir.path());
        server.wait_for(&app, &buyer.token, "bølgedemper", &[&first, &second]).await;

    }
}

#[test]
fn demo_loads_once_and_eval_prints_figures() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_innolift"))
            .args(args)
            .arg("--data-dir")
            .arg(dir.path())
            .env_remove("DATABASE_URL")
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap()
    };
    let out = run(&["demo"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("80 needs and 500 capabilities"), "{text}");
    assert!(text.contains("kjoper@demo.innolift.no"));
    let again = run(&["demo"]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("already loaded"));
    let eval = run(&["eval"]);
    let text = String::from_utf8_lossy(&eval.stdout);
    assert!(
        eval.status.success(),
        "{}",
        String::from_utf8_lossy(&eval.stderr)
    );
    for needle in [
        "nDCG@10",
        "recall@10",
        "MRR",
        "innolift matcher",
        "plain BM25 baseline",
    ] {
        assert!(text.contains(needle), "{text}");
    }
}
