//! `innolift notices import PATH...`: single XML files, folders, and `.tar.gz`/`.zip` archives
//! of notices. Each notice is stored in its own savepoint, so a bad file is reported and
//! skipped without leaving anything half written, and the rest of the batch goes on. Importing
//! the same notices again changes nothing.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::Context;
use diesel::Connection;
use sha2::{Digest, Sha256};

use crate::app::needs::NeedFields;
use crate::db::needs::NeedRow;
use crate::db::notices::{self as q, NoticeBuyerRow, NoticeRow};
use crate::db::organisations::OrganisationRow;
use crate::db::{self, DbConn};
use crate::error::AppError;
use crate::notices::parse::{self, Notice, NoticeKind, MAX_NOTICE_BYTES};
use crate::search::document::json_array;

/// A notice that was not imported, and why.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Rejected {
    /// The file, or `archive!entry`.
    pub source: String,
    /// Line or path, and the reason.
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Report {
    /// Notices read (good and bad).
    pub read: usize,
    /// Stored: new notices, or newer versions of known ones.
    pub stored: usize,
    /// Already stored exactly so.
    pub unchanged: usize,
    /// Older versions of notices already stored in a newer one.
    pub superseded: usize,
    /// Open needs created or updated from planning and consultation notices.
    pub needs: usize,
    /// Refused notices, each with its reason.
    pub rejected: Vec<Rejected>,
    /// Notices read and not refused, by notice type (BT-02).
    pub by_type: std::collections::BTreeMap<String, usize>,
    /// Running contracts added from award notices.
    pub contracts: usize,
}

enum Outcome {
    Stored { need: bool, contracts: usize },
    Unchanged,
    Superseded,
}

/// Notices written per transaction: one commit per notice costs a disk sync each, which made
/// PostgreSQL import slowly; within a batch each notice still has its own savepoint.
const BATCH: usize = 200;

/// Imports every notice under `paths`, calling `progress` after each one with the report so far.
pub fn import(
    conn: &mut DbConn,
    paths: &[PathBuf],
    mut progress: impl FnMut(&Report, &str),
) -> anyhow::Result<Report> {
    let mut report = Report::default();
    let mut batch: Vec<(String, Result<Vec<u8>, String>)> = Vec::new();
    for path in paths {
        let mut failed: Option<anyhow::Error> = None;
        let visited = visit(path, &mut |source, bytes| {
            if failed.is_some() {
                return;
            }
            batch.push((source, bytes));
            if batch.len() >= BATCH {
                if let Err(e) = flush(conn, &mut batch, &mut report, &mut progress) {
                    failed = Some(e);
                }
            }
        });
        if let Some(e) = failed {
            return Err(e);
        }
        if let Err(e) = visited {
            // What earlier paths gave is stored before the bad path is reported.
            flush(conn, &mut batch, &mut report, &mut progress)?;
            return Err(e);
        }
    }
    flush(conn, &mut batch, &mut report, &mut progress)?;
    Ok(report)
}

/// Stores a batch in one transaction, each notice in a savepoint of its own, so a refused notice
/// leaves nothing behind and takes nothing else with it.
fn flush(
    conn: &mut DbConn,
    batch: &mut Vec<(String, Result<Vec<u8>, String>)>,
    report: &mut Report,
    progress: &mut impl FnMut(&Report, &str),
) -> anyhow::Result<()> {
    if batch.is_empty() {
        return Ok(());
    }
    let items = std::mem::take(batch);
    let outcomes = db::write_tx(conn, |conn| {
        let mut outcomes = Vec::with_capacity(items.len());
        for (source, bytes) in &items {
            let result = match bytes {
                Ok(b) => store(conn, source, b),
                Err(reason) => Err(reason.clone()),
            };
            outcomes.push(result);
        }
        Ok::<_, diesel::result::Error>(outcomes)
    })?;
    for ((source, _), result) in items.iter().zip(outcomes) {
        report.read += 1;
        if let Ok((_, notice_type)) = &result {
            *report.by_type.entry(notice_type.clone()).or_default() += 1;
        }
        match result.map(|(outcome, _)| outcome) {
            Ok(Outcome::Stored { need, contracts }) => {
                report.stored += 1;
                report.needs += usize::from(need);
                report.contracts += contracts;
            }
            Ok(Outcome::Unchanged) => report.unchanged += 1,
            Ok(Outcome::Superseded) => report.superseded += 1,
            Err(reason) => report.rejected.push(Rejected {
                source: source.clone(),
                reason,
            }),
        }
        progress(report, source);
    }
    Ok(())
}

fn too_large() -> String {
    format!(
        "larger than {} MB; a notice is far smaller, so this is not one",
        MAX_NOTICE_BYTES / (1024 * 1024)
    )
}

/// Reads at most the limit, so a huge file costs no more memory than the limit.
fn read_limited(reader: impl Read) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_NOTICE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() > MAX_NOTICE_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}

fn name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

/// Calls `handle` for each notice in a file, folder or archive. Unreadable paths given on the
/// command line are errors; problems inside are reported per notice.
fn visit(
    path: &Path,
    handle: &mut impl FnMut(String, Result<Vec<u8>, String>),
) -> anyhow::Result<()> {
    let meta = std::fs::metadata(path)
        .with_context(|| format!("cannot read {}; check the path", path.display()))?;
    if meta.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for entry in entries {
            // Something unreadable inside a folder is reported like a bad notice.
            if let Err(e) = visit(&entry, handle) {
                handle(entry.display().to_string(), Err(format!("{e:#}")));
            }
        }
        return Ok(());
    }
    let name = name_of(path);
    let source = path.display().to_string();
    if name.ends_with(".tar.gz") || name.ends_with(".tgz") {
        let file = std::fs::File::open(path)?;
        let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
        let entries = match archive.entries() {
            Ok(e) => e,
            Err(e) => {
                handle(source, Err(format!("not a readable .tar.gz: {e}")));
                return Ok(());
            }
        };
        for entry in entries {
            let mut entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    handle(source.clone(), Err(format!("damaged archive: {e}")));
                    break;
                }
            };
            if !entry.header().entry_type().is_file() {
                continue;
            }
            let inner = entry
                .path()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            if !inner.to_lowercase().ends_with(".xml") {
                continue;
            }
            let bytes = if entry.header().size().unwrap_or(0) > MAX_NOTICE_BYTES as u64 {
                Err(too_large())
            } else {
                read_limited(&mut entry)
            };
            handle(format!("{source}!{inner}"), bytes);
        }
    } else if name.ends_with(".zip") {
        let file = std::fs::File::open(path)?;
        let mut archive = match zip::ZipArchive::new(file) {
            Ok(a) => a,
            Err(e) => {
                handle(source, Err(format!("not a readable .zip: {e}")));
                return Ok(());
            }
        };
        for i in 0..archive.len() {
            let entry = match archive.by_index(i) {
                Ok(e) => e,
                Err(e) => {
                    handle(format!("{source}!#{i}"), Err(format!("damaged entry: {e}")));
                    continue;
                }
            };
            let inner = entry.name().map(|n| n.to_string()).unwrap_or_default();
            if entry.is_dir() || !inner.to_lowercase().ends_with(".xml") {
                continue;
            }
            let bytes = if entry.size() > MAX_NOTICE_BYTES as u64 {
                Err(too_large())
            } else {
                read_limited(entry)
            };
            handle(format!("{source}!{inner}"), bytes);
        }
    } else if name.ends_with(".xml") {
        let bytes = if meta.len() > MAX_NOTICE_BYTES as u64 {
            Err(too_large())
        } else {
            std::fs::File::open(path)
                .map_err(|e| format!("cannot open: {e}"))
                .and_then(read_limited)
        };
        handle(source, bytes);
    }
    Ok(())
}

/// Version numbers compare as numbers ("10" after "09").
fn version_key(v: &str) -> (u64, String) {
    (v.trim().parse().unwrap_or(0), v.to_owned())
}

/// Stores one notice; returns what happened and the notice's type.
fn store(conn: &mut DbConn, source: &str, bytes: &[u8]) -> Result<(Outcome, String), String> {
    let notice = parse::parse(bytes).map_err(|r| r.to_string())?;
    let sha256 = hex::encode(Sha256::digest(bytes));
    // A savepoint inside the batch's transaction.
    let result = conn.transaction(|conn| {
        let existing = q::find(conn, &notice.id)?;
        if let Some(old) = &existing {
            if old.sha256 == sha256 {
                return Ok(Outcome::Unchanged);
            }
            if version_key(&old.version) >= version_key(notice.version.as_deref().unwrap_or("")) {
                return Ok(Outcome::Superseded);
            }
        }
        let mut buyers = Vec::new();
        for (position, b) in notice.buyers.iter().enumerate() {
            let orgnr = b.orgnr();
            let org = match &orgnr {
                Some(nr) => crate::db::organisations::find_by_orgnr(conn, nr)?,
                None => crate::db::organisations::find_by_orgnr(conn, &registry_key(b))?,
            };
            buyers.push(NoticeBuyerRow {
                notice_id: notice.id.clone(),
                position: position as i64,
                identifier: b.identifier.clone(),
                scheme: b.scheme.clone(),
                orgnr,
                name: b.name.clone(),
                organisation_id: org.map(|o| o.id),
            });
        }
        let (counties, _) = crate::notices::counties_of(&notice.nuts);
        let need_id = match notice.kind {
            NoticeKind::Planning | NoticeKind::Consultation => {
                let old_need = match existing.as_ref().and_then(|e| e.need_id.clone()) {
                    Some(id) => crate::db::needs::find(conn, &id)?,
                    None => None,
                };
                save_need(conn, &notice, &mut buyers, old_need)?
            }
            _ => None,
        };
        let row = NoticeRow {
            id: notice.id.clone(),
            version: notice.version.clone().unwrap_or_default(),
            notice_type: notice.notice_type.clone(),
            subtype: notice.subtype.clone().unwrap_or_default(),
            kind: notice.kind.as_str().to_owned(),
            publication_date: notice.publication_date,
            title: notice.title().to_owned(),
            titles: serde_json::to_string(&notice.titles).unwrap_or_default(),
            descriptions: serde_json::to_string(&notice.descriptions).unwrap_or_default(),
            cpv_codes: json_array(&notice.cpv_codes()),
            nuts: json_array(&notice.nuts),
            counties: json_array(&counties),
            procedure_code: notice.procedure.clone(),
            innovative_acquisition: json_array(&notice.innovative_acquisition),
            refs: json_array(&notice.references),
            consultation_deadline: notice.consultation_deadline,
            early_dialogue: notice.early_dialogue(),
            procurement_of_innovation: notice.procurement_of_innovation(),
            need_id: need_id.clone(),
            source: source.to_owned(),
            sha256: sha256.clone(),
            imported_at: db::now(),
        };
        q::replace(conn, &row, &buyers, existing.is_some())?;
        let contracts = match &notice.contract_period {
            Some(period) => {
                crate::app::contracts::from_notice(conn, &notice, &buyers, &counties, period)?
            }
            None => 0,
        };
        Ok::<_, AppError>(Outcome::Stored {
            contracts,
            need: need_id.is_some(),
        })
    });
    result
        .map(|o| (o, notice.notice_type.clone()))
        .map_err(|e| match e {
            AppError::Validation(problems) => {
                let named: Vec<String> = problems.iter().map(ToString::to_string).collect();
                format!("cannot become a need: {}", named.join("; "))
            }
            other => format!("not stored: {other}"),
        })
}

/// The key an organisation made for a buyer without a Norwegian organisation number is stored
/// under: its identifier with the scheme, or, for an identifier that names nothing
/// (`notavailable`) or none, its name. No Norwegian number looks like either.
pub fn registry_key(buyer: &crate::notices::parse::Buyer) -> String {
    const NOTHING: [&str; 7] = ["notavailable", "n/a", "na", "unknown", "none", "-", "0"];
    match &buyer.identifier {
        Some(id) if !NOTHING.contains(&id.to_lowercase().as_str()) => match &buyer.scheme {
            Some(scheme) => format!("{scheme}:{id}"),
            None => id.clone(),
        },
        _ => format!("navn:{}", buyer.name.trim().to_lowercase()),
    }
}

/// The open need a planning or consultation notice announces, owned by its first buyer with a
/// Norwegian organisation number, else its first buyer. A buyer not in innolift gets an
/// organisation from the notice, which its first user later takes over; one from abroad or
/// without any number is kept under [`registry_key`].
fn save_need(
    conn: &mut DbConn,
    notice: &Notice,
    buyers: &mut [NoticeBuyerRow],
    existing: Option<NeedRow>,
) -> Result<Option<String>, AppError> {
    let index = buyers
        .iter()
        .position(|b| b.orgnr.is_some())
        .or_else(|| (!buyers.is_empty()).then_some(0));
    let Some(index) = index else {
        return Ok(None);
    };
    let key = buyers[index]
        .orgnr
        .clone()
        .unwrap_or_else(|| registry_key(&notice.buyers[index]));
    let first = &mut buyers[index];
    if first.name.trim().is_empty() {
        first.name = key.clone();
    }
    let (counties, national) = crate::notices::counties_of(&notice.nuts);
    let owner = match &first.organisation_id {
        Some(id) => id.clone(),
        None => {
            let now = db::now();
            let row = OrganisationRow {
                id: db::new_id(),
                kind: "buyer".into(),
                orgnr: key.clone(),
                name: first.name.clone(),
                search_key: crate::db::organisations::search_key(&first.name, &key),
                website: None,
                contact_email: None,
                sector: Some("other".into()),
                county: counties.first().cloned(),
                size: None,
                created_at: now,
                updated_at: now,
                verified_at: None,
                approval: "approved".to_owned(),
                approved_by: None,
                ended: None,
                form_code: None,
            };
            crate::db::organisations::insert(conn, &row)?;
            first.organisation_id = Some(row.id.clone());
            row.id
        }
    };
    let cpv_codes = notice.cpv_codes();
    let description = if notice.description().trim().is_empty() {
        notice.title().to_owned()
    } else {
        notice.description().to_owned()
    };
    let fields = |cpv: Vec<String>| NeedFields {
        title: notice.title().chars().take(200).collect(),
        description: description.chars().take(20_000).collect(),
        themes: crate::notices::themes_of(&cpv_codes),
        cpv_codes: cpv,
        counties: counties.clone(),
        national,
        estimated_value_nok: None,
        planned_tender_date: None,
        // An early-dialogue notice whose answer deadline has passed is no longer an open need.
        status: Some(
            if notice.consultation_deadline.is_some_and(|d| d < db::now()) {
                "closed"
            } else {
                "open"
            }
            .into(),
        ),
        language: None,
        unreadable: Vec::new(),
    };
    // A code missing from the loaded CPV vocabulary must not cost the need: keep it without codes.
    let codes = match crate::app::needs::checked_cpv_codes(conn, &cpv_codes) {
        Ok(_) => cpv_codes.clone(),
        Err(AppError::Validation(_)) => Vec::new(),
        Err(e) => return Err(e),
    };
    let row = crate::app::needs::save_from_notice(conn, &owner, existing, fields(codes))?;
    Ok(Some(row.id))
}
