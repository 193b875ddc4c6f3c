//! Each user's main flow, walked in headless Chromium, with axe-core on every page it passes and
//! screenshots kept in target/test-artifacts/screenshots.

use std::time::Duration;

use serde_json::{json, Value};

use crate::browser::Browser;
use crate::dialogues::{app_with_mail, event, rsvp_token, SmtpServer};
use crate::helpers::{spawn_app, Backend, TestApp};

const WAIT: Duration = Duration::from_secs(10);

/// Runs a flow on both databases, each with its own server and browser.
#[macro_export]
macro_rules! browser_flow {
    ($name:ident, $run:ident) => {
        mod $name {
            use super::*;

            #[actix_web::test]
            async fn sqlite() {
                $run(Backend::Sqlite).await
            }

            #[actix_web::test]
            async fn postgres() {
                $run(Backend::Postgres).await
            }
        }
    };
}

async fn supplier_with_capability(
    app: &TestApp,
    email: &str,
    seed: u32,
) -> crate::helpers::TestUser {
    let supplier = app.register_with_contact(email, seed, "supplier").await;
    let cap = app
        .capability(
            &supplier.token,
            json!({
                "title": "Sensorbasert fallvarsling for hjemmeboende",
                "description": "Sensorer i boligen varsler hjemmetjenesten når eldre faller, uten kamera. Velferdsteknologi for trygghet hjemme.",
                "themes": ["health_welfare"],
                "counties": ["46"],
            }),
        )
        .await;
    app.wait_indexed(&supplier.token, cap["id"].as_str().unwrap())
        .await;
    supplier
}

/// Sets a field's value with script: date and time inputs take typed keys in the browser's
/// locale format, which would make the test depend on it.
pub(crate) async fn set_value(browser: &Browser, id: &str, value: &str) {
    browser
        .client()
        .execute(
            "document.getElementById(arguments[0]).value = arguments[1];",
            vec![json!(id), json!(value)],
        )
        .await
        .unwrap();
}

async fn buyer_registers_creates_a_need_and_sees_matches(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.import_cpv();
    let supplier = supplier_with_capability(&app, "lev@sensor.no", 11).await;
    // A second matching capability of the same supplier: the page lists the supplier once,
    // with this one beside its best match.
    let second = app
        .capability(
            &supplier.token,
            json!({
                "title": "Fallalarm med varsling til hjemmetjenesten",
                "description": "Alarmen varsler hjemmetjenesten når eldre som bor hjemme faller.",
                "themes": ["health_welfare"],
                "counties": ["46"],
            }),
        )
        .await;
    app.wait_indexed(&supplier.token, second["id"].as_str().unwrap())
        .await;
    let supplier_org: Value = app
        .get("/api/v1/me", Some(&supplier.token))
        .await
        .json()
        .await
        .unwrap();
    let supplier_name = supplier_org["organisation"]["name"]
        .as_str()
        .unwrap()
        .to_owned();
    let Some(browser) = Browser::start().await else {
        return;
    };

    browser.goto(&app.url("/")).await;
    browser.axe("front page").await;
    browser.screenshot("front-page").await;

    browser.goto(&app.url("/register")).await;
    browser.axe("register").await;
    browser.fill("Navn", "Kari Kjøper").await;
    browser.fill("E-post", "kari@bergen.kommune.no").await;
    browser.fill("Passord", "et langt og godt passord").await;
    browser
        .fill("Organisasjonsnummer", &crate::helpers::orgnr(12))
        .await;
    browser.fill("Virksomhetens navn", "Bergen kommune").await;
    browser
        .select("Type virksomhet", "Offentlig innkjøper")
        .await;
    browser.select("Sektor (for innkjøpere)", "Kommunal").await;
    browser.select("Fylke", "Vestland").await;
    browser.screenshot("register").await;
    browser.click_button("Opprett bruker").await;
    browser.wait_for_text("Mine behov", WAIT).await;
    assert_eq!(browser.current_path().await, "/dashboard");
    browser.axe("buyer dashboard").await;
    browser.screenshot("buyer-dashboard").await;

    browser.goto(&app.url("/needs/new")).await;
    browser
        .fill("Tittel", "Færre fallulykker hos hjemmeboende eldre")
        .await;
    browser
        .fill(
            "Beskrivelse av behovet",
            "Eldre som bor hjemme faller og blir liggende. Vi trenger varsling til hjemmetjenesten når noen faller, uten kamera.",
        )
        .await;
    browser.check("Helse og velferd").await;
    browser.click_button("Foreslå koder fra teksten").await;
    browser.wait_for_text("fordi teksten nevner", WAIT).await;
    browser.axe("need form with CPV suggestions").await;
    browser.screenshot("need-form").await;
    // The first suggested code: its label depends on the vocabulary, so tick it by position.
    browser
        .client()
        .execute(
            "document.querySelector('input[name=cpv_codes]').click();",
            vec![],
        )
        .await
        .unwrap();
    browser.check("Vestland").await;
    browser.click_button("Lagre").await;
    browser
        .wait_for_text("Leverandører og klynger som passer", WAIT)
        .await;
    let text = browser.text().await;
    assert!(text.contains("Færre fallulykker hos hjemmeboende eldre"));
    assert!(
        text.contains(&supplier_name),
        "the matching supplier is listed: {text}"
    );
    assert!(text.contains("Felles ord"), "each match says why: {text}");
    assert_eq!(
        text.matches(supplier_name.as_str()).count(),
        1,
        "each supplier once: {text}"
    );
    assert!(
        text.contains("Også fra denne virksomheten"),
        "the supplier's other capability beside its best: {text}"
    );
    browser.axe("need page with matches").await;
    browser.screenshot("need-with-matches").await;
    browser.close().await;
}
browser_flow!(
    a_buyer_registers_creates_a_need_and_sees_matches,
    buyer_registers_creates_a_need_and_sees_matches
);

async fn buyer_starts_a_joint_process_and_invites_suppliers(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    supplier_with_capability(&app, "lev@sensor.no", 21).await;
    let supplier_name = format!("Org {}", crate::helpers::orgnr(21));
    let lead = app.register("lead@bergen.kommune.no", 22, "buyer").await;
    let other = app.register("annen@voss.kommune.no", 23, "buyer").await;
    let body = |title: &str| json!({"title": title, "description": "Eldre som faller hjemme skal få hjelp raskt. Varsling med sensorer til hjemmetjenesten.", "themes": ["health_welfare"], "counties": ["46"], "status": "open"});
    let need = app.need(&lead.token, body("Fallvarsling for eldre")).await;
    let theirs = app
        .need(&other.token, body("Varsling når eldre faller"))
        .await;
    app.wait_indexed(&other.token, theirs["id"].as_str().unwrap())
        .await;
    let other_name = format!("Org {}", crate::helpers::orgnr(23));
    let Some(browser) = Browser::start().await else {
        return;
    };

    browser.goto(&app.url("/login")).await;
    browser.axe("login").await;
    browser.fill("E-post", &lead.email).await;
    browser.fill("Passord", &lead.password).await;
    browser.click_button("Logg inn").await;
    browser.wait_for_text("Mine behov", WAIT).await;

    browser
        .goto(&app.url(&format!("/needs/{}", need["id"].as_str().unwrap())))
        .await;
    browser
        .wait_for_text("Lignende behov hos andre", WAIT)
        .await;
    browser
        .check(&format!("{other_name}: Varsling når eldre faller"))
        .await;
    browser.click_button("Start fellesprosess").await;
    browser.wait_for_text("Faser og historikk", WAIT).await;
    assert!(browser.current_path().await.starts_with("/processes/"));
    let text = browser.text().await;
    assert!(
        text.contains(&other_name) && text.contains("invitert"),
        "{text}"
    );

    browser.select("Flytt til fase", "Markedsdialog").await;
    browser.click_button("Flytt fase").await;
    browser.wait_for_text("Nytt dialogmøte", WAIT).await;
    browser
        .fill("Tittel", "Dialogkonferanse om fallvarsling")
        .await;
    browser
        .fill(
            "Program og formål",
            "Vi presenterer behovet og hører hva markedet kan.",
        )
        .await;
    set_value(&browser, "f-starts_at", "2027-03-01T09:00").await;
    set_value(&browser, "f-ends_at", "2027-03-01T12:00").await;
    set_value(&browser, "f-response_deadline", "2027-02-20T16:00").await;
    browser.fill("Sted", "Rådhuset, Bergen").await;
    browser.click_button("Opprett dialogmøte").await;
    browser
        .wait_for_text("Dialogkonferanse om fallvarsling", WAIT)
        .await;
    browser.click_button("Inviter de beste treffene").await;
    browser.wait_for_text("1 invitert", WAIT).await;
    browser.wait_for_text(&supplier_name, WAIT).await;
    let text = browser.text().await;
    assert!(
        text.contains("i kø for sending") || text.contains("sendt"),
        "the invitation's state is shown: {text}"
    );
    browser.axe("process page").await;
    browser.screenshot("process").await;
    browser.close().await;
}
browser_flow!(
    a_buyer_starts_a_joint_process_and_invites_suppliers,
    buyer_starts_a_joint_process_and_invites_suppliers
);

async fn supplier_answers_an_invitation_through_its_link(backend: Backend) {
    let mut smtp = SmtpServer::unstarted();
    if !smtp.start() {
        return;
    }
    let Some(app) = app_with_mail(backend, &smtp).await else {
        return;
    };
    let (buyer, _, did) = event(&app, 31).await;
    let supplier = app
        .register_with_contact("svar@ferje.no", 32, "supplier")
        .await;
    let res = app
        .post(
            &format!("/api/v1/dialogues/{did}/invitations"),
            &json!({"supplier_ids": [supplier.organisation_id]}),
            Some(&buyer.token),
        )
        .await;
    assert_eq!(res.status(), 201);
    let messages = smtp.wait_for(1, WAIT).await;
    assert_eq!(messages.len(), 1, "the invitation arrives");
    let token = rsvp_token(&messages[0]);
    let Some(browser) = Browser::start().await else {
        return;
    };

    browser.goto(&app.url(&format!("/rsvp/{token}"))).await;
    browser
        .wait_for_text("Dialogkonferanse om elektriske ferjer", WAIT)
        .await;
    browser.axe("answer page").await;
    browser.screenshot("rsvp").await;
    browser.check("Vi deltar").await;
    browser.fill("Antall deltakere", "2").await;
    browser
        .fill(
            "Kommentar (ses bare av innkjøperne)",
            "Vi tar med en prototyp.",
        )
        .await;
    browser.click_button("Send svar").await;
    browser
        .wait_for_text("Svaret ditt er registrert", WAIT)
        .await;
    browser.axe("answer received").await;

    let answers: Value = app
        .get(
            &format!("/api/v1/dialogues/{did}/answers"),
            Some(&buyer.token),
        )
        .await
        .json()
        .await
        .unwrap();
    let items = answers["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{answers}");
    assert_eq!(items[0]["answer"], "attending");
    assert_eq!(items[0]["attendees"], 2);
    assert_eq!(items[0]["comment"], "Vi tar med en prototyp.");

    // The same link shows the answer given, in English when the switch is used.
    browser.goto(&app.url(&format!("/rsvp/{token}"))).await;
    browser.click_link("English").await;
    browser.wait_for_text("Send answer", WAIT).await;
    browser.axe("answer page in English").await;
    browser.screenshot("rsvp-en").await;
    browser.close().await;
}
browser_flow!(
    a_supplier_answers_an_invitation_through_its_link,
    supplier_answers_an_invitation_through_its_link
);

async fn administrator_creates_a_lift(backend: Backend) {
    use crate::web_admin::{process_of, NIGHT, NIGHT2};
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let a = app.register("a@kommune.no", 41, "buyer").await;
    let b = app.register("b@kommune.no", 42, "buyer").await;
    process_of(&app, &a, "Digitalt nattilsyn i omsorgsboliger", NIGHT).await;
    process_of(&app, &b, "Nattilsyn med sensorer i omsorgsbolig", NIGHT2).await;
    let (email, password) = crate::web_helpers::create_admin(&app, "stab@program.no");
    let Some(browser) = Browser::start().await else {
        return;
    };

    browser.goto(&app.url("/login")).await;
    browser.fill("E-post", &email).await;
    browser.fill("Passord", &password).await;
    browser.click_button("Logg inn").await;
    browser.wait_for_text("Programmet i tall", WAIT).await;
    browser.axe("staff dashboard").await;

    // The suggestion shows once both needs are in the index. The bound is generous because
    // the whole suite shares two cores; the loop ends as soon as the suggestion is there.
    let started = std::time::Instant::now();
    loop {
        browser.goto(&app.url("/lifts")).await;
        let text = browser.text().await;
        if text.contains("Opprett løft fra forslaget") {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no lift suggestion after 30 s: {text}"
        );
        actix_web::rt::time::sleep(Duration::from_millis(200)).await;
    }
    browser.axe("lifts with a suggestion").await;
    browser.screenshot("lifts").await;
    browser.click_button("Opprett løft fra forslaget").await;
    // The suggestion on /lifts names the processes too, so only the path tells that the lift
    // page is there.
    browser.wait_for_path("/lifts/", WAIT).await;
    browser
        .wait_for_text("Digitalt nattilsyn i omsorgsboliger", WAIT)
        .await;
    let text = browser.text().await;
    assert!(
        text.contains("Nattilsyn med sensorer i omsorgsbolig"),
        "both processes are in the lift: {text}"
    );
    browser.axe("lift page").await;
    browser.screenshot("lift").await;

    // The staff pages for organisations and the outbox are reachable and accessible too.
    browser.goto(&app.url("/admin/organisations")).await;
    browser.axe("organisations").await;
    browser.goto(&app.url("/admin/outbox")).await;
    browser.axe("outbox").await;
    browser.goto(&app.url("/indicators")).await;
    browser.wait_for_text("Fellesprosesser", WAIT).await;
    browser.axe("indicators").await;
    browser.screenshot("indicators").await;
    browser.screenshot("outbox").await;
    browser.close().await;
}
browser_flow!(
    an_administrator_creates_a_lift,
    administrator_creates_a_lift
);

async fn supplier_and_cluster_pages(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let supplier = supplier_with_capability(&app, "lev@sensor.no", 51).await;
    let buyer = app.register("kjoper@kommune.no", 52, "buyer").await;
    app.need(
        &buyer.token,
        json!({"title": "Varsling av fall hos eldre", "description": "Eldre som faller hjemme skal få hjelp raskt, med sensorer som varsler hjemmetjenesten.", "themes": ["health_welfare"], "counties": ["46"], "status": "open"}),
    )
    .await;
    let cluster = app.register("klynge@helse.no", 53, "cluster").await;
    let (_, _, did) = event(&app, 54).await;
    let Some(browser) = Browser::start().await else {
        return;
    };

    browser.goto(&app.url(&format!("/dialogues/{did}"))).await;
    browser.axe("public event page").await;
    browser.screenshot("event").await;

    browser.goto(&app.url("/login")).await;
    browser.fill("E-post", &supplier.email).await;
    browser.fill("Passord", &supplier.password).await;
    browser.click_button("Logg inn").await;
    browser.wait_for_text("Vår kompetanse", WAIT).await;
    browser.axe("supplier dashboard").await;
    browser.screenshot("supplier-dashboard").await;
    browser.goto(&app.url("/capabilities/new")).await;
    browser.fill("Tittel", "Digital medisineringsstøtte").await;
    browser
        .fill(
            "Beskrivelse",
            "Medisindispensere som minner om og registrerer medisininntak hjemme.",
        )
        .await;
    browser.check("Helse og velferd").await;
    browser.check("Hele landet").await;
    browser.select("Modenhet", "I markedet").await;
    browser.axe("capability form").await;
    browser.click_button("Lagre").await;
    browser
        .wait_for_text("Digital medisineringsstøtte", WAIT)
        .await;
    assert_eq!(browser.current_path().await, "/dashboard");
    browser.click_button("Logg ut").await;
    browser.wait_for_text("Logg inn", WAIT).await;

    browser.goto(&app.url("/login")).await;
    browser.fill("E-post", &cluster.email).await;
    browser.fill("Passord", &cluster.password).await;
    browser.click_button("Logg inn").await;
    browser.wait_for_text("Min side", WAIT).await;
    browser.goto(&app.url("/cluster")).await;
    browser.axe("cluster page").await;
    browser.screenshot("cluster").await;
    browser.close().await;
}
browser_flow!(
    supplier_and_cluster_pages_pass_axe,
    supplier_and_cluster_pages
);
