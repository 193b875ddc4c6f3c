//! Queries on documents, their versions and bytes, consultation comments and publications.

use diesel::prelude::*;

use super::schema::{
    document_blobs, document_chunks, document_comments, document_versions, documents, outbox,
    publications,
};
use super::DbConn;

/// A document of a process.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = documents)]
pub struct DocumentRow {
    pub id: String,
    pub process_id: String,
    pub dialogue_id: Option<String>,
    pub title: String,
    /// `buyers`, `invitees` or `public`.
    pub visibility: String,
    pub comments_until: Option<chrono::NaiveDateTime>,
    pub current_version: i64,
    pub created_by: Option<String>,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
    pub deleted_at: Option<chrono::NaiveDateTime>,
}

/// One version of a document: what was uploaded, with its hash.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = document_versions)]
pub struct VersionRow {
    pub id: String,
    pub document_id: String,
    pub version: i64,
    pub blob_id: Option<String>,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_by: Option<String>,
    pub created_at: chrono::NaiveDateTime,
}

/// A comment of an invitee on a version of a draft.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = document_comments)]
pub struct CommentRow {
    pub id: String,
    pub document_id: String,
    pub version: i64,
    pub invitation_id: String,
    pub section: String,
    pub text: String,
    pub created_at: chrono::NaiveDateTime,
}

/// A consultation summary or the minutes of an event, as published.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = publications)]
pub struct PublicationRow {
    pub id: String,
    pub dialogue_id: String,
    pub document_id: Option<String>,
    /// `consultation_summary` or `minutes`.
    pub kind: String,
    pub text: String,
    pub sha256: String,
    pub published_by: Option<String>,
    pub published_at: chrono::NaiveDateTime,
}

/// Starts a blob that chunks are then appended to; it stays incomplete until a version takes it.
pub fn begin_blob(conn: &mut DbConn, id: &str) -> QueryResult<()> {
    diesel::insert_into(document_blobs::table)
        .values((
            document_blobs::id.eq(id),
            document_blobs::size.eq(0_i64),
            document_blobs::complete.eq(false),
            document_blobs::created_at.eq(super::now()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Appends one chunk to a blob.
pub fn append_chunk(conn: &mut DbConn, blob_id: &str, seq: i64, data: &[u8]) -> QueryResult<()> {
    diesel::insert_into(document_chunks::table)
        .values((
            document_chunks::blob_id.eq(blob_id),
            document_chunks::seq.eq(seq),
            document_chunks::data.eq(data),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Marks a blob complete with its size; false when it is gone (swept or aborted).
pub fn complete_blob(conn: &mut DbConn, blob_id: &str, size: i64) -> QueryResult<bool> {
    diesel::update(document_blobs::table.find(blob_id))
        .set((
            document_blobs::complete.eq(true),
            document_blobs::size.eq(size),
        ))
        .execute(conn)
        .map(|n| n == 1)
}

/// Deletes a blob and its chunks.
pub fn delete_blob(conn: &mut DbConn, blob_id: &str) -> QueryResult<()> {
    // Chunks first: SQLite only cascades with foreign keys switched on.
    diesel::delete(document_chunks::table.filter(document_chunks::blob_id.eq(blob_id)))
        .execute(conn)?;
    diesel::delete(document_blobs::table.find(blob_id))
        .execute(conn)
        .map(|_| ())
}

/// Incomplete blobs started before `before`: uploads that were cut off.
pub fn stale_blobs(conn: &mut DbConn, before: chrono::NaiveDateTime) -> QueryResult<Vec<String>> {
    document_blobs::table
        .filter(document_blobs::complete.eq(false))
        .filter(document_blobs::created_at.lt(before))
        .select(document_blobs::id)
        .load(conn)
}

/// The sequence numbers of a blob's chunks, in order.
pub fn chunk_seqs(conn: &mut DbConn, blob_id: &str) -> QueryResult<Vec<i64>> {
    document_chunks::table
        .filter(document_chunks::blob_id.eq(blob_id))
        .order(document_chunks::seq.asc())
        .select(document_chunks::seq)
        .load(conn)
}

/// One chunk's bytes.
pub fn chunk(conn: &mut DbConn, blob_id: &str, seq: i64) -> QueryResult<Option<Vec<u8>>> {
    document_chunks::table
        .find((blob_id, seq))
        .select(document_chunks::data)
        .first(conn)
        .optional()
}

/// Inserts a document.
pub fn insert(conn: &mut DbConn, row: &DocumentRow) -> QueryResult<()> {
    diesel::insert_into(documents::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// Inserts a version.
pub fn insert_version(conn: &mut DbConn, row: &VersionRow) -> QueryResult<()> {
    diesel::insert_into(document_versions::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// A document by id, deleted or not.
pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<DocumentRow>> {
    documents::table
        .find(id)
        .select(DocumentRow::as_select())
        .first(conn)
        .optional()
}

/// The documents of a process that are not deleted, oldest first.
pub fn of_process(conn: &mut DbConn, process_id: &str) -> QueryResult<Vec<DocumentRow>> {
    documents::table
        .filter(documents::process_id.eq(process_id))
        .filter(documents::deleted_at.is_null())
        .order((documents::created_at.asc(), documents::id.asc()))
        .select(DocumentRow::as_select())
        .load(conn)
}

/// The documents of an event, deleted ones too (the record keeps them).
pub fn of_dialogue(conn: &mut DbConn, dialogue_id: &str) -> QueryResult<Vec<DocumentRow>> {
    documents::table
        .filter(documents::dialogue_id.eq(dialogue_id))
        .order((documents::created_at.asc(), documents::id.asc()))
        .select(DocumentRow::as_select())
        .load(conn)
}

/// Every version of the given documents, by document and version.
pub fn versions(conn: &mut DbConn, document_ids: &[String]) -> QueryResult<Vec<VersionRow>> {
    document_versions::table
        .filter(document_versions::document_id.eq_any(document_ids))
        .order((
            document_versions::document_id.asc(),
            document_versions::version.asc(),
        ))
        .select(VersionRow::as_select())
        .load(conn)
}

/// One version of a document.
pub fn version(conn: &mut DbConn, document_id: &str, n: i64) -> QueryResult<Option<VersionRow>> {
    document_versions::table
        .filter(document_versions::document_id.eq(document_id))
        .filter(document_versions::version.eq(n))
        .select(VersionRow::as_select())
        .first(conn)
        .optional()
}

/// Raises a document's current version from `from` to `from + 1`; false when another upload
/// came first, so two concurrent versions cannot both become number `from + 1`.
pub fn bump_version(conn: &mut DbConn, id: &str, from: i64) -> QueryResult<bool> {
    diesel::update(
        documents::table
            .filter(documents::id.eq(id))
            .filter(documents::current_version.eq(from)),
    )
    .set((
        documents::current_version.eq(from + 1),
        documents::updated_at.eq(super::now()),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// Changes a document's title, visibility and consultation deadline.
pub fn update(conn: &mut DbConn, row: &DocumentRow) -> QueryResult<()> {
    diesel::update(documents::table.find(&row.id))
        .set((
            documents::title.eq(&row.title),
            documents::visibility.eq(&row.visibility),
            documents::comments_until.eq(row.comments_until),
            documents::updated_at.eq(row.updated_at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Hides a document and drops its bytes; the versions keep their hashes.
pub fn delete(conn: &mut DbConn, id: &str) -> QueryResult<()> {
    let now = super::now();
    diesel::update(documents::table.find(id))
        .set((documents::deleted_at.eq(now), documents::updated_at.eq(now)))
        .execute(conn)?;
    let blobs: Vec<Option<String>> = document_versions::table
        .filter(document_versions::document_id.eq(id))
        .select(document_versions::blob_id)
        .load(conn)?;
    diesel::update(document_versions::table.filter(document_versions::document_id.eq(id)))
        .set(document_versions::blob_id.eq(None::<String>))
        .execute(conn)?;
    for blob in blobs.into_iter().flatten() {
        delete_blob(conn, &blob)?;
    }
    Ok(())
}

/// Inserts a comment.
pub fn insert_comment(conn: &mut DbConn, row: &CommentRow) -> QueryResult<()> {
    diesel::insert_into(document_comments::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// The comments on a document, of one invitation or all, oldest first.
pub fn comments(
    conn: &mut DbConn,
    document_id: &str,
    invitation_id: Option<&str>,
) -> QueryResult<Vec<CommentRow>> {
    let mut query = document_comments::table
        .filter(document_comments::document_id.eq(document_id))
        .into_boxed();
    if let Some(inv) = invitation_id {
        query = query.filter(document_comments::invitation_id.eq(inv.to_owned()));
    }
    query
        .order((
            document_comments::created_at.asc(),
            document_comments::id.asc(),
        ))
        .select(CommentRow::as_select())
        .load(conn)
}

/// Inserts a publication; a unique index refuses a second summary of one document or second
/// minutes of one event.
pub fn insert_publication(conn: &mut DbConn, row: &PublicationRow) -> QueryResult<()> {
    diesel::insert_into(publications::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// The publications of an event, oldest first.
pub fn publications(conn: &mut DbConn, dialogue_id: &str) -> QueryResult<Vec<PublicationRow>> {
    publications::table
        .filter(publications::dialogue_id.eq(dialogue_id))
        .order(publications::published_at.asc())
        .select(PublicationRow::as_select())
        .load(conn)
}

/// The consultation summary of a document, if published.
pub fn summary_of(conn: &mut DbConn, document_id: &str) -> QueryResult<Option<PublicationRow>> {
    publications::table
        .filter(publications::document_id.eq(document_id))
        .filter(publications::kind.eq("consultation_summary"))
        .select(PublicationRow::as_select())
        .first(conn)
        .optional()
}

/// Who was told of each of the given versions or publications: (about, recipient, status,
/// queued, sent).
pub type Told = (
    String,
    String,
    String,
    chrono::NaiveDateTime,
    Option<chrono::NaiveDateTime>,
);

/// The messages that told of the given versions or publications.
pub fn told(conn: &mut DbConn, about: &[String]) -> QueryResult<Vec<Told>> {
    outbox::table
        .filter(outbox::about_id.eq_any(about))
        .order((outbox::created_at.asc(), outbox::recipient.asc()))
        .select((
            outbox::about_id.assume_not_null(),
            outbox::recipient,
            outbox::status,
            outbox::created_at,
            outbox::sent_at,
        ))
        .load(conn)
}
