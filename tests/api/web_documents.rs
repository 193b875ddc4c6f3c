//! The document forms of the pages on both databases, sent as a browser without JavaScript
//! sends them: refused files say why in Norwegian beside the file field and keep what was
//! typed; a form without its CSRF token, or with the token after the file, stores nothing; only
//! the process's buyers upload; a late comment on the answer page gets 409 in the user's words.

use reqwest::multipart::{Form, Part};
use serde_json::Value;

use crate::browser_flow as on_both;
use crate::dialogues::{app_with_mail_and, SmtpServer};
use crate::documents::close_consultation;
use crate::helpers::{Backend, TestApp};
use crate::meetings::invited;
use crate::web_helpers::{unescape, WebClient};

/// The upload form's fields in the order a browser sends them, CSRF first and the file last.
fn upload_form(csrf: Option<&str>, title: &str, file: (&str, Vec<u8>)) -> Form {
    let mut form = Form::new();
    if let Some(csrf) = csrf {
        form = form.text("csrf", csrf.to_owned());
    }
    form.text("title", title.to_owned())
        .text("visibility", "buyers")
        .text("dialogue_id", "")
        .text("comments_until", "")
        .part("file", Part::bytes(file.1).file_name(file.0.to_owned()))
}

async fn documents_of(app: &TestApp, pid: &str, token: &str) -> Vec<Value> {
    let list: Value = app
        .get(&format!("/api/v1/processes/{pid}/documents"), Some(token))
        .await
        .json()
        .await
        .unwrap();
    list["items"].as_array().cloned().unwrap_or_default()
}

async fn page_forms(backend: Backend) {
    let mut smtp = SmtpServer::unstarted();
    assert!(
        smtp.start(),
        "aiosmtpd is needed (python3 -m pip install aiosmtpd)"
    );
    let limit = 1024 * 1024;
    let Some(app) = app_with_mail_and(backend, &smtp, |s| s.max_document_bytes = limit).await
    else {
        return;
    };
    let (buyer, pid, did, tokens) = invited(&app, &smtp, 810, 1).await;
    let web = WebClient::signed_in(&app, &buyer.email, &buyer.password).await;
    let page = format!("/processes/{pid}");
    let action = format!("/processes/{pid}/documents");
    let csrf = web.csrf(&page).await;

    // HTML named .pdf: 415, said beside the file field, with the title kept.
    let html = (
        "analyse.pdf",
        b"<!DOCTYPE html><script>alert(1)</script>".to_vec(),
    );
    let res = web
        .post_multipart(&action, upload_form(Some(&csrf), "Markedsanalyse", html))
        .await;
    assert_eq!(res.status, 415, "{}", res.body);
    let body = unescape(&res.body);
    assert!(body.contains("Filtypen tas ikke imot"), "{body}");
    assert!(
        body.contains("id=\"e-doc-file\""),
        "the error is beside the file field"
    );
    assert!(
        body.contains("value=\"Markedsanalyse\""),
        "the title is kept: {body}"
    );

    // Over the limit: 413 in Norwegian, naming the limit.
    let big = ("stor.txt", vec![b'a'; limit as usize + 10]);
    let res = web
        .post_multipart(&action, upload_form(Some(&csrf), "Stor", big))
        .await;
    assert_eq!(res.status, 413, "{}", res.body);
    assert!(
        unescape(&res.body).contains("Filen er større enn grensen på 1 MB"),
        "{}",
        res.body
    );

    // Without the CSRF token, or with it after the file: 403 and nothing stored.
    let text = || ("notat.txt", "Et notat om behovet.\n".as_bytes().to_vec());
    let res = web
        .post_multipart(&action, upload_form(None, "Notat", text()))
        .await;
    assert_eq!(res.status, 403, "{}", res.body);
    let late = Form::new()
        .text("title", "Notat")
        .part(
            "file",
            Part::bytes(text().1).file_name("notat.txt".to_owned()),
        )
        .text("csrf", csrf.clone());
    let res = web.post_multipart(&action, late).await;
    assert_eq!(res.status, 403, "{}", res.body);
    assert!(documents_of(&app, &pid, &buyer.token).await.is_empty());

    // Another buyer organisation gets 403 for the upload, and nothing is stored.
    let other = app.register("annen@kommune.no", 830, "buyer").await;
    let web_other = WebClient::signed_in(&app, &other.email, &other.password).await;
    let other_csrf = web_other.csrf("/dashboard").await;
    let res = web_other
        .post_multipart(&action, upload_form(Some(&other_csrf), "Notat", text()))
        .await;
    assert_eq!(res.status, 403, "{}", res.body);
    assert!(documents_of(&app, &pid, &buyer.token).await.is_empty());

    // A good upload goes to the document on the page, out for consultation to the invitees.
    let form = Form::new()
        .text("csrf", csrf.clone())
        .text("title", "Utkast")
        .text("visibility", "invitees")
        .text("dialogue_id", did.clone())
        .text("comments_until", "2027-02-01T12:00")
        .part(
            "file",
            Part::bytes(text().1).file_name("utkast.txt".to_owned()),
        );
    let res = web.post_multipart(&action, form).await;
    assert_eq!(res.status, 303, "{}", res.body);
    let docs = documents_of(&app, &pid, &buyer.token).await;
    assert_eq!(docs.len(), 1);
    let id = docs[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        res.location.as_deref(),
        Some(format!("/processes/{pid}#doc-{id}").as_str())
    );

    // A new visibility that does not exist is refused beside the field; the document stays.
    let res = web
        .submit(
            &page,
            &format!("/processes/{pid}/documents/{id}/change"),
            &[
                ("title", "Utkast"),
                ("visibility", "alle"),
                ("comments_until", "2027-02-01T12:00"),
            ],
        )
        .await;
    assert_eq!(res.status, 400, "{}", res.body);
    assert_eq!(
        documents_of(&app, &pid, &buyer.token).await[0]["visibility"],
        "invitees"
    );

    // Before the deadline the summary gets 409 in Norwegian; after it, a late comment does.
    let res = web
        .submit(
            &page,
            &format!("/processes/{pid}/documents/{id}/summary"),
            &[("text", "For tidlig.")],
        )
        .await;
    assert_eq!(res.status, 409, "{}", res.body);
    assert!(
        unescape(&res.body).contains("Høringen pågår fortsatt"),
        "{}",
        res.body
    );
    let supplier = WebClient::new(&app);
    let answer_page = format!("/rsvp/{}", tokens[0]);
    let comment = [
        ("document_id", id.as_str()),
        ("version", "1"),
        ("section", "2"),
        ("text", "Et innspill i tide."),
    ];
    let res = supplier
        .submit(&answer_page, &format!("{answer_page}/comments"), &comment)
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    close_consultation(&app, &id);
    let res = supplier
        .submit(&answer_page, &format!("{answer_page}/comments"), &comment)
        .await;
    assert_eq!(res.status, 409, "{}", res.body);
    assert!(
        unescape(&res.body).contains("Fristen for høringsinnspill er ute"),
        "{}",
        res.body
    );
    let (_, body) = web.get(&page).await;
    assert!(
        unescape(&body).contains("1 innspill fra 1 leverandør, etter punkt"),
        "only the comment in time is there: {body}"
    );
}
on_both!(
    refused_document_forms_say_why_in_norwegian_and_store_nothing,
    page_forms
);
