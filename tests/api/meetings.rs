//! One-to-one meetings booked fairly, on both databases with a real SMTP server: 20 suppliers
//! race for one slot and exactly one wins; a lottery of 30 suppliers for 12 slots is rerun from
//! its published record by an independent script; a booked meeting is moved and cancelled with
//! a calendar email each time; bookings outside the rules are refused with the reason; and one
//! invitation's token never sees or changes another's.

use std::collections::{HashMap, HashSet};
use std::process::{Command, Stdio};

use serde_json::{json, Value};

// The two-database test macro of the browser flows, which has the shape every test here needs.
use crate::browser_flow as on_both;
use crate::dialogue_changes::{calendar_of, wait_for_kind};
use crate::dialogues::{app_with_mail, event, header, insert_suppliers, rsvp_token, SmtpServer};
use crate::helpers::{error_of, Backend, TestApp, TestUser};

/// An event with `n` invited suppliers whose invitations arrived: the buyer, the event id, and
/// each supplier's answer token, in the order of the emails.
/// An event of a new buyer with `n` suppliers invited and their letters delivered: the buyer,
/// the process and event ids, and each supplier's answer token.
pub(crate) async fn invited(
    app: &TestApp,
    smtp: &SmtpServer,
    seed: u32,
    n: u32,
) -> (TestUser, String, String, Vec<String>) {
    let (buyer, pid, did) = event(app, seed).await;
    let ids = insert_suppliers(app, n, seed + 1);
    let res = app
        .post(
            &format!("/api/v1/dialogues/{did}/invitations"),
            &json!({ "supplier_ids": ids }),
            Some(&buyer.token),
        )
        .await;
    assert_eq!(res.status(), 201);
    let invitations = wait_for_kind(smtp, "<invitation-", n as usize).await;
    assert_eq!(invitations.len(), n as usize);
    wait_sent(app, &buyer.token, &did).await;
    let tokens = invitations.iter().map(|m| rsvp_token(m)).collect();
    (buyer, pid, did, tokens)
}

/// Waits until the worker has marked every invitation of the event `sent`.
pub(crate) async fn wait_sent(app: &TestApp, token: &str, did: &str) {
    let path = format!("/api/v1/dialogues/{did}/invitations");
    for _ in 0..100 {
        let list: Value = app.get(&path, Some(token)).await.json().await.unwrap();
        if list["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["status"] == "sent")
        {
            return;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the invitations of {did} were not all sent");
}

/// Sets the booking window of an event straight in the database (`set` is the SQL `SET`
/// clause), as the passing of time would.
pub(crate) fn set_booking_window(app: &TestApp, did: &str, set: &str) {
    let mut conn = innolift::db::connect(&app.settings.database_url).unwrap();
    let sql = diesel::sql_query(format!(
        "UPDATE booking_offers SET {set} WHERE dialogue_id = '{did}'"
    ));
    let n = match &mut conn {
        innolift::db::DbConn::Sqlite(c) => diesel::RunQueryDsl::execute(sql, c),
        innolift::db::DbConn::Pg(c) => diesel::RunQueryDsl::execute(sql, c),
    }
    .unwrap();
    assert_eq!(n, 1);
}

pub(crate) async fn json_of(res: reqwest::Response, status: u16) -> Value {
    let actual = res.status().as_u16();
    let body: Value = res.json().await.unwrap();
    assert_eq!(actual, status, "{body}");
    body
}

/// The `reason` of a 409.
pub(crate) async fn reason_of(res: reqwest::Response) -> String {
    let body = json_of(res, 409).await;
    body["error"]["reason"].as_str().unwrap_or("").to_owned()
}

async fn slots(app: &TestApp, buyer: &TestUser, did: &str, grid: Value) -> Vec<Value> {
    let body = json_of(
        app.post(
            &format!("/api/v1/dialogues/{did}/slots"),
            &grid,
            Some(&buyer.token),
        )
        .await,
        201,
    )
    .await;
    body["items"].as_array().unwrap().clone()
}

pub(crate) async fn book(app: &TestApp, token: &str, slot_id: &str) -> reqwest::Response {
    app.post(
        &format!("/api/v1/rsvp/{token}/bookings"),
        &json!({ "slot_id": slot_id }),
        None,
    )
    .await
}

async fn twenty_suppliers_race_for_one_slot_and_exactly_one_wins(backend: Backend) {
    let mut smtp = SmtpServer::unstarted();
    if !smtp.start() {
        return;
    }
    let Some(app) = app_with_mail(backend, &smtp).await else {
        return;
    };
    let (buyer, _, did, tokens) = invited(&app, &smtp, 1600, 20).await;
    let grid = json!({"starts_at": "2027-03-01T13:00", "ends_at": "2027-03-01T13:30", "meeting_minutes": 30, "break_minutes": 0, "parallel": 1});
    let items = slots(&app, &buyer, &did, grid).await;
    assert_eq!(items.len(), 1);
    let slot_id = items[0]["id"].as_str().unwrap().to_owned();

    let answers =
        futures_util::future::join_all(tokens.iter().map(|t| book(&app, t, &slot_id))).await;
    let mut won = 0;
    let mut reasons = Vec::new();
    for res in answers {
        match res.status().as_u16() {
            201 => won += 1,
            409 => reasons.push(reason_of(res).await),
            other => panic!("unexpected {other}: {}", res.text().await.unwrap()),
        }
    }
    assert_eq!(won, 1, "exactly one supplier gets the slot");
    assert_eq!(reasons.len(), 19);
    assert!(reasons.iter().all(|r| r == "slot_taken"), "{reasons:?}");
    let agenda = json_of(
        app.get(
            &format!("/api/v1/dialogues/{did}/meetings"),
            Some(&buyer.token),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(agenda["items"].as_array().unwrap().len(), 1);
    let meetings = wait_for_kind(&smtp, "<meeting-", 1).await;
    assert_eq!(meetings.len(), 1, "one meeting email");
}

on_both!(
    twenty_suppliers_race_for_one_slot,
    twenty_suppliers_race_for_one_slot_and_exactly_one_wins
);

/// The record's result as the independent script computes it.
pub(crate) fn rerun(record: &Value) -> Value {
    use std::io::Write;
    let mut child = Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/lottery/rerun.py"
        ))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(record.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

async fn a_lottery_of_thirty_suppliers_for_twelve_slots_reruns_from_its_record(backend: Backend) {
    let mut smtp = SmtpServer::unstarted();
    if !smtp.start() {
        return;
    }
    let Some(app) = app_with_mail(backend, &smtp).await else {
        return;
    };
    let (buyer, _, did, tokens) = invited(&app, &smtp, 1700, 30).await;
    let res = app
        .patch(
            &format!("/api/v1/dialogues/{did}"),
            &json!({"allocation": "lottery", "meetings_per_supplier": 2}),
            &buyer.token,
        )
        .await;
    let changed = json_of(res, 200).await;
    let published_hash = changed["booking"]["seed_sha256"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(published_hash.len(), 64);
    assert!(
        changed["booking"]["seed"].is_null(),
        "the seed is secret before the draw"
    );
    // Six half-hours on two tables.
    let grid = json!({"starts_at": "2027-03-01T13:00", "ends_at": "2027-03-01T16:00", "meeting_minutes": 30, "break_minutes": 0, "parallel": 2});
    let items = slots(&app, &buyer, &did, grid).await;
    assert_eq!(items.len(), 12);
    let ids: Vec<String> = items
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();

    // A first-come booking is refused at a lottery, and the rules freeze once anyone ranks.
    assert_eq!(
        reason_of(book(&app, &tokens[0], &ids[0]).await).await,
        "wrong_allocation"
    );
    let mut invitation_of = HashMap::new();
    for (i, token) in tokens.iter().enumerate() {
        // Each ranks five slots from its own starting point, so demand is uneven but wide.
        let ranked: Vec<&String> = (0..5).map(|k| &ids[(i * 7 + k * 5) % 12]).collect();
        let res = app
            .post(
                &format!("/api/v1/rsvp/{token}/bookings"),
                &json!({ "slot_ids": ranked }),
                None,
            )
            .await;
        let body = json_of(res, 200).await;
        assert_eq!(body["slot_ids"].as_array().unwrap().len(), 5);
        let view = json_of(app.get(&format!("/api/v1/rsvp/{token}"), None).await, 200).await;
        assert_eq!(view["booking"]["seed_sha256"], published_hash.as_str());
        assert_eq!(view["ranking"].as_array().unwrap().len(), 5);
        invitation_of.insert(
            view["invitation"]["id"].as_str().unwrap().to_owned(),
            token.clone(),
        );
    }
    let res = app
        .patch(
            &format!("/api/v1/dialogues/{did}"),
            &json!({"meetings_per_supplier": 3}),
            &buyer.token,
        )
        .await;
    assert_eq!(reason_of(res).await, "rules_frozen");
    // Duplicates and unknown slots in a ranking are named.
    let res = app
        .post(
            &format!("/api/v1/rsvp/{}/bookings", tokens[0]),
            &json!({ "slot_ids": [ids[0], ids[0]] }),
            None,
        )
        .await;
    assert_eq!(error_of(res, 400).await.1.as_deref(), Some("slot_ids[1]"));

    let record = json_of(
        app.post(
            &format!("/api/v1/dialogues/{did}/allocate"),
            &json!({}),
            Some(&buyer.token),
        )
        .await,
        200,
    )
    .await;
    let again = app
        .post(
            &format!("/api/v1/dialogues/{did}/allocate"),
            &json!({}),
            Some(&buyer.token),
        )
        .await;
    assert_eq!(reason_of(again).await, "allocated", "the lottery runs once");
    let public = json_of(
        app.get(&format!("/api/v1/dialogues/{did}/allocation"), None)
            .await,
        200,
    )
    .await;
    assert_eq!(public, record, "the published record is what ran");
    let insiders = json_of(
        app.get(
            &format!("/api/v1/dialogues/{did}/record"),
            Some(&buyer.token),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        insiders["allocation"], record,
        "the event's record holds the lottery"
    );
    assert_eq!(
        record["seed_sha256"],
        published_hash.as_str(),
        "the seed is the one announced"
    );
    assert_eq!(record["preferences"].as_array().unwrap().len(), 30);
    let result = record["result"].as_array().unwrap();
    assert_eq!(
        result.len(),
        12,
        "every slot is wanted, so every slot is given"
    );
    let given: HashSet<&str> = result
        .iter()
        .map(|a| a["slot_id"].as_str().unwrap())
        .collect();
    assert_eq!(given.len(), 12, "no slot is given twice");
    let mut per_supplier: HashMap<&str, usize> = HashMap::new();
    for a in result {
        *per_supplier
            .entry(a["invitation_id"].as_str().unwrap())
            .or_default() += 1;
    }
    assert!(per_supplier.values().all(|n| *n <= 2), "{per_supplier:?}");
    assert_eq!(
        rerun(&record),
        record["result"],
        "an independent rerun gives the same result"
    );

    // The agenda and each supplier's view agree with the record; the winners are emailed.
    let agenda = json_of(
        app.get(
            &format!("/api/v1/dialogues/{did}/meetings"),
            Some(&buyer.token),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(agenda["items"].as_array().unwrap().len(), 12);
    assert!(agenda["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["meeting"]["source"] == "allocated"));
    for (invitation_id, n) in &per_supplier {
        let view = json_of(
            app.get(
                &format!("/api/v1/rsvp/{}", invitation_of[*invitation_id]),
                None,
            )
            .await,
            200,
        )
        .await;
        assert_eq!(view["meetings"].as_array().unwrap().len(), *n);
        assert_eq!(
            view["booking"]["seed"], record["seed"],
            "the seed is published after the draw"
        );
    }
    // Each meeting has its email, and each supplier that ranked and got none hears so too.
    let losers = 30 - per_supplier.len();
    let emails = wait_for_kind(&smtp, "<meeting-", 12 + losers).await;
    assert_eq!(emails.len(), 12 + losers);
    let none: Vec<&String> = emails
        .iter()
        .filter(|m| header(m, "Message-ID").is_some_and(|id| id.starts_with("<meeting-none-")))
        .collect();
    assert_eq!(none.len(), losers);
    for m in none {
        assert!(
            !m.contains("text/calendar"),
            "no calendar file without a meeting"
        );
        let text = crate::dialogues::part(m, "text/plain").unwrap();
        assert!(
            text.contains(&format!("/api/v1/dialogues/{did}/allocation")),
            "{text}"
        );
    }
    let res = app
        .post(
            &format!("/api/v1/rsvp/{}/bookings", tokens[0]),
            &json!({ "slot_ids": [ids[0]] }),
            None,
        )
        .await;
    assert_eq!(reason_of(res).await, "allocated");
}

on_both!(
    lottery_of_thirty_for_twelve,
    a_lottery_of_thirty_suppliers_for_twelve_slots_reruns_from_its_record
);

async fn a_booked_meeting_is_moved_and_cancelled_with_a_calendar_email_each_time(backend: Backend) {
    let mut smtp = SmtpServer::unstarted();
    if !smtp.start() {
        return;
    }
    let Some(app) = app_with_mail(backend, &smtp).await else {
        return;
    };
    let (buyer, _, did, tokens) = invited(&app, &smtp, 1800, 2).await;
    let (mine, other) = (&tokens[0], &tokens[1]);
    let grid = json!({"starts_at": "2027-03-01T13:00", "ends_at": "2027-03-01T14:00", "meeting_minutes": 25, "break_minutes": 5, "parallel": 1});
    let items = slots(&app, &buyer, &did, grid).await;
    assert_eq!(items.len(), 2);
    let (first, second) = (
        items[0]["id"].as_str().unwrap(),
        items[1]["id"].as_str().unwrap(),
    );

    let meeting = json_of(book(&app, mine, first).await, 201).await;
    let mid = meeting["id"].as_str().unwrap().to_owned();
    assert_eq!(meeting["table"], 1);
    let booked = wait_for_kind(&smtp, &format!("<meeting-{mid}-0@"), 1).await;
    assert_eq!(booked.len(), 1);
    // The subject is MIME-encoded (it has an ø); the HTML part's title is the same text.
    assert!(header(&booked[0], "Subject")
        .unwrap()
        .starts_with("=?utf-8?"));
    let html = crate::dialogues::part(&booked[0], "text/html").unwrap();
    assert!(
        html.contains("<title>En-til-en-møte: Dialogkonferanse"),
        "{html}"
    );
    if let Some(cal) = calendar_of(&booked[0], "REQUEST") {
        assert_eq!(cal["uid"], format!("meeting-{mid}@innolift.test"));
        assert_eq!(cal["sequence"], 0);
        assert_eq!(cal["dtstart"], "2027-03-01T12:00:00+00:00");
        assert!(
            cal["location"].as_str().unwrap().ends_with("bord 1"),
            "{cal}"
        );
    }

    // The other supplier sees the slot taken, never by whom, and cannot touch the meeting.
    let seen = app
        .get(&format!("/api/v1/rsvp/{other}"), None)
        .await
        .text()
        .await
        .unwrap();
    let seen: Value = serde_json::from_str(&seen).unwrap();
    let taken = seen["slots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == first)
        .unwrap();
    assert_eq!(taken["taken"], true);
    assert_eq!(taken["mine"], false);
    assert!(taken.get("booking").is_none());
    assert!(seen["meetings"].as_array().unwrap().is_empty());
    let mine_view = json_of(app.get(&format!("/api/v1/rsvp/{mine}"), None).await, 200).await;
    let invitation_id = mine_view["invitation"]["id"].as_str().unwrap();
    assert!(
        !seen.to_string().contains(invitation_id),
        "no trace of who booked"
    );
    error_of(
        app.delete(&format!("/api/v1/rsvp/{other}/bookings/{mid}"), "")
            .await,
        404,
    )
    .await;
    assert_eq!(
        reason_of(book(&app, other, first).await).await,
        "slot_taken"
    );

    // The buyer writes notes the supplier never sees, and moves the meeting.
    let path = format!("/api/v1/meetings/{mid}");
    error_of(app.patch(&path, &json!({"notes": "x"}), "").await, 401).await;
    let item = json_of(
        app.patch(
            &path,
            &json!({"notes": "Spør om ladetid ved kai."}),
            &buyer.token,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(item["notes"], "Spør om ladetid ved kai.");
    let moved = json_of(
        app.patch(&path, &json!({"slot_id": second}), &buyer.token)
            .await,
        200,
    )
    .await;
    assert_eq!(moved["meeting"]["slot_id"], second);
    assert_eq!(moved["meeting"]["sequence"], 1);
    let update = wait_for_kind(&smtp, &format!("<meeting-{mid}-1@"), 1).await;
    assert_eq!(update.len(), 1);
    let text = crate::dialogues::part(&update[0], "text/plain").unwrap();
    assert!(
        text.contains(
            "flyttet fra 01.03.2027 13:00 – 13:25, bord 1 til 01.03.2027 13:30 – 13:55, bord 1"
        ),
        "{text}"
    );
    if let Some(cal) = calendar_of(&update[0], "REQUEST") {
        assert_eq!(cal["uid"], format!("meeting-{mid}@innolift.test"));
        assert_eq!(cal["sequence"], 1);
        assert_eq!(cal["dtstart"], "2027-03-01T12:30:00+00:00");
    }
    let supplier_view = app
        .get(&format!("/api/v1/rsvp/{mine}"), None)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !supplier_view.contains("ladetid"),
        "the notes are the buyers' own"
    );

    // The supplier cancels its own meeting through its link.
    let cancelled = json_of(
        app.delete(&format!("/api/v1/rsvp/{mine}/bookings/{mid}"), "")
            .await,
        200,
    )
    .await;
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["cancelled_by"], "supplier");
    let cancellation = wait_for_kind(&smtp, &format!("<meeting-{mid}-2@"), 1).await;
    assert_eq!(cancellation.len(), 1);
    if let Some(cal) = calendar_of(&cancellation[0], "CANCEL") {
        assert_eq!(cal["method"], "CANCEL");
        assert_eq!(cal["status"], "CANCELLED");
        assert_eq!(cal["sequence"], 2);
        assert_eq!(cal["uid"], format!("meeting-{mid}@innolift.test"));
    }
    let again = app
        .delete(&format!("/api/v1/rsvp/{mine}/bookings/{mid}"), "")
        .await;
    assert_eq!(again.status(), 409);

    // The freed slot can be booked again, and the agenda as CSV shows it.
    json_of(book(&app, other, second).await, 201).await;
    let csv = app
        .get(
            &format!("/api/v1/dialogues/{did}/meetings.csv"),
            Some(&buyer.token),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(
        csv.starts_with("starts,ends,table,status,supplier_name"),
        "{csv}"
    );
    assert!(
        csv.contains("01.03.2027 13:30,01.03.2027 13:55,1,booked"),
        "{csv}"
    );
}

on_both!(
    book_move_cancel,
    a_booked_meeting_is_moved_and_cancelled_with_a_calendar_email_each_time
);

async fn bookings_outside_the_rules_are_refused_with_the_reason(backend: Backend) {
    let mut smtp = SmtpServer::unstarted();
    if !smtp.start() {
        return;
    }
    let Some(app) = app_with_mail(backend, &smtp).await else {
        return;
    };
    let (buyer, _, did, tokens) = invited(&app, &smtp, 1900, 2).await;
    let token = &tokens[0];
    let path = format!("/api/v1/dialogues/{did}/slots");

    // Bad grids name their field; nothing is written.
    let (_, field) = error_of(app.post(&path, &json!({"starts_at": "2027-03-01T14:00", "ends_at": "2027-03-01T13:00", "meeting_minutes": 30, "parallel": 1}), Some(&buyer.token)).await, 400).await;
    assert_eq!(field.as_deref(), Some("ends_at"));
    let (_, field) = error_of(app.post(&path, &json!({"starts_at": "2027-03-01T13:00", "ends_at": "2027-03-01T14:00", "meeting_minutes": 30, "parallel": 0}), Some(&buyer.token)).await, 400).await;
    assert_eq!(field.as_deref(), Some("parallel"));
    let items = slots(&app, &buyer, &did, json!({"starts_at": "2027-03-01T13:00", "ends_at": "2027-03-01T14:00", "meeting_minutes": 30, "parallel": 2})).await;
    assert_eq!(items.len(), 4);
    let (_, field) = error_of(app.post(&path, &json!({"starts_at": "2027-03-01T13:45", "ends_at": "2027-03-01T15:00", "meeting_minutes": 30, "parallel": 1}), Some(&buyer.token)).await, 400).await;
    assert_eq!(
        field.as_deref(),
        Some("starts_at"),
        "overlapping slots on one table"
    );
    error_of(app.post(&path, &json!({"starts_at": "2027-03-01T15:00", "ends_at": "2027-03-01T16:00", "meeting_minutes": 30, "parallel": 1}), Some(&token_of_stranger(&app).await)).await, 403).await;
    let listed = json_of(app.get(&path, Some(&buyer.token)).await, 200).await;
    assert_eq!(
        listed["items"].as_array().unwrap().len(),
        4,
        "nothing half written"
    );
    let ids: Vec<&str> = items.iter().map(|s| s["id"].as_str().unwrap()).collect();

    // Booking that has not opened yet, for everyone alike.
    let rules = format!("/api/v1/dialogues/{did}");
    json_of(
        app.patch(
            &rules,
            &json!({"booking_opens_at": "2027-01-10T09:00"}),
            &buyer.token,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        reason_of(book(&app, token, ids[0]).await).await,
        "booking_not_open"
    );
    let view = json_of(app.get(&format!("/api/v1/rsvp/{token}"), None).await, 200).await;
    assert!(
        view["slots"].as_array().unwrap().is_empty(),
        "no slots before booking opens"
    );
    let (_, field) = error_of(
        app.patch(
            &rules,
            &json!({"booking_deadline": "2027-01-01T09:00"}),
            &buyer.token,
        )
        .await,
        400,
    )
    .await;
    assert_eq!(field.as_deref(), Some("booking_deadline"));
    json_of(
        app.patch(
            &rules,
            &json!({"booking_opens_at": "2026-01-10T09:00"}),
            &buyer.token,
        )
        .await,
        200,
    )
    .await;

    // A deleted slot, the limit, and a meeting at the same time.
    assert_eq!(
        app.delete(&format!("{path}/{}", ids[3]), &buyer.token)
            .await
            .status(),
        204
    );
    assert_eq!(
        reason_of(book(&app, token, ids[3]).await).await,
        "slot_gone"
    );
    json_of(book(&app, token, ids[0]).await, 201).await;
    assert_eq!(
        reason_of(book(&app, token, ids[2]).await).await,
        "limit_reached"
    );
    assert_eq!(
        reason_of(
            app.delete(&format!("{path}/{}", ids[0]), &buyer.token)
                .await
        )
        .await,
        "slot_booked"
    );
    json_of(
        app.patch(
            &rules,
            &json!({"booking_deadline": "2027-02-10T09:00"}),
            &buyer.token,
        )
        .await,
        200,
    )
    .await;
    let frozen = app
        .patch(&rules, &json!({"meetings_per_supplier": 2}), &buyer.token)
        .await;
    assert_eq!(reason_of(frozen).await, "rules_frozen");
    let (_, field) = error_of(book(&app, token, "no-such-slot").await, 400).await;
    assert_eq!(field.as_deref(), Some("slot_id"));
    error_of(book(&app, &"0".repeat(64), ids[1]).await, 404).await;

    // After the deadline the link still reads, but books nothing.
    json_of(
        app.patch(
            &rules,
            &json!({"booking_opens_at": "2026-01-01T09:00"}),
            &buyer.token,
        )
        .await,
        409,
    )
    .await;
    // The deadline passes.
    set_booking_window(&app, &did, "deadline = opens_at");
    assert_eq!(
        reason_of(book(&app, &tokens[1], ids[1]).await).await,
        "booking_closed"
    );
    let view = json_of(app.get(&format!("/api/v1/rsvp/{token}"), None).await, 200).await;
    assert_eq!(view["meetings"].as_array().unwrap().len(), 1);
    assert_eq!(view["booking"]["open"], false);

    // A cancelled event cancels its meetings in every calendar and takes no more bookings.
    json_of(
        app.post(
            &format!("/api/v1/dialogues/{did}/cancel"),
            &json!({"reason": "Avlyst."}),
            Some(&buyer.token),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        reason_of(book(&app, &tokens[1], ids[1]).await).await,
        "cancelled"
    );
    let agenda = json_of(
        app.get(
            &format!("/api/v1/dialogues/{did}/meetings"),
            Some(&buyer.token),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(agenda["items"][0]["meeting"]["status"], "cancelled");
    let mails = wait_for_kind(&smtp, "<meeting-", 2).await;
    let cancel = mails
        .iter()
        .find(|m| m.contains("method=CANCEL"))
        .expect("the meeting's cancellation");
    if let Some(cal) = calendar_of(cancel, "CANCEL") {
        assert_eq!(cal["status"], "CANCELLED");
    }
}

/// A signed-in buyer of another organisation.
async fn token_of_stranger(app: &TestApp) -> String {
    app.register("fremmed@kommune.no", 1990, "buyer")
        .await
        .token
}

on_both!(
    bookings_outside_the_rules,
    bookings_outside_the_rules_are_refused_with_the_reason
);
