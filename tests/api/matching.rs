use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{error_of, ids, need_body};
use crate::on_both_databases;

fn cap(title: &str, description: &str, extra: Value) -> Value {
    let mut body = json!({"title": title, "description": description, "themes": ["climate_environment"], "national": true});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

on_both_databases! {
    async fn a_new_need_reaches_the_index_within_one_second(app: TestApp) {
        let buyer = app.register("b@kommune.no", 500, "buyer").await;
        // Let the indexer finish its start before measuring.
        app.poll("/api/v1/search?q=x", &buyer.token, Duration::from_secs(5), |j| j["items"].is_array()).await;
        let need = app.need(&buyer.token, need_body("Snøsmelteanlegg", "Fjernvarme til snøsmelting i gatene.")).await;
        let id = need["id"].as_str().unwrap().to_owned();
        let (json, took) = app.poll("/api/v1/search?q=sn%C3%B8smelteanlegg", &buyer.token, Duration::from_secs(3), |j| ids(j).contains(&id)).await;
        assert!(ids(&json).contains(&id), "the need never appeared: {json}");
        assert!(took < Duration::from_secs(1), "the need took {took:?} to reach the index");
    }

    async fn matches_are_explained_and_scored_between_zero_and_one(app: TestApp) {
        let buyer = app.register("b@kommune.no", 501, "buyer").await;
        let yard = app.register("verft@lev.no", 502, "supplier").await;
        let bakery = app.register("bakeri@lev.no", 503, "supplier").await;
        let good = app.capability(&yard.token, cap("Elektriske ferjer med batteri", "Vi bygger batterielektriske ferjer og lader dem ved kai.",
            json!({"cpv_codes": ["34512100"], "national": false, "counties": ["46", "15"], "themes": ["climate_environment", "mobility_transport"]}))).await;
                // Shares one word with the need, so it is a candidate, and should rank low.
        let poor = app.capability(&bakery.token, cap("Brød og bakevarer", "Vi baker brød til kantiner og leverer helt ned til kai.", json!({"counties": ["03"], "national": false, "themes": ["health_welfare"]}))).await;
        let need = app.need(&buyer.token, json!({"title": "Utslippsfri ferje", "description": "Vi trenger en ny ferje med batteri og lading ved kai, uten utslipp.",
            "themes": ["mobility_transport"], "counties": ["46"], "cpv_codes": ["34512000"]})).await;
        app.wait_indexed(&buyer.token, good["id"].as_str().unwrap()).await;
        app.wait_indexed(&buyer.token, poor["id"].as_str().unwrap()).await;
        let res: Value = app.get(&format!("/api/v1/needs/{}/matches", need["id"].as_str().unwrap()), Some(&buyer.token)).await.json().await.unwrap();
        let items = res["items"].as_array().unwrap();
        assert_eq!(items[0]["id"], good["id"], "{res}");
        let top = &items[0];
        let score = top["score"].as_f64().unwrap();
        assert!(score > 0.3 && score <= 1.0, "score {score}");
        assert!(top["why"]["terms"].as_array().unwrap().iter().any(|t| t == "ferje"), "{top}");
        assert_eq!(top["why"]["cpv"]["level"], "category", "34512000 and 34512100 share the category 34512");
        assert_eq!(top["why"]["counties"], json!(["46"]));
        assert_eq!(top["why"]["themes"], json!(["mobility_transport"]));
        assert_eq!(top["organisation_name"], format!("Org {}", crate::helpers::orgnr(502)));
        for item in items {
            let s = item["score"].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&s));
        }
                let bread = items.iter().find(|i| i["id"] == poor["id"]).expect("the bakery shares a word and is a candidate");
        assert!(bread["score"].as_f64().unwrap() < score / 2.0, "{bread}");
    }

    async fn compounds_synonyms_and_english_are_found(app: TestApp) {
        let buyer = app.register("b@kommune.no", 510, "buyer").await;
        let s = app.register("s@lev.no", 511, "supplier").await;
        let boat = app.capability(&s.token, cap("Hurtigbåter i karbon", "Lette hurtigbåter for passasjerer.", json!({}))).await;
        let welfare = app.capability(&s.token, cap("Velferdsteknologi for hjemmetjenesten", "Sensorer og digitalt tilsyn.", json!({"themes": ["health_welfare"]}))).await;
        let ferry = app.capability(&s.token, cap("Ferjedrift", "Vi drifter ferjer langs kysten.", json!({}))).await;
        for c in [&boat, &welfare, &ferry] {
            app.wait_indexed(&buyer.token, c["id"].as_str().unwrap()).await;
        }
        let search = |q: &str| {
            let path = format!("/api/v1/search?type=capability&q={q}");
            let app = &app;
            let token = buyer.token.clone();
            async move { ids(&app.get(&path, Some(&token)).await.json::<Value>().await.unwrap()) }
        };
        assert!(search("b%C3%A5t").await.contains(&boat["id"].as_str().unwrap().to_owned()), "båt finds hurtigbåt");
        assert!(search("teknologi").await.contains(&welfare["id"].as_str().unwrap().to_owned()), "teknologi finds velferdsteknologi");
        assert!(search("ferge").await.contains(&ferry["id"].as_str().unwrap().to_owned()), "ferge finds ferje");
        assert!(search("ferries").await.contains(&ferry["id"].as_str().unwrap().to_owned()), "English finds Norwegian");
        assert!(!search("ferge").await.contains(&welfare["id"].as_str().unwrap().to_owned()));
    }

    async fn matches_filter_by_kind_and_county(app: TestApp) {
        let buyer = app.register("b@kommune.no", 520, "buyer").await;
        let s = app.register("s@lev.no", 521, "supplier").await;
        let c = app.register("c@klynge.no", 522, "cluster").await;
        let north = app.capability(&s.token, cap("Ferjer i nord", "Elektriske ferjer.", json!({"national": false, "counties": ["55"]}))).await;
        let cluster = app.capability(&c.token, cap("Klynge for ferjer", "Elektriske ferjer fra våre medlemmer.", json!({}))).await;
        let need = app.need(&buyer.token, need_body("Elektriske ferjer", "Vi trenger elektriske ferjer.")).await;
        for x in [&north, &cluster] {
            app.wait_indexed(&buyer.token, x["id"].as_str().unwrap()).await;
        }
        let base = format!("/api/v1/needs/{}/matches", need["id"].as_str().unwrap());
        let all: Value = app.get(&base, Some(&buyer.token)).await.json().await.unwrap();
        assert_eq!(ids(&all).len(), 2);
        let clusters: Value = app.get(&format!("{base}?kind=cluster"), Some(&buyer.token)).await.json().await.unwrap();
        assert_eq!(ids(&clusters), vec![cluster["id"].as_str().unwrap().to_owned()]);
        let vestland: Value = app.get(&format!("{base}?county=46"), Some(&buyer.token)).await.json().await.unwrap();
        assert_eq!(ids(&vestland), vec![cluster["id"].as_str().unwrap().to_owned()], "only national or Vestland capabilities");
        let (_, field) = error_of(app.get(&format!("{base}?kind=buyer"), Some(&buyer.token)).await, 400).await;
        assert_eq!(field.as_deref(), Some("kind"));
        let (_, field) = error_of(app.get(&format!("{base}?limit=501"), Some(&buyer.token)).await, 400).await;
        assert_eq!(field.as_deref(), Some("limit"));
        let (_, field) = error_of(app.get(&format!("{base}?county=77"), Some(&buyer.token)).await, 400).await;
        assert_eq!(field.as_deref(), Some("county"));
        let caps: Value = app.get(&format!("/api/v1/capabilities/{}/matches", north["id"].as_str().unwrap()), Some(&s.token)).await.json().await.unwrap();
        assert_eq!(ids(&caps), vec![need["id"].as_str().unwrap().to_owned()], "a capability finds the open need");
    }

    async fn similar_needs_rank_a_reworded_copy_first(app: TestApp) {
        let a = app.register("a@kommune.no", 530, "buyer").await;
        let b = app.register("b@kommune.no", 531, "buyer").await;
        let c = app.register("c@kommune.no", 532, "buyer").await;
        let original = app.need(&a.token, need_body("Digitalt nattilsyn i omsorgsboliger",
            "Kommunen ønsker digitalt tilsyn om natten for beboere i omsorgsboliger, med sensorer som varsler ved fall og uro, slik at nattevakten kan prioritere.")).await;
        let reworded = app.need(&b.token, need_body("Nattilsyn med sensorer i omsorgsbolig",
            "Vi trenger sensorer som varsler nattevakten ved fall eller uro hos beboere i omsorgsboliger, slik at digitalt tilsyn om natten kan erstatte fysiske runder.")).await;
        let related = app.need(&c.token, need_body("Trygghetsalarmer", "Nye trygghetsalarmer til hjemmeboende eldre.")).await;
                // Shares one word with the original, so it is a candidate, and should be near 0.
        let unrelated = app.need(&c.token, need_body("Asfaltering av gang- og sykkelveier", "Reasfaltering av fortau og sykkelveier i sentrum, også ved omsorgsboliger.")).await;
        let own = app.need(&a.token, need_body("Nattilsyn, fase to", "Digitalt tilsyn om natten i omsorgsboliger, med sensorer.")).await;
        for n in [&reworded, &related, &unrelated, &own] {
            app.wait_indexed(&a.token, n["id"].as_str().unwrap()).await;
        }
        let res: Value = app.get(&format!("/api/v1/needs/{}/similar", original["id"].as_str().unwrap()), Some(&a.token)).await.json().await.unwrap();
        let found = ids(&res);
        assert_eq!(found.first(), Some(&reworded["id"].as_str().unwrap().to_owned()), "{res}");
        assert!(!found.contains(&own["id"].as_str().unwrap().to_owned()), "only other organisations' needs");
        assert!(!found.contains(&original["id"].as_str().unwrap().to_owned()));
                let similarity = res["items"][0]["similarity"].as_f64().unwrap();
        assert!(similarity >= 0.6, "a reworded copy reads as similar: {similarity}");
        let u = res["items"].as_array().unwrap().iter().find(|i| i["id"] == unrelated["id"]).expect("the unrelated need shares a word");
        // It shares a compound and its parts, so the calibrated scale (fitted to people's grades,
        // where such pairs get about 0.2) puts it low, far below the reworded copy.
        let unrelated_similarity = u["similarity"].as_f64().unwrap();
        assert!(unrelated_similarity < 0.4 && unrelated_similarity < similarity / 2.0, "unrelated text reads low: {u}");
        // The same text is near 1.
        let copy = app.need(&b.token, need_body("Digitalt nattilsyn i omsorgsboliger",
            "Kommunen ønsker digitalt tilsyn om natten for beboere i omsorgsboliger, med sensorer som varsler ved fall og uro, slik at nattevakten kan prioritere.")).await;
        app.wait_indexed(&a.token, copy["id"].as_str().unwrap()).await;
        let res: Value = app.get(&format!("/api/v1/needs/{}/similar", original["id"].as_str().unwrap()), Some(&a.token)).await.json().await.unwrap();
        assert_eq!(res["items"][0]["id"], copy["id"]);
                assert!(res["items"][0]["similarity"].as_f64().unwrap() > 0.98, "{res}");
    }

    async fn drafts_never_appear_in_other_organisations_results(app: TestApp) {
        let a = app.register("a@kommune.no", 540, "buyer").await;
        let b = app.register("b@kommune.no", 541, "buyer").await;
        let s = app.register("s@lev.no", 542, "supplier").await;
        let mut body = need_body("Hemmelig ferjeutkast", "Utkast om elektriske ferjer.");
        body["status"] = json!("draft");
        let draft = app.need(&a.token, body).await;
        let draft_id = draft["id"].as_str().unwrap().to_owned();
        let public = app.need(&b.token, need_body("Elektriske ferjer", "Elektriske ferjer for sambandet.")).await;
        let capability = app.capability(&s.token, cap("Elektriske ferjer", "Vi bygger elektriske ferjer.", json!({}))).await;
        app.wait_indexed(&a.token, &draft_id).await;
        app.wait_indexed(&b.token, capability["id"].as_str().unwrap()).await;
        app.wait_indexed(&b.token, public["id"].as_str().unwrap()).await;
        let search_b: Value = app.get("/api/v1/search?q=ferjer", Some(&b.token)).await.json().await.unwrap();
        assert!(!ids(&search_b).contains(&draft_id), "search");
        let search_s: Value = app.get("/api/v1/search?q=ferjer&type=need", Some(&s.token)).await.json().await.unwrap();
        assert!(!ids(&search_s).contains(&draft_id));
        let similar: Value = app.get(&format!("/api/v1/needs/{}/similar", public["id"].as_str().unwrap()), Some(&b.token)).await.json().await.unwrap();
        assert!(!ids(&similar).contains(&draft_id), "similar needs");
        let matches: Value = app.get(&format!("/api/v1/capabilities/{}/matches", capability["id"].as_str().unwrap()), Some(&s.token)).await.json().await.unwrap();
        assert!(!ids(&matches).contains(&draft_id), "capability matches");
        assert!(ids(&matches).contains(&public["id"].as_str().unwrap().to_owned()));
        let own: Value = app.get("/api/v1/search?q=ferjeutkast", Some(&a.token)).await.json().await.unwrap();
        assert!(ids(&own).contains(&draft_id), "the owner finds its own draft");
    }

    async fn search_text_full_of_query_syntax_is_searched_as_text(app: TestApp) {
        let buyer = app.register("b@kommune.no", 550, "buyer").await;
        let need = app.need(&buyer.token, need_body("Ferje AND båt", "Tekst med (parenteser) og \"sitat\".")).await;
        app.wait_indexed(&buyer.token, need["id"].as_str().unwrap()).await;
        for q in ["\"", ":", "(", "*", "-", "AND", "title:ferje", "\"ferje", "ferje AND (båt OR", "-ferje", "*:*", "ferje~2", "[a TO z]", "\\", "^3"] {
            let res = app.client.get(app.url("/api/v1/search")).query(&[("q", q)]).bearer_auth(&buyer.token).send().await.unwrap();
            assert_eq!(res.status(), 200, "query {q:?}");
        }
        let res: Value = app.client.get(app.url("/api/v1/search")).query(&[("q", "ferje AND (båt")]).bearer_auth(&buyer.token).send().await.unwrap().json().await.unwrap();
        assert!(ids(&res).contains(&need["id"].as_str().unwrap().to_owned()));
    }

        async fn search_filters_are_checked_and_applied(app: TestApp) {
        let buyer = app.register("b@kommune.no", 590, "buyer").await;
        let ferry = app.need(&buyer.token, json!({"title": "Ferje", "description": "Elektrisk ferje.", "themes": ["mobility_transport"], "counties": ["46"], "cpv_codes": ["34512100"]})).await;
        let food = app.need(&buyer.token, json!({"title": "Skolemat", "description": "Mat til elever.", "themes": ["health_welfare"], "counties": ["03"]})).await;
        for n in [&ferry, &food] {
            app.wait_indexed(&buyer.token, n["id"].as_str().unwrap()).await;
        }
        let found = |q: &str| {
            let path = format!("/api/v1/search?{q}");
            let app = &app;
            let token = buyer.token.clone();
            async move { ids(&app.get(&path, Some(&token)).await.json::<Value>().await.unwrap()) }
        };
        let ferry_id = vec![ferry["id"].as_str().unwrap().to_owned()];
        assert_eq!(found("cpv=345").await, ferry_id);
        assert_eq!(found("cpv=34512100-0").await, ferry_id);
        assert_eq!(found("cpv=345121").await, ferry_id);
        assert_eq!(found("county=46").await, ferry_id);
        assert_eq!(found("theme=mobility_transport").await, ferry_id);
        assert!(found("q=og").await.is_empty(), "stop words alone match nothing");
        for (q, field) in [("cpv=3", "cpv"), ("cpv=123456789", "cpv"), ("county=99", "county"), ("theme=sport", "theme"), ("type=org", "type"), ("limit=0", "limit")] {
            let (_, got) = error_of(app.get(&format!("/api/v1/search?{q}"), Some(&buyer.token)).await, 400).await;
            assert_eq!(got.as_deref(), Some(field), "{q}");
        }
    }

    async fn deleted_and_changed_documents_leave_the_index(app: TestApp) {
        let buyer = app.register("b@kommune.no", 560, "buyer").await;
        let need = app.need(&buyer.token, need_body("Gatelys", "LED gatelys med styring.")).await;
        let id = need["id"].as_str().unwrap().to_owned();
        app.wait_indexed(&buyer.token, &id).await;
        app.patch(&format!("/api/v1/needs/{id}"), &json!({"title": "Veilys", "description": "Belysning langs veien."}), &buyer.token).await;
        let (res, _) = app.poll("/api/v1/search?q=styring", &buyer.token, Duration::from_secs(3), |j| !ids(j).contains(&id)).await;
        assert!(!ids(&res).contains(&id), "the old text is gone");
        assert_eq!(app.delete(&format!("/api/v1/needs/{id}"), &buyer.token).await.status(), 204);
        let (res, _) = app.poll("/api/v1/search?q=veilys", &buyer.token, Duration::from_secs(3), |j| !ids(j).contains(&id)).await;
        assert!(!ids(&res).contains(&id), "the deleted need is gone");
    }

    async fn a_change_committed_without_notice_still_reaches_the_index(app: TestApp) {
        // As if the process died after the database commit and before telling the indexer: the
        // change and its queue entry are in the database, and nothing else.
        let buyer = app.register("b@kommune.no", 570, "buyer").await;
        app.poll("/api/v1/search?q=x", &buyer.token, Duration::from_secs(5), |j| j["items"].is_array()).await;
        let id = uuid::Uuid::new_v4().to_string();
        let mut conn = innolift::db::connect(&app.settings.database_url).unwrap();
        let now = innolift::db::now();
        let row = innolift::db::needs::NeedRow {
            id: id.clone(), organisation_id: buyer.organisation_id.clone(), created_by: None, title: "Kaianlegg".into(),
            description: "Nytt kaianlegg.".into(), themes: "[\"other\"]".into(), cpv_codes: "[]".into(), counties: "[\"46\"]".into(),
            national: false, estimated_value_nok: None, planned_tender_date: None, status: innolift::domain::NeedStatus::Open, language: "nb".into(),
            source: "registered".into(), created_at: now, updated_at: now,
        };
        innolift::db::write_tx(&mut conn, |conn| {
            innolift::db::needs::insert(conn, &row)?;
            innolift::db::index_queue::enqueue(conn, "need", &id)
        }).unwrap();
        let (res, took) = app.poll("/api/v1/search?q=kaianlegg", &buyer.token, Duration::from_secs(3), |j| ids(j).contains(&id)).await;
        assert!(ids(&res).contains(&id), "{res}");
        assert!(took < Duration::from_secs(1), "took {took:?}");
    }

    async fn cpv_codes_are_completed_and_suggested(app: TestApp) {
        let buyer = app.register("b@kommune.no", 580, "buyer").await;
        let (code, _) = error_of(app.get("/api/v1/cpv?q=345", Some(&buyer.token)).await, 503).await;
        assert_eq!(code, "unavailable", "before the vocabulary is loaded");
        app.import_cpv();
        let prefix: Value = app.get("/api/v1/cpv?q=3451", Some(&buyer.token)).await.json().await.unwrap();
        assert!(prefix["items"].as_array().unwrap().iter().all(|i| i["code"].as_str().unwrap().starts_with("3451")));
        assert_eq!(prefix["items"][0]["code"], "34510000");
        let label: Value = app.get("/api/v1/cpv?q=ferger", Some(&buyer.token)).await.json().await.unwrap();
        assert!(ids_of_codes(&label).contains(&"34512100".to_owned()), "{label}");
        let english: Value = app.get("/api/v1/cpv?q=ferry%20boats", Some(&buyer.token)).await.json().await.unwrap();
        assert!(ids_of_codes(&english).contains(&"34512100".to_owned()));
        let suggest: Value = app.get("/api/v1/cpv/suggest?text=Vi%20trenger%20nye%20ferger%20til%20sambandet", Some(&buyer.token)).await.json().await.unwrap();
        assert!(ids_of_codes(&suggest)[..3].contains(&"34512100".to_owned()), "{suggest}");
        assert_eq!(suggest["items"][0]["score"], 1.0);
    }
}

fn ids_of_codes(json: &Value) -> Vec<String> {
    json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap().to_owned())
        .collect()
}
