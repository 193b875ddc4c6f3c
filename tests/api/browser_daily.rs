//! The pages as a daily tool, in headless Chromium with axe-core: every problem of a form at
//! once in Bokmål, a refused phase move that keeps the page, finding a supplier and inviting it
//! by hand, and the process page on a phone. Screenshots go to target/test-artifacts/screenshots.

use std::time::Duration;

use serde_json::{json, Value};

use crate::browser::Browser;
use crate::helpers::{spawn_app, Backend, TestApp, TestUser};

const WAIT: Duration = Duration::from_secs(10);

use crate::browser_flow;

pub(crate) async fn sign_in(browser: &Browser, app: &TestApp, user: &TestUser) {
    browser.goto(&app.url("/login")).await;
    browser.fill("E-post", &user.email).await;
    browser.fill("Passord", &user.password).await;
    browser.click_button("Logg inn").await;
    browser.wait_for_text("Logg ut", WAIT).await;
}

/// A buyer with a process in market dialogue and one open event in it.
async fn buyer_with_event(app: &TestApp, seed: u32) -> (TestUser, String, String) {
    let buyer = app
        .register(&format!("innkjop{seed}@kommune.no"), seed, "buyer")
        .await;
    let need = app
        .need(&buyer.token, json!({"title": "Fallvarsling for eldre", "description": "Eldre som faller hjemme skal få hjelp raskt.", "themes": ["health_welfare"], "counties": ["46"]}))
        .await;
    let process: Value = app
        .post("/api/v1/processes", &json!({"title": "Felles fallvarsling", "description": "Tre kommuner kjøper fallvarsling sammen.", "need_ids": [need["id"]], "procedure": "innovation_partnership"}), Some(&buyer.token))
        .await
        .json()
        .await
        .unwrap();
    let id = process["id"].as_str().unwrap().to_owned();
    app.post(
        &format!("/api/v1/processes/{id}/phase"),
        &json!({"to": "market_dialogue"}),
        Some(&buyer.token),
    )
    .await;
    let event: Value = app
        .post(&format!("/api/v1/processes/{id}/dialogues"), &json!({"kind": "conference", "title": "Dialogkonferanse om fallvarsling", "agenda": "Behovet og markedet.", "starts_at": "2030-03-01T09:00", "ends_at": "2030-03-01T12:00", "place": "Rådhuset, Bergen", "response_deadline": "2030-02-20T16:00"}), Some(&buyer.token))
        .await
        .json()
        .await
        .unwrap();
    (buyer, id, event["id"].as_str().unwrap().to_owned())
}

async fn an_empty_need_form_shows_every_message_in_bokmål_at_once(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let buyer = app.register("behov@kommune.no", 801, "buyer").await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    sign_in(&browser, &app, &buyer).await;
    browser.goto(&app.url("/needs/new")).await;
    browser.click_button("Lagre").await;
    browser.wait_for_text("Skjemaet har feil", WAIT).await;
    let text = browser.text().await;
    for message in [
        "Skriv en tittel.",
        "Beskriv behovet",
        "Velg minst ett tema.",
        "Velg fylkene det gjelder",
    ] {
        assert!(
            text.contains(message),
            "{message} is missing after one submit: {text}"
        );
    }
    assert!(
        !text.contains("give at least"),
        "English API text on the page: {text}"
    );
    assert!(text.contains("Logg ut"), "the signed-in header is kept");
    browser.axe("need form with errors").await;
    browser.screenshot("need-form-errors").await;
    browser.close().await;
}
browser_flow!(
    an_empty_need_form_shows_every_message_in_bokmål_in_one_round_trip,
    an_empty_need_form_shows_every_message_in_bokmål_at_once
);

async fn a_failed_phase_move_keeps_the_page(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let (buyer, id, _) = buyer_with_event(&app, 802).await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    sign_in(&browser, &app, &buyer).await;
    browser.goto(&app.url(&format!("/processes/{id}"))).await;
    // Jumping to the contract phase skips the competition and needs a reason.
    browser.select("Flytt til fase", "Kontrakt").await;
    browser.fill("Notat", "Vi hopper over").await;
    browser.click_button("Flytt fase").await;
    browser.wait_for_text("Skjemaet har feil", WAIT).await;
    let text = browser.text().await;
    assert!(
        text.contains("Felles fallvarsling"),
        "still the process page: {text}"
    );
    assert!(
        text.contains("Logg ut") && !text.contains("Logg inn"),
        "the header is the signed-in one: {text}"
    );
    assert!(!text.contains("Til forsiden"), "no bare error page");
    let note: Value = browser
        .script("return document.getElementById('f-note').value;", vec![])
        .await;
    assert_eq!(note, json!("Vi hopper over"), "what was typed is kept");
    browser.axe("process page with a refused phase move").await;
    browser.screenshot("process-phase-refused").await;
    browser.close().await;
}
browser_flow!(
    a_failed_phase_move_keeps_the_page_and_its_header,
    a_failed_phase_move_keeps_the_page
);

async fn buyer_finds_a_supplier_and_invites_it_by_hand(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let supplier = app
        .register_with_contact("salg@sensorhuset.no", 803, "supplier")
        .await;
    let cap = app
        .capability(&supplier.token, json!({"title": "Sensorbasert fallvarsling", "description": "Sensorer varsler hjemmetjenesten når eldre faller.", "themes": ["health_welfare"], "counties": ["46"]}))
        .await;
    app.wait_indexed(&supplier.token, cap["id"].as_str().unwrap())
        .await;
    let supplier_name = format!("Org {}", crate::helpers::orgnr(803));
    let (buyer, id, _) = buyer_with_event(&app, 804).await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    sign_in(&browser, &app, &buyer).await;
    browser.goto(&app.url("/organisations")).await;
    browser.axe("organisation directory").await;
    browser.fill("Søk", "fallvarsling").await;
    browser.click_button("Vis treff").await;
    browser.wait_for_text("1 treff", WAIT).await;
    browser.screenshot("organisations").await;
    browser.click_link(&supplier_name).await;
    browser
        .wait_for_text("Sensorbasert fallvarsling", WAIT)
        .await;
    assert!(browser.current_path().await.starts_with("/organisations/"));
    assert!(
        browser.text().await.contains("salg@sensorhuset.no"),
        "signed in, the contact shows"
    );
    browser.axe("organisation profile").await;
    browser.screenshot("organisation-profile").await;
    browser.click_button("Inviter denne virksomheten").await;
    browser.wait_for_text("1 invitert", WAIT).await;
    assert_eq!(browser.current_path().await, format!("/processes/{id}"));
    assert!(browser.text().await.contains(&supplier_name));
    browser.goto(&app.url("/needs?q=fallvarsling")).await;
    browser.wait_for_text("Fallvarsling for eldre", WAIT).await;
    browser.axe("needs list").await;
    browser.screenshot("needs").await;
    browser.close().await;
}
browser_flow!(
    a_buyer_finds_a_supplier_through_the_directory_and_invites_it_by_hand,
    buyer_finds_a_supplier_and_invites_it_by_hand
);

async fn the_process_page_fits_a_phone(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let supplier = app
        .register_with_contact("kontakt@veldig-langt-leverandornavn-as.no", 805, "supplier")
        .await;
    let (buyer, id, event) = buyer_with_event(&app, 806).await;
    app.post(
        &format!("/api/v1/dialogues/{event}/invitations"),
        &json!({"supplier_ids": [supplier.organisation_id]}),
        Some(&buyer.token),
    )
    .await;
    let Some(browser) = Browser::start_phone(390).await else {
        return;
    };
    sign_in(&browser, &app, &buyer).await;
    for (path, name) in [
        (format!("/processes/{id}"), "process-phone"),
        ("/needs".to_owned(), "needs-phone"),
        ("/dashboard".to_owned(), "dashboard-phone"),
    ] {
        browser.goto(&app.url(&path)).await;
        let widths: Value = browser
            .script(
                "return [window.innerWidth, document.documentElement.scrollWidth];",
                vec![],
            )
            .await;
        let (inner, scroll) = (widths[0].as_i64().unwrap(), widths[1].as_i64().unwrap());
        assert_eq!(inner, 390, "the phone is emulated");
        assert!(
            scroll <= inner,
            "{path} scrolls sideways on a phone: {scroll} px wide"
        );
        browser.screenshot(name).await;
    }
    browser.close().await;
}
browser_flow!(
    the_process_page_at_390_px_has_no_horizontal_scroll,
    the_process_page_fits_a_phone
);
