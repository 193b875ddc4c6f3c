//! Files over HTTP, for the API and the pages alike: reading a `multipart/form-data` upload into
//! the documents service as it streams, and sending a version back as an attachment.

use std::collections::HashMap;

use actix_multipart::{Field, Multipart, MultipartError};
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::{StreamExt, TryStreamExt};

use crate::app::documents::download::Download;
use crate::app::documents::upload::{DocumentFields, Target, Upload};
use crate::app::Context;
use crate::caller::Caller;
use crate::domain::{Invalid, Problem};
use crate::error::AppError;

/// The text fields of a form may be at most this long.
const TEXT_LIMIT: usize = 64 * 1024;

fn multipart_error(e: MultipartError) -> AppError {
    match e {
        MultipartError::ContentTypeMissing
        | MultipartError::ContentTypeParse
        | MultipartError::ContentTypeIncompatible
        | MultipartError::BoundaryMissing => AppError::Unsupported {
            field: "body".into(),
            message:
                "send the file as multipart/form-data with the fields file, title and visibility"
                    .into(),
        },
        other => AppError::validation("body", format!("the upload could not be read: {other}")),
    }
}

async fn read_text(field: &mut Field) -> Result<String, AppError> {
    let name = field.name().unwrap_or("").to_owned();
    let mut bytes = Vec::new();
    while let Some(chunk) = field.next().await {
        bytes.extend_from_slice(&chunk.map_err(multipart_error)?);
        if bytes.len() > TEXT_LIMIT {
            return Err(AppError::TooLarge {
                field: name,
                message: format!("a text field may be at most {TEXT_LIMIT} bytes"),
            });
        }
    }
    String::from_utf8(bytes)
        .map_err(|_| AppError::invalid(name, Problem::BadFormat, "the field must be UTF-8 text"))
}

/// Reads what is left of a refused upload, so the client gets the answer rather than a reset
/// connection; a body far over the limit is cut off instead.
async fn drain(payload: &mut Multipart, mut budget: u64) {
    while let Some(Ok(mut field)) = payload.next().await {
        while let Some(Ok(chunk)) = field.next().await {
            budget = budget.saturating_sub(chunk.len() as u64);
            if budget == 0 {
                return;
            }
        }
    }
}

/// Reads a multipart upload into the documents service: the text fields into
/// [`DocumentFields`], the field `file` chunk by chunk into an [`Upload`]. `before_file` sees
/// the text fields sent before the file (the pages check their CSRF token there), and may refuse
/// before a byte of the file is stored. Returns the document's id.
pub async fn receive(
    state: &Context,
    req: &HttpRequest,
    caller: &Caller,
    target: Target,
    mut payload: Multipart,
    mut before_file: impl FnMut(&HashMap<String, String>) -> Result<(), AppError>,
) -> Result<String, AppError> {
    let limit = state.settings.max_document_bytes;
    // A body announced far over the limit is refused before it is read.
    let announced = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > limit.saturating_mul(2) + TEXT_LIMIT as u64 * 8) {
        return Err(too_large(limit));
    }
    let mut texts: HashMap<String, String> = HashMap::new();
    let mut upload: Option<Upload> = None;
    while let Some(item) = payload.next().await {
        let mut field = item.map_err(multipart_error)?;
        let name = field.name().unwrap_or("").to_owned();
        if name != "file" {
            let value = read_text(&mut field).await?;
            texts.insert(name, value);
            continue;
        }
        if upload.is_some() {
            return Err(AppError::validation("file", "send one file per upload"));
        }
        before_file(&texts)?;
        let mut up = Upload::begin(state, caller, target.clone()).await?;
        if let Some(file_name) = field.content_disposition().and_then(|cd| cd.get_filename()) {
            up.set_file_name(file_name);
        }
        loop {
            let chunk = match field.try_next().await {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break,
                Err(e) => return Err(multipart_error(e)),
            };
            if let Err(e) = up.write(&chunk).await {
                drop(field);
                drain(&mut payload, limit.saturating_mul(2)).await;
                return Err(e);
            }
        }
        upload = Some(up);
    }
    let up = upload.ok_or_else(|| {
        AppError::invalid(
            "file",
            Problem::Required,
            "choose a file: send it in the field file",
        )
    })?;
    let mut unreadable = Vec::new();
    for key in texts.keys() {
        if !matches!(
            key.as_str(),
            "title" | "visibility" | "dialogue_id" | "comments_until" | "csrf"
        ) {
            unreadable.push(Invalid::because(
                key.clone(),
                Problem::NotAllowed,
                format!("{key} is not a field of a document; send file, title, visibility, dialogue_id or comments_until"),
            ));
        }
    }
    let fields = DocumentFields {
        title: texts.remove("title"),
        visibility: texts.remove("visibility"),
        dialogue_id: texts.remove("dialogue_id"),
        comments_until: texts.remove("comments_until"),
        unreadable,
    };
    up.finish(state, caller, fields).await
}

fn too_large(limit: u64) -> AppError {
    AppError::TooLarge {
        field: "file".into(),
        message: format!(
            "file is larger than the limit of {} MB; split it or compress it",
            limit / (1024 * 1024)
        ),
    }
}

/// `Content-Disposition: attachment` with the file name twice: an ASCII fallback for old
/// clients and the exact name in RFC 5987 encoding, so no name can break the header.
pub fn content_disposition(file_name: &str) -> String {
    let ascii: String = file_name
        .chars()
        .map(|c| match c {
            ' '..='~' if c != '"' && c != '\\' && c != '%' => c,
            _ => '_',
        })
        .collect();
    let encoded: String = file_name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// A version as an attachment: streamed chunk by chunk, with its SHA-256 as the `ETag`; 304
/// when the client has it already.
pub fn send(req: &HttpRequest, state: &web::Data<Context>, d: Download) -> HttpResponse {
    let etag = format!("\"{}\"", d.sha256);
    let cached = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut response = if cached {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, etag))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        // Access is checked per request, so no shared cache may keep it.
        .insert_header((header::CACHE_CONTROL, "private, no-cache"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; sandbox",
        ))
        .insert_header(("X-Document-Version", d.version.to_string()));
    if cached {
        return response.finish();
    }
    response
        .content_type(d.content_type.clone())
        .insert_header((
            header::CONTENT_DISPOSITION,
            content_disposition(&d.file_name),
        ))
        .no_chunking(d.size as u64)
        .streaming(d.bytes(state.db.clone()).map(|r| r.map(web::Bytes::from)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_cannot_break_the_header() {
        assert_eq!(
            content_disposition("utkast \"v2\".pdf"),
            "attachment; filename=\"utkast _v2_.pdf\"; filename*=UTF-8''utkast%20%22v2%22.pdf"
        );
        assert_eq!(
            content_disposition("Høring å.docx"),
            "attachment; filename=\"H_ring _.docx\"; filename*=UTF-8''H%C3%B8ring%20%C3%A5.docx"
        );
    }
}
