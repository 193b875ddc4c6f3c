//! Running contracts in the demo data, so that the joint-buying radar has something to show:
//! three buyers whose health-records systems end within a year, two whose waste collection
//! does, and one contract alone. End dates count from the day the demo is loaded.

use std::collections::HashMap;

use chrono::Months;

use super::corpus::DemoOrg;
use super::stable_id;
use crate::db::contracts::{self as q, ContractRow};
use crate::db::{self, DbConn};
use crate::error::AppError;
use crate::search::document::json_array;

/// (buyer index, title, CPV codes, months until the end, shared)
const CONTRACTS: &[(usize, &str, &[&str], u32, bool)] = &[
    (
        0,
        "Elektronisk pasientjournal for helse og omsorg",
        &["48311100", "48814000"],
        7,
        true,
    ),
    (
        1,
        "Journalsystem for hjemmetjenesten",
        &["48311000"],
        10,
        true,
    ),
    (
        2,
        "Fagsystem for sykehjem og omsorgsboliger",
        &["48300000", "48814000"],
        15,
        false,
    ),
    (
        3,
        "Innsamling av husholdningsavfall",
        &["90511000"],
        5,
        true,
    ),
    (
        4,
        "Renovasjon og avfallstransport",
        &["90512000", "90511000"],
        9,
        true,
    ),
    (5, "Renhold av kommunale bygg", &["90910000"], 30, true),
];

/// Inserts the demo contracts that are not there yet. Returns how many it inserted.
pub fn insert(
    conn: &mut DbConn,
    orgs: &[DemoOrg],
    org_ids: &HashMap<String, String>,
) -> Result<usize, AppError> {
    let buyers: Vec<&DemoOrg> = orgs.iter().filter(|o| o.kind == "buyer").collect();
    let today = db::now().date();
    let mut inserted = 0;
    db::write_tx(conn, |conn| {
        for (i, (buyer, title, codes, months, shared)) in CONTRACTS.iter().enumerate() {
            let Some(org) = buyers.get(*buyer) else {
                continue;
            };
            let Some(org_id) = org_ids.get(&org.key) else {
                continue;
            };
            let id = stable_id(&format!("contract-{i}"));
            if q::find(conn, &id)?.is_some() {
                continue;
            }
            let now = db::now();
            let codes: Vec<String> = codes.iter().map(|c| (*c).to_owned()).collect();
            let counties: Vec<String> = org.county.iter().map(|c| (*c).to_owned()).collect();
            q::insert(
                conn,
                &ContractRow {
                    id,
                    organisation_id: Some(org_id.clone()),
                    buyer_name: org.name.clone(),
                    buyer_identifier: Some(org.orgnr.clone()),
                    title: (*title).to_owned(),
                    cpv_codes: json_array(&codes),
                    counties: json_array(&counties),
                    starts_at: Some(today - Months::new(36)),
                    ends_at: today + Months::new(*months),
                    renewal_options: Some(today + Months::new(months + 24)),
                    value_nok: Some(4_000_000 + 1_500_000 * i as i64),
                    shared: *shared,
                    source: "registered".into(),
                    notice_id: None,
                    created_by: None,
                    created_at: now,
                    updated_at: now,
                },
            )?;
            inserted += 1;
        }
        Ok::<_, AppError>(())
    })?;
    Ok(inserted)
}
