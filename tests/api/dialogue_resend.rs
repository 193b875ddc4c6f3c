//! A failed invitation, sent again: the mail server refuses one supplier's address, the
//! published answers are withheld from it, the supplier fixes its address, and the buyer's
//! resend delivers the invitation and the answers exactly once. A real SMTP server (aiosmtpd
//! with a handler that refuses `bounce…` addresses) on both databases.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::dialogues::{app_with_mail, event, header, rsvp_token, supplier_with_email, SmtpServer};
use crate::helpers::{error_of, Backend, TestApp, TestUser};
use crate::web_helpers::{forms, unescape, WebClient};

async fn invitations(app: &TestApp, buyer: &TestUser, did: &str) -> Vec<Value> {
    let list: Value = app
        .get(
            &format!("/api/v1/dialogues/{did}/invitations"),
            Some(&buyer.token),
        )
        .await
        .json()
        .await
        .unwrap();
    list["items"].as_array().unwrap().clone()
}

/// Waits until the invitation of `supplier_id` has `status`; panics with the list after 15 s.
async fn wait_for_status(
    app: &TestApp,
    buyer: &TestUser,
    did: &str,
    supplier_id: &str,
    status: &str,
) -> Value {
    let started = Instant::now();
    loop {
        let items = invitations(app, buyer, did).await;
        let found = items
            .iter()
            .find(|i| i["supplier_id"] == supplier_id)
            .cloned();
        if let Some(i) = found.filter(|i| i["status"] == status) {
            return i;
        }
        if started.elapsed() > Duration::from_secs(15) {
            panic!("no {status} invitation for {supplier_id}: {items:#?}");
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Asserts the status and returns the error's message.
async fn refused(res: reqwest::Response, status: u16) -> String {
    assert_eq!(res.status().as_u16(), status);
    let body: Value = res.json().await.unwrap();
    body["error"]["message"].as_str().unwrap().to_owned()
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

async fn a_failed_invitation_is_resent_once_with_the_answers_it_missed(backend: Backend) {
    let mut smtp = SmtpServer::refusing();
    if !smtp.start() {
        return;
    }
    let Some(app) = app_with_mail(backend, &smtp).await else {
        return;
    };
    let (buyer, pid, did) = event(&app, 1400).await;
    let good = supplier_with_email(&app, "salg@ferjeverft.no", 1401).await;
    let bad = supplier_with_email(&app, "bounce@kaivekst.no", 1402).await;
    let res = app
        .post(
            &format!("/api/v1/dialogues/{did}/invitations"),
            &json!({"supplier_ids": [good.organisation_id, bad.organisation_id]}),
            Some(&buyer.token),
        )
        .await;
    assert_eq!(res.status(), 201);

    // The refused address fails for good at once, with the server's reply kept.
    let failed = wait_for_status(&app, &buyer, &did, &bad.organisation_id, "failed").await;
    let reason = failed["failure"].as_str().unwrap();
    assert!(
        reason.starts_with("the mail server refused it") && reason.contains("550"),
        "{reason}"
    );
    wait_for_status(&app, &buyer, &did, &good.organisation_id, "sent").await;
    let delivered = smtp.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(delivered.len(), 1, "only the good address got anything");
    let token = rsvp_token(&delivered[0]);

    // The good supplier asks, the buyer answers: the answer goes to the delivered invitee only;
    // the failed one's copy is withheld, not sent to the mail server.
    let res = app
        .post_page_form(
            &format!("/rsvp/{token}"),
            &format!("/rsvp/{token}/questions"),
            &[("question", "Kan vi levere hydrogenferjer?")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let questions: Value = app
        .get(
            &format!("/api/v1/dialogues/{did}/questions"),
            Some(&buyer.token),
        )
        .await
        .json()
        .await
        .unwrap();
    let qid = questions["items"][0]["id"].as_str().unwrap().to_owned();
    let res = app
        .post(
            &format!("/api/v1/dialogues/{did}/questions/{qid}/answer"),
            &json!({"answer": "Ja, hydrogen er velkommen."}),
            Some(&buyer.token),
        )
        .await;
    assert_eq!(res.status(), 200);
    smtp.wait_for(2, Duration::from_secs(10)).await;
    let started = Instant::now();
    let withheld = loop {
        let entries = record(&app, &buyer, &did).await;
        let answer = entries
            .iter()
            .find(|e| e["kind"] == "answer_published" && e["recipient"] == "bounce@kaivekst.no")
            .cloned()
            .expect("an answer message for the failed invitee is in the record");
        if answer["status"] != "queued" || started.elapsed() > Duration::from_secs(10) {
            break answer;
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(withheld["status"], "failed", "{withheld}");
    assert!(
        withheld["last_error"]
            .as_str()
            .is_some_and(|e| e.starts_with("withheld")),
        "{withheld}"
    );

    // Only the process's buyers resend, only a failed invitation, only one of this event.
    let invitation_id = failed["id"].as_str().unwrap().to_owned();
    let resend = format!("/api/v1/dialogues/{did}/invitations/{invitation_id}/resend");
    error_of(app.post(&resend, &json!({}), Some(&good.token)).await, 403).await;
    let other = app.register("annen@kommune.no", 1403, "buyer").await;
    error_of(app.post(&resend, &json!({}), Some(&other.token)).await, 403).await;
    let good_invitation = wait_for_status(&app, &buyer, &did, &good.organisation_id, "sent").await;
    let message = refused(
        app.post(
            &format!(
                "/api/v1/dialogues/{did}/invitations/{}/resend",
                good_invitation["id"].as_str().unwrap()
            ),
            &json!({}),
            Some(&buyer.token),
        )
        .await,
        409,
    )
    .await;
    assert!(message.contains("only a failed invitation"), "{message}");
    error_of(
        app.post(
            &format!(
                "/api/v1/dialogues/{did}/invitations/{}/resend",
                uuid::Uuid::new_v4()
            ),
            &json!({}),
            Some(&buyer.token),
        )
        .await,
        404,
    )
    .await;

    // The process page says why in Norwegian, with the server's reply beside it, and offers
    // the resend.
    let web = WebClient::signed_in(&app, &buyer.email, &buyer.password).await;
    let (status, page) = web.get(&format!("/processes/{pid}")).await;
    assert_eq!(status, 200);
    let page = unescape(&page);
    assert!(
        page.contains("Mottakerens e-postserver avviste meldingen") && page.contains("550"),
        "{page}"
    );
    let resend_form = forms(&page)
        .into_iter()
        .find(|f| {
            f.action
                .ends_with(&format!("/invitations/{invitation_id}/resend"))
        })
        .expect("a resend button for the failed invitation");
    assert!(page.contains("Send på nytt"));

    // The supplier fixes its address; the resend goes there, with the answer it missed.
    let res = app
        .patch(
            &format!("/api/v1/organisations/{}", bad.organisation_id),
            &json!({"contact_email": "post@kaivekst.no"}),
            &bad.token,
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app.post(&resend, &json!({}), Some(&buyer.token)).await;
    assert_eq!(res.status(), 200);
    let view: Value = res.json().await.unwrap();
    assert_eq!(view["email"], "post@kaivekst.no");
    assert_eq!(view["status"], "queued");
    // A second click while it is on its way queues nothing more.
    let message = refused(app.post(&resend, &json!({}), Some(&buyer.token)).await, 409).await;
    assert!(message.contains("only a failed invitation"), "{message}");

    wait_for_status(&app, &buyer, &did, &bad.organisation_id, "sent").await;
    let (_, page) = web.get(&format!("/processes/{pid}")).await;
    assert!(
        !page.contains(&resend_form.action),
        "no resend button once it is delivered"
    );
    smtp.wait_for(4, Duration::from_secs(10)).await;
    // Anything sent twice would arrive within this second too.
    actix_web::rt::time::sleep(Duration::from_millis(1500)).await;
    let to_fixed: Vec<String> = smtp
        .messages()
        .into_iter()
        .filter(|m| header(m, "To").is_some_and(|t| t.contains("post@kaivekst.no")))
        .collect();
    let invitations_to_fixed = to_fixed
        .iter()
        .filter(|m| m.contains("text/calendar"))
        .count();
    assert_eq!(invitations_to_fixed, 1, "one invitation: {to_fixed:#?}");
    assert_eq!(
        to_fixed.iter().filter(|m| m.contains("hydrogen")).count(),
        1,
        "and the answer it missed, once"
    );
    let fresh = to_fixed
        .iter()
        .filter_map(|m| header(m, "Message-ID"))
        .collect::<Vec<_>>();
    assert!(
        fresh
            .iter()
            .any(|id| id.starts_with(&format!("<invitation-{invitation_id}-1@"))),
        "the resent invitation has a Message-ID of its own: {fresh:?}"
    );
    // (Its account also hears that its own question was answered: a notification, not counted.)
    let to_good: Vec<String> = smtp
        .messages()
        .into_iter()
        .filter(|m| header(m, "To").is_some_and(|t| t.contains("salg@ferjeverft.no")))
        .filter_map(|m| header(&m, "Message-ID"))
        .filter(|id| id.starts_with("<invitation-") || id.starts_with("<answer-"))
        .collect();
    assert_eq!(
        to_good.len(),
        2,
        "the delivered invitee got its invitation and the answer, once each: {to_good:?}"
    );

    // The record keeps the refused try and the delivered one, each with its own hash.
    let entries = record(&app, &buyer, &did).await;
    let tries: Vec<&Value> = entries
        .iter()
        .filter(|e| e["kind"] == "invitation" && e["subject"].is_string())
        .filter(|e| e["recipient"] == "bounce@kaivekst.no" || e["recipient"] == "post@kaivekst.no")
        .collect();
    assert_eq!(tries.len(), 2, "{entries:#?}");
    assert_ne!(tries[0]["sha256"], tries[1]["sha256"]);
}

mod a_failed_invitation_is_resent_once_with_the_answers_it_missed {
    use super::*;

    #[actix_web::test]
    async fn sqlite() {
        a_failed_invitation_is_resent_once_with_the_answers_it_missed(Backend::Sqlite).await
    }

    #[actix_web::test]
    async fn postgres() {
        a_failed_invitation_is_resent_once_with_the_answers_it_missed(Backend::Postgres).await
    }
}
