//! Running contracts and the joint-buying radar, and notices from anywhere, on both databases.

use std::time::Duration;

use chrono::{Months, Utc};
use serde_json::{json, Value};

use crate::dialogues::{app_with_mail, header, part, SmtpServer};
use crate::helpers::{error_of, Backend, TestApp};
use crate::on_both_databases;
use crate::processes::admin;

/// A date `months` months from today, `YYYY-MM-DD`.
fn in_months(months: u32) -> String {
    (Utc::now().date_naive() + Months::new(months))
        .format("%Y-%m-%d")
        .to_string()
}

fn contract(title: &str, cpv: &str, months: u32, shared: bool) -> Value {
    json!({"title": title, "cpv_codes": [cpv], "counties": ["46"], "ends_at": in_months(months), "shared": shared})
}

async fn create(app: &TestApp, token: &str, body: &Value) -> Value {
    let res = app.post("/api/v1/contracts", body, Some(token)).await;
    assert_eq!(res.status(), 201, "{body}");
    res.json().await.unwrap()
}

async fn radar(app: &TestApp, token: &str, query: &str) -> Value {
    let res = app.get(&format!("/api/v1/radar{query}"), Some(token)).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

on_both_databases! {
    async fn a_buyer_registers_its_contracts_and_dates_that_make_no_sense_are_refused_on_their_field(app: TestApp) {
        let buyer = app.register("innkjop@bergen.kommune.no", 301, "buyer").await;
        let other = app.register("innkjop@voss.kommune.no", 302, "buyer").await;
        let supplier = app.register("salg@firma.no", 303, "supplier").await;
        let mut body = contract("Fagsystem for hjemmetjenesten", "48311100", 18, false);
        body["starts_at"] = json!("2024-01-01");
        body["renewal_options"] = json!(in_months(42));
        body["value"] = json!(12_500_000);
        let made = create(&app, &buyer.token, &body).await;
        assert_eq!(made["ends_at"], in_months(18));
        assert_eq!((made["value"].as_i64(), made["shared"].as_bool(), made["source"].as_str()), (Some(12_500_000), Some(false), Some("registered")));

        let bad = [
            (json!({"starts_at": in_months(20)}), "ends_at"),
            (json!({"ends_at": in_months(12 * 31)}), "ends_at"),
            (json!({"ends_at": "31.12.2027"}), "ends_at"),
            (json!({"renewal_options": in_months(6)}), "renewal_options"),
            (json!({"renewal_options": in_months(12 * 40)}), "renewal_options"),
            (json!({"starts_at": "2024-02-30"}), "starts_at"),
            (json!({"starts_at": ""}), "starts_at"),
            (json!({"value": -1}), "value"),
            (json!({"cpv_codes": []}), "cpv_codes"),
            (json!({"counties": ["99"]}), "counties"),
            (json!({"title": "To\nlinjer"}), "title"),
        ];
        for (change, field) in bad {
            let mut b = body.clone();
            for (k, v) in change.as_object().unwrap() {
                b[k] = v.clone();
            }
            let (_, got) = error_of(app.post("/api/v1/contracts", &b, Some(&buyer.token)).await, 400).await;
            assert_eq!(got.as_deref(), Some(field), "{change}");
        }
        // Nothing of the refused ones was stored.
        let mine: Value = app.get("/api/v1/contracts", Some(&buyer.token)).await.json().await.unwrap();
        assert_eq!(mine["total"], 1, "{mine}");

        let (_, _) = error_of(app.post("/api/v1/contracts", &body, Some(&supplier.token)).await, 403).await;
        let id = made["id"].as_str().unwrap();
        // Private: another buyer cannot tell it exists; programme staff see it.
        error_of(app.get(&format!("/api/v1/contracts/{id}"), Some(&other.token)).await, 404).await;
        let theirs: Value = app.get("/api/v1/contracts", Some(&other.token)).await.json().await.unwrap();
        assert_eq!(theirs["total"], 0);
        let staff = admin(&app).await;
        assert_eq!(app.get(&format!("/api/v1/contracts/{id}"), Some(&staff)).await.status(), 200);
        error_of(app.delete(&format!("/api/v1/contracts/{id}"), &other.token).await, 404).await;
        assert_eq!(app.delete(&format!("/api/v1/contracts/{id}"), &buyer.token).await.status(), 204);
        error_of(app.get(&format!("/api/v1/contracts/{id}"), Some(&buyer.token)).await, 404).await;
    }

    async fn three_buyers_whose_contracts_end_within_a_year_form_one_group_that_outsiders_do_not_see(app: TestApp) {
        let a = app.register("innkjop@bergen.kommune.no", 311, "buyer").await;
        let b = app.register("innkjop@voss.kommune.no", 312, "buyer").await;
        let c = app.register("innkjop@askoy.kommune.no", 313, "buyer").await;
        let d = app.register("innkjop@alver.kommune.no", 314, "buyer").await;
        let outsider = app.register("innkjop@stord.kommune.no", 315, "buyer").await;
        let supplier = app.register("salg@firma.no", 316, "supplier").await;
        let ca = create(&app, &a.token, &contract("Pasientjournal", "48311100", 6, false)).await;
        let cb = create(&app, &b.token, &contract("Journalsystem for helse", "48311000", 10, true)).await;
        let cc = create(&app, &c.token, &contract("Programvare for helse", "48300000", 14, false)).await;
        let cd = create(&app, &d.token, &contract("Pasientjournal", "48311100", 60, true)).await;
        create(&app, &outsider.token, &contract("Renovasjon", "90500000", 8, true)).await;

        let staff = admin(&app).await;
        let all = radar(&app, &staff, "?months=72").await;
        let groups = all["groups"].as_array().unwrap();
        assert_eq!(groups.len(), 1, "{all}");
        let g = &groups[0];
        let members: Vec<&str> = g["members"].as_array().unwrap().iter().map(|m| m["contract_id"].as_str().unwrap()).collect();
        for id in [&ca, &cb, &cc] {
            assert!(members.contains(&id["id"].as_str().unwrap()), "{g}");
        }
        assert!(!members.contains(&cd["id"].as_str().unwrap()), "five years away is not the same round: {g}");
        assert_eq!((g["buyers"].as_u64(), g["cpv_code"].as_str(), g["cpv_level"].as_str()), (Some(3), Some("48300000"), Some("group")));
        assert_eq!(g["ends_from"], in_months(6));
        assert_eq!(g["ends_to"], in_months(14));
        assert!(g["why"].as_str().unwrap().contains("3 kjøpere"), "{g}");
        assert_eq!(g["counties"], json!(["46"]));

        // A buyer in the group sees it, with the others named only where they share.
        let seen = radar(&app, &a.token, "?months=72").await;
        assert_eq!(seen["groups"].as_array().unwrap().len(), 1, "{seen}");
        let by_title = |title: Option<&str>| seen["groups"][0]["members"].as_array().unwrap().iter().filter(|m| m["title"].as_str() == title).count();
        assert_eq!(by_title(Some("Pasientjournal")), 1);
        assert_eq!(by_title(Some("Journalsystem for helse")), 1);
        assert_eq!(by_title(None), 1, "the private one stays unnamed");
        let private = seen["groups"][0]["members"].as_array().unwrap().iter().find(|m| m["title"].is_null()).unwrap();
        assert!(private["buyer_name"].is_null() && private["contract_id"].is_null() && private["ends_at"].is_null(), "{private}");
        assert_eq!(private["ends_month"], in_months(14)[..7]);

        // Outside the group: nothing of it.
        for token in [&d.token, &outsider.token] {
            let none = radar(&app, token, "?months=72").await;
            assert_eq!(none["groups"], json!([]), "{none}");
        }
        error_of(app.get("/api/v1/radar", Some(&supplier.token)).await, 403).await;
        // Filters and their checks.
        assert_eq!(radar(&app, &staff, "?months=72&cpv=90000000").await["groups"], json!([]));
        assert_eq!(radar(&app, &staff, "?months=72&cpv=48000000").await["groups"].as_array().unwrap().len(), 1);
        assert_eq!(radar(&app, &staff, "?months=72&county=03").await["groups"], json!([]));
        assert_eq!(radar(&app, &staff, "?months=72&cpv=&county=").await["groups"].as_array().unwrap().len(), 1, "blank filters are left out");
        assert_eq!(radar(&app, &staff, "?months=9").await["groups"], json!([]), "only one ends within 9 months");
        for (query, field) in [("?months=0", "months"), ("?months=abc", "months"), ("?cpv=12", "cpv"), ("?county=99", "county"), ("?window_months=100", "window_months"), ("?cpv=4831", "cpv")] {
            let (_, got) = error_of(app.get(&format!("/api/v1/radar{query}"), Some(&staff)).await, 400).await;
            assert_eq!(got.as_deref(), Some(field), "{query}");
        }
    }
}

/// The weekly radar email goes through the outbox to each buyer in a new group, once: asked
/// again within the week, or with nothing new, it sends nothing.
async fn the_weekly_radar_email_tells_each_buyer_of_its_new_group_once(backend: Backend) {
    let mut smtp = SmtpServer::unstarted();
    if !smtp.start() {
        return;
    }
    let Some(app) = app_with_mail(backend, &smtp).await else {
        return;
    };
    let a = supplier_kind(&app, "innkjop@bergen.kommune.no", 321).await;
    let b = supplier_kind(&app, "innkjop@voss.kommune.no", 322).await;
    let lonely = supplier_kind(&app, "innkjop@stord.kommune.no", 323).await;
    create(
        &app,
        &a.token,
        &contract("Pasientjournal", "48311100", 6, true),
    )
    .await;
    create(
        &app,
        &b.token,
        &contract("Journalsystem", "48311000", 9, false),
    )
    .await;
    create(
        &app,
        &lonely.token,
        &contract("Renovasjon", "90500000", 8, true),
    )
    .await;
    let queue = |settings: innolift::settings::Settings| {
        let mut conn = innolift::db::connect(&settings.database_url).unwrap();
        innolift::app::radar::weekly::queue(&mut conn, &settings).unwrap()
    };
    assert_eq!(
        queue(app.settings.clone()),
        2,
        "both buyers in the group, not the one alone"
    );
    let mail = smtp.wait_for(2, Duration::from_secs(15)).await;
    let to_a = mail
        .iter()
        .find(|m| header(m, "To").is_some_and(|t| t.contains("bergen")))
        .expect("a's email");
    let text = part(to_a, "text/plain").unwrap();
    assert!(text.contains("2 kjøpere har kontrakter"), "{text}");
    assert!(
        text.contains("https://innolift.test/needs/new?cpv=48311000"),
        "{text}"
    );
    assert!(
        !text.contains("Journalsystem"),
        "b's private contract stays unnamed: {text}"
    );
    assert_eq!(queue(app.settings.clone()), 0, "told once");
    actix_web::rt::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(smtp.messages().len(), 2);
}

#[actix_web::test]
async fn weekly_email_sqlite() {
    the_weekly_radar_email_tells_each_buyer_of_its_new_group_once(Backend::Sqlite).await;
}

#[actix_web::test]
async fn weekly_email_postgres() {
    the_weekly_radar_email_tells_each_buyer_of_its_new_group_once(Backend::Postgres).await;
}

/// A buyer whose account address is confirmed, so that its mail is sent.
async fn supplier_kind(app: &TestApp, email: &str, seed: u32) -> crate::helpers::TestUser {
    crate::dialogues::supplier_with_email_kind(app, email, seed, "buyer").await
}

on_both_databases! {
    async fn in_the_demo_data_the_radar_shows_a_group_explained_on_its_page(app: TestApp) {
        crate::dialogues::load_demo(&app);
        let login: Value = app.login("kjoper@demo.innolift.no", innolift::demo::DEMO_PASSWORD).await.json().await.unwrap();
        let token = login["token"].as_str().unwrap();
        let seen = radar(&app, token, "").await;
        let groups = seen["groups"].as_array().unwrap();
        assert_eq!(groups.len(), 1, "the demo buyer is in the health-records group only: {seen:#}");
        assert_eq!(groups[0]["buyers"], 3);
        assert!(groups[0]["why"].as_str().unwrap().starts_with("3 kjøpere har kontrakter på"), "{seen:#}");
        let staff = admin(&app).await;
        assert_eq!(radar(&app, &staff, "").await["groups"].as_array().unwrap().len(), 2, "staff see the waste group too");

        let web = crate::web_helpers::WebClient::signed_in(&app, "kjoper@demo.innolift.no", innolift::demo::DEMO_PASSWORD).await;
        let (status, html) = web.get("/radar").await;
        assert_eq!(status, 200, "{html}");
        for wanted in ["Radar for felles innkjøp", "<svg class=\"chart radar\"", "3 kjøpere har kontrakter", "En annen kjøper (ikke delt)", "/needs/new?cpv=48300000"] {
            assert!(html.contains(wanted), "{wanted} is not on the page");
        }
        let (status, form) = web.get("/needs/new?cpv=48300000").await;
        assert_eq!(status, 200);
        assert!(form.contains("48300000"), "the need form has the theme's code");
        let (status, _) = web.get("/radar?months=abc").await;
        assert_eq!(status, 400);

        // A need of the buyer's on the theme: its page points to the group, and the radar offers
        // a joint process from it.
        let mut body = crate::helpers::need_body("Felles journalsystem", "Vi trenger et nytt journalsystem for helse og omsorg når avtalen løper ut.");
        body["cpv_codes"] = json!(["48311000"]);
        let need = app.need(token, body).await;
        let id = need["id"].as_str().unwrap();
        let (_, page) = web.get(&format!("/needs/{id}")).await;
        assert!(page.contains("Andre kjøpere skal kjøpe det samme omtrent samtidig"), "the need page tells of the group");
        let (_, html) = web.get("/radar").await;
        assert!(html.contains(&format!("/needs/{id}#start-process")), "the radar offers a process from the need");
    }
}

/// The demo buyer opens the radar in Chromium, sees its group on the timeline with axe-core
/// finding nothing serious, and goes on to register a need on the theme.
#[actix_web::test]
async fn a_buyer_reads_the_radar_in_the_browser_and_registers_a_need_on_the_theme() {
    let Some(app) = crate::helpers::spawn_app(Backend::Sqlite).await else {
        return;
    };
    crate::dialogues::load_demo(&app);
    app.import_cpv();
    let Some(browser) = crate::browser::Browser::start().await else {
        return;
    };
    let wait = Duration::from_secs(10);
    browser.goto(&app.url("/login")).await;
    browser.fill("E-post", "kjoper@demo.innolift.no").await;
    browser.fill("Passord", innolift::demo::DEMO_PASSWORD).await;
    browser.click_button("Logg inn").await;
    browser.wait_for_text("Logg ut", wait).await;
    browser.click_link("Radar").await;
    browser
        .wait_for_text("Radar for felles innkjøp", wait)
        .await;
    let text = browser.text().await;
    assert!(
        text.contains("3 kjøpere har kontrakter på Programvare"),
        "the theme is named by its CPV label: {text}"
    );
    assert!(text.contains("i Oslo, Vestland, Trøndelag"), "{text}");
    assert!(text.contains("En annen kjøper (ikke delt)"), "{text}");
    browser.axe("radar").await;
    browser.screenshot("radar").await;
    browser.click_link("Registrer et behov på temaet").await;
    browser.wait_for_path("/needs/new", wait).await;
    browser.screenshot("radar-new-need").await;
    browser.click_link("Kontrakter").await;
    browser.wait_for_text("Løpende kontrakter", wait).await;
    browser
        .fill("Hva kontrakten gjelder", "Renhold av skoler")
        .await;
    browser.fill("CPV-koder", "90919200").await;
    browser.click_button("Lagre kontrakten").await;
    browser.wait_for_text("Skjemaet har feil", wait).await;
    browser.axe("contracts with an error").await;
    browser.screenshot("contracts-error").await;
    browser.close().await;
}

on_both_databases! {
    async fn a_buyer_registers_and_removes_a_contract_on_the_page_with_every_problem_in_bokmal(app: TestApp) {
        let buyer = app.register("innkjop@bergen.kommune.no", 331, "buyer").await;
        let web = crate::web_helpers::WebClient::signed_in(&app, &buyer.email, &buyer.password).await;
        let (status, page) = web.get("/contracts").await;
        assert_eq!(status, 200);
        assert!(page.contains("Registrer en kontrakt") && page.contains("Ingen kontrakter registrert ennå."), "{page}");

        // An empty form: every problem beside its field, nothing stored.
        let empty = web.submit("/contracts", "/contracts", &[("title", ""), ("cpv_codes", ""), ("ends_at", "")]).await;
        assert_eq!(empty.status, 400);
        for wanted in ["Skjemaet har feil", "id=\"e-title\"", "id=\"e-cpv_codes\"", "id=\"e-ends_at\""] {
            assert!(empty.body.contains(wanted), "{wanted}: {}", empty.body);
        }
        let backwards = web.submit("/contracts", "/contracts", &[("title", "Journalsystem"), ("cpv_codes", "48311000"), ("starts_at", "2027-01-01"), ("ends_at", "2026-01-01")]).await;
        assert_eq!(backwards.status, 400);
        assert!(backwards.body.contains("Slutten må være etter starten."), "{}", backwards.body);
        assert!(backwards.body.contains("value=\"Journalsystem\""), "what was typed is kept");
        let money = web.submit("/contracts", "/contracts", &[("title", "Journalsystem"), ("cpv_codes", "48311000"), ("ends_at", &in_months(12)), ("value", "tolv")]).await;
        assert_eq!(money.status, 400);
        assert!(money.body.contains("Skriv et helt tall"), "{}", money.body);
        let mine: Value = app.get("/api/v1/contracts", Some(&buyer.token)).await.json().await.unwrap();
        assert_eq!(mine["total"], 0);

        let saved = web.submit("/contracts", "/contracts", &[("title", "Journalsystem for helse"), ("cpv_codes", "48311000 48814000"), ("counties", "46"), ("ends_at", &in_months(12)), ("value", "12 500 000"), ("shared", "on")]).await;
        assert_eq!((saved.status, saved.location.as_deref()), (303, Some("/contracts")), "{}", saved.body);
        let (_, list) = web.get("/contracts").await;
        assert!(list.contains("Kontrakten er lagret.") && list.contains("Journalsystem for helse") && list.contains("Vestland"), "{list}");
        let mine: Value = app.get("/api/v1/contracts", Some(&buyer.token)).await.json().await.unwrap();
        assert_eq!((mine["total"].as_i64(), mine["items"][0]["value"].as_i64(), mine["items"][0]["shared"].as_bool()), (Some(1), Some(12_500_000), Some(true)), "{mine}");
        assert_eq!(mine["items"][0]["cpv_codes"], json!(["48311000", "48814000"]));
        let id = mine["items"][0]["id"].as_str().unwrap();
        let removed = web.submit("/contracts", &format!("/contracts/{id}/delete"), &[]).await;
        assert_eq!(removed.status, 303);
        let mine: Value = app.get("/api/v1/contracts", Some(&buyer.token)).await.json().await.unwrap();
        assert_eq!(mine["total"], 0);
    }
}
