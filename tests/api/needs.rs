use serde_json::{json, Value};

use crate::helpers::{error_of, ids, need_body};
use crate::on_both_databases;

on_both_databases! {
    async fn a_buyer_registers_a_need_that_every_signed_in_user_sees(app: TestApp) {
        let buyer = app.register("b@kommune.no", 400, "buyer").await;
        let supplier = app.register("s@lev.no", 401, "supplier").await;
        let need = app
            .need(&buyer.token, json!({
                "title": "Utslippsfrie ferjer", "description": "Vi trenger ferjer uten utslipp på sambandet.",
                "themes": ["climate_environment", "mobility_transport", "climate_environment"],
                "cpv_codes": ["34512000-9"], "counties": ["46", "46"], "estimated_value_nok": 250000000,
                "planned_tender_date": "2027-09-01"
            }))
            .await;
        assert_eq!(need["status"], "open", "status defaults to open");
        assert_eq!(need["language"], "nb", "the language is detected");
        assert_eq!(need["cpv_codes"], json!(["34512000"]), "codes are stored without check digit");
        assert_eq!(need["themes"], json!(["climate_environment", "mobility_transport"]));
        assert_eq!(need["counties"], json!(["46"]));
        assert_eq!(need["source"], "registered");
        let got: Value = app.get(&format!("/api/v1/needs/{}", need["id"].as_str().unwrap()), Some(&supplier.token)).await.json().await.unwrap();
        assert_eq!(got["title"], "Utslippsfrie ferjer");
        assert_eq!(got["organisation_name"], format!("Org {}", crate::helpers::orgnr(400)));
        assert_eq!(got["planned_tender_date"], "2027-09-01");
        assert_eq!(app.get("/api/v1/needs", None).await.status(), 401);
    }

    async fn a_supplier_creating_a_need_gets_403(app: TestApp) {
        let supplier = app.register("s@lev.no", 402, "supplier").await;
        let (code, _) = error_of(app.post("/api/v1/needs", &need_body("x", "y"), Some(&supplier.token)).await, 403).await;
        assert_eq!(code, "forbidden");
    }

    async fn a_buyer_changing_another_organisations_need_gets_403(app: TestApp) {
        let a = app.register("a@kommune.no", 403, "buyer").await;
        let b = app.register("b@kommune.no", 404, "buyer").await;
        let need = app.need(&a.token, need_body("Skolemat", "Sunn skolemat for alle elever.")).await;
        let path = format!("/api/v1/needs/{}", need["id"].as_str().unwrap());
        error_of(app.patch(&path, &json!({"title": "Kapret"}), &b.token).await, 403).await;
        error_of(app.delete(&path, &b.token).await, 403).await;
        let got: Value = app.get(&path, Some(&b.token)).await.json().await.unwrap();
        assert_eq!(got["title"], "Skolemat");
    }

    async fn drafts_are_visible_only_to_their_organisation(app: TestApp) {
        let a = app.register("a@kommune.no", 405, "buyer").await;
        let b = app.register("b@kommune.no", 406, "buyer").await;
        let mut body = need_body("Hemmelig utkast", "Et utkast om snørydding.");
        body["status"] = json!("draft");
        let draft = app.need(&a.token, body).await;
        let path = format!("/api/v1/needs/{}", draft["id"].as_str().unwrap());
        assert_eq!(app.get(&path, Some(&a.token)).await.status(), 200);
        error_of(app.get(&path, Some(&b.token)).await, 404).await;
        error_of(app.patch(&path, &json!({"status": "open"}), &b.token).await, 404).await;
        let mine: Value = app.get("/api/v1/needs", Some(&a.token)).await.json().await.unwrap();
        assert_eq!(ids(&mine), vec![draft["id"].as_str().unwrap().to_owned()]);
        let theirs: Value = app.get("/api/v1/needs?status=draft", Some(&b.token)).await.json().await.unwrap();
        assert_eq!(theirs["total"], 0);
    }

    async fn required_fields_and_limits_give_400_naming_the_field(app: TestApp) {
        let buyer = app.register("b@kommune.no", 407, "buyer").await;
        let cases = [
            (json!({"description": "d", "themes": ["other"], "national": true}), "title"),
            (json!({"title": "t", "description": "d", "national": true}), "themes"),
            (json!({"title": "t", "description": "d", "themes": []}), "themes"),
            (json!({"title": "t", "description": "d", "themes": ["space"], "national": true}), "themes"),
            (json!({"title": "t", "description": "d", "themes": ["other"]}), "counties"),
            (json!({"title": "t", "description": "d", "themes": ["other"], "counties": ["01"]}), "counties"),
            (json!({"title": "t", "description": "d", "themes": ["other"], "national": true, "cpv_codes": ["3451200"]}), "cpv_codes"),
            (json!({"title": "t", "description": "d", "themes": ["other"], "national": true, "cpv_codes": ["34512000-xx"]}), "cpv_codes"),
            (json!({"title": "t".repeat(201), "description": "d", "themes": ["other"], "national": true}), "title"),
            (json!({"title": "t", "description": "d".repeat(20_001), "themes": ["other"], "national": true}), "description"),
            (json!({"title": "t", "description": "d", "themes": ["other"], "national": true, "status": "secret"}), "status"),
            (json!({"title": "t", "description": "d", "themes": ["other"], "national": true, "language": "de"}), "language"),
            (json!({"title": "t", "description": "d", "themes": ["other"], "national": true, "planned_tender_date": "snart"}), "planned_tender_date"),
            (json!({"title": "t", "description": "d", "themes": ["other"], "national": true, "estimated_value_nok": -5}), "estimated_value_nok"),
        ];
        for (body, field) in cases {
            let (_, got) = error_of(app.post("/api/v1/needs", &body, Some(&buyer.token)).await, 400).await;
            assert_eq!(got.as_deref(), Some(field), "body {body}");
        }
        let list: Value = app.get("/api/v1/needs", Some(&buyer.token)).await.json().await.unwrap();
        assert_eq!(list["total"], 0, "nothing was stored");
    }

    async fn cpv_codes_must_exist_once_the_vocabulary_is_loaded(app: TestApp) {
        let buyer = app.register("b@kommune.no", 408, "buyer").await;
        let mut body = need_body("Ferje", "Ny ferje.");
        body["cpv_codes"] = json!(["99999999"]);
        app.need(&buyer.token, body.clone()).await;
        app.import_cpv();
        let (_, field) = error_of(app.post("/api/v1/needs", &body, Some(&buyer.token)).await, 400).await;
        assert_eq!(field.as_deref(), Some("cpv_codes"), "an unknown code is refused");
        body["cpv_codes"] = json!(["34512000-8"]);
        let res = app.post("/api/v1/needs", &body, Some(&buyer.token)).await;
        let status = res.status();
        let json: Value = res.json().await.unwrap();
        assert_eq!(status, 400);
        assert!(json["error"]["message"].as_str().unwrap().contains("34512000-9"), "the message gives the right check digit: {json}");
        body["cpv_codes"] = json!(["34512000-9"]);
        app.need(&buyer.token, body).await;
    }

    async fn needs_are_filtered_by_theme_county_and_cpv(app: TestApp) {
        let buyer = app.register("b@kommune.no", 409, "buyer").await;
        app.need(&buyer.token, json!({"title": "Ferje", "description": "Ferje.", "themes": ["mobility_transport"], "counties": ["46"], "cpv_codes": ["34512000"]})).await;
        app.need(&buyer.token, json!({"title": "Skolemat", "description": "Mat.", "themes": ["health_welfare"], "counties": ["03"]})).await;
        app.need(&buyer.token, json!({"title": "Nasjonal sky", "description": "Sky.", "themes": ["digitalisation"], "national": true})).await;
        let total = |path: &str| {
            let path = path.to_owned();
            let app = &app;
            let token = buyer.token.clone();
            async move { app.get(&path, Some(&token)).await.json::<Value>().await.unwrap()["total"].as_i64().unwrap() }
        };
        assert_eq!(total("/api/v1/needs?theme=mobility_transport").await, 1);
        assert_eq!(total("/api/v1/needs?county=03").await, 2, "national needs cover every county");
        assert_eq!(total("/api/v1/needs?cpv=345").await, 1);
        assert_eq!(total("/api/v1/needs?cpv=34512000-9").await, 1);
        assert_eq!(total("/api/v1/needs?source=registered").await, 3);
        assert_eq!(total("/api/v1/needs?source=notice").await, 0);
        let (_, field) = error_of(app.get("/api/v1/needs?county=99", Some(&buyer.token)).await, 400).await;
        assert_eq!(field.as_deref(), Some("county"));
        let (_, field) = error_of(app.get("/api/v1/needs?cpv=x", Some(&buyer.token)).await, 400).await;
        assert_eq!(field.as_deref(), Some("cpv"));
    }

    async fn the_owner_changes_a_need_and_null_clears_the_estimate(app: TestApp) {
        let buyer = app.register("b@kommune.no", 410, "buyer").await;
        let mut body = need_body("Ferje", "Ny ferje.");
        body["estimated_value_nok"] = json!(1000);
        let need = app.need(&buyer.token, body).await;
        let path = format!("/api/v1/needs/{}", need["id"].as_str().unwrap());
        let res = app.patch(&path, &json!({"title": "Elektrisk ferje", "estimated_value_nok": null, "status": "closed"}), &buyer.token).await;
        assert_eq!(res.status(), 200);
        let got: Value = res.json().await.unwrap();
        assert_eq!(got["title"], "Elektrisk ferje");
        assert_eq!(got["estimated_value_nok"], Value::Null);
        assert_eq!(got["status"], "closed");
        assert_eq!(got["counties"], json!(["46"]));
        let (_, field) = error_of(app.patch(&path, &json!({"themes": []}), &buyer.token).await, 400).await;
        assert_eq!(field.as_deref(), Some("themes"));
        assert_eq!(app.delete(&path, &buyer.token).await.status(), 204);
        error_of(app.get(&path, Some(&buyer.token)).await, 404).await;
    }

    async fn another_buyer_declares_the_same_need(app: TestApp) {
        let a = app.register("a@kommune.no", 411, "buyer").await;
        let b = app.register("b@kommune.no", 412, "buyer").await;
        let s = app.register("s@lev.no", 413, "supplier").await;
        let need = app.need(&a.token, need_body("Velferdsteknologi", "Digitalt tilsyn om natten.")).await;
        let path = format!("/api/v1/needs/{}/participants", need["id"].as_str().unwrap());
        let res = app.post(&path, &json!({}), Some(&b.token)).await;
        assert_eq!(res.status(), 201);
        let view: Value = res.json().await.unwrap();
        assert_eq!(view["participants"][0]["organisation_id"], b.organisation_id.as_str());
        assert_eq!(app.post(&path, &json!({}), Some(&b.token)).await.status(), 200, "joining twice is harmless");
        error_of(app.post(&path, &json!({}), Some(&s.token)).await, 403).await;
        error_of(app.post(&path, &json!({}), Some(&a.token)).await, 409).await;
        let got: Value = app.get(&format!("/api/v1/needs/{}", need["id"].as_str().unwrap()), Some(&s.token)).await.json().await.unwrap();
        assert_eq!(got["participants"].as_array().unwrap().len(), 1, "the need's page lists its participants");
        error_of(app.delete(&format!("{path}/{}", b.organisation_id), &s.token).await, 403).await;
        assert_eq!(app.delete(&format!("{path}/{}", b.organisation_id), &b.token).await.status(), 204);
    }

        async fn bad_capability_fields_give_400_naming_the_field(app: TestApp) {
        let supplier = app.register("s@lev.no", 417, "supplier").await;
        let base = json!({"title": "t", "description": "d", "themes": ["other"], "national": true});
        let cases = [
            ("title", json!("")),
            ("themes", json!(["space"])),
            ("counties", json!(["00"])),
            ("cpv_codes", json!(["abc"])),
            ("maturity", json!("ancient")),
            ("keywords", json!(vec!["k"; 31])),
            ("references", json!(["r".repeat(2001)])),
            ("language", json!("sv")),
        ];
        for (field, value) in cases {
            let mut body = base.clone();
            body[field] = value;
            let (_, got) = error_of(app.post("/api/v1/capabilities", &body, Some(&supplier.token)).await, 400).await;
            assert_eq!(got.as_deref(), Some(field));
        }
        let mut regional = base.clone();
        regional["national"] = json!(false);
        let (_, got) = error_of(app.post("/api/v1/capabilities", &regional, Some(&supplier.token)).await, 400).await;
        assert_eq!(got.as_deref(), Some("counties"));
    }

    async fn an_explicit_language_survives_a_change_of_text(app: TestApp) {
        let buyer = app.register("b@kommune.no", 418, "buyer").await;
        let need = app.need(&buyer.token, need_body("Ferje", "Vi trenger en ny ferje til sambandet.")).await;
        assert_eq!(need["language"], "nb");
        let path = format!("/api/v1/needs/{}", need["id"].as_str().unwrap());
        let got: Value = app.patch(&path, &json!({"description": "Vi treng ei ny ferje til sambandet, og det er ikkje lenge til.", "language": "nb"}), &buyer.token).await.json().await.unwrap();
        assert_eq!(got["language"], "nb", "the language given wins");
        let got: Value = app.patch(&path, &json!({"description": "We need a new ferry for the crossing, and the service is in the county."}), &buyer.token).await.json().await.unwrap();
        assert_eq!(got["language"], "en", "new text without a language is detected again");
    }

    async fn capabilities_belong_to_suppliers_and_clusters(app: TestApp) {
        let buyer = app.register("b@kommune.no", 414, "buyer").await;
        let supplier = app.register("s@lev.no", 415, "supplier").await;
        let other = app.register("o@lev.no", 416, "supplier").await;
        let body = json!({"title": "Elektriske ferjer", "description": "Vi bygger ferjer.", "themes": ["mobility_transport"], "national": true,
                          "maturity": "on_market", "keywords": ["ferje", "batteri"], "references": ["Ferje til Os, 2022"]});
        error_of(app.post("/api/v1/capabilities", &body, Some(&buyer.token)).await, 403).await;
        let cap = app.capability(&supplier.token, body).await;
        assert_eq!(cap["references"], json!(["Ferje til Os, 2022"]));
        assert_eq!(cap["maturity"], "on_market");
        let path = format!("/api/v1/capabilities/{}", cap["id"].as_str().unwrap());
        error_of(app.patch(&path, &json!({"title": "x"}), &other.token).await, 403).await;
        let (_, field) = error_of(app.patch(&path, &json!({"maturity": "ancient"}), &supplier.token).await, 400).await;
        assert_eq!(field.as_deref(), Some("maturity"));
        let got: Value = app.patch(&path, &json!({"title": "Elektriske ferger"}), &supplier.token).await.json().await.unwrap();
        assert_eq!(got["title"], "Elektriske ferger");
        let list: Value = app.get("/api/v1/capabilities?maturity=on_market", Some(&buyer.token)).await.json().await.unwrap();
        assert_eq!(list["total"], 1);
        error_of(app.delete(&path, &other.token).await, 403).await;
        assert_eq!(app.delete(&path, &supplier.token).await.status(), 204);
    }
}
