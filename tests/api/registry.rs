//! The organisation register: importing Enhetsregisteret's files, verified registration, buyers
//! waiting for approval, and ended entities leaving matches. On both databases.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{error_of, ids, orgnr, registration, spawn_app_with, Backend, TestApp};
use crate::on_both_databases;
use crate::web_helpers::{create_admin, WebClient};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/registry")
        .join(name)
}

fn entities() -> Vec<Value> {
    serde_json::from_str(&std::fs::read_to_string(fixture("enheter.json")).unwrap()).unwrap()
}

fn ended(e: &Value) -> bool {
    e["konkurs"] == true
        || e["underAvvikling"] == true
        || e["underTvangsavviklingEllerTvangsopplosning"] == true
        || e.get("slettedato").is_some_and(|d| !d.is_null())
}

/// The first entity of the fixtures with this organisation form that has not ended.
fn live(form: &str) -> Value {
    entities()
        .into_iter()
        .find(|e| {
            e["organisasjonsform"]["kode"] == form
                && !ended(e)
                && e["forretningsadresse"]["kommunenummer"].is_string()
        })
        .unwrap_or_else(|| panic!("the fixtures have a live {form} with a business address"))
}

/// Imports register files through the service, as `innolift registry import` does.
fn import(
    app: &TestApp,
    files: &[PathBuf],
) -> Result<innolift::app::registry::ImportReport, String> {
    let mut conn = innolift::db::connect(&app.settings.database_url).unwrap();
    let sources = files
        .iter()
        .map(|f| innolift::app::registry::Source {
            name: f.display().to_string(),
            reader: Box::new(std::fs::File::open(f).unwrap()),
        })
        .collect();
    innolift::app::registry::import(&mut conn, sources, |_| {}).map_err(|e| e.to_string())
}

fn count(app: &TestApp) -> i64 {
    let mut conn = innolift::db::connect(&app.settings.database_url).unwrap();
    innolift::db::registry::count(&mut conn).unwrap()
}

fn entity(app: &TestApp, nr: &str) -> innolift::db::registry::RegistryRow {
    let mut conn = innolift::db::connect(&app.settings.database_url).unwrap();
    innolift::db::registry::find(&mut conn, nr)
        .unwrap()
        .expect("the entity is in the register")
}

async fn admin_token(app: &TestApp) -> String {
    let (email, password) = create_admin(app, "stab@innolift.no");
    let res: Value = app.login(&email, &password).await.json().await.unwrap();
    res["token"].as_str().unwrap().to_owned()
}

/// Registers an organisation of `kind` with the orgnr of a register entity, under a typed name
/// that the register should override.
async fn register_as(app: &TestApp, email: &str, nr: &str, kind: &str) -> (u16, Value) {
    let mut body = registration(email, nr, kind);
    body["organisation"]["name"] = json!("Typed Name AS");
    body["organisation"]["county"] = json!("03");
    let res = app.post("/api/v1/auth/register", &body, None).await;
    (res.status().as_u16(), res.json().await.unwrap())
}

/// A page of changes as `oppdateringer/enheter?includeChanges=true` gives it.
fn changes(list: Value) -> PathBuf {
    let dir = tempfile::tempdir().unwrap().keep();
    let path = dir.join("oppdateringer.json");
    std::fs::write(&path, json!({"_embedded": {"oppdaterteEnheter": list}, "page": {"size": 20, "totalElements": 1, "totalPages": 1, "number": 0}}).to_string()).unwrap();
    path
}

on_both_databases! {
    async fn importing_the_register_twice_changes_nothing_and_changes_apply_once(app: TestApp) {
        let all = entities();
        let first = import(&app, &[fixture("enheter.json")]).unwrap();
        assert_eq!(first.read, all.len() as u64);
        assert_eq!(first.new, all.len() as u64, "{first:?}");
        assert_eq!(count(&app), all.len() as i64);

        let again = import(&app, &[fixture("enheter.json.gz")]).unwrap();
        assert_eq!((again.new, again.changed, again.unchanged), (0, 0, all.len() as u64), "the gzipped copy is the same list: {again:?}");

        let municipality = live("KOMM");
        let nr = municipality["organisasjonsnummer"].as_str().unwrap();
        let renamed = changes(json!([
            {"oppdateringsid": 9001, "dato": "2026-12-01T05:00:00.000Z", "organisasjonsnummer": nr, "endringstype": "Endring",
             "endringer": [{"op": "replace", "path": "/navn", "value": "NYTT NAVN KOMMUNE"}, {"op": "replace", "path": "/antallAnsatte", "value": 4321}]},
            {"oppdateringsid": 9002, "dato": "2026-12-01T06:00:00.000Z", "organisasjonsnummer": nr, "endringstype": "Ukjent"}
        ]));
        let applied = import(&app, std::slice::from_ref(&renamed)).unwrap();
        assert_eq!((applied.updates_applied, applied.updates_skipped), (1, 1), "{applied:?}");
        let row = entity(&app, nr);
        assert_eq!((row.name.as_str(), row.employees, row.last_update_id), ("NYTT NAVN KOMMUNE", Some(4321), 9001));
        let twice = import(&app, &[renamed]).unwrap();
        assert_eq!((twice.updates_applied, twice.updates_skipped), (0, 2), "a change list read twice changes nothing: {twice:?}");

        // The fixtures' own change list: every change is either applied or skipped, once.
        let listed: Value = serde_json::from_str(&std::fs::read_to_string(fixture("oppdateringer.json")).unwrap()).unwrap();
        let n = listed["_embedded"]["oppdaterteEnheter"].as_array().unwrap().len() as u64;
        let own = import(&app, &[fixture("oppdateringer.json")]).unwrap();
        assert_eq!(own.updates_applied + own.updates_skipped, n, "{own:?}");
        assert!(own.updates_applied >= 4, "the fixture's Ny, Endring and Sletting apply: {own:?}");
        let own_again = import(&app, &[fixture("oppdateringer.json")]).unwrap();
        assert_eq!(own_again.updates_applied, 0, "{own_again:?}");
    }

    async fn a_bad_register_file_stops_with_the_entry_named_and_writes_nothing(app: TestApp) {
        let err = import(&app, &[fixture("bad-entry.json")]).unwrap_err();
        assert!(err.contains("entity 4") && err.contains("organisasjonsnummer"), "{err}");
        assert_eq!(count(&app), 0, "nothing of the bad file remains");
        let err = import(&app, &[fixture("bad-checksum.json")]).unwrap_err();
        assert!(err.contains("entity 2"), "{err}");
        let err = import(&app, &[fixture("not-register.json")]).unwrap_err();
        assert!(err.contains("not Enhetsregisteret's format"), "{err}");
        let err = import(&app, &[fixture("truncated.json")]).unwrap_err();
        assert!(err.contains("not valid JSON"), "{err}");
        // A good file followed by a bad one: the whole import is undone.
        let err = import(&app, &[fixture("enheter.json"), fixture("bad-entry.json")]).unwrap_err();
        assert!(err.contains("bad-entry.json"), "{err}");
        assert_eq!(count(&app), 0);
    }

    async fn with_a_register_a_municipality_registers_verified_and_a_company_claiming_to_be_a_buyer_waits(app: TestApp) {
        import(&app, &[fixture("enheter.json")]).unwrap();
        let municipality = live("KOMM");
        let nr = municipality["organisasjonsnummer"].as_str().unwrap();
        let (status, body) = register_as(&app, "innkjop@kommune.no", nr, "buyer").await;
        assert_eq!(status, 201, "{body}");
        let org = &body["organisation"];
        assert_eq!(org["name"], municipality["navn"], "the name is the register's, not the typed one");
        assert_eq!(org["county"], &municipality["forretningsadresse"]["kommunenummer"].as_str().unwrap()[..2]);
        assert_eq!((org["verified"].as_bool(), org["approval"].as_str(), org["sector"].as_str()), (Some(true), Some("approved"), Some("municipality")), "{org}");
        let buyer_token = body["token"].as_str().unwrap().to_owned();
        let need = app.need(&buyer_token, json!({"title": "Trygghetsalarmer", "description": "Digitale trygghetsalarmer for hjemmeboende.", "themes": ["health_welfare"], "national": true})).await;
        assert_eq!(need["status"], "open", "a verified public buyer publishes at once");

        // A number the register does not hold, and an ended entity, are refused on orgnr.
        let (status, body) = register_as(&app, "ukjent@firma.no", &orgnr(7777), "supplier").await;
        assert_eq!((status, body["error"]["field"].as_str()), (400, Some("orgnr")), "{body}");
        let bankrupt = entities().into_iter().find(|e| e["konkurs"] == true).expect("a bankrupt entity in the fixtures");
        let (status, body) = register_as(&app, "konkurs@firma.no", bankrupt["organisasjonsnummer"].as_str().unwrap(), "supplier").await;
        assert_eq!((status, body["error"]["field"].as_str()), (400, Some("orgnr")), "{body}");
        assert!(body["error"]["message"].as_str().unwrap().contains("bankrupt"), "{body}");

        // A company that claims to be a buyer waits.
        let company = live("AS");
        let (status, body) = register_as(&app, "daglig@firma.no", company["organisasjonsnummer"].as_str().unwrap(), "buyer").await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["organisation"]["approval"], "pending");
        let pending_token = body["token"].as_str().unwrap().to_owned();
        let pending_org = body["organisation"]["id"].as_str().unwrap().to_owned();
        let draft = app.need(&pending_token, json!({"title": "Robotklipping", "description": "Robotklippere for idrettsanlegg.", "themes": ["other"], "national": true})).await;
        assert_eq!(draft["status"], "draft", "a pending buyer prepares: its need starts as a draft");
        error_of(app.post("/api/v1/needs", &json!({"title": "Publisert", "description": "Skal ut nå.", "themes": ["other"], "national": true, "status": "open"}), Some(&pending_token)).await, 403).await;
        let draft_id = draft["id"].as_str().unwrap();
        error_of(app.patch(&format!("/api/v1/needs/{draft_id}"), &json!({"status": "open"}), &pending_token).await, 403).await;
        let process = app.post("/api/v1/processes", &json!({"title": "Robotklipping sammen", "description": "Vi forbereder.", "need_ids": [draft_id], "procedure": "innovation_partnership"}), Some(&pending_token)).await;
        assert_eq!(process.status(), 201, "a pending buyer may prepare a process");
        let process: Value = process.json().await.unwrap();
        let pid = process["id"].as_str().unwrap();
        assert_eq!(app.post(&format!("/api/v1/processes/{pid}/phase"), &json!({"to": "market_dialogue"}), Some(&pending_token)).await.status(), 200);
        let event = json!({"kind": "conference", "title": "Dialogkonferanse", "agenda": "Behovet.", "starts_at": "2027-03-01T09:00", "ends_at": "2027-03-01T12:00", "place": "Rådhuset", "response_deadline": "2027-02-20T12:00"});
        let refused = app.post(&format!("/api/v1/processes/{pid}/dialogues"), &event, Some(&pending_token)).await;
        assert_eq!(refused.status(), 403);
        let refused: Value = refused.json().await.unwrap();
        assert!(refused["error"]["message"].as_str().unwrap().contains("approval"), "{refused}");
        error_of(app.post(&format!("/api/v1/organisations/{pending_org}/users"), &json!({"email": "kollega@firma.no"}), Some(&pending_token)).await, 403).await;

        // Staff see it and approve it; then it may act.
        let admin = admin_token(&app).await;
        error_of(app.get("/api/v1/admin/organisations/pending", Some(&buyer_token)).await, 403).await;
        let list: Value = app.get("/api/v1/admin/organisations/pending", Some(&admin)).await.json().await.unwrap();
        let listed: Vec<&str> = list.as_array().unwrap().iter().map(|p| p["organisation"]["id"].as_str().unwrap()).collect();
        assert_eq!(listed, vec![pending_org.as_str()], "{list}");
        assert_eq!(list[0]["form_name"], company["organisasjonsform"]["beskrivelse"]);
        error_of(app.post(&format!("/api/v1/admin/organisations/{pending_org}/approve"), &json!({}), Some(&buyer_token)).await, 403).await;
        let approved = app.post(&format!("/api/v1/admin/organisations/{pending_org}/approve"), &json!({}), Some(&admin)).await;
        assert_eq!(approved.status(), 200);
        error_of(app.post(&format!("/api/v1/admin/organisations/{pending_org}/approve"), &json!({}), Some(&admin)).await, 409).await;
        assert_eq!(app.patch(&format!("/api/v1/needs/{draft_id}"), &json!({"status": "open"}), &pending_token).await.status(), 200);
        let res = app.post(&format!("/api/v1/processes/{pid}/dialogues"), &event, Some(&pending_token)).await;
        assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    }

    async fn a_hostile_name_in_the_register_is_kept_on_one_line_and_escaped_on_the_pages(app: TestApp) {
        import(&app, &[fixture("enheter.json")]).unwrap();
        let hostile = entities().into_iter().find(|e| e["navn"].as_str().unwrap().contains("<script>")).expect("a hostile name in the fixtures");
        let (status, body) = register_as(&app, "ond@firma.no", hostile["organisasjonsnummer"].as_str().unwrap(), "buyer").await;
        assert_eq!(status, 201, "{body}");
        let name = body["organisation"]["name"].as_str().unwrap();
        assert!(!name.contains('\r') && !name.contains('\n'), "one line: {name:?}");
        assert!(name.contains("<script>"), "kept as the register has it, as text: {name:?}");
        let (email, password) = create_admin(&app, "stab@innolift.no");
        let web = WebClient::signed_in(&app, &email, &password).await;
        let (status, page) = web.get("/admin/approvals").await;
        assert_eq!(status, 200);
        assert!(page.contains("Ondsinnet AS Bcc: alle@example.com &lt;script&gt;alert(1)&lt;&#x2f;script&gt;"), "escaped on the staff page: {page}");
        assert!(!page.contains("<script>alert"), "{page}");
        let long = entities().into_iter().find(|e| e["navn"].as_str().unwrap().len() > 500).expect("a very long name in the fixtures");
        let row = entity(&app, long["organisasjonsnummer"].as_str().unwrap());
        assert_eq!(row.name.chars().count(), innolift::registry::MAX_NAME_CHARS, "a very long name is cut to the limit");
    }

    async fn a_supplier_that_goes_bankrupt_drops_out_of_matches(app: TestApp) {
        import(&app, &[fixture("enheter.json")]).unwrap();
        let municipality = live("KOMM");
        let (_, buyer) = register_as(&app, "innkjop@kommune.no", municipality["organisasjonsnummer"].as_str().unwrap(), "buyer").await;
        let buyer_token = buyer["token"].as_str().unwrap().to_owned();
        let company = live("AS");
        let company_nr = company["organisasjonsnummer"].as_str().unwrap();
        let (status, supplier) = register_as(&app, "salg@firma.no", company_nr, "supplier").await;
        assert_eq!(status, 201, "{supplier}");
        assert_eq!(supplier["organisation"]["name"], company["navn"]);
        let cap = app.capability(supplier["token"].as_str().unwrap(), json!({"title": "Batterielektriske ferjer", "description": "Vi bygger batterielektriske ferjer med lading ved kai.", "themes": ["mobility_transport"], "national": true})).await;
        let cap_id = cap["id"].as_str().unwrap().to_owned();
        app.wait_indexed(&buyer_token, &cap_id).await;
        let need = app.need(&buyer_token, json!({"title": "Utslippsfri ferje", "description": "Vi trenger en batterielektrisk ferje med lading ved kai.", "themes": ["mobility_transport"], "national": true})).await;
        let matches = format!("/api/v1/needs/{}/matches", need["id"].as_str().unwrap());
        let found: Value = app.get(&matches, Some(&buyer_token)).await.json().await.unwrap();
        assert!(ids(&found).contains(&cap_id), "the supplier matches before: {found}");

        let report = import(&app, &[changes(json!([
            {"oppdateringsid": 77, "dato": "2026-12-02T05:00:00.000Z", "organisasjonsnummer": company_nr, "endringstype": "Endring",
             "endringer": [{"op": "replace", "path": "/konkurs", "value": true}]}
        ]))]).unwrap();
        assert_eq!(report.organisations_updated, 1, "{report:?}");
        let (gone, _) = app.poll(&matches, &buyer_token, Duration::from_secs(5), |j| !ids(j).contains(&cap_id)).await;
        assert!(!ids(&gone).contains(&cap_id), "the bankrupt supplier is still matched: {gone}");
        let searched: Value = app.get("/api/v1/search?q=ferjer", Some(&buyer_token)).await.json().await.unwrap();
        assert!(!ids(&searched).contains(&cap_id), "nor found by search: {searched}");
        let org: Value = app.get(&format!("/api/v1/organisations/{}", supplier["organisation"]["id"].as_str().unwrap()), Some(&buyer_token)).await.json().await.unwrap();
        assert_eq!(org["ended"], "bankrupt");
        // Its users can still sign in, to export their data.
        assert_eq!(app.login("salg@firma.no", "et langt passord").await.status(), 200);
    }
}

async fn without_a_register_every_buyer_waits_unless_trusted(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |s| s.trust_self_declared_buyers = false).await else {
        return;
    };
    let buyer = app.register("b@kommune.no", 4100, "buyer").await;
    let me: Value = app
        .get(
            &format!("/api/v1/organisations/{}", buyer.organisation_id),
            Some(&buyer.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (me["approval"].as_str(), me["verified"].as_bool()),
        (Some("pending"), Some(false)),
        "{me}"
    );
    let supplier = app.register("s@lev.no", 4101, "supplier").await;
    let me: Value = app
        .get(
            &format!("/api/v1/organisations/{}", supplier.organisation_id),
            Some(&supplier.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["approval"], "approved", "suppliers need no approval");
    let Some(trusting) = spawn_app_with(backend, |s| s.trust_self_declared_buyers = true).await
    else {
        return;
    };
    let buyer = trusting.register("b@kommune.no", 4102, "buyer").await;
    let me: Value = trusting
        .get(
            &format!("/api/v1/organisations/{}", buyer.organisation_id),
            Some(&buyer.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["approval"], "approved");
}

crate::browser_flow!(
    without_a_register_every_buyer_waits_unless_trusted,
    without_a_register_every_buyer_waits_unless_trusted
);

#[test]
fn the_command_line_imports_with_a_summary_and_refuses_a_bad_file_with_its_entry() {
    let dir = tempfile::tempdir().unwrap();
    let run = |file: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_innolift"))
            .args(["registry", "import"])
            .arg(fixture(file))
            .arg("--data-dir")
            .arg(dir.path())
            .output()
            .unwrap()
    };
    let out = run("enheter.json.gz");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let n = entities().len();
    assert!(
        stdout.contains(&format!("read {n} entities")) && stdout.contains(&format!("{n} new")),
        "{stdout}"
    );
    let out = run("enheter.json");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(&format!("{n} unchanged")), "{stdout}");
    let out = run("bad-entry.json");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success()
            && stderr.contains("entity 4")
            && stderr.contains("nothing was imported"),
        "{stderr}"
    );
}
