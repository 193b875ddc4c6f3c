//! The test harness: every test gets a fresh database (a SQLite file in a temporary directory,
//! or a PostgreSQL database created for it and dropped afterwards) and a server on a free port.

use std::path::PathBuf;

use diesel::{Connection, PgConnection, RunQueryDsl};
use innolift::http::server::Application;
use innolift::settings::Settings;
use serde_json::{json, Value};

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The server for the administrative connection that creates and drops test databases.
/// TLS is off for the local test server: the tests need none, and it keeps OpenSSL out of the
/// background threads that may still be connecting while the test process exits.
pub fn pg_admin_url() -> String {
    std::env::var("INNOLIFT_TEST_PG_URL").unwrap_or_else(|_| {
        "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable".to_owned()
    })
}

fn pg_url_for(database: &str) -> String {
    let admin = pg_admin_url();
    let (path, query) = admin
        .split_once('?')
        .map(|(p, q)| (p, format!("?{q}")))
        .unwrap_or((&admin, String::new()));
    let base = path.rsplit_once('/').map(|(b, _)| b).unwrap_or(path);
    format!("{base}/{database}{query}")
}

/// A PostgreSQL database that exists for one test.
pub struct PgDatabase {
    pub name: String,
    pub url: String,
}

impl PgDatabase {
    /// Creates a database, or returns `None` when the server is unreachable outside CI. With
    /// `CI=true` an unreachable server fails the test instead of skipping it.
    pub fn create() -> Option<PgDatabase> {
        let mut admin = match PgConnection::establish(&pg_admin_url()) {
            Ok(c) => c,
            Err(e) => {
                if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
                    panic!(
                        "PostgreSQL at {} is unreachable and CI=true: {e}",
                        pg_admin_url()
                    );
                }
                eprintln!(
                    "skipping PostgreSQL test: {} unreachable ({e}); set CI=true to fail instead",
                    pg_admin_url()
                );
                return None;
            }
        };
        let name = format!("innolift_test_{}", uuid::Uuid::new_v4().simple());
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .expect("create test database");
        Some(PgDatabase {
            url: pg_url_for(&name),
            name,
        })
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if let Ok(mut admin) = PgConnection::establish(&pg_admin_url()) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut admin);
        }
    }
}

/// A running server with its own database.
pub struct TestApp {
    pub address: String,
    pub backend: Backend,
    pub settings: Settings,
    pub client: reqwest::Client,
    pub data_dir: PathBuf,
    _dir: tempfile::TempDir,
    _pg: Option<PgDatabase>,
}

/// A signed-in user, as the tests see one.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub email: String,
    pub password: String,
    pub token: String,
    pub id: String,
    pub organisation_id: String,
}

/// Starts the server on `backend`, or `None` when that backend is unavailable (see
/// [`PgDatabase::create`]).
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, |_| {}).await
}

/// As [`spawn_app`], with changed settings.
pub async fn spawn_app_with(
    backend: Backend,
    change: impl FnOnce(&mut Settings),
) -> Option<TestApp> {
    let dir = tempfile::tempdir().expect("temporary directory");
    let pg = match backend {
        Backend::Postgres => Some(PgDatabase::create()?),
        Backend::Sqlite => None,
    };
    let mut settings = Settings::for_data_dir(dir.path());
    if let Some(pg) = &pg {
        settings.database_url = pg.url.clone();
    }
    settings.bind = "127.0.0.1:0".to_owned();
    settings.db_pool_size = 4;
    // The daily digest runs on demand in tests (POST /api/v1/admin/digest), not by the clock.
    settings.digest_worker = false;
    settings.publish_worker = false;
    // Most tests make up their CPV codes; those that need the vocabulary load it themselves or
    // turn this back on.
    settings.load_cpv = false;
    // Most tests act as buyers at once, as a closed pilot does; the approval tests turn it off.
    settings.trust_self_declared_buyers = true;
    // Most tests do not open a confirmation link for every account they make; the confirmation
    // tests turn it on.
    settings.confirm_email = false;
    change(&mut settings);
    let app = Application::build_with_workers(settings.clone(), 1)
        .await
        .expect("build application");
    let address = format!("http://127.0.0.1:{}", app.port());
    actix_web::rt::spawn(app.run_until_stopped());
    Some(TestApp {
        address,
        backend,
        settings,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        data_dir: dir.path().to_owned(),
        _dir: dir,
        _pg: pg,
    })
}

impl TestApp {
    /// A handle on servers the test started itself (such as `innolift serve` processes behind a
    /// proxy at `address`) on the database at `database_url`, so that the helpers work on them.
    pub fn at(address: &str, database_url: &str) -> TestApp {
        let dir = tempfile::tempdir().expect("temporary directory");
        let mut settings = Settings::for_data_dir(dir.path());
        settings.database_url = database_url.to_owned();
        TestApp {
            address: address.trim_end_matches('/').to_owned(),
            backend: if database_url.starts_with("postgres") {
                Backend::Postgres
            } else {
                Backend::Sqlite
            },
            settings,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            data_dir: dir.path().to_owned(),
            _dir: dir,
            _pg: None,
        }
    }
}

/// Valid organisation numbers for test organisations: the first eight digits count up from
/// `seed`, and the ninth is the MOD11 check digit (prefixes whose remainder gives 10 are skipped).
pub fn orgnr(seed: u32) -> String {
    let weights = [3, 2, 7, 6, 5, 4, 3, 2];
    let mut n = 91_000_000 + seed * 7;
    loop {
        let digits: Vec<u32> = format!("{n:08}")
            .bytes()
            .map(|b| u32::from(b - b'0'))
            .collect();
        let sum: u32 = digits.iter().zip(weights).map(|(d, w)| d * w).sum();
        let check = match 11 - sum % 11 {
            11 => Some(0),
            10 => None,
            d => Some(d),
        };
        if let Some(c) = check {
            return format!("{n:08}{c}");
        }
        n += 1;
    }
}

/// A body for registering a new organisation of `kind` with its owner.
pub fn registration(email: &str, orgnr: &str, kind: &str) -> Value {
    let mut organisation =
        json!({"orgnr": orgnr, "name": format!("Org {orgnr}"), "kind": kind, "county": "46"});
    match kind {
        "buyer" => organisation["sector"] = json!("municipality"),
        "supplier" => organisation["size"] = json!("small"),
        _ => {}
    }
    json!({"email": email, "password": "et langt passord", "name": "Test Person", "organisation": organisation})
}

impl TestApp {
    /// Posts a form as a browser does: opens `page` first for its CSRF cookie and token, then
    /// posts `fields` with them to `action`.
    pub async fn post_page_form(
        &self,
        page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let res = self.client.get(self.url(page)).send().await.unwrap();
        let cookies: Vec<String> = res
            .headers()
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next().map(str::to_owned))
            .collect();
        let body = res.text().await.unwrap();
        let csrf = csrf_of(&body).unwrap_or_else(|| panic!("no csrf field on {page}: {body}"));
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf", &csrf));
        self.client
            .post(self.url(action))
            .header(reqwest::header::COOKIE, cookies.join("; "))
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn post(&self, path: &str, body: &Value, token: Option<&str>) -> reqwest::Response {
        let mut req = self.client.post(self.url(path)).json(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.expect("request")
    }

    pub async fn put(&self, path: &str, body: &Value, token: Option<&str>) -> reqwest::Response {
        let mut req = self.client.put(self.url(path)).json(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.expect("request")
    }

    pub async fn patch(&self, path: &str, body: &Value, token: &str) -> reqwest::Response {
        self.client
            .patch(self.url(path))
            .json(body)
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> reqwest::Response {
        let mut req = self.client.get(self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.expect("request")
    }

    pub async fn delete(&self, path: &str, token: &str) -> reqwest::Response {
        self.client
            .delete(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    /// Registers an organisation of `kind` with an owner, and returns the owner.
    pub async fn register(&self, email: &str, seed: u32, kind: &str) -> TestUser {
        self.register_body(email, registration(email, &orgnr(seed), kind))
            .await
    }

    /// Registers an organisation of `kind` whose contact address (where invitations and digests
    /// go) is the owner's email, and returns the owner.
    pub async fn register_with_contact(&self, email: &str, seed: u32, kind: &str) -> TestUser {
        let mut body = registration(email, &orgnr(seed), kind);
        body["organisation"]["contact_email"] = serde_json::json!(email);
        self.register_body(email, body).await
    }

    async fn register_body(&self, email: &str, body: Value) -> TestUser {
        let res = self.post("/api/v1/auth/register", &body, None).await;
        let status = res.status();
        let json: Value = res.json().await.unwrap();
        assert_eq!(status, 201, "registration failed: {json}");
        TestUser {
            email: email.to_owned(),
            password: "et langt passord".to_owned(),
            token: json["token"].as_str().unwrap().to_owned(),
            id: json["user"]["id"].as_str().unwrap().to_owned(),
            organisation_id: json["organisation"]["id"].as_str().unwrap().to_owned(),
        }
    }

    /// The member's owner accepts the cluster's request to list it as a member.
    pub async fn accept_cluster(&self, member: &TestUser, cluster_organisation_id: &str) {
        let res = self
            .post(
                &format!(
                    "/api/v1/organisations/{}/clusters/{cluster_organisation_id}/accept",
                    member.organisation_id
                ),
                &json!({}),
                Some(&member.token),
            )
            .await;
        assert_eq!(res.status(), 204, "accepting the cluster's request");
    }

    /// Signs in and returns the response.
    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        self.post(
            "/api/v1/auth/login",
            &json!({"email": email, "password": password}),
            None,
        )
        .await
    }
}

/// Reads an error answer and checks its shape, returning (code, field).
pub async fn error_of(res: reqwest::Response, status: u16) -> (String, Option<String>) {
    let actual = res.status().as_u16();
    let body: Value = res.json().await.expect("error body is JSON");
    assert_eq!(actual, status, "unexpected status; body: {body}");
    let error = &body["error"];
    assert!(
        error["message"].as_str().is_some_and(|m| !m.is_empty()),
        "error without message: {body}"
    );
    (
        error["code"].as_str().expect("error.code").to_owned(),
        error["field"].as_str().map(str::to_owned),
    )
}

/// Defines each test twice, as `<name>::sqlite` and `<name>::postgres`.
#[macro_export]
macro_rules! on_both_databases {
    ($(async fn $name:ident($app:ident: TestApp) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;

                async fn run($app: $crate::helpers::TestApp) $body

                #[actix_web::test]
                async fn sqlite() {
                    if let Some(app) = $crate::helpers::spawn_app($crate::helpers::Backend::Sqlite).await {
                        run(app).await
                    }
                }

                #[actix_web::test]
                async fn postgres() {
                    if let Some(app) = $crate::helpers::spawn_app($crate::helpers::Backend::Postgres).await {
                        run(app).await
                    }
                }
            }
        )*
    };
}

/// The CPV vocabulary shipped in `data/`.
pub fn cpv_file() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/cpv-2008.csv")
}

impl TestApp {
    /// Creates a need and returns it; panics unless 201.
    pub async fn need(&self, token: &str, body: Value) -> Value {
        let res = self.post("/api/v1/needs", &body, Some(token)).await;
        let status = res.status();
        let json: Value = res.json().await.unwrap();
        assert_eq!(status, 201, "creating the need failed: {json}");
        json
    }

    /// Creates a capability and returns it; panics unless 201.
    pub async fn capability(&self, token: &str, body: Value) -> Value {
        let res = self.post("/api/v1/capabilities", &body, Some(token)).await;
        let status = res.status();
        let json: Value = res.json().await.unwrap();
        assert_eq!(status, 201, "creating the capability failed: {json}");
        json
    }

    /// GETs `path` until `done` holds for the JSON answer, for at most `within`; returns the
    /// last answer and how long it took.
    pub async fn poll(
        &self,
        path: &str,
        token: &str,
        within: std::time::Duration,
        done: impl Fn(&Value) -> bool,
    ) -> (Value, std::time::Duration) {
        let started = std::time::Instant::now();
        loop {
            let res = self.get(path, Some(token)).await;
            let json: Value = res.json().await.unwrap_or(Value::Null);
            if done(&json) || started.elapsed() > within {
                return (json, started.elapsed());
            }
            actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// Waits until a search finds the document with this id.
    pub async fn wait_indexed(&self, token: &str, id: &str) {
        let path = "/api/v1/search?limit=500";
        let (json, _) = self
            .poll(path, token, std::time::Duration::from_secs(5), |j| {
                ids(j).contains(&id.to_owned())
            })
            .await;
        assert!(
            ids(&json).contains(&id.to_owned()),
            "{id} never reached the index: {json}"
        );
    }

    /// Loads the CPV vocabulary into this app's database with the command line.
    pub fn import_cpv(&self) {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_innolift"))
            .args(["cpv", "import"])
            .arg(cpv_file())
            .args(["--database-url", &self.settings.database_url])
            .arg("--data-dir")
            .arg(&self.data_dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "cpv import failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The ids in a list answer (`items[].id`).
pub fn ids(json: &Value) -> Vec<String> {
    json["items"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|i| i["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// A need body.
pub fn need_body(title: &str, description: &str) -> Value {
    serde_json::json!({"title": title, "description": description, "themes": ["climate_environment"], "counties": ["46"]})
}

/// The CSRF token in a page's forms.
pub fn csrf_of(html: &str) -> Option<String> {
    let at = html.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
    Some(html[at..].split('"').next()?.to_owned())
}
