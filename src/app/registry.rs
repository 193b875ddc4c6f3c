//! The organisation register: importing Enhetsregisteret's files, and what it tells about an
//! organisation (who it is, whether it is a public body, whether it has ended).
//!
//! An import runs in one transaction: a bad entry stops it with the entry named, and nothing of
//! it is written. Importing the same file twice changes nothing the second time.

use std::collections::HashMap;
use std::io::Read;

use serde_json::Value;

use crate::db::organisations::{self as orgs, OrganisationRow};
use crate::db::registry::{self as q, RegistryRow};
use crate::db::{self, index_queue, DbConn};
use crate::error::AppError;
use crate::registry::read::{self, Contents, Update};
use crate::registry::{self as format, Entity};

/// Entities written per statement batch.
const BATCH: usize = 1_000;

/// What an import did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// Entities read from lists.
    pub read: u64,
    /// Entities new to the copy.
    pub new: u64,
    /// Entities whose kept fields changed.
    pub changed: u64,
    /// Entities read that were already as given.
    pub unchanged: u64,
    /// Changes applied from change lists.
    pub updates_applied: u64,
    /// Changes skipped: already applied, or about entities the copy does not hold, or without
    /// the fields that changed (`Ukjent`, or a list fetched without `includeChanges`).
    pub updates_skipped: u64,
    /// Registered organisations brought in line with the register.
    pub organisations_updated: u64,
}

/// One file to import: a name for messages, and its bytes.
pub struct Source {
    /// The file's name, for messages.
    pub name: String,
    /// Its contents, gzipped or not.
    pub reader: Box<dyn Read>,
}

/// Imports register files in one transaction; `progress` is told the report after each batch.
pub fn import(
    conn: &mut DbConn,
    sources: Vec<Source>,
    mut progress: impl FnMut(&ImportReport),
) -> Result<ImportReport, AppError> {
    db::write_tx(conn, |conn| {
        let mut report = ImportReport::default();
        for source in sources {
            let name = source.name.clone();
            let fail = |problem: String| AppError::validation("file", format!("{name}: {problem}"));
            match read::open(source.reader).map_err(fail)? {
                Contents::Entities(reader) => {
                    let mut batch: Vec<Entity> = Vec::with_capacity(BATCH);
                    let mut db_error = None;
                    let outcome = read::for_each_entity(reader, |position, value| {
                        let entity = Entity::from_json(&value).map_err(|problem| {
                            format!("entity {position}{}: {problem}", orgnr_hint(&value))
                        })?;
                        batch.push(entity);
                        report.read += 1;
                        if batch.len() == BATCH {
                            if let Err(e) = write_entities(conn, &mut batch, &mut report) {
                                db_error = Some(e);
                                return Err("database".to_owned());
                            }
                            progress(&report);
                        }
                        Ok(())
                    });
                    if let Some(e) = db_error {
                        return Err(e);
                    }
                    outcome.map_err(fail)?;
                    write_entities(conn, &mut batch, &mut report)?;
                }
                Contents::Updates(updates) => {
                    apply_updates(conn, &updates, &mut report).map_err(|e| match e {
                        Step::Entry(problem) => fail(problem),
                        Step::Db(e) => e,
                    })?;
                }
            }
            progress(&report);
        }
        Ok(report)
    })
}

fn orgnr_hint(value: &Value) -> String {
    match value.get("organisasjonsnummer").and_then(Value::as_str) {
        Some(n) => format!(" ({})", format::one_line(n, 20)),
        None => String::new(),
    }
}

fn row_of(entity: &Entity, last_update_id: i64) -> RegistryRow {
    RegistryRow {
        orgnr: entity.orgnr.as_str().to_owned(),
        name: entity.name.clone(),
        form_code: entity.form_code.clone(),
        form_name: entity.form_name.clone(),
        sector_code: entity.sector_code.clone(),
        industry_code: entity.industry_code.clone(),
        municipality: entity.municipality.clone(),
        employees: entity.employees,
        bankrupt: entity.bankrupt,
        winding_up: entity.winding_up,
        deleted_on: entity.deleted_on.clone(),
        last_update_id,
        data: entity.data.to_string(),
        updated_at: db::now(),
    }
}

/// Writes the entities of a batch that differ from the copy, then the organisations they are.
fn write_entities(
    conn: &mut DbConn,
    batch: &mut Vec<Entity>,
    report: &mut ImportReport,
) -> Result<(), AppError> {
    if batch.is_empty() {
        return Ok(());
    }
    // The last of an orgnr given twice in one batch wins, as it would across batches.
    let mut latest: HashMap<&str, &Entity> = HashMap::with_capacity(batch.len());
    for e in batch.iter() {
        latest.insert(e.orgnr.as_str(), e);
    }
    let keys: Vec<&str> = latest.keys().copied().collect();
    let existing = q::find_many(conn, &keys)?;
    let mut rows = Vec::with_capacity(latest.len());
    for (orgnr, entity) in &latest {
        let text = entity.data.to_string();
        match existing.get(*orgnr) {
            Some(old) if old.data == text => report.unchanged += 1,
            Some(old) => {
                report.changed += 1;
                rows.push(row_of(entity, old.last_update_id));
            }
            None => {
                report.new += 1;
                rows.push(row_of(entity, 0));
            }
        }
    }
    report.unchanged += (batch.len() - latest.len()) as u64;
    q::upsert(conn, &rows)?;
    report.organisations_updated += sync_organisations(conn, &rows)?;
    batch.clear();
    Ok(())
}

enum Step {
    Entry(String),
    Db(AppError),
}

impl From<diesel::result::Error> for Step {
    fn from(e: diesel::result::Error) -> Self {
        Step::Db(e.into())
    }
}

impl From<AppError> for Step {
    fn from(e: AppError) -> Self {
        Step::Db(e)
    }
}

fn apply_updates(
    conn: &mut DbConn,
    updates: &[Update],
    report: &mut ImportReport,
) -> Result<(), Step> {
    for (i, u) in updates.iter().enumerate() {
        let entry = |problem: String| {
            Step::Entry(format!(
                "change {} (oppdateringsid {}, organisasjonsnummer {}): {problem}",
                i + 1,
                u.id,
                u.orgnr
            ))
        };
        let current = q::find(conn, &u.orgnr)?;
        if current.as_ref().is_some_and(|c| c.last_update_id >= u.id) {
            report.updates_skipped += 1;
            continue;
        }
        let next = match (u.kind.as_str(), &current, &u.changes) {
            ("Sletting" | "Fjernet", Some(c), _) => {
                let mut data: Value =
                    serde_json::from_str(&c.data).map_err(|e| entry(e.to_string()))?;
                if data.get("slettedato").is_none() {
                    let day = u.date.get(..10).unwrap_or(&u.date).to_owned();
                    data["slettedato"] = Value::String(day);
                }
                Some(data)
            }
            ("Ny" | "Endring", _, Some(ops)) => {
                let mut data = match &current {
                    Some(c) => serde_json::from_str(&c.data).map_err(|e| entry(e.to_string()))?,
                    None => serde_json::json!({}),
                };
                format::apply_patch(&mut data, ops).map_err(entry)?;
                data["organisasjonsnummer"] = Value::String(u.orgnr.clone());
                // Changes to an entity the copy does not hold, which do not make a whole one,
                // cannot be applied.
                (current.is_some() || data.get("navn").is_some()).then_some(data)
            }
            _ => None,
        };
        let Some(data) = next else {
            report.updates_skipped += 1;
            continue;
        };
        let entity = Entity::from_json(&data).map_err(entry)?;
        let row = row_of(&entity, u.id);
        if current.is_none() {
            report.new += 1;
        }
        q::upsert(conn, std::slice::from_ref(&row))?;
        report.updates_applied += 1;
        report.organisations_updated += sync_organisations(conn, std::slice::from_ref(&row))?;
    }
    Ok(())
}

/// Brings the registered organisations among `rows` in line with the register, and queues the
/// texts of any whose ended state changed for the index. Returns how many changed.
fn sync_organisations(conn: &mut DbConn, rows: &[RegistryRow]) -> Result<u64, AppError> {
    let orgnrs: Vec<&str> = rows.iter().map(|r| r.orgnr.as_str()).collect();
    let registered = q::organisations_of(conn, &orgnrs)?;
    if registered.is_empty() {
        return Ok(0);
    }
    let by_orgnr: HashMap<&str, &RegistryRow> =
        rows.iter().map(|r| (r.orgnr.as_str(), r)).collect();
    let mut changed = 0;
    for (id, orgnr) in registered {
        let (Some(mut org), Some(entity)) = (orgs::find(conn, &id)?, by_orgnr.get(orgnr.as_str()))
        else {
            continue;
        };
        let was_ended = org.ended.clone();
        let before = org.clone();
        apply_to(&mut org, entity);
        // What shows an organisation (its open data among it) looks for changes by this time.
        if org != before {
            org.updated_at = crate::db::now();
        }
        orgs::update(conn, &org)?;
        if org.ended != was_ended {
            for need in crate::db::needs::ids_of_organisation(conn, &org.id)? {
                index_queue::enqueue(conn, "need", &need)?;
            }
            for cap in crate::db::capabilities::ids_of_organisation(conn, &org.id)? {
                index_queue::enqueue(conn, "capability", &cap)?;
            }
        }
        changed += 1;
    }
    Ok(changed)
}

/// Takes an organisation's name, county, form, ended state and, by its kind, sector or size from
/// the register, and marks it verified.
pub fn apply_to(org: &mut OrganisationRow, entity: &RegistryRow) {
    org.name = format::one_line(&entity.name, 200);
    org.search_key = orgs::search_key(&org.name, &org.orgnr);
    if let Some(county) = entity
        .municipality
        .as_deref()
        .and_then(|m| crate::domain::County::parse(&m[..2]).ok())
    {
        org.county = Some(county.as_str().to_owned());
    }
    org.form_code = entity.form_code.clone();
    match org.kind.as_str() {
        "buyer" if is_public(entity) => {
            org.sector = Some(
                format::sector_of(entity.form_code.as_deref(), entity.sector_code.as_deref())
                    .to_owned(),
            )
        }
        "supplier" => {
            if let Some(size) = format::size_of(entity.employees) {
                org.size = Some(size.to_owned());
            }
        }
        _ => {}
    }
    org.ended = format::ended_of(
        entity.deleted_on.is_some(),
        entity.bankrupt,
        entity.winding_up,
    )
    .map(str::to_owned);
    let now = db::now();
    org.verified_at = Some(now);
    org.updated_at = now;
}

/// True when the register shows a public body, which may act as a buyer without approval.
pub fn is_public(entity: &RegistryRow) -> bool {
    format::is_public(entity.form_code.as_deref(), entity.sector_code.as_deref())
}

/// The entity of this orgnr when a register is loaded: `Ok(None)` when none is loaded, and 400 on
/// `orgnr` when one is and the number is not in it or has ended.
pub fn entity_for_registration(
    conn: &mut DbConn,
    orgnr: &str,
) -> Result<Option<RegistryRow>, AppError> {
    if !q::loaded(conn)? {
        return Ok(None);
    }
    let entity = q::find(conn, orgnr)?.ok_or_else(|| {
        AppError::validation(
            "orgnr",
            format!("{orgnr} is not in Enhetsregisteret; check the organisation number"),
        )
    })?;
    if let Some(ended) = format::ended_of(
        entity.deleted_on.is_some(),
        entity.bankrupt,
        entity.winding_up,
    ) {
        return Err(AppError::validation(
            "orgnr",
            format!(
                "{} ({orgnr}) is {} in Enhetsregisteret and cannot be registered",
                entity.name,
                match ended {
                    "deleted" => "deleted",
                    "bankrupt" => "bankrupt",
                    _ => "being wound up",
                }
            ),
        ));
    }
    Ok(Some(entity))
}

/// The register's name for an orgnr, when it holds one.
pub fn name_of(conn: &mut DbConn, orgnr: &str) -> Result<Option<String>, AppError> {
    Ok(q::find(conn, orgnr)?.map(|e| format::one_line(&e.name, 200)))
}
