//! Account self-service in headless Chromium with real email over SMTP: a forgotten password
//! reset through the emailed link, and a colleague invited by email, registered through the
//! link and later removed. axe-core checks every page on the way.

use std::time::Duration;

use crate::browser::Browser;
use crate::dialogues::{app_with_mail, SmtpServer};
use crate::helpers::Backend;
use crate::self_service::link_token;

const WAIT: Duration = Duration::from_secs(10);

use crate::browser_flow;

async fn sign_in(browser: &Browser, base: &str, email: &str, password: &str) {
    browser.goto(&format!("{base}/login")).await;
    browser.fill("E-post", email).await;
    browser.fill("Passord", password).await;
    browser.click_button("Logg inn").await;
    browser.wait_for_text("Logg ut", WAIT).await;
}

async fn forgotten_password_is_reset_through_the_emailed_link(backend: Backend) {
    let mut smtp = SmtpServer::unstarted();
    if !smtp.start() {
        return;
    }
    let Some(app) = app_with_mail(backend, &smtp).await else {
        return;
    };
    let user = app.register("glemsk@bergen.kommune.no", 501, "buyer").await;
    let Some(browser) = Browser::start().await else {
        return;
    };

    browser.goto(&app.url("/login")).await;
    browser.click_link("Glemt passord?").await;
    browser.wait_for_text("Glemt passord", WAIT).await;
    assert_eq!(browser.current_path().await, "/password/forgot");
    browser.axe("forgotten password").await;
    browser.fill("E-post", &user.email).await;
    browser.screenshot("password-forgot").await;
    browser.click_button("Send lenke").await;
    browser
        .wait_for_text("er en e-post med en lenke på vei", WAIT)
        .await;
    browser.axe("forgotten password, sent").await;

    let messages = smtp.wait_for(1, WAIT).await;
    assert_eq!(messages.len(), 1, "the reset email arrives");
    let token = link_token(&messages[0], "/password/reset/");

    browser
        .goto(&app.url(&format!("/password/reset/{token}")))
        .await;
    browser.wait_for_text("Velg nytt passord", WAIT).await;
    browser.axe("new password").await;
    browser
        .fill("Nytt passord", "et nytt og langt passord")
        .await;
    browser
        .fill("Nytt passord en gang til", "et annet langt passord")
        .await;
    browser.click_button("Lagre nytt passord").await;
    browser.wait_for_text("Passordene er ikke like", WAIT).await;
    browser.axe("new password with an error").await;
    browser.screenshot("password-reset").await;
    browser
        .fill("Nytt passord", "et nytt og langt passord")
        .await;
    browser
        .fill("Nytt passord en gang til", "et nytt og langt passord")
        .await;
    browser.click_button("Lagre nytt passord").await;
    browser
        .wait_for_text("Passordet er endret. Logg inn med det nye passordet.", WAIT)
        .await;
    assert_eq!(browser.current_path().await, "/login");

    sign_in(
        &browser,
        &app.address,
        &user.email,
        "et nytt og langt passord",
    )
    .await;
    assert_eq!(browser.current_path().await, "/dashboard");
    browser.click_link("Min konto").await;
    browser.wait_for_text("Endre passord", WAIT).await;
    assert!(browser.text().await.contains(&user.email));
    browser.axe("account").await;
    browser.screenshot("account").await;

    // The link is spent.
    browser
        .goto(&app.url(&format!("/password/reset/{token}")))
        .await;
    browser
        .wait_for_text("Lenken er brukt, utløpt eller ukjent", WAIT)
        .await;
    browser.close().await;
}
browser_flow!(
    a_forgotten_password_is_reset_through_the_emailed_link,
    forgotten_password_is_reset_through_the_emailed_link
);

async fn colleague_is_invited_registers_and_is_removed(backend: Backend) {
    let mut smtp = SmtpServer::unstarted();
    if !smtp.start() {
        return;
    }
    let Some(app) = app_with_mail(backend, &smtp).await else {
        return;
    };
    let owner = app
        .register("eier@stavanger.kommune.no", 502, "buyer")
        .await;
    let Some(browser) = Browser::start().await else {
        return;
    };

    sign_in(&browser, &app.address, &owner.email, &owner.password).await;
    browser.click_link("Virksomheten").await;
    browser.wait_for_text("Inviter en kollega", WAIT).await;
    assert_eq!(browser.current_path().await, "/organisation");
    browser.axe("organisation").await;
    browser
        .fill("Kollegaens e-post", "kollega@stavanger.kommune.no")
        .await;
    browser.click_button("Send invitasjon").await;
    browser.wait_for_text("Invitasjonen er sendt.", WAIT).await;
    assert!(
        browser
            .text()
            .await
            .contains("kollega@stavanger.kommune.no"),
        "the invitation is listed"
    );
    browser.click_button("Logg ut").await;
    browser.wait_for_text("Logg inn", WAIT).await;

    let messages = smtp.wait_for(1, WAIT).await;
    assert_eq!(messages.len(), 1, "the invitation arrives");
    let token = link_token(&messages[0], "/register?invite=");

    browser
        .goto(&app.url(&format!("/register?invite={token}")))
        .await;
    browser
        .wait_for_text("Du er invitert til å bli bruker for", WAIT)
        .await;
    browser.axe("registration by invitation").await;
    browser.screenshot("register-invited").await;
    browser.fill("Navn", "Kari Kollega").await;
    browser.fill("Passord", "kollegaens lange passord").await;
    browser.click_button("Opprett bruker").await;
    browser
        .wait_for_text("Innlogget som Kari Kollega", WAIT)
        .await;
    let text = browser.text().await;
    assert!(
        text.contains(&format!("Org {}", crate::helpers::orgnr(502))),
        "in the inviting organisation: {text}"
    );

    // Keep the colleague's session aside, and let the owner remove them in this browser.
    let session = browser
        .client()
        .get_named_cookie("innolift_session")
        .await
        .expect("the colleague's session cookie");
    browser.client().delete_all_cookies().await.unwrap();
    sign_in(&browser, &app.address, &owner.email, &owner.password).await;
    browser.goto(&app.url("/organisation")).await;
    browser.wait_for_text("Kari Kollega", WAIT).await;
    browser.axe("organisation with a colleague").await;
    browser.screenshot("organisation").await;
    browser.click_button("Fjern").await;
    browser
        .wait_for_text("Brukeren er fjernet og logget ut.", WAIT)
        .await;
    assert!(!browser.text().await.contains("Kari Kollega"));

    // Back as the colleague: the session has ended.
    browser.client().delete_all_cookies().await.unwrap();
    browser.client().add_cookie(session).await.unwrap();
    browser.goto(&app.url("/dashboard")).await;
    browser
        .wait_for_text("Økten din er utløpt. Logg inn igjen.", WAIT)
        .await;
    assert_eq!(browser.current_path().await, "/login");
    browser.fill("E-post", "kollega@stavanger.kommune.no").await;
    browser.fill("Passord", "kollegaens lange passord").await;
    browser.click_button("Logg inn").await;
    browser
        .wait_for_text("hører ikke lenger til en virksomhet", WAIT)
        .await;
    browser.close().await;
}
browser_flow!(
    an_owner_invites_a_colleague_who_registers_through_the_link_and_is_later_removed,
    colleague_is_invited_registers_and_is_removed
);
