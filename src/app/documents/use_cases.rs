//! The calls the front doors make for documents, each off the async executor. Those that queue
//! mail wake the mailer.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::consultation::{self, BuyerComments, CommentView, NewComment};
use super::download::{self, Download};
use super::upload::{check, DocumentFields};
use super::{
    api_link, for_buyer, invitee_of, publish, readable, reader_of, token_link, token_reader, views,
    DocumentView, PublishedText, Reader,
};
use crate::app::Context;
use crate::caller::Caller;
use crate::db::documents::{self as q, DocumentRow};
use crate::db::{self};
use crate::error::{AppError, AppResult};

/// Wakes the outbox worker after mail was queued.
pub(crate) fn wake(ctx: &Context) {
    ctx.mailer.notify();
}

/// The documents of a process, each as the caller (or an anonymous visitor) may see it.
pub async fn list(
    ctx: &Context,
    caller: Option<&Caller>,
    process_id: &str,
) -> AppResult<Vec<DocumentView>> {
    let (caller, pid) = (caller.cloned(), process_id.to_owned());
    ctx.db
        .run(move |conn| {
            let (shown, _) = shown_to(conn, caller.as_ref(), &pid)?;
            views(conn, shown, &api_link)
        })
        .await
}

/// The documents of a process the caller may see, and whether it sees them as an insider. The
/// caller's standing is asked once, and its invitation once per event.
fn shown_to(
    conn: &mut db::DbConn,
    caller: Option<&Caller>,
    pid: &str,
) -> AppResult<(Vec<DocumentRow>, bool)> {
    let process = crate::app::processes::get(conn, pid)?;
    let insider = match caller {
        Some(c) => crate::app::processes::standing(conn, c, &process)?.is_insider(),
        None => false,
    };
    let mut readers: HashMap<Option<String>, Reader> = HashMap::new();
    let mut shown = Vec::new();
    for doc in q::of_process(conn, pid)? {
        let reader = match (insider, caller) {
            (true, _) => Reader::Insider,
            (false, None) => Reader::Outsider,
            (false, Some(c)) => match readers.get(&doc.dialogue_id) {
                Some(r) => r.clone(),
                None => {
                    let r = invitee_of(conn, c, doc.dialogue_id.as_deref())?;
                    readers.insert(doc.dialogue_id.clone(), r.clone());
                    r
                }
            },
        };
        if reader.may_read(&doc) {
            shown.push(doc);
        }
    }
    Ok((shown, insider))
}

/// A document on the process page, with every comment on it when the reader is one of the
/// process's buyers or programme staff.
#[derive(Debug, Serialize)]
pub struct PageDocument {
    #[serde(flatten)]
    pub document: DocumentView,
    pub comments: Option<BuyerComments>,
}

/// The documents of the process page, as the signed-in caller may see them.
pub async fn for_process_page(
    ctx: &Context,
    caller: &Caller,
    process_id: &str,
) -> AppResult<Vec<PageDocument>> {
    let (caller, pid) = (caller.clone(), process_id.to_owned());
    ctx.db
        .run(move |conn| {
            let (shown, insider) = shown_to(conn, Some(&caller), &pid)?;
            let mut comments = Vec::with_capacity(shown.len());
            for doc in &shown {
                comments.push(if insider {
                    Some(consultation::of_document(conn, doc)?)
                } else {
                    None
                });
            }
            Ok(views(conn, shown, &api_link)?
                .into_iter()
                .zip(comments)
                .map(|(document, comments)| PageDocument { document, comments })
                .collect())
        })
        .await
}

/// One document, as the caller may see it.
pub async fn get(ctx: &Context, caller: Option<&Caller>, id: &str) -> AppResult<DocumentView> {
    let (caller, id) = (caller.cloned(), id.to_owned());
    ctx.db
        .run(move |conn| {
            let doc = q::find(conn, &id)?
                .ok_or_else(|| AppError::not_found("no document has this id"))?;
            let reader = reader_of(
                conn,
                caller.as_ref(),
                &doc.process_id,
                doc.dialogue_id.as_deref(),
            )?;
            let doc = readable(conn, &reader, &id)?;
            views(conn, vec![doc], &api_link)?
                .pop()
                .ok_or_else(|| AppError::internal("a document without its view"))
        })
        .await
}

/// A version to download for a signed-in caller or an anonymous visitor.
pub async fn open(
    ctx: &Context,
    caller: Option<&Caller>,
    id: &str,
    version: Option<i64>,
) -> AppResult<Download> {
    let (caller, id) = (caller.cloned(), id.to_owned());
    ctx.db
        .run(move |conn| {
            let reader = match q::find(conn, &id)? {
                Some(doc) => reader_of(
                    conn,
                    caller.as_ref(),
                    &doc.process_id,
                    doc.dialogue_id.as_deref(),
                )?,
                None => Reader::Outsider,
            };
            download::open(conn, &reader, &id, version)
        })
        .await
}

/// A version to download through an answer link.
pub async fn open_by_token(
    ctx: &Context,
    token: &str,
    id: &str,
    version: Option<i64>,
) -> AppResult<Download> {
    let (token, id) = (token.to_owned(), id.to_owned());
    ctx.db
        .run(move |conn| {
            let (reader, _) = token_reader(conn, &token)?;
            download::open(conn, &reader, &id, version)
        })
        .await
}

/// The documents an invitee sees behind its link: its event's `invitees` and `public` ones.
pub async fn for_token(ctx: &Context, token: &str) -> AppResult<Vec<DocumentView>> {
    let token = token.to_owned();
    ctx.db
        .run(move |conn| {
            let (reader, d) = token_reader(conn, &token)?;
            super::of_event(conn, &reader, &d.id, &token_link(&token))
        })
        .await
}

/// A change of a document's title, visibility or consultation deadline; absent fields stay.
#[derive(Debug, Clone, Default)]
pub struct DocumentChange {
    pub title: Option<String>,
    pub visibility: Option<String>,
    /// `Some("")` ends the consultation deadline.
    pub comments_until: Option<String>,
}

/// The buyers change a document. When it becomes visible to invitees, the event's delivered
/// invitees are told of its newest version (once each, as for a new version).
pub async fn update(
    ctx: &Context,
    caller: &Caller,
    id: &str,
    change: DocumentChange,
) -> AppResult<DocumentView> {
    let (caller, id) = (caller.clone(), id.to_owned());
    let (settings, keys) = (ctx.settings.clone(), ctx.tokens.clone());
    let (view, told) = ctx
        .db
        .run(move |conn| {
            let before = for_buyer(conn, &caller, &id)?;
            // A deadline already set may lie in the past, so only a new one is checked.
            let keep_until = change.comments_until.is_none();
            let fields = DocumentFields {
                title: Some(change.title.clone().unwrap_or_else(|| before.title.clone())),
                visibility: Some(
                    change
                        .visibility
                        .clone()
                        .unwrap_or_else(|| before.visibility.clone()),
                ),
                dialogue_id: before.dialogue_id.clone(),
                comments_until: change.comments_until.clone(),
                unreadable: Vec::new(),
            };
            let c = check(conn, &before.process_id, &fields)?;
            let mut after = before.clone();
            after.title = c.title;
            after.visibility = c.visibility.as_str().to_owned();
            if !keep_until {
                after.comments_until = c.comments_until;
            }
            after.updated_at = db::now();
            db::write_tx(conn, |conn| {
                q::update(conn, &after)?;
                crate::app::audit::record(
                    conn,
                    &caller,
                    "document",
                    &after.id,
                    Some(&after.process_id),
                    "updated",
                    Some(&before),
                    Some(&after),
                )?;
                let current = q::version(conn, &after.id, after.current_version)?
                    .ok_or_else(|| AppError::internal("a document without its newest version"))?;
                let letters = publish::version_letters(conn, &settings, &keys, &after, &current)?;
                for m in &letters {
                    crate::db::dialogues::enqueue(conn, m)?;
                }
                let view = views(conn, vec![after.clone()], &api_link)?
                    .pop()
                    .ok_or_else(|| AppError::internal("a document without its view"))?;
                Ok::<_, AppError>((view, letters.len()))
            })
        })
        .await?;
    if told > 0 {
        wake(ctx);
    }
    Ok(view)
}

/// The buyers delete a document: it is hidden and its bytes dropped; the record keeps every
/// version's hash.
pub async fn delete(ctx: &Context, caller: &Caller, id: &str) -> AppResult<()> {
    let (caller, id) = (caller.clone(), id.to_owned());
    ctx.db
        .run(move |conn| {
            let doc = for_buyer(conn, &caller, &id)?;
            db::write_tx(conn, |conn| {
                q::delete(conn, &id)?;
                crate::app::audit::record(
                    conn,
                    &caller,
                    "document",
                    &id,
                    Some(&doc.process_id),
                    "deleted",
                    Some(&doc),
                    None::<&()>,
                )?;
                Ok::<_, AppError>(())
            })
        })
        .await
}

/// An invitee comments on a draft through its link.
pub async fn comment(ctx: &Context, token: &str, new: NewComment) -> AppResult<CommentView> {
    let token = token.to_owned();
    ctx.db
        .run(move |conn| consultation::comment(conn, &token, new))
        .await
}

/// The comments an invitee sent, on every document of its event.
pub async fn own_comments(ctx: &Context, token: &str) -> AppResult<Vec<CommentView>> {
    let token = token.to_owned();
    ctx.db
        .run(move |conn| consultation::own(conn, &token, None))
        .await
}

/// Every comment on a document, for the buyers.
pub async fn all_comments(ctx: &Context, caller: &Caller, id: &str) -> AppResult<BuyerComments> {
    let (caller, id) = (caller.clone(), id.to_owned());
    ctx.db
        .run(move |conn| consultation::all(conn, &caller, &id))
        .await
}

/// A publication and how many invitees it was sent to.
#[derive(Debug, Serialize, ToSchema)]
pub struct Published {
    #[serde(flatten)]
    pub publication: PublishedText,
    /// Invitees it was queued to.
    pub sent_to: usize,
}

/// The buyers publish the response to a consultation.
pub async fn consultation_summary(
    ctx: &Context,
    caller: &Caller,
    id: &str,
    text: String,
) -> AppResult<Published> {
    let (caller, id) = (caller.clone(), id.to_owned());
    let (settings, keys) = (ctx.settings.clone(), ctx.tokens.clone());
    let (row, n) = ctx
        .db
        .run(move |conn| publish::consultation_summary(conn, &caller, &settings, &keys, &id, &text))
        .await?;
    wake(ctx);
    Ok(Published {
        publication: PublishedText::from(&row),
        sent_to: n,
    })
}

/// The buyers publish the minutes of an event.
pub async fn minutes(
    ctx: &Context,
    caller: &Caller,
    dialogue_id: &str,
    text: String,
) -> AppResult<Published> {
    let (caller, id) = (caller.clone(), dialogue_id.to_owned());
    let (settings, keys) = (ctx.settings.clone(), ctx.tokens.clone());
    let (row, n) = ctx
        .db
        .run(move |conn| publish::minutes(conn, &caller, &settings, &keys, &id, &text))
        .await?;
    wake(ctx);
    Ok(Published {
        publication: PublishedText::from(&row),
        sent_to: n,
    })
}

/// Who was told of a version or a publication, and when.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Told {
    pub recipient: String,
    /// `queued`, `sent` or `failed`.
    pub status: String,
    pub queued_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// One version of one of the event's documents in its record.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VersionRecord {
    pub document_id: String,
    pub title: String,
    pub visibility: String,
    /// When the document was deleted, if it was; its hashes stay here.
    pub deleted_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub file_name: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_at: DateTime<Utc>,
    pub told: Vec<Told>,
}

/// One publication of the event in its record.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicationRecord {
    #[serde(flatten)]
    pub publication: PublishedText,
    pub told: Vec<Told>,
}

/// The documents and publications of an event, for its record: every version's hash and every
/// publication's, each with who was told of it and when.
pub fn record(
    conn: &mut db::DbConn,
    dialogue_id: &str,
) -> AppResult<(Vec<VersionRecord>, Vec<PublicationRecord>)> {
    let docs = q::of_dialogue(conn, dialogue_id)?;
    let ids: Vec<String> = docs.iter().map(|d| d.id.clone()).collect();
    let versions = q::versions(conn, &ids)?;
    let pubs = q::publications(conn, dialogue_id)?;
    let about: Vec<String> = versions
        .iter()
        .map(|v| v.id.clone())
        .chain(pubs.iter().map(|p| p.id.clone()))
        .collect();
    let told = q::told(conn, &about)?;
    let told_of = |id: &str| -> Vec<Told> {
        told.iter()
            .filter(|t| t.0 == id)
            .map(|t| Told {
                recipient: t.1.clone(),
                status: t.2.clone(),
                queued_at: t.3.and_utc(),
                sent_at: t.4.map(|s| s.and_utc()),
            })
            .collect()
    };
    let version_records = versions
        .iter()
        .filter_map(|v| {
            let doc = docs.iter().find(|d| d.id == v.document_id)?;
            Some(VersionRecord {
                document_id: doc.id.clone(),
                title: doc.title.clone(),
                visibility: doc.visibility.clone(),
                deleted_at: doc.deleted_at.map(|t| t.and_utc()),
                version: v.version,
                file_name: v.file_name.clone(),
                size: v.size,
                sha256: v.sha256.clone(),
                uploaded_at: v.created_at.and_utc(),
                told: told_of(&v.id),
            })
        })
        .collect();
    let pub_records = pubs
        .iter()
        .map(|p| PublicationRecord {
            publication: PublishedText::from(p),
            told: told_of(&p.id),
        })
        .collect();
    Ok((version_records, pub_records))
}

/// What the public event page shows: the public documents and the published texts.
pub fn public_of_event(
    conn: &mut db::DbConn,
    dialogue_id: &str,
) -> AppResult<(Vec<DocumentView>, Vec<PublishedText>)> {
    let docs = super::of_event(conn, &Reader::Outsider, dialogue_id, &api_link)?;
    let pubs = q::publications(conn, dialogue_id)?
        .iter()
        .map(PublishedText::from)
        .collect();
    Ok((docs, pubs))
}
