//! Documents in joint processes: need descriptions, market studies and drafts of tender
//! documents, shared in versions with the process's buyers, an event's invitees or everyone.
//! Every version keeps its SHA-256, and the event's record says who was told of it and when, so
//! equal treatment can be shown afterwards.
//!
//! - this module: visibility, who may read what, and the views every front door shares;
//! - `upload`: a file as it streams in, checked by content, stored in chunks;
//! - `download`: a version's bytes, chunk by chunk;
//! - `consultation`: comments of invitees on a draft, and the buyers' view and CSV of them;
//! - `publish`: the consultation summary and the minutes, and the letters that tell invitees of
//!   a version or a publication;
//! - `use_cases`: the calls the front doors make, off the async executor.

pub mod consultation;
pub mod download;
pub mod publish;
pub mod upload;
pub mod use_cases;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::processes::{self, Standing};
use crate::caller::Caller;
use crate::db::dialogues::{DialogueRow, InvitationRow};
use crate::db::documents::{self as q, DocumentRow, PublicationRow, VersionRow};
use crate::db::DbConn;
use crate::domain::string_enum;
use crate::error::AppError;

string_enum!(
    /// Who may see a document.
    Visibility, "visibility", {
        /// The process's buyers (and programme staff) only.
        Buyers => "buyers",
        /// Also the invitees of the document's event, through their answer link.
        Invitees => "invitees",
        /// Anyone, on the public event page.
        Public => "public",
    }
);

/// Invitation states whose letter reached the invitee: they are told of new versions.
pub const DELIVERED: &[&str] = &["sent", "answered"];

/// Who is reading, as far as documents go.
// One is made per request and never held in bulk, so its size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Reader {
    /// The process's buyers and programme staff: every document.
    Insider,
    /// An invitee of an event, through its link or its signed-in organisation: that event's
    /// `invitees` documents and every `public` one.
    Invitee(InvitationRow),
    /// Anyone else: `public` documents only.
    Outsider,
}

impl Reader {
    /// True when this reader may see the document.
    pub fn may_read(&self, doc: &DocumentRow) -> bool {
        if doc.deleted_at.is_some() {
            return false;
        }
        match (self, doc.visibility.as_str()) {
            (Reader::Insider, _) | (_, "public") => true,
            (Reader::Invitee(inv), "invitees") => {
                doc.dialogue_id.as_deref() == Some(inv.dialogue_id.as_str())
            }
            _ => false,
        }
    }
}

/// How a signed-in caller (or nobody) reads the documents of a process: as an insider, as an
/// invitee of the given event when the caller's organisation received an invitation to it, or
/// as an outsider.
pub fn reader_of(
    conn: &mut DbConn,
    caller: Option<&Caller>,
    process_id: &str,
    dialogue_id: Option<&str>,
) -> Result<Reader, AppError> {
    let Some(caller) = caller else {
        return Ok(Reader::Outsider);
    };
    let process = processes::get(conn, process_id)?;
    if processes::standing(conn, caller, &process)?.is_insider() {
        return Ok(Reader::Insider);
    }
    invitee_of(conn, caller, dialogue_id)
}

/// How a caller who is not an insider reads an event's documents: as an invitee when its
/// organisation's invitation to the event was delivered, else as an outsider.
pub fn invitee_of(
    conn: &mut DbConn,
    caller: &Caller,
    dialogue_id: Option<&str>,
) -> Result<Reader, AppError> {
    if let (Some(org), Some(dialogue)) = (caller.organisation_id(), dialogue_id) {
        let invited = crate::db::dialogues::invitations(conn, dialogue)?
            .into_iter()
            .find(|i| {
                i.supplier_id.as_deref() == Some(org) && DELIVERED.contains(&i.status.as_str())
            });
        if let Some(inv) = invited {
            return Ok(Reader::Invitee(inv));
        }
    }
    Ok(Reader::Outsider)
}

/// The invitation behind an answer token, as a reader, with its event; 404 for a token that is
/// not valid.
pub fn token_reader(conn: &mut DbConn, token: &str) -> Result<(Reader, DialogueRow), AppError> {
    let (inv, d) = crate::app::dialogues::lookup(conn, token)?
        .ok_or_else(|| AppError::not_found("the link is not valid"))?;
    Ok((Reader::Invitee(inv), d))
}

/// A document the reader may see, or 404 whatever the reason, so ids reveal nothing.
pub fn readable(conn: &mut DbConn, reader: &Reader, id: &str) -> Result<DocumentRow, AppError> {
    q::find(conn, id)?
        .filter(|d| reader.may_read(d))
        .ok_or_else(|| AppError::not_found("no document has this id"))
}

/// A document one of whose process's buyers is calling, or the refusal: 404 when the caller may
/// not even see it, 403 when it may see it but is not a buyer.
pub fn for_buyer(conn: &mut DbConn, caller: &Caller, id: &str) -> Result<DocumentRow, AppError> {
    let doc = q::find(conn, id)?
        .filter(|d| d.deleted_at.is_none())
        .ok_or_else(|| AppError::not_found("no document has this id"))?;
    let reader = reader_of(
        conn,
        Some(caller),
        &doc.process_id,
        doc.dialogue_id.as_deref(),
    )?;
    if !reader.may_read(&doc) {
        return Err(AppError::not_found("no document has this id"));
    }
    let process = processes::get(conn, &doc.process_id)?;
    if !matches!(
        processes::standing(conn, caller, &process)?,
        Standing::Lead | Standing::Buyer
    ) {
        return Err(AppError::forbidden(
            "only the process's buyers can change its documents",
        ));
    }
    Ok(doc)
}

/// One version of a document.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VersionView {
    pub version: i64,
    /// The file name as uploaded, made safe (no path, no control characters).
    pub file_name: String,
    pub size: i64,
    /// Told from the content, not the name.
    pub content_type: String,
    /// SHA-256 of the exact bytes.
    pub sha256: String,
    pub uploaded_at: DateTime<Utc>,
}

impl From<&VersionRow> for VersionView {
    fn from(v: &VersionRow) -> Self {
        VersionView {
            version: v.version,
            file_name: v.file_name.clone(),
            size: v.size,
            content_type: v.content_type.clone(),
            sha256: v.sha256.clone(),
            uploaded_at: v.created_at.and_utc(),
        }
    }
}

/// A published text: a consultation summary or the minutes of an event.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublishedText {
    /// `consultation_summary` or `minutes`.
    pub kind: String,
    pub document_id: Option<String>,
    pub text: String,
    /// SHA-256 of the text as published.
    pub sha256: String,
    pub published_at: DateTime<Utc>,
}

impl From<&PublicationRow> for PublishedText {
    fn from(p: &PublicationRow) -> Self {
        PublishedText {
            kind: p.kind.clone(),
            document_id: p.document_id.clone(),
            text: p.text.clone(),
            sha256: p.sha256.clone(),
            published_at: p.published_at.and_utc(),
        }
    }
}

/// A document as its reader may see it: the newest version's file, and every version.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DocumentView {
    pub id: String,
    pub process_id: String,
    pub dialogue_id: Option<String>,
    pub title: String,
    /// `buyers`, `invitees` or `public`.
    pub visibility: String,
    /// The newest version.
    pub version: i64,
    pub file_name: String,
    pub size: i64,
    pub content_type: String,
    pub sha256: String,
    /// Until when invitees may comment, when the document is out for consultation.
    pub comments_until: Option<DateTime<Utc>>,
    /// True while invitees may comment.
    pub comments_open: bool,
    /// Where this reader downloads the newest version; add `?version=N` for an older one.
    pub download_url: String,
    /// Every version, oldest first.
    pub versions: Vec<VersionView>,
    /// The buyers' response to the consultation, once published.
    pub consultation_summary: Option<PublishedText>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Documents.
#[derive(Debug, Serialize, ToSchema)]
pub struct Documents {
    pub items: Vec<DocumentView>,
}

/// True while a document takes comments at `now`.
pub fn comments_open(doc: &DocumentRow, now: NaiveDateTime) -> bool {
    doc.comments_until.is_some_and(|until| now <= until)
}

/// The views of the given documents, with their versions and summaries; `link` gives each
/// document's download address.
pub fn views(
    conn: &mut DbConn,
    docs: Vec<DocumentRow>,
    link: &dyn Fn(&DocumentRow) -> String,
) -> Result<Vec<DocumentView>, AppError> {
    let ids: Vec<String> = docs.iter().map(|d| d.id.clone()).collect();
    let versions = q::versions(conn, &ids)?;
    let now = crate::db::now();
    let mut out = Vec::with_capacity(docs.len());
    for doc in docs {
        let own: Vec<VersionView> = versions
            .iter()
            .filter(|v| v.document_id == doc.id)
            .map(VersionView::from)
            .collect();
        let Some(newest) = own
            .iter()
            .find(|v| v.version == doc.current_version)
            .cloned()
        else {
            return Err(AppError::internal(format!(
                "document {} has no version {}",
                doc.id, doc.current_version
            )));
        };
        let summary = q::summary_of(conn, &doc.id)?;
        out.push(DocumentView {
            download_url: link(&doc),
            id: doc.id.clone(),
            process_id: doc.process_id.clone(),
            dialogue_id: doc.dialogue_id.clone(),
            title: doc.title.clone(),
            visibility: doc.visibility.clone(),
            version: newest.version,
            file_name: newest.file_name,
            size: newest.size,
            content_type: newest.content_type,
            sha256: newest.sha256,
            comments_until: doc.comments_until.map(|t| t.and_utc()),
            comments_open: comments_open(&doc, now),
            versions: own,
            consultation_summary: summary.as_ref().map(PublishedText::from),
            created_at: doc.created_at.and_utc(),
            updated_at: doc.updated_at.and_utc(),
        });
    }
    Ok(out)
}

/// The API address of a document for a signed-in or anonymous reader.
pub fn api_link(doc: &DocumentRow) -> String {
    format!("/api/v1/documents/{}", doc.id)
}

/// The API address of a document behind an answer link.
pub fn token_link(token: &str) -> impl Fn(&DocumentRow) -> String + '_ {
    move |doc| format!("/api/v1/rsvp/{token}/documents/{}", doc.id)
}

/// The documents of a process that the reader may see.
pub fn list(
    conn: &mut DbConn,
    reader: &Reader,
    process_id: &str,
    link: &dyn Fn(&DocumentRow) -> String,
) -> Result<Vec<DocumentView>, AppError> {
    let docs = q::of_process(conn, process_id)?
        .into_iter()
        .filter(|d| reader.may_read(d))
        .collect();
    views(conn, docs, link)
}

/// The documents of an event that the reader may see (for the answer and event pages).
pub fn of_event(
    conn: &mut DbConn,
    reader: &Reader,
    dialogue_id: &str,
    link: &dyn Fn(&DocumentRow) -> String,
) -> Result<Vec<DocumentView>, AppError> {
    let docs = q::of_dialogue(conn, dialogue_id)?
        .into_iter()
        .filter(|d| reader.may_read(d))
        .collect();
    views(conn, docs, link)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(visibility: &str, dialogue: Option<&str>) -> DocumentRow {
        let now = crate::db::now();
        DocumentRow {
            id: "d".into(),
            process_id: "p".into(),
            dialogue_id: dialogue.map(str::to_owned),
            title: "Utkast".into(),
            visibility: visibility.into(),
            comments_until: None,
            current_version: 1,
            created_by: None,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        }
    }

    fn invitee(dialogue: &str) -> Reader {
        let now = crate::db::now();
        Reader::Invitee(InvitationRow {
            id: "i".into(),
            dialogue_id: dialogue.into(),
            supplier_id: None,
            orgnr: "974760673".into(),
            source: "invited".into(),
            email: "a@b.no".into(),
            token_hash: String::new(),
            status: "sent".into(),
            failure: None,
            answer: None,
            attendees: None,
            comment: None,
            answered_at: None,
            reminder_sent_at: None,
            created_at: now,
            updated_at: now,
        })
    }

    #[test]
    fn invitees_see_their_own_event_s_documents_and_public_ones_only() {
        let r = invitee("e1");
        assert!(r.may_read(&doc("invitees", Some("e1"))));
        assert!(!r.may_read(&doc("invitees", Some("e2"))));
        assert!(!r.may_read(&doc("invitees", None)));
        assert!(!r.may_read(&doc("buyers", Some("e1"))));
        assert!(r.may_read(&doc("public", None)));
        assert!(!Reader::Outsider.may_read(&doc("invitees", Some("e1"))));
        assert!(Reader::Insider.may_read(&doc("buyers", None)));
    }

    #[test]
    fn a_deleted_document_is_hidden_from_everyone() {
        let mut d = doc("public", None);
        d.deleted_at = Some(crate::db::now());
        assert!(!Reader::Insider.may_read(&d));
        assert!(!Reader::Outsider.may_read(&d));
    }
}
