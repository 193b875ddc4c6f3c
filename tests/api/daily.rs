//! The pages as a daily tool: every problem of a form at once, in the visitor's language, with
//! what was typed; the CPV vocabulary from a fresh start; finding needs and organisations.

use serde_json::{json, Value};

use crate::helpers::{spawn_app_with, Backend, TestApp};
use crate::on_both_databases;
use crate::web_helpers::WebClient;

async fn a_fresh_data_dir_answers_cpv_search_without_an_import(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |s| s.load_cpv = true).await else {
        return;
    };
    let buyer = app.register("b@kommune.no", 699, "buyer").await;
    let res = app.get("/api/v1/cpv?q=ferje", Some(&buyer.token)).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    let items = body["items"]
        .as_array()
        .or(body.as_array())
        .cloned()
        .unwrap_or_default();
    assert!(!items.is_empty(), "no codes for ferje: {body}");
    assert!(
        items
            .iter()
            .any(|c| c["code"].as_str().is_some_and(|c| c.starts_with("345"))),
        "ferries are under 345: {body}"
    );
}

mod cpv_from_a_fresh_start {
    use super::*;

    #[actix_web::test]
    async fn sqlite() {
        a_fresh_data_dir_answers_cpv_search_without_an_import(Backend::Sqlite).await
    }

    #[actix_web::test]
    async fn postgres() {
        a_fresh_data_dir_answers_cpv_search_without_an_import(Backend::Postgres).await
    }
}

/// A buyer and a process of theirs in the market-dialogue phase.
async fn process_in_dialogue(
    app: &TestApp,
    email: &str,
    seed: u32,
) -> (crate::helpers::TestUser, String) {
    let buyer = app.register(email, seed, "buyer").await;
    let need = app
        .need(&buyer.token, json!({"title": "Utslippsfri ferje", "description": "Ferje uten utslipp.", "themes": ["mobility_transport"], "national": true}))
        .await;
    let process: Value = app
        .post("/api/v1/processes", &json!({"title": "Ferjeprosessen", "description": "Felles ferjeanskaffelse.", "need_ids": [need["id"]], "procedure": "innovation_partnership"}), Some(&buyer.token))
        .await
        .json()
        .await
        .unwrap();
    let id = process["id"].as_str().unwrap().to_owned();
    (buyer, id)
}

on_both_databases! {
    async fn an_invalid_need_lists_every_invalid_field_with_a_stable_code(app: TestApp) {
        let buyer = app.register("b@kommune.no", 700, "buyer").await;
        let res = app
            .post("/api/v1/needs", &json!({"title": "", "description": " ", "themes": [], "counties": []}), Some(&buyer.token))
            .await;
        assert_eq!(res.status(), 400);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"]["code"], "validation_failed");
        assert_eq!(body["error"]["field"], "title", "the first field stays where it was: {body}");
        let codes: Vec<&str> = body["error"]["details"]
            .as_array()
            .unwrap_or_else(|| panic!("no details: {body}"))
            .iter()
            .map(|d| d["code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, ["title.required", "description.required", "themes.required", "counties.required"], "{body}");
        for d in body["error"]["details"].as_array().unwrap() {
            assert!(!d["message"].as_str().unwrap().is_empty());
            assert!(d["code"].as_str().unwrap().starts_with(d["field"].as_str().unwrap()));
        }
    }

    async fn an_event_that_ends_before_it_starts_is_refused_with_its_code(app: TestApp) {
        let (buyer, id) = process_in_dialogue(&app, "b@kommune.no", 701).await;
        app.post(&format!("/api/v1/processes/{id}/phase"), &json!({"to": "market_dialogue"}), Some(&buyer.token)).await;
        let res = app
            .post(&format!("/api/v1/processes/{id}/dialogues"), &json!({"kind": "conference", "title": "Dialog", "agenda": "a", "starts_at": "2027-03-01T12:00", "ends_at": "2027-03-01T09:00", "place": "Bergen", "response_deadline": "2027-02-20T16:00"}), Some(&buyer.token))
            .await;
        assert_eq!(res.status(), 400);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"]["details"][0]["code"], "ends_at.before_starts_at", "{body}");
    }

    async fn an_empty_need_form_shows_every_problem_in_bokmål_beside_its_field_at_once(app: TestApp) {
        app.register("b@kommune.no", 702, "buyer").await;
        let web = WebClient::signed_in(&app, "b@kommune.no", "et langt passord").await;
        let page = web
            .submit("/needs/new", "/needs/new", &[("title", ""), ("description", ""), ("estimated_value_nok", "mange"), ("planned_tender_date", "snart"), ("action", "save")])
            .await;
        assert_eq!(page.status, 400, "{}", page.body);
        for (field, words) in [
            ("title", "Skriv en tittel."),
            ("description", "Beskriv behovet"),
            ("themes", "Velg minst ett tema."),
            ("counties", "Velg fylkene det gjelder"),
            ("estimated_value_nok", "helt antall kroner"),
            ("planned_tender_date", "01.03.2027"),
        ] {
            let marker = format!("id=\"e-{field}\"");
            let at = page.body.find(&marker).unwrap_or_else(|| panic!("no message beside {field}: {}", page.body));
            let message = &page.body[at..at + 300.min(page.body.len() - at)];
            assert!(message.contains(words), "{field} says {message}");
        }
        assert!(!page.body.contains("give at least one theme"), "English API text leaked into the page");
        assert!(page.body.contains("value=\"mange\""), "what was typed is kept");
        assert!(page.body.contains("Logg ut"), "the signed-in header is kept");
    }

    async fn a_refused_event_keeps_the_process_page_what_was_typed_and_the_header(app: TestApp) {
        let (buyer, id) = process_in_dialogue(&app, "b@kommune.no", 703).await;
        app.post(&format!("/api/v1/processes/{id}/phase"), &json!({"to": "market_dialogue"}), Some(&buyer.token)).await;
        let web = WebClient::signed_in(&app, "b@kommune.no", "et langt passord").await;
        let page = web
            .submit(&format!("/processes/{id}"), &format!("/processes/{id}/events"), &[("kind", "conference"), ("title", "Dialogmøte om ferjer"), ("agenda", "Velkommen"), ("starts_at", "2027-03-01T12:00"), ("ends_at", "2027-03-01T09:00"), ("response_deadline", "2027-02-20T16:00"), ("place", ""), ("capacity", "mange")])
            .await;
        assert_eq!(page.status, 400, "{}", page.body);
        assert!(page.body.contains("Ferjeprosessen"), "still the process page");
        assert!(page.body.contains("Logg ut"), "the signed-in header is kept");
        assert!(page.body.contains("value=\"Dialogmøte om ferjer\""), "the title typed is kept");
        assert!(page.body.contains("Slutten må være etter starten."), "{}", page.body);
        assert!(page.body.contains("id=\"e-capacity\""), "the capacity is marked too");
        assert!(page.body.contains("id=\"e-place\""), "the missing place is marked too");
    }

    async fn the_phase_list_starts_on_the_next_phase_and_a_refused_move_keeps_the_page(app: TestApp) {
        let (_buyer, id) = process_in_dialogue(&app, "b@kommune.no", 704).await;
        let web = WebClient::signed_in(&app, "b@kommune.no", "et langt passord").await;
        let (_, body) = web.get(&format!("/processes/{id}")).await;
        let select = &body[body.find("name=\"to\"").expect("phase select")..];
        let select = &select[..select.find("</select>").unwrap()];
        assert!(!select.contains("value=\"need_clarification\""), "the current phase is no move: {select}");
        assert!(select.contains("value=\"market_dialogue\" selected"), "the next phase is chosen: {select}");
        // Skipping ahead needs a reason; without one the page comes back with the message.
        let page = web
            .submit(&format!("/processes/{id}"), &format!("/processes/{id}/phase"), &[("to", "contract"), ("note", "Hopper over")])
            .await;
        assert_eq!(page.status, 400, "{}", page.body);
        assert!(page.body.contains("Logg ut"));
        assert!(page.body.contains("value=\"Hopper over\""), "the note typed is kept");
        assert!(page.body.contains("value=\"contract\" selected"), "the phase chosen is kept");
    }

    async fn needs_are_found_by_their_words_and_query_syntax_is_searched_as_text(app: TestApp) {
        let buyer = app.register("b@kommune.no", 705, "buyer").await;
        let ferry = app.need(&buyer.token, json!({"title": "Utslippsfrie ferjer", "description": "Elektriske ferjer med lading ved kai.", "themes": ["mobility_transport"], "national": true, "planned_tender_date": "2027-06-01"})).await;
        let food = app.need(&buyer.token, json!({"title": "Skolemat", "description": "Sunn lunsj i skolen.", "themes": ["health_welfare"], "national": true})).await;
        app.wait_indexed(&buyer.token, ferry["id"].as_str().unwrap()).await;
        app.wait_indexed(&buyer.token, food["id"].as_str().unwrap()).await;
        let found: Value = app.get("/api/v1/needs?q=ferje", Some(&buyer.token)).await.json().await.unwrap();
        assert_eq!(crate::helpers::ids(&found), [ferry["id"].as_str().unwrap()], "{found}");
        for hostile in ["ferje\" OR title:(", "*:*", "ferje AND NOT", "\\"] {
            let url = format!("/api/v1/needs?q={}", urlencoding(hostile));
            let res = app.get(&url, Some(&buyer.token)).await;
            assert_eq!(res.status(), 200, "{hostile}");
        }
        let none: Value = app.get("/api/v1/needs?q=ferje&theme=health_welfare", Some(&buyer.token)).await.json().await.unwrap();
        assert_eq!(none["total"], 0, "filters apply to what the text found");
        let soon: Value = app.get("/api/v1/needs?deadline_to=2027-12-31&sort=deadline", Some(&buyer.token)).await.json().await.unwrap();
        assert_eq!(crate::helpers::ids(&soon), [ferry["id"].as_str().unwrap()], "{soon}");
        let res = app.get("/api/v1/needs?deadline_from=snart&sort=tilfeldig", Some(&buyer.token)).await;
        assert_eq!(res.status(), 400);
        let body: Value = res.json().await.unwrap();
        let codes: Vec<&str> = body["error"]["details"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
        assert_eq!(codes, ["deadline_from.not_a_date", "sort.not_allowed"]);
    }

    async fn the_pages_for_finding_needs_and_suppliers_answer_visitors(app: TestApp) {
        let buyer = app.register("b@kommune.no", 706, "buyer").await;
        let supplier = app.register_with_contact("salg@lev.no", 707, "supplier").await;
        let cap = app.capability(&supplier.token, json!({"title": "Batterielektriske ferjer", "description": "Vi bygger ferjer med batteri.", "themes": ["mobility_transport"], "national": true})).await;
        let need = app.need(&buyer.token, json!({"title": "Utslippsfri ferje", "description": "Ny ferje uten utslipp.", "themes": ["mobility_transport"], "national": true, "estimated_value_nok": 120000000})).await;
        app.wait_indexed(&supplier.token, cap["id"].as_str().unwrap()).await;
        let visitor = WebClient::new(&app);
        let (status, body) = visitor.get("/needs?q=ferje").await;
        assert_eq!(status, 200);
        assert!(body.contains("Utslippsfri ferje") && body.contains("1 treff"), "{body}");
        let (status, body) = visitor.get("/organisations?q=ferjer").await;
        assert_eq!(status, 200);
        assert!(body.contains(&format!("Org {}", crate::helpers::orgnr(707))), "found by its capability: {body}");
        let (status, body) = visitor.get(&format!("/organisations/{}", supplier.organisation_id)).await;
        assert_eq!(status, 200);
        assert!(body.contains("Batterielektriske ferjer"));
        assert!(!body.contains("salg@lev.no"), "a visitor does not see the contact address");
        let web = WebClient::signed_in(&app, "b@kommune.no", "et langt passord").await;
        let (_, body) = web.get(&format!("/organisations/{}", supplier.organisation_id)).await;
        assert!(body.contains("salg@lev.no"), "a signed-in user does");
        let (_, body) = web.get(&format!("/needs/{}", need["id"].as_str().unwrap())).await;
        assert!(body.contains("120\u{a0}000\u{a0}000 kr"), "the value in Norwegian format");
        let (status, body) = visitor.get("/needs?deadline_from=snart").await;
        assert_eq!(status, 400);
        assert!(body.contains("id=\"e-deadline_from\""), "the bad filter is marked: {body}");
        let (status, _) = visitor.get("/organisations/not-an-id").await;
        assert_eq!(status, 404);
    }
}

fn urlencoding(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
