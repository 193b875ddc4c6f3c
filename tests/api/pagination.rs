//! Keyset pagination of the long lists: a cursor walks every row once, in the list's order, on
//! both databases; a numbered page points on by cursor too.

use std::collections::HashSet;

use serde_json::{json, Value};

use crate::helpers::{error_of, need_body, TestApp};
use crate::on_both_databases;

/// Walks a list from `first` by its cursors, returning the ids in the order seen.
async fn walk(app: &TestApp, token: &str, first: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut path = first.to_owned();
    for _ in 0..50 {
        let page: Value = app.get(&path, Some(token)).await.json().await.unwrap();
        assert!(
            page.get("total").is_none(),
            "a cursor's page counts nothing: {page}"
        );
        assert!(page.get("page").is_none(), "{page}");
        for item in page["items"].as_array().unwrap() {
            ids.push(item["id"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(c) => {
                let base = first.split("cursor=").next().unwrap();
                path = format!("{base}cursor={c}");
            }
            None => return ids,
        }
    }
    panic!("the cursor never ended");
}

async fn total(app: &TestApp, token: &str) -> i64 {
    let page: Value = app
        .get("/api/v1/needs?per_page=1", Some(token))
        .await
        .json()
        .await
        .unwrap();
    page["total"].as_i64().unwrap()
}

on_both_databases! {
    async fn a_cursor_walks_every_need_once_in_each_order(app: TestApp) {
        let buyer = app.register("liste@kommune.no", 7100, "buyer").await;
        let titles = ["Bru", "Ferje", "Ferje", "Ambulanse", "Skole", "Sykehjem", "Vei"];
        let mut created = Vec::new();
        for (i, title) in titles.iter().enumerate() {
            let mut body = need_body(title, "Et behov som listes side for side.");
            body["status"] = json!("open");
            // Some share a tender date and some have none, so ties and missing keys are crossed.
            if i % 3 != 0 {
                body["planned_tender_date"] = json!(format!("2027-0{}-01", 1 + i % 2));
            }
            created.push(app.need(&buyer.token, body).await["id"].as_str().unwrap().to_owned());
        }
        for sort in ["newest", "deadline", "title"] {
            let numbered: Value = app
                .get(&format!("/api/v1/needs?sort={sort}&per_page=100"), Some(&buyer.token))
                .await
                .json()
                .await
                .unwrap();
            let expected: Vec<String> = numbered["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["id"].as_str().unwrap().to_owned())
                .collect();
            assert_eq!(expected.len(), titles.len());
            let walked = walk(
                &app,
                &buyer.token,
                &format!("/api/v1/needs?sort={sort}&per_page=2&cursor="),
            )
            .await;
            assert_eq!(walked, expected, "by cursor in the order {sort}, as by number");
        }
        // A numbered page points on by cursor, so a client can switch after the first page.
        let first: Value = app
            .get("/api/v1/needs?per_page=3", Some(&buyer.token))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(first["total"], titles.len());
        let cursor = first["next_cursor"].as_str().expect("a cursor to the next page");
        let rest = walk(&app, &buyer.token, &format!("/api/v1/needs?per_page=3&cursor={cursor}")).await;
        let mut all: Vec<String> = first["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap().to_owned())
            .collect();
        all.extend(rest);
        assert_eq!(all.iter().collect::<HashSet<_>>().len(), titles.len());
        assert_eq!(all.len(), titles.len(), "no need twice, none left out");
        assert_eq!(
            created.iter().collect::<HashSet<_>>(),
            all.iter().collect::<HashSet<_>>()
        );
    }

    async fn a_bad_cursor_is_refused_naming_the_field(app: TestApp) {
        let buyer = app.register("peker@kommune.no", 7101, "buyer").await;
        let (_, field) = error_of(
            app.get("/api/v1/needs?cursor=ikke-en-peker", Some(&buyer.token)).await,
            400,
        )
        .await;
        assert_eq!(field.as_deref(), Some("cursor"));
        let mut body = need_body("Ferje", "Elektrisk ferje.");
        body["status"] = json!("open");
        app.need(&buyer.token, body.clone()).await;
        app.need(&buyer.token, body).await;
        let page: Value = app
            .get("/api/v1/needs?per_page=1&cursor=", Some(&buyer.token))
            .await
            .json()
            .await
            .unwrap();
        let cursor = page["next_cursor"].as_str().unwrap();
        let (_, field) = error_of(
            app.get(&format!("/api/v1/needs?sort=title&cursor={cursor}"), Some(&buyer.token)).await,
            400,
        )
        .await;
        assert_eq!(field.as_deref(), Some("cursor"), "a cursor of another order");
        let (_, field) = error_of(
            app.get(&format!("/api/v1/needs?page=2&cursor={cursor}"), Some(&buyer.token)).await,
            400,
        )
        .await;
        assert_eq!(field.as_deref(), Some("cursor"), "page and cursor together");
        let (_, field) = error_of(
            app.get("/api/v1/needs?q=ferje&cursor=", Some(&buyer.token)).await,
            400,
        )
        .await;
        assert_eq!(field.as_deref(), Some("cursor"), "a text search is paged by number");
    }

    async fn a_numbered_page_counts_a_change_at_once(app: TestApp) {
        let buyer = app.register("teller@kommune.no", 7103, "buyer").await;
        let before = total(&app, &buyer.token).await;
        assert_eq!(before, total(&app, &buyer.token).await, "the same total twice");
        let mut body = need_body("Ferje", "Elektrisk ferje.");
        body["status"] = json!("open");
        let id = app.need(&buyer.token, body).await["id"].as_str().unwrap().to_owned();
        assert_eq!(total(&app, &buyer.token).await, before + 1, "a new need counts at once");
        assert_eq!(app.delete(&format!("/api/v1/needs/{id}"), &buyer.token).await.status(), 204);
        assert_eq!(total(&app, &buyer.token).await, before, "a deleted one at once");
    }

    async fn a_cursor_walks_every_capability_once(app: TestApp) {
        let supplier = app.register("evner@firma.no", 7102, "supplier").await;
        let mut created = HashSet::new();
        for i in 0..5 {
            let cap = app
                .capability(
                    &supplier.token,
                    json!({"title": format!("Evne {i}"), "description": "Vi leverer sensorer.", "themes": ["health_welfare"], "national": true}),
                )
                .await;
            created.insert(cap["id"].as_str().unwrap().to_owned());
        }
        let walked = walk(&app, &supplier.token, "/api/v1/capabilities?per_page=2&cursor=").await;
        assert_eq!(walked.len(), 5, "{walked:?}");
        assert_eq!(walked.into_iter().collect::<HashSet<_>>(), created);
    }
}
