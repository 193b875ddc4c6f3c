//! Open data in OCDS: a joint process with two buyers, a dialogue event and a published answer
//! gives a release package and a record that the independent validator (libcoveocds, through
//! `scripts/ocds-validate.py`) passes, with nothing of drafts, suppliers or unanswered
//! questions in them. A real SMTP server and both databases.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::{json, Value};

use crate::dialogues::{app_with_mail, event, header, rsvp_token, supplier_with_email, SmtpServer};
use crate::helpers::{error_of, need_body, orgnr, Backend, TestApp};

/// The Python that has the validator: the project's own environment that `.ci/run` makes, else
/// the machine's.
fn python() -> PathBuf {
    let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/ocds-venv/bin/python");
    if venv.exists() {
        venv
    } else {
        PathBuf::from("python3")
    }
}

/// Runs the independent validator on a package; panics with its output unless it is valid.
fn validate(name: &str, package: &Value) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(name);
    std::fs::write(&file, serde_json::to_vec_pretty(package).unwrap()).unwrap();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/ocds-validate.py");
    let out = std::process::Command::new(python())
        .arg(&script)
        .arg(&file)
        .output()
        .expect("python3 runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "the validator refused {name}:\n{text}\n{package:#}"
    );
    // Shown with --nocapture: the validator's own words, for the record.
    println!("{text}");
    text
}

async fn get(app: &TestApp, path: &str) -> Value {
    let res = app.get(path, None).await;
    assert_eq!(res.status(), 200, "{path}");
    res.json().await.unwrap()
}

async fn a_process_with_two_buyers_an_event_and_an_answer_is_valid_ocds_without_anything_private(
    backend: Backend,
) {
    let mut smtp = SmtpServer::unstarted();
    if !smtp.start() {
        return;
    }
    let Some(app) = app_with_mail(backend, &smtp).await else {
        return;
    };
    let (lead, pid, did) = event(&app, 1500).await;
    let partner = app.register("partner@kommune.no", 1501, "buyer").await;
    let invited = app.register("invitert@kommune.no", 1502, "buyer").await;
    for org in [&partner.organisation_id, &invited.organisation_id] {
        let res = app
            .post(
                &format!("/api/v1/processes/{pid}/buyers"),
                &json!({"organisation_id": org}),
                Some(&lead.token),
            )
            .await;
        assert_eq!(res.status(), 201);
    }
    let res = app
        .post(
            &format!(
                "/api/v1/processes/{pid}/buyers/{}/accept",
                partner.organisation_id
            ),
            &json!({}),
            Some(&partner.token),
        )
        .await;
    assert_eq!(res.status(), 200);
    // The process's need gets CPV codes and a value, which go out as items and budget.
    let process: Value = app
        .get(&format!("/api/v1/processes/{pid}"), Some(&lead.token))
        .await
        .json()
        .await
        .unwrap();
    let need_id = process["need_ids"][0].as_str().unwrap().to_owned();
    let change = json!({"cpv_codes": ["34512000", "71311200"], "estimated_value_nok": 40_000_000});
    let res = app
        .patch(&format!("/api/v1/needs/{need_id}"), &change, &lead.token)
        .await;
    assert_eq!(res.status(), 200);
    let mut draft = need_body(
        "Hemmelig utkast om droner",
        "Et utkast som ingen andre skal se.",
    );
    draft["status"] = json!("draft");
    let draft = app.need(&lead.token, draft).await;
    let ocid = format!("ocds-innlft-jp-{pid}");

    let first = get(&app, "/api/v1/ocds/releases").await;
    validate("first.json", &first);
    let of_process = |p: &Value| -> Vec<Value> {
        p["releases"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["ocid"] == ocid.as_str())
            .cloned()
            .collect()
    };
    assert_eq!(of_process(&first).len(), 1, "{first:#}");
    assert_eq!(of_process(&first)[0]["tag"], json!(["planning"]));
    // Asked again with nothing changed: no new release.
    let again = get(&app, "/api/v1/ocds/releases").await;
    assert_eq!(
        again["releases"].as_array().unwrap().len(),
        first["releases"].as_array().unwrap().len()
    );

    // A supplier asks two questions; one is answered.
    let supplier = supplier_with_email(&app, "salg@ferjeverft.no", 1503).await;
    let res = app
        .post(
            &format!("/api/v1/dialogues/{did}/invitations"),
            &json!({"supplier_ids": [supplier.organisation_id]}),
            Some(&lead.token),
        )
        .await;
    assert_eq!(res.status(), 201);
    // The invited buyers hear of the process by email too; the supplier's invitation is the one.
    let mut invitation = None;
    for n in 1..=6 {
        let mail = smtp.wait_for(n, Duration::from_secs(15)).await;
        invitation = mail
            .into_iter()
            .find(|m| header(m, "To").is_some_and(|to| to.contains("salg@ferjeverft.no")));
        if invitation.is_some() {
            break;
        }
    }
    let token = rsvp_token(&invitation.expect("the supplier's invitation arrives"));
    for question in [
        "Kan vi levere hydrogenferjer?",
        "Ubesvart: hvem andre er invitert?",
    ] {
        let res = app
            .post_page_form(
                &format!("/rsvp/{token}"),
                &format!("/rsvp/{token}/questions"),
                &[("question", question)],
            )
            .await;
        assert_eq!(res.status(), 200);
    }
    let questions: Value = app
        .get(
            &format!("/api/v1/dialogues/{did}/questions"),
            Some(&lead.token),
        )
        .await
        .json()
        .await
        .unwrap();
    let qid = questions["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["question"] == "Kan vi levere hydrogenferjer?")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = app
        .post(
            &format!("/api/v1/dialogues/{did}/questions/{qid}/answer"),
            &json!({"answer": "Ja, hydrogen er velkommen."}),
            Some(&lead.token),
        )
        .await;
    assert_eq!(res.status(), 200);

    // One public document goes out; one for the invitees only does not.
    for (title, visibility) in [
        ("Behovsbeskrivelse for ferjene", "public"),
        ("Internt utkast til konkurransegrunnlag", "invitees"),
    ] {
        let fields = [
            ("title", title),
            ("visibility", visibility),
            ("dialogue_id", did.as_str()),
        ];
        let res = crate::documents::upload(
            &app,
            &lead.token,
            &pid,
            &fields,
            "dok.pdf",
            crate::documents::pdf(1),
        )
        .await;
        assert_eq!(res.status(), 201);
    }

    let package = get(&app, "/api/v1/ocds/releases").await;
    validate("releases.json", &package);
    let releases = of_process(&package);
    assert_eq!(
        releases.len(),
        2,
        "one release per change seen: {package:#}"
    );
    assert_eq!(releases[1]["tag"], json!(["planningUpdate"]));
    let r = &releases[1];
    assert_eq!(r["tender"]["status"], "planning");
    let roles = |org: &str| -> Value {
        let id = format!("NO-BRC-{}", orgnr(org.parse().unwrap()).replace(' ', ""));
        r["parties"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == id.as_str())
            .map(|p| p["roles"].clone())
            .unwrap_or(Value::Null)
    };
    assert_eq!(roles("1500"), json!(["buyer", "procuringEntity"]), "{r:#}");
    assert_eq!(roles("1501"), json!(["buyer"]));
    assert_eq!(roles("1502"), json!(["interestedParty"]));
    assert_eq!(
        r["buyer"]["id"],
        format!("NO-BRC-{}", orgnr(1500).replace(' ', ""))
    );
    let milestone = &r["planning"]["milestones"][0];
    assert_eq!(
        (milestone["type"].as_str(), milestone["id"].as_str()),
        (Some("engagement"), Some(did.as_str()))
    );
    assert_eq!(milestone["dueDate"], "2027-03-01T08:00:00Z");
    let enquiries = r["tender"]["enquiries"].as_array().unwrap();
    assert_eq!(
        enquiries.len(),
        1,
        "only the answered question: {enquiries:?}"
    );
    assert_eq!(enquiries[0]["answer"], "Ja, hydrogen er velkommen.");
    let items = r["tender"]["items"].as_array().unwrap();
    let codes: Vec<&str> = items
        .iter()
        .map(|i| i["classification"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["34512000", "71311200"], "{items:?}");
    assert!(items.iter().all(|i| i["classification"]["scheme"] == "CPV"));
    assert_eq!(
        r["tender"]["value"],
        json!({"amount": 40_000_000, "currency": "NOK"})
    );
    assert_eq!(r["planning"]["budget"]["amount"]["amount"], 40_000_000);
    let documents = r["planning"]["documents"].as_array().unwrap();
    assert_eq!(documents.len(), 1, "{documents:?}");
    assert_eq!(documents[0]["title"], "Behovsbeskrivelse for ferjene");
    assert!(documents[0]["url"]
        .as_str()
        .unwrap()
        .starts_with("https://innolift.test/api/v1/documents/"));
    let text = package.to_string();
    for private in [
        "Internt utkast",
        "Hemmelig utkast",
        "Ubesvart",
        "salg@ferjeverft.no",
        &orgnr(1503).replace(' ', ""),
        "b@kommune.no",
        "partner@kommune.no",
    ] {
        assert!(
            !text.contains(private),
            "{private} leaked into the open data"
        );
    }

    let record = get(&app, &format!("/api/v1/ocds/records/{ocid}")).await;
    validate("record.json", &record);
    let rec = &record["records"][0];
    assert_eq!(rec["releases"].as_array().unwrap().len(), 2);
    assert_eq!(rec["compiledRelease"]["tag"], json!(["compiled"]));
    assert_eq!(
        rec["compiledRelease"]["tender"]["enquiries"][0]["answer"],
        "Ja, hydrogen er velkommen."
    );

    // A draft's ocid is not published; nonsense filters are named.
    let draft_ocid = format!("ocds-innlft-need-{}", draft["id"].as_str().unwrap());
    error_of(
        app.get(&format!("/api/v1/ocds/records/{draft_ocid}"), None)
            .await,
        404,
    )
    .await;
    for (query, field) in [
        ("updated_from=31.12.2026", "updated_from"),
        ("cursor=abc", "cursor"),
        ("cursor=1.", "cursor"),
    ] {
        let (_, got) = error_of(
            app.get(&format!("/api/v1/ocds/releases?{query}"), None)
                .await,
            400,
        )
        .await;
        assert_eq!(got.as_deref(), Some(field), "{query}");
    }
    let later = get(&app, "/api/v1/ocds/releases?updated_from=2999-01-01").await;
    assert_eq!(later["releases"], json!([]));
}

#[actix_web::test]
async fn sqlite() {
    a_process_with_two_buyers_an_event_and_an_answer_is_valid_ocds_without_anything_private(
        Backend::Sqlite,
    )
    .await;
}

#[actix_web::test]
async fn postgres() {
    a_process_with_two_buyers_an_event_and_an_answer_is_valid_ocds_without_anything_private(
        Backend::Postgres,
    )
    .await;
}

/// A joint process made from a need that an imported prior information notice announced names
/// that notice among its related processes, and the record still validates.
async fn a_process_from_an_imported_notice_names_it_as_a_related_process(backend: Backend) {
    let Some(app) = crate::helpers::spawn_app(backend).await else {
        return;
    };
    let pin = crate::notices::fixtures().join("good/pin-01-velferdsteknologi-bergen.xml");
    crate::notices::import(&app, &[&pin]);
    // Bergen registers with the notice's organisation number and takes over its need.
    let body = json!({"email": "innkjop@bergen.kommune.no", "password": "et langt passord", "name": "Kari",
        "organisation": {"orgnr": "964 338 531", "name": "Bergen kommune", "kind": "buyer", "sector": "municipality", "county": "46"}});
    let registered: Value = app
        .post("/api/v1/auth/register", &body, None)
        .await
        .json()
        .await
        .unwrap();
    let token = registered["token"].as_str().unwrap();
    let needs: Value = app
        .get("/api/v1/needs?source=notice", Some(token))
        .await
        .json()
        .await
        .unwrap();
    let need_id = needs["items"][0]["id"].as_str().unwrap();
    let res = app.post("/api/v1/processes", &json!({"title": "Felles velferdsteknologi", "description": "Vi kjøper sammen.", "need_ids": [need_id], "procedure": "innovation_partnership"}), Some(token)).await;
    assert_eq!(res.status(), 201);
    let process: Value = res.json().await.unwrap();
    let ocid = format!("ocds-innlft-jp-{}", process["id"].as_str().unwrap());
    let record = get(&app, &format!("/api/v1/ocds/records/{ocid}")).await;
    validate("related.json", &record);
    let related = &record["records"][0]["compiledRelease"]["relatedProcesses"];
    let notice: Value = serde_json::from_str(
        &std::fs::read_to_string(crate::notices::fixtures().join("expected.json")).unwrap(),
    )
    .unwrap();
    let notice_id = notice["good"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["file"] == "good/pin-01-velferdsteknologi-bergen.xml")
        .unwrap()["notice_id"]
        .clone();
    assert_eq!(related[0]["identifier"], notice_id, "{related}");
    assert_eq!(related[0]["relationship"], json!(["planning"]));
    // The need is published with the process now, not on its own.
    let package = get(&app, "/api/v1/ocds/releases").await;
    let own = format!("ocds-innlft-need-{need_id}");
    assert!(
        package["releases"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["ocid"] != own.as_str()),
        "{package:#}"
    );
}

#[actix_web::test]
async fn related_sqlite() {
    a_process_from_an_imported_notice_names_it_as_a_related_process(Backend::Sqlite).await;
}

#[actix_web::test]
async fn related_postgres() {
    a_process_from_an_imported_notice_names_it_as_a_related_process(Backend::Postgres).await;
}

/// The releases of one need, oldest first.
fn releases_of(package: &Value, need_id: &str) -> Vec<Value> {
    let ocid = format!("ocds-innlft-need-{need_id}");
    package["releases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["ocid"] == ocid.as_str())
        .cloned()
        .collect()
}

/// A need's releases follow its changes and nothing else: an edit, a buyer joining and leaving,
/// and a node started later publishes what changed before it started.
async fn a_needs_releases_follow_its_changes_on_every_node(backend: Backend) {
    let Some(app) = crate::helpers::spawn_app(backend).await else {
        return;
    };
    let buyer = app.register("ferje@kommune.no", 1600, "buyer").await;
    let other = app.register("naboen@kommune.no", 1601, "buyer").await;
    let a = app
        .need(
            &buyer.token,
            need_body("Ferjekai", "Ny ferjekai med lading av elferjer."),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let b = app
        .need(
            &buyer.token,
            need_body("Skolemåltid", "Varm lunsj til elevene hver dag."),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let first = get(&app, "/api/v1/ocds/releases").await;
    assert_eq!(releases_of(&first, &a).len(), 1, "{first:#}");
    assert_eq!(releases_of(&first, &b).len(), 1, "{first:#}");
    assert_eq!(releases_of(&first, &a)[0]["tag"], json!(["planning"]));
    let again = get(&app, "/api/v1/ocds/releases").await;
    assert_eq!(
        again["releases"], first["releases"],
        "nothing changed, nothing new"
    );

    let res = app
        .patch(
            &format!("/api/v1/needs/{a}"),
            &json!({"title": "Ferjekai med landstrøm"}),
            &buyer.token,
        )
        .await;
    assert_eq!(res.status(), 200);
    let edited = get(&app, "/api/v1/ocds/releases").await;
    let of_a = releases_of(&edited, &a);
    assert_eq!(of_a.len(), 2, "{edited:#}");
    assert_eq!(of_a[1]["tag"], json!(["planningUpdate"]));
    assert_eq!(of_a[1]["tender"]["title"], "Ferjekai med landstrøm");
    assert_eq!(
        releases_of(&edited, &b).len(),
        1,
        "the other need did not change"
    );

    let roles_of = |release: &Value, orgnr: &str| -> Vec<Value> {
        release["parties"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["id"] == format!("NO-BRC-{orgnr}").as_str())
            .flat_map(|p| p["roles"].as_array().unwrap().clone())
            .collect()
    };
    let res = app
        .post(
            &format!("/api/v1/needs/{a}/participants"),
            &json!({}),
            Some(&other.token),
        )
        .await;
    assert_eq!(res.status(), 201);
    let joined = get(&app, "/api/v1/ocds/releases").await;
    let of_a = releases_of(&joined, &a);
    assert_eq!(of_a.len(), 3, "{joined:#}");
    assert_eq!(
        roles_of(&of_a[2], &orgnr(1601)),
        vec![json!("interestedParty")]
    );
    let res = app
        .delete(
            &format!("/api/v1/needs/{a}/participants/{}", other.organisation_id),
            &other.token,
        )
        .await;
    assert_eq!(res.status(), 204);
    let left = get(&app, "/api/v1/ocds/releases").await;
    let of_a = releases_of(&left, &a);
    assert_eq!(of_a.len(), 4, "{left:#}");
    assert!(roles_of(&of_a[3], &orgnr(1601)).is_empty(), "{:#}", of_a[3]);

    // A change made through this node before another node starts is published by that node.
    let res = app
        .patch(
            &format!("/api/v1/needs/{b}"),
            &json!({"description": "Varm og sunn lunsj til elevene hver skoledag."}),
            &buyer.token,
        )
        .await;
    assert_eq!(res.status(), 200);
    let index_dir = tempfile::tempdir().unwrap();
    let mut settings = app.settings.clone();
    settings.data_dir = index_dir.path().to_owned();
    let node = innolift::http::server::Application::build_with_workers(settings, 1)
        .await
        .unwrap();
    let second = TestApp::at(
        &format!("http://127.0.0.1:{}", node.port()),
        &app.settings.database_url,
    );
    actix_web::rt::spawn(node.run_until_stopped());
    let there = get(&second, "/api/v1/ocds/releases").await;
    let of_b = releases_of(&there, &b);
    assert_eq!(of_b.len(), 2, "{there:#}");
    assert_eq!(
        of_b[1]["tender"]["description"],
        "Varm og sunn lunsj til elevene hver skoledag."
    );
    assert_eq!(
        releases_of(&there, &a).len(),
        4,
        "nothing else is published again"
    );
    let here = get(&app, "/api/v1/ocds/releases").await;
    assert_eq!(
        here["releases"], there["releases"],
        "both nodes show the same releases"
    );
}

#[actix_web::test]
async fn needs_sqlite() {
    a_needs_releases_follow_its_changes_on_every_node(Backend::Sqlite).await;
}

#[actix_web::test]
async fn needs_postgres() {
    a_needs_releases_follow_its_changes_on_every_node(Backend::Postgres).await;
}
