//! Importing eForms notices, needs from early-dialogue notices, alerts and the digest, and the
//! programme's indicators.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::dialogues::{app_with_mail, SmtpServer};
use crate::helpers::{spawn_app, Backend, TestApp};
use crate::on_both_databases;

pub(crate) fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/notices")
}

fn expected() -> Value {
    serde_json::from_str(&std::fs::read_to_string(fixtures().join("expected.json")).unwrap())
        .unwrap()
}

/// Runs `innolift notices import` on `paths`; returns (stdout, stderr).
pub(crate) fn import(app: &TestApp, paths: &[&Path]) -> (String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_innolift"))
        .args(["notices", "import"])
        .args(paths)
        .args(["--database-url", &app.settings.database_url])
        .arg("--data-dir")
        .arg(&app.data_dir)
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert!(out.status.success(), "import failed: {stdout}\n{stderr}");
    (stdout, stderr)
}

async fn indicator(app: &TestApp, query: &str, id: &str) -> Value {
    let body: Value = app
        .get(&format!("/api/v1/indicators{query}"), None)
        .await
        .json()
        .await
        .unwrap();
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("no {id} in {body}"))
        .clone()
}

async fn notice_needs(app: &TestApp, token: &str, source: &str) -> Value {
    let res = app
        .get(
            &format!("/api/v1/needs?source={source}&per_page=100"),
            Some(token),
        )
        .await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

on_both_databases! {
    async fn importing_the_fixture_folder_gives_the_right_counts_and_importing_it_again_changes_nothing(app: TestApp) {
        let good = fixtures().join("good");
        let bad = fixtures().join("bad");
        let (out, err) = import(&app, &[&good, &bad]);
        assert!(out.contains("read 21 notices: 14 stored, 0 unchanged, 0 older versions skipped, 7 refused; 6 open needs"), "{out}");
        for b in expected()["bad"].as_array().unwrap() {
            let file = b["file"].as_str().unwrap().trim_start_matches("bad/");
            let reason = b["reason_contains"].as_str().unwrap().to_lowercase();
            let line = err.lines().find(|l| l.contains(file)).unwrap_or_else(|| panic!("{file} is not reported: {err}"));
            assert!(line.to_lowercase().contains(&reason), "{file} should say {reason}: {line}");
        }
        let summary = &expected()["summary"]["by_publication_year"];
        for year in ["2025", "2026"] {
            let early = indicator(&app, &format!("?year={year}"), "early_dialogue_share").await;
            assert_eq!(early["base"], summary[year]["competition_notices"].as_f64().unwrap(), "{early}");
            assert_eq!(early["actual"], summary[year]["competition_with_early_dialogue"].as_f64().unwrap(), "{early}");
            let poi = indicator(&app, &format!("?year={year}"), "procurement_of_innovation_share").await;
            assert_eq!(poi["actual"], summary[year]["procurement_of_innovation"].as_f64().unwrap(), "{poi}");
            let share = poi["share"].as_f64().unwrap();
            assert!((share - poi["actual"].as_f64().unwrap() / poi["base"].as_f64().unwrap()).abs() < 1e-9);
        }
        let buyer = app.register("innkjop@kommune.no", 61, "buyer").await;
        assert_eq!(notice_needs(&app, &buyer.token, "notice").await["total"], 6);
        assert_eq!(notice_needs(&app, &buyer.token, "registered").await["total"], 0);

        // Again, and as archives: nothing new is stored.
        let (out, _) = import(&app, &[&good, &bad]);
        assert!(out.contains("0 stored, 13 unchanged, 1 older versions skipped, 7 refused"), "{out}");
        let dir = tempfile::tempdir().unwrap();
        let tgz = dir.path().join("notices.tar.gz");
        assert!(Command::new("tar").arg("czf").arg(&tgz).arg("-C").arg(fixtures()).arg("good").status().unwrap().success());
        let zip = dir.path().join("notices.zip");
        let script = "import sys, zipfile, pathlib\nz = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED)\nfor p in sorted(pathlib.Path(sys.argv[2]).glob('*.xml')): z.write(p, 'good/' + p.name)\nz.close()";
        assert!(Command::new("python3").args(["-c", script]).arg(&zip).arg(&good).status().unwrap().success());
        let (out, _) = import(&app, &[&tgz, &zip]);
        assert!(out.contains("read 28 notices: 0 stored, 26 unchanged, 2 older versions skipped, 0 refused"), "{out}");
        assert_eq!(notice_needs(&app, &buyer.token, "notice").await["total"], 6);
        let early = indicator(&app, "", "early_dialogue_share").await;
        assert_eq!(early["base"], 6.0);
        assert_eq!(early["actual"], 3.0);
    }

    async fn notices_from_abroad_from_eu_institutions_and_without_identifiers_are_all_imported(app: TestApp) {
        let world = fixtures().join("world");
        let (out, err) = import(&app, &[&world]);
        assert!(out.contains("read 6 notices: 6 stored, 0 unchanged, 0 older versions skipped, 0 refused; 3 open needs"), "{out}\n{err}");
        assert!(out.contains("by notice type: can-standard 2, cn-standard 1, pin-only 1, pmc 2; 2 running contracts from award notices"), "{out}");
        let buyer = app.register("innkjop@kommune.no", 63, "buyer").await;
        let needs = notice_needs(&app, &buyer.token, "notice").await;
        assert_eq!(needs["total"], 3, "the EU PIN and both E1 notices: {needs}");
        let vestfold = needs["items"].as_array().unwrap().iter().find(|n| n["counties"] == json!(["39"]));
        assert!(vestfold.is_some(), "the E1 of a buyer without an identifier, in NO093, is Vestfold's: {needs}");
        // Its buyer's profile does not show the key it is kept under as an organisation number.
        let org = vestfold.unwrap()["organisation_id"].as_str().unwrap();
        let page = app.get(&format!("/organisations/{org}"), None).await.text().await.unwrap();
        assert!(page.contains("ingen norsk") && !page.contains("navn:"), "{page}");
        let troms = needs["items"].as_array().unwrap().iter().find(|n| n["counties"] == json!(["55"]));
        assert!(troms.is_some(), "NO072 is Troms: {needs}");
        // The competition notice of a Swedish buyer counts in the indicators.
        let early = indicator(&app, "", "early_dialogue_share").await;
        assert_eq!(early["base"], 1.0, "{early}");
        // The award notices give running contracts, public like the notices.
        let staff = crate::processes::admin(&app).await;
        let contracts: Value = app.get("/api/v1/contracts", Some(&staff)).await.json().await.unwrap();
        let ends: Vec<(&str, &str)> = contracts["items"].as_array().unwrap().iter()
            .map(|c| (c["buyer_name"].as_str().unwrap(), c["ends_at"].as_str().unwrap())).collect();
        assert_eq!(ends, [("Alta kommune", "2029-08-31"), ("Skien kommune", "2030-05-28")], "{contracts}");
        assert!(contracts["items"].as_array().unwrap().iter().all(|c| c["source"] == "notice" && c["shared"] == true));
        let radar: Value = app.get("/api/v1/radar?months=60", Some(&staff)).await.json().await.unwrap();
        let groups = radar["groups"].as_array().unwrap();
        assert_eq!(groups.len(), 1, "{radar}");
        assert_eq!((groups[0]["cpv_code"].as_str(), groups[0]["buyers"].as_u64()), (Some("72200000"), Some(2)), "{radar}");
        assert_eq!(groups[0]["counties"], json!(["40", "56"]));
        // Importing again changes nothing, and adds no contract twice.
        let (out, _) = import(&app, &[&world]);
        assert!(out.contains("0 stored, 6 unchanged"), "{out}");
        let again: Value = app.get("/api/v1/contracts", Some(&staff)).await.json().await.unwrap();
        assert_eq!(again["total"], 2);
    }

    async fn hostile_and_huge_notices_are_refused_quickly_and_the_rest_goes_on(app: TestApp) {
        let dir = tempfile::tempdir().unwrap();
        for name in ["xxe.xml", "billion-laughs.xml", "unknown-namespace.xml", "no-buyer.xml"] {
            std::fs::copy(fixtures().join("bad").join(name), dir.path().join(name)).unwrap();
        }
        std::fs::copy(fixtures().join("good/pin-01-velferdsteknologi-bergen.xml"), dir.path().join("good.xml")).unwrap();
        // 100 MB, made sparse so the test does not write it; refused by its size before reading.
        let huge = std::fs::File::create(dir.path().join("huge.xml")).unwrap();
        huge.set_len(100 * 1024 * 1024).unwrap();
        let started = Instant::now();
        let (out, err) = import(&app, &[dir.path()]);
        assert!(started.elapsed() < Duration::from_secs(20), "took {:?}", started.elapsed());
        assert!(out.contains("1 stored") && out.contains("5 refused"), "{out}");
        for (file, reason) in [("xxe.xml", "DTD"), ("billion-laughs.xml", "DTD"), ("huge.xml", "10 MB"), ("unknown-namespace.xml", "namespace"), ("no-buyer.xml", "buyer")] {
            assert!(err.lines().any(|l| l.contains(file) && l.contains(reason)), "{file}: {reason} in {err}");
        }
        // Nothing of the file the external entity points at reached the database.
        let buyer = app.register("innkjop@kommune.no", 62, "buyer").await;
        let needs = notice_needs(&app, &buyer.token, "notice").await;
        assert_eq!(needs["total"], 1);
        assert!(!needs.to_string().contains("root:"));
    }

    async fn a_buyer_known_only_from_a_notice_is_taken_over_by_its_first_user_with_the_need(app: TestApp) {
        import(&app, &[&fixtures().join("good/pin-01-velferdsteknologi-bergen.xml")]);
        let body = json!({"email": "innkjop@bergen.kommune.no", "password": "et langt passord", "name": "Kari",
            "organisation": {"orgnr": "964 338 531", "name": "Bergen kommune", "kind": "buyer", "sector": "municipality", "county": "46"}});
        let res = app.post("/api/v1/auth/register", &body, None).await;
        assert_eq!(res.status(), 201);
        let json: Value = res.json().await.unwrap();
        assert_eq!(json["user"]["role"], "owner");
        let token = json["token"].as_str().unwrap();
        let needs = notice_needs(&app, token, "notice").await;
        assert_eq!(needs["items"][0]["organisation_id"], json["organisation"]["id"], "the notice's need is now theirs: {needs}");
        // The next person needs the owner's invitation, as for any organisation.
        let mut second = body.clone();
        second["email"] = json!("annen@bergen.kommune.no");
        let (code, field) = crate::helpers::error_of(app.post("/api/v1/auth/register", &second, None).await, 409).await;
        assert_eq!((code.as_str(), field.as_deref()), ("conflict", Some("orgnr")));
    }

    async fn indicators_are_public_aggregates_and_only_staff_see_them_by_organisation(app: TestApp) {
        let buyer = app.register("innkjop@kommune.no", 63, "buyer").await;
        let need = app.need(&buyer.token, crate::helpers::need_body("Fallvarsling", "Varsling ved fall hos eldre.")).await;
        let res = app.post("/api/v1/processes", &json!({"title": "Fallvarsling", "description": "d", "need_ids": [need["id"]], "procedure": "innovation_partnership"}), Some(&buyer.token)).await;
        assert_eq!(res.status(), 201);
        let year = chrono::Utc::now().format("%Y").to_string();
        let started = indicator(&app, &format!("?year={year}"), "joint_processes").await;
        assert_eq!(started["actual"], 1.0);
        assert_eq!(started["target"], 25.0);
        assert!(started["definition"].as_str().unwrap().contains("Joint processes"));
        assert_eq!(indicator(&app, "?county=03", "joint_processes").await["actual"], 0.0, "the need is in Vestland");
        assert_eq!(indicator(&app, "?county=46", "joint_processes").await["actual"], 1.0);
        assert_eq!(indicator(&app, "?theme=health_welfare", "joint_processes").await["actual"], 0.0);
        let body: Value = app.get("/api/v1/indicators", None).await.json().await.unwrap();
        assert!(!body.to_string().contains("innkjop@kommune.no") && body.get("organisations").is_none(), "no personal data: {body}");

        for token in [None, Some(buyer.token.as_str())] {
            let res = app.get("/api/v1/indicators?by=organisation", token).await;
            assert_eq!(res.status(), 403);
        }
        let (email, password) = crate::web_helpers::create_admin(&app, "stab@program.no");
        let login: Value = app.login(&email, &password).await.json().await.unwrap();
        let admin = login["token"].as_str().unwrap();
        let res = app.get("/api/v1/indicators?by=organisation", Some(admin)).await;
        assert_eq!(res.status(), 200);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["organisations"][0]["joint_processes"], 1);

        let (code, field) = crate::helpers::error_of(app.get("/api/v1/indicators?year=abc", None).await, 400).await;
        assert_eq!((code.as_str(), field.as_deref()), ("validation_failed", Some("year")));
        let csv = app.get(&format!("/api/v1/indicators.csv?year={year}"), None).await;
        assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        let text = csv.text().await.unwrap();
        assert!(text.starts_with("indicator,year,target,actual,share,base,definition"), "{text}");
        assert!(text.contains(&format!("joint_processes,{year},25,1,")), "{text}");
    }
}

/// A pre-market consultation notice published today, with answers due in a month.
fn fresh_consultation(dir: &Path) -> (PathBuf, String) {
    let source =
        std::fs::read_to_string(fixtures().join("good/pmc-01-smarte-omsorgsboliger-trondheim.xml"))
            .unwrap();
    let id = uuid::Uuid::new_v4().to_string();
    let today = chrono::Utc::now().date_naive();
    let due = today + chrono::Duration::days(30);
    let text = source
        .replace("31c0ec86-a410-458d-8f1f-2d398d582cac", &id)
        .replace("2025-03-20", &today.to_string())
        .replace("2025-04-25", &due.to_string());
    let path = dir.join("fresh-pmc.xml");
    std::fs::write(&path, text).unwrap();
    (path, id)
}

async fn supplier_with(
    app: &TestApp,
    email: &str,
    seed: u32,
) -> (crate::helpers::TestUser, String) {
    let user = app.register_with_contact(email, seed, "supplier").await;
    let cap = app
        .capability(
            &user.token,
            json!({"title": "Sensorbasert varsling i omsorgsboliger", "description": "Sensorer som varsler helsepersonell ved fall, uro eller endret døgnrytme hos beboere i omsorgsboliger.", "themes": ["health_welfare"], "counties": ["50"]}),
        )
        .await;
    let id = cap["id"].as_str().unwrap().to_owned();
    app.wait_indexed(&user.token, &id).await;
    (user, id)
}

async fn consultation_reaches_the_digest(backend: Backend) {
    let mut smtp = SmtpServer::unstarted();
    if !smtp.start() {
        return;
    }
    let Some(app) = app_with_mail(backend, &smtp).await else {
        return;
    };
    let (wants, capability) = supplier_with(&app, "vil@sensor.no", 71).await;
    let (quiet, _) = supplier_with(&app, "stille@sensor.no", 72).await;
    let res = app
        .put(
            "/api/v1/digest",
            &json!({"enabled": false, "threshold": 0.3}),
            Some(&quiet.token),
        )
        .await;
    assert_eq!(res.status(), 200);
    let dir = tempfile::tempdir().unwrap();
    let (file, notice_id) = fresh_consultation(dir.path());
    let (out, _) = import(&app, &[&file]);
    assert!(
        out.contains("1 stored") && out.contains("1 open needs"),
        "{out}"
    );

    let needs = notice_needs(&app, &wants.token, "notice").await;
    let need = &needs["items"][0];
    assert_eq!(need["status"], "open", "{needs}");
    assert_eq!(need["source"], "notice");
    let need_id = need["id"].as_str().unwrap().to_owned();
    let single: Value = app
        .get(&format!("/api/v1/needs/{need_id}"), Some(&wants.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(single["notice"]["id"], notice_id.as_str());
    assert!(single["notice"]["url"]
        .as_str()
        .unwrap()
        .contains(&notice_id));
    app.wait_indexed(&wants.token, &need_id).await;

    let alerts: Value = app
        .get(
            &format!("/api/v1/capabilities/{capability}/alerts"),
            Some(&wants.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(
        alerts["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"] == need_id.as_str()),
        "{alerts}"
    );
    let res = app
        .get(
            &format!("/api/v1/capabilities/{capability}/alerts"),
            Some(&quiet.token),
        )
        .await;
    assert_eq!(
        res.status(),
        403,
        "alerts are the capability's own organisation's"
    );

    let (email, password) = crate::web_helpers::create_admin(&app, "stab@program.no");
    let login: Value = app.login(&email, &password).await.json().await.unwrap();
    let admin = login["token"].as_str().unwrap().to_owned();
    let run: Value = app
        .post("/api/v1/admin/digest", &json!({}), Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(run["emails"], 1, "{run}");
    let messages = smtp.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(messages.len(), 1);
    assert!(messages[0].contains("To: vil@sensor.no"), "{}", messages[0]);
    let text = crate::dialogues::part(&messages[0], "text/plain").expect("a text part");
    assert!(
        text.contains("Markedsdialog: smarte omsorgsboliger") && text.contains(&need_id),
        "the digest names and links the notice: {text}"
    );
    // A second run tells nobody anything twice.
    let run: Value = app
        .post("/api/v1/admin/digest", &json!({}), Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(run["emails"], 0, "{run}");
    actix_web::rt::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(smtp.messages().len(), 1);
}

mod a_pre_market_consultation_notice_becomes_an_open_need_and_reaches_a_matching_supplier_in_the_digest {
    use super::*;

    #[actix_web::test]
    async fn sqlite() {
        consultation_reaches_the_digest(Backend::Sqlite).await
    }

    #[actix_web::test]
    async fn postgres() {
        consultation_reaches_the_digest(Backend::Postgres).await
    }
}

#[actix_web::test]
async fn an_unreadable_path_is_an_error_that_says_what_to_check() {
    let Some(app) = spawn_app(Backend::Sqlite).await else {
        return;
    };
    let out = Command::new(env!("CARGO_BIN_EXE_innolift"))
        .args(["notices", "import", "/finnes/ikke"])
        .args(["--database-url", &app.settings.database_url])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("check the path"));
}
