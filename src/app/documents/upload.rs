//! A file as it streams in. [`Upload`] takes the bytes chunk by chunk from the front door: it
//! counts them against the size limit, hashes them, tells their type from the content, and
//! writes them to the database in chunks of 1 MiB, so one upload holds at most about 1 MiB in
//! memory. The chunks only become a version when the whole file is in and accepted; a file
//! over the limit, of a refused type, or cut off leaves nothing behind.

use sha2::{Digest, Sha256};

use super::{for_buyer, publish, use_cases::wake, Visibility};
use crate::app::dialogues::parse_time;
use crate::app::Context;
use crate::caller::Caller;
use crate::db::documents::{self as q, DocumentRow, VersionRow};
use crate::db::{self, Db, DbConn};
use crate::domain::file_type::{safe_file_name, Sniffer, ACCEPTED};
use crate::domain::{self, Invalid, Problem};
use crate::error::{all_valid, AppError, AppResult, Clash};

/// Bytes per stored chunk.
pub const CHUNK: usize = 1024 * 1024;

/// Where an upload goes: a new document of a process, or a new version of a document.
#[derive(Debug, Clone)]
pub enum Target {
    /// A new document in this process.
    Process(String),
    /// A new version of this document.
    Document(String),
}

/// The fields that come with a new document, as given.
#[derive(Debug, Clone, Default)]
pub struct DocumentFields {
    pub title: Option<String>,
    pub visibility: Option<String>,
    pub dialogue_id: Option<String>,
    pub comments_until: Option<String>,
    /// Fields the front door could not read.
    pub unreadable: Vec<Invalid>,
}

/// A title or section: one line, without control characters.
pub(super) fn one_line(field: &'static str, value: &str, max: usize) -> Result<String, Invalid> {
    let value = domain::text(field, value, max)?;
    if value.contains(['\n', '\r', '\t']) {
        return Err(Invalid::because(
            field,
            Problem::ControlCharacters,
            format!("{field} must be one line"),
        ));
    }
    Ok(value)
}

/// The checked fields of a document.
pub(super) struct Checked {
    pub title: String,
    pub visibility: Visibility,
    pub dialogue_id: Option<String>,
    pub comments_until: Option<chrono::NaiveDateTime>,
}

/// Checks a document's fields against its process: the event must be one of the process's,
/// `invitees` and a consultation need an event, and a consultation must end in the future.
pub(super) fn check(
    conn: &mut DbConn,
    process_id: &str,
    f: &DocumentFields,
) -> Result<Checked, AppError> {
    let dialogue = match f
        .dialogue_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => Ok(None),
        Some(id) => match crate::db::dialogues::find(conn, id)? {
            Some(d) if d.process_id == process_id => Ok(Some(d.id)),
            _ => Err(Invalid::because(
                "dialogue_id",
                Problem::NotAllowed,
                "dialogue_id must be an event of this process",
            )),
        },
    };
    let visibility = Visibility::parse(f.visibility.as_deref().unwrap_or("buyers").trim());
    let needs_event = match (&visibility, &dialogue) {
        (Ok(Visibility::Invitees), Ok(None)) => Err(Invalid::because(
            "dialogue_id",
            Problem::Required,
            "a document for invitees needs dialogue_id: the event whose invitees see it",
        )),
        _ => Ok(()),
    };
    let until = match f
        .comments_until
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => Ok(None),
        Some(t) => parse_time("comments_until", t).and_then(|t| {
            if t <= db::now() {
                Err(Invalid::because(
                    "comments_until",
                    Problem::OutOfRange,
                    "comments_until must be in the future",
                ))
            } else {
                Ok(Some(t))
            }
        }),
    };
    let consultation = match (&until, &dialogue) {
        (Ok(Some(_)), Ok(None)) => Err(Invalid::because(
            "comments_until",
            Problem::NotAllowed,
            "a consultation belongs to an event: give dialogue_id as well",
        )),
        _ => Ok(()),
    };
    all_valid! {
        let title = one_line("title", f.title.as_deref().unwrap_or(""), 200);
        let visibility = visibility;
        let dialogue_id = dialogue;
        let comments_until = until;
        let _event = needs_event;
        let _consultation = consultation;
        let _unread = match f.unreadable.is_empty() {
            true => Ok(()),
            false => Err(AppError::Validation(f.unreadable.clone())),
        };
    }
    Ok(Checked {
        title,
        visibility,
        dialogue_id,
        comments_until,
    })
}

/// A file being received. Dropped before [`Upload::finish`], it deletes what it stored.
pub struct Upload {
    db: Db,
    target: Target,
    process_id: String,
    blob_id: String,
    seq: i64,
    buf: Vec<u8>,
    hasher: Sha256,
    size: u64,
    limit: u64,
    sniffer: Sniffer,
    file_name: String,
    done: bool,
}

impl Upload {
    /// Starts an upload, once the caller is known to be one of the process's buyers.
    pub async fn begin(ctx: &Context, caller: &Caller, target: Target) -> AppResult<Upload> {
        let (caller, t) = (caller.clone(), target.clone());
        let (blob_id, process_id) = ctx
            .db
            .run(move |conn| {
                let process_id = match &t {
                    Target::Process(id) => {
                        crate::app::dialogues::require_buyer(conn, &caller, id)?.id
                    }
                    Target::Document(id) => for_buyer(conn, &caller, id)?.process_id,
                };
                // Uploads cut off more than an hour ago will never finish.
                for stale in q::stale_blobs(conn, db::now() - chrono::TimeDelta::hours(1))? {
                    q::delete_blob(conn, &stale)?;
                }
                let blob = db::new_id();
                q::begin_blob(conn, &blob)?;
                Ok::<_, AppError>((blob, process_id))
            })
            .await?;
        Ok(Upload {
            db: ctx.db.clone(),
            target,
            process_id,
            blob_id,
            seq: 0,
            buf: Vec::with_capacity(CHUNK),
            hasher: Sha256::new(),
            size: 0,
            limit: ctx.settings.max_document_bytes,
            sniffer: Sniffer::new(),
            file_name: String::new(),
            done: false,
        })
    }

    /// The process the upload belongs to.
    pub fn process_id(&self) -> &str {
        &self.process_id
    }

    /// The file's name as the client gave it; stored made safe.
    pub fn set_file_name(&mut self, name: &str) {
        self.file_name = safe_file_name(name, "");
    }

    /// Takes the next bytes of the file: 413 past the limit, 415 as soon as the head shows a
    /// refused type.
    pub async fn write(&mut self, bytes: &[u8]) -> AppResult<()> {
        self.size += bytes.len() as u64;
        if self.size > self.limit {
            return Err(AppError::TooLarge {
                field: "file".into(),
                message: format!(
                    "file is larger than the limit of {} MB; split it or compress it",
                    self.limit / (1024 * 1024)
                ),
            });
        }
        self.sniffer.feed(bytes);
        if self.sniffer.refused_early() {
            return Err(unsupported());
        }
        self.hasher.update(bytes);
        // The buffer never grows past one chunk, so an upload holds at most one chunk and the
        // one being written, whatever the size of the file or of the pieces it arrives in.
        let mut rest = bytes;
        while !rest.is_empty() {
            let room = CHUNK - self.buf.len();
            let (now, later) = rest.split_at(room.min(rest.len()));
            self.buf.extend_from_slice(now);
            rest = later;
            if self.buf.len() == CHUNK {
                let full = std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK));
                self.store(full).await?;
            }
        }
        Ok(())
    }

    async fn store(&mut self, chunk: Vec<u8>) -> AppResult<()> {
        let (blob, seq) = (self.blob_id.clone(), self.seq);
        self.seq += 1;
        self.db
            .run(move |conn| q::append_chunk(conn, &blob, seq, &chunk).map_err(AppError::from))
            .await
    }

    /// Ends the upload: stores the last chunk, checks the type and the fields, and makes the
    /// file a document (or a new version) in one transaction, telling the invitees who should
    /// know. Returns the document's id.
    pub async fn finish(
        mut self,
        ctx: &Context,
        caller: &Caller,
        fields: DocumentFields,
    ) -> AppResult<String> {
        let Some(kind) = self.sniffer.finish() else {
            return Err(if self.size == 0 {
                AppError::invalid("file", Problem::Required, "choose a file to upload")
            } else {
                unsupported()
            });
        };
        let rest = std::mem::take(&mut self.buf);
        if !rest.is_empty() {
            self.store(rest).await?;
        }
        let sha256 = hex::encode(std::mem::take(&mut self.hasher).finalize());
        let file_name = match self.file_name.as_str() {
            "" => format!("dokument.{}", kind.extension()),
            name => name.to_owned(),
        };
        let version = VersionRow {
            id: db::new_id(),
            document_id: String::new(),
            version: 1,
            blob_id: Some(self.blob_id.clone()),
            file_name,
            content_type: kind.content_type().to_owned(),
            size: self.size as i64,
            sha256,
            uploaded_by: Some(caller.account_id.clone()),
            created_at: db::now(),
        };
        let (caller, target, process_id) =
            (caller.clone(), self.target.clone(), self.process_id.clone());
        let (settings, keys) = (ctx.settings.clone(), ctx.tokens.clone());
        let blob = self.blob_id.clone();
        let (id, told) = ctx
            .db
            .run(move |conn| {
                let new = match &target {
                    Target::Process(_) => Some(check(conn, &process_id, &fields)?),
                    Target::Document(_) => None,
                };
                db::write_tx(conn, |conn| {
                    if !q::complete_blob(conn, &blob, version.size)? {
                        return Err(AppError::clash(
                            Some("file"),
                            Clash::UploadExpired,
                            "the upload took too long and was discarded; upload it again",
                        ));
                    }
                    let (doc, version) = match (&target, new) {
                        (Target::Process(_), Some(c)) => {
                            new_document(conn, &caller, &process_id, c, version)?
                        }
                        (Target::Document(id), _) => new_version(conn, &caller, id, version)?,
                        (Target::Process(_), None) => unreachable!("checked above"),
                    };
                    let letters = publish::version_letters(conn, &settings, &keys, &doc, &version)?;
                    for m in &letters {
                        crate::db::dialogues::enqueue(conn, m)?;
                    }
                    Ok::<_, AppError>((doc.id, letters.len()))
                })
            })
            .await?;
        self.done = true;
        if told > 0 {
            wake(ctx);
        }
        Ok(id)
    }
}

fn unsupported() -> AppError {
    AppError::Unsupported {
        field: "file".into(),
        message: format!("file must be {ACCEPTED}, told by its content, not its name"),
    }
}

fn new_document(
    conn: &mut DbConn,
    caller: &Caller,
    process_id: &str,
    c: Checked,
    mut version: VersionRow,
) -> AppResult<(DocumentRow, VersionRow)> {
    let now = db::now();
    let doc = DocumentRow {
        id: db::new_id(),
        process_id: process_id.to_owned(),
        dialogue_id: c.dialogue_id,
        title: c.title,
        visibility: c.visibility.as_str().to_owned(),
        comments_until: c.comments_until,
        current_version: 1,
        created_by: Some(caller.account_id.clone()),
        created_at: now,
        updated_at: now,
        deleted_at: None,
    };
    version.document_id = doc.id.clone();
    q::insert(conn, &doc)?;
    q::insert_version(conn, &version)?;
    crate::app::audit::record(
        conn,
        caller,
        "document",
        &doc.id,
        Some(process_id),
        "created",
        None::<&()>,
        Some(&serde_json::json!({"document": &doc, "version": &version})),
    )?;
    Ok((doc, version))
}

fn new_version(
    conn: &mut DbConn,
    caller: &Caller,
    id: &str,
    mut version: VersionRow,
) -> AppResult<(DocumentRow, VersionRow)> {
    let mut doc = q::find(conn, id)?
        .filter(|d| d.deleted_at.is_none())
        .ok_or_else(|| AppError::not_found("no document has this id"))?;
    if !q::bump_version(conn, id, doc.current_version)? {
        return Err(AppError::clash(
            Some("file"),
            Clash::ChangedMeanwhile,
            "another version was uploaded at the same moment; reload and try again",
        ));
    }
    doc.current_version += 1;
    version.document_id = doc.id.clone();
    version.version = doc.current_version;
    q::insert_version(conn, &version)?;
    crate::app::audit::record(
        conn,
        caller,
        "document",
        &doc.id,
        Some(&doc.process_id),
        "version_added",
        None::<&()>,
        Some(&version),
    )?;
    Ok((doc, version))
}

impl Drop for Upload {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        // Refused or cut off: what was stored goes. Anything this misses (a crash) is swept
        // by the next upload after an hour.
        let (db, blob) = (self.db.clone(), self.blob_id.clone());
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            handle.spawn(async move {
                let _ = db
                    .run(move |conn| q::delete_blob(conn, &blob).map_err(AppError::from))
                    .await;
            });
        }
    }
}
