//! Events that change: a buyer moves an event and then cancels it. Every invitee whose
//! invitation arrived hears of each, with a calendar file that keeps the event's `UID` and
//! raises its `SEQUENCE`; the invitee whose invitation bounced hears of neither. After the
//! cancellation the pages say so and nothing more is taken. A real SMTP server on both
//! databases, and every `.ics` read by the independent parser.

use std::time::Duration;

use serde_json::{json, Value};

use crate::dialogues::{
    app_with_mail, event, header, parsed_ics, part, rsvp_token, supplier_with_email, SmtpServer,
};
use crate::helpers::{error_of, Backend, TestApp, TestUser};
use crate::web_helpers::{forms, unescape, HtmlForm, WebClient};

/// The messages whose `Message-ID` starts with `prefix`.
fn with_id(messages: &[String], prefix: &str) -> Vec<String> {
    messages
        .iter()
        .filter(|m| header(m, "Message-ID").is_some_and(|id| id.starts_with(prefix)))
        .cloned()
        .collect()
}

/// Waits until `n` messages with ids starting with `prefix` have arrived.
pub(crate) async fn wait_for_kind(smtp: &SmtpServer, prefix: &str, n: usize) -> Vec<String> {
    let started = std::time::Instant::now();
    loop {
        let found = with_id(&smtp.messages(), prefix);
        if found.len() >= n || started.elapsed() > Duration::from_secs(15) {
            return found;
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn record(app: &TestApp, buyer: &TestUser, did: &str) -> Vec<Value> {
    let record: Value = app
        .get(
            &format!("/api/v1/dialogues/{did}/record"),
            Some(&buyer.token),
        )
        .await
        .json()
        .await
        .unwrap();
    record["items"].as_array().unwrap().clone()
}

/// Checks the calendar part of `m` with the independent parser and returns what it read.
pub(crate) fn calendar_of(m: &str, method: &str) -> Option<Value> {
    assert!(
        m.contains(&format!("text/calendar; charset=utf-8; method={method}")),
        "an inline {method} part"
    );
    let ics = part(m, "text/calendar").expect("a calendar part");
    parsed_ics(&ics.replace("\r\n", "\n"))
}

async fn a_moved_then_cancelled_event_reaches_every_delivered_invitee(backend: Backend) {
    let mut smtp = SmtpServer::refusing();
    if !smtp.start() {
        return;
    }
    let Some(app) = app_with_mail(backend, &smtp).await else {
        return;
    };
    let (buyer, pid, did) = event(&app, 1500).await;
    let first = supplier_with_email(&app, "salg@ferjeverft.no", 1501).await;
    let second = supplier_with_email(&app, "post@kaivekst.no", 1502).await;
    let bounced = supplier_with_email(&app, "bounce@stengt.no", 1503).await;
    let res = app
        .post(
            &format!("/api/v1/dialogues/{did}/invitations"),
            &json!({"supplier_ids": [first.organisation_id, second.organisation_id, bounced.organisation_id]}),
            Some(&buyer.token),
        )
        .await;
    assert_eq!(res.status(), 201);
    let invitations = wait_for_kind(&smtp, "<invitation-", 2).await;
    assert_eq!(invitations.len(), 2, "the bounced address got nothing");
    // One invitee has answered: an answer does not stop the updates.
    let token = rsvp_token(&invitations[0]);
    let res = app
        .post_page_form(
            &format!("/rsvp/{token}"),
            &format!("/rsvp/{token}"),
            &[("answer", "attending"), ("attendees", "2")],
        )
        .await;
    assert_eq!(res.status(), 200);

    // Only the process's buyers change it; bad values are named and nothing is saved.
    let path = format!("/api/v1/dialogues/{did}");
    error_of(
        app.patch(&path, &json!({"title": "Kapret"}), &first.token)
            .await,
        403,
    )
    .await;
    let (_, field) = error_of(
        app.patch(&path, &json!({"ends_at": "2027-02-01T09:00"}), &buyer.token)
            .await,
        400,
    )
    .await;
    assert_eq!(field.as_deref(), Some("ends_at"));
    let (_, field) = error_of(
        app.patch(&path, &json!({"starts_at": "i morgen"}), &buyer.token)
            .await,
        400,
    )
    .await;
    assert_eq!(field.as_deref(), Some("starts_at"));
    error_of(
        app.patch(&path, &json!({"kind": "written_input"}), &buyer.token)
            .await,
        400,
    )
    .await;

    // A new title alone is saved without email.
    let res = app
        .patch(
            &path,
            &json!({"title": "Dialogkonferanse om elektriske ferjer og ladeinfrastruktur"}),
            &buyer.token,
        )
        .await;
    assert_eq!(res.status(), 200);
    let changed: Value = res.json().await.unwrap();
    assert_eq!(changed["notified"], 0);
    assert_eq!(changed["dialogue"]["sequence"], 0);
    // A limit on places is set, kept when absent, and removed with null.
    let res = app
        .patch(&path, &json!({"capacity": 40}), &buyer.token)
        .await;
    let changed: Value = res.json().await.unwrap();
    assert_eq!(changed["dialogue"]["capacity"], 40);
    let res = app
        .patch(&path, &json!({"agenda": "09:00 Velkommen"}), &buyer.token)
        .await;
    let changed: Value = res.json().await.unwrap();
    assert_eq!(
        changed["dialogue"]["capacity"], 40,
        "an absent field stays as it is"
    );
    let res = app
        .patch(&path, &json!({"capacity": null}), &buyer.token)
        .await;
    let changed: Value = res.json().await.unwrap();
    assert!(changed["dialogue"]["capacity"].is_null(), "{changed}");

    // A new time and place reach the two delivered invitees, not the bounced one.
    let res = app
        .patch(
            &path,
            &json!({"starts_at": "2027-03-02T10:00", "ends_at": "2027-03-02T13:00", "place": "Grieghallen, Bergen"}),
            &buyer.token,
        )
        .await;
    assert_eq!(res.status(), 200);
    let changed: Value = res.json().await.unwrap();
    assert_eq!(changed["notified"], 2, "{changed}");
    assert_eq!(changed["dialogue"]["sequence"], 1);
    assert_eq!(changed["dialogue"]["starts_at"], "2027-03-02T09:00:00Z");
    let updates = wait_for_kind(&smtp, "<update-", 2).await;
    assert_eq!(updates.len(), 2);
    for m in &updates {
        assert!(header(m, "Subject").is_some_and(|s| s.starts_with("Endret: ")));
        let text = part(m, "text/plain").expect("a text part");
        assert!(
            text.contains("Starter: 01.03.2027 09:00 → 02.03.2027 10:00")
                && text.contains("Sted: Rådhuset, Bergen → Grieghallen, Bergen"),
            "the update says what changed: {text}"
        );
        if let Some(cal) = calendar_of(m, "REQUEST") {
            assert_eq!(cal["method"], "REQUEST", "{cal}");
            assert_eq!(cal["uid"], format!("dialogue-{did}@innolift.test"));
            assert_eq!(cal["sequence"], 1);
            assert_eq!(cal["dtstart"], "2027-03-02T09:00:00+00:00");
            assert_eq!(cal["location"], "Grieghallen, Bergen");
        }
    }
    assert!(updates
        .iter()
        .all(|m| !header(m, "To").unwrap().contains("stengt.no")));

    // Cancelling needs a reason, which every delivered invitee gets with METHOD:CANCEL.
    let cancel = format!("/api/v1/dialogues/{did}/cancel");
    let (_, field) = error_of(
        app.post(&cancel, &json!({"reason": "  "}), Some(&buyer.token))
            .await,
        400,
    )
    .await;
    assert_eq!(field.as_deref(), Some("reason"));
    error_of(
        app.post(&cancel, &json!({"reason": "x"}), Some(&second.token))
            .await,
        403,
    )
    .await;
    let res = app
        .post(
            &cancel,
            &json!({"reason": "Behovet dekkes av en rammeavtale."}),
            Some(&buyer.token),
        )
        .await;
    assert_eq!(res.status(), 200);
    let cancelled: Value = res.json().await.unwrap();
    assert_eq!(cancelled["notified"], 2);
    assert_eq!(cancelled["dialogue"]["sequence"], 2);
    assert!(cancelled["dialogue"]["cancelled_at"].is_string());
    let cancellations = wait_for_kind(&smtp, "<cancellation-", 2).await;
    assert_eq!(cancellations.len(), 2);
    for m in &cancellations {
        assert!(header(m, "Subject").is_some_and(|s| s.starts_with("Avlyst: ")));
        assert!(part(m, "text/plain")
            .unwrap()
            .contains("Behovet dekkes av en rammeavtale."));
        if let Some(cal) = calendar_of(m, "CANCEL") {
            assert_eq!(cal["method"], "CANCEL", "{cal}");
            assert_eq!(cal["status"], "CANCELLED");
            assert_eq!(cal["uid"], format!("dialogue-{did}@innolift.test"));
            assert_eq!(cal["sequence"], 2);
        }
    }

    // Each letter is in the record with its hash.
    let entries = record(&app, &buyer, &did).await;
    for kind in ["update", "cancellation"] {
        let of_kind: Vec<&Value> = entries.iter().filter(|e| e["kind"] == kind).collect();
        assert_eq!(of_kind.len(), 2, "{kind}: {entries:#?}");
        assert!(of_kind
            .iter()
            .all(|e| e["sha256"].as_str().is_some_and(|h| h.len() == 64)));
    }

    // The event takes nothing more, and its pages say it is cancelled.
    for res in [
        app.patch(&path, &json!({"title": "Ny tittel"}), &buyer.token)
            .await,
        app.post(&cancel, &json!({"reason": "igjen"}), Some(&buyer.token))
            .await,
        app.post(
            &format!("/api/v1/dialogues/{did}/invitations"),
            &json!({"supplier_ids": [bounced.organisation_id]}),
            Some(&buyer.token),
        )
        .await,
    ] {
        let (code, _) = error_of(res, 409).await;
        assert_eq!(code, "conflict");
    }
    let page = app.get(&format!("/dialogues/{did}"), None).await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains("Arrangementet er avlyst") && page.contains("rammeavtale"));
    assert!(
        !page.contains(&format!("/dialogues/{did}/register")),
        "no registration form: {page}"
    );
    let rsvp = app.get(&format!("/rsvp/{token}"), None).await;
    assert_eq!(rsvp.status(), 410);
    assert!(rsvp
        .text()
        .await
        .unwrap()
        .contains("Arrangementet er avlyst"));
    let view: Value = app.get(&path, None).await.json().await.unwrap();
    assert_eq!(view["cancel_reason"], "Behovet dekkes av en rammeavtale.");

    // The process page shows it cancelled, without the forms that change it.
    let web = WebClient::signed_in(&app, &buyer.email, &buyer.password).await;
    let (status, page) = web.get(&format!("/processes/{pid}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("Avlyst"));
    assert!(!page.contains(&format!("/events/{did}/cancel")));
}

mod a_moved_then_cancelled_event_reaches_every_delivered_invitee {
    use super::*;

    #[actix_web::test]
    async fn sqlite() {
        a_moved_then_cancelled_event_reaches_every_delivered_invitee(Backend::Sqlite).await
    }

    #[actix_web::test]
    async fn postgres() {
        a_moved_then_cancelled_event_reaches_every_delivered_invitee(Backend::Postgres).await
    }
}

/// The process page's forms: a buyer moves the event, then cancels it; a bad time is shown
/// beside its field in Norwegian.
async fn a_buyer_changes_and_cancels_an_event_on_the_process_page(backend: Backend) {
    let mut smtp = SmtpServer::unstarted();
    if !smtp.start() {
        return;
    }
    let Some(app) = app_with_mail(backend, &smtp).await else {
        return;
    };
    let (buyer, pid, did) = event(&app, 1510).await;
    let web = WebClient::signed_in(&app, &buyer.email, &buyer.password).await;
    let page_path = format!("/processes/{pid}");
    let form_of = |html: &str, action: &str| {
        forms(html)
            .into_iter()
            .find(|f| f.action == action)
            .unwrap_or_else(|| panic!("no form to {action}"))
    };
    let change = format!("/processes/{pid}/events/{did}/change");
    let cancel = format!("/processes/{pid}/events/{did}/cancel");
    let (status, html) = web.get(&page_path).await;
    assert_eq!(status, 200);
    // The edit form holds the event as it is, in Norwegian time.
    let mut form = form_of(&html, &change);
    assert_eq!(form.get("starts_at"), Some("2027-03-01T09:00"));
    assert_eq!(form.get("place"), Some("Rådhuset, Bergen"));
    set(&mut form, "ends_at", "2027-03-01T08:00");
    let page = web.send_form(&form).await;
    assert_eq!(page.status, 400, "{}", page.body);
    assert!(
        unescape(&page.body).contains("må være etter"),
        "the problem in Norwegian beside the field: {}",
        page.body
    );
    let mut form = form_of(&page.body, &change);
    assert_eq!(
        form.get("ends_at"),
        Some("2027-03-01T08:00"),
        "what was typed"
    );
    set(&mut form, "starts_at", "2027-03-01T10:00");
    set(&mut form, "ends_at", "2027-03-01T13:00");
    let page = web.send_form(&form).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let view: Value = app
        .get(&format!("/api/v1/dialogues/{did}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["starts_at"], "2027-03-01T09:00:00Z");
    assert_eq!(view["place"], "Rådhuset, Bergen", "untouched fields stay");

    let (_, html) = web.get(&page_path).await;
    let form = form_of(&html, &cancel);
    let page = web.send_form(&form).await;
    assert_eq!(page.status, 400, "a reason is required: {}", page.body);
    let mut form = form_of(&page.body, &cancel);
    set(&mut form, "reason", "Vi venter til neste år.");
    let page = web.send_form(&form).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let (_, html) = web.get(&page_path).await;
    assert!(html.contains("Vi venter til neste år."), "{html}");
    assert!(!html.contains(&change), "no edit form on a cancelled event");
}

fn set(form: &mut HtmlForm, name: &str, value: &str) {
    match form.fields.iter_mut().find(|(k, _)| k == name) {
        Some(field) => field.1 = value.to_owned(),
        None => form.fields.push((name.to_owned(), value.to_owned())),
    }
}

mod a_buyer_changes_and_cancels_an_event_on_the_process_page {
    use super::*;

    #[actix_web::test]
    async fn sqlite() {
        a_buyer_changes_and_cancels_an_event_on_the_process_page(Backend::Sqlite).await
    }

    #[actix_web::test]
    async fn postgres() {
        a_buyer_changes_and_cancels_an_event_on_the_process_page(Backend::Postgres).await
    }
}

/// The attempts of the invitation email to `email` so far, from the event's record.
async fn invitation_attempts(app: &TestApp, buyer: &TestUser, did: &str, email: &str) -> i64 {
    record(app, buyer, did)
        .await
        .iter()
        .find(|e| e["kind"] == "invitation" && e["recipient"] == email)
        .and_then(|e| e["attempts"].as_i64())
        .unwrap_or(0)
}

/// An invitation still waiting in the queue when its event is cancelled is withdrawn: its invitee
/// hears of neither the event nor the cancellation, even once its mail server would take mail,
/// while the delivered invitee gets the cancellation. The buyer's response, the record and the
/// process page say so. A real SMTP server that defers one address with 451.
async fn a_cancellation_withdraws_the_invitations_still_waiting(backend: Backend) {
    let mut smtp = SmtpServer::refusing();
    if !smtp.start() {
        return;
    }
    let Some(app) = app_with_mail(backend, &smtp).await else {
        return;
    };
    let (buyer, pid, did) = event(&app, 1510).await;
    let delivered = supplier_with_email(&app, "salg@ferjeverft.no", 1511).await;
    let waiting = supplier_with_email(&app, "later@gratt.no", 1512).await;
    let res = app
        .post(
            &format!("/api/v1/dialogues/{did}/invitations"),
            &json!({"supplier_ids": [delivered.organisation_id, waiting.organisation_id]}),
            Some(&buyer.token),
        )
        .await;
    assert_eq!(res.status(), 201);
    assert_eq!(wait_for_kind(&smtp, "<invitation-", 1).await.len(), 1);
    // After three deferrals the next retry is 4 s away (the delays double from 1 s), so the
    // mailer is not holding the message when the buyer cancels; a message it holds may be on the
    // wire already, and is left to go.
    let started = std::time::Instant::now();
    while invitation_attempts(&app, &buyer, &did, "later@gratt.no").await < 3 {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the deferred invitation was not retried: {:#?}",
            record(&app, &buyer, &did).await
        );
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }

    let res = app
        .post(
            &format!("/api/v1/dialogues/{did}/cancel"),
            &json!({"reason": "Behovet dekkes av en rammeavtale."}),
            Some(&buyer.token),
        )
        .await;
    assert_eq!(res.status(), 200);
    let cancelled: Value = res.json().await.unwrap();
    assert_eq!(cancelled["notified"], 1, "{cancelled}");
    assert_eq!(cancelled["withdrawn"], 1, "{cancelled}");
    let cancellations = wait_for_kind(&smtp, "<cancellation-", 1).await;
    assert_eq!(cancellations.len(), 1);
    assert!(header(&cancellations[0], "To")
        .unwrap()
        .contains("ferjeverft.no"));

    // The record keeps the withdrawn invitation with why, and holds no letter to its invitee;
    // the mailer does not retry it.
    let entries = record(&app, &buyer, &did).await;
    let to_waiting: Vec<&Value> = entries
        .iter()
        .filter(|e| e["recipient"] == "later@gratt.no")
        .collect();
    assert_eq!(to_waiting.len(), 1, "{entries:#?}");
    assert_eq!(to_waiting[0]["kind"], "invitation");
    assert_eq!(to_waiting[0]["status"], "withdrawn");
    assert!(to_waiting[0]["sent_at"].is_null());
    let attempts = to_waiting[0]["attempts"].as_i64().unwrap();
    // Past the time of the retry that was due.
    actix_web::rt::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(
        invitation_attempts(&app, &buyer, &did, "later@gratt.no").await,
        attempts,
        "a withdrawn invitation is not tried again"
    );
    assert!(smtp
        .messages()
        .iter()
        .all(|m| !header(m, "To").unwrap().contains("gratt.no")));

    // Nor does the supplier's own list show it an event it was never told of.
    let mine: Value = app
        .get("/api/v1/me/invitations", Some(&waiting.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["items"].as_array().map(Vec::len), Some(0), "{mine}");
    let theirs: Value = app
        .get("/api/v1/me/invitations", Some(&delivered.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        theirs["items"].as_array().map(Vec::len),
        Some(1),
        "{theirs}"
    );

    // The process page says the invitation was not sent, without calling it a server's reply.
    let web = WebClient::signed_in(&app, &buyer.email, &buyer.password).await;
    let (status, page) = web.get(&format!("/processes/{pid}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("trukket tilbake"), "{page}");
    assert!(page.contains("arrangementet ble avlyst mens invitasjonen ventet i køen"));
}

mod a_cancellation_withdraws_the_invitations_still_waiting {
    use super::*;

    #[actix_web::test]
    async fn sqlite() {
        a_cancellation_withdraws_the_invitations_still_waiting(Backend::Sqlite).await
    }

    #[actix_web::test]
    async fn postgres() {
        a_cancellation_withdraws_the_invitations_still_waiting(Backend::Postgres).await
    }
}

/// An invitee that answered through its own list before its invitation email went knows of the
/// event: the cancellation leaves its invitation alone and tells it. The mailer is off here, so
/// the email is still waiting when the buyer cancels.
async fn an_invitee_that_answered_before_its_email_went_is_told_of_the_cancellation(
    backend: Backend,
) {
    let Some(app) = crate::helpers::spawn_app_with(backend, |s| s.outbox_worker = false).await
    else {
        return;
    };
    let (buyer, _pid, did) = event(&app, 1520).await;
    let early = supplier_with_email(&app, "salg@tidlig.no", 1521).await;
    let res = app
        .post(
            &format!("/api/v1/dialogues/{did}/invitations"),
            &json!({"supplier_ids": [early.organisation_id]}),
            Some(&buyer.token),
        )
        .await;
    assert_eq!(res.status(), 201);
    let mine: Value = app
        .get("/api/v1/me/invitations", Some(&early.token))
        .await
        .json()
        .await
        .unwrap();
    let token = mine["items"][0]["token"].as_str().unwrap().to_owned();
    let res = app
        .post(
            &format!("/api/v1/rsvp/{token}"),
            &json!({"answer": "attending", "attendees": 1}),
            None,
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());

    let res = app
        .post(
            &format!("/api/v1/dialogues/{did}/cancel"),
            &json!({"reason": "Behovet er dekket."}),
            Some(&buyer.token),
        )
        .await;
    let cancelled: Value = res.json().await.unwrap();
    assert_eq!(cancelled["withdrawn"], 0, "{cancelled}");
    assert_eq!(cancelled["notified"], 1, "{cancelled}");
    let entries = record(&app, &buyer, &did).await;
    let kinds: Vec<(&str, &str)> = entries
        .iter()
        .map(|e| (e["kind"].as_str().unwrap(), e["status"].as_str().unwrap()))
        .collect();
    assert!(kinds.contains(&("invitation", "queued")), "{kinds:?}");
    assert!(kinds.contains(&("cancellation", "queued")), "{kinds:?}");
}

mod an_invitee_that_answered_before_its_email_went_is_told_of_the_cancellation {
    use super::*;

    #[actix_web::test]
    async fn sqlite() {
        an_invitee_that_answered_before_its_email_went_is_told_of_the_cancellation(Backend::Sqlite)
            .await
    }

    #[actix_web::test]
    async fn postgres() {
        an_invitee_that_answered_before_its_email_went_is_told_of_the_cancellation(
            Backend::Postgres,
        )
        .await
    }
}
