//! The programme staff's pages (lifts, organisations, outbox) and the cluster's page, driven
//! over HTTP as a browser would: sign in with the form, keep cookies, post forms with CSRF.

use serde_json::{json, Value};

use crate::helpers::{need_body, orgnr, TestApp, TestUser};
use crate::on_both_databases;
use crate::web_helpers::{create_admin, forms, WebClient};

pub(crate) const NIGHT: &str = "Kommunen ønsker digitalt tilsyn om natten for beboere i omsorgsboliger, med sensorer som varsler ved fall og uro, slik at nattevakten kan prioritere.";
pub(crate) const NIGHT2: &str = "Vi trenger sensorer som varsler nattevakten ved fall eller uro hos beboere i omsorgsboliger, slik at digitalt tilsyn om natten kan erstatte fysiske runder.";

async fn admin_client(app: &TestApp) -> WebClient {
    let (email, password) = create_admin(app, "stab@program.no");
    WebClient::signed_in(app, &email, &password).await
}

/// A buyer's need and a joint process on it; returns the process id.
pub(crate) async fn process_of(app: &TestApp, buyer: &TestUser, title: &str, text: &str) -> String {
    let need = app.need(&buyer.token, need_body(title, text)).await;
    let res = app
        .post(
            "/api/v1/processes",
            &json!({"title": title, "description": "Felles anskaffelse.", "need_ids": [need["id"]], "procedure": "innovation_partnership"}),
            Some(&buyer.token),
        )
        .await;
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert_eq!(status, 201, "{body}");
    body["id"].as_str().unwrap().to_owned()
}

/// The path a 303 points to, without its query.
fn path_of(location: &Option<String>) -> String {
    location
        .as_deref()
        .expect("a redirect")
        .split('?')
        .next()
        .unwrap()
        .to_owned()
}

on_both_databases! {
    async fn an_admin_creates_a_lift_through_the_form_and_sees_it_on_the_lift_pages(app: TestApp) {
        let buyer = app.register("innkjop@kommune.no", 900, "buyer").await;
        let pid = process_of(&app, &buyer, "Digitalt nattilsyn", NIGHT).await;
        let web = admin_client(&app).await;

        let (status, body) = web.get("/lifts").await;
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("Nytt innovasjonsløft") && body.contains("Ingen innovasjonsløft ennå."), "{body}");

        // A mistake comes back as the form with the field marked and the text kept.
        let page = web.submit("/lifts", "/lifts", &[("title", " "), ("theme", "health_welfare"), ("description", "Trygg natt i hele landet.")]).await;
        assert_eq!(page.status, 400, "{}", page.body);
        assert!(page.body.contains("aria-invalid=\"true\"") && page.body.contains("Trygg natt i hele landet."), "{}", page.body);

        let page = web
            .submit("/lifts", "/lifts", &[("title", "Velferdsteknologiløftet"), ("theme", "health_welfare"), ("description", "Trygg natt i hele landet."), ("process_id", &pid)])
            .await;
        assert_eq!(page.status, 303, "{}", page.body);
        let lift_path = path_of(&page.location);
        assert!(lift_path.starts_with("/lifts/"), "{lift_path}");

        let (_, list) = web.get("/lifts").await;
        assert!(list.contains("Velferdsteknologiløftet") && list.contains(&format!("href=\"{lift_path}\"")), "{list}");
        assert!(list.contains("Digitalt nattilsyn"), "the lift's process is listed: {list}");

        // The lift's page is public: anyone sees it with its processes' summaries.
        let anonymous = WebClient::new(&app);
        let (status, lift) = anonymous.get(&lift_path).await;
        assert_eq!(status, 200, "{lift}");
        for expected in ["<h1>Velferdsteknologiløftet</h1>", "Helse og velferd", "Trygg natt i hele landet.", "Digitalt nattilsyn", "Behovsavklaring", &format!("Org {}", orgnr(900))] {
            assert!(lift.contains(expected), "{expected} missing from {lift}");
        }
        assert!(!lift.contains("Felles anskaffelse."), "a process's description is for its insiders only");
        let (status, _) = anonymous.get("/lifts/00000000-0000-4000-8000-000000000000").await;
        assert_eq!(status, 404);
        let (status, _) = anonymous.get("/lifts/not-a-lift").await;
        assert_eq!(status, 404);

        // The API sees the same lift with the process attached.
        let id = lift_path.trim_start_matches("/lifts/");
        let view: Value = app.get(&format!("/api/v1/lifts/{id}"), Some(&buyer.token)).await.json().await.unwrap();
        assert_eq!(view["processes"][0]["id"], pid.as_str());
    }

    async fn the_lifts_page_explains_a_suggestion_and_its_button_creates_the_lift(app: TestApp) {
        let a = app.register("a@kommune.no", 910, "buyer").await;
        let b = app.register("b@kommune.no", 911, "buyer").await;
        let pa = process_of(&app, &a, "Digitalt nattilsyn i omsorgsboliger", NIGHT).await;
        let pb = process_of(&app, &b, "Nattilsyn med sensorer i omsorgsbolig", NIGHT2).await;
        let web = admin_client(&app).await;
        // Wait until both needs are in the index and the suggestion shows.
        let started = std::time::Instant::now();
        let body = loop {
            let (status, body) = web.get("/lifts").await;
            assert_eq!(status, 200, "{body}");
            if body.contains("Opprett løft fra forslaget") || started.elapsed() > std::time::Duration::from_secs(30) {
                break body;
            }
            actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
        };
        assert!(body.contains("Fellesprosesser som kan bli et løft"), "{body}");
        assert!(body.contains("Felles ord"), "the suggestion is explained: {body}");
        let form = forms(&body)
            .into_iter()
            .find(|f| f.action == "/lifts" && !f.all("process_id").is_empty())
            .expect("a form to create a lift from the suggestion");
        let mut linked = form.all("process_id");
        linked.sort();
        let mut expected = vec![pa.as_str(), pb.as_str()];
        expected.sort();
        assert_eq!(linked, expected);
        assert!(form.get("title").is_some_and(|t| !t.is_empty()), "the title is filled in: {form:?}");
        assert_eq!(form.get("theme"), Some("climate_environment"), "the theme of the needs is chosen: {form:?}");

        let page = web.send_form(&form).await;
        assert_eq!(page.status, 303, "{}", page.body);
        let (_, lift) = web.get(&path_of(&page.location)).await;
        assert!(lift.contains("Digitalt nattilsyn i omsorgsboliger") && lift.contains("Nattilsyn med sensorer i omsorgsbolig"), "{lift}");
        // Both processes are now in a lift, so the same group is not proposed again.
        let (_, after) = web.get("/lifts").await;
        assert!(!after.contains("Opprett løft fra forslaget"), "{after}");
    }

    async fn someone_who_is_not_programme_staff_gets_a_403_page_on_the_admin_pages(app: TestApp) {
        let buyer = app.register("innkjop@kommune.no", 920, "buyer").await;
        let web = WebClient::signed_in(&app, &buyer.email, &buyer.password).await;
        for path in ["/lifts", "/admin/outbox", "/admin/organisations"] {
            let page = web.get_page(path).await;
            assert_eq!(page.status, 403, "{path}: {}", page.body);
            assert!(page.body.starts_with("<!doctype html>") && page.body.contains("Ingen tilgang"), "{path}: a proper page: {}", page.body);
        }
        let page = web.submit("/dashboard", "/lifts", &[("title", "Mitt løft"), ("theme", "other"), ("description", "d")]).await;
        assert_eq!(page.status, 403, "{}", page.body);
        let page = web.get_page("/cluster").await;
        assert_eq!(page.status, 403, "the cluster page is for clusters");

        // Without signing in, the admin pages lead to the sign-in page and back.
        let anonymous = WebClient::new(&app);
        let page = anonymous.get_page("/admin/outbox").await;
        assert_eq!(page.status, 303);
        assert_eq!(page.location.as_deref(), Some("/login?next=%2Fadmin%2Foutbox"));
    }

    async fn a_cluster_adds_a_member_and_proposes_it_to_a_process_in_market_dialogue(app: TestApp) {
        let buyer = app.register("innkjop@kommune.no", 930, "buyer").await;
        let cluster = app.register("post@klynge.no", 931, "cluster").await;
        let supplier = app.register("post@lev.no", 932, "supplier").await;
        let pid = process_of(&app, &buyer, "Felles nattilsyn", NIGHT).await;
        let res = app.post(&format!("/api/v1/processes/{pid}/phase"), &json!({"to": "market_dialogue"}), Some(&buyer.token)).await;
        assert_eq!(res.status(), 200);

        let web = WebClient::signed_in(&app, &cluster.email, &cluster.password).await;
        let (status, body) = web.get("/cluster").await;
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("Klyngen har ingen medlemmer ennå.") && body.contains("Legg til medlemmer før dere kan foreslå dem."), "{body}");

        // A wrong organisation number is shown on the form.
        let page = web.submit("/cluster", "/cluster/members", &[("orgnr", "123")]).await;
        assert_eq!(page.status, 400, "{}", page.body);
        assert!(page.body.contains("id=\"e-orgnr\""), "{}", page.body);

        let page = web.submit("/cluster", "/cluster/members", &[("orgnr", &orgnr(932))]).await;
        assert_eq!(page.status, 303, "{}", page.body);
        assert_eq!(page.location.as_deref(), Some("/cluster?done=added"));
        let (_, body) = web.get("/cluster?done=added").await;
        assert!(body.contains("Forespørselen er sendt.") && body.contains("Venter på svar") && body.contains(&format!("Org {}", orgnr(932))), "{body}");
        assert!(!body.contains("/cluster/proposals\""), "nobody to propose until the member accepts: {body}");

        // The supplier's owner accepts on its own page.
        let member_web = WebClient::signed_in(&app, &supplier.email, &supplier.password).await;
        let (_, own) = member_web.get("/organisation").await;
        assert!(own.contains("ber om å få føre dere opp som medlem"), "{own}");
        let page = member_web.submit("/organisation", &format!("/organisation/clusters/{}/accept", cluster.organisation_id), &[]).await;
        assert_eq!(page.status, 303, "{}", page.body);
        let (_, own) = member_web.get("/organisation?done=cluster_accepted").await;
        assert!(own.contains("Dere er nå medlem av klyngen."), "{own}");
        let (_, body) = web.get("/cluster").await;
        let form = forms(&body).into_iter().find(|f| f.action == "/cluster/proposals").expect("the proposal form");
        assert!(body.contains(&format!("<option value=\"{pid}\">Felles nattilsyn</option>")), "the process takes proposals: {body}");
        assert!(form.all("supplier_id").len() == 1);

        // Proposing without choosing a process is refused on the form.
        let page = web.submit("/cluster", "/cluster/proposals", &[("process_id", ""), ("supplier_id", &supplier.organisation_id), ("note", "Erfaren")]).await;
        assert_eq!(page.status, 400, "{}", page.body);
        assert!(page.body.contains("id=\"e-process_id\""), "{}", page.body);

        let page = web
            .submit("/cluster", "/cluster/proposals", &[("process_id", &pid), ("supplier_id", &supplier.organisation_id), ("note", "Erfaren med sensorer i omsorgsboliger")])
            .await;
        assert_eq!(page.status, 303, "{}", page.body);
        assert_eq!(page.location.as_deref(), Some("/cluster?done=proposed"));
        let (_, body) = web.get("/cluster?done=proposed").await;
        assert!(body.contains("Forslaget er sendt til innkjøperne.") && body.contains("Venter på svar") && body.contains("Erfaren med sensorer i omsorgsboliger"), "{body}");

        // The lead buyer sees the proposal through the API.
        let proposals: Value = app.get(&format!("/api/v1/processes/{pid}/proposals"), Some(&buyer.token)).await.json().await.unwrap();
        assert_eq!(proposals["items"].as_array().unwrap().len(), 1, "{proposals}");
        assert_eq!(proposals["items"][0]["supplier_id"], supplier.organisation_id.as_str());
        assert_eq!(proposals["items"][0]["note"], "Erfaren med sensorer i omsorgsboliger");

        // The owner removes the member again.
        let page = web.submit("/cluster", &format!("/cluster/members/{}/remove", supplier.organisation_id), &[]).await;
        assert_eq!(page.status, 303, "{}", page.body);
        let (_, body) = web.get("/cluster?done=removed").await;
        assert!(body.contains("Medlemmet er fjernet.") && body.contains("Klyngen har ingen medlemmer ennå."), "{body}");
    }

    async fn a_form_posted_without_its_csrf_token_is_refused_with_a_403_page(app: TestApp) {
        let web = admin_client(&app).await;
        let fields = [("title", "Løft uten token"), ("theme", "other"), ("description", "d")];
        let page = web.post_form("/lifts", &fields).await;
        assert_eq!(page.status, 403, "{}", page.body);
        assert!(page.body.contains("Skjemaet er utløpt"), "{}", page.body);
        let page = web.post_form("/lifts", &[("csrf", "0".repeat(64).as_str()), fields[0], fields[1], fields[2]]).await;
        assert_eq!(page.status, 403, "a wrong token is refused too");
        let (_, list) = web.get("/lifts").await;
        assert!(!list.contains("Løft uten token"), "nothing was created");
    }

    async fn an_admin_finds_organisations_with_their_users(app: TestApp) {
        app.register("eier@kommune.no", 940, "buyer").await;
        app.register("eier@lev.no", 941, "supplier").await;
        let web = admin_client(&app).await;
        let (status, body) = web.get("/admin/organisations").await;
        assert_eq!(status, 200, "{body}");
        for expected in [format!("Org {}", orgnr(940)), format!("Org {}", orgnr(941)), "eier@kommune.no".into(), "eier@lev.no".into(), "Eier".into(), "Vestland".into(), "Offentlig innkjøper".into()] {
            assert!(body.contains(&expected), "{expected} missing from {body}");
        }
        let (status, body) = web.get(&format!("/admin/organisations?q={}", orgnr(941))).await;
        assert_eq!(status, 200);
        assert!(body.contains("eier@lev.no") && !body.contains("eier@kommune.no"), "{body}");
        let (_, body) = web.get("/admin/organisations?kind=buyer").await;
        assert!(body.contains("eier@kommune.no") && !body.contains("eier@lev.no"), "{body}");
        let (status, _) = web.get("/admin/organisations?kind=agency").await;
        assert_eq!(status, 400);
    }

    async fn an_admin_sees_failed_and_waiting_emails_in_the_outbox(app: TestApp) {
        let mut conn = innolift::db::connect(&app.settings.database_url).unwrap();
        let now = innolift::db::now();
        for (status, recipient, error, next) in [
            ("failed", "feil@lev.no", Some("550 mailbox unavailable"), now),
            ("queued", "venter@lev.no", None, now + chrono::Duration::days(1)),
        ] {
            let row = innolift::db::dialogues::OutboxRow {
                id: uuid::Uuid::new_v4().to_string(),
                kind: "invitation".into(),
                invitation_id: None,
                dialogue_id: None,
                recipient: recipient.into(),
                subject: format!("Invitasjon til {recipient}"),
                message_id: format!("<{}@innolift.test>", uuid::Uuid::new_v4()),
                body: Some("hei".into()),
                sha256: "0".repeat(64),
                status: status.into(),
                attempts: 3,
                next_attempt_at: next,
                claimed_until: None,
                last_error: error.map(str::to_owned),
                sent_at: None,
                created_at: now,
                about_id: None,
            };
            innolift::db::dialogues::enqueue(&mut conn, &row).unwrap();
        }
        let web = admin_client(&app).await;
        let (status, body) = web.get("/admin/outbox").await;
        assert_eq!(status, 200, "{body}");
        for expected in ["Siste e-poster som feilet", "feil@lev.no", "Invitasjon til feil@lev.no", "550 mailbox unavailable", "venter@lev.no", "<dd>1</dd>"] {
            assert!(body.contains(expected), "{expected} missing from {body}");
        }
    }
}
