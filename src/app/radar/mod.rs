//! The joint-buying radar: buyers whose contracts for the same thing end at about the same time,
//! so that they can prepare one procurement together instead of several alone.
//!
//! Contracts are grouped by CPV group (the first three digits, the shallowest level that lift
//! suggestions accept) and, within a group, by end dates that lie within a window of the
//! earliest. A group needs at least two buyers. Its code is the deepest level all its contracts
//! share, as in lift suggestions.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Months, NaiveDate};
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::Context;
use crate::caller::Caller;
use crate::db::contracts::{self as q, ContractRow};
use crate::db::{self, DbConn};
use crate::domain::{County, CpvCode, Invalid, OrgKind};
use crate::error::{AppError, AppResult};
use crate::search::document::json_list;

/// How far ahead the radar looks by default, in months.
pub const DEFAULT_MONTHS: u32 = 24;
/// How far apart the end dates in one group may be by default, in months.
pub const DEFAULT_WINDOW: u32 = 12;
/// Needs and processes shown per group as already on the theme.
const EXISTING_SHOWN: i64 = 5;

/// What the radar is asked for, checked.
#[derive(Debug, Clone)]
pub struct RadarQuery {
    /// Contracts ending within this many months from today.
    pub months: u32,
    /// End dates in one group lie within this many months of each other.
    pub window_months: u32,
    /// Only groups on this CPV branch (its significant digits).
    pub cpv: Option<String>,
    /// Only contracts in this county (or national ones).
    pub county: Option<String>,
}

impl RadarQuery {
    /// Checks the raw parameters, naming the field at fault.
    pub fn parse(
        months: Option<&str>,
        window_months: Option<&str>,
        cpv: Option<&str>,
        county: Option<&str>,
    ) -> Result<RadarQuery, Invalid> {
        let number = |field: &'static str, value: Option<&str>, default: u32, max: u32| match value
            .map(str::trim)
            .filter(|v| !v.is_empty())
        {
            None => Ok(default),
            Some(v) => v
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| {
                    Invalid::new(
                        field,
                        format!("{field} must be a whole number from 1 to {max}"),
                    )
                }),
        };
        let months = number("months", months, DEFAULT_MONTHS, 120)?;
        let window_months = number("window_months", window_months, DEFAULT_WINDOW, 60)?;
        let cpv = match cpv.map(str::trim).filter(|c| !c.is_empty()) {
            Some(c) => Some(
                CpvCode::parse(c)
                    .map_err(|_| Invalid::new("cpv", "cpv must be a CPV code such as 48000000"))?,
            ),
            None => None,
        };
        let county = county
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(|c| County::parse_for("county", c).map(|c| c.as_str().to_owned()))
            .transpose()?;
        Ok(RadarQuery {
            months,
            window_months,
            cpv: cpv.map(|(code, _)| code.significant().to_owned()),
            county,
        })
    }
}

/// One contract in a group. Another buyer's private contract is shown without its buyer,
/// title or exact date.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RadarMember {
    /// The contract; absent when it is another buyer's private one.
    pub contract_id: Option<String>,
    pub organisation_id: Option<String>,
    /// The buyer's name; absent when the buyer has not shared the contract.
    pub buyer_name: Option<String>,
    pub title: Option<String>,
    /// The end date; absent for another buyer's private contract, which shows its month only.
    pub ends_at: Option<NaiveDate>,
    /// `YYYY-MM`.
    pub ends_month: String,
    pub counties: Vec<String>,
    /// Whether this contract is the caller's organisation's.
    pub yours: bool,
}

/// A need or joint process already on a group's theme.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OnTheme {
    pub id: String,
    pub title: String,
    /// The need's buyer, or the process's lead.
    pub organisation_id: String,
}

/// Buyers whose contracts on one CPV branch end within a window of each other.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RadarGroup {
    /// Stable over runs while the group has the same contracts.
    pub id: String,
    /// The deepest CPV code all the group's contracts share, padded with zeros.
    pub cpv_code: String,
    /// `group`, `class`, `category` or `exact`.
    pub cpv_level: String,
    pub cpv_label: Option<String>,
    /// The earliest and latest end date in the group.
    pub ends_from: NaiveDate,
    pub ends_to: NaiveDate,
    /// The counties of the group's contracts.
    pub counties: Vec<String>,
    /// How many buyers.
    pub buyers: usize,
    pub members: Vec<RadarMember>,
    /// Why this is a group, in Norwegian.
    pub why: String,
    /// Why, in English.
    pub why_en: String,
    /// Open needs on this theme already.
    pub needs: Vec<OnTheme>,
    /// Joint processes on this theme already.
    pub processes: Vec<OnTheme>,
}

/// The radar's answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Radar {
    pub months: u32,
    pub window_months: u32,
    /// Today, from which `months` counts.
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub groups: Vec<RadarGroup>,
}

pub mod weekly;

/// Who asks: programme staff see everything, a buyer the groups it is in.
pub enum Viewer {
    /// Programme staff.
    Staff,
    /// A buyer organisation, by id.
    Buyer(String),
}

fn viewer(conn: &mut DbConn, caller: &Caller) -> AppResult<Viewer> {
    if caller.is_admin() {
        return Ok(Viewer::Staff);
    }
    let forbidden = || AppError::forbidden("the radar is for buyers and programme staff");
    let org_id = caller.organisation_id().ok_or_else(forbidden)?.to_owned();
    let org = crate::app::organisations::get(conn, &org_id)?;
    if crate::app::organisations::kind_of(&org)? != OrgKind::Buyer {
        return Err(forbidden());
    }
    Ok(Viewer::Buyer(org_id))
}

/// The key one buyer's contracts share, whether or not the buyer is in innolift.
fn buyer_key(c: &ContractRow) -> String {
    c.organisation_id
        .clone()
        .or_else(|| c.buyer_identifier.clone())
        .unwrap_or_else(|| c.buyer_name.to_lowercase())
}

/// The deepest level all `codes` share, from the group level (three digits) down.
fn shared_prefix(codes: &[&str]) -> String {
    let first = codes.first().copied().unwrap_or("");
    let mut len = first.len().min(8);
    for code in codes {
        len = len.min(
            first
                .bytes()
                .zip(code.bytes())
                .take_while(|(a, b)| a == b)
                .count(),
        );
    }
    // CPV levels are two to five digits, then the whole code.
    if len < 8 {
        len = len.min(5);
    }
    first[..len].to_owned()
}

fn level_name(prefix_len: usize) -> &'static str {
    match prefix_len {
        0..=3 => "group",
        4 => "class",
        5 => "category",
        _ => "exact",
    }
}

/// Candidate groups: for each CPV group, the maximal runs of contracts whose ends lie within
/// the window of the run's first, with at least two buyers. Each is its contracts' indexes and
/// the codes that put them there.
fn candidates(contracts: &[ContractRow], window: u32) -> Vec<(BTreeSet<usize>, String)> {
    let mut by_group: BTreeMap<String, Vec<(usize, String)>> = BTreeMap::new();
    for (i, c) in contracts.iter().enumerate() {
        for code in json_list(&c.cpv_codes) {
            if code.len() >= 3 {
                by_group
                    .entry(code[..3].to_owned())
                    .or_default()
                    .push((i, code));
            }
        }
    }
    let mut found: BTreeMap<BTreeSet<usize>, String> = BTreeMap::new();
    for entries in by_group.values_mut() {
        entries.sort_by_key(|(i, _)| (contracts[*i].ends_at, *i));
        let mut last_end = 0;
        for start in 0..entries.len() {
            let limit = contracts[entries[start].0].ends_at + Months::new(window);
            let mut end = start;
            while end + 1 < entries.len() && contracts[entries[end + 1].0].ends_at <= limit {
                end += 1;
            }
            // A run inside the one before it adds nothing.
            if start > 0 && end <= last_end {
                continue;
            }
            last_end = end;
            let run = &entries[start..=end];
            let members: BTreeSet<usize> = run.iter().map(|(i, _)| *i).collect();
            let buyers: BTreeSet<String> =
                members.iter().map(|i| buyer_key(&contracts[*i])).collect();
            if buyers.len() < 2 {
                continue;
            }
            // One code per contract: the one nearest the others (the first in the run).
            let mut codes: BTreeMap<usize, &str> = BTreeMap::new();
            for (i, code) in run {
                codes.entry(*i).or_insert(code.as_str());
            }
            let codes: Vec<&str> = codes.values().copied().collect();
            let prefix = shared_prefix(&codes);
            // The same contracts found through two codes keep the deeper one.
            let keep = found.get(&members).is_none_or(|p| p.len() < prefix.len());
            if keep {
                found.insert(members, prefix);
            }
        }
    }
    // A group inside a bigger one (two of its buyers on a deeper code) says nothing new.
    let sets: Vec<BTreeSet<usize>> = found.keys().cloned().collect();
    found
        .into_iter()
        .filter(|(members, _)| {
            !sets
                .iter()
                .any(|other| other.len() > members.len() && members.is_subset(other))
        })
        .collect()
}

/// The radar as `caller` may see it.
pub fn radar(conn: &mut DbConn, caller: &Caller, query: &RadarQuery) -> AppResult<Radar> {
    let viewer = viewer(conn, caller)?;
    radar_as(conn, &viewer, query)
}

/// The radar as `viewer` may see it.
pub fn radar_as(conn: &mut DbConn, viewer: &Viewer, query: &RadarQuery) -> AppResult<Radar> {
    let from = db::now().date();
    let to = from + Months::new(query.months);
    let contracts: Vec<ContractRow> = q::ending_between(conn, from, to)?
        .into_iter()
        .filter(|c| {
            query.county.as_ref().is_none_or(|county| {
                let counties = json_list(&c.counties);
                counties.is_empty() || counties.contains(county)
            })
        })
        .collect();
    let mut groups = Vec::new();
    for (members, prefix) in candidates(&contracts, query.window_months) {
        if let Some(cpv) = &query.cpv {
            if !(prefix.starts_with(cpv.as_str()) || cpv.starts_with(prefix.as_str())) {
                continue;
            }
        }
        let rows: Vec<&ContractRow> = members.iter().map(|i| &contracts[*i]).collect();
        let own = |c: &ContractRow| match viewer {
            Viewer::Staff => false,
            Viewer::Buyer(org) => c.organisation_id.as_deref() == Some(org.as_str()),
        };
        if matches!(viewer, Viewer::Buyer(_)) && !rows.iter().any(|c| own(c)) {
            continue;
        }
        groups.push(group(conn, viewer, &rows, &prefix, own)?);
    }
    groups.sort_by(|a, b| (a.ends_from, &a.id).cmp(&(b.ends_from, &b.id)));
    Ok(Radar {
        months: query.months,
        window_months: query.window_months,
        from,
        to,
        groups,
    })
}

fn group(
    conn: &mut DbConn,
    viewer: &Viewer,
    rows: &[&ContractRow],
    prefix: &str,
    own: impl Fn(&ContractRow) -> bool,
) -> AppResult<RadarGroup> {
    let cpv_code = format!("{prefix:0<8}");
    let label = crate::db::cpv::find_many(conn, std::slice::from_ref(&cpv_code))?
        .into_iter()
        .next()
        .map(|r| r.label_nb);
    let mut counties: Vec<String> = Vec::new();
    let mut buyers = BTreeSet::new();
    let mut members = Vec::new();
    for c in rows {
        buyers.insert(buyer_key(c));
        for county in json_list(&c.counties) {
            if !counties.contains(&county) {
                counties.push(county);
            }
        }
        let visible = matches!(viewer, Viewer::Staff) || own(c) || c.shared;
        members.push(RadarMember {
            contract_id: (visible).then(|| c.id.clone()),
            organisation_id: visible.then(|| c.organisation_id.clone()).flatten(),
            buyer_name: visible.then(|| c.buyer_name.clone()),
            title: visible.then(|| c.title.clone()),
            ends_at: visible.then_some(c.ends_at),
            ends_month: c.ends_at.format("%Y-%m").to_string(),
            counties: json_list(&c.counties),
            yours: own(c),
        });
    }
    counties.sort();
    let ends_from = rows.iter().map(|c| c.ends_at).min().unwrap_or_default();
    let ends_to = rows.iter().map(|c| c.ends_at).max().unwrap_or_default();
    let mut hash = Sha256::new();
    for c in rows {
        hash.update(c.id.as_bytes());
    }
    let id = hex::encode(&hash.finalize()[..8]);
    let what_nb = label.as_ref().map_or_else(
        || format!("CPV {cpv_code}"),
        |l| format!("{l} (CPV {cpv_code})"),
    );
    let what_en = label.as_ref().map_or_else(
        || format!("CPV {cpv_code}"),
        |l| format!("{l} (CPV {cpv_code})"),
    );
    let names: Vec<&str> = counties
        .iter()
        .map(|c| {
            crate::domain::organisation::COUNTIES
                .iter()
                .find(|(code, _)| code == c)
                .map_or(c.as_str(), |(_, name)| *name)
        })
        .collect();
    let months = |d: NaiveDate| {
        use chrono::Datelike;
        format!(
            "{} {}",
            crate::domain::language::MONTHS_NB[d.month0() as usize],
            d.year()
        )
    };
    let why = format!(
        "{} kjøpere har kontrakter på {what_nb} som løper ut mellom {} og {}{}.",
        buyers.len(),
        months(ends_from),
        months(ends_to),
        if names.is_empty() {
            String::new()
        } else {
            format!(", i {}", names.join(", "))
        },
    );
    let why_en = format!(
        "{} buyers have contracts for {what_en} ending between {} and {}{}.",
        buyers.len(),
        ends_from.format("%Y-%m"),
        ends_to.format("%Y-%m"),
        if names.is_empty() {
            String::new()
        } else {
            format!(", in {}", names.join(", "))
        },
    );
    let (needs, processes) = on_theme(conn, prefix)?;
    Ok(RadarGroup {
        id,
        cpv_level: level_name(prefix.len()).into(),
        cpv_code,
        cpv_label: label,
        ends_from,
        ends_to,
        counties,
        buyers: buyers.len(),
        members,
        why,
        why_en,
        needs,
        processes,
    })
}

/// Open needs with a code on the branch, and the joint processes that hold such needs.
fn on_theme(conn: &mut DbConn, prefix: &str) -> AppResult<(Vec<OnTheme>, Vec<OnTheme>)> {
    let filter = crate::db::needs::NeedFilter {
        cpv_prefix: Some(prefix.to_owned()),
        ..Default::default()
    };
    let found = crate::db::needs::list_after(conn, &filter, None, 50)?;
    let ids: Vec<String> = found.iter().map(|n| n.id.clone()).collect();
    let mut processes = Vec::new();
    for (_, process_id) in crate::db::processes::processes_of_needs(conn, &ids)? {
        if processes.iter().any(|p: &OnTheme| p.id == process_id) {
            continue;
        }
        if let Some(p) = crate::db::processes::find(conn, &process_id)? {
            processes.push(OnTheme {
                id: p.id,
                title: p.title,
                organisation_id: p.lead_organisation_id,
            });
        }
    }
    processes.truncate(EXISTING_SHOWN as usize);
    let needs = found
        .into_iter()
        .filter(|n| n.status == crate::domain::NeedStatus::Open)
        .take(EXISTING_SHOWN as usize)
        .map(|n| OnTheme {
            id: n.id,
            title: n.title,
            organisation_id: n.organisation_id,
        })
        .collect();
    Ok((needs, processes))
}

/// The radar groups of the caller's organisation on a need's theme: those whose code is a branch
/// of one of the need's CPV codes. Empty for anyone but a buyer.
pub async fn for_need(
    ctx: &Context,
    caller: &Caller,
    cpv_codes: &[String],
) -> AppResult<Vec<RadarGroup>> {
    let Some(org) = caller.organisation_id().map(str::to_owned) else {
        return Ok(Vec::new());
    };
    let codes = cpv_codes.to_vec();
    ctx.db
        .run(move |conn| {
            let query = RadarQuery::parse(None, None, None, None)?;
            let radar = radar_as(conn, &Viewer::Buyer(org), &query)?;
            Ok(radar
                .groups
                .into_iter()
                .filter(|g| {
                    let digits = match g.cpv_level.as_str() {
                        "group" => 3,
                        "class" => 4,
                        "category" => 5,
                        _ => 8,
                    };
                    codes
                        .iter()
                        .any(|c| c.get(..digits) == g.cpv_code.get(..digits))
                })
                .collect())
        })
        .await
}

/// The radar, off the executor.
pub async fn view(ctx: &Context, caller: &Caller, query: RadarQuery) -> AppResult<Radar> {
    let caller = caller.clone();
    ctx.db.run(move |conn| radar(conn, &caller, &query)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shared_code_is_the_deepest_level_every_contract_has() {
        assert_eq!(shared_prefix(&["48311100", "48311000", "48300000"]), "483");
        assert_eq!(shared_prefix(&["48311100", "48311000"]), "48311");
        assert_eq!(shared_prefix(&["48311100", "48311100"]), "48311100");
        assert_eq!(level_name(3), "group");
        assert_eq!(level_name(8), "exact");
    }
}
