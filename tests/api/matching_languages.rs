//! Matching across Bokmål, Nynorsk and English, grouped by organisation, and on text in
//! languages and scripts innolift does not know.

use serde_json::{json, Value};

use crate::helpers::{error_of, ids, need_body};
use crate::on_both_databases;

fn cap(title: &str, description: &str) -> Value {
    json!({"title": title, "description": description, "themes": ["climate_environment"], "national": true})
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

on_both_databases! {
    async fn a_bokmal_need_finds_an_english_capability_and_the_reverse(app: TestApp) {
        let buyer = app.register("b@kommune.no", 540, "buyer").await;
        let english = app.register("en@lev.no", 541, "supplier").await;
        let norwegian = app.register("nb@lev.no", 542, "supplier").await;
        // Neither "stol"/"chair" nor "vask"/"wash" is a curated synonym: the learnt table joins them.
        let chairs = app.capability(&english.token, cap("Chairs for classrooms", "We design and make stackable chairs for classrooms and canteens.")).await;
        let paper = app.capability(&english.token, cap("Printing paper", "Recycled printing paper delivered to offices.")).await;
        let washing = app.capability(&norwegian.token, cap("Vask av kjøretøy", "Vi tilbyr vask og rengjøring av kjøretøy for kommuner og bedrifter.")).await;
        let office = app.capability(&norwegian.token, cap("Kontorrekvisita", "Permer, penner og annet til kontoret.")).await;
        for c in [&chairs, &paper, &washing, &office] {
            app.wait_indexed(&buyer.token, c["id"].as_str().unwrap()).await;
        }
        let need = app.need(&buyer.token, need_body("Nye stoler til klasserommene", "Skolen trenger stablebare stoler til klasserom og kantine.")).await;
        assert_eq!(need["language"], "nb");
        let res: Value = app.get(&format!("/api/v1/needs/{}/matches", id(&need)), Some(&buyer.token)).await.json().await.unwrap();
        assert_eq!(ids(&res).first(), Some(&id(&chairs)), "the English chairs come first: {res}");
        let need = app.need(&buyer.token, need_body("Washing of vehicles", "The municipality needs regular washing of the vehicles in its fleet.")).await;
        assert_eq!(need["language"], "en");
        let res: Value = app.get(&format!("/api/v1/needs/{}/matches", id(&need)), Some(&buyer.token)).await.json().await.unwrap();
        assert_eq!(ids(&res).first(), Some(&id(&washing)), "the Norwegian washing firm comes first: {res}");
    }

    async fn a_nynorsk_need_finds_bokmal_capabilities(app: TestApp) {
        let buyer = app.register("b@kommune.no", 543, "buyer").await;
        let s = app.register("s@lev.no", 544, "supplier").await;
        let sensors = app.capability(&s.token, cap("Sensorer for inneklima", "Vi leverer sensorer som måler inneklima i skoler og varsler ved dårlig luft.")).await;
        let asphalt = app.capability(&s.token, cap("Asfaltering", "Vi asfalterer veier og plasser for kommuner.")).await;
        for c in [&sensors, &asphalt] {
            app.wait_indexed(&buyer.token, c["id"].as_str().unwrap()).await;
        }
        let need = app.need(&buyer.token, need_body("Måling av inneklima", "Me treng sensorar som måler inneklimaet i skulane våre og varslar når lufta er dårleg, utan at det krev mykje vedlikehald.")).await;
        assert_eq!(need["language"], "nn", "Nynorsk is recognised: {need}");
        let res: Value = app.get(&format!("/api/v1/needs/{}/matches", id(&need)), Some(&buyer.token)).await.json().await.unwrap();
        assert_eq!(ids(&res).first(), Some(&id(&sensors)), "{res}");
        let words = res["items"][0]["why"]["terms"].as_array().unwrap();
        assert!(!words.is_empty(), "the reasons name the shared words: {res}");
    }

    async fn grouping_by_organisation_lists_each_organisation_once(app: TestApp) {
        let buyer = app.register("b@kommune.no", 545, "buyer").await;
        let big = app.register("big@lev.no", 546, "supplier").await;
        let small = app.register("small@lev.no", 547, "supplier").await;
        let a = app.capability(&big.token, cap("Elektriske ferjer", "Vi bygger elektriske ferjer med batteri.")).await;
        let b = app.capability(&big.token, cap("Lading av ferjer", "Ladeanlegg for elektriske ferjer ved kai.")).await;
        let c = app.capability(&small.token, cap("Ferjer til fjorden", "Små elektriske ferjer for korte samband.")).await;
        for x in [&a, &b, &c] {
            app.wait_indexed(&buyer.token, x["id"].as_str().unwrap()).await;
        }
        let need = app.need(&buyer.token, need_body("Elektriske ferjer", "Fylket trenger elektriske ferjer og lading ved kai.")).await;
        let base = format!("/api/v1/needs/{}/matches", id(&need));
        let flat: Value = app.get(&base, Some(&buyer.token)).await.json().await.unwrap();
        assert_eq!(ids(&flat).len(), 3, "{flat}");
        let grouped: Value = app.get(&format!("{base}?group=organisation"), Some(&buyer.token)).await.json().await.unwrap();
        let items = grouped["items"].as_array().unwrap();
        let orgs: Vec<&Value> = items.iter().map(|i| &i["organisation_id"]).collect();
        assert_eq!(orgs.len(), 2, "each organisation once: {grouped}");
        assert_ne!(orgs[0], orgs[1]);
        let big_item = items.iter().find(|i| i["id"] == a["id"] || i["id"] == b["id"]).expect("the big supplier");
        let also = big_item["also"].as_array().expect("its other capability beside it");
        assert_eq!(also.len(), 1);
        assert!(also[0]["score"].as_f64().unwrap() <= big_item["score"].as_f64().unwrap(), "the best first");
        assert_eq!(also[0]["organisation_id"], big_item["organisation_id"]);
        let limited: Value = app.get(&format!("{base}?group=organisation&limit=1"), Some(&buyer.token)).await.json().await.unwrap();
        assert_eq!(limited["items"].as_array().unwrap().len(), 1, "limit counts organisations");
        let (_, field) = error_of(app.get(&format!("{base}?group=supplier"), Some(&buyer.token)).await, 400).await;
        assert_eq!(field.as_deref(), Some("group"));
    }

    async fn text_in_another_script_still_gets_a_match_list(app: TestApp) {
        let buyer = app.register("b@kommune.no", 548, "buyer").await;
        let s = app.register("s@lev.no", 549, "supplier").await;
        let c = app.capability(&s.token, cap("Videoovervåking", "Kameraer og videoovervåking av bygg.")).await;
        app.wait_indexed(&buyer.token, c["id"].as_str().unwrap()).await;
        for (title, text) in [("Видеонаблюдение", "Нам нужна система видеонаблюдения для школ"), ("学校の監視カメラ", "東京都の学校に監視カメラを設置する")] {
            let need = app.need(&buyer.token, need_body(title, text)).await;
            let res = app.get(&format!("/api/v1/needs/{}/matches", id(&need)), Some(&buyer.token)).await;
            assert_eq!(res.status().as_u16(), 200, "{title}");
            let json: Value = res.json().await.unwrap();
            assert!(json["items"].is_array(), "{json}");
        }
    }
}
