//! Demo data: a deterministic, realistic registry for newcomers, and bulk data for benchmarks.

pub mod contracts;
pub mod corpus;

use std::collections::HashMap;

use crate::db::capabilities::CapabilityRow;
use crate::db::needs::NeedRow;
use crate::db::organisations::{self, OrganisationRow};
use crate::db::{self, index_queue, DbConn};
use crate::domain::NeedStatus;
use crate::error::AppError;
use crate::search::document::json_array;
use corpus::{DemoCapability, DemoNeed, DemoOrg, DemoRegistry};

/// The password of the demo accounts (printed by `innolift demo`; demo data only).
pub const DEMO_PASSWORD: &str = "demo-passord-2026";

/// A stable id derived from a key, so the demo gets the same ids every time.
pub fn stable_id(key: &str) -> String {
    let mut a: u64 = 0xcbf2_9ce4_8422_2325;
    let mut b: u64 = 0x8422_2325_cbf2_9ce4;
    for byte in key.bytes() {
        a = (a ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        b = (b ^ u64::from(byte))
            .wrapping_mul(0x0000_0100_0000_01b3)
            .rotate_left(5);
    }
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&a.to_le_bytes());
    bytes[8..].copy_from_slice(&b.to_le_bytes());
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

fn org_row(org: &DemoOrg) -> OrganisationRow {
    let now = db::now();
    OrganisationRow {
        id: stable_id(&org.key),
        kind: org.kind.to_owned(),
        orgnr: org.orgnr.clone(),
        search_key: organisations::search_key(&org.name, &org.orgnr),
        name: org.name.clone(),
        website: org.website.clone(),
        contact_email: org.contact_email.clone(),
        sector: org.sector.map(str::to_owned),
        county: org.county.map(str::to_owned),
        size: org.size.map(str::to_owned),
        created_at: now,
        updated_at: now,
        verified_at: None,
        approval: "approved".to_owned(),
        approved_by: None,
        ended: None,
        form_code: None,
    }
}

/// The row for a demo need, with the id `id`.
pub fn need_row(need: &DemoNeed, id: String, org_ids: &HashMap<String, String>) -> NeedRow {
    let now = db::now();
    NeedRow {
        id,
        organisation_id: org_ids.get(&need.org_key).cloned().unwrap_or_default(),
        created_by: None,
        title: need.title.clone(),
        description: need.description.clone(),
        themes: json_array(&need.themes),
        cpv_codes: json_array(&need.cpv_codes),
        counties: json_array(&need.counties),
        national: need.national,
        estimated_value_nok: need.estimated_value_nok,
        planned_tender_date: need.planned_tender_date,
        status: NeedStatus::parse(need.status).expect("the demo corpus has valid statuses"),
        language: need.language.to_owned(),
        source: "registered".to_owned(),
        created_at: now,
        updated_at: now,
    }
}

/// The row for a demo capability, with the id `id`.
pub fn capability_row(
    cap: &DemoCapability,
    id: String,
    org_ids: &HashMap<String, String>,
) -> CapabilityRow {
    let now = db::now();
    CapabilityRow {
        id,
        organisation_id: org_ids.get(&cap.org_key).cloned().unwrap_or_default(),
        created_by: None,
        title: cap.title.clone(),
        description: cap.description.clone(),
        themes: json_array(&cap.themes),
        cpv_codes: json_array(&cap.cpv_codes),
        counties: json_array(&cap.counties),
        national: cap.national,
        maturity: Some(cap.maturity.to_owned()),
        keywords: json_array(&cap.keywords),
        reference_list: json_array(&cap.references),
        language: cap.language.to_owned(),
        created_at: now,
        updated_at: now,
    }
}

/// What [`load`] did.
#[derive(Debug, Default)]
pub struct Loaded {
    pub organisations: usize,
    pub needs: usize,
    pub capabilities: usize,
    /// (email, role, organisation name) of the demo accounts.
    pub accounts: Vec<(String, String, String)>,
    /// A sample open need, to try matching on.
    pub sample_need: Option<(String, String)>,
}

/// Inserts organisations (skipping any whose orgnr exists). Returns key → organisation id.
pub fn insert_orgs(
    conn: &mut DbConn,
    orgs: &[DemoOrg],
) -> Result<HashMap<String, String>, AppError> {
    let mut ids = HashMap::new();
    db::write_tx(conn, |conn| {
        for org in orgs {
            let id = match organisations::find_by_orgnr(conn, &org.orgnr)? {
                Some(existing) => existing.id,
                None => {
                    let row = org_row(org);
                    organisations::insert(conn, &row)?;
                    row.id
                }
            };
            ids.insert(org.key.clone(), id);
        }
        Ok::<_, AppError>(())
    })?;
    Ok(ids)
}

/// Inserts needs and capabilities in batches of `batch`, queueing them for the index when
/// `enqueue`. Calls `progress` with the number inserted after each batch.
pub fn insert_items(
    conn: &mut DbConn,
    needs: &[NeedRow],
    capabilities: &[CapabilityRow],
    enqueue: bool,
    batch: usize,
    mut progress: impl FnMut(usize),
) -> Result<(), AppError> {
    for chunk in needs.chunks(batch) {
        db::write_tx(conn, |conn| {
            for row in chunk {
                crate::db::needs::insert(conn, row)?;
                if enqueue {
                    index_queue::enqueue(conn, "need", &row.id)?;
                }
            }
            Ok::<_, AppError>(())
        })?;
        progress(chunk.len());
    }
    for chunk in capabilities.chunks(batch) {
        db::write_tx(conn, |conn| {
            for row in chunk {
                crate::db::capabilities::insert(conn, row)?;
                if enqueue {
                    index_queue::enqueue(conn, "capability", &row.id)?;
                }
            }
            Ok::<_, AppError>(())
        })?;
        progress(chunk.len());
    }
    Ok(())
}

/// Loads the demo registry, unless it is already loaded. Creates three demo accounts (a buyer,
/// a supplier and a cluster owner) with [`DEMO_PASSWORD`].
pub fn load(conn: &mut DbConn, progress: impl FnMut(usize)) -> Result<Option<Loaded>, AppError> {
    let registry: DemoRegistry = corpus::registry();
    // The last thing a load writes is the demo accounts; without them, loading (again) goes on,
    // skipping what is there.
    if crate::db::accounts::find_by_email(conn, "kjoper@demo.innolift.no")?.is_some() {
        return Ok(None);
    }
    let org_ids = insert_orgs(conn, &registry.orgs)?;
    db::write_tx(conn, |conn| {
        for (cluster, member) in &registry.cluster_members {
            if let (Some(c), Some(m)) = (org_ids.get(cluster), org_ids.get(member)) {
                organisations::add_member(conn, c, m, "accepted")?;
            }
        }
        Ok::<_, AppError>(())
    })?;
    let needs: Vec<NeedRow> = registry
        .needs
        .iter()
        .enumerate()
        .map(|(i, n)| need_row(n, stable_id(&format!("need-{i}")), &org_ids))
        .collect();
    let caps: Vec<CapabilityRow> = registry
        .capabilities
        .iter()
        .enumerate()
        .map(|(i, c)| capability_row(c, stable_id(&format!("capability-{i}")), &org_ids))
        .collect();
    // After an interrupted load, some are there already.
    let have: std::collections::HashSet<String> = crate::db::needs::find_many(
        conn,
        &needs.iter().map(|n| n.id.clone()).collect::<Vec<_>>(),
    )?
    .into_iter()
    .map(|n| n.id)
    .chain(
        crate::db::capabilities::find_many(
            conn,
            &caps.iter().map(|c| c.id.clone()).collect::<Vec<_>>(),
        )?
        .into_iter()
        .map(|c| c.id),
    )
    .collect();
    let new_needs: Vec<NeedRow> = needs
        .iter()
        .filter(|n| !have.contains(&n.id))
        .cloned()
        .collect();
    let new_caps: Vec<CapabilityRow> = caps
        .iter()
        .filter(|c| !have.contains(&c.id))
        .cloned()
        .collect();
    insert_items(conn, &new_needs, &new_caps, true, 500, progress)?;
    contracts::insert(conn, &registry.orgs, &org_ids)?;
    let mut loaded = Loaded {
        organisations: registry.orgs.len(),
        needs: needs.len(),
        capabilities: caps.len(),
        sample_need: needs
            .iter()
            .find(|n| n.status == NeedStatus::Open && n.language == "nb")
            .map(|n| (n.id.clone(), n.title.clone())),
        ..Loaded::default()
    };
    let hash = crate::domain::Password::parse(DEMO_PASSWORD)
        .map_err(AppError::from)?
        .hash();
    // Every other buyer and cluster gets an account too, `<key>@demo.innolift.no`, so that joint
    // processes can be tried from both sides. One hash serves them all: this is demo data.
    let named: Vec<&str> = ["buyer", "supplier", "cluster"]
        .iter()
        .filter_map(|k| {
            registry
                .orgs
                .iter()
                .find(|o| o.kind == *k)
                .map(|o| o.key.as_str())
        })
        .collect();
    db::write_tx(conn, |conn| {
        for org in registry
            .orgs
            .iter()
            .filter(|o| o.kind != "supplier" && !named.contains(&o.key.as_str()))
        {
            let email = format!("{}@demo.innolift.no", org.key);
            let Some(org_id) = org_ids.get(&org.key) else {
                continue;
            };
            if crate::db::accounts::find_by_email(conn, &email)?.is_some() {
                continue;
            }
            crate::db::accounts::insert(
                conn,
                &crate::db::accounts::AccountRow::confirmed_owner(
                    stable_id(&email),
                    &email,
                    &format!("Demo {}", org.name),
                    hash.clone(),
                    org_id,
                ),
            )?;
        }
        Ok::<_, AppError>(())
    })?;
    for (kind, email) in [
        ("buyer", "kjoper@demo.innolift.no"),
        ("supplier", "leverandor@demo.innolift.no"),
        ("cluster", "klynge@demo.innolift.no"),
    ] {
        let Some(org) = registry.orgs.iter().find(|o| o.kind == kind) else {
            continue;
        };
        let Some(org_id) = org_ids.get(&org.key) else {
            continue;
        };
        let account = crate::db::accounts::AccountRow::confirmed_owner(
            stable_id(email),
            email,
            &format!("Demo {}", org.name),
            hash.clone(),
            org_id,
        );
        if crate::db::accounts::find_by_email(conn, email)?.is_none() {
            db::write_tx(conn, |conn| crate::db::accounts::insert(conn, &account))?;
        }
        loaded
            .accounts
            .push((email.to_owned(), kind.to_owned(), org.name.clone()));
    }
    Ok(Some(loaded))
}
