//! A supplier registers interest in a need on its page, and the buyer is told: the count in the
//! header, the list at /notifications and the interest list on the need's page. axe-core checks
//! each page; screenshots go to target/test-artifacts/screenshots.

use std::time::Duration;

use serde_json::json;

use crate::browser::Browser;
use crate::helpers::{need_body, spawn_app, Backend, TestUser};

const WAIT: Duration = Duration::from_secs(10);

async fn sign_in(browser: &Browser, app: &crate::helpers::TestApp, user: &TestUser) {
    browser.goto(&app.url("/login")).await;
    browser.fill("E-post", &user.email).await;
    browser.fill("Passord", &user.password).await;
    browser.click_button("Logg inn").await;
    browser.wait_for_text("Min side", WAIT).await;
}

async fn has_unread_count(browser: &Browser) -> Option<String> {
    let value = browser
        .client()
        .execute(
            "const e = document.getElementById('unread-count'); return e ? e.textContent : null;",
            vec![],
        )
        .await
        .unwrap();
    value.as_str().map(str::to_owned)
}

/// axe-core finds nothing on the page, not even a minor violation.
async fn no_violations(browser: &Browser, page: &str) {
    browser.axe(page).await;
    let all = browser.axe_violations().await;
    assert!(all.is_empty(), "{page}: {all:#?}");
}

async fn supplier_registers_interest_and_the_buyer_is_notified(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let buyer = app.register("kari@bergen.kommune.no", 1300, "buyer").await;
    let supplier = app.register("salg@ferjeverft.no", 1301, "supplier").await;
    let need = app
        .need(
            &buyer.token,
            need_body(
                "Utslippsfrie ferjer",
                "Ferjer uten utslipp, med lading ved kai.",
            ),
        )
        .await;
    let id = need["id"].as_str().unwrap().to_owned();
    let Some(browser) = Browser::start().await else {
        return;
    };

    sign_in(&browser, &app, &supplier).await;
    browser.goto(&app.url(&format!("/needs/{id}"))).await;
    browser.wait_for_text("Vi er interessert", WAIT).await;
    no_violations(&browser, "no axe violation on the need page").await;
    browser
        .fill(
            "Kommentar (valgfri)",
            "Vi bygger batteriferjer i aluminium.",
        )
        .await;
    browser.click_button("Vi er interessert").await;
    browser.wait_for_text("Dere meldte interesse", WAIT).await;
    assert!(browser.text().await.contains("Trekk interessen"));
    no_violations(
        &browser,
        "no axe violation on the need page with the interest section",
    )
    .await;
    browser.screenshot("need-interest").await;
    browser.click_button("Logg ut").await;
    browser.wait_for_text("Logg inn", WAIT).await;

    sign_in(&browser, &app, &buyer).await;
    assert_eq!(
        has_unread_count(&browser).await.as_deref(),
        Some("1"),
        "the header counts one unread"
    );
    browser.goto(&app.url("/notifications")).await;
    let supplier_name = format!("Org {}", crate::helpers::orgnr(1301));
    browser
        .wait_for_text(
            &format!("{supplier_name} er interessert i behovet «Utslippsfrie ferjer»"),
            WAIT,
        )
        .await;
    no_violations(&browser, "no axe violation on /notifications").await;
    browser.screenshot("notifications").await;

    browser.goto(&app.url(&format!("/needs/{id}"))).await;
    browser
        .wait_for_text("Interesserte leverandører", WAIT)
        .await;
    let text = browser.text().await;
    assert!(
        text.contains(&supplier_name) && text.contains("Vi bygger batteriferjer i aluminium."),
        "{text}"
    );
    assert!(
        !text.contains("Vi er interessert"),
        "a buyer has no interest button"
    );
    let link = browser
        .client()
        .execute(
            "const a = document.querySelector('#interest a'); return a ? a.getAttribute('href') : null;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        link,
        json!(format!("/organisations/{}", supplier.organisation_id))
    );
    no_violations(&browser, "no axe violation on the buyer's need page").await;
    browser.screenshot("need-interest-buyer").await;

    browser.goto(&app.url("/notifications")).await;
    browser.click_button("Merk alle som lest").await;
    // The page before the click already says "Varsler", so waiting for a text would read the
    // old header while the form is still being posted: wait for the count itself to go.
    let started = std::time::Instant::now();
    let mut count = has_unread_count(&browser).await;
    while count.is_some() && started.elapsed() < WAIT {
        tokio::time::sleep(Duration::from_millis(50)).await;
        count = has_unread_count(&browser).await;
    }
    assert_eq!(count, None, "no unread count once all are read");
    browser.wait_for_text("Varsler", WAIT).await;

    browser.goto(&app.url("/account/notifications")).await;
    no_violations(&browser, "no axe violation on the email switches").await;
    browser.screenshot("notification-settings").await;
    browser.close().await;
}

mod supplier_registers_interest_and_the_buyer_is_notified {
    use super::*;

    #[actix_web::test]
    async fn sqlite() {
        supplier_registers_interest_and_the_buyer_is_notified(Backend::Sqlite).await
    }

    #[actix_web::test]
    async fn postgres() {
        supplier_registers_interest_and_the_buyer_is_notified(Backend::Postgres).await
    }
}
