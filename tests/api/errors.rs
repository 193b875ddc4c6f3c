use serde_json::json;

use crate::helpers::{error_of, orgnr, registration};
use crate::on_both_databases;

on_both_databases! {
    async fn unknown_fields_give_400_naming_the_field(app: TestApp) {
        let mut body = registration("a@b.no", &orgnr(30), "supplier");
        body["admin"] = json!(true);
        let (code, field) = error_of(app.post("/api/v1/auth/register", &body, None).await, 400).await;
        assert_eq!(code, "validation_failed");
        assert_eq!(field.as_deref(), Some("admin"));

        let mut body = registration("a@b.no", &orgnr(30), "supplier");
        body["organisation"]["verified"] = json!(true);
        let (_, field) = error_of(app.post("/api/v1/auth/register", &body, None).await, 400).await;
        assert_eq!(field.as_deref(), Some("organisation.verified"));
    }

    async fn line_breaks_and_look_alike_characters_are_refused_on_the_field_and_nothing_is_written(app: TestApp) {
        let mut body = registration("per@firma.no", &orgnr(32), "supplier");
        body["name"] = json!("Per\r\nBcc: alle@example.com");
        let (_, field) = error_of(app.post("/api/v1/auth/register", &body, None).await, 400).await;
        assert_eq!(field.as_deref(), Some("name"));
        let mut body = registration("per\u{200B}@firma.no", &orgnr(32), "supplier");
        body["name"] = json!("Per");
        let (_, field) = error_of(app.post("/api/v1/auth/register", &body, None).await, 400).await;
        assert_eq!(field.as_deref(), Some("email"));
        assert_eq!(app.login("per@firma.no", "et langt passord").await.status(), 401, "no account was made");

        // The NFC and NFD spellings of one address are one account.
        app.register("r\u{e9}ne@firma.no", 33, "supplier").await;
        let body = registration("RE\u{0301}NE@firma.no", &orgnr(34), "supplier");
        let (_, field) = error_of(app.post("/api/v1/auth/register", &body, None).await, 409).await;
        assert_eq!(field.as_deref(), Some("email"));

        let buyer = app.register("b@kommune.no", 35, "buyer").await;
        let mut need = crate::helpers::need_body("Ferje", "Vi trenger en ferje.");
        need["title"] = json!("Ferje\nSubject: Vinn en iPhone");
        let (_, field) = error_of(app.post("/api/v1/needs", &need, Some(&buyer.token)).await, 400).await;
        assert_eq!(field.as_deref(), Some("title"));
        need["title"] = json!("Ferje \u{202E}enohPi");
        let (_, field) = error_of(app.post("/api/v1/needs", &need, Some(&buyer.token)).await, 400).await;
        assert_eq!(field.as_deref(), Some("title"));
    }

    async fn an_error_quotes_a_huge_invalid_value_only_in_part(app: TestApp) {
        let huge = "x".repeat(200_000);
        let mut body = registration("a@b.no", &orgnr(36), "supplier");
        body["organisation"]["kind"] = json!(huge);
        let res = app.post("/api/v1/auth/register", &body, None).await;
        assert_eq!(res.status(), 400);
        let text = res.text().await.unwrap();
        assert!(text.len() < 2_000, "the answer is {} bytes", text.len());
        assert!(text.contains("\"field\":\"kind\"") && text.contains(&format!("`{}…`", "x".repeat(100))), "{text}");
        let mut body = registration("a@b.no", &orgnr(36), "supplier");
        body[huge.as_str()] = json!(1);
        let res = app.post("/api/v1/auth/register", &body, None).await;
        assert_eq!(res.status(), 400);
        let text = res.text().await.unwrap();
        assert!(text.len() < 2_000, "an unknown field's name is a value too: {} bytes", text.len());
    }

    async fn an_oversized_body_gives_413(app: TestApp) {
        let mut body = registration("a@b.no", &orgnr(31), "supplier");
        body["name"] = json!("x".repeat(app.settings.max_body_bytes + 1));
        let (code, _) = error_of(app.post("/api/v1/auth/register", &body, None).await, 413).await;
        assert_eq!(code, "payload_too_large");
    }

        async fn an_oversized_body_without_content_length_gives_413(app: TestApp) {
        let chunk = vec![b' '; 64 * 1024];
        let chunks: Vec<Result<Vec<u8>, std::io::Error>> = (0..(app.settings.max_body_bytes / chunk.len() + 2)).map(|_| Ok(chunk.clone())).collect();
        let body = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
        let res = app.client.post(app.url("/api/v1/auth/register")).header("content-type", "application/json").body(body).send().await.unwrap();
        let (code, _) = error_of(res, 413).await;
        assert_eq!(code, "payload_too_large");
    }

    async fn nul_characters_and_non_ids_never_reach_the_database(app: TestApp) {
        let mut body = registration("a@b.no", &orgnr(34), "supplier");
        body["name"] = json!("Kari\u{0}Nordmann");
        let (code, _) = error_of(app.post("/api/v1/auth/register", &body, None).await, 400).await;
        assert_eq!(code, "validation_failed");
        let user = app.register("nul@b.no", 35, "buyer").await;
        let (_, field) = error_of(app.get("/api/v1/organisations?q=%00", Some(&user.token)).await, 400).await;
        assert_eq!(field.as_deref(), Some("q"));
        error_of(app.get("/api/v1/organisations/%00", Some(&user.token)).await, 404).await;
        error_of(app.get("/api/v1/organisations/not-an-id", Some(&user.token)).await, 404).await;
        error_of(app.patch("/api/v1/organisations/%00", &json!({"name": "x"}), &user.token).await, 404).await;
    }

    async fn a_wrong_content_type_gives_415(app: TestApp) {
        let body = registration("a@b.no", &orgnr(32), "supplier").to_string();
        let res = app.client.post(app.url("/api/v1/auth/register")).header("content-type", "text/plain").body(body).send().await.unwrap();
        let (code, _) = error_of(res, 415).await;
        assert_eq!(code, "unsupported_media_type");
    }

    async fn malformed_json_gives_400(app: TestApp) {
        let res = app.client.post(app.url("/api/v1/auth/register")).header("content-type", "application/json").body("{\"email\":").send().await.unwrap();
        let (code, _) = error_of(res, 400).await;
        assert_eq!(code, "validation_failed");
    }

    async fn an_unknown_path_gives_404_in_the_error_shape(app: TestApp) {
        let (code, _) = error_of(app.get("/api/v1/nothing-here", None).await, 404).await;
        assert_eq!(code, "not_found");
    }

    async fn bad_query_parameters_give_400_naming_them(app: TestApp) {
        let user = app.register("q@b.no", 33, "buyer").await;
        let (_, field) = error_of(app.get("/api/v1/organisations?per_page=1000", Some(&user.token)).await, 400).await;
        assert_eq!(field.as_deref(), Some("per_page"));
        let (_, field) = error_of(app.get("/api/v1/organisations?kind=agency", Some(&user.token)).await, 400).await;
        assert_eq!(field.as_deref(), Some("kind"));
        let (code, _) = error_of(app.get("/api/v1/organisations?page=abc", Some(&user.token)).await, 400).await;
        assert_eq!(code, "validation_failed");
    }
}
