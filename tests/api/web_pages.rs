//! The web pages over HTTP: sessions, CSRF, escaping, others' drafts, language and error pages.

use reqwest::header::{ACCEPT_LANGUAGE, CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use serde_json::json;

use crate::helpers::{csrf_of, TestApp};
use crate::on_both_databases;

/// A browser without JavaScript: keeps cookies, does not follow redirects.
struct Page {
    client: reqwest::Client,
}

impl Page {
    fn new() -> Page {
        Page {
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
        }
    }

    async fn get(&self, app: &TestApp, path: &str) -> (u16, String) {
        let res = self.client.get(app.url(path)).send().await.unwrap();
        (res.status().as_u16(), res.text().await.unwrap())
    }

    async fn csrf(&self, app: &TestApp, path: &str) -> String {
        let (_, body) = self.get(app, path).await;
        csrf_of(&body).unwrap_or_else(|| panic!("no form on {path}"))
    }

    async fn post(&self, app: &TestApp, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(app.url(path))
            .form(fields)
            .send()
            .await
            .unwrap()
    }

    async fn sign_in(&self, app: &TestApp, email: &str, password: &str) -> reqwest::Response {
        let csrf = self.csrf(app, "/login").await;
        let res = self
            .post(
                app,
                "/login",
                &[("email", email), ("password", password), ("csrf", &csrf)],
            )
            .await;
        assert_eq!(res.status(), 303, "signing in redirects");
        res
    }
}

fn open_need(title: &str, status: &str) -> serde_json::Value {
    json!({
        "title": title,
        "description": "Vi trenger bedre varsling av fall hos eldre som bor hjemme, med sensorer.",
        "themes": ["health_welfare"],
        "counties": ["46"],
        "status": status,
    })
}

on_both_databases! {
    async fn a_form_posted_without_a_valid_csrf_token_gives_a_403_page(app: TestApp) {
        let page = Page::new();
        let _ = page.get(&app, "/login").await;
        for fields in [
            vec![("email", "a@b.no"), ("password", "et langt passord")],
            vec![("email", "a@b.no"), ("password", "et langt passord"), ("csrf", "0000")],
        ] {
            let res = page.post(&app, "/login", &fields).await;
            assert_eq!(res.status(), 403);
            assert!(res.headers()[CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
            let body = res.text().await.unwrap();
            assert!(body.contains("Skjemaet er utløpt"), "{body}");
        }
        // A token from another browser does not fit this browser's cookie.
        let other = Page::new();
        let foreign = other.csrf(&app, "/login").await;
        let res = page
            .post(&app, "/login", &[("email", "a@b.no"), ("password", "x"), ("csrf", &foreign)])
            .await;
        assert_eq!(res.status(), 403);
    }

    async fn user_text_shown_on_pages_is_escaped(app: TestApp) {
        let buyer = app.register("kjoper@kommune.no", 1, "buyer").await;
        let need = app.need(&buyer.token, open_need("<script>alert(1)</script>", "open")).await;
        let id = need["id"].as_str().unwrap();
        let page = Page::new();
        for path in ["/".to_owned(), format!("/needs/{id}")] {
            let (status, body) = page.get(&app, &path).await;
            assert_eq!(status, 200);
            assert!(!body.contains("<script>alert(1)"), "{path} shows raw markup");
            assert!(body.contains("&lt;script&gt;alert(1)"), "{path} shows the title as text");
        }
    }

    async fn pages_of_another_organisations_draft_give_404(app: TestApp) {
        let owner = app.register("eier@kommune.no", 2, "buyer").await;
        let other = app.register("annen@kommune.no", 3, "buyer").await;
        let draft = app.need(&owner.token, open_need("Hemmelig utkast", "draft")).await;
        let id = draft["id"].as_str().unwrap();
        let anonymous = Page::new();
        let (status, body) = anonymous.get(&app, &format!("/needs/{id}")).await;
        assert_eq!(status, 404);
        assert!(!body.contains("Hemmelig utkast"));
        let page = Page::new();
        page.sign_in(&app, &other.email, &other.password).await;
        for path in [format!("/needs/{id}"), format!("/needs/{id}/edit")] {
            let (status, body) = page.get(&app, &path).await;
            assert_eq!(status, 404, "{path}");
            assert!(body.contains("Fant ikke siden") && !body.contains("Hemmelig utkast"));
        }
        // Changing it through the form is refused the same way, and nothing changes.
        let csrf = page.csrf(&app, "/dashboard").await;
        let res = page
            .post(&app, &format!("/needs/{id}/edit"), &[("csrf", &csrf), ("title", "Endret"), ("description", "x"), ("themes", "other"), ("national", "on")])
            .await;
        assert_eq!(res.status(), 404);
        let owner_page = Page::new();
        owner_page.sign_in(&app, &owner.email, &owner.password).await;
        let (status, body) = owner_page.get(&app, &format!("/needs/{id}")).await;
        assert_eq!(status, 200);
        assert!(body.contains("Hemmelig utkast"));
    }

    async fn error_pages_are_pages_in_the_users_language(app: TestApp) {
        for (accept, text, lang) in [
            ("nb-NO,nb;q=0.9", "Fant ikke siden", "lang=\"nb\""),
            ("en-GB,en;q=0.9", "Page not found", "lang=\"en\""),
        ] {
            let res = app.client.get(app.url("/finnes/ikke")).header(ACCEPT_LANGUAGE, accept).send().await.unwrap();
            assert_eq!(res.status(), 404);
            assert!(res.headers()[CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
            let body = res.text().await.unwrap();
            assert!(body.contains(text) && body.contains(lang), "{body}");
        }
        // 403: a supplier cannot open the buyers' need form.
        let supplier = app.register("lev@firma.no", 4, "supplier").await;
        let page = Page::new();
        page.sign_in(&app, &supplier.email, &supplier.password).await;
        let (status, body) = page.get(&app, "/needs/new").await;
        assert_eq!(status, 403);
        assert!(body.contains("Ingen tilgang"));
        // The API keeps answering JSON.
        let res = app.client.get(app.url("/api/v1/finnes-ikke")).send().await.unwrap();
        assert_eq!(res.status(), 404);
        assert!(res.headers()[CONTENT_TYPE].to_str().unwrap().starts_with("application/json"));
    }

    async fn the_session_cookie_is_http_only_and_lax_and_signing_out_ends_it(app: TestApp) {
        let buyer = app.register("kjoper@etat.no", 5, "buyer").await;
        let page = Page::new();
        let res = page.sign_in(&app, &buyer.email, &buyer.password).await;
        let session = res
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .find(|c| c.starts_with("innolift_session="))
            .expect("a session cookie");
        assert!(session.contains("HttpOnly") && session.contains("SameSite=Lax"), "{session}");
        assert!(!session.contains("Secure"), "plain HTTP here, so not Secure: {session}");
        let (status, body) = page.get(&app, "/dashboard").await;
        assert_eq!(status, 200);
        assert!(body.contains("Mine behov"));
        let csrf = page.csrf(&app, "/dashboard").await;
        let res = page.post(&app, "/logout", &[("csrf", &csrf)]).await;
        assert_eq!(res.status(), 303);
        // The old cookie, replayed by hand, no longer opens anything.
        let value = session.split(';').next().unwrap().to_owned();
        let res = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .get(app.url("/dashboard"))
            .header(COOKIE, value)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        assert!(res.headers()[LOCATION].to_str().unwrap().starts_with("/login"));
    }

    async fn programme_staff_see_the_indicators_with_charts_and_others_do_not(app: TestApp) {
        let buyer = app.register("kjoper@etat.no", 6, "buyer").await;
        let need = app.need(&buyer.token, open_need("Fallvarsling", "open")).await;
        let res = app.post("/api/v1/processes", &json!({"title": "Fallvarsling sammen", "description": "d", "need_ids": [need["id"]], "procedure": "innovation_partnership"}), Some(&buyer.token)).await;
        assert_eq!(res.status(), 201);
        let page = Page::new();
        page.sign_in(&app, &buyer.email, &buyer.password).await;
        assert_eq!(page.get(&app, "/indicators").await.0, 403);
        let (email, password) = crate::web_helpers::create_admin(&app, "stab@program.no");
        let staff = Page::new();
        staff.sign_in(&app, &email, &password).await;
        let (status, body) = staff.get(&app, "/indicators").await;
        assert_eq!(status, 200);
        assert!(body.contains("<svg") && body.contains("Fellesprosesser") && body.contains("aria-label=\"Fellesprosesser: 1 / 25\""), "{body}");
        let (status, body) = staff.get(&app, "/indicators?county=03").await;
        assert_eq!(status, 200);
        assert!(body.contains("aria-label=\"Fellesprosesser: 0 / 25\""), "the county filter applies: {body}");
        assert_eq!(staff.get(&app, "/indicators?year=soon").await.0, 400);
    }

    async fn a_supplier_turns_its_digest_off_on_its_page(app: TestApp) {
        let supplier = app.register("lev@firma.no", 7, "supplier").await;
        let page = Page::new();
        page.sign_in(&app, &supplier.email, &supplier.password).await;
        let (_, body) = page.get(&app, "/dashboard").await;
        assert!(body.contains("Send meg daglig oppsummering") && body.contains("value=\"30\""), "{body}");
        let csrf = page.csrf(&app, "/dashboard").await;
        let res = page.post(&app, "/digest", &[("csrf", &csrf), ("threshold", "55")]).await;
        assert_eq!(res.status(), 303);
        let settings: serde_json::Value = app.get("/api/v1/digest", Some(&supplier.token)).await.json().await.unwrap();
        assert_eq!(settings, json!({"enabled": false, "threshold": 0.55}));
        let res = page.post(&app, "/digest", &[("csrf", &csrf), ("enabled", "on"), ("threshold", "150")]).await;
        assert_eq!(res.status(), 400);
    }

    async fn english_follows_accept_language_or_the_switch(app: TestApp) {
        let res = app.client.get(app.url("/")).header(ACCEPT_LANGUAGE, "en-US,en;q=0.8").send().await.unwrap();
        let body = res.text().await.unwrap();
        assert!(body.contains("lang=\"en\"") && body.contains("Open needs"));
        let page = Page::new();
        let (_, body) = page.get(&app, "/").await;
        assert!(body.contains("lang=\"nb\"") && body.contains("Åpne behov"));
        let res = page.client.get(app.url("/lang/en?next=/login")).send().await.unwrap();
        assert_eq!(res.status(), 303);
        assert_eq!(res.headers()[LOCATION], "/login");
        let (_, body) = page.get(&app, "/login").await;
        assert!(body.contains("lang=\"en\"") && body.contains("Sign in"));
        // An outside address is never a redirect target.
        for next in ["//evil.example", "/%09/evil.example/", "/%5Cevil.example", "/%0D%0A/evil.example"] {
            let res = page.client.get(app.url(&format!("/lang/nb?next={next}"))).send().await.unwrap();
            assert_eq!(res.headers()[LOCATION], "/", "{next}");
        }
    }
}
