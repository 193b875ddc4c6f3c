use serde_json::{json, Value};

use crate::helpers::{error_of, orgnr, registration};
use crate::on_both_databases;

on_both_databases! {
    async fn registering_a_new_organisation_makes_the_user_its_owner(app: TestApp) {
        let mut body = registration("Kari.Nordmann@Bergen.Kommune.no", "", "buyer");
        let spaced = orgnr(1);
        body["organisation"]["orgnr"] = json!(format!("{} {} {}", &spaced[..3], &spaced[3..6], &spaced[6..]));
        let res = app.post("/api/v1/auth/register", &body, None).await;
        assert_eq!(res.status(), 201);
        let json: Value = res.json().await.unwrap();
        assert_eq!(json["user"]["email"], "kari.nordmann@bergen.kommune.no");
        assert_eq!(json["user"]["role"], "owner");
        assert_eq!(json["organisation"]["orgnr"], spaced, "orgnr is stored without spaces");
        assert_eq!(json["organisation"]["kind"], "buyer");
        assert_eq!(json["organisation"]["sector"], "municipality");
        assert_eq!(json["organisation"]["county_name"], "Vestland");
        assert_eq!(json["user"]["organisation_id"], json["organisation"]["id"]);
        assert!(uuid::Uuid::parse_str(json["user"]["id"].as_str().unwrap()).is_ok(), "ids are UUIDs");
        assert!(json["user"]["created_at"].as_str().unwrap().ends_with('Z'), "timestamps are UTC");

        let me = app.get("/api/v1/me", json["token"].as_str()).await;
        assert_eq!(me.status(), 200);
        let me: Value = me.json().await.unwrap();
        assert_eq!(me["user"]["id"], json["user"]["id"]);
        assert_eq!(me["organisation"]["id"], json["organisation"]["id"]);
    }

    async fn a_wrong_orgnr_gives_400_naming_orgnr(app: TestApp) {
        let good = orgnr(2);
        let wrong_check = format!("{}{}", &good[..8], (good[8..].parse::<u32>().unwrap() + 1) % 10);
        for bad in [wrong_check.as_str(), "12345678", "1234567890", "9740A0673", ""] {
            let res = app.post("/api/v1/auth/register", &registration("a@b.no", bad, "supplier"), None).await;
            let (code, field) = error_of(res, 400).await;
            assert_eq!(code, "validation_failed", "orgnr {bad:?}");
            assert_eq!(field.as_deref(), Some("orgnr"), "orgnr {bad:?}");
        }
                // Nothing was written: the right orgnr still registers.
        app.register("a@b.no", 2, "supplier").await;
    }

    async fn a_duplicate_organisation_gives_409_saying_to_ask_the_owner(app: TestApp) {
        app.register("eier@leverandor.no", 3, "supplier").await;
        let res = app.post("/api/v1/auth/register", &registration("kollega@leverandor.no", &orgnr(3), "supplier"), None).await;
        let status = res.status();
        let body: Value = res.json().await.unwrap();
        assert_eq!(status, 409);
        assert_eq!(body["error"]["code"], "conflict");
        assert!(body["error"]["message"].as_str().unwrap().contains("ask its owner"), "{body}");
        let login = app.login("kollega@leverandor.no", "et langt passord").await;
        assert_eq!(login.status(), 401, "the refused registration created no account");
    }

    async fn a_short_password_gives_400(app: TestApp) {
        let mut body = registration("a@b.no", &orgnr(4), "supplier");
        body["password"] = json!("for kort");
        let (_, field) = error_of(app.post("/api/v1/auth/register", &body, None).await, 400).await;
        assert_eq!(field.as_deref(), Some("password"));
    }

    async fn a_duplicate_email_gives_409_whatever_its_case(app: TestApp) {
        app.register("per@firma.no", 5, "supplier").await;
        let res = app.post("/api/v1/auth/register", &registration("PER@Firma.NO", &orgnr(6), "supplier"), None).await;
        let (code, field) = error_of(res, 409).await;
        assert_eq!(code, "conflict");
        assert_eq!(field.as_deref(), Some("email"));
        let orgs: Value = app
            .get(&format!("/api/v1/organisations?q={}", orgnr(6)), Some(&app.register("x@y.no", 7, "buyer").await.token))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(orgs["total"], 0, "the refused registration did not create its organisation");
    }

    async fn buyers_need_a_sector_and_only_suppliers_have_a_size(app: TestApp) {
        let mut body = registration("a@b.no", &orgnr(8), "buyer");
        body["organisation"].as_object_mut().unwrap().remove("sector");
        let (_, field) = error_of(app.post("/api/v1/auth/register", &body, None).await, 400).await;
        assert_eq!(field.as_deref(), Some("sector"));

        let mut body = registration("a@b.no", &orgnr(8), "buyer");
        body["organisation"]["size"] = json!("small");
        let (_, field) = error_of(app.post("/api/v1/auth/register", &body, None).await, 400).await;
        assert_eq!(field.as_deref(), Some("size"));

        let mut body = registration("a@b.no", &orgnr(8), "cluster");
        body["organisation"]["county"] = json!("12");
        let (_, field) = error_of(app.post("/api/v1/auth/register", &body, None).await, 400).await;
        assert_eq!(field.as_deref(), Some("county"), "Hordaland (12) no longer exists since 2024");

        let mut body = registration("a@b.no", &orgnr(8), "agency");
        body["organisation"].as_object_mut().unwrap().remove("sector");
        let (_, field) = error_of(app.post("/api/v1/auth/register", &body, None).await, 400).await;
        assert_eq!(field.as_deref(), Some("kind"));
    }

    async fn a_colleague_added_by_the_owner_registers_and_joins_as_member(app: TestApp) {
        let owner = app.register("eier@kommune.no", 9, "buyer").await;
        let res = app
            .post(&format!("/api/v1/organisations/{}/users", owner.organisation_id), &json!({"email": "Kollega@Kommune.no"}), Some(&owner.token))
            .await;
        assert_eq!(res.status(), 201);

        // Joining needs no organisation details: the invitation says which.
        let body = json!({"email": "kollega@kommune.no", "password": "et langt passord", "name": "Kollega"});
        let res = app.post("/api/v1/auth/register", &body, None).await;
        assert_eq!(res.status(), 201);
        let json: Value = res.json().await.unwrap();
        assert_eq!(json["user"]["role"], "member");
        assert_eq!(json["organisation"]["id"], owner.organisation_id.as_str());

        // Giving the organisation's orgnr works too, for a second colleague.
        app.post(&format!("/api/v1/organisations/{}/users", owner.organisation_id), &json!({"email": "nr2@kommune.no"}), Some(&owner.token)).await;
        let res = app.post("/api/v1/auth/register", &registration("nr2@kommune.no", &orgnr(9), "buyer"), None).await;
        assert_eq!(res.status(), 201);

        let users: Value = app.get(&format!("/api/v1/organisations/{}/users", owner.organisation_id), Some(&owner.token)).await.json().await.unwrap();
        assert_eq!(users["users"].as_array().unwrap().len(), 3);
        assert_eq!(users["invites"].as_array().unwrap().len(), 0, "used invitations are gone");
    }

    async fn registering_without_an_organisation_or_invitation_gives_400(app: TestApp) {
        let body = json!({"email": "ny@firma.no", "password": "et langt passord", "name": "Ny"});
        let (_, field) = error_of(app.post("/api/v1/auth/register", &body, None).await, 400).await;
        assert_eq!(field.as_deref(), Some("organisation"));
    }

    async fn login_returns_a_token_with_its_expiry_and_refuses_a_wrong_password(app: TestApp) {
        let user = app.register("logg@inn.no", 10, "supplier").await;
        let res = app.login("LOGG@inn.no", &user.password).await;
        assert_eq!(res.status(), 200);
        let json: Value = res.json().await.unwrap();
        let expires = chrono::DateTime::parse_from_rfc3339(json["expires_at"].as_str().unwrap()).unwrap();
        assert!(expires > chrono::Utc::now());
        let me = app.get("/api/v1/me", json["token"].as_str()).await;
        assert_eq!(me.status(), 200);

        let (code, _) = error_of(app.login("logg@inn.no", "feil passord her").await, 401).await;
        assert_eq!(code, "unauthorized");
        let (code, _) = error_of(app.login("ukjent@inn.no", "feil passord her").await, 401).await;
        assert_eq!(code, "unauthorized", "an unknown email gets the same answer");
    }

    async fn repeated_failed_logins_for_one_account_get_429_with_retry_after(app: TestApp) {
        let user = app.register("mål@inn.no", 11, "supplier").await;
        for _ in 0..5 {
            assert_eq!(app.login(&user.email, "feil passord her").await.status(), 401);
        }
        let res = app.login(&user.email, &user.password).await;
        assert_eq!(res.status(), 429, "even the right password waits out the limit");
        let retry: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!(retry > 0 && retry <= 15 * 60);
        let (code, _) = error_of(res, 429).await;
        assert_eq!(code, "rate_limited");
    }

        async fn a_burst_of_parallel_wrong_passwords_is_still_limited(app: TestApp) {
        let user = app.register("burst@inn.no", 14, "supplier").await;
        let app = std::sync::Arc::new(app);
        let mut tasks = Vec::new();
        for _ in 0..12 {
            let app = app.clone();
            let email = user.email.clone();
            tasks.push(actix_web::rt::spawn(async move { app.login(&email, "feil passord her").await.status().as_u16() }));
        }
        let mut refused = 0;
        for task in tasks {
            match task.await.unwrap() {
                401 => {}
                429 => refused += 1,
                other => panic!("unexpected status {other}"),
            }
        }
        assert!(refused >= 7, "at most 5 attempts may be checked, {refused} of 12 were refused");
    }

    async fn changing_the_password_invalidates_older_tokens(app: TestApp) {
        let user = app.register("bytt@inn.no", 12, "supplier").await;
        let res = app
            .post("/api/v1/me/password", &json!({"current_password": user.password, "new_password": "et nytt langt passord"}), Some(&user.token))
            .await;
        assert_eq!(res.status(), 200);
        let new_token: Value = res.json().await.unwrap();
        assert_eq!(app.get("/api/v1/me", Some(&user.token)).await.status(), 401, "the old token is dead");
        assert_eq!(app.get("/api/v1/me", new_token["token"].as_str()).await.status(), 200);
        assert_eq!(app.login(&user.email, &user.password).await.status(), 401);
        assert_eq!(app.login(&user.email, "et nytt langt passord").await.status(), 200);
    }

    async fn a_wrong_current_password_does_not_change_it(app: TestApp) {
        let user = app.register("feil@inn.no", 13, "supplier").await;
        let res = app
            .post("/api/v1/me/password", &json!({"current_password": "ikke riktig passord", "new_password": "et nytt langt passord"}), Some(&user.token))
            .await;
        let (_, field) = error_of(res, 400).await;
        assert_eq!(field.as_deref(), Some("current_password"));
        assert_eq!(app.get("/api/v1/me", Some(&user.token)).await.status(), 200);
    }
}

mod address_limit {
    use crate::helpers::{spawn_app_with, Backend};

    #[actix_web::test]
    async fn failed_logins_from_one_address_across_accounts_get_429() {
        let app = spawn_app_with(Backend::Sqlite, |s| s.login_max_failures_per_address = 3)
            .await
            .unwrap();
        for i in 0..3 {
            assert_eq!(
                app.login(&format!("u{i}@x.no"), "feil passord her")
                    .await
                    .status(),
                401
            );
        }
        let res = app.login("ny@x.no", "feil passord her").await;
        assert_eq!(res.status(), 429);
        assert!(res.headers().contains_key("retry-after"));
    }
}

on_both_databases! {
    async fn concurrent_registrations_all_succeed_without_lock_errors(app: TestApp) {
        let app = std::sync::Arc::new(app);
        let mut tasks = Vec::new();
        for i in 0..16u32 {
            let app = app.clone();
            tasks.push(actix_web::rt::spawn(async move {
                let body = registration(&format!("samtidig{i}@x.no"), &orgnr(100 + i), "supplier");
                app.post("/api/v1/auth/register", &body, None).await.status().as_u16()
            }));
        }
        for task in tasks {
            assert_eq!(task.await.unwrap(), 201);
        }
        let user = app.register("teller@x.no", 200, "buyer").await;
        let page: Value = app.get("/api/v1/organisations?kind=supplier", Some(&user.token)).await.json().await.unwrap();
        assert_eq!(page["total"], 16);
    }

    async fn racing_registrations_of_one_organisation_give_one_owner_and_409s(app: TestApp) {
        let app = std::sync::Arc::new(app);
        let mut tasks = Vec::new();
        for i in 0..6u32 {
            let app = app.clone();
            tasks.push(actix_web::rt::spawn(async move {
                let body = registration(&format!("rask{i}@x.no"), &orgnr(300), "supplier");
                app.post("/api/v1/auth/register", &body, None).await.status().as_u16()
            }));
        }
        let mut statuses = Vec::new();
        for task in tasks {
            statuses.push(task.await.unwrap());
        }
                statuses.sort();
        assert_eq!(statuses, vec![201, 409, 409, 409, 409, 409]);
        let user = app.register("teller@x.no", 301, "buyer").await;
        let page: Value = app.get(&format!("/api/v1/organisations?q={}", orgnr(300)), Some(&user.token)).await.json().await.unwrap();
        assert_eq!(page["total"], 1, "exactly one organisation was created");
    }
}
