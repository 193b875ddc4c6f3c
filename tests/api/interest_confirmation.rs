//! Registration of interest with a typed address: the address gets one message asking it to
//! confirm, however often it is used, and the invitations follow the link. On both databases.

use std::time::Duration;

use crate::dialogues::{
    app_with_mail, confirm_interest, event, header, invitation_list, SmtpServer,
};
use crate::helpers::{orgnr, Backend};

async fn register(app: &crate::helpers::TestApp, did: &str, seed: u32, email: &str) -> String {
    let res = app
        .post_page_form(
            &format!("/dialogues/{did}"),
            &format!("/dialogues/{did}/register"),
            &[("orgnr", orgnr(seed).as_str()), ("email", email)],
        )
        .await;
    assert_eq!(res.status(), 200);
    res.text().await.unwrap()
}

fn to(messages: &[String], address: &str) -> Vec<String> {
    messages
        .iter()
        .filter(|m| header(m, "To").as_deref() == Some(address))
        .cloned()
        .collect()
}

async fn an_unconfirmed_address_gets_one_message_and_the_invitations_follow_its_link(
    backend: Backend,
) {
    let mut smtp = SmtpServer::unstarted();
    if !smtp.start() {
        return;
    }
    let Some(app) = app_with_mail(backend, &smtp).await else {
        return;
    };
    let (buyer, _pid, did) = event(&app, 900).await;
    let stranger = "fremmed@eksempel.no";
    let page = register(&app, &did, 910, stranger).await;
    assert!(
        page.contains("bekrefte adressen"),
        "the page says what to do next"
    );
    // Another organisation with the same address waits for the same link. (The limit of three
    // registrations an hour per address leaves room for one more below.)
    register(&app, &did, 911, stranger).await;
    actix_web::rt::time::sleep(Duration::from_secs(2)).await;
    let asks = to(&smtp.messages(), stranger);
    assert_eq!(asks.len(), 1, "two registrations, one message");
    assert!(
        !asks[0].contains("/rsvp/"),
        "no answer link before the confirmation"
    );
    let list = invitation_list(&app, &did, &buyer.token).await;
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["source"] != "registered"),
        "an unconfirmed registration is no invitation yet: {list}"
    );

    // A forged link is refused with a page that says what to do.
    let res = app
        .client
        .get(app.url("/interest/confirm/abc.def"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap().contains("meld interesse på nytt"));

    // The link: both registrations become invitations, each sent once.
    confirm_interest(&app, &smtp, &asks[0], stranger).await;
    smtp.wait_for(4, Duration::from_secs(10)).await;
    actix_web::rt::time::sleep(Duration::from_secs(1)).await;
    let invitations: Vec<String> = to(&smtp.messages(), stranger)
        .into_iter()
        .filter(|m| header(m, "Message-ID").is_some_and(|id| id.starts_with("<invitation-")))
        .collect();
    assert_eq!(
        invitations.len(),
        2,
        "one invitation per registered organisation"
    );
    let list = invitation_list(&app, &did, &buyer.token).await;
    let registered = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["source"] == "registered")
        .count();
    assert_eq!(registered, 2, "{list}");

    // Opening the link again sends nothing more; a confirmed address is invited at once.
    let token = crate::dialogues::interest_token(&asks[0]);
    let again = app
        .client
        .get(app.url(&format!("/interest/confirm/{token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 303);
    let before = to(&smtp.messages(), stranger).len();
    let page = register(&app, &did, 912, stranger).await;
    assert!(
        page.contains("Invitasjonen er sendt"),
        "a confirmed address is invited at once"
    );
    smtp.wait_for(smtp.messages().len() + 1, Duration::from_secs(10))
        .await;
    actix_web::rt::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(to(&smtp.messages(), stranger).len(), before + 1);
}

crate::browser_flow!(
    confirm_first,
    an_unconfirmed_address_gets_one_message_and_the_invitations_follow_its_link
);

/// The same in the browser: the event page's form, the page that says to look in the inbox,
/// and the link that goes on to the answer page.
async fn a_supplier_registers_on_the_event_page_and_confirms_from_its_inbox(backend: Backend) {
    let mut smtp = SmtpServer::unstarted();
    if !smtp.start() {
        return;
    }
    let Some(app) = app_with_mail(backend, &smtp).await else {
        return;
    };
    let (_buyer, _pid, did) = event(&app, 920).await;
    let Some(browser) = crate::browser::Browser::start().await else {
        return;
    };
    let wait = Duration::from_secs(10);
    browser.goto(&app.url(&format!("/dialogues/{did}"))).await;
    browser.fill("Organisasjonsnummer", &orgnr(921)).await;
    browser.fill("E-post", "ny@leverandor.no").await;
    browser.click_button("Meld interesse").await;
    browser.wait_for_text("bekrefte adressen", wait).await;
    browser.axe("registration sent").await;
    browser.screenshot("interest-confirm-first").await;
    let messages = smtp.wait_for(1, wait).await;
    let ask = to(&messages, "ny@leverandor.no")
        .pop()
        .expect("the request to confirm");
    let text = crate::dialogues::part(&ask, "text/plain").unwrap();
    let link = text
        .lines()
        .find(|l| l.contains("/interest/confirm/"))
        .expect("the link")
        .trim()
        .replace("https://innolift.test", &app.address);
    browser.goto(&link).await;
    browser.wait_for_path("/rsvp/", wait).await;
    browser.wait_for_text("Adressen er bekreftet", wait).await;
    browser.axe("address confirmed").await;
    browser.screenshot("interest-confirmed").await;
    browser.close().await;
}

crate::browser_flow!(
    confirm_in_browser,
    a_supplier_registers_on_the_event_page_and_confirms_from_its_inbox
);
