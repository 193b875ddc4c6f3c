//! A deployment as `deploy/` describes it: two `innolift serve` processes, started with the
//! systemd unit's ExecStart and Environment, behind nginx running `deploy/nginx/innolift.conf`
//! unchanged, on one PostgreSQL database. Sign-in, search, sign-in limits and the outbox are
//! checked across the nodes, and the node that takes an invitation batch is killed with SIGKILL
//! in the middle of writing and sending it. Needs `/usr/sbin/nginx` (skipped without it, unless
//! `CI=true`), aiosmtpd and PostgreSQL.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use diesel::{Connection, PgConnection, RunQueryDsl};
use serde_json::{json, Value};

use crate::dialogues::{event, header, insert_suppliers, SmtpServer};
use crate::helpers::{ids, need_body, PgDatabase, TestApp};

const NGINX: &str = "/usr/sbin/nginx";

fn repository(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// True when nginx is installed; without it the test is skipped with a note, or fails under CI.
fn nginx_installed() -> bool {
    if Path::new(NGINX).is_file() {
        return true;
    }
    if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
        panic!("{NGINX} is missing and CI=true; install the Debian package nginx-light or nginx");
    }
    eprintln!("skipping: {NGINX} is not installed (apt-get install nginx-light); set CI=true to fail instead");
    false
}

/// The last lines of a log file, for failure messages.
fn tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

/// `KEY=VALUE` lines as systemd reads an EnvironmentFile: blank lines and `#` comments skipped.
fn environment_lines(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (k, v) = l
                .split_once('=')
                .unwrap_or_else(|| panic!("not KEY=VALUE: {l}"));
            (k.trim().to_owned(), v.trim().to_owned())
        })
        .collect()
}

/// `deploy/innolift.service`: what a node runs and with which environment.
struct Unit {
    text: String,
    /// ExecStart after the binary's path.
    args: Vec<String>,
    /// The `Environment=` settings, before the EnvironmentFile overrides them.
    environment: Vec<(String, String)>,
}

impl Unit {
    fn read() -> Unit {
        let text = std::fs::read_to_string(repository("deploy/innolift.service")).unwrap();
        let value = |key: &str| -> Vec<String> {
            text.lines()
                .filter_map(|l| l.trim().strip_prefix(key)?.strip_prefix('='))
                .map(str::to_owned)
                .collect()
        };
        let exec = value("ExecStart");
        assert_eq!(exec.len(), 1, "one ExecStart");
        let mut words = exec[0].split_whitespace().map(str::to_owned);
        let binary = words.next().unwrap();
        assert!(
            binary.ends_with("/innolift"),
            "ExecStart runs innolift: {binary}"
        );
        let environment = value("Environment")
            .iter()
            .flat_map(|v| environment_lines(v))
            .collect();
        let unit = Unit {
            args: words.collect(),
            environment,
            text: text.clone(),
        };
        for (key, wanted) in [
            ("Restart", "on-failure"),
            ("KillSignal", "SIGTERM"),
            ("EnvironmentFile", "/etc/innolift/innolift.env"),
            ("StateDirectory", "innolift"),
            ("NoNewPrivileges", "yes"),
            ("ProtectSystem", "strict"),
        ] {
            assert_eq!(value(key), vec![wanted.to_owned()], "{key}= in the unit");
        }
        assert_eq!(value("TimeoutStopSec").len(), 1, "a TimeoutStopSec");
        assert!(
            unit.environment.iter().all(|(k, _)| k != "DATABASE_URL"),
            "the database comes from the environment file"
        );
        unit
    }

    /// Checks the unit with systemd's own tools when they are installed.
    fn check_with_systemd() {
        let path = repository("deploy/innolift.service");
        let Ok(out) = Command::new("systemd-analyze")
            .arg("verify")
            .arg(&path)
            .output()
        else {
            eprintln!("systemd-analyze is not installed; the unit is checked by this test only");
            return;
        };
        // The binary is installed at ExecStart's path on a node, not on the test machine.
        let complaints: Vec<String> = String::from_utf8_lossy(&out.stderr)
            .lines()
            .filter(|l| l.contains("innolift.service") && !l.contains("is not executable"))
            .map(str::to_owned)
            .collect();
        assert!(
            complaints.is_empty(),
            "systemd-analyze verify: {complaints:?}"
        );
        let out = Command::new("systemd-analyze")
            .args(["security", "--offline=yes", "--threshold=20"])
            .arg(&path)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let exposure = text
            .lines()
            .find(|l| l.contains("Overall exposure level"))
            .unwrap_or("")
            .to_owned();
        assert!(out.status.success(), "exposure above 2.0: {exposure}");
        println!(
            "systemd-analyze security: {}",
            exposure.trim_start_matches("→ ").trim()
        );
    }
}

/// One node, run as systemd would: ExecStart's arguments, a clean environment made of the
/// unit's `Environment=` and then an EnvironmentFile, `%S` being a directory of the test's.
struct Node {
    child: Child,
    address: String,
    base: String,
    log: PathBuf,
    _state: tempfile::TempDir,
}

impl Node {
    fn start(unit: &Unit, env_file: &Path, address: &str) -> Node {
        let state = tempfile::tempdir().unwrap();
        // systemd creates the StateDirectory before it starts the service.
        std::fs::create_dir_all(state.path().join("innolift")).unwrap();
        let log = state.path().join("node.log");
        let mut command = Command::new(env!("CARGO_BIN_EXE_innolift"));
        command.args(&unit.args).env_clear();
        for (key, value) in &unit.environment {
            let value = value.replace("%S", &state.path().to_string_lossy());
            assert!(
                !value.contains('%'),
                "a specifier the test does not know: {value}"
            );
            command.env(key, value);
        }
        command.envs(environment_lines(
            &std::fs::read_to_string(env_file).unwrap(),
        ));
        let out = std::fs::File::create(&log).unwrap();
        let child = command
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .stdin(Stdio::null())
            .spawn()
            .unwrap();
        Node {
            child,
            address: address.to_owned(),
            base: format!("http://{address}"),
            log,
            _state: state,
        }
    }

    /// Waits until `/readyz` answers 200 (migrated and connected).
    async fn wait_ready(&mut self, client: &reqwest::Client) {
        let started = Instant::now();
        loop {
            if let Ok(res) = client.get(format!("{}/readyz", self.base)).send().await {
                if res.status() == 200 {
                    return;
                }
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "node {} exited ({status}):\n{}",
                    self.address,
                    tail(&self.log)
                );
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "node {} never got ready:\n{}",
                self.address,
                tail(&self.log)
            );
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// kill -9: no chance to finish or release anything.
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
    }
}

/// nginx in one process as the current user, its pid, logs and temporary files in a temporary
/// prefix, with the repository's site configuration included unchanged.
struct Nginx {
    child: Child,
    base: String,
    dir: tempfile::TempDir,
}

/// One line of the access log the test adds around the site configuration.
#[derive(Debug)]
struct Logged {
    method: String,
    uri: String,
    status: u16,
    /// The nodes tried, in order (more than one when nginx went on to the next).
    upstreams: Vec<String>,
}

impl Nginx {
    fn start(nodes: &[String]) -> Nginx {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        // The two per-site files the configuration includes, made like the examples beside it:
        // every node on the example's line, with the example's failure settings.
        let example =
            std::fs::read_to_string(repository("deploy/nginx/innolift/upstreams.conf")).unwrap();
        let line = example
            .lines()
            .find(|l| l.trim_start().starts_with("server "))
            .expect("a server line in the example");
        let parameters: Vec<&str> = line
            .trim()
            .trim_end_matches(';')
            .split_whitespace()
            .skip(2)
            .collect();
        let site = dir.path().join("innolift");
        std::fs::create_dir_all(&site).unwrap();
        let upstreams: String = nodes
            .iter()
            .map(|n| format!("server {n} {};\n", parameters.join(" ")))
            .collect();
        std::fs::write(site.join("upstreams.conf"), upstreams).unwrap();
        std::fs::write(
            site.join("listen.conf"),
            format!("listen 127.0.0.1:{port};\n"),
        )
        .unwrap();
        let d = dir.path().display();
        let include = repository("deploy/nginx/innolift.conf");
        let config = format!(
            "daemon off;\n\
             master_process off;\n\
             pid {d}/nginx.pid;\n\
             error_log {d}/error.log info;\n\
             events {{ worker_connections 512; }}\n\
             http {{\n\
             log_format upstreams '$request_method|$request_uri|$status|$upstream_addr';\n\
             access_log {d}/access.log upstreams;\n\
             client_body_temp_path {d}/body;\n\
             proxy_temp_path {d}/proxy;\n\
             fastcgi_temp_path {d}/fastcgi;\n\
             uwsgi_temp_path {d}/uwsgi;\n\
             scgi_temp_path {d}/scgi;\n\
             include {};\n\
             }}\n",
            include.display()
        );
        let conf = dir.path().join("nginx.conf");
        std::fs::write(&conf, config).unwrap();
        let prefix = format!("{d}/");
        let error_log = dir.path().join("error.log");
        let check = Command::new(NGINX)
            .args(["-t", "-q", "-p", &prefix, "-c"])
            .arg(&conf)
            .arg("-e")
            .arg(&error_log)
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "nginx -t: {}{}",
            String::from_utf8_lossy(&check.stderr),
            tail(&error_log)
        );
        let mut child = Command::new(NGINX)
            .args(["-p", &prefix, "-c"])
            .arg(&conf)
            .arg("-e")
            .arg(&error_log)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = child.try_wait() {
                panic!("nginx exited ({status}):\n{}", tail(&error_log));
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "nginx did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Nginx {
            child,
            base: format!("http://127.0.0.1:{port}"),
            dir,
        }
    }

    /// The access log's lines for which `keep` holds, once there are at least `lines` of them:
    /// nginx writes a line after it has sent the answer, so the last may lag behind the client.
    fn logged(&self, lines: usize, keep: impl Fn(&Logged) -> bool) -> Vec<Logged> {
        let started = Instant::now();
        loop {
            let log: Vec<Logged> = self.read_access_log().into_iter().filter(&keep).collect();
            if log.len() >= lines || started.elapsed() > Duration::from_secs(2) {
                return log;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn read_access_log(&self) -> Vec<Logged> {
        std::fs::read_to_string(self.dir.path().join("access.log"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| {
                let mut f = l.split('|');
                Some(Logged {
                    method: f.next()?.to_owned(),
                    uri: f.next()?.to_owned(),
                    status: f.next()?.parse().ok()?,
                    upstreams: f
                        .next()?
                        .split([',', ':'])
                        .map(str::trim)
                        .collect::<Vec<_>>()
                        .chunks(2)
                        .filter(|c| c.len() == 2)
                        .map(|c| format!("{}:{}", c[0], c[1]))
                        .collect(),
                })
            })
            .collect()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A client whose connections come from `from` (any address of the 127.0.0.0/8 loopback), so
/// that nginx sees, and forwards, a client address other than its own.
fn client_from(from: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(from.parse::<IpAddr>().unwrap())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Wrong passwords for `email` at `base` until the first 429; returns its attempt number.
async fn attempts_until_refused(client: &reqwest::Client, base: &str, email: &str) -> usize {
    for attempt in 1..=30 {
        let res = client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&json!({"email": email, "password": "feil passord her"}))
            .send()
            .await
            .unwrap();
        match res.status().as_u16() {
            401 => {}
            429 => return attempt,
            other => panic!("attempt {attempt} at {base}: {other}"),
        }
    }
    panic!("no 429 in 30 wrong passwords at {base}");
}

/// Searches `node` for `word` until `id` is found; returns how long that took.
async fn searchable_after(node: &TestApp, token: &str, word: &str, id: &str) -> Duration {
    let started = Instant::now();
    loop {
        let res = node
            .client
            .get(node.url("/api/v1/search"))
            .query(&[("q", word)])
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        if ids(&res.json::<Value>().await.unwrap())
            .iter()
            .any(|i| i == id)
        {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{id} never became searchable at {}",
            node.address
        );
        actix_web::rt::time::sleep(Duration::from_millis(10)).await;
    }
}

fn count(conn: &mut PgConnection, sql: &str) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    diesel::sql_query(sql).get_result::<Count>(conn).unwrap().n
}

/// Invitation emails received, by recipient.
fn invitations_received(smtp: &SmtpServer) -> Vec<String> {
    let mut to: Vec<String> = smtp
        .messages()
        .iter()
        .filter(|m| header(m, "Message-ID").is_some_and(|id| id.starts_with("<invitation-")))
        .filter_map(|m| header(m, "To"))
        .collect();
    to.sort();
    to
}

#[actix_web::test]
async fn two_nodes_behind_nginx_share_sessions_limits_search_and_mail() {
    if !nginx_installed() {
        return;
    }
    let Some(pg) = PgDatabase::create() else {
        return;
    };
    let mut smtp = SmtpServer::unstarted();
    if !smtp.start() {
        return;
    }
    let unit = Unit::read();
    Unit::check_with_systemd();

    let addresses: Vec<String> = (0..2)
        .map(|_| format!("127.0.0.1:{}", free_port()))
        .collect();
    let nginx = Nginx::start(&addresses);
    // One environment file per node, as each host has its own /etc/innolift/innolift.env: the
    // same apart from the address the node listens on. The last two let the test's accounts
    // act at once, as in the other tests, without staff approval or a confirmation link.
    let secret = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    let etc = tempfile::tempdir().unwrap();
    let env_file = |address: &str| {
        let path = etc
            .path()
            .join(format!("{}.env", address.replace(':', "-")));
        let text = format!(
            "# written by tests/api/nginx.rs\n\
             DATABASE_URL={}\n\
             INNOLIFT_TOKEN_SECRET={secret}\n\
             INNOLIFT_BIND={address}\n\
             INNOLIFT_TRUSTED_PROXIES=127.0.0.1\n\
             INNOLIFT_PUBLIC_URL={}\n\
             INNOLIFT_SMTP_HOST=127.0.0.1\n\
             INNOLIFT_SMTP_PORT={}\n\
             INNOLIFT_MAIL_FROM=innolift <noreply@innolift.test>\n\
             INNOLIFT_TRUST_SELF_DECLARED_BUYERS=true\n\
             INNOLIFT_CONFIRM_EMAIL=false\n",
            pg.url, nginx.base, smtp.port
        );
        std::fs::write(&path, text).unwrap();
        path
    };
    let probe = reqwest::Client::new();
    let mut nodes: Vec<Node> = Vec::new();
    // One after the other, as deploy/README.md says for a new database: two first starts at
    // once race to create the schema and load the CPV vocabulary.
    for address in &addresses {
        let mut node = Node::start(&unit, &env_file(address), address);
        node.wait_ready(&probe).await;
        nodes.push(node);
    }
    let front = TestApp::at(&nginx.base, &pg.url);
    let direct: Vec<TestApp> = nodes
        .iter()
        .map(|n| TestApp::at(&n.base, &pg.url))
        .collect();

    // A token from either node works on both, and on whichever node nginx picks.
    let buyer = front.register("innkjop@kommune.no", 9700, "buyer").await;
    for (i, issuer) in direct.iter().enumerate() {
        let res = issuer.login(&buyer.email, &buyer.password).await;
        assert_eq!(res.status(), 200, "sign-in at node {i}");
        let token = res.json::<Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_owned();
        for (j, node) in direct.iter().enumerate() {
            let res = node.get("/api/v1/me", Some(&token)).await;
            assert_eq!(res.status(), 200, "node {i}'s token at node {j}");
            let me: Value = res.json().await.unwrap();
            assert_eq!(me["user"]["email"], buyer.email, "{me}");
        }
    }
    for _ in 0..4 {
        assert_eq!(
            front.get("/api/v1/me", Some(&buyer.token)).await.status(),
            200
        );
    }
    let served: std::collections::BTreeSet<String> = nginx
        .logged(4, |l| l.uri == "/api/v1/me")
        .iter()
        .flat_map(|l| l.upstreams.clone())
        .collect();
    assert_eq!(
        served.len(),
        2,
        "nginx sent requests to both nodes: {served:?}"
    );
    // A page session made on one node is a session on the other.
    let res = direct[0]
        .post_page_form(
            "/login",
            "/login",
            &[("email", &buyer.email), ("password", &buyer.password)],
        )
        .await;
    assert_eq!(res.status(), 303, "signed in on the page");
    let cookies: Vec<String> = res
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_owned))
        .collect();
    let res = direct[1]
        .client
        .get(direct[1].url("/account"))
        .header(reqwest::header::COOKIE, cookies.join("; "))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "node 1 knows node 0's page session");
    assert!(res.text().await.unwrap().contains(&buyer.email));

    // A change written through one node is found by a search on the other.
    let supplier = front.register("salg@firma.no", 9701, "supplier").await;
    let need = direct[0]
        .need(
            &buyer.token,
            need_body("Tidevannsturbin", "Tidevannsturbin i sundet ved brua."),
        )
        .await;
    let need_time = searchable_after(
        &direct[1],
        &buyer.token,
        "tidevannsturbin",
        need["id"].as_str().unwrap(),
    )
    .await;
    let capability = direct[1]
        .capability(
            &supplier.token,
            json!({"title": "Bølgekraftverk", "description": "Vi bygger bølgekraftverk for kysten.", "themes": ["climate_environment"], "national": true}),
        )
        .await;
    let capability_time = searchable_after(
        &direct[0],
        &buyer.token,
        "bølgekraftverk",
        capability["id"].as_str().unwrap(),
    )
    .await;
    println!(
        "propagation: a need written on node 0 was searchable on node 1 after {} ms; a capability written on node 1 on node 0 after {} ms",
        need_time.as_millis(),
        capability_time.as_millis()
    );
    assert!(
        need_time < Duration::from_secs(2) && capability_time < Duration::from_secs(2),
        "searchable on the other node within 2 s"
    );

    // Wrong passwords through nginx, which alternates the nodes, meet the limit at the same
    // attempt as on one node. The clients connect from 127.0.0.2 and 127.0.0.3, not from
    // nginx's 127.0.0.1: the nodes know those addresses only from nginx's X-Forwarded-For.
    let limited = front.register("grense@firma.no", 9702, "supplier").await;
    let alone = front.register("alene@firma.no", 9703, "supplier").await;
    let through_nginx =
        attempts_until_refused(&client_from("127.0.0.2"), &nginx.base, &limited.email).await;
    let logins: Vec<String> = nginx
        .logged(through_nginx, |l| {
            l.method == "POST" && l.uri == "/api/v1/auth/login"
        })
        .iter()
        .map(|l| l.upstreams.join(","))
        .collect();
    assert_eq!(logins.len(), through_nginx);
    assert!(
        logins.windows(2).all(|w| w[0] != w[1]),
        "round robin alternated the nodes: {logins:?}"
    );
    let on_one_node =
        attempts_until_refused(&client_from("127.0.0.4"), &nodes[0].base, &alone.email).await;
    println!(
        "sign-in limits: first 429 at attempt {through_nginx} through nginx over both nodes, at attempt {on_one_node} on one node"
    );
    assert_eq!(through_nginx, on_one_node);
    assert_eq!(
        through_nginx, 6,
        "five failures allowed per account and address"
    );
    let res = client_from("127.0.0.3")
        .post(format!("{}/api/v1/auth/login", nginx.base))
        .json(&json!({"email": limited.email, "password": limited.password}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        200,
        "the owner elsewhere signs in: the lock is on the client nginx forwarded, not on nginx"
    );

    // An invitation batch through nginx. The node that takes it writes one invitation (and its
    // email) per transaction, and both nodes start sending what is written at once; that node
    // is killed at the tenth message, in the middle of both.
    let (inviter, process, dialogue) = event(&front, 9710).await;
    let suppliers = insert_suppliers(&front, 200, 9800);
    // Round robin alternates: the batch goes to the node that did not take the last request.
    let dialogues_uri = format!("/api/v1/processes/{process}/dialogues");
    let last = nginx
        .logged(1, |l| l.uri == dialogues_uri && l.status == 201)
        .remove(0);
    assert_eq!(
        nginx.read_access_log().last().map(|l| l.uri.clone()),
        Some(dialogues_uri.clone()),
        "the event was the last request through nginx"
    );
    let victim = addresses
        .iter()
        .position(|a| !last.upstreams.contains(a))
        .unwrap();
    let survivor = 1 - victim;
    let maildir = smtp.maildir.path().join("new");
    let pid = nodes[victim].child.id() as libc::pid_t;
    // A thread of its own, since the test's thread is waiting for the batch's answer meanwhile.
    // It counts files rather than reading them, to be quick.
    let killer = std::thread::spawn(move || {
        let arrived = || std::fs::read_dir(&maildir).map(|d| d.count()).unwrap_or(0);
        let started = Instant::now();
        while arrived() < 10 {
            if started.elapsed() > Duration::from_secs(30) {
                return None;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        // SAFETY: the pid is of the test's own child, not yet waited for.
        unsafe { libc::kill(pid, libc::SIGKILL) };
        Some(arrived())
    });
    let batch = json!({ "supplier_ids": suppliers });
    let invitations_uri = format!("/api/v1/dialogues/{dialogue}/invitations");
    let res = front
        .post(&invitations_uri, &batch, Some(&inviter.token))
        .await;
    let first_answer = res.status().as_u16();
    let at_kill = killer.join().unwrap().expect("sending started within 30 s");
    nodes[victim].kill();
    let mut conn = PgConnection::establish(&pg.url).unwrap();
    let invited = format!("SELECT count(*) AS n FROM invitations WHERE dialogue_id = '{dialogue}'");
    let queued_before_retry = count(&mut conn, &invited);
    let batch_line = nginx
        .logged(1, |l| l.method == "POST" && l.uri == invitations_uri)
        .remove(0);
    assert_eq!(
        batch_line.upstreams,
        vec![addresses[victim].clone()],
        "the batch went to node {victim} and was not sent on to the other"
    );
    // Killed before it answered, the node leaves the buyer a 502 and part of the batch; the
    // buyer sends the same batch again, and what was already written is not written twice.
    let retry = if first_answer == 201 {
        "it had answered 201 before it died".to_owned()
    } else {
        assert_eq!(
            first_answer, 502,
            "a node that dies mid-request leaves a 502"
        );
        let res = front
            .post(&invitations_uri, &batch, Some(&inviter.token))
            .await;
        assert_eq!(res.status(), 201, "the batch sent again");
        let outcomes: Value = res.json().await.unwrap();
        let of = |result: &str| {
            outcomes["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|o| o["result"] == result)
                .count() as i64
        };
        assert_eq!(of("already_invited"), queued_before_retry, "{outcomes}");
        assert_eq!(of("queued"), 200 - queued_before_retry, "{outcomes}");
        format!(
            "nginx answered 502 with {queued_before_retry} of 200 invitations written; sent again, {} were already invited and {} queued",
            queued_before_retry,
            200 - queued_before_retry
        )
    };
    assert_eq!(
        count(&mut conn, &invited),
        200,
        "one invitation per supplier"
    );
    println!("batch: node {victim} took it and was killed at message {at_kill}; {retry}");

    // With one node dead, nginx sends everything to the other. A POST that found the dead
    // node's port closed never reached it, so nginx sends it on; one that had reached a node it
    // does not send again. After one failure (the batch's 502, or the first request that finds
    // the port closed) nginx leaves the dead node out for fail_timeout. The query marks these
    // requests in the log.
    let after = |l: &Logged| l.uri.ends_with("?after_kill");
    for n in 1..=2 {
        let body = need_body(
            &format!("Kaifront {n}"),
            "Ny kaifront etter at en node falt.",
        );
        let res = front
            .post("/api/v1/needs?after_kill", &body, Some(&buyer.token))
            .await;
        assert_eq!(
            res.status(),
            201,
            "POST {n} after the kill:\n{}",
            tail(&nginx.dir.path().join("error.log"))
        );
        let res = front.get("/api/v1/me?after_kill", Some(&buyer.token)).await;
        assert_eq!(res.status(), 200);
    }
    let after_kill = nginx.logged(4, after);
    assert_eq!(after_kill.len(), 4, "{after_kill:?}");
    assert!(
        after_kill
            .iter()
            .all(|l| l.status < 500 && l.upstreams.last() == Some(&addresses[survivor])),
        "node {survivor} answered everything: {after_kill:?}"
    );
    let went_on: Vec<&Logged> = after_kill
        .iter()
        .filter(|l| l.upstreams.len() > 1)
        .collect();
    assert!(
        went_on.len() <= 1,
        "the dead node was tried at most once: {after_kill:?}"
    );
    for n in 1..=2 {
        let sql = format!("SELECT count(*) AS n FROM needs WHERE title = 'Kaifront {n}'");
        assert_eq!(count(&mut conn, &sql), 1, "each POST ran once");
    }
    println!(
        "with node {victim} killed: 4 requests through nginx answered by node {survivor}; {}",
        match went_on.first() {
            Some(l) => format!("one, a {}, tried node {victim} first and went on", l.method),
            None => format!("none tried node {victim}, which nginx had left out after its failure"),
        }
    );

    // The survivor sends everything that nobody holds. What the dead node had claimed waits
    // for its claim (60 s) to run out; the test moves those claims into the past instead of
    // waiting, as the clock would, since only the dead node held them.
    let free = format!(
        "SELECT count(*) AS n FROM outbox WHERE dialogue_id = '{dialogue}' AND status = 'queued' \
         AND (claimed_until IS NULL OR claimed_until < now() AT TIME ZONE 'UTC')"
    );
    let started = Instant::now();
    while count(&mut conn, &free) > 0 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "node {survivor} did not take over the batch:\n{}",
            tail(&nodes[survivor].log)
        );
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    // The survivor finishes what it has in flight, so that the claims left are the dead node's.
    actix_web::rt::time::sleep(Duration::from_millis(500)).await;
    let held = diesel::sql_query(format!(
        "UPDATE outbox SET claimed_until = TIMESTAMP '2000-01-01 00:00:00' \
         WHERE dialogue_id = '{dialogue}' AND status = 'queued' AND claimed_until IS NOT NULL"
    ))
    .execute(&mut conn)
    .unwrap();
    let started = Instant::now();
    loop {
        let mut received = invitations_received(&smtp);
        received.dedup();
        if received.len() >= 200 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "only {} of 200 invitations arrived:\n{}",
            received.len(),
            tail(&nodes[survivor].log)
        );
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    // Time for a second copy of anything to arrive.
    actix_web::rt::time::sleep(Duration::from_millis(1500)).await;
    let received = invitations_received(&smtp);
    let mut distinct = received.clone();
    distinct.dedup();
    let duplicated = received.len() - distinct.len();
    println!(
        "invitations: {} of 200 delivered, {duplicated} duplicated ({held} were claimed by the killed node when it died)",
        distinct.len()
    );
    assert_eq!(distinct.len(), 200, "every invitation arrived");
    assert!(
        duplicated <= held,
        "only a message in flight on the killed node can go twice ({duplicated} twice, {held} in flight)"
    );
    // The mark after the last send can trail its arrival on a loaded machine.
    let marked = Instant::now();
    loop {
        let list: Value = front
            .get(&invitations_uri, Some(&inviter.token))
            .await
            .json()
            .await
            .unwrap();
        let unsent: Vec<String> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["status"] != "sent")
            .map(|i| format!("{} {} {}", i["email"], i["status"], i["failure"]))
            .collect();
        if unsent.is_empty() {
            break;
        }
        assert!(
            marked.elapsed() < Duration::from_secs(15),
            "the buyer sees every invitation sent; not yet: {unsent:?}"
        );
        actix_web::rt::time::sleep(Duration::from_millis(200)).await;
    }

    // The unit stops a node with SIGTERM and waits TimeoutStopSec before it kills it.
    let stop_within: u64 = unit
        .text
        .lines()
        .find_map(|l| l.trim().strip_prefix("TimeoutStopSec="))
        .and_then(|v| v.trim_end_matches('s').parse().ok())
        .expect("TimeoutStopSec in seconds");
    let node = &mut nodes[survivor];
    // SAFETY: the pid is of the test's own child, not yet waited for.
    assert_eq!(
        unsafe { libc::kill(node.child.id() as libc::pid_t, libc::SIGTERM) },
        0
    );
    let started = Instant::now();
    let status = loop {
        if let Some(status) = node.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(stop_within),
            "SIGTERM did not stop the node within TimeoutStopSec"
        );
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    };
    println!(
        "SIGTERM stopped node {survivor} in {} ms ({status})",
        started.elapsed().as_millis()
    );
    assert!(
        status.success(),
        "a node stopped by SIGTERM exits cleanly:\n{}",
        tail(&node.log)
    );
}
