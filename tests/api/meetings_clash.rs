//! One supplier cannot be at two tables at once: a booking or a move that overlaps a meeting
//! the same supplier has at another event is refused with `time_clash`, and one that does not
//! overlap goes through. Both databases, a real SMTP server.

use serde_json::json;

use crate::dialogue_changes::wait_for_kind;
use crate::dialogues::{app_with_mail, event, insert_suppliers, rsvp_token, SmtpServer};
use crate::helpers::{Backend, TestApp, TestUser};
use crate::meetings::{book, json_of as body_of, reason_of};

/// The slot ids of a grid on one table from `from` to `to` on 1 March 2027, 30-minute meetings.
async fn grid(app: &TestApp, buyer: &TestUser, did: &str, from: &str, to: &str) -> Vec<String> {
    let body = body_of(
        app.post(
            &format!("/api/v1/dialogues/{did}/slots"),
            &json!({"starts_at": format!("2027-03-01T{from}"), "ends_at": format!("2027-03-01T{to}"), "meeting_minutes": 30, "parallel": 1}),
            Some(&buyer.token),
        )
        .await,
        201,
    )
    .await;
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn a_supplier_cannot_book_two_events_at_the_same_time(backend: Backend) {
    let mut smtp = SmtpServer::unstarted();
    if !smtp.start() {
        return;
    }
    let Some(app) = app_with_mail(backend, &smtp).await else {
        return;
    };
    // Two events of one process, on the same afternoon, and one supplier invited to both.
    let (buyer, pid, first) = event(&app, 1960).await;
    let body = json!({"kind": "conference", "title": "Leverandørmøter om ladeinfrastruktur", "agenda": "13:00 Møter", "starts_at": "2027-03-01T12:00", "ends_at": "2027-03-01T16:00", "place": "Kaien, Bergen", "response_deadline": "2027-02-20T16:00"});
    let second = body_of(
        app.post(
            &format!("/api/v1/processes/{pid}/dialogues"),
            &body,
            Some(&buyer.token),
        )
        .await,
        201,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let supplier = insert_suppliers(&app, 1, 1961);
    for did in [&first, &second] {
        body_of(
            app.post(
                &format!("/api/v1/dialogues/{did}/invitations"),
                &json!({ "supplier_ids": supplier }),
                Some(&buyer.token),
            )
            .await,
            201,
        )
        .await;
    }
    let mut tokens = std::collections::HashMap::new();
    for m in wait_for_kind(&smtp, "<invitation-", 2).await {
        let token = rsvp_token(&m);
        let view = body_of(app.get(&format!("/api/v1/rsvp/{token}"), None).await, 200).await;
        tokens.insert(view["event"]["id"].as_str().unwrap().to_owned(), token);
    }
    assert_eq!(tokens.len(), 2, "one invitation to each event");
    crate::meetings::wait_sent(&app, &buyer.token, &first).await;
    crate::meetings::wait_sent(&app, &buyer.token, &second).await;
    let (at_first, at_second) = (&tokens[&first], &tokens[&second]);

    // 13:00 and 13:30 at the first event; 13:15 and 13:45 at the second.
    let a = grid(&app, &buyer, &first, "13:00", "14:00").await;
    let b = grid(&app, &buyer, &second, "13:15", "14:15").await;
    assert_eq!((a.len(), b.len()), (2, 2));
    body_of(book(&app, at_first, &a[0]).await, 201).await;
    let res = book(&app, at_second, &b[0]).await;
    assert_eq!(
        reason_of(res).await,
        "time_clash",
        "13:15 overlaps 13:00–13:30 at the other event"
    );
    let later = body_of(book(&app, at_second, &b[1]).await, 201).await;
    assert_eq!(later["slot_id"], b[1].as_str());

    // The buyer of the first event cannot move its meeting onto the second event's 13:45.
    let agenda = body_of(
        app.get(
            &format!("/api/v1/dialogues/{first}/meetings"),
            Some(&buyer.token),
        )
        .await,
        200,
    )
    .await;
    let mid = agenda["items"][0]["meeting"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let moved = app
        .patch(
            &format!("/api/v1/meetings/{mid}"),
            &json!({"slot_id": a[1]}),
            &buyer.token,
        )
        .await;
    assert_eq!(reason_of(moved).await, "time_clash");

    // Once the supplier cancels the later meeting, the move goes through.
    let later_id = later["id"].as_str().unwrap();
    let res = app
        .delete(&format!("/api/v1/rsvp/{at_second}/bookings/{later_id}"), "")
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    let moved = body_of(
        app.patch(
            &format!("/api/v1/meetings/{mid}"),
            &json!({"slot_id": a[1]}),
            &buyer.token,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(moved["meeting"]["slot_id"], a[1].as_str());
}

mod a_supplier_cannot_book_two_events_at_the_same_time {
    use super::*;

    #[actix_web::test]
    async fn sqlite() {
        a_supplier_cannot_book_two_events_at_the_same_time(Backend::Sqlite).await
    }

    #[actix_web::test]
    async fn postgres() {
        a_supplier_cannot_book_two_events_at_the_same_time(Backend::Postgres).await
    }
}
