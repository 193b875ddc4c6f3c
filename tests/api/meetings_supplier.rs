//! The supplier side of the API and of the answer page: answering, asking and listing
//! invitations with their links through the API, ranking slots on the page, and a lottery that
//! runs by itself once its deadline has passed. Both databases, a real SMTP server.

use std::time::Duration;

use serde_json::{json, Value};

// The two-database test macro of the browser flows, which has the shape every test here needs.
use crate::browser_flow as on_both;
use crate::dialogues::{app_with_mail, event, rsvp_token, supplier_with_email, SmtpServer};
use crate::helpers::{error_of, Backend};
use crate::web_helpers::WebClient;

async fn a_supplier_answers_asks_and_finds_its_invitations_through_the_api(backend: Backend) {
    let mut smtp = SmtpServer::unstarted();
    if !smtp.start() {
        return;
    }
    let Some(app) = app_with_mail(backend, &smtp).await else {
        return;
    };
    let (buyer, _pid, did) = event(&app, 2100).await;
    let supplier = supplier_with_email(&app, "api@leverandor.no", 2101).await;
    let res = app
        .post(
            &format!("/api/v1/dialogues/{did}/invitations"),
            &json!({"supplier_ids": [supplier.organisation_id]}),
            Some(&buyer.token),
        )
        .await;
    assert_eq!(res.status(), 201);
    let token = rsvp_token(&smtp.wait_for(1, Duration::from_secs(15)).await[0]);

    // The signed-in supplier finds the invitation and its token without the email.
    let mine: Value = app
        .get("/api/v1/me/invitations", Some(&supplier.token))
        .await
        .json()
        .await
        .unwrap();
    let items = mine["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{mine}");
    assert_eq!(items[0]["dialogue_id"], did.as_str());
    assert_eq!(items[0]["token"], token.as_str());
    assert!(items[0]["answer_url"].as_str().unwrap().ends_with(&token));
    let theirs: Value = app
        .get("/api/v1/me/invitations", Some(&buyer.token))
        .await
        .json()
        .await
        .unwrap();
    assert!(theirs["items"].as_array().unwrap().is_empty(), "{theirs}");
    error_of(app.get("/api/v1/me/invitations", None).await, 401).await;

    // Answers are checked like on the page, and the answer shows in what the link reads.
    let path = format!("/api/v1/rsvp/{token}");
    let (_, field) = error_of(
        app.post(&path, &json!({"answer": "kanskje"}), None).await,
        400,
    )
    .await;
    assert_eq!(field.as_deref(), Some("answer"));
    let (_, field) = error_of(
        app.post(&path, &json!({"answer": "attending"}), None).await,
        400,
    )
    .await;
    assert_eq!(field.as_deref(), Some("attendees"));
    let res = app
        .post(
            &path,
            &json!({"answer": "attending", "attendees": 2, "comment": "Vi tar med en prototyp."}),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    let view: Value = res.json().await.unwrap();
    assert_eq!(view["invitation"]["answer"], "attending");
    assert_eq!(view["invitation"]["attendees"], 2);
    assert_eq!(view["event"]["id"], did.as_str());
    assert!(view["booking"].is_null(), "no meetings offered yet");

    let res = app
        .post(
            &format!("{path}/questions"),
            &json!({"question": "Hvor lang er kaia?"}),
            None,
        )
        .await;
    assert_eq!(res.status(), 201);
    let questions: Value = app
        .get(
            &format!("/api/v1/dialogues/{did}/questions"),
            Some(&buyer.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(questions["items"][0]["question"], "Hvor lang er kaia?");
    error_of(
        app.get(&format!("/api/v1/rsvp/{}", "f".repeat(64)), None)
            .await,
        404,
    )
    .await;
}

on_both!(
    supplier_api,
    a_supplier_answers_asks_and_finds_its_invitations_through_the_api
);

async fn suppliers_rank_on_the_page_and_the_lottery_runs_at_its_deadline(backend: Backend) {
    let mut smtp = SmtpServer::unstarted();
    if !smtp.start() {
        return;
    }
    let Some(app) = app_with_mail(backend, &smtp).await else {
        return;
    };
    let (buyer, _pid, did) = event(&app, 2200).await;
    let one = supplier_with_email(&app, "en@leverandor.no", 2201).await;
    let two = supplier_with_email(&app, "to@leverandor.no", 2202).await;
    let res = app
        .post(
            &format!("/api/v1/dialogues/{did}/invitations"),
            &json!({"supplier_ids": [one.organisation_id, two.organisation_id]}),
            Some(&buyer.token),
        )
        .await;
    assert_eq!(res.status(), 201);
    let tokens: Vec<String> = smtp
        .wait_for(2, Duration::from_secs(15))
        .await
        .iter()
        .map(|m| rsvp_token(m))
        .collect();
    assert_eq!(tokens.len(), 2);
    let res = app
        .patch(
            &format!("/api/v1/dialogues/{did}"),
            &json!({"allocation": "lottery"}),
            &buyer.token,
        )
        .await;
    assert_eq!(res.status(), 200);
    let slots: Value = app
        .post(
            &format!("/api/v1/dialogues/{did}/slots"),
            &json!({"starts_at": "2027-03-01T13:00", "ends_at": "2027-03-01T14:00", "meeting_minutes": 30, "parallel": 1}),
            Some(&buyer.token),
        )
        .await
        .json()
        .await
        .unwrap();
    let ids: Vec<&str> = slots["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2);

    // On the page: a rank that is no number is refused in Norwegian; then the second slot
    // first.
    let web = WebClient::new(&app);
    let page = format!("/rsvp/{}", tokens[0]);
    let (status, body) = web.get(&page).await;
    assert_eq!(status, 200);
    assert!(body.contains("Ditt valg nr."), "the ranking form is shown");
    let refused = web
        .submit(
            &page,
            &format!("{page}/bookings"),
            &[
                ("slot", ids[0]),
                ("rank", "x"),
                ("slot", ids[1]),
                ("rank", ""),
            ],
        )
        .await;
    assert_eq!(refused.status, 400);
    assert!(
        refused.body.contains("Skriv et helt tall"),
        "{}",
        refused.body
    );
    let saved = web
        .submit(
            &page,
            &format!("{page}/bookings"),
            &[
                ("slot", ids[0]),
                ("rank", "2"),
                ("slot", ids[1]),
                ("rank", "1"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let view: Value = app
        .get(&format!("/api/v1{page}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["ranking"], json!([ids[1], ids[0]]));
    let res = app
        .post(
            &format!("/api/v1/rsvp/{}/bookings", tokens[1]),
            &json!({"slot_ids": [ids[1], ids[0]]}),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);

    // The deadline passes; the mail worker runs the lottery by itself.
    crate::meetings::set_booking_window(
        &app,
        &did,
        "opens_at = '2026-01-01 09:00:00', deadline = '2026-01-02 09:00:00'",
    );
    let path = format!("/api/v1/dialogues/{did}/allocation");
    let mut record = Value::Null;
    for _ in 0..100 {
        let res = app.get(&path, None).await;
        if res.status() == 200 {
            record = res.json().await.unwrap();
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(record.is_object(), "the lottery ran at the deadline");
    let result = record["result"].as_array().unwrap();
    assert_eq!(result.len(), 2, "{record}");
    assert_eq!(crate::meetings::rerun(&record), record["result"]);
    // Both wanted the second slot: whoever the draw put first has it, the other its next wish
    // if it had one. Only the first supplier ranked the first slot.
    let given: Vec<&str> = result
        .iter()
        .map(|a| a["slot_id"].as_str().unwrap())
        .collect();
    assert!(given.contains(&ids[1]));
    let (status, body) = web.get(&page).await;
    assert_eq!(status, 200);
    assert!(
        body.contains("Se trekningen og kjør den selv"),
        "the page links the record"
    );
}

on_both!(
    ranking_and_the_lottery_at_its_deadline,
    suppliers_rank_on_the_page_and_the_lottery_runs_at_its_deadline
);
