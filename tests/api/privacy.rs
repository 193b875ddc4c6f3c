//! A person's own data: the export holds what they wrote and what was sent to them, and after
//! deletion nothing leads back to them while the dialogue's record still proves what was sent.

use std::time::Duration;

use serde_json::{json, Value};

use crate::dialogues::{app_with_mail, event, rsvp_token, SmtpServer};
use crate::helpers::{error_of, Backend};

async fn a_person_exports_what_they_wrote_and_after_deleting_nothing_leads_back_to_them(
    backend: Backend,
) {
    let mut smtp = SmtpServer::unstarted();
    if !smtp.start() {
        return;
    }
    let Some(app) = app_with_mail(backend, &smtp).await else {
        return;
    };
    let (buyer, _pid, did) = event(&app, 9300).await;

    // A supplier whose invitations go to a colleague, not the owner.
    let owner = app.register("eier@verft.no", 9301, "supplier").await;
    let users = format!("/api/v1/organisations/{}/users", owner.organisation_id);
    assert_eq!(
        app.post(
            &users,
            &json!({"email": "kari@verft.no"}),
            Some(&owner.token)
        )
        .await
        .status(),
        201
    );
    let res = app
        .post("/api/v1/auth/register", &json!({"email": "kari@verft.no", "password": "et langt passord", "name": "Kari Nordmann"}), None)
        .await;
    assert_eq!(res.status(), 201);
    let kari: Value = res.json().await.unwrap();
    let kari_token = kari["token"].as_str().unwrap().to_owned();
    let res = app
        .patch(
            &format!("/api/v1/organisations/{}", owner.organisation_id),
            &json!({"contact_email": "kari@verft.no"}),
            &owner.token,
        )
        .await;
    assert_eq!(res.status(), 200);

    let res = app
        .post(
            &format!("/api/v1/dialogues/{did}/invitations"),
            &json!({"supplier_ids": [owner.organisation_id]}),
            Some(&buyer.token),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    // The colleague invitation came first; then the event's.
    let messages = smtp.wait_for(2, Duration::from_secs(15)).await;
    let invitation = messages
        .iter()
        .find(|m| m.contains("text/calendar"))
        .expect("the invitation arrives");
    let token = rsvp_token(invitation);
    let res = app
        .post(&format!("/api/v1/rsvp/{token}"), &json!({"answer": "attending", "attendees": 2, "comment": "Vi tar med en prototyp av laderen."}), None)
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let res = app
        .post(
            &format!("/api/v1/rsvp/{token}/questions"),
            &json!({"question": "Hvor stor er kaien på Askøy?"}),
            None,
        )
        .await;
    assert!(res.status().is_success(), "{}", res.text().await.unwrap());

    // The export is the caller's own, and holds what they wrote and what was sent to them.
    error_of(app.get("/api/v1/me/export", None).await, 401).await;
    let res = app.get("/api/v1/me/export", Some(&kari_token)).await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    let export: Value = res.json().await.unwrap();
    assert_eq!(
        (
            export["account"]["email"].as_str(),
            export["account"]["name"].as_str()
        ),
        (Some("kari@verft.no"), Some("Kari Nordmann"))
    );
    assert_eq!(
        export["answers"][0]["comment"], "Vi tar med en prototyp av laderen.",
        "{export}"
    );
    assert_eq!(
        (
            export["answers"][0]["answer"].as_str(),
            export["answers"][0]["attendees"].as_i64()
        ),
        (Some("attending"), Some(2)),
        "{export}"
    );
    assert_eq!(
        export["questions"][0]["question"], "Hvor stor er kaien på Askøy?",
        "{export}"
    );
    let emails = export["emails"].as_array().unwrap();
    assert!(
        emails
            .iter()
            .any(|e| e["kind"] == "invitation"
                && e["sha256"].as_str().is_some_and(|h| h.len() == 64)),
        "{export}"
    );
    assert!(
        emails.iter().any(|e| e["kind"] == "colleague_invite"),
        "{export}"
    );
    let own: Value = app
        .get("/api/v1/me/export", Some(&owner.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(own["account"]["email"], "eier@verft.no");
    assert!(
        own["answers"].as_array().unwrap().is_empty(),
        "another person's answers are not in the owner's export: {own}"
    );
    assert!(!own.to_string().contains("Kari Nordmann"), "{own}");

    // An owner hands over first; the colleague may go.
    let (_, field) = error_of(app.delete("/api/v1/me", &owner.token).await, 409).await;
    assert_eq!(field.as_deref(), Some("role"));
    let record_before: Value = app
        .get(
            &format!("/api/v1/dialogues/{did}/record"),
            Some(&buyer.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(
        record_before.to_string().contains("kari@verft.no"),
        "the record names the recipient before"
    );
    assert_eq!(app.delete("/api/v1/me", &kari_token).await.status(), 204);

    error_of(app.get("/api/v1/me/export", Some(&kari_token)).await, 401).await;
    assert_eq!(
        app.login("kari@verft.no", "et langt passord")
            .await
            .status(),
        401
    );
    let colleagues = app
        .get(&users, Some(&owner.token))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !colleagues.contains("kari@verft.no") && !colleagues.contains("Kari Nordmann"),
        "{colleagues}"
    );
    let record_after = app
        .get(
            &format!("/api/v1/dialogues/{did}/record"),
            Some(&buyer.token),
        )
        .await;
    assert_eq!(record_after.status(), 200);
    let record_after: Value = record_after.json().await.unwrap();
    let text = record_after.to_string();
    assert!(
        !text.contains("kari@verft.no") && !text.contains("Kari Nordmann"),
        "the record no longer names her: {text}"
    );
    assert!(text.contains("@erased.invalid"), "{text}");
    let hashes = |r: &Value| {
        let mut found: Vec<String> = Vec::new();
        collect_hashes(r, &mut found);
        found.sort();
        found
    };
    assert_eq!(
        hashes(&record_after),
        hashes(&record_before),
        "the hashes that prove what was sent stay"
    );
    assert!(!hashes(&record_before).is_empty());
    // The answer still counts for the buyers; only the address is gone.
    let invitations = app
        .get(
            &format!("/api/v1/dialogues/{did}/invitations"),
            Some(&buyer.token),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(
        invitations.contains("\"answered\"") && !invitations.contains("kari@verft.no"),
        "{invitations}"
    );
    // The address is free again.
    assert_eq!(
        app.post(
            &users,
            &json!({"email": "kari@verft.no"}),
            Some(&owner.token)
        )
        .await
        .status(),
        201
    );
}

fn collect_hashes(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if k.contains("sha256") {
                    if let Some(s) = v.as_str() {
                        out.push(s.to_owned());
                    }
                }
                collect_hashes(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_hashes(v, out)),
        _ => {}
    }
}

crate::browser_flow!(
    a_person_exports_what_they_wrote_and_after_deleting_nothing_leads_back_to_them,
    a_person_exports_what_they_wrote_and_after_deleting_nothing_leads_back_to_them
);
