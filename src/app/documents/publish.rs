//! What the buyers publish to every invitee of an event: a document's new version, the response
//! to a consultation, and the minutes. Each goes by email to every invitee whose invitation was
//! delivered, once each, with a link and never as an attachment; each email is kept in the
//! outbox with its SHA-256 and what it told of, so the event's record shows who was told of
//! which hash, and when.

use std::collections::HashSet;

use sha2::{Digest, Sha256};

use super::{for_buyer, Visibility, DELIVERED};
use crate::app::dialogues::letters::{addressees, lang_of};
use crate::app::dialogues::{host, require_buyer};
use crate::auth::tokens::TokenKeys;
use crate::caller::Caller;
use crate::db::dialogues::{DialogueRow, OutboxRow};
use crate::db::documents::{self as q, DocumentRow, PublicationRow, VersionRow};
use crate::db::{self, DbConn};
use crate::domain::{self, Lang};
use crate::error::{AppError, Clash};
use crate::mail;
use crate::settings::Settings;

/// A size as people read it: `2,4 MB` in Bokmål, `2.4 MB` in English.
pub fn size_text(bytes: i64, lang: Lang) -> String {
    let (value, unit) = match bytes {
        b if b >= 1024 * 1024 => (b as f64 / (1024.0 * 1024.0), "MB"),
        b if b >= 1024 => (b as f64 / 1024.0, "kB"),
        b => return format!("{b} B"),
    };
    let text = format!("{value:.1} {unit}");
    match lang {
        Lang::Nb => text.replace('.', ","),
        Lang::En => text,
    }
}

/// One email to every delivered invitee of `d` not yet told of `about`, each with its own
/// answer link; `values` gets `link`, the invitee's address for the thing told of, built from
/// the answer link.
#[allow(clippy::too_many_arguments)]
fn letters(
    conn: &mut DbConn,
    settings: &Settings,
    keys: &TokenKeys,
    d: &DialogueRow,
    kind: &str,
    about: &str,
    values: &[(&str, String)],
    link: &dyn Fn(&str) -> String,
) -> Result<Vec<OutboxRow>, AppError> {
    let lang = lang_of(d);
    let host = host(settings);
    let mut told: HashSet<String> = q::told(conn, &[about.to_owned()])?
        .into_iter()
        .map(|t| t.1.to_lowercase())
        .collect();
    let mut out = Vec::new();
    for (inv, name) in addressees(conn, d, DELIVERED)? {
        // One address invited twice still hears once.
        if !told.insert(inv.email.to_lowercase()) {
            continue;
        }
        let answer_url = format!(
            "{}/rsvp/{}",
            settings.public_url,
            keys.link_token("rsvp", &inv.id)
        );
        let message_id = format!("<{kind}-{about}-{}@{host}>", inv.id);
        let mut all: Vec<(&str, String)> = values.to_vec();
        all.push(("supplier", name));
        all.push(("event", d.title.clone()));
        all.push(("answer_url", answer_url.clone()));
        all.push(("link", link(&answer_url)));
        all.push((
            "event_url",
            format!("{}/dialogues/{}", settings.public_url, d.id),
        ));
        let rendered = mail::render_template(
            kind,
            lang,
            &settings.mail_from,
            &inv.email,
            &message_id,
            &all,
        )
        .map_err(AppError::Internal)?;
        out.push(
            OutboxRow::queued(
                db::new_id(),
                kind,
                Some(&inv.id),
                Some(&d.id),
                &inv.email,
                message_id,
                rendered,
            )
            .about(about),
        );
    }
    Ok(out)
}

/// The letters telling an event's delivered invitees of a version they may read; none for a
/// document only the buyers see.
pub(super) fn version_letters(
    conn: &mut DbConn,
    settings: &Settings,
    keys: &TokenKeys,
    doc: &DocumentRow,
    version: &VersionRow,
) -> Result<Vec<OutboxRow>, AppError> {
    let Some(dialogue_id) = &doc.dialogue_id else {
        return Ok(Vec::new());
    };
    if doc.visibility == Visibility::Buyers.as_str() || doc.deleted_at.is_some() {
        return Ok(Vec::new());
    }
    let d = crate::app::dialogues::get(conn, dialogue_id)?;
    if d.cancelled_at.is_some() {
        return Ok(Vec::new());
    }
    let lang = lang_of(&d);
    let until = doc
        .comments_until
        .map(crate::app::dialogues::format_oslo)
        .unwrap_or_default();
    let values = [
        ("title", doc.title.clone()),
        ("version", version.version.to_string()),
        ("file_name", version.file_name.clone()),
        ("size", size_text(version.size, lang)),
        ("sha256", version.sha256.clone()),
        ("comments_until", until),
    ];
    let (doc_id, n) = (doc.id.clone(), version.version);
    letters(
        conn,
        settings,
        keys,
        &d,
        "document_version",
        &version.id,
        &values,
        &move |answer_url| format!("{answer_url}/documents/{doc_id}?version={n}"),
    )
}

fn sha256_of(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// Writes a publication and queues its letters; a second one of the same kind is refused.
fn publish(
    conn: &mut DbConn,
    caller: &Caller,
    settings: &Settings,
    keys: &TokenKeys,
    d: &DialogueRow,
    row: PublicationRow,
    title: String,
) -> Result<(PublicationRow, usize), AppError> {
    let kind = row.kind.clone();
    db::write_tx(conn, |conn| {
        if let Err(e) = q::insert_publication(conn, &row) {
            return Err(if db::is_unique_violation(&e) {
                AppError::clash(
                    None,
                    Clash::AlreadyPublished,
                    format!("the {} is published already", kind.replace('_', " ")),
                )
            } else {
                e.into()
            });
        }
        let values = [
            ("title", title),
            ("text", row.text.clone()),
            ("sha256", row.sha256.clone()),
        ];
        let messages = letters(conn, settings, keys, d, &kind, &row.id, &values, &|_| {
            format!("{}/dialogues/{}", settings.public_url, d.id)
        })?;
        for m in &messages {
            crate::db::dialogues::enqueue(conn, m)?;
        }
        crate::app::audit::record(
            conn,
            caller,
            "publication",
            &row.id,
            Some(&d.process_id),
            "published",
            None::<&()>,
            Some(&row),
        )?;
        Ok((row, messages.len()))
    })
}

/// The buyers publish their anonymised response to a consultation, once its deadline has
/// passed: to every delivered invitee of the document's event, and on the event page.
pub fn consultation_summary(
    conn: &mut DbConn,
    caller: &Caller,
    settings: &Settings,
    keys: &TokenKeys,
    document_id: &str,
    text: &str,
) -> Result<(PublicationRow, usize), AppError> {
    let doc = for_buyer(conn, caller, document_id)?;
    crate::app::organisations::require_approved(conn, caller, "publish a consultation's response")?;
    let (Some(until), Some(dialogue_id)) = (doc.comments_until, doc.dialogue_id.clone()) else {
        return Err(AppError::clash(
            None,
            Clash::NotInConsultation,
            "this document is not out for consultation; set comments_until first",
        ));
    };
    if db::now() <= until {
        return Err(AppError::clash(
            None,
            Clash::ConsultationRunning,
            format!(
                "the consultation runs until {}; publish the summary after it",
                crate::app::dialogues::format_oslo(until)
            ),
        ));
    }
    let text = domain::text("text", text, 50_000)?;
    let d = crate::app::dialogues::get(conn, &dialogue_id)?;
    let row = PublicationRow {
        id: db::new_id(),
        dialogue_id,
        document_id: Some(doc.id.clone()),
        kind: "consultation_summary".into(),
        sha256: sha256_of(&text),
        text,
        published_by: Some(caller.account_id.clone()),
        published_at: db::now(),
    };
    publish(conn, caller, settings, keys, &d, row, doc.title)
}

/// The buyers publish the minutes of an event: to every delivered invitee, and on the public
/// event page.
pub fn minutes(
    conn: &mut DbConn,
    caller: &Caller,
    settings: &Settings,
    keys: &TokenKeys,
    dialogue_id: &str,
    text: &str,
) -> Result<(PublicationRow, usize), AppError> {
    let d = crate::app::dialogues::get(conn, dialogue_id)?;
    require_buyer(conn, caller, &d.process_id)?;
    crate::app::organisations::require_approved(conn, caller, "publish minutes")?;
    if d.cancelled_at.is_some() {
        return Err(AppError::clash(
            None,
            Clash::Cancelled,
            "the event was cancelled, so it has no minutes",
        ));
    }
    let text = domain::text("text", text, 50_000)?;
    let row = PublicationRow {
        id: db::new_id(),
        dialogue_id: d.id.clone(),
        document_id: None,
        kind: "minutes".into(),
        sha256: sha256_of(&text),
        text,
        published_by: Some(caller.account_id.clone()),
        published_at: db::now(),
    };
    let title = d.title.clone();
    publish(conn, caller, settings, keys, &d, row, title)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_in_the_reader_s_language() {
        assert_eq!(size_text(2_516_582, Lang::Nb), "2,4 MB");
        assert_eq!(size_text(2_516_582, Lang::En), "2.4 MB");
        assert_eq!(size_text(1536, Lang::Nb), "1,5 kB");
        assert_eq!(size_text(12, Lang::En), "12 B");
    }
}
