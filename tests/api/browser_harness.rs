//! The browser harness itself: axe finds what it should, a clean page passes, and the helpers
//! drive a form by its labels. None of this needs the application.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use base64::Engine;
use futures_util::FutureExt;

use crate::browser::Browser;

/// A page as a `data:` URL, for tests that need no server.
fn data_url(html: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(html);
    format!("data:text/html;charset=utf-8;base64,{encoded}")
}

/// The message of a caught panic.
fn message(panic: Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default()
}

/// The Accept-Language header that the page server's answer page shows.
fn accept_language(page_text: &str) -> &str {
    page_text
        .lines()
        .find_map(|l| l.strip_prefix("språk: "))
        .unwrap_or_else(|| panic!("no Accept-Language in {page_text}"))
}

/// A 1×1 transparent GIF, so the image is real without a server.
const PIXEL: &str =
    "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";

#[actix_web::test]
async fn axe_reports_a_page_with_an_unlabelled_input_and_a_missing_alt() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    browser
        .goto(&data_url(&format!(
            r#"<!doctype html><html lang="nb"><head><title>Dårlig side</title></head>
               <body><main><h1>Dårlig side</h1>
               <img src="{PIXEL}">
               <input type="text" name="sok">
               </main></body></html>"#
        )))
        .await;

    let violations = browser.axe_violations().await;
    let rule = |id: &str| {
        violations
            .iter()
            .find(|v| v.id == id)
            .unwrap_or_else(|| panic!("axe missed {id}; it found {violations:#?}"))
    };
    let image_alt = rule("image-alt");
    assert_eq!(image_alt.impact.as_deref(), Some("critical"));
    assert!(image_alt.nodes[0].html.starts_with("<img"), "{image_alt:?}");
    let label = rule("label");
    assert!(label.is_serious(), "{label:?}");
    assert!(label.nodes[0].html.contains(r#"name="sok""#), "{label:?}");

    // The form the page tests use fails, naming both rules and the elements.
    let failure = AssertUnwindSafe(browser.axe("the bad page"))
        .catch_unwind()
        .await
        .expect_err("axe() passed a page with serious violations");
    let message = message(failure);
    for expected in [
        "the bad page",
        "image-alt (critical)",
        "label (",
        "<img",
        "sok",
    ] {
        assert!(
            message.contains(expected),
            "{expected:?} missing in: {message}"
        );
    }
    browser.close().await;
}

#[actix_web::test]
async fn a_clean_page_passes_axe_and_gets_a_screenshot() {
    let started = Instant::now();
    let Some(browser) = Browser::start().await else {
        return;
    };
    let start_took = started.elapsed();
    browser
        .goto(&data_url(&format!(
            r#"<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>Søk i behov</title></head>
               <body><main><h1>Søk i behov</h1>
               <img src="{PIXEL}" alt="">
               <form><label for="sok">Søkeord</label> <input id="sok" name="sok" type="search">
               <button type="submit">Søk</button></form>
               </main></body></html>"#
        )))
        .await;

    let axe_started = Instant::now();
    let violations = browser.axe("the clean page").await;
    let axe_took = axe_started.elapsed();
    assert!(violations.is_empty(), "{violations:#?}");

    let name = "browser-harness-clean-page";
    let expected = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("target/test-artifacts/screenshots/{name}.png"));
    let _ = std::fs::remove_file(&expected);
    let path = browser.screenshot(name).await;
    assert_eq!(path, expected);
    let png = std::fs::read(&path).expect("the screenshot exists");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    // The window has the size Chromium was started with, so screenshots compare.
    let size = browser.client().get_window_size().await.unwrap();
    assert_eq!(size, (1280, 900));
    browser.close().await;
    eprintln!(
        "browser start {start_took:?}, axe {axe_took:?}, all {:?}",
        started.elapsed()
    );
}

/// A small site: a form, the page it is sent to (which echoes the answers and the
/// Accept-Language header), and a page it links to. Returns its address.
fn serve_pages() -> String {
    async fn form() -> HttpResponse {
        page(
            "Skjema",
            r#"<form action="/svar">
                 <p><label for="navn">Navn</label> <input id="navn" name="navn"></p>
                 <p><label for="fylke">Fylke</label>
                    <select id="fylke" name="fylke"><option value="">Velg</option>
                    <option value="46">Vestland</option><option value="11">Rogaland</option></select></p>
                 <p><label><input type="checkbox" name="vilkar"> Jeg godtar vilkårene</label></p>
                 <p><label for="borte">Etikett uten felt</label></p>
                 <p><input name="uten" aria-label="Uten etikett"></p>
                 <button type="submit">Send</button>
               </form>"#,
        )
    }
    async fn answer(req: HttpRequest, query: web::Query<HashMap<String, String>>) -> HttpResponse {
        let mut answers: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
        answers.sort();
        let lang = req
            .headers()
            .get("accept-language")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("none");
        page(
            "Svar",
            &format!(
                r#"<p>{}</p><p>språk: {lang}</p><p><a href="/om">Om tjenesten</a></p>"#,
                answers.join("; ")
            ),
        )
    }
    async fn about() -> HttpResponse {
        page("Om tjenesten", "<p>Laget for testene.</p>")
    }
    fn page(title: &str, body: &str) -> HttpResponse {
        HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(format!(
                r#"<!doctype html><html lang="nb"><head><title>{title}</title></head>
               <body><main><h1>{title}</h1>{body}</main></body></html>"#
            ))
    }

    let server = HttpServer::new(|| {
        App::new()
            .route("/", web::get().to(form))
            .route("/svar", web::get().to(answer))
            .route("/om", web::get().to(about))
    })
    .workers(1)
    .disable_signals()
    .bind(("127.0.0.1", 0))
    .expect("bind the page server");
    let address = format!("http://127.0.0.1:{}", server.addrs()[0].port());
    actix_web::rt::spawn(server.run());
    address
}

#[actix_web::test]
async fn the_helpers_fill_a_form_by_its_labels_and_follow_links() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let site = serve_pages();
    browser.goto(&format!("{site}/")).await;

    browser.fill("Navn", "Kari Nordmann").await;
    browser.select("Fylke", "Vestland").await;
    browser.check("Jeg godtar vilkårene").await;
    browser.check("Jeg godtar vilkårene").await; // already ticked: stays ticked

    // Fields without a <label> cannot be filled, nor can labels that point at nothing.
    for (label, expected) in [
        ("Uten etikett", "no visible label \"Uten etikett\""),
        ("Etikett uten felt", "no field has its for=\"borte\""),
    ] {
        let failure = AssertUnwindSafe(browser.fill(label, "x"))
            .catch_unwind()
            .await
            .expect_err("filled a field without a label");
        let message = message(failure);
        assert!(message.contains(expected), "{message}");
    }

    browser.click_button("Send").await;
    browser
        .wait_for_text("navn=Kari Nordmann", Duration::from_secs(5))
        .await;
    assert_eq!(browser.current_path().await, "/svar");
    let text = browser.text().await;
    assert!(text.contains("fylke=46"), "{text}");
    assert!(text.contains("vilkar=on"), "{text}");
    assert_eq!(accept_language(&text), "nb-NO,nb;q=0.9");

    browser.click_link("Om tjenesten").await;
    browser
        .wait_for_text("Laget for testene.", Duration::from_secs(5))
        .await;
    assert_eq!(browser.current_path().await, "/om");
    browser.close().await;
}

#[actix_web::test]
async fn a_browser_started_in_english_asks_for_english_pages() {
    let Some(browser) = Browser::start_with_lang("en").await else {
        return;
    };
    let site = serve_pages();
    browser.goto(&format!("{site}/svar")).await;
    assert_eq!(accept_language(&browser.text().await), "en");
    browser.close().await;
}
