//! Account self-service through the API and the pages: forgotten passwords, the account page,
//! the owner's page (invitations by link, removing users, handing over ownership) and the
//! sign-in page's notices.

use diesel::prelude::*;
use serde_json::{json, Value};

use crate::helpers::{error_of, spawn_app_with, Backend, TestApp, TestUser};
use crate::web_helpers::WebClient;

/// Runs `async fn(TestApp)` as `<name>::sqlite` and `<name>::postgres`, with the outbox worker
/// off so that queued emails stay in the outbox for the test to read.
macro_rules! on_both_with_outbox {
    ($(async fn $name:ident($app:ident: TestApp) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;

                async fn run($app: TestApp) $body

                #[actix_web::test]
                async fn sqlite() {
                    if let Some(app) = quiet_app(Backend::Sqlite).await {
                        run(app).await
                    }
                }

                #[actix_web::test]
                async fn postgres() {
                    if let Some(app) = quiet_app(Backend::Postgres).await {
                        run(app).await
                    }
                }
            }
        )*
    };
}

async fn quiet_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, |s| {
        s.outbox_worker = false;
        s.public_url = "https://innolift.test".into();
        s.login_max_failures_per_account = 3;
    })
    .await
}

/// The (recipient, message) of every queued email of `kind`.
fn outbox(app: &TestApp, kind: &str) -> Vec<(String, String)> {
    use innolift::db::schema::outbox::dsl as o;
    let mut conn = innolift::db::connect(&app.settings.database_url).unwrap();
    o::outbox
        .filter(o::kind.eq(kind))
        .order(o::created_at.asc())
        .select((o::recipient, o::body))
        .load::<(String, Option<String>)>(&mut conn)
        .unwrap()
        .into_iter()
        .map(|(to, body)| (to, body.unwrap_or_default()))
        .collect()
}

/// The 64-hex token after `marker` in a message's text part.
pub(crate) fn link_token(message: &str, marker: &str) -> String {
    let text = crate::dialogues::part(message, "text/plain").expect("a text part");
    let after = text
        .split(marker)
        .nth(1)
        .unwrap_or_else(|| panic!("no {marker} link in {text}"));
    let token: String = after.chars().take_while(char::is_ascii_hexdigit).collect();
    assert_eq!(token.len(), 64, "{text}");
    token
}

async fn ask_reset(app: &TestApp, email: &str) -> u16 {
    app.post(
        "/api/v1/auth/password-reset",
        &json!({"email": email}),
        None,
    )
    .await
    .status()
    .as_u16()
}

async fn confirm(app: &TestApp, token: &str, password: &str) -> reqwest::Response {
    app.post(
        "/api/v1/auth/password-reset/confirm",
        &json!({"token": token, "password": password}),
        None,
    )
    .await
}

async fn me_status(app: &TestApp, token: &str) -> u16 {
    app.get("/api/v1/me", Some(token)).await.status().as_u16()
}

/// An owner, and a colleague who registered through the owner's emailed invitation.
async fn owner_and_colleague(app: &TestApp, seed: u32) -> (TestUser, TestUser) {
    let owner = app
        .register(&format!("eier{seed}@kommune.no"), seed, "buyer")
        .await;
    let email = format!("kollega{seed}@kommune.no");
    let res = app
        .post(
            &format!("/api/v1/organisations/{}/users", owner.organisation_id),
            &json!({"email": email}),
            Some(&owner.token),
        )
        .await;
    assert_eq!(res.status(), 201);
    let mails: Vec<_> = outbox(app, "colleague_invite")
        .into_iter()
        .filter(|(to, _)| *to == email)
        .collect();
    assert_eq!(mails.len(), 1, "one invitation email");
    let token = link_token(&mails[0].1, "/register?invite=");
    let res = app
        .post(
            "/api/v1/auth/register",
            &json!({"email": email, "password": "kollegaens passord", "name": "Kari Kollega", "invite_token": token}),
            None,
        )
        .await;
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["organisation"]["id"], owner.organisation_id.as_str());
    assert_eq!(body["user"]["role"], "member");
    let colleague = TestUser {
        email,
        password: "kollegaens passord".into(),
        token: body["token"].as_str().unwrap().to_owned(),
        id: body["user"]["id"].as_str().unwrap().to_owned(),
        organisation_id: owner.organisation_id.clone(),
    };
    (owner, colleague)
}

on_both_with_outbox! {
    async fn an_unknown_email_answers_202_and_sends_nothing(app: TestApp) {
        app.register("kjent@kommune.no", 401, "buyer").await;
        assert_eq!(ask_reset(&app, "ukjent@kommune.no").await, 202);
        assert_eq!(ask_reset(&app, "not an address").await, 202, "a malformed address reveals nothing either");
        assert!(outbox(&app, "password_reset").is_empty(), "nothing is queued for an unknown address");
    }

    async fn a_known_email_gets_exactly_one_email_whose_link_works_once(app: TestApp) {
        let user = app.register("glemsk@kommune.no", 402, "buyer").await;
        assert_eq!(ask_reset(&app, "Glemsk@Kommune.no").await, 202);
        let mails = outbox(&app, "password_reset");
        assert_eq!(mails.len(), 1, "exactly one email");
        assert_eq!(mails[0].0, user.email);
        let text = crate::dialogues::part(&mails[0].1, "text/plain").unwrap();
        assert!(text.contains("https://innolift.test/password/reset/"), "{text}");
        let token = link_token(&mails[0].1, "/password/reset/");

        let res = confirm(&app, &token, "et helt nytt passord").await;
        assert_eq!(res.status(), 200);
        let fresh: Value = res.json().await.unwrap();
        assert_eq!(me_status(&app, fresh["token"].as_str().unwrap()).await, 200);
        assert_eq!(app.login(&user.email, &user.password).await.status(), 401, "the old password is gone");
        assert_eq!(app.login(&user.email, "et helt nytt passord").await.status(), 200);

        let res = confirm(&app, &token, "enda et nytt passord").await;
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"]["field"], "token", "{body}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains("used") && message.contains("new link"), "{message}");
        assert_eq!(app.login(&user.email, "enda et nytt passord").await.status(), 401, "a used link changes nothing");
    }

    async fn an_expired_or_unknown_link_fails_with_a_clear_message(app: TestApp) {
        let user = app.register("sein@kommune.no", 403, "buyer").await;
        assert_eq!(ask_reset(&app, &user.email).await, 202);
        let token = link_token(&outbox(&app, "password_reset")[0].1, "/password/reset/");
        {
            use innolift::db::schema::password_resets::dsl as r;
            let mut conn = innolift::db::connect(&app.settings.database_url).unwrap();
            diesel::update(r::password_resets)
                .set(r::expires_at.eq(innolift::db::now() - chrono::TimeDelta::minutes(1)))
                .execute(&mut conn)
                .unwrap();
        }
        let (code, field) = error_of(confirm(&app, &token, "et helt nytt passord").await, 400).await;
        assert_eq!((code.as_str(), field.as_deref()), ("validation_failed", Some("token")));
        let (_, field) = error_of(confirm(&app, &"0".repeat(64), "et helt nytt passord").await, 400).await;
        assert_eq!(field.as_deref(), Some("token"), "an unknown link");
        assert_eq!(app.login(&user.email, &user.password).await.status(), 200, "the password is unchanged");

        // The page behind the expired link says what to do instead of showing a form.
        let web = WebClient::new(&app);
        let (status, body) = web.get(&format!("/password/reset/{token}")).await;
        assert_eq!(status, 400);
        assert!(body.contains("Be om en ny lenke") && !body.contains("name=\"password\""), "{body}");
    }

    async fn a_weak_new_password_is_refused_and_the_link_still_works(app: TestApp) {
        let user = app.register("svak@kommune.no", 404, "buyer").await;
        assert_eq!(ask_reset(&app, &user.email).await, 202);
        let token = link_token(&outbox(&app, "password_reset")[0].1, "/password/reset/");
        let (_, field) = error_of(confirm(&app, &token, "kort").await, 400).await;
        assert_eq!(field.as_deref(), Some("password"));
        assert_eq!(confirm(&app, &token, "et langt nok passord").await.status(), 200);
    }

    async fn older_web_sessions_and_api_tokens_stop_working_after_a_reset(app: TestApp) {
        let user = app.register("okter@kommune.no", 405, "buyer").await;
        let web = WebClient::signed_in(&app, &user.email, &user.password).await;
        assert_eq!(me_status(&app, &user.token).await, 200);
        assert_eq!(ask_reset(&app, &user.email).await, 202);
        let token = link_token(&outbox(&app, "password_reset")[0].1, "/password/reset/");
        assert_eq!(confirm(&app, &token, "et helt nytt passord").await.status(), 200);
        assert_eq!(me_status(&app, &user.token).await, 401, "the old token is dead");
        let page = web.get_page("/dashboard").await;
        assert_eq!(page.status, 303);
        assert_eq!(page.location.as_deref(), Some("/login?next=%2Fdashboard&expired=1"));
    }

    async fn more_requests_than_the_limit_per_email_answer_202_but_send_nothing_more(app: TestApp) {
        let user = app.register("ivrig@kommune.no", 406, "buyer").await;
        for _ in 0..5 {
            assert_eq!(ask_reset(&app, &user.email).await, 202);
        }
        assert_eq!(outbox(&app, "password_reset").len(), 3, "three links an hour at most");
    }

    async fn a_removed_users_token_and_sessions_stop_working_at_once(app: TestApp) {
        let (owner, colleague) = owner_and_colleague(&app, 410).await;
        let web = WebClient::signed_in(&app, &colleague.email, &colleague.password).await;
        assert_eq!(me_status(&app, &colleague.token).await, 200);
        let res = app
            .delete(&format!("/api/v1/organisations/{}/users/{}", owner.organisation_id, colleague.id), &owner.token)
            .await;
        assert_eq!(res.status(), 204);
        assert_eq!(me_status(&app, &colleague.token).await, 401, "the token ends at once");
        assert_eq!(web.get_page("/dashboard").await.status, 303, "the session ends at once");
        let (code, _) = error_of(app.login(&colleague.email, &colleague.password).await, 403).await;
        assert_eq!(code, "forbidden", "a removed user cannot sign in again");
        let users: Value = app
            .get(&format!("/api/v1/organisations/{}/users", owner.organisation_id), Some(&owner.token))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(users["users"].as_array().unwrap().len(), 1, "{users}");
    }

    async fn a_non_owner_cannot_reach_the_owners_page_or_remove_users(app: TestApp) {
        let (owner, colleague) = owner_and_colleague(&app, 420).await;
        let web = WebClient::signed_in(&app, &colleague.email, &colleague.password).await;
        let (status, _) = web.get("/organisation").await;
        assert_eq!(status, 403);
        let (status, body) = web.get("/account").await;
        assert_eq!(status, 200);
        assert!(!body.contains("href=\"/organisation\""), "members get no link to the owner's page");
        let res = app
            .delete(&format!("/api/v1/organisations/{}/users/{}", owner.organisation_id, owner.id), &colleague.token)
            .await;
        error_of(res, 403).await;
        let page = web
            .submit("/account", &format!("/organisation/users/{}/remove", owner.id), &[])
            .await;
        assert_eq!(page.status, 403);
        assert_eq!(me_status(&app, &owner.token).await, 200, "the owner is untouched");
    }

    async fn an_owner_of_one_organisation_cannot_remove_a_user_of_another(app: TestApp) {
        let (_, colleague) = owner_and_colleague(&app, 430).await;
        let other = app.register("annen@kommune.no", 431, "buyer").await;
        let res = app
            .delete(&format!("/api/v1/organisations/{}/users/{}", other.organisation_id, colleague.id), &other.token)
            .await;
        error_of(res, 404).await;
        let res = app
            .delete(&format!("/api/v1/organisations/{}/users/{}", colleague.organisation_id, colleague.id), &other.token)
            .await;
        error_of(res, 403).await;
        let web = WebClient::signed_in(&app, &other.email, "et langt passord").await;
        let page = web
            .submit("/organisation", &format!("/organisation/users/{}/remove", colleague.id), &[])
            .await;
        assert_eq!(page.status, 404);
        assert_eq!(me_status(&app, &colleague.token).await, 200, "the colleague is untouched");
    }

    async fn an_owner_hands_ownership_to_a_colleague(app: TestApp) {
        let (owner, colleague) = owner_and_colleague(&app, 440).await;
        let res = app
            .post(&format!("/api/v1/organisations/{}/owner", owner.organisation_id), &json!({"user_id": colleague.id}), Some(&owner.token))
            .await;
        assert_eq!(res.status(), 204);
        let new_owner = WebClient::signed_in(&app, &colleague.email, &colleague.password).await;
        let (status, body) = new_owner.get("/organisation").await;
        assert_eq!(status, 200);
        assert!(body.contains(&owner.email), "the owner's page lists the users");
        let old_owner = WebClient::signed_in(&app, &owner.email, &owner.password).await;
        assert_eq!(old_owner.get("/organisation").await.0, 403, "the former owner is a member now");
    }

    async fn an_invitation_link_works_once_and_only_for_its_address(app: TestApp) {
        let owner = app.register("eier@verft.no", 450, "supplier").await;
        let res = app
            .post(&format!("/api/v1/organisations/{}/users", owner.organisation_id), &json!({"email": "ny@verft.no"}), Some(&owner.token))
            .await;
        assert_eq!(res.status(), 201);
        let token = link_token(&outbox(&app, "colleague_invite")[0].1, "/register?invite=");
        let wrong = json!({"email": "annen@verft.no", "password": "et langt passord", "name": "Feil", "invite_token": token});
        let (_, field) = error_of(app.post("/api/v1/auth/register", &wrong, None).await, 400).await;
        assert_eq!(field.as_deref(), Some("email"));
        let right = json!({"email": "ny@verft.no", "password": "et langt passord", "name": "Ny", "invite_token": token});
        assert_eq!(app.post("/api/v1/auth/register", &right, None).await.status(), 201);
        let again = json!({"email": "tredje@verft.no", "password": "et langt passord", "name": "Tredje", "invite_token": token});
        let (_, field) = error_of(app.post("/api/v1/auth/register", &again, None).await, 400).await;
        assert_eq!(field.as_deref(), Some("invite"), "a used invitation link");
        let web = WebClient::new(&app);
        let (_, body) = web.get(&format!("/register?invite={token}")).await;
        assert!(body.contains("Invitasjonslenken er brukt"), "{body}");
    }

    async fn the_sign_in_page_after_an_ended_session_says_so_and_returns_to_the_page(app: TestApp) {
        let user = app.register("tilbake@kommune.no", 460, "buyer").await;
        let web = WebClient::signed_in(&app, &user.email, &user.password).await;
        {
            use innolift::db::schema::web_sessions::dsl as w;
            let mut conn = innolift::db::connect(&app.settings.database_url).unwrap();
            diesel::update(w::web_sessions)
                .set(w::expires_at.eq(innolift::db::now() - chrono::TimeDelta::minutes(1)))
                .execute(&mut conn)
                .unwrap();
        }
        let page = web.get_page("/account?x=1").await;
        assert_eq!(page.status, 303);
        let location = page.location.unwrap();
        assert_eq!(location, "/login?next=%2Faccount%3Fx%3D1&expired=1");
        let (status, body) = web.get(&location).await;
        assert_eq!(status, 200);
        assert!(body.contains("Økten din er utløpt. Logg inn igjen."), "{body}");
        assert!(body.contains("href=\"/password/forgot\""), "the sign-in page links to the forgotten password");
        let page = web
            .submit(&location, "/login", &[("email", &user.email), ("password", &user.password), ("next", "/account?x=1")])
            .await;
        assert_eq!(page.location.as_deref(), Some("/account?x=1"));
        let page = WebClient::new(&app)
            .submit("/login", "/login", &[("email", &user.email), ("password", &user.password), ("next", "//evil.example/")])
            .await;
        assert_eq!(page.location.as_deref(), Some("/dashboard"), "next stays a local path");
        // Browsers drop a TAB and read a backslash as a slash: neither leads off the site.
        for next in ["/\t/evil.example/", "/\\evil.example/"] {
            let page = WebClient::new(&app)
                .submit("/login", "/login", &[("email", &user.email), ("password", &user.password), ("next", next)])
                .await;
            assert_eq!(page.location.as_deref(), Some("/dashboard"), "{next:?}");
        }

        // A visitor who never signed in is not told that a session expired.
        let fresh = WebClient::new(&app);
        let page = fresh.get_page("/account").await;
        assert_eq!(page.location.as_deref(), Some("/login?next=%2Faccount"));
    }

    async fn the_lockout_message_says_when_to_try_again(app: TestApp) {
        let user = app.register("sperret@kommune.no", 470, "buyer").await;
        let web = WebClient::new(&app);
        for _ in 0..3 {
            let page = web.submit("/login", "/login", &[("email", &user.email), ("password", "feil passord her")]).await;
            assert_eq!(page.status, 401);
        }
        let page = web.submit("/login", "/login", &[("email", &user.email), ("password", "feil passord her")]).await;
        assert_eq!(page.status, 429);
        let at = page.body.find("Du kan prøve igjen kl. ").expect("the lockout names a time") + "Du kan prøve igjen kl. ".len();
        let time: String = page.body[at..].chars().take(5).collect();
        let bytes = time.as_bytes();
        assert!(
            time.len() == 5 && bytes[2] == b'.' && [0, 1, 3, 4].iter().all(|&i| bytes[i].is_ascii_digit()),
            "a time like 17.05: {time}"
        );
    }

    async fn the_account_page_changes_the_name_and_password_and_ends_other_sessions(app: TestApp) {
        let user = app.register("konto@kommune.no", 480, "buyer").await;
        let here = WebClient::signed_in(&app, &user.email, &user.password).await;
        let elsewhere = WebClient::signed_in(&app, &user.email, &user.password).await;
        let (status, body) = here.get("/account").await;
        assert_eq!(status, 200);
        assert!(body.contains("konto@kommune.no") && body.contains("Org "), "name, email and organisation");
        assert!(body.contains("href=\"/organisation\""), "the owner gets the link to the owner's page");

        let page = here.submit("/account", "/account/name", &[("name", "   ")]).await;
        assert_eq!(page.status, 400);
        assert!(page.body.contains("id=\"e-name\""), "the error is beside the field");
        let page = here.submit("/account", "/account/name", &[("name", "Kari Nordmann")]).await;
        assert_eq!(page.location.as_deref(), Some("/account?done=name"));
        let (_, body) = here.get("/account?done=name").await;
        assert!(body.contains("Kari Nordmann") && body.contains("Navnet er lagret."));

        let page = here.submit("/account", "/account/sessions", &[]).await;
        assert_eq!(page.location.as_deref(), Some("/account?done=sessions"));
        assert_eq!(here.get("/account").await.0, 200, "this session stays");
        assert_eq!(elsewhere.get_page("/account").await.status, 303, "the other one ends");
        assert_eq!(me_status(&app, &user.token).await, 401, "and so do API tokens");

        let page = here
            .submit("/account", "/account/password", &[("current_password", "feil passord her"), ("new_password", "et nytt langt passord"), ("new_password_again", "et nytt langt passord")])
            .await;
        assert_eq!(page.status, 400);
        assert!(page.body.contains("id=\"e-current_password\""), "{}", page.body);
        let page = here
            .submit("/account", "/account/password", &[("current_password", &user.password), ("new_password", "et nytt langt passord"), ("new_password_again", "et annet langt passord")])
            .await;
        assert_eq!(page.status, 400);
        assert!(page.body.contains("id=\"e-new_password_again\""));
        let page = here
            .submit("/account", "/account/password", &[("current_password", &user.password), ("new_password", "et nytt langt passord"), ("new_password_again", "et nytt langt passord")])
            .await;
        assert_eq!(page.location.as_deref(), Some("/account?done=password"));
        assert_eq!(here.get("/account").await.0, 200, "this browser stays signed in");
        assert_eq!(app.login(&user.email, "et nytt langt passord").await.status(), 200);
    }
}
