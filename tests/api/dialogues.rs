//! Dialogue invitations delivered over SMTP to a real local server (aiosmtpd from PyPI).

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::helpers::{error_of, need_body, spawn_app_with, Backend, TestApp, TestUser};

/// Runs an `async fn(Backend)` test as `<module>::sqlite` and `<module>::postgres`.
macro_rules! on_both {
    ($module:ident, $test:ident) => {
        mod $module {
            use super::*;

            #[actix_web::test]
            async fn sqlite() {
                $test(Backend::Sqlite).await;
            }

            #[actix_web::test]
            async fn postgres() {
                $test(Backend::Postgres).await;
            }
        }
    };
}

/// A local SMTP server that stores what it receives in a maildir.
pub struct SmtpServer {
    child: Option<Child>,
    pub port: u16,
    pub maildir: tempfile::TempDir,
    /// The aiosmtpd handler class.
    handler: &'static str,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl SmtpServer {
    /// A server not yet started, with its port chosen.
    pub fn unstarted() -> SmtpServer {
        let maildir = tempfile::tempdir().unwrap();
        for sub in ["cur", "new", "tmp"] {
            std::fs::create_dir_all(maildir.path().join(sub)).unwrap();
        }
        SmtpServer {
            child: None,
            port: free_port(),
            maildir,
            handler: "aiosmtpd.handlers.Mailbox",
        }
    }

    /// A server not yet started that refuses every recipient whose address starts with
    /// `bounce` with 550, as a real server refuses an unknown mailbox, and defers every one that
    /// starts with `later` with 451 (`tests/smtp/refusing.py`).
    pub fn refusing() -> SmtpServer {
        let mut server = SmtpServer::unstarted();
        server.handler = "refusing.Refusing";
        server
    }

    /// Starts aiosmtpd, or returns false when it is not installed (a failure under CI=true).
    pub fn start(&mut self) -> bool {
        let child = Command::new("python3")
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{}", self.port),
                "-c",
                self.handler,
            ])
            .arg(self.maildir.path())
            .env(
                "PYTHONPATH",
                concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp"),
            )
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let Ok(child) = child else { return missing() };
        self.child = Some(child);
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(10) {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return true;
            }
            if let Some(Ok(Some(_))) = self.child.as_mut().map(Child::try_wait) {
                return missing();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("aiosmtpd did not start");
    }

    /// The messages received so far.
    pub fn messages(&self) -> Vec<String> {
        let dir: PathBuf = self.maildir.path().join("new");
        let mut out: Vec<String> = std::fs::read_dir(dir)
            .map(|d| {
                d.flatten()
                    .filter_map(|e| std::fs::read_to_string(e.path()).ok())
                    .collect()
            })
            .unwrap_or_default();
        out.sort();
        out
    }

    /// Waits until `n` messages have arrived.
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<String> {
        let started = Instant::now();
        loop {
            let messages = self.messages();
            if messages.len() >= n || started.elapsed() > within {
                return messages;
            }
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

fn missing() -> bool {
    if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
        panic!("aiosmtpd is not installed and CI=true; install it with: pip install aiosmtpd");
    }
    eprintln!("skipping: aiosmtpd is not installed (pip install aiosmtpd)");
    false
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

pub(crate) async fn app_with_mail(backend: Backend, smtp: &SmtpServer) -> Option<TestApp> {
    app_with_mail_and(backend, smtp, |_| {}).await
}

pub(crate) async fn app_with_mail_and(
    backend: Backend,
    smtp: &SmtpServer,
    change: impl FnOnce(&mut innolift::settings::Settings),
) -> Option<TestApp> {
    let port = smtp.port;
    spawn_app_with(backend, move |s| {
        change(s);
        s.smtp.host = "127.0.0.1".into();
        s.smtp.port = port;
        s.mail_from = "innolift <noreply@innolift.test>".into();
        s.public_url = "https://innolift.test".into();
    })
    .await
}

/// A buyer with a process in market dialogue and an event in it.
pub(crate) async fn event(app: &TestApp, seed: u32) -> (TestUser, String, String) {
    let buyer = app.register("b@kommune.no", seed, "buyer").await;
    let need = app
        .need(
            &buyer.token,
            need_body(
                "Elektriske ferjer",
                "Vi trenger elektriske ferjer med lading ved kai.",
            ),
        )
        .await;
    let process: Value = app.post("/api/v1/processes", &json!({"title": "Ferjeprosessen", "description": "d", "need_ids": [need["id"]], "procedure": "innovation_partnership"}), Some(&buyer.token)).await.json().await.unwrap();
    let pid = process["id"].as_str().unwrap().to_owned();
    let body = json!({"kind": "conference", "title": "Dialogkonferanse om elektriske ferjer", "agenda": "09:00 Velkommen\n10:00 Behovet", "starts_at": "2027-03-01T09:00", "ends_at": "2027-03-01T12:00", "place": "Rådhuset, Bergen", "response_deadline": "2027-02-20T16:00"});
    let (code, _) = error_of(
        app.post(
            &format!("/api/v1/processes/{pid}/dialogues"),
            &body,
            Some(&buyer.token),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(
        code, "conflict",
        "events belong to the market-dialogue phase"
    );
    assert_eq!(
        app.post(
            &format!("/api/v1/processes/{pid}/phase"),
            &json!({"to": "market_dialogue"}),
            Some(&buyer.token)
        )
        .await
        .status(),
        200
    );
    let res = app
        .post(
            &format!("/api/v1/processes/{pid}/dialogues"),
            &body,
            Some(&buyer.token),
        )
        .await;
    assert_eq!(res.status(), 201);
    let dialogue: Value = res.json().await.unwrap();
    assert_eq!(
        dialogue["starts_at"], "2027-03-01T08:00:00Z",
        "Norwegian winter time is UTC+1"
    );
    (buyer, pid, dialogue["id"].as_str().unwrap().to_owned())
}

pub(crate) async fn supplier_with_email(app: &TestApp, email: &str, seed: u32) -> TestUser {
    supplier_with_email_kind(app, email, seed, "supplier").await
}

/// An organisation of `kind` whose contact address is `email`.
pub(crate) async fn supplier_with_email_kind(
    app: &TestApp,
    email: &str,
    seed: u32,
    kind: &str,
) -> TestUser {
    let s = app.register(email, seed, kind).await;
    let res = app
        .patch(
            &format!("/api/v1/organisations/{}", s.organisation_id),
            &json!({"contact_email": email}),
            &s.token,
        )
        .await;
    assert_eq!(res.status(), 200);
    s
}

/// Turns off every kind of notification email for `user`'s account.
pub(crate) async fn emails_off(app: &TestApp, user: &TestUser) {
    let settings: Value = app
        .get("/api/v1/me/notifications/settings", Some(&user.token))
        .await
        .json()
        .await
        .unwrap();
    let items: Vec<Value> = settings["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| json!({"kind": s["kind"], "email": false}))
        .collect();
    let res = app
        .put(
            "/api/v1/me/notifications/settings",
            &json!({ "items": items }),
            Some(&user.token),
        )
        .await;
    assert_eq!(res.status(), 200);
}

/// A header's value, with folded lines joined.
pub(crate) fn header(message: &str, name: &str) -> Option<String> {
    let head = message
        .split("\n\n")
        .next()
        .unwrap_or("")
        .replace("\r\n", "\n")
        .replace("\n ", " ")
        .replace("\n\t", " ");
    head.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}: ")).map(str::to_owned))
}

async fn invitations_are_delivered_once_with_calendar_and_unsubscribe(backend: Backend) {
    let mut smtp = SmtpServer::unstarted();
    if !smtp.start() {
        return;
    }
    let Some(app) = app_with_mail(backend, &smtp).await else {
        return;
    };
    let (buyer, _pid, did) = event(&app, 800).await;
    let s1 = supplier_with_email(&app, "salg@verft.no", 801).await;
    let s2 = app.register("ingen@epost.no", 802, "supplier").await;
    // This test counts the emails of the event itself; notification emails are tested in
    // tests/api/notifications.rs.
    emails_off(&app, &buyer).await;
    emails_off(&app, &s1).await;
    let res = app
        .post(
            &format!("/api/v1/dialogues/{did}/invitations"),
            &json!({"supplier_ids": [s1.organisation_id, s2.organisation_id]}),
            Some(&buyer.token),
        )
        .await;
    assert_eq!(res.status(), 201);
    let outcome: Value = res.json().await.unwrap();
    let results: Vec<&str> = outcome["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["result"].as_str().unwrap())
        .collect();
    assert_eq!(results, vec!["queued", "no_contact_email"]);

    let messages = smtp.wait_for(1, Duration::from_secs(10)).await;
    if messages.is_empty() {
        let record: Value = app
            .get(
                &format!("/api/v1/dialogues/{did}/record"),
                Some(&buyer.token),
            )
            .await
            .json()
            .await
            .unwrap();
        panic!("nothing arrived; the record says {record}");
    }
    assert_eq!(messages.len(), 1);
    let m = &messages[0];
    assert_eq!(header(m, "To").as_deref(), Some("salg@verft.no"));
    assert!(
        header(m, "Subject").is_some_and(|s| s.contains("Invitasjon") || s.contains("=?utf-8?")),
        "{m}"
    );
    assert!(header(m, "Message-ID")
        .is_some_and(|id| id.starts_with("<invitation-") && id.ends_with("@innolift.test>")));
    assert!(header(m, "List-Unsubscribe")
        .is_some_and(|v| v.starts_with("<https://innolift.test/unsubscribe/")));
    assert_eq!(
        header(m, "List-Unsubscribe-Post").as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    assert!(m.contains("Content-Type: text/calendar"), "{m}");
    assert!(m.contains("multipart/alternative"));
    let token = rsvp_token(m);
    let unsubscribe = unsubscribe_path(m);
    assert_eq!(token.len(), 64);

    // The same supplier again: no second email.
    let again: Value = app
        .post(
            &format!("/api/v1/dialogues/{did}/invitations"),
            &json!({"supplier_ids": [s1.organisation_id]}),
            Some(&buyer.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["items"][0]["result"], "already_invited");
    actix_web::rt::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(smtp.messages().len(), 1, "no second email");

    let list: Value = app
        .get(
            &format!("/api/v1/dialogues/{did}/invitations"),
            Some(&buyer.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"][0]["status"], "sent");
    error_of(
        app.get(
            &format!("/api/v1/dialogues/{did}/invitations"),
            Some(&s1.token),
        )
        .await,
        403,
    )
    .await;
    let record: Value = app
        .get(
            &format!("/api/v1/dialogues/{did}/record"),
            Some(&buyer.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(record["items"][0]["recipient"], "salg@verft.no");
    assert_eq!(record["items"][0]["status"], "sent");
    assert_eq!(record["items"][0]["sha256"].as_str().unwrap().len(), 64);
    error_of(
        app.get(&format!("/api/v1/dialogues/{did}/record"), Some(&s1.token))
            .await,
        403,
    )
    .await;

    // The public page of the event needs no sign-in.
    assert_eq!(
        app.get(&format!("/api/v1/dialogues/{did}"), None)
            .await
            .status(),
        200
    );

    // One-click unsubscribe; later invitations to that address are not sent, and say why.
    let bad = app
        .client
        .post(app.url("/unsubscribe/not-a-token"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 404);
    let res = app
        .client
        .post(app.url(&unsubscribe))
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let list: Value = app
        .get(
            &format!("/api/v1/dialogues/{did}/invitations"),
            Some(&buyer.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"][0]["status"], "unsubscribed");
    let body = json!({"kind": "written_input", "title": "Skriftlige innspill", "agenda": "Send innspill.", "starts_at": "2027-04-01T09:00", "ends_at": "2027-04-15T16:00", "response_deadline": "2027-04-10T16:00"});
    let pid = _pid;
    let second: Value = app
        .post(
            &format!("/api/v1/processes/{pid}/dialogues"),
            &body,
            Some(&buyer.token),
        )
        .await
        .json()
        .await
        .unwrap();
    let out: Value = app
        .post(
            &format!(
                "/api/v1/dialogues/{}/invitations",
                second["id"].as_str().unwrap()
            ),
            &json!({"supplier_ids": [s1.organisation_id]}),
            Some(&buyer.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(out["items"][0]["result"], "unsubscribed");
    actix_web::rt::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(smtp.messages().len(), 1);

    // The supplier answers through its link, with no sign-in.
    let page = app
        .client
        .get(app.url(&format!("/rsvp/{token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page
        .text()
        .await
        .unwrap()
        .contains("Dialogkonferanse om elektriske ferjer"));
    let mut tampered = token.clone();
    tampered.replace_range(0..1, if token.starts_with('a') { "b" } else { "a" });
    for bad in [tampered.as_str(), "123", "'; drop table invitations; --"] {
        let res = app
            .client
            .get(app.url(&format!("/rsvp/{}", bad.replace(' ', "%20"))))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404, "token {bad}");
        assert!(res.text().await.unwrap().contains("Fant ikke siden"));
    }
    let res = app
        .post_page_form(
            &format!("/rsvp/{token}"),
            &format!("/rsvp/{token}"),
            &[("answer", "maybe")],
        )
        .await;
    assert_eq!(res.status(), 400);
    assert!(
        res.text().await.unwrap().contains("role=\"alert\""),
        "a clear page says what is wrong"
    );
    let res = app
        .post_page_form(
            &format!("/rsvp/{token}"),
            &format!("/rsvp/{token}"),
            &[
                ("answer", "attending"),
                ("attendees", "2"),
                ("comment", "Vi tar med =SUM(A1) prototypen"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let messages = smtp.wait_for(2, Duration::from_secs(10)).await;
    assert_eq!(messages.len(), 2, "a confirmation follows");
    assert!(messages.iter().any(|m| header(m, "Subject")
        .is_some_and(|s| s.contains("Svar registrert") || s.contains("=?utf-8?"))));

    let answers: Value = app
        .get(
            &format!("/api/v1/dialogues/{did}/answers"),
            Some(&buyer.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(answers["items"][0]["answer"], "attending");
    assert_eq!(answers["items"][0]["attendees"], 2);
    error_of(
        app.get(&format!("/api/v1/dialogues/{did}/answers"), Some(&s1.token))
            .await,
        403,
    )
    .await;
    let other_buyer = app.register("annen@kommune.no", 809, "buyer").await;
    error_of(
        app.get(
            &format!("/api/v1/dialogues/{did}/answers"),
            Some(&other_buyer.token),
        )
        .await,
        403,
    )
    .await;
    let csv = app
        .get(
            &format!("/api/v1/dialogues/{did}/answers.csv"),
            Some(&buyer.token),
        )
        .await;
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = csv.text().await.unwrap();
    assert!(csv.starts_with("supplier_id,supplier_name,email,answer"));
    assert!(csv.contains("attending"));
    let record: Value = app
        .get(
            &format!("/api/v1/dialogues/{did}/record"),
            Some(&buyer.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        record["items"].as_array().unwrap().len(),
        2,
        "the invitation and the confirmation: {record}"
    );

    // A supplier without an invitation registers on the public page and gets the same email.
    let page = app
        .client
        .get(app.url(&format!("/dialogues/{did}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let res = app
        .post_page_form(
            &format!("/dialogues/{did}"),
            &format!("/dialogues/{did}/register"),
            &[("orgnr", "123"), ("email", "ny@firma.no")],
        )
        .await;
    assert_eq!(res.status(), 400);
    assert!(
        res.text().await.unwrap().contains("orgnr"),
        "the page names what is wrong"
    );
    let res = app
        .post_page_form(
            &format!("/dialogues/{did}"),
            &format!("/dialogues/{did}/register"),
            &[
                ("orgnr", crate::helpers::orgnr(805).as_str()),
                ("email", "ikke-epost"),
            ],
        )
        .await;
    assert_eq!(res.status(), 400);
    let res = app
        .post_page_form(
            &format!("/dialogues/{did}"),
            &format!("/dialogues/{did}/register"),
            &[
                ("orgnr", crate::helpers::orgnr(806).as_str()),
                ("email", "ny@firma.no"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    // A typed address gets one message asking it to confirm; the invitation follows the link.
    let messages = smtp.wait_for(3, Duration::from_secs(10)).await;
    let ask = messages
        .iter()
        .find(|m| header(m, "To").as_deref() == Some("ny@firma.no"))
        .expect("the request to confirm the address");
    assert!(
        !ask.contains("/rsvp/"),
        "no answer link before the address is confirmed"
    );
    let registered = confirm_interest(&app, &smtp, ask, "ny@firma.no").await;
    let registered_token = rsvp_token(&registered);
    let list: Value = app
        .get(
            &format!("/api/v1/dialogues/{did}/invitations"),
            Some(&buyer.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(list["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["source"] == "registered" && i["orgnr"] == crate::helpers::orgnr(806).as_str()));
    // Floods are limited.
    let mut limited = false;
    for _ in 0..6 {
        let res = app
            .post_page_form(
                &format!("/dialogues/{did}"),
                &format!("/dialogues/{did}/register"),
                &[
                    ("orgnr", crate::helpers::orgnr(807).as_str()),
                    ("email", "flom@firma.no"),
                ],
            )
            .await;
        if res.status() == 429 {
            assert!(res.headers().contains_key("retry-after"));
            limited = true;
        }
    }
    assert!(limited, "repeated registrations are limited");

    // The registered supplier asks; the buyers answer; every invitee still subscribed gets it,
    // without the asker's name.
    let before = smtp.messages().len();
    let res = app
        .post_page_form(
            &format!("/rsvp/{registered_token}"),
            &format!("/rsvp/{registered_token}/questions"),
            &[("question", "Kan vi levere hydrogen i stedet for batteri?")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let questions: Value = app
        .get(
            &format!("/api/v1/dialogues/{did}/questions"),
            Some(&buyer.token),
        )
        .await
        .json()
        .await
        .unwrap();
    let qid = questions["items"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        questions["items"][0]["asked_by_orgnr"],
        crate::helpers::orgnr(806).as_str()
    );
    error_of(
        app.get(
            &format!("/api/v1/dialogues/{did}/questions"),
            Some(&s1.token),
        )
        .await,
        403,
    )
    .await;
    error_of(
        app.post(
            &format!("/api/v1/dialogues/{did}/questions/{qid}/answer"),
            &json!({"answer": "Ja"}),
            Some(&s1.token),
        )
        .await,
        403,
    )
    .await;
    let res = app
        .post(
            &format!("/api/v1/dialogues/{did}/questions/{qid}/answer"),
            &json!({"answer": "Ja, begge er velkomne."}),
            Some(&buyer.token),
        )
        .await;
    assert_eq!(res.status(), 200);
    error_of(
        app.post(
            &format!("/api/v1/dialogues/{did}/questions/{qid}/answer"),
            &json!({"answer": "Igjen"}),
            Some(&buyer.token),
        )
        .await,
        409,
    )
    .await;
    // ny@firma.no is a confirmed, subscribed invitee; s1 unsubscribed; flom@firma.no has not
    // confirmed its address, so the published answer does not reach it yet.
    smtp.wait_for(before + 1, Duration::from_secs(10)).await;
    actix_web::rt::time::sleep(Duration::from_millis(1000)).await;
    let messages = smtp.messages();
    let published: Vec<&String> = messages.iter().filter(|m| m.contains("hydrogen")).collect();
    let to: Vec<String> = published.iter().filter_map(|m| header(m, "To")).collect();
    assert_eq!(
        to,
        vec!["ny@firma.no".to_owned()],
        "every confirmed, subscribed invitee once; s1 unsubscribed; flom unconfirmed"
    );
    assert_eq!(
        messages
            .iter()
            .filter(|m| header(m, "To").as_deref() == Some("flom@firma.no"))
            .count(),
        1,
        "six registrations with an unconfirmed address gave it one message"
    );
    assert!(
        !published[0].contains(&crate::helpers::orgnr(806)),
        "the asker is not named"
    );
    let page = app
        .client
        .get(app.url(&format!("/dialogues/{did}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("begge er velkomne"),
        "the event page shows the published answer"
    );

    // A supplier registering after the answer was published gets it with its invitation.
    let before = smtp.messages().len();
    let res = app
        .post_page_form(
            &format!("/dialogues/{did}"),
            &format!("/dialogues/{did}/register"),
            &[
                ("orgnr", crate::helpers::orgnr(808).as_str()),
                ("email", "sen@firma.no"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let messages = smtp.wait_for(before + 1, Duration::from_secs(10)).await;
    let ask = messages
        .iter()
        .find(|m| header(m, "To").as_deref() == Some("sen@firma.no"))
        .expect("the request to confirm")
        .clone();
    confirm_interest(&app, &smtp, &ask, "sen@firma.no").await;
    smtp.wait_for(before + 3, Duration::from_secs(10)).await;
    actix_web::rt::time::sleep(Duration::from_millis(500)).await;
    let late: Vec<String> = smtp
        .messages()
        .into_iter()
        .filter(|m| header(m, "To").as_deref() == Some("sen@firma.no"))
        .collect();
    assert_eq!(
        late.len(),
        3,
        "the request to confirm, the invitation and the earlier answer"
    );
    assert!(late.iter().any(|m| m.contains("hydrogen")));
}

/// The buyers' list of an event's invitations.
pub(crate) async fn invitation_list(app: &TestApp, did: &str, token: &str) -> Value {
    app.get(&format!("/api/v1/dialogues/{did}/invitations"), Some(token))
        .await
        .json()
        .await
        .unwrap()
}

/// The token of the confirmation link in `ask` (`{id}.{code}`).
pub(crate) fn interest_token(ask: &str) -> String {
    let text = part(ask, "text/plain").expect("a text part");
    let after = text
        .split("/interest/confirm/")
        .nth(1)
        .unwrap_or_else(|| panic!("no confirmation link in {text}"));
    after
        .chars()
        .take_while(|c| c.is_ascii_hexdigit() || *c == '-' || *c == '.')
        .collect()
}

/// Opens the confirmation link in `ask` and returns the invitation that follows it to `to`.
/// The link leads to the invitation's answer page.
pub(crate) async fn confirm_interest(
    app: &TestApp,
    smtp: &SmtpServer,
    ask: &str,
    to: &str,
) -> String {
    let token = interest_token(ask);
    let res = app
        .client
        .get(app.url(&format!("/interest/confirm/{token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "the link leads on to the answer page");
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/rsvp/"), "{location}");
    let page = app.client.get(app.url(&location)).send().await.unwrap();
    assert_eq!(page.status(), 200, "the answer page opens");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let invitation = smtp.messages().into_iter().find(|m| {
            header(m, "To").as_deref() == Some(to)
                && header(m, "Message-ID").is_some_and(|s| s.starts_with("<invitation-"))
        });
        if let Some(m) = invitation {
            return m;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the invitation to {to} follows the link"
        );
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn mail_queued_while_the_server_is_down_arrives_once_it_is_up(backend: Backend) {
    let mut smtp = SmtpServer::unstarted();
    let Some(app) = app_with_mail(backend, &smtp).await else {
        return;
    };
    let (buyer, _pid, did) = event(&app, 810).await;
    let ids = insert_suppliers(&app, 200, 2000);
    let res = app
        .post(
            &format!("/api/v1/dialogues/{did}/invitations"),
            &json!({"supplier_ids": ids}),
            Some(&buyer.token),
        )
        .await;
    assert_eq!(res.status(), 201);
    actix_web::rt::time::sleep(Duration::from_secs(2)).await;
    let list: Value = app
        .get(
            &format!("/api/v1/dialogues/{did}/invitations"),
            Some(&buyer.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["status"] == "queued"),
        "nothing is sent while the server is down"
    );
    if !smtp.start() {
        return;
    }
    let messages = smtp.wait_for(200, Duration::from_secs(30)).await;
    actix_web::rt::time::sleep(Duration::from_millis(1500)).await;
    let messages = if messages.len() == 200 {
        smtp.messages()
    } else {
        messages
    };
    let mut recipients: Vec<String> = messages.iter().filter_map(|m| header(m, "To")).collect();
    recipients.sort();
    let count = recipients.len();
    recipients.dedup();
    assert_eq!(count, 200, "every invitation arrived");
    assert_eq!(recipients.len(), 200, "none twice");
}

on_both!(
    delivery,
    invitations_are_delivered_once_with_calendar_and_unsubscribe
);

on_both!(
    server_down,
    mail_queued_while_the_server_is_down_arrives_once_it_is_up
);

async fn one_reminder_goes_before_the_deadline(backend: Backend) {
    let mut smtp = SmtpServer::unstarted();
    if !smtp.start() {
        return;
    }
    // The reminder time comes a few seconds after the invitations go out.
    let Some(app) = app_with_mail_and(backend, &smtp, |s| {
        s.reminder_before = chrono::TimeDelta::hours(24) - chrono::TimeDelta::seconds(4)
    })
    .await
    else {
        return;
    };
    let (buyer, pid, _) = event(&app, 820).await;
    let soon = (chrono::Utc::now() + chrono::TimeDelta::hours(24)).to_rfc3339();
    let later = (chrono::Utc::now() + chrono::TimeDelta::hours(30)).to_rfc3339();
    let body = json!({"kind": "one_to_one_meetings", "title": "Møter", "agenda": "Korte møter.", "starts_at": soon, "ends_at": later, "place": "Teams", "response_deadline": soon, "capacity": 3});
    let d: Value = app
        .post(
            &format!("/api/v1/processes/{pid}/dialogues"),
            &body,
            Some(&buyer.token),
        )
        .await
        .json()
        .await
        .unwrap();
    let did = d["id"].as_str().unwrap();
    let s1 = supplier_with_email(&app, "a@lev.no", 821).await;
    let s2 = supplier_with_email(&app, "b@lev.no", 822).await;
    app.post(
        &format!("/api/v1/dialogues/{did}/invitations"),
        &json!({"supplier_ids": [s1.organisation_id, s2.organisation_id]}),
        Some(&buyer.token),
    )
    .await;
    smtp.wait_for(4, Duration::from_secs(15)).await;
    actix_web::rt::time::sleep(Duration::from_secs(2)).await;
    let messages = smtp.messages();
    let reminders = messages
        .iter()
        .filter(|m| header(m, "Message-ID").is_some_and(|id| id.starts_with("<reminder-")))
        .count();
    assert_eq!(
        reminders, 2,
        "one reminder each, within 48 hours of the deadline"
    );
    assert_eq!(messages.len(), 4, "and never a second");

    // The event has three places: two and two do not fit.
    let invitations: Vec<&String> = messages
        .iter()
        .filter(|m| header(m, "Message-ID").is_some_and(|id| id.starts_with("<invitation-")))
        .collect();
    let first = rsvp_token(invitations[0]);
    let second = rsvp_token(invitations[1]);
    let res = app
        .post_page_form(
            &format!("/rsvp/{first}"),
            &format!("/rsvp/{first}"),
            &[("answer", "attending"), ("attendees", "2")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .post_page_form(
            &format!("/rsvp/{second}"),
            &format!("/rsvp/{second}"),
            &[("answer", "attending"), ("attendees", "2")],
        )
        .await;
    assert_eq!(res.status(), 400);
    assert!(
        res.text().await.unwrap().contains("Ledige plasser: 1."),
        "the page says in Bokmål how many places are left"
    );
    // One token never touches another invitation's answer.
    let answers: Value = app
        .get(
            &format!("/api/v1/dialogues/{did}/answers"),
            Some(&buyer.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(answers["items"].as_array().unwrap().len(), 1);
    let res = app
        .post_page_form(
            &format!("/rsvp/{second}"),
            &format!("/rsvp/{second}"),
            &[("answer", "attending"), ("attendees", "1")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let answers: Value = app
        .get(
            &format!("/api/v1/dialogues/{did}/answers"),
            Some(&buyer.token),
        )
        .await
        .json()
        .await
        .unwrap();
    let counts: Vec<i64> = answers["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["attendees"].as_i64().unwrap())
        .collect();
    assert_eq!(counts.iter().sum::<i64>(), 3, "{answers}");
}

on_both!(reminders, one_reminder_goes_before_the_deadline);

async fn a_killed_sender_loses_no_invitation(backend: Backend) {
    let mut smtp = SmtpServer::unstarted();
    if !smtp.start() {
        return;
    }
    // This test's own server queues but does not send; a real `innolift serve` sends.
    let port = smtp.port;
    let Some(app) = spawn_app_with(backend, |s| {
        s.outbox_worker = false;
        s.smtp.port = port;
    })
    .await
    else {
        return;
    };
    let (buyer, _pid, did) = event(&app, 830).await;
    let ids = insert_suppliers(&app, 200, 3000);
    assert_eq!(
        app.post(
            &format!("/api/v1/dialogues/{did}/invitations"),
            &json!({"supplier_ids": ids}),
            Some(&buyer.token)
        )
        .await
        .status(),
        201
    );

    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        app.data_dir.join("token-secret"),
        dir.path().join("token-secret"),
    )
    .unwrap();
    let serve = || {
        Command::new(env!("CARGO_BIN_EXE_innolift"))
            .arg("serve")
            .args([
                "--bind",
                "127.0.0.1:0",
                "--database-url",
                &app.settings.database_url,
            ])
            .args([
                "--smtp-host",
                "127.0.0.1",
                "--smtp-port",
                &port.to_string(),
                "--public-url",
                "https://innolift.test",
            ])
            .arg("--data-dir")
            .arg(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let mut server = serve();
    let started = Instant::now();
    while smtp.messages().len() < 10 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the server never started sending"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    server.kill().unwrap();
    server.wait().unwrap();
    let at_kill = smtp.messages().len();
    let mut server = serve();
    // Messages claimed by the killed process are sent once their claim runs out (60 s).
    let messages = smtp.wait_for(200, Duration::from_secs(100)).await;
    actix_web::rt::time::sleep(Duration::from_secs(2)).await;
    let _ = server.kill();
    let _ = server.wait();
    let messages = if messages.len() >= 200 {
        smtp.messages()
    } else {
        messages
    };
    let mut to: Vec<String> = messages.iter().filter_map(|m| header(m, "To")).collect();
    to.sort();
    let total = to.len();
    to.dedup();
    assert!(
        at_kill < 200,
        "the kill came in the middle of sending ({at_kill} sent)"
    );
    assert_eq!(to.len(), 200, "every invitation arrived");
    assert!(
        total <= 200 + 16,
        "at most the messages in flight at the kill went twice ({total} in all)"
    );
}

on_both!(killed_sender, a_killed_sender_loses_no_invitation);

/// A calendar file as the `icalendar` package from PyPI reads it (`tests/ical/parse.py`), or
/// `None` when the package is missing outside CI. Panics when the file does not parse.
pub(crate) fn parsed_ics(ics: &str) -> Option<Value> {
    use std::io::Write;
    let mut child = Command::new("python3")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/ical/parse.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(ics.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("No module named 'icalendar'") {
        if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
            panic!("the icalendar package is not installed and CI=true: pip install icalendar");
        }
        eprintln!("skipping the independent parse: pip install icalendar");
        return None;
    }
    assert!(out.status.success(), "{stderr}\n{ics}");
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

/// The decoded body of the MIME part with this content type.
pub(crate) fn part(message: &str, content_type: &str) -> Option<String> {
    use base64::Engine;
    let message = message.replace("\r\n", "\n");
    let start = message.find(&format!("Content-Type: {content_type}"))?;
    let rest = &message[start..];
    let (head, body) = rest.split_once("\n\n")?;
    let body = body.split("\n--").next()?;
    if head.contains("Content-Transfer-Encoding: base64") {
        let joined: String = body.lines().map(str::trim).collect();
        return String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(joined)
                .ok()?,
        )
        .ok();
    }
    if head.contains("Content-Transfer-Encoding: quoted-printable") {
        let joined = body.replace("=\n", "");
        let bytes = joined.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            match (bytes[i], hex) {
                (b'=', Some(b)) => {
                    out.push(b);
                    i += 3;
                }
                (c, _) => {
                    out.push(c);
                    i += 1;
                }
            }
        }
        return String::from_utf8(out).ok();
    }
    Some(body.to_owned())
}

/// On the demo data: a demo buyer's open need, a process in market dialogue on it, a
/// conference, and its top five matches invited with their letters delivered. Gives the buyer's
/// token, the process and event ids, and the invitations as received.
pub(crate) async fn demo_event(
    app: &TestApp,
    smtp: &SmtpServer,
) -> (String, String, String, Vec<String>) {
    load_demo(app);
    let registry = innolift::demo::corpus::registry();
    let first_buyer = registry
        .orgs
        .iter()
        .find(|o| o.kind == "buyer")
        .unwrap()
        .key
        .clone();
    let (i, need) = registry
        .needs
        .iter()
        .enumerate()
        .find(|(_, n)| n.status == "open")
        .unwrap();
    let email = if need.org_key == first_buyer {
        "kjoper@demo.innolift.no".to_owned()
    } else {
        format!("{}@demo.innolift.no", need.org_key)
    };
    let login: Value = app
        .login(&email, innolift::demo::DEMO_PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    let token = login["token"].as_str().unwrap().to_owned();
    let need_id = innolift::demo::stable_id(&format!("need-{i}"));
    app.wait_indexed(&token, &need_id).await;
    // Wait until the whole demo registry is in the index.
    let (_, _) = app
        .poll(
            &format!("/api/v1/needs/{need_id}/matches?limit=5"),
            &token,
            Duration::from_secs(20),
            |j| j["items"].as_array().is_some_and(|a| a.len() == 5),
        )
        .await;

    let process: Value = app.post("/api/v1/processes", &json!({"title": "Demo-dialog", "description": "d", "need_ids": [need_id], "procedure": "competitive_dialogue"}), Some(&token)).await.json().await.unwrap();
    let pid = process["id"].as_str().unwrap().to_owned();
    assert_eq!(
        app.post(
            &format!("/api/v1/processes/{pid}/phase"),
            &json!({"to": "market_dialogue"}),
            Some(&token)
        )
        .await
        .status(),
        200
    );
    let body = json!({"kind": "conference", "title": "Dialogkonferanse", "agenda": "Behov og løsninger.", "starts_at": "2027-05-03T09:00", "ends_at": "2027-05-03T15:00", "place": "Rådhuset", "response_deadline": "2027-04-26T12:00"});
    let d: Value = app
        .post(
            &format!("/api/v1/processes/{pid}/dialogues"),
            &body,
            Some(&token),
        )
        .await
        .json()
        .await
        .unwrap();
    let did = d["id"].as_str().unwrap().to_owned();

    // The buyer invites the top matches.
    let res: Value = app
        .post(
            &format!("/api/v1/dialogues/{did}/invitations"),
            &json!({"from_matches": 5}),
            Some(&token),
        )
        .await
        .json()
        .await
        .unwrap();
    let queued = res["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["result"] == "queued")
        .count();
    assert!(
        queued >= 2,
        "most demo suppliers have a contact address: {res}"
    );
    let messages = smtp.wait_for(queued, Duration::from_secs(15)).await;
    assert_eq!(messages.len(), queued);
    (token, pid, did, messages)
}

async fn in_the_demo_data_a_buyer_invites_its_top_matches_and_publishes_an_answer(
    backend: Backend,
) {
    let mut smtp = SmtpServer::unstarted();
    if !smtp.start() {
        return;
    }
    let Some(app) = app_with_mail(backend, &smtp).await else {
        return;
    };
    let (token, _, did, messages) = demo_event(&app, &smtp).await;
    let did = did.as_str();
    let queued = messages.len();
    for m in &messages {
        // The maildir stores lines with LF; CRLF in the file itself is checked by the unit test.
        let ics = part(m, "text/calendar")
            .expect("an .ics attachment")
            .replace("\r\n", "\n");
        assert!(
            ics.starts_with("BEGIN:VCALENDAR") && ics.trim_end().ends_with("END:VCALENDAR"),
            "{ics}"
        );
        assert!(
            ics.contains("DTSTART:20270503T070000Z"),
            "09:00 in Norwegian summer time is 07:00 UTC: {ics}"
        );
        assert!(ics.contains("BEGIN:VEVENT") && ics.contains("UID:") && ics.contains("DTSTAMP:"));
        // The maildir turned CRLF into LF; the parser takes either.
        if let Some(cal) = parsed_ics(&ics) {
            assert_eq!(cal["method"], "REQUEST", "{cal}");
            assert_eq!(cal["status"], "CONFIRMED");
            assert_eq!(cal["sequence"], 0);
            assert_eq!(cal["uid"], format!("dialogue-{did}@innolift.test"));
            assert_eq!(cal["dtstart"], "2027-05-03T07:00:00+00:00");
            assert_eq!(cal["organizer"], "mailto:noreply@innolift.test");
            let to = header(m, "To").unwrap();
            assert!(
                to.contains(
                    cal["attendee"]
                        .as_str()
                        .unwrap()
                        .trim_start_matches("mailto:")
                ),
                "the attendee is the recipient: {cal} {to}"
            );
            assert!(cal["attendee_cn"].as_str().is_some_and(|n| !n.is_empty()));
        }
        assert!(
            m.contains("text/calendar; charset=utf-8; method=REQUEST")
                && m.contains("Content-Type: application/ics"),
            "an inline invitation part and an attachment"
        );
    }

    // One supplier answers and asks a question through its link.
    let link = rsvp_token(&messages[0]);
    let res = app
        .post_page_form(
            &format!("/rsvp/{link}"),
            &format!("/rsvp/{link}"),
            &[
                ("answer", "interested_cannot_attend"),
                ("comment", "Send oss presentasjonen"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .post_page_form(
            &format!("/rsvp/{link}"),
            &format!("/rsvp/{link}/questions"),
            &[("question", "Hvor mange fartøy gjelder det?")],
        )
        .await;
    assert_eq!(res.status(), 200);

    // The answer appears to the buyer.
    let answers: Value = app
        .get(&format!("/api/v1/dialogues/{did}/answers"), Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(answers["items"].as_array().unwrap().len(), 1);
    assert_eq!(answers["items"][0]["answer"], "interested_cannot_attend");

    // The published answer reaches every invitee.
    let questions: Value = app
        .get(&format!("/api/v1/dialogues/{did}/questions"), Some(&token))
        .await
        .json()
        .await
        .unwrap();
    let qid = questions["items"][0]["id"].as_str().unwrap();
    assert_eq!(
        app.post(
            &format!("/api/v1/dialogues/{did}/questions/{qid}/answer"),
            &json!({"answer": "Tre fartøy i første omgang."}),
            Some(&token)
        )
        .await
        .status(),
        200
    );
    let before = messages.len() + 1; // and the answer's confirmation
    smtp.wait_for(before + queued, Duration::from_secs(15))
        .await;
    actix_web::rt::time::sleep(Duration::from_millis(1000)).await;
    let published: Vec<String> = smtp
        .messages()
        .iter()
        .filter(|m| {
            m.contains("fart=C3=B8y i f=C3=B8rste")
                || m.contains("fartøy i første")
                || part(m, "text/plain").is_some_and(|p| p.contains("Tre fartøy"))
        })
        .filter_map(|m| header(m, "To"))
        .collect();
    let mut invited: Vec<String> = messages.iter().filter_map(|m| header(m, "To")).collect();
    invited.sort();
    let mut got = published.clone();
    got.sort();
    assert_eq!(got, invited, "every invitee got the published answer once");
}

on_both!(
    demo_dialogue,
    in_the_demo_data_a_buyer_invites_its_top_matches_and_publishes_an_answer
);

/// Loads the demo data into the app's database with `innolift demo`.
pub(crate) fn load_demo(app: &TestApp) {
    let out = Command::new(env!("CARGO_BIN_EXE_innolift"))
        .args(["demo", "--database-url", &app.settings.database_url])
        .arg("--data-dir")
        .arg(&app.data_dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The answer-link token of an invitation email, from its text part.
pub(crate) fn rsvp_token(message: &str) -> String {
    let text = part(message, "text/plain").expect("a text part");
    let after = text.split("/rsvp/").nth(1).expect("an answer link");
    let token: String = after.chars().take_while(char::is_ascii_hexdigit).collect();
    assert_eq!(token.len(), 64, "{text}");
    token
}

/// The path of the one-click unsubscribe link in the header.
fn unsubscribe_path(message: &str) -> String {
    let value = header(message, "List-Unsubscribe").expect("List-Unsubscribe");
    let url = value.trim_start_matches('<').trim_end_matches('>');
    let path = url
        .strip_prefix("https://innolift.test")
        .expect("a link to the service")
        .to_owned();
    assert!(
        path.starts_with("/unsubscribe/") && !path.contains(&rsvp_token(message)),
        "the unsubscribe link does not carry the answer key"
    );
    path
}

/// `n` suppliers with contact addresses, written straight to the database: registering each
/// through the API would spend the test's time on password hashing. Returns their ids.
pub(crate) fn insert_suppliers(app: &TestApp, n: u32, seed: u32) -> Vec<String> {
    let mut conn = innolift::db::connect(&app.settings.database_url).unwrap();
    (0..n)
        .map(|i| {
            let nr = crate::helpers::orgnr(seed + i);
            let now = innolift::db::now();
            let row = innolift::db::organisations::OrganisationRow {
                id: uuid::Uuid::new_v4().to_string(),
                kind: "supplier".into(),
                search_key: format!("lev {nr}"),
                orgnr: nr,
                name: format!("Leverandør {i}"),
                website: None,
                contact_email: Some(format!("post{}@lev{}.no", seed + i, seed + i)),
                sector: None,
                county: None,
                size: None,
                created_at: now,
                updated_at: now,
                verified_at: None,
                approval: "approved".to_owned(),
                approved_by: None,
                ended: None,
                form_code: None,
            };
            innolift::db::organisations::insert(&mut conn, &row).unwrap();
            row.id
        })
        .collect()
}
