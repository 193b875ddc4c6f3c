//! Suppliers' interest in needs, and notifications: who gets which, the emails they queue, and
//! that one account never sees or marks another's.

use diesel::prelude::*;
use serde_json::{json, Value};

use crate::helpers::{error_of, need_body, TestApp, TestUser};
use crate::on_both_databases;

/// The caller's notifications (first page, newest first).
async fn notifications(app: &TestApp, user: &TestUser) -> Value {
    let res = app.get("/api/v1/me/notifications", Some(&user.token)).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

/// The kinds of the caller's notifications, newest first.
async fn kinds(app: &TestApp, user: &TestUser) -> Vec<String> {
    notifications(app, user).await["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap().to_owned())
        .collect()
}

/// The outbox rows of `kind` to `recipient`, with their bodies (kept until sent).
fn outbox_to(app: &TestApp, kind: &str, recipient: &str) -> Vec<(String, Option<String>)> {
    use innolift::db::schema::outbox;
    let mut conn = innolift::db::connect(&app.settings.database_url).unwrap();
    outbox::table
        .filter(outbox::kind.eq(kind))
        .filter(outbox::recipient.eq(recipient))
        .select((outbox::subject, outbox::body))
        .load(&mut conn)
        .unwrap()
}

async fn supplier_with_contact(app: &TestApp, email: &str, seed: u32) -> TestUser {
    app.register_with_contact(email, seed, "supplier").await
}

on_both_databases! {
    async fn interest_by_a_supplier_shows_for_the_needs_buyers_and_no_one_else(app: TestApp) {
        let owner = app.register("eier@kommune.no", 1200, "buyer").await;
        let sharer = app.register("deler@kommune.no", 1201, "buyer").await;
        let other_buyer = app.register("annen@kommune.no", 1202, "buyer").await;
        let supplier = app.register("salg@verft.no", 1203, "supplier").await;
        let other_supplier = app.register("salg@konkurrent.no", 1204, "supplier").await;
        let need = app.need(&owner.token, need_body("Elektriske ferjer", "Ferjer med lading ved kai.")).await;
        let id = need["id"].as_str().unwrap();
        assert_eq!(app.post(&format!("/api/v1/needs/{id}/participants"), &json!({}), Some(&sharer.token)).await.status(), 201);

        let res = app.post(&format!("/api/v1/needs/{id}/interest"), &json!({"comment": "Vi bygger slike"}), Some(&supplier.token)).await;
        assert_eq!(res.status(), 201);
        let res = app.post(&format!("/api/v1/needs/{id}/interest"), &json!({"comment": "Vi bygger slike i aluminium"}), Some(&supplier.token)).await;
        assert_eq!(res.status(), 200, "registering again changes the comment");

        for buyer in [&owner, &sharer] {
            let list: Value = app.get(&format!("/api/v1/needs/{id}/interest"), Some(&buyer.token)).await.json().await.unwrap();
            let items = list["items"].as_array().unwrap();
            assert_eq!(items.len(), 1, "one interest, not two: {list}");
            assert_eq!(items[0]["organisation_id"], supplier.organisation_id.as_str());
            assert_eq!(items[0]["comment"], "Vi bygger slike i aluminium");
            assert_eq!(items[0]["organisation_name"], format!("Org {}", crate::helpers::orgnr(1203)));
        }
        for outsider in [&other_buyer, &other_supplier, &supplier] {
            error_of(app.get(&format!("/api/v1/needs/{id}/interest"), Some(&outsider.token)).await, 403).await;
        }
        let (code, _) = error_of(app.post(&format!("/api/v1/needs/{id}/interest"), &json!({}), Some(&other_buyer.token)).await, 403).await;
        assert_eq!(code, "forbidden", "a buyer cannot register interest");

        // Both buyers are told once; nobody else is.
        assert_eq!(kinds(&app, &owner).await, vec!["need_interest"]);
        assert_eq!(kinds(&app, &sharer).await, vec!["need_interest"]);
        assert!(kinds(&app, &other_buyer).await.is_empty());
        assert!(kinds(&app, &other_supplier).await.is_empty());
        let n = &notifications(&app, &owner).await["items"][0];
        assert_eq!(n["link"], format!("/needs/{id}#interest"));
        assert_eq!(n["title"], "Elektriske ferjer");
        assert_eq!(outbox_to(&app, "notification", &owner.email).len(), 1, "and by email");

        // Withdrawn, it is gone; a closed need takes no interest.
        assert_eq!(app.delete(&format!("/api/v1/needs/{id}/interest"), &supplier.token).await.status(), 204);
        error_of(app.delete(&format!("/api/v1/needs/{id}/interest"), &supplier.token).await, 404).await;
        let list: Value = app.get(&format!("/api/v1/needs/{id}/interest"), Some(&owner.token)).await.json().await.unwrap();
        assert_eq!(list["items"], json!([]));
        assert_eq!(app.patch(&format!("/api/v1/needs/{id}"), &json!({"status": "closed"}), &owner.token).await.status(), 200);
        let (_, field) = error_of(app.post(&format!("/api/v1/needs/{id}/interest"), &json!({}), Some(&other_supplier.token)).await, 409).await;
        assert_eq!(field.as_deref(), Some("status"));
        // A draft of another organisation is not found at all.
        let mut draft = need_body("Utkast", "Ikke publisert.");
        draft["status"] = json!("draft");
        let draft = app.need(&owner.token, draft).await;
        error_of(app.post(&format!("/api/v1/needs/{}/interest", draft["id"].as_str().unwrap()), &json!({}), Some(&supplier.token)).await, 404).await;
    }

    async fn process_invitations_and_cluster_proposals_notify_the_right_buyers(app: TestApp) {
        let lead = app.register("leder@kommune.no", 1210, "buyer").await;
        let invited = app.register("invitert@kommune.no", 1211, "buyer").await;
        let bystander = app.register("tilskuer@kommune.no", 1212, "buyer").await;
        let cluster = app.register("post@klynge.no", 1213, "cluster").await;
        let member = app.register("salg@medlem.no", 1214, "supplier").await;
        assert_eq!(app.post(&format!("/api/v1/organisations/{}/members", cluster.organisation_id), &json!({"orgnr": crate::helpers::orgnr(1214)}), Some(&cluster.token)).await.status(), 201);
        app.accept_cluster(&member, &cluster.organisation_id).await;
        let need = app.need(&lead.token, need_body("Nattilsyn", "Digitalt nattilsyn i hjemmetjenesten.")).await;
        let process: Value = app.post("/api/v1/processes", &json!({"title": "Felles nattilsyn", "description": "Vi kjøper sammen, med sensorer.", "need_ids": [need["id"]], "procedure": "innovation_partnership"}), Some(&lead.token)).await.json().await.unwrap();
        let pid = process["id"].as_str().unwrap();

        assert_eq!(app.post(&format!("/api/v1/processes/{pid}/buyers"), &json!({"organisation_id": invited.organisation_id}), Some(&lead.token)).await.status(), 201);
        assert_eq!(kinds(&app, &invited).await, vec!["process_invitation"]);
        let n = &notifications(&app, &invited).await["items"][0];
        assert_eq!(n["link"], format!("/processes/{pid}"));
        assert_eq!(n["actor"], format!("Org {}", crate::helpers::orgnr(1210)));
        assert!(kinds(&app, &lead).await.is_empty(), "the one who invites is not told");
        assert!(kinds(&app, &bystander).await.is_empty());

        // The invited buyer reads the description and the needs before deciding.
        let view: Value = app.get(&format!("/api/v1/processes/{pid}"), Some(&invited.token)).await.json().await.unwrap();
        assert_eq!(view["your_role"], "invited");
        assert_eq!(view["description"], "Vi kjøper sammen, med sensorer.");
        assert_eq!(view["need_ids"], json!([need["id"]]));
        let outsider_view: Value = app.get(&format!("/api/v1/processes/{pid}"), Some(&bystander.token)).await.json().await.unwrap();
        assert!(outsider_view.get("description").is_none(), "{outsider_view}");
        // And on the process page, with links to the needs, under a header counting one unread.
        let web = crate::web_helpers::WebClient::signed_in(&app, &invited.email, &invited.password).await;
        let (status, html) = web.get(&format!("/processes/{pid}")).await;
        assert_eq!(status, 200);
        assert!(html.contains("Vi kjøper sammen, med sensorer.") && html.contains(&format!("href=\"/needs/{}\"", need["id"].as_str().unwrap())), "{html}");
        assert!(html.contains("id=\"unread-count\">1<"), "{html}");
        let web = crate::web_helpers::WebClient::signed_in(&app, &bystander.email, &bystander.password).await;
        let (_, html) = web.get(&format!("/processes/{pid}")).await;
        assert!(!html.contains("Vi kjøper sammen, med sensorer.") && !html.contains("unread-count"));

        let res = app.post(&format!("/api/v1/processes/{pid}/proposals"), &json!({"supplier_ids": [member.organisation_id]}), Some(&cluster.token)).await;
        assert_eq!(res.status(), 201);
        assert_eq!(kinds(&app, &lead).await, vec!["cluster_proposal"]);
        assert_eq!(kinds(&app, &invited).await, vec!["process_invitation"], "only the process's buyers hear of proposals");
        assert!(kinds(&app, &bystander).await.is_empty());
        assert!(kinds(&app, &member).await.is_empty());
        // The same proposal again is no news.
        app.post(&format!("/api/v1/processes/{pid}/proposals"), &json!({"supplier_ids": [member.organisation_id]}), Some(&cluster.token)).await;
        assert_eq!(kinds(&app, &lead).await.len(), 1);
    }

    async fn questions_answers_and_published_answers_notify_buyers_and_the_asker(app: TestApp) {
        let (buyer, _pid, did) = crate::dialogues::event(&app, 1220).await;
        let buyer_email = buyer.email.clone();
        let supplier = supplier_with_contact(&app, "salg@ferjeverft.no", 1221).await;
        let bystander = supplier_with_contact(&app, "salg@andre.no", 1222).await;
        let other_buyer = app.register("annen@kommune.no", 1223, "buyer").await;
        let res = app.post(&format!("/api/v1/dialogues/{did}/invitations"), &json!({"supplier_ids": [supplier.organisation_id]}), Some(&buyer.token)).await;
        assert_eq!(res.status(), 201);
        let invitation = outbox_to(&app, "invitation", "salg@ferjeverft.no");
        let body = invitation[0].1.clone().expect("the invitation is not sent in tests");
        let token = crate::dialogues::rsvp_token(&body);

        let res = app.post_page_form(&format!("/rsvp/{token}"), &format!("/rsvp/{token}/questions"), &[("question", "Kan vi levere hydrogen?")]).await;
        assert_eq!(res.status(), 200);
        assert_eq!(kinds(&app, &buyer).await, vec!["dialogue_question"]);

        // Two answers within the hour: two notifications, one email.
        for answer in ["attending", "interested_cannot_attend"] {
            let mut fields = vec![("answer", answer)];
            if answer == "attending" {
                fields.push(("attendees", "1"));
            }
            let res = app.post_page_form(&format!("/rsvp/{token}"), &format!("/rsvp/{token}"), &fields).await;
            assert_eq!(res.status(), 200);
        }
        assert_eq!(kinds(&app, &buyer).await, vec!["dialogue_answer", "dialogue_answer", "dialogue_question"]);
        let emails = outbox_to(&app, "notification", &buyer_email);
        let answer_emails = emails.iter().filter(|(s, _)| s.starts_with("Nytt svar")).count();
        assert_eq!(answer_emails, 1, "at most one email an hour per event: {emails:?}");
        assert_eq!(emails.iter().filter(|(s, _)| s.starts_with("Nytt spørsmål")).count(), 1);
        assert!(kinds(&app, &other_buyer).await.is_empty());
        assert!(kinds(&app, &supplier).await.is_empty());

        let questions: Value = app.get(&format!("/api/v1/dialogues/{did}/questions"), Some(&buyer.token)).await.json().await.unwrap();
        let qid = questions["items"][0]["id"].as_str().unwrap().to_owned();
        let res = app.post(&format!("/api/v1/dialogues/{did}/questions/{qid}/answer"), &json!({"answer": "Ja, gjerne."}), Some(&buyer.token)).await;
        assert_eq!(res.status(), 200);
        assert_eq!(kinds(&app, &supplier).await, vec!["question_answered"], "the asker hears of the answer");
        assert_eq!(notifications(&app, &supplier).await["items"][0]["link"], format!("/dialogues/{did}"));
        assert!(kinds(&app, &bystander).await.is_empty());
        assert_eq!(outbox_to(&app, "notification", &supplier.email).len(), 1);
    }

    async fn one_account_cannot_read_or_mark_another_accounts_notifications(app: TestApp) {
        let owner = app.register("eier@kommune.no", 1230, "buyer").await;
        let other = app.register("annen@kommune.no", 1231, "buyer").await;
        let supplier = app.register("salg@verft.no", 1232, "supplier").await;
        let need = app.need(&owner.token, need_body("Ladestasjoner", "Lading for ferjer.")).await;
        let id = need["id"].as_str().unwrap();
        assert_eq!(app.post(&format!("/api/v1/needs/{id}/interest"), &json!({}), Some(&supplier.token)).await.status(), 201);
        let mine = notifications(&app, &owner).await;
        assert_eq!(mine["unread"], 1);
        assert_eq!(mine["total"], 1);
        let nid = mine["items"][0]["id"].as_str().unwrap().to_owned();

        error_of(app.post(&format!("/api/v1/me/notifications/{nid}/read"), &json!({}), Some(&other.token)).await, 404).await;
        let theirs = notifications(&app, &other).await;
        assert_eq!(theirs["total"], 0);
        assert_eq!(notifications(&app, &owner).await["unread"], 1, "still unread for its owner");

        let res = app.post(&format!("/api/v1/me/notifications/{nid}/read"), &json!({}), Some(&owner.token)).await;
        assert_eq!(res.status(), 200);
        let read: Value = res.json().await.unwrap();
        assert_eq!(read["read"], true);
        assert_eq!(notifications(&app, &owner).await["unread"], 0);
        error_of(app.post(&format!("/api/v1/me/notifications/{}/read", uuid::Uuid::new_v4()), &json!({}), Some(&owner.token)).await, 404).await;
        error_of(app.get("/api/v1/me/notifications", None).await, 401).await;
        let (_, field) = error_of(app.get("/api/v1/me/notifications?per_page=0", Some(&owner.token)).await, 400).await;
        assert_eq!(field.as_deref(), Some("per_page"));
    }

    async fn switching_a_kind_off_stops_its_emails_but_not_the_notification(app: TestApp) {
        let owner = app.register("eier@kommune.no", 1240, "buyer").await;
        let first = app.register("salg@en.no", 1241, "supplier").await;
        let second = app.register("salg@to.no", 1242, "supplier").await;
        let settings: Value = app.get("/api/v1/me/notifications/settings", Some(&owner.token)).await.json().await.unwrap();
        assert!(settings["items"].as_array().unwrap().iter().all(|s| s["email"] == true), "on by default: {settings}");
        let need = app.need(&owner.token, need_body("Ladestasjoner", "Lading for ferjer.")).await;
        let id = need["id"].as_str().unwrap();
        assert_eq!(app.post(&format!("/api/v1/needs/{id}/interest"), &json!({}), Some(&first.token)).await.status(), 201);
        assert_eq!(outbox_to(&app, "notification", &owner.email).len(), 1);

        let res = app.put("/api/v1/me/notifications/settings", &json!({"items": [{"kind": "need_interest", "email": false}]}), Some(&owner.token)).await;
        assert_eq!(res.status(), 200);
        let saved: Value = res.json().await.unwrap();
        assert!(saved["items"].as_array().unwrap().iter().any(|s| s["kind"] == "need_interest" && s["email"] == false));
        assert_eq!(app.post(&format!("/api/v1/needs/{id}/interest"), &json!({}), Some(&second.token)).await.status(), 201);
        assert_eq!(kinds(&app, &owner).await, vec!["need_interest", "need_interest"], "in-app always");
        assert_eq!(outbox_to(&app, "notification", &owner.email).len(), 1, "no second email");

        let (_, field) = error_of(app.put("/api/v1/me/notifications/settings", &json!({"items": [{"kind": "question_answered", "email": false}]}), Some(&owner.token)).await, 400).await;
        assert_eq!(field.as_deref(), Some("kind"), "a buyer gets no such kind");
        let (_, field) = error_of(app.put("/api/v1/me/notifications/settings", &json!({"items": [{"kind": "gossip", "email": false}]}), Some(&owner.token)).await, 400).await;
        assert_eq!(field.as_deref(), Some("kind"));
    }
}
