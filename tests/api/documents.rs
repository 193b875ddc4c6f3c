//! Documents of a joint process on both databases with a real SMTP server: a PDF and a DOCX of a
//! few MB come back byte for byte with their SHA-256; an invitee sees its event's `invitees`
//! documents through its answer link and nothing of the buyers'; other organisations get 404;
//! files are told by content (415), held to the size limit (413) and their names made safe; and
//! only the process's buyers upload (403).

use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

// The two-database test macro of the browser flows, which has the shape every test here needs.
use crate::browser_flow as on_both;
use crate::dialogue_changes::wait_for_kind;
use crate::dialogues::{app_with_mail, event, header, SmtpServer};
use crate::helpers::{error_of, Backend, TestApp};
use crate::meetings::invited;

/// A PDF of about `mb` megabytes whose bytes differ from position to position.
pub(crate) fn pdf(mb: usize) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut x: u32 = 2463534242;
    while out.len() < mb * 1_000_000 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.extend_from_slice(b"\n%%EOF\n");
    out
}

/// A DOCX (an Office Open XML zip with `word/document.xml`) of about `mb` megabytes.
pub(crate) fn docx(mb: usize) -> Vec<u8> {
    docx_with(mb, "")
}

/// A DOCX of about `mb` megabytes whose text is `text`, so revisions differ.
pub(crate) fn docx_with(mb: usize, text: &str) -> Vec<u8> {
    use std::io::Write;
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut out);
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        w.start_file("[Content_Types].xml", stored).unwrap();
        w.write_all(br#"<?xml version="1.0"?><Types/>"#).unwrap();
        w.start_file("word/document.xml", stored).unwrap();
        w.write_all(format!(r#"<?xml version="1.0"?><w:document>{text}</w:document>"#).as_bytes())
            .unwrap();
        // Incompressible media, so the file really is a few MB.
        w.start_file("word/media/image1.bin", stored).unwrap();
        w.write_all(&pdf(mb)[9..]).unwrap();
        w.finish().unwrap();
    }
    out.into_inner()
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub(crate) async fn upload(
    app: &TestApp,
    token: &str,
    pid: &str,
    fields: &[(&str, &str)],
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let mut form = Form::new().part("file", Part::bytes(bytes).file_name(name.to_owned()));
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    app.client
        .post(app.url(&format!("/api/v1/processes/{pid}/documents")))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn bytes_of(res: reqwest::Response) -> Vec<u8> {
    assert_eq!(res.status(), 200);
    res.bytes().await.unwrap().to_vec()
}

/// An event with two invited suppliers whose invitations arrived: the buyer, the process, the
/// event and the answer tokens.
async fn round_trips_and_visibility(backend: Backend) {
    let mut smtp = SmtpServer::unstarted();
    let Some(app) = app_with_mail(backend, &smtp).await else {
        return;
    };
    assert!(
        smtp.start(),
        "aiosmtpd is needed (python3 -m pip install aiosmtpd)"
    );
    let (buyer, pid, did, tokens) = invited(&app, &smtp, 610, 2).await;

    let draft = pdf(3);
    let res = upload(
        &app,
        &buyer.token,
        &pid,
        &[
            ("title", "Utkast til konkurransegrunnlag"),
            ("visibility", "invitees"),
            ("dialogue_id", &did),
        ],
        "utkast.pdf",
        draft.clone(),
    )
    .await;
    assert_eq!(res.status(), 201);
    let shared: Value = res.json().await.unwrap();
    assert_eq!(shared["version"], 1);
    assert_eq!(shared["size"], draft.len() as u64);
    assert_eq!(shared["content_type"], "application/pdf");
    assert_eq!(shared["sha256"], sha256_hex(&draft));

    let study = docx(2);
    let res = upload(
        &app,
        &buyer.token,
        &pid,
        &[("title", "Markedsanalyse")],
        "analyse.docx",
        study.clone(),
    )
    .await;
    assert_eq!(res.status(), 201);
    let internal: Value = res.json().await.unwrap();
    assert_eq!(
        internal["visibility"], "buyers",
        "buyers only unless told otherwise"
    );
    assert_eq!(internal["sha256"], sha256_hex(&study));

    // The buyers get both back byte for byte, as attachments with their hash as the ETag.
    for (doc, bytes) in [(&shared, &draft), (&internal, &study)] {
        let res = app
            .get(
                &format!("/api/v1/documents/{}", doc["id"].as_str().unwrap()),
                Some(&buyer.token),
            )
            .await;
        let h = res.headers().clone();
        assert!(h["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment"));
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(
            h["etag"].to_str().unwrap(),
            format!("\"{}\"", sha256_hex(bytes))
        );
        let got = bytes_of(res).await;
        assert_eq!(got.len(), bytes.len());
        assert_eq!(sha256_hex(&got), sha256_hex(bytes));
    }

    // Behind the answer link: the invitees' draft, never the buyers' study.
    let view: Value = app
        .get(&format!("/api/v1/rsvp/{}", tokens[0]), None)
        .await
        .json()
        .await
        .unwrap();
    let listed: Vec<&str> = view["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(listed, vec![shared["id"].as_str().unwrap()]);
    let link = view["documents"][0]["download_url"].as_str().unwrap();
    assert_eq!(
        sha256_hex(&bytes_of(app.get(link, None).await).await),
        sha256_hex(&draft)
    );
    let hidden = format!(
        "/api/v1/rsvp/{}/documents/{}",
        tokens[0],
        internal["id"].as_str().unwrap()
    );
    error_of(app.get(&hidden, None).await, 404).await;
    let made_up = format!(
        "/api/v1/rsvp/not-a-token/documents/{}",
        shared["id"].as_str().unwrap()
    );
    error_of(app.get(&made_up, None).await, 404).await;

    // The answer page lists the draft with its link; the public event page shows neither.
    let page = app
        .client
        .get(app.url(&format!("/rsvp/{}", tokens[0])))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Utkast til konkurransegrunnlag")
            && html.contains(&format!(
                "documents&#x2f;{}",
                shared["id"].as_str().unwrap()
            )),
        "{html}"
    );
    assert!(!html.contains("Markedsanalyse"));
    let public = app
        .client
        .get(app.url(&format!("/dialogues/{did}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        public.contains("Ingen dokumenter er delt ennå."),
        "{public}"
    );

    // Another organisation sees neither, whatever the id, and may not upload.
    let other = app.register("annen@kommune.no", 650, "buyer").await;
    for doc in [&shared, &internal] {
        let path = format!("/api/v1/documents/{}", doc["id"].as_str().unwrap());
        error_of(app.get(&path, Some(&other.token)).await, 404).await;
        error_of(app.get(&path, None).await, 404).await;
    }
    let list: Value = app
        .get(
            &format!("/api/v1/processes/{pid}/documents"),
            Some(&other.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 0);
    let res = upload(
        &app,
        &other.token,
        &pid,
        &[("title", "Fremmed")],
        "x.pdf",
        pdf(1),
    )
    .await;
    error_of(res, 403).await;
}
on_both!(
    a_pdf_and_a_docx_come_back_byte_for_byte_and_invitees_see_only_their_event_s_documents,
    round_trips_and_visibility
);

async fn refused_files(backend: Backend) {
    let smtp = SmtpServer::unstarted();
    let Some(app) = app_with_mail(backend, &smtp).await else {
        return;
    };
    let (buyer, pid, _did) = event(&app, 620).await;

    let html = b"<!DOCTYPE html><html><script>alert(1)</script></html>".to_vec();
    let (code, field) = error_of(
        upload(
            &app,
            &buyer.token,
            &pid,
            &[("title", "Ikke en PDF")],
            "faktura.pdf",
            html,
        )
        .await,
        415,
    )
    .await;
    assert_eq!(code, "unsupported_media_type");
    assert_eq!(field.as_deref(), Some("file"));

    let mut too_big = pdf(21);
    too_big.truncate(20 * 1024 * 1024 + 1);
    error_of(
        upload(
            &app,
            &buyer.token,
            &pid,
            &[("title", "For stor")],
            "stor.pdf",
            too_big,
        )
        .await,
        413,
    )
    .await;
    let list: Value = app
        .get(
            &format!("/api/v1/processes/{pid}/documents"),
            Some(&buyer.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        0,
        "nothing refused is stored"
    );

    // Raw CR/LF in a part's header breaks the multipart framing itself: 400, nothing stored.
    // (Browsers send them as %0D%0A, which is harmless text.)
    let res = upload(
        &app,
        &buyer.token,
        &pid,
        &[("title", "Navn")],
        "pass\r\nX-Evil: 1.pdf",
        pdf(1),
    )
    .await;
    let (_, field) = error_of(res, 400).await;
    assert_eq!(field.as_deref(), Some("body"));
    // A name with a path, a tab and a bidi override is stored without them.
    let res = upload(
        &app,
        &buyer.token,
        &pid,
        &[("title", "Navn")],
        "..\\..\\C:\\Windows/../etc/pass\t\u{202e}fdp.exe.pdf",
        pdf(1),
    )
    .await;
    let status = res.status();
    let body = res.text().await.unwrap();
    assert_eq!(status, 201, "{body}");
    let doc: Value = serde_json::from_str(&body).unwrap();
    let name = doc["file_name"].as_str().unwrap();
    assert!(
        !name.contains('/')
            && !name.contains('\\')
            && !name.chars().any(|c| c.is_control() || c == '\u{202e}'),
        "{name}"
    );
    assert!(name.ends_with(".pdf"), "{name}");
    let res = app
        .get(
            &format!("/api/v1/documents/{}", doc["id"].as_str().unwrap()),
            Some(&buyer.token),
        )
        .await;
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        !disposition.contains('\n') && !disposition.contains("/etc/"),
        "{disposition}"
    );
    assert_eq!(res.headers().get("x-evil"), None);
}
on_both!(
    a_disguised_html_file_gets_415_an_oversized_one_413_and_a_hostile_name_is_made_safe,
    refused_files
);

/// Sets a document's consultation deadline in the database, as time passing would.
pub(crate) fn close_consultation(app: &TestApp, id: &str) {
    let mut conn = innolift::db::connect(&app.settings.database_url).unwrap();
    let sql = diesel::sql_query(format!(
        "UPDATE documents SET comments_until = '2020-01-01 00:00:00' WHERE id = '{id}'"
    ));
    let n = match &mut conn {
        innolift::db::DbConn::Sqlite(c) => diesel::RunQueryDsl::execute(sql, c),
        innolift::db::DbConn::Pg(c) => diesel::RunQueryDsl::execute(sql, c),
    }
    .unwrap();
    assert_eq!(n, 1);
}

/// The recipients of the messages whose Message-ID starts with `prefix`.
pub(crate) fn recipients(smtp: &SmtpServer, prefix: &str) -> Vec<String> {
    let mut to: Vec<String> = smtp
        .messages()
        .iter()
        .filter(|m| header(m, "Message-ID").is_some_and(|id| id.starts_with(prefix)))
        .map(|m| header(m, "To").unwrap())
        .collect();
    to.sort();
    to
}

/// The event's record once every letter in it is sent.
pub(crate) async fn settled_record(app: &TestApp, token: &str, did: &str) -> Value {
    let mut record: Value = Value::Null;
    for _ in 0..100 {
        record = app
            .get(&format!("/api/v1/dialogues/{did}/record"), Some(token))
            .await
            .json()
            .await
            .unwrap();
        let all_sent = record["documents"]
            .as_array()
            .unwrap()
            .iter()
            .chain(record["publications"].as_array().unwrap())
            .all(|e| {
                e["told"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|t| t["status"] == "sent")
            });
        if all_sent {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    record
}

async fn consultation(backend: Backend) {
    let mut smtp = SmtpServer::unstarted();
    let Some(app) = app_with_mail(backend, &smtp).await else {
        return;
    };
    assert!(
        smtp.start(),
        "aiosmtpd is needed (python3 -m pip install aiosmtpd)"
    );
    let (buyer, pid, did, tokens) = invited(&app, &smtp, 630, 3).await;

    let res = upload(
        &app,
        &buyer.token,
        &pid,
        &[
            ("title", "Utkast"),
            ("visibility", "invitees"),
            ("dialogue_id", &did),
            ("comments_until", "2027-02-01T12:00"),
        ],
        "utkast.txt",
        b"1 Innledning\n3.2 Krav til lading\n".to_vec(),
    )
    .await;
    assert_eq!(res.status(), 201);
    let doc: Value = res.json().await.unwrap();
    let id = doc["id"].as_str().unwrap().to_owned();
    let told = wait_for_kind(&smtp, "<document_version-", 3).await;
    assert_eq!(told.len(), 3);

    let form = Form::new().part(
        "file",
        Part::bytes(b"1 Innledning\n3.2 Krav til lading ved kai\n".to_vec())
            .file_name("utkast-2.txt"),
    );
    let res = app
        .client
        .post(app.url(&format!("/api/v1/documents/{id}/versions")))
        .bearer_auth(&buyer.token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let told = wait_for_kind(&smtp, "<document_version-", 6).await;
    assert_eq!(told.len(), 6);
    let to = recipients(&smtp, "<document_version-");
    let mut unique = to.clone();
    unique.dedup();
    assert_eq!(unique.len(), 3, "every invitee is told: {to:?}");
    assert_eq!(to.len(), 6, "once per version each: {to:?}");
    assert!(
        told.iter()
            .all(|m| !m.contains("Content-Disposition: attachment")),
        "a link, never an attachment"
    );

    for (n, token) in tokens.iter().enumerate() {
        let res = app.post(&format!("/api/v1/rsvp/{token}/comments"), &json!({"document_id": id, "version": 2, "section": "3.2", "text": format!("Innspill nummer {n}")}), None).await;
        assert_eq!(res.status(), 201);
    }
    for (n, token) in tokens.iter().enumerate() {
        let own: Value = app
            .get(&format!("/api/v1/rsvp/{token}/comments"), None)
            .await
            .json()
            .await
            .unwrap();
        let texts: Vec<&str> = own["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["text"].as_str().unwrap())
            .collect();
        assert_eq!(
            texts,
            vec![format!("Innspill nummer {n}")],
            "a supplier sees only its own"
        );
    }
    let csv = app
        .get(
            &format!("/api/v1/documents/{id}/comments.csv"),
            Some(&buyer.token),
        )
        .await;
    assert_eq!(csv.status(), 200);
    let csv = csv.text().await.unwrap();
    for n in 0..3 {
        assert_eq!(
            csv.lines()
                .filter(|l| l.contains(&format!("Innspill nummer {n}")))
                .count(),
            1,
            "{csv}"
        );
    }

    // Too early for the summary, too late for comments once the deadline has passed.
    error_of(
        app.post(
            &format!("/api/v1/documents/{id}/consultation-summary"),
            &json!({"text": "Takk"}),
            Some(&buyer.token),
        )
        .await,
        409,
    )
    .await;
    close_consultation(&app, &id);
    error_of(
        app.post(
            &format!("/api/v1/rsvp/{}/comments", tokens[0]),
            &json!({"document_id": id, "version": 2, "section": "1", "text": "For sent"}),
            None,
        )
        .await,
        409,
    )
    .await;
    let res = app
        .post(
            &format!("/api/v1/documents/{id}/consultation-summary"),
            &json!({"text": "Vi fikk tre innspill om lading."}),
            Some(&buyer.token),
        )
        .await;
    assert_eq!(res.status(), 201);
    let summary: Value = res.json().await.unwrap();
    assert_eq!(summary["sent_to"], 3);
    assert_eq!(
        wait_for_kind(&smtp, "<consultation_summary-", 3)
            .await
            .len(),
        3
    );
    let res = app
        .post(
            &format!("/api/v1/dialogues/{did}/summary"),
            &json!({"text": "Referat fra konferansen."}),
            Some(&buyer.token),
        )
        .await;
    assert_eq!(res.status(), 201);
    assert_eq!(wait_for_kind(&smtp, "<minutes-", 3).await.len(), 3);

    // The record: both versions' hashes, each with the three invitees told; both publications.
    let record = settled_record(&app, &buyer.token, &did).await;
    let versions = record["documents"].as_array().unwrap();
    assert_eq!(versions.len(), 2, "{record}");
    assert_eq!(
        versions[0]["sha256"],
        sha256_hex(b"1 Innledning\n3.2 Krav til lading\n")
    );
    assert_eq!(
        versions[1]["sha256"],
        sha256_hex(b"1 Innledning\n3.2 Krav til lading ved kai\n")
    );
    for v in versions {
        let mut who: Vec<&str> = v["told"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["recipient"].as_str().unwrap())
            .collect();
        who.sort();
        assert_eq!(who.len(), 3, "{v}");
        assert!(
            v["told"]
                .as_array()
                .unwrap()
                .iter()
                .all(|t| t["status"] == "sent" && t["sent_at"].is_string()),
            "{v}"
        );
    }
    let pubs = record["publications"].as_array().unwrap();
    let kinds: Vec<&str> = pubs.iter().map(|p| p["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, vec!["consultation_summary", "minutes"]);
    assert_eq!(
        pubs[0]["sha256"],
        sha256_hex("Vi fikk tre innspill om lading.".as_bytes())
    );
    assert!(
        pubs.iter()
            .all(|p| p["told"].as_array().unwrap().len() == 3),
        "{record}"
    );

    // The public event page shows both publications.
    let public = app
        .client
        .get(app.url(&format!("/dialogues/{did}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        public.contains("Vi fikk tre innspill om lading.")
            && public.contains("Referat fra konferansen."),
        "{public}"
    );
}
on_both!(
    three_suppliers_comment_on_a_draft_each_sees_only_its_own_and_every_invitee_gets_each_version_summary_and_minutes_once,
    consultation
);
