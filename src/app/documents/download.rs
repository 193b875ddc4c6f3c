//! A version's bytes, read chunk by chunk so a download holds one chunk in memory at a time.

use futures_util::stream::{self, Stream};

use super::{readable, Reader};
use crate::db::documents as q;
use crate::db::{Db, DbConn};
use crate::error::AppError;

/// A version ready to be sent.
#[derive(Debug, Clone)]
pub struct Download {
    pub version: i64,
    /// Safe to send back: no path, no control characters.
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    /// The SHA-256 of the bytes, which is also the download's `ETag`.
    pub sha256: String,
    blob_id: String,
    seqs: Vec<i64>,
}

/// The newest version of a document, or `version`, for a reader that may see it; 404 otherwise.
pub fn open(
    conn: &mut DbConn,
    reader: &Reader,
    id: &str,
    version: Option<i64>,
) -> Result<Download, AppError> {
    let doc = readable(conn, reader, id)?;
    let n = version.unwrap_or(doc.current_version);
    let v = q::version(conn, &doc.id, n)?
        .ok_or_else(|| AppError::not_found(format!("the document has no version {n}")))?;
    let blob_id = v
        .blob_id
        .ok_or_else(|| AppError::not_found("the file of this version was deleted"))?;
    let seqs = q::chunk_seqs(conn, &blob_id)?;
    Ok(Download {
        version: v.version,
        file_name: v.file_name,
        content_type: v.content_type,
        size: v.size,
        sha256: v.sha256,
        blob_id,
        seqs,
    })
}

impl Download {
    /// The bytes, one stored chunk at a time, each read off the async executor.
    pub fn bytes(self, db: Db) -> impl Stream<Item = Result<Vec<u8>, AppError>> {
        let blob = self.blob_id;
        stream::unfold(
            (self.seqs.into_iter(), db, blob),
            |(mut seqs, db, blob)| async move {
                let seq = seqs.next()?;
                let b = blob.clone();
                let chunk = db
                    .run(move |conn| q::chunk(conn, &b, seq).map_err(AppError::from))
                    .await
                    .and_then(|c| {
                        c.ok_or_else(|| AppError::not_found("the file was deleted meanwhile"))
                    });
                Some((chunk, (seqs, db, blob)))
            },
        )
    }
}
