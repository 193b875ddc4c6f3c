use serde_json::{json, Value};

use crate::helpers::{error_of, orgnr};
use crate::on_both_databases;

on_both_databases! {
    async fn organisations_are_listed_by_kind_and_text_with_pagination(app: TestApp) {
        let buyer = app.register("b@kommune.no", 40, "buyer").await;
        for i in 0..3 {
            app.register(&format!("s{i}@lev.no"), 41 + i, "supplier").await;
        }
        app.register("k@klynge.no", 45, "cluster").await;

        let page: Value = app.get("/api/v1/organisations?kind=supplier&per_page=2", Some(&buyer.token)).await.json().await.unwrap();
        assert_eq!(page["total"], 3);
        assert_eq!(page["items"].as_array().unwrap().len(), 2);
        assert!(page["items"].as_array().unwrap().iter().all(|o| o["kind"] == "supplier"));
        let page2: Value = app.get("/api/v1/organisations?kind=supplier&per_page=2&page=2", Some(&buyer.token)).await.json().await.unwrap();
        assert_eq!(page2["items"].as_array().unwrap().len(), 1);
        assert_ne!(page["items"][0]["id"], page2["items"][0]["id"]);

        let by_orgnr: Value = app.get(&format!("/api/v1/organisations?q={}", orgnr(45)), Some(&buyer.token)).await.json().await.unwrap();
        assert_eq!(by_orgnr["total"], 1);
        assert_eq!(by_orgnr["items"][0]["kind"], "cluster");

        // Case-insensitive, Norwegian letters included.
        let mut patch = app.patch(&format!("/api/v1/organisations/{}", buyer.organisation_id), &json!({"name": "Ålesund kommune"}), &buyer.token).await;
        assert_eq!(patch.status(), 200);
        patch = app.get("/api/v1/organisations?q=%C3%A5lesund", Some(&buyer.token)).await;
        let found: Value = patch.json().await.unwrap();
        assert_eq!(found["total"], 1, "{found}");

        assert_eq!(app.get("/api/v1/organisations", None).await.status(), 401, "the registry needs sign-in");
    }

    async fn the_owner_changes_the_profile_and_null_clears_a_field(app: TestApp) {
        let owner = app.register("eier@lev.no", 50, "supplier").await;
        let path = format!("/api/v1/organisations/{}", owner.organisation_id);
        let res = app.patch(&path, &json!({"website": "lev.no", "contact_email": "Post@Lev.no", "size": "medium"}), &owner.token).await;
        assert_eq!(res.status(), 200);
        let org: Value = res.json().await.unwrap();
        assert_eq!(org["website"], "https://lev.no/");
        assert_eq!(org["contact_email"], "post@lev.no");
        assert_eq!(org["size"], "medium");
        assert_eq!(org["county"], "46", "fields left out stay as they were");

        let org: Value = app.patch(&path, &json!({"website": null}), &owner.token).await.json().await.unwrap();
        assert_eq!(org["website"], Value::Null);
        assert_eq!(org["contact_email"], "post@lev.no");

        let fetched: Value = app.get(&path, Some(&owner.token)).await.json().await.unwrap();
        assert_eq!(fetched["size"], "medium");
    }

    async fn orgnr_and_kind_cannot_be_patched(app: TestApp) {
        let owner = app.register("eier@lev.no", 51, "supplier").await;
        let path = format!("/api/v1/organisations/{}", owner.organisation_id);
        let (_, field) = error_of(app.patch(&path, &json!({"orgnr": orgnr(52)}), &owner.token).await, 400).await;
        assert_eq!(field.as_deref(), Some("orgnr"));
        let (_, field) = error_of(app.patch(&path, &json!({"kind": "buyer"}), &owner.token).await, 400).await;
        assert_eq!(field.as_deref(), Some("kind"));
        let (_, field) = error_of(app.patch(&path, &json!({"sector": "state"}), &owner.token).await, 400).await;
        assert_eq!(field.as_deref(), Some("sector"), "a supplier has no sector");
    }

    async fn a_member_doing_an_owners_action_gets_403(app: TestApp) {
        let owner = app.register("eier@kommune.no", 53, "buyer").await;
        app.post(&format!("/api/v1/organisations/{}/users", owner.organisation_id), &json!({"email": "m@kommune.no"}), Some(&owner.token)).await;
        let res = app.post("/api/v1/auth/register", &json!({"email": "m@kommune.no", "password": "et langt passord", "name": "M"}), None).await;
        let member: Value = res.json().await.unwrap();
        let token = member["token"].as_str().unwrap();
        let path = format!("/api/v1/organisations/{}", owner.organisation_id);
        let (code, _) = error_of(app.patch(&path, &json!({"name": "Kapret"}), token).await, 403).await;
        assert_eq!(code, "forbidden");
        let (code, _) = error_of(app.post(&format!("{path}/users"), &json!({"email": "x@kommune.no"}), Some(token)).await, 403).await;
        assert_eq!(code, "forbidden");
        let org: Value = app.get(&path, Some(token)).await.json().await.unwrap();
        assert_ne!(org["name"], "Kapret");
        assert_eq!(app.get(&format!("{path}/users"), Some(token)).await.status(), 200, "members see their colleagues");
    }

    async fn another_organisation_cannot_change_or_read_private_data(app: TestApp) {
        let a = app.register("a@a.no", 54, "buyer").await;
        let b = app.register("b@b.no", 55, "buyer").await;
        let path = format!("/api/v1/organisations/{}", a.organisation_id);
        let (code, _) = error_of(app.patch(&path, &json!({"name": "Kapret"}), &b.token).await, 403).await;
        assert_eq!(code, "forbidden");
        error_of(app.post(&format!("{path}/users"), &json!({"email": "spion@b.no"}), Some(&b.token)).await, 403).await;
        error_of(app.get(&format!("{path}/users"), Some(&b.token)).await, 403).await;
        let org: Value = app.get(&path, Some(&b.token)).await.json().await.unwrap();
        assert_eq!(org["name"], format!("Org {}", orgnr(54)), "the public profile is readable, unchanged");
        error_of(app.get("/api/v1/organisations/00000000-0000-0000-0000-000000000000", Some(&b.token)).await, 404).await;
    }

    async fn a_cluster_asks_a_supplier_which_becomes_a_member_only_when_its_owner_accepts(app: TestApp) {
        let cluster = app.register("k@klynge.no", 60, "cluster").await;
        let supplier = app.register("s@lev.no", 61, "supplier").await;
        let buyer = app.register("b@kommune.no", 62, "buyer").await;
        let members = format!("/api/v1/organisations/{}/members", cluster.organisation_id);

        let spaced = format!("{} {}", &orgnr(61)[..3], &orgnr(61)[3..]);
        let res = app.post(&members, &json!({"orgnr": spaced}), Some(&cluster.token)).await;
        assert_eq!(res.status(), 201);
        let asked: Value = res.json().await.unwrap();
        assert_eq!(asked["status"], "pending");
        assert_eq!(app.post(&members, &json!({"orgnr": orgnr(61)}), Some(&cluster.token)).await.status(), 200, "asking twice is harmless");

        // Pending: the cluster lists the request apart, and cannot propose the supplier.
        let view: Value = app.get(&format!("/api/v1/organisations/{}", cluster.organisation_id), Some(&buyer.token)).await.json().await.unwrap();
        assert_eq!(view["members"].as_array().unwrap().len(), 0, "{view}");
        assert_eq!(view["pending_members"][0]["id"], supplier.organisation_id.as_str());
        let own: Value = app.get(&format!("/api/v1/organisations/{}", supplier.organisation_id), Some(&supplier.token)).await.json().await.unwrap();
        assert_eq!(own["cluster_requests"][0]["id"], cluster.organisation_id.as_str());
        assert_eq!(own["clusters"].as_array().unwrap().len(), 0);
        let accept = format!("/api/v1/organisations/{}/clusters/{}/accept", supplier.organisation_id, cluster.organisation_id);
        error_of(app.post(&accept, &json!({}), Some(&cluster.token)).await, 403).await;
        error_of(app.post(&accept, &json!({}), Some(&buyer.token)).await, 403).await;
        app.accept_cluster(&supplier, &cluster.organisation_id).await;
        let unknown = format!("/api/v1/organisations/{}/clusters/{}/accept", supplier.organisation_id, buyer.organisation_id);
        error_of(app.post(&unknown, &json!({}), Some(&supplier.token)).await, 404).await;

        let view: Value = app.get(&format!("/api/v1/organisations/{}", cluster.organisation_id), Some(&buyer.token)).await.json().await.unwrap();
        let listed = view["members"].as_array().unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0]["id"], supplier.organisation_id.as_str());
        let supplier_view: Value = app.get(&format!("/api/v1/organisations/{}", supplier.organisation_id), Some(&buyer.token)).await.json().await.unwrap();
        assert_eq!(supplier_view["clusters"][0]["id"], cluster.organisation_id.as_str());

        let (_, field) = error_of(app.post(&members, &json!({"orgnr": orgnr(62)}), Some(&cluster.token)).await, 400).await;
        assert_eq!(field.as_deref(), Some("orgnr"), "a buyer cannot be a member");
        let (_, field) = error_of(app.post(&members, &json!({"orgnr": orgnr(63)}), Some(&cluster.token)).await, 400).await;
        assert_eq!(field.as_deref(), Some("orgnr"), "an unregistered company cannot be a member");
        error_of(app.post(&members, &json!({"orgnr": orgnr(61)}), Some(&supplier.token)).await, 403).await;
        error_of(app.post(&format!("/api/v1/organisations/{}/members", buyer.organisation_id), &json!({"orgnr": orgnr(61)}), Some(&buyer.token)).await, 409).await;

        let member_path = format!("{members}/{}", supplier.organisation_id);
        error_of(app.delete(&member_path, &supplier.token).await, 403).await;
        assert_eq!(app.delete(&member_path, &cluster.token).await.status(), 204);
        error_of(app.delete(&member_path, &cluster.token).await, 404).await;
        let view: Value = app.get(&format!("/api/v1/organisations/{}", cluster.organisation_id), Some(&buyer.token)).await.json().await.unwrap();
        assert_eq!(view["members"].as_array().unwrap().len(), 0);
    }

    async fn adding_an_existing_account_as_colleague_gives_409(app: TestApp) {
        let a = app.register("a@a.no", 64, "buyer").await;
        app.register("b@b.no", 65, "buyer").await;
        let (_, field) = error_of(app.post(&format!("/api/v1/organisations/{}/users", a.organisation_id), &json!({"email": "B@b.no"}), Some(&a.token)).await, 409).await;
        assert_eq!(field.as_deref(), Some("email"));
    }
}

on_both_databases! {
    async fn an_administrator_acting_as_an_owner_leaves_an_audit_record(app: TestApp) {
        let owner = app.register("eier@verft.no", 9600, "supplier").await;
        let (email, password) = crate::web_helpers::create_admin(&app, "stab@innolift.no");
        let admin: Value = app.login(&email, &password).await.json().await.unwrap();
        let admin_token = admin["token"].as_str().unwrap();
        let path = format!("/api/v1/organisations/{}", owner.organisation_id);
        assert_eq!(app.patch(&path, &json!({"website": "https://verft.example"}), admin_token).await.status(), 200);
        // The owner's own change is not an administrator's.
        assert_eq!(app.patch(&path, &json!({"website": "https://verft.example/ny"}), &owner.token).await.status(), 200);
        use diesel::prelude::*;
        use innolift::db::schema::audit_log::dsl as a;
        let mut conn = innolift::db::connect(&app.settings.database_url).unwrap();
        let rows: Vec<(String, String, Option<String>)> = a::audit_log
            .filter(a::entity_id.eq(&owner.organisation_id))
            .filter(a::action.like("admin:%"))
            .select((a::entity, a::action, a::account_id))
            .load(&mut conn)
            .unwrap();
        let me: Value = app.get("/api/v1/me", Some(admin_token)).await.json().await.unwrap();
        assert_eq!(rows, vec![("organisation".to_owned(), "admin:update_profile".to_owned(), Some(me["user"]["id"].as_str().unwrap().to_owned()))]);
    }
}
