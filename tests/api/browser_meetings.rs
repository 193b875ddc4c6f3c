//! One-to-one meetings in headless Chromium: a buyer lays out slots on the process page and
//! deletes one, and a supplier books the other through its answer link; and a buyer runs a
//! lottery that a supplier ranked slots for on its page. axe-core checks every
//! page on the way; screenshots are kept in target/test-artifacts/screenshots.

use std::time::Duration;

use serde_json::{json, Value};

use crate::browser::Browser;
use crate::browser_daily::sign_in;
use crate::browser_flow;
use crate::browser_flows::set_value;
use crate::dialogue_changes::wait_for_kind;
use crate::dialogues::{app_with_mail, event, rsvp_token, SmtpServer};
use crate::helpers::{Backend, TestApp, TestUser};

const WAIT: Duration = Duration::from_secs(10);

/// A buyer's event and one supplier invited to it, with the supplier's answer token.
pub(crate) async fn invited(
    app: &TestApp,
    smtp: &SmtpServer,
    seed: u32,
    email: &str,
) -> (TestUser, String, String, String) {
    let (buyer, pid, did) = event(app, seed).await;
    let supplier = app.register_with_contact(email, seed + 1, "supplier").await;
    let res = app
        .post(
            &format!("/api/v1/dialogues/{did}/invitations"),
            &json!({"supplier_ids": [supplier.organisation_id]}),
            Some(&buyer.token),
        )
        .await;
    assert_eq!(res.status(), 201);
    let token = rsvp_token(&smtp.wait_for(1, WAIT).await[0]);
    (buyer, pid, did, token)
}

/// Sets the slot grid's first start and last end, 13:00 to 14:00 (date inputs take typed keys
/// in the browser's locale format, so they are set by script).
async fn lay_out_times(browser: &Browser, did: &str) {
    set_value(browser, &format!("f-slots-start-{did}"), "2027-03-01T13:00").await;
    set_value(browser, &format!("f-slots-end-{did}"), "2027-03-01T14:00").await;
}

async fn a_buyer_lays_out_slots_and_a_supplier_books_one(backend: Backend) {
    let mut smtp = SmtpServer::unstarted();
    if !smtp.start() {
        return;
    }
    let Some(app) = app_with_mail(backend, &smtp).await else {
        return;
    };
    let (buyer, pid, did, token) = invited(&app, &smtp, 41, "mote@ferje.no").await;
    let Some(browser) = Browser::start().await else {
        return;
    };

    // The buyer lays out two half-hour slots on one table, then deletes the second.
    sign_in(&browser, &app, &buyer).await;
    browser.goto(&app.url(&format!("/processes/{pid}"))).await;
    browser.wait_for_text("En-til-en-møter", WAIT).await;
    lay_out_times(&browser, &did).await;
    browser.fill("Minutter per møte", "30").await;
    browser.fill("Bord samtidig", "1").await;
    browser.click_button("Legg ut tidene").await;
    browser.wait_for_text("Tidene er lagt ut", WAIT).await;
    browser.axe("process page with slots").await;
    browser
        .client()
        .execute(
            "document.getElementById(arguments[0]).scrollIntoView();",
            vec![json!(format!("meetings-{did}"))],
        )
        .await
        .unwrap();
    browser.screenshot("meetings-slots").await;
    browser.click_button("Slett kl. 13.30, bord 1").await;
    browser.wait_for_text("Tiden er slettet", WAIT).await;

    // The supplier sees the one slot left through its link, and books it.
    browser.goto(&app.url(&format!("/rsvp/{token}"))).await;
    browser.wait_for_text("Dine møter", WAIT).await;
    browser.axe("answer page with slots").await;
    browser.click_button("Book kl. 13.00, bord 1").await;
    browser.wait_for_text("Møtet er booket", WAIT).await;
    let text = browser.text().await;
    assert!(text.contains("Avbestill møtet"), "{text}");
    browser.axe("answer page with a meeting").await;
    browser.screenshot("meetings-booked").await;

    let agenda: Value = app
        .get(
            &format!("/api/v1/dialogues/{did}/meetings"),
            Some(&buyer.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(agenda["items"].as_array().unwrap().len(), 1, "{agenda}");
    assert_eq!(wait_for_kind(&smtp, "<meeting-", 1).await.len(), 1);

    // Back on the process page, the buyer sees the meeting in the agenda.
    browser.goto(&app.url(&format!("/processes/{pid}"))).await;
    browser.wait_for_text("Møteplan", WAIT).await;
    let text = browser.text().await;
    assert!(text.contains("mote@ferje.no"), "{text}");
    browser.axe("process page with the agenda").await;
    browser
        .client()
        .execute(
            "document.getElementById(arguments[0]).scrollIntoView();",
            vec![json!(format!("meetings-{did}"))],
        )
        .await
        .unwrap();
    browser.screenshot("meetings-agenda").await;
    browser.close().await;

    // On a phone, the supplier's meetings and the slots stay readable without sideways scrolling.
    let Some(phone) = Browser::start_phone(390).await else {
        return;
    };
    phone.goto(&app.url(&format!("/rsvp/{token}"))).await;
    phone.wait_for_text("Dine møter", WAIT).await;
    scroll_to(&phone, "moter").await;
    let wide = phone
        .script(
            "return document.documentElement.scrollWidth > window.innerWidth + 1;",
            vec![],
        )
        .await;
    assert_eq!(
        wide,
        json!(false),
        "the answer page scrolls sideways on a phone"
    );
    phone.axe("answer page on a phone").await;
    phone.screenshot("meetings-phone").await;
    phone.close().await;
}

browser_flow!(
    a_buyer_lays_out_slots_and_a_supplier_books_one,
    a_buyer_lays_out_slots_and_a_supplier_books_one
);

async fn a_buyer_runs_a_lottery_that_suppliers_ranked_on_their_pages(backend: Backend) {
    let mut smtp = SmtpServer::unstarted();
    if !smtp.start() {
        return;
    }
    let Some(app) = app_with_mail(backend, &smtp).await else {
        return;
    };
    let (buyer, pid, did, token) = invited(&app, &smtp, 43, "lodd@ferje.no").await;
    let Some(browser) = Browser::start().await else {
        return;
    };

    // The buyer chooses a lottery and lays out two slots.
    sign_in(&browser, &app, &buyer).await;
    browser.goto(&app.url(&format!("/processes/{pid}"))).await;
    // Open the rules, as a click on "Regler for booking" would.
    browser
        .client()
        .execute(
            "document.getElementById(arguments[0]).open = true;",
            vec![json!(format!("form-rules-{did}"))],
        )
        .await
        .unwrap();
    browser.select("Fordeling", "Loddtrekning").await;
    browser.click_button("Lagre reglene").await;
    browser
        .wait_for_text("Reglene for booking er lagret", WAIT)
        .await;
    lay_out_times(&browser, &did).await;
    browser.fill("Minutter per møte", "30").await;
    browser.fill("Bord samtidig", "1").await;
    browser.click_button("Legg ut tidene").await;
    browser.wait_for_text("Tidene er lagt ut", WAIT).await;
    assert!(browser.text().await.contains("Loddtrekning"));

    // The supplier ranks the second time first on its page.
    let view: Value = app
        .get(&format!("/api/v1/rsvp/{token}"), None)
        .await
        .json()
        .await
        .unwrap();
    let ids: Vec<String> = view["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    browser.goto(&app.url(&format!("/rsvp/{token}"))).await;
    browser.wait_for_text("Ditt valg nr.", WAIT).await;
    set_value(&browser, &format!("rank-{}", ids[1]), "1").await;
    set_value(&browser, &format!("rank-{}", ids[0]), "2").await;
    browser.click_button("Lagre valgene").await;
    browser.wait_for_text("Valgene dine er lagret", WAIT).await;
    browser.axe("answer page with a ranking").await;
    scroll_to(&browser, "moter").await;
    browser.screenshot("meetings-ranked").await;

    // The buyer draws now; the supplier gets its first choice and can check the draw.
    browser.goto(&app.url(&format!("/processes/{pid}"))).await;
    browser.click_button("Trekk nå").await;
    browser.wait_for_text("Trekningen er gjort", WAIT).await;
    browser.axe("process page after the draw").await;
    browser.goto(&app.url(&format!("/rsvp/{token}"))).await;
    browser
        .wait_for_text("Se trekningen og kjør den selv", WAIT)
        .await;
    let text = browser.text().await;
    assert!(
        text.contains("kl. 13.30–kl. 14.00 · bord 1 · booket"),
        "{text}"
    );
    scroll_to(&browser, "moter").await;
    browser.screenshot("meetings-drawn").await;
    browser.close().await;
}

browser_flow!(
    a_buyer_runs_a_lottery_that_suppliers_ranked_on_their_pages,
    a_buyer_runs_a_lottery_that_suppliers_ranked_on_their_pages
);

async fn scroll_to(browser: &Browser, id: &str) {
    browser
        .client()
        .execute(
            "document.getElementById(arguments[0]).scrollIntoView();",
            vec![json!(id)],
        )
        .await
        .unwrap();
}
