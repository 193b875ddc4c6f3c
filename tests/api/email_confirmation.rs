//! Email addresses are confirmed by a link: until then an account cannot invite, and its
//! organisation gets no invitations at the address. On both databases, with a real SMTP server.

use std::time::Duration;

use serde_json::{json, Value};

use crate::dialogues::{app_with_mail_and, event, header, part, SmtpServer};
use crate::helpers::{error_of, Backend};

/// The confirmation link's token in the newest confirmation email to `to`.
async fn confirmation_token(smtp: &SmtpServer, to: &str) -> String {
    let started = std::time::Instant::now();
    loop {
        let found = smtp
            .messages()
            .into_iter()
            .rfind(|m| header(m, "To").as_deref() == Some(to) && m.contains("email-confirmation-"));
        if let Some(m) = found {
            let text = part(&m, "text/plain").expect("a text part");
            let after = text
                .split("/confirm-email/")
                .nth(1)
                .expect("a confirmation link");
            let token: String = after.chars().take_while(char::is_ascii_hexdigit).collect();
            assert_eq!(token.len(), 64, "{text}");
            return token;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "no confirmation email to {to}"
        );
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn an_unconfirmed_address_gets_no_invitations_and_its_account_cannot_invite(
    backend: Backend,
) {
    let mut smtp = SmtpServer::unstarted();
    if !smtp.start() {
        return;
    }
    let Some(app) = app_with_mail_and(backend, &smtp, |s| s.confirm_email = true).await else {
        return;
    };
    let (buyer, _pid, did) = event(&app, 9400).await;
    let me: Value = app
        .get("/api/v1/me", Some(&buyer.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["user"]["email_confirmed"], false, "{me}");
    let supplier = app
        .register_with_contact("salg@verft.no", 9401, "supplier")
        .await;
    let invite = format!("/api/v1/dialogues/{did}/invitations");
    let body = json!({"supplier_ids": [supplier.organisation_id]});

    // The buyer has not confirmed: no invitations from it.
    let res = app.post(&invite, &body, Some(&buyer.token)).await;
    assert_eq!(res.status(), 403);
    let refused: Value = res.json().await.unwrap();
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("confirm your email address"),
        "{refused}"
    );

    // It confirms through the API; the link works once.
    let token = confirmation_token(&smtp, "b@kommune.no").await;
    let res = app
        .post("/api/v1/auth/confirm-email", &json!({"token": token}), None)
        .await;
    assert_eq!(res.status(), 200);
    let confirmed: Value = res.json().await.unwrap();
    assert_eq!(
        (
            confirmed["email"].as_str(),
            confirmed["email_confirmed"].as_bool()
        ),
        (Some("b@kommune.no"), Some(true))
    );
    let (_, field) = error_of(
        app.post("/api/v1/auth/confirm-email", &json!({"token": token}), None)
            .await,
        400,
    )
    .await;
    assert_eq!(field.as_deref(), Some("token"));
    error_of(
        app.post(
            "/api/v1/me/email-confirmation",
            &json!({}),
            Some(&buyer.token),
        )
        .await,
        409,
    )
    .await;

    // The supplier's contact address is its own unconfirmed account's: nothing goes there.
    let supplier_link = confirmation_token(&smtp, "salg@verft.no").await;
    let before = smtp.messages().len();
    let res = app.post(&invite, &body, Some(&buyer.token)).await;
    assert_eq!(res.status(), 201);
    let outcome: Value = res.json().await.unwrap();
    assert_eq!(
        outcome["items"][0]["result"], "unconfirmed_contact_email",
        "{outcome}"
    );
    actix_web::rt::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        smtp.messages().len(),
        before,
        "no invitation went to the unconfirmed address"
    );
    // Asking for a new link at once is refused with a wait.
    let res = app
        .post(
            "/api/v1/me/email-confirmation",
            &json!({}),
            Some(&supplier.token),
        )
        .await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));

    // A bad link shows a page that says what to do; the right one confirms and goes on.
    let web = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let bad = web
        .get(app.url(&format!("/confirm-email/{}", "0".repeat(64))))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let page = bad.text().await.unwrap();
    assert!(
        page.contains("Lenken er brukt, utløpt eller ukjent"),
        "{page}"
    );
    let res = web
        .get(app.url(&format!("/confirm-email/{supplier_link}")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        (
            res.status().as_u16(),
            res.headers()["location"].to_str().unwrap()
        ),
        (303, "/login")
    );
    let me: Value = app
        .get("/api/v1/me", Some(&supplier.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["user"]["email_confirmed"], true, "{me}");

    // Now the invitation is sent, once.
    let res = app.post(&invite, &body, Some(&buyer.token)).await;
    let outcome: Value = res.json().await.unwrap();
    assert_eq!(outcome["items"][0]["result"], "queued", "{outcome}");
    let messages = smtp.wait_for(before + 1, Duration::from_secs(15)).await;
    assert!(
        messages
            .iter()
            .any(|m| header(m, "To").as_deref() == Some("salg@verft.no")
                && m.contains("text/calendar")),
        "the invitation arrives"
    );
}

crate::browser_flow!(
    an_unconfirmed_address_gets_no_invitations_and_its_account_cannot_invite,
    an_unconfirmed_address_gets_no_invitations_and_its_account_cannot_invite
);

/// A person who has not confirmed sees why on the account page, asks for a new link there, and
/// after opening it sees the address confirmed. SQLite only: the flow is the same on both.
#[actix_web::test]
async fn the_account_page_says_the_address_is_unconfirmed_and_sends_a_new_link() {
    let mut smtp = SmtpServer::unstarted();
    if !smtp.start() {
        return;
    }
    let Some(app) = app_with_mail_and(Backend::Sqlite, &smtp, |s| s.confirm_email = true).await
    else {
        return;
    };
    let Some(browser) = crate::browser::Browser::start().await else {
        return;
    };
    let user = app.register("ny@verft.no", 9410, "supplier").await;
    let first = confirmation_token(&smtp, "ny@verft.no").await;
    crate::browser_daily::sign_in(&browser, &app, &user).await;
    browser.goto(&app.url("/account")).await;
    browser
        .wait_for_text(
            "E-postadressen din er ikke bekreftet ennå",
            Duration::from_secs(10),
        )
        .await;
    browser
        .axe("the account page of an unconfirmed address")
        .await;
    browser.screenshot("account-unconfirmed").await;
    // A new link at once is refused with a wait; the page says how long.
    browser.click_button("Send lenken på nytt").await;
    browser
        .wait_for_text(
            "Vi sendte en lenke for under ett minutt siden",
            Duration::from_secs(10),
        )
        .await;
    browser.screenshot("account-confirmation-wait").await;
    browser
        .goto(&app.url(&format!("/confirm-email/{first}")))
        .await;
    browser
        .wait_for_text("E-postadressen din er bekreftet.", Duration::from_secs(10))
        .await;
    assert!(
        browser.text().await.contains("(Bekreftet)"),
        "{}",
        browser.text().await
    );
    browser.screenshot("account-confirmed").await;
}

/// The subjects of the messages to `to`, once `n` have arrived or 15 s have passed.
async fn subjects_to(smtp: &SmtpServer, to: &str, n: usize) -> Vec<String> {
    let started = std::time::Instant::now();
    loop {
        let found: Vec<String> = smtp
            .messages()
            .iter()
            .filter(|m| header(m, "To").as_deref() == Some(to))
            .filter_map(|m| header(m, "Subject"))
            .collect();
        if found.len() >= n || started.elapsed() > Duration::from_secs(15) {
            return found;
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The emails an API call sends speak the language of its `Accept-Language`: English when the
/// client prefers English, Bokmål when it asks for Norwegian or says nothing.
async fn api_emails_follow_accept_language(backend: Backend) {
    let mut smtp = SmtpServer::unstarted();
    if !smtp.start() {
        return;
    }
    let Some(app) = app_with_mail_and(backend, &smtp, |s| s.confirm_email = true).await else {
        return;
    };
    let register =
        |email: &'static str, seed: u32, lang: Option<&'static str>| {
            let mut req = app.client.post(app.url("/api/v1/auth/register")).json(
                &crate::helpers::registration(email, &crate::helpers::orgnr(seed), "supplier"),
            );
            if let Some(lang) = lang {
                req = req.header("Accept-Language", lang);
            }
            req.send()
        };
    let res = register("en@verft.no", 9410, Some("en-GB,en;q=0.9,nb;q=0.5"))
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let res = register("nb@verft.no", 9411, Some("nb-NO,nb;q=0.9,en;q=0.8"))
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let res = register("ingen@verft.no", 9412, None).await.unwrap();
    assert_eq!(res.status(), 201);
    assert_eq!(
        subjects_to(&smtp, "en@verft.no", 1).await,
        ["Confirm your email address in innolift"]
    );
    assert_eq!(
        subjects_to(&smtp, "nb@verft.no", 1).await,
        ["Bekreft e-postadressen din i innolift"]
    );
    assert_eq!(
        subjects_to(&smtp, "ingen@verft.no", 1).await,
        ["Bekreft e-postadressen din i innolift"]
    );

    // A password reset asked for in English comes in English.
    let res = app
        .client
        .post(app.url("/api/v1/auth/password-reset"))
        .header("Accept-Language", "en")
        .json(&json!({"email": "nb@verft.no"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    let subjects = subjects_to(&smtp, "nb@verft.no", 2).await;
    assert!(
        subjects.contains(&"Choose a new password for innolift".to_owned()),
        "{subjects:?}"
    );
}

mod api_emails_follow_accept_language {
    use super::*;

    #[actix_web::test]
    async fn sqlite() {
        api_emails_follow_accept_language(Backend::Sqlite).await
    }

    #[actix_web::test]
    async fn postgres() {
        api_emails_follow_accept_language(Backend::Postgres).await
    }
}
