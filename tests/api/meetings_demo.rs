//! The demonstration, on the demo data: a buyer sets up a one-to-one meetings event with
//! 8 slots on 2 tables and a lottery, and invites its 10 best-matched suppliers. The suppliers
//! rank slots through the API; the lottery runs; the agenda, the calendar emails and the record
//! come out, and the record reruns to the same result. The record is written to
//! `target/test-artifacts/meetings-demo-record-{backend}.json` for the closing note.

use std::time::Duration;

use serde_json::{json, Value};

// The two-database test macro of the browser flows, which has the shape every test here needs.
use crate::browser_flow as on_both;
use crate::dialogue_changes::{calendar_of, wait_for_kind};
use crate::dialogues::{app_with_mail, rsvp_token, SmtpServer};
use crate::helpers::Backend;

async fn on_the_demo_data_a_lottery_gives_eight_slots_to_ten_matched_suppliers(backend: Backend) {
    let mut smtp = SmtpServer::unstarted();
    if !smtp.start() {
        return;
    }
    let Some(app) = app_with_mail(backend, &smtp).await else {
        return;
    };
    crate::dialogues::load_demo(&app);
    let registry = innolift::demo::corpus::registry();
    let first_buyer = registry
        .orgs
        .iter()
        .find(|o| o.kind == "buyer")
        .unwrap()
        .key
        .clone();
    let (i, need) = registry
        .needs
        .iter()
        .enumerate()
        .find(|(_, n)| n.status == "open" && n.org_key == first_buyer)
        .expect("an open need of the first demo buyer");
    assert_eq!(need.org_key, first_buyer);
    let login: Value = app
        .login("kjoper@demo.innolift.no", innolift::demo::DEMO_PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    let token = login["token"].as_str().unwrap().to_owned();
    let need_id = innolift::demo::stable_id(&format!("need-{i}"));
    // The demo holds more than the 500 documents a search lists, so the need's own matches
    // tell that the index is ready.
    app.poll(
        &format!("/api/v1/needs/{need_id}/matches?limit=20"),
        &token,
        Duration::from_secs(20),
        |j| j["items"].as_array().is_some_and(|a| a.len() >= 10),
    )
    .await;

    let process: Value = app.post("/api/v1/processes", &json!({"title": "En-til-en-møter om behovet", "description": "Møter med leverandørene som passer best.", "need_ids": [need_id], "procedure": "competitive_dialogue"}), Some(&token)).await.json().await.unwrap();
    let pid = process["id"].as_str().unwrap();
    let res = app
        .post(
            &format!("/api/v1/processes/{pid}/phase"),
            &json!({"to": "market_dialogue"}),
            Some(&token),
        )
        .await;
    assert_eq!(res.status(), 200);
    let body = json!({"kind": "one_to_one_meetings", "title": "En-til-en-møter", "agenda": "30 minutter per leverandør.", "starts_at": "2027-05-04T09:00", "ends_at": "2027-05-04T11:00", "place": "Rådhuset, møterom 1 og 2", "response_deadline": "2027-04-26T12:00"});
    let d: Value = app
        .post(
            &format!("/api/v1/processes/{pid}/dialogues"),
            &body,
            Some(&token),
        )
        .await
        .json()
        .await
        .unwrap();
    let did = d["id"].as_str().unwrap().to_owned();
    let changed: Value = app
        .patch(
            &format!("/api/v1/dialogues/{did}"),
            &json!({"allocation": "lottery", "meetings_per_supplier": 1}),
            &token,
        )
        .await
        .json()
        .await
        .unwrap();
    let announced = changed["booking"]["seed_sha256"]
        .as_str()
        .unwrap()
        .to_owned();
    let slots: Value = app
        .post(&format!("/api/v1/dialogues/{did}/slots"), &json!({"starts_at": "2027-05-04T09:00", "ends_at": "2027-05-04T11:00", "meeting_minutes": 25, "break_minutes": 5, "parallel": 2}), Some(&token))
        .await
        .json()
        .await
        .unwrap();
    let ids: Vec<String> = slots["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 8, "4 times on 2 tables: {slots}");

    // The ten best-matched suppliers are invited (one organisation can match twice).
    let matches: Value = app
        .get(
            &format!("/api/v1/needs/{need_id}/matches?limit=40&kind=supplier"),
            Some(&token),
        )
        .await
        .json()
        .await
        .unwrap();
    let mut suppliers: Vec<String> = Vec::new();
    for m in matches["items"].as_array().unwrap() {
        let org = m["organisation_id"].as_str().unwrap().to_owned();
        if !suppliers.contains(&org) && suppliers.len() < 10 {
            suppliers.push(org);
        }
    }
    assert_eq!(suppliers.len(), 10, "{matches}");
    let res: Value = app
        .post(
            &format!("/api/v1/dialogues/{did}/invitations"),
            &json!({"supplier_ids": suppliers}),
            Some(&token),
        )
        .await
        .json()
        .await
        .unwrap();
    let queued = res["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["result"] == "queued")
        .count();
    assert_eq!(queued, 10, "{res}");
    let invitations = wait_for_kind(&smtp, "<invitation-", 10).await;
    assert_eq!(invitations.len(), 10);
    crate::meetings::wait_sent(&app, &token, &did).await;

    // Each supplier ranks three or four slots, most wanting the first hour.
    for (n, m) in invitations.iter().enumerate() {
        let t = rsvp_token(m);
        let picks: Vec<&String> = (0..3 + n % 2).map(|k| &ids[(n + 3 * k) % 8]).collect();
        let res = app
            .post(
                &format!("/api/v1/rsvp/{t}/bookings"),
                &json!({"slot_ids": picks}),
                None,
            )
            .await;
        assert_eq!(res.status(), 200);
    }
    let record: Value = app
        .post(
            &format!("/api/v1/dialogues/{did}/allocate"),
            &json!({}),
            Some(&token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(record["seed_sha256"], announced.as_str());
    assert_eq!(record["preferences"].as_array().unwrap().len(), 10);
    let result = record["result"].as_array().unwrap();
    assert_eq!(result.len(), 8, "eight slots for ten suppliers: {record}");
    assert_eq!(crate::meetings::rerun(&record), record["result"]);

    let agenda: Value = app
        .get(&format!("/api/v1/dialogues/{did}/meetings"), Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(agenda["items"].as_array().unwrap().len(), 8);
    // Eight meetings, and the two suppliers without one are told so.
    let emails = wait_for_kind(&smtp, "<meeting-", 10).await;
    assert_eq!(emails.len(), 10);
    assert_eq!(wait_for_kind(&smtp, "<meeting-none-", 2).await.len(), 2);
    for m in emails.iter().filter(|m| m.contains("text/calendar")) {
        if let Some(cal) = calendar_of(m, "REQUEST") {
            assert!(cal["uid"].as_str().unwrap().starts_with("meeting-"));
        }
    }
    let csv = app
        .get(
            &format!("/api/v1/dialogues/{did}/meetings.csv"),
            Some(&token),
        )
        .await
        .text()
        .await
        .unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    let name = format!("{backend:?}").to_lowercase();
    std::fs::write(
        dir.join(format!("meetings-demo-record-{name}.json")),
        serde_json::to_string_pretty(&record).unwrap(),
    )
    .unwrap();
    std::fs::write(dir.join(format!("meetings-demo-agenda-{name}.csv")), csv).unwrap();
}

on_both!(
    on_the_demo_data_a_lottery_gives_eight_slots_to_ten_matched_suppliers,
    on_the_demo_data_a_lottery_gives_eight_slots_to_ten_matched_suppliers
);
