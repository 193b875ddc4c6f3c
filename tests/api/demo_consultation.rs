//! The consultation on the demo data, on both databases with a real SMTP server: a demo buyer
//! shares a draft (a DOCX, then a second version) with the invitees of its conference, two
//! suppliers comment through their links (one on the answer page, one through the API), and
//! the buyer publishes the consultation summary and the minutes. The event's record then lists
//! every version's and publication's SHA-256 with each delivered invitee told of it, and is
//! printed (`cargo test --test api demo_consultation -- --nocapture`).

use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};

use crate::browser_flow as on_both;
use crate::dialogue_changes::wait_for_kind;
use crate::dialogues::{app_with_mail, demo_event, header, rsvp_token, SmtpServer};
use crate::documents::{close_consultation, docx, docx_with, settled_record, sha256_hex, upload};
use crate::helpers::Backend;
use crate::meetings::wait_sent;

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

async fn demo_consultation(backend: Backend) {
    let mut smtp = SmtpServer::unstarted();
    assert!(
        smtp.start(),
        "aiosmtpd is needed (python3 -m pip install aiosmtpd)"
    );
    let Some(app) = app_with_mail(backend, &smtp).await else {
        return;
    };
    let (token, pid, did, invitations) = demo_event(&app, &smtp).await;
    wait_sent(&app, &token, &did).await;
    let invitees = sorted(
        invitations
            .iter()
            .map(|m| header(m, "To").unwrap())
            .collect(),
    );
    let n = invitees.len();

    // The buyer shares the draft with the invitees, out for consultation, then revises it.
    let v1 = docx(1);
    let res = upload(
        &app,
        &token,
        &pid,
        &[
            ("title", "Utkast til konkurransegrunnlag"),
            ("visibility", "invitees"),
            ("dialogue_id", &did),
            ("comments_until", "2027-04-20T12:00"),
        ],
        "utkast-konkurransegrunnlag.docx",
        v1.clone(),
    )
    .await;
    assert_eq!(res.status(), 201);
    let id = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(wait_for_kind(&smtp, "<document_version-", n).await.len(), n);
    let v2 = docx_with(1, "3.2 Krav til drift er fjernet.");
    let res = app
        .client
        .post(app.url(&format!("/api/v1/documents/{id}/versions")))
        .bearer_auth(&token)
        .multipart(Form::new().part(
            "file",
            Part::bytes(v2.clone()).file_name("utkast-konkurransegrunnlag-v2.docx"),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    assert_eq!(
        wait_for_kind(&smtp, "<document_version-", 2 * n)
            .await
            .len(),
        2 * n
    );

    // Two suppliers comment through their links: one on its answer page, one through the API.
    let links: Vec<String> = invitations.iter().map(|m| rsvp_token(m)).collect();
    let res = app
        .post_page_form(
            &format!("/rsvp/{}", links[0]),
            &format!("/rsvp/{}/comments", links[0]),
            &[
                ("document_id", &id),
                ("version", "2"),
                ("section", "3.2"),
                (
                    "text",
                    "Kravet om fem års drift utelukker nye leverandører.",
                ),
            ],
        )
        .await;
    assert_eq!(
        res.status(),
        303,
        "the answer page takes the comment and shows itself again"
    );
    let res = app
        .post(
            &format!("/api/v1/rsvp/{}/comments", links[1]),
            &json!({"document_id": id, "version": 2, "section": "4", "text": "Åpne grensesnitt bør være et krav."}),
            None,
        )
        .await;
    assert_eq!(res.status(), 201);
    let all: Value = app
        .get(&format!("/api/v1/documents/{id}/comments"), Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all["items"].as_array().unwrap().len(), 2, "{all}");
    assert_eq!(all["suppliers"], 2);

    // After the deadline: the summary and the minutes, to every delivered invitee.
    close_consultation(&app, &id);
    let summary =
        "Vi fikk to innspill. Kravet om fem års drift fjernes, og åpne grensesnitt blir et krav.";
    let res = app
        .post(
            &format!("/api/v1/documents/{id}/consultation-summary"),
            &json!({ "text": summary }),
            Some(&token),
        )
        .await;
    assert_eq!(res.status(), 201);
    let minutes = "Referat fra dialogkonferansen: behovet, løsningene og spørsmålene som kom.";
    let res = app
        .post(
            &format!("/api/v1/dialogues/{did}/summary"),
            &json!({ "text": minutes }),
            Some(&token),
        )
        .await;
    assert_eq!(res.status(), 201);
    assert_eq!(
        wait_for_kind(&smtp, "<consultation_summary-", n)
            .await
            .len(),
        n
    );
    assert_eq!(wait_for_kind(&smtp, "<minutes-", n).await.len(), n);

    // The record: every hash, each with every delivered invitee told of it and when.
    let record = settled_record(&app, &token, &did).await;
    let versions = record["documents"].as_array().unwrap();
    let hashes: Vec<&str> = versions
        .iter()
        .map(|v| v["sha256"].as_str().unwrap())
        .collect();
    assert_eq!(hashes, vec![sha256_hex(&v1), sha256_hex(&v2)], "{record}");
    let pubs = record["publications"].as_array().unwrap();
    let published: Vec<(&str, &str)> = pubs
        .iter()
        .map(|p| (p["kind"].as_str().unwrap(), p["sha256"].as_str().unwrap()))
        .collect();
    assert_eq!(
        published,
        vec![
            (
                "consultation_summary",
                sha256_hex(summary.as_bytes()).as_str()
            ),
            ("minutes", sha256_hex(minutes.as_bytes()).as_str()),
        ]
    );
    for entry in versions.iter().chain(pubs) {
        let told = entry["told"].as_array().unwrap();
        let who = sorted(
            told.iter()
                .map(|t| t["recipient"].as_str().unwrap().to_owned())
                .collect(),
        );
        assert_eq!(who, invitees, "every delivered invitee was told: {entry}");
        assert!(
            told.iter()
                .all(|t| t["status"] == "sent" && t["sent_at"].is_string()),
            "{entry}"
        );
    }
    let shown = json!({"documents": record["documents"], "publications": record["publications"]});
    println!(
        "demo consultation record ({backend:?}), GET /api/v1/dialogues/{did}/record:\n{}",
        serde_json::to_string_pretty(&shown).unwrap()
    );
}
on_both!(
    on_the_demo_data_two_suppliers_comment_on_a_draft_and_the_record_shows_every_hash_and_recipient,
    demo_consultation
);
