//! A consultation walked in headless Chromium: the buyer shares a draft on the process page,
//! the invitee downloads it through its answer link and comments on a section, the buyer reads
//! the comment beside the document, then publishes the consultation summary and the minutes,
//! which the public event page shows with their hashes. axe-core checks every page on the way.

use std::time::Duration;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::browser::Browser;
use crate::browser_daily::sign_in;
use crate::browser_flows::set_value;
use crate::browser_meetings::invited;
use crate::dialogue_changes::wait_for_kind;
use crate::dialogues::{app_with_mail, SmtpServer};
use crate::documents::close_consultation;
use crate::helpers::Backend;
use crate::meetings::wait_sent;

const WAIT: Duration = Duration::from_secs(10);

/// A small PDF written where the file dialogue can pick it, and its bytes.
fn draft_pdf() -> (std::path::PathBuf, Vec<u8>) {
    let mut bytes = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n".to_vec();
    bytes.extend((0..40_000u32).flat_map(|i| (i.wrapping_mul(2654435761)).to_le_bytes()));
    bytes.extend_from_slice(b"\n%%EOF\n");
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-documents");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("utkast-{}.pdf", uuid::Uuid::new_v4()));
    std::fs::write(&path, &bytes).unwrap();
    (path, bytes)
}

/// Downloads the link with text `title` from inside the page, as its user's browser would, and
/// gives the body's SHA-256 and the `Content-Disposition` header.
async fn download_in_page(browser: &Browser, title: &str) -> Value {
    browser
        .client()
        .execute_async(
            r#"const [title, done] = arguments;
               const link = [...document.querySelectorAll('a[download]')]
                 .find(a => a.innerText.trim() === title);
               if (!link) { done({ error: 'no download link ' + title }); return; }
               fetch(link.href)
                 .then(async r => {
                   const body = await r.arrayBuffer();
                   const hash = await crypto.subtle.digest('SHA-256', body);
                   done({ status: r.status, href: link.getAttribute('href'),
                          disposition: r.headers.get('content-disposition'),
                          sha256: [...new Uint8Array(hash)]
                            .map(b => b.toString(16).padStart(2, '0')).join('') });
                 })
                 .catch(e => done({ error: String(e) }));"#,
            vec![json!(title)],
        )
        .await
        .unwrap()
}

async fn consultation_in_the_browser(backend: Backend) {
    let mut smtp = SmtpServer::unstarted();
    assert!(
        smtp.start(),
        "aiosmtpd is needed (python3 -m pip install aiosmtpd)"
    );
    let Some(app) = app_with_mail(backend, &smtp).await else {
        return;
    };
    let (buyer, pid, did, token) = invited(&app, &smtp, 71, "anbud@utkast.no").await;
    wait_sent(&app, &buyer.token, &did).await;
    let event: Value = app
        .get(&format!("/api/v1/dialogues/{did}"), Some(&buyer.token))
        .await
        .json()
        .await
        .unwrap();
    let event_title = event["title"].as_str().unwrap().to_owned();
    let (path, bytes) = draft_pdf();
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let Some(browser) = Browser::start().await else {
        return;
    };

    // The buyer shares the draft with the event's invitees, out for consultation.
    sign_in(&browser, &app, &buyer).await;
    browser.goto(&app.url(&format!("/processes/{pid}"))).await;
    browser.wait_for_text("Del et dokument", WAIT).await;
    browser
        .fill("Dokumentets tittel", "Utkast til konkurransegrunnlag")
        .await;
    browser
        .select("Hvem ser dokumentet", "Inviterte til arrangementet")
        .await;
    browser.select("Arrangement", &event_title).await;
    set_value(&browser, "f-doc-until", "2027-02-01T12:00").await;
    browser.choose_file("Fil", &path).await;
    browser.click_button("Last opp").await;
    browser
        .wait_for_text("Dokumentet er lastet opp", WAIT)
        .await;
    let text = browser.text().await;
    assert!(text.contains("Utkast til konkurransegrunnlag"), "{text}");
    assert!(
        text.contains(&sha256),
        "the page shows the version's SHA-256: {text}"
    );
    assert!(text.contains("versjon 1"), "{text}");
    assert!(text.contains("Ingen innspill ennå."), "{text}");
    browser.axe("process page with a document").await;
    browser.screenshot("process-document").await;
    let told = wait_for_kind(&smtp, "<document_version-", 1).await;
    assert_eq!(told.len(), 1, "the invitee is told of the draft once");
    browser.click_button("Logg ut").await;
    browser.wait_for_text("Logg inn", WAIT).await;

    // The invitee downloads the draft through its link, signed out, and comments on 3.2.
    browser.goto(&app.url(&format!("/rsvp/{token}"))).await;
    browser
        .wait_for_text("Gi innspill til «Utkast til konkurransegrunnlag»", WAIT)
        .await;
    let got = download_in_page(&browser, "Utkast til konkurransegrunnlag").await;
    assert_eq!(got["status"], 200, "{got}");
    assert_eq!(
        got["sha256"],
        sha256.as_str(),
        "the same bytes come back: {got}"
    );
    assert!(
        got["href"]
            .as_str()
            .is_some_and(|h| h.starts_with(&format!("/api/v1/rsvp/{token}/documents/"))),
        "the download goes through the answer link: {got}"
    );
    assert!(
        got["disposition"]
            .as_str()
            .is_some_and(|d| d.starts_with("attachment;")),
        "{got}"
    );
    browser.axe("answer page with a document").await;
    browser.fill("Punkt (valgfritt)", "3.2").await;
    browser
        .fill(
            "Innspill",
            "Kravet om fem års drift utelukker nye leverandører.",
        )
        .await;
    browser.click_button("Send innspillet").await;
    browser
        .wait_for_text("Innspillet er sendt. Bare innkjøperne ser det.", WAIT)
        .await;
    let text = browser.text().await;
    assert!(
        text.contains("Punkt 3.2 (versjon 1"),
        "the supplier sees its own comment: {text}"
    );
    browser.axe("answer page after a comment").await;
    browser.screenshot("rsvp-comment").await;

    // The buyer reads the comment beside the document, by section and supplier.
    sign_in(&browser, &app, &buyer).await;
    browser.goto(&app.url(&format!("/processes/{pid}"))).await;
    browser
        .wait_for_text("1 innspill fra 1 leverandør, etter punkt", WAIT)
        .await;
    let text = browser.text().await;
    assert!(
        text.contains("Kravet om fem års drift utelukker nye leverandører."),
        "{text}"
    );

    // Once the deadline has passed, the buyer publishes the summary and the minutes.
    let docs: Value = app
        .get(
            &format!("/api/v1/processes/{pid}/documents"),
            Some(&buyer.token),
        )
        .await
        .json()
        .await
        .unwrap();
    close_consultation(&app, docs["items"][0]["id"].as_str().unwrap());
    browser.goto(&app.url(&format!("/processes/{pid}"))).await;
    browser
        .open_details("Publiser oppsummering av høringen")
        .await;
    browser
        .fill(
            "Oppsummering",
            "Vi fjerner kravet om fem års drift og ber i stedet om referanser.",
        )
        .await;
    browser
        .click_button("Publiser oppsummering av høringen")
        .await;
    browser
        .wait_for_text("Oppsummeringen av høringen er publisert", WAIT)
        .await;
    browser.open_details("Publiser referat").await;
    browser
        .fill(
            "Referat",
            "Tolv leverandører deltok. Hovedpunktene var drift og pris.",
        )
        .await;
    browser.click_button("Publiser referat").await;
    browser.wait_for_text("Referatet er publisert", WAIT).await;
    // The process page shows the minutes as published, with their hash.
    let text = browser.text().await;
    assert!(
        text.contains("Tolv leverandører deltok. Hovedpunktene var drift og pris."),
        "{text}"
    );
    let minutes_hash = hex::encode(Sha256::digest(
        "Tolv leverandører deltok. Hovedpunktene var drift og pris.".as_bytes(),
    ));
    assert!(text.contains(&minutes_hash), "{text}");
    browser.axe("process page after publishing").await;
    browser.screenshot("process-minutes").await;
    assert_eq!(
        wait_for_kind(&smtp, "<consultation_summary-", 1)
            .await
            .len(),
        1
    );
    assert_eq!(wait_for_kind(&smtp, "<minutes-", 1).await.len(), 1);

    // The public event page shows both texts with their hashes.
    browser.goto(&app.url(&format!("/dialogues/{did}"))).await;
    browser.wait_for_text("Referat", WAIT).await;
    let text = browser.text().await;
    assert!(
        text.contains("Vi fjerner kravet om fem års drift"),
        "{text}"
    );
    assert!(text.contains("Tolv leverandører deltok."), "{text}");
    assert!(text.contains(&minutes_hash), "{text}");
    browser.axe("public event page with publications").await;
    browser.screenshot("event-publications").await;
    browser.close().await;
    let _ = std::fs::remove_file(path);
}
crate::browser_flow!(
    a_buyer_shares_a_draft_an_invitee_downloads_and_comments_and_the_buyer_publishes,
    consultation_in_the_browser
);
