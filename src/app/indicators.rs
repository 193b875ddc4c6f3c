//! The programme's indicators against its targets, from innolift's own data and from imported
//! notices, per year, optionally for one county or one theme.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::{Datelike, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::Context;
use crate::caller::Caller;
use crate::db::schema::{
    dialogues, invitations, lift_processes, lifts, needs, notices, organisations, process_buyers,
    process_needs, process_phase_changes, processes, proposals, solution_adoptions, solutions,
};
use crate::db::DbConn;
use crate::domain::organisation::optional;
use crate::domain::{County, Invalid, Theme};
use crate::error::AppError;
use crate::search::document::json_list;
use crate::settings::Targets;

/// One indicator for one year (or all years).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Indicator {
    /// A stable key.
    pub id: String,
    /// What is counted, in Bokmål.
    pub definition_nb: String,
    /// What is counted, in English.
    pub definition: String,
    pub target: f64,
    /// The count (for shares: the notices that qualify).
    pub actual: f64,
    /// For shares: `actual / base`.
    pub share: Option<f64>,
    /// For shares: the notices counted against.
    pub base: Option<f64>,
    /// The figure for each year with data, oldest first.
    pub trend: Vec<YearFigure>,
}

/// A year's figure.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct YearFigure {
    pub year: i32,
    pub actual: f64,
    pub share: Option<f64>,
}

/// Restricts the figures to one county or one theme.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub county: Option<String>,
    pub theme: Option<String>,
}

/// Where and what a process is about, from its needs.
#[derive(Default, Clone)]
struct Cover {
    counties: BTreeSet<String>,
    national: bool,
    themes: BTreeSet<String>,
}

impl Cover {
    fn fits(&self, scope: &Scope) -> bool {
        scope
            .county
            .as_ref()
            .is_none_or(|c| self.national || self.counties.contains(c))
            && scope.theme.as_ref().is_none_or(|t| self.themes.contains(t))
    }
}

/// Events per year: each event is (year, key) and counts once per key and year.
#[derive(Default)]
struct Tally(BTreeMap<i32, BTreeSet<String>>);

impl Tally {
    fn add(&mut self, at: NaiveDateTime, key: impl Into<String>) {
        self.0.entry(at.year()).or_default().insert(key.into());
    }

    fn figures(&self, year: Option<i32>) -> (f64, Vec<YearFigure>) {
        let trend: Vec<YearFigure> = self
            .0
            .iter()
            .map(|(y, keys)| YearFigure {
                year: *y,
                actual: keys.len() as f64,
                share: None,
            })
            .collect();
        let actual = match year {
            Some(y) => self.0.get(&y).map_or(0, BTreeSet::len),
            None => self.0.values().flatten().collect::<HashSet<_>>().len(),
        };
        (actual as f64, trend)
    }
}

const INNOVATION_PROCEDURES: [&str; 2] = ["innovation_partnership", "pre_commercial_procurement"];

/// Computes every indicator for `year` (all years when `None`) within `scope`.
pub fn compute(
    conn: &mut DbConn,
    targets: &Targets,
    year: Option<i32>,
    scope: &Scope,
) -> Result<Vec<Indicator>, AppError> {
    let orgs: HashMap<String, (String, Option<String>, Option<String>)> = organisations::table
        .select((
            organisations::id,
            organisations::kind,
            organisations::sector,
            organisations::county,
        ))
        .load::<(String, String, Option<String>, Option<String>)>(conn)?
        .into_iter()
        .map(|(id, kind, sector, county)| (id, (kind, sector, county)))
        .collect();
    let org_fits = |id: &str| {
        scope
            .county
            .as_ref()
            .is_none_or(|c| orgs.get(id).and_then(|o| o.2.as_ref()) == Some(c))
    };
    // Each process's cover from its needs.
    let mut cover: HashMap<String, Cover> = HashMap::new();
    let links: Vec<(String, String, String, bool)> = process_needs::table
        .inner_join(needs::table.on(needs::id.eq(process_needs::need_id)))
        .select((
            process_needs::process_id,
            needs::themes,
            needs::counties,
            needs::national,
        ))
        .load(conn)?;
    for (pid, themes, counties, national) in links {
        let c = cover.entry(pid).or_default();
        c.themes.extend(json_list(&themes));
        c.counties.extend(json_list(&counties));
        c.national |= national;
    }
    let process_rows: Vec<(String, NaiveDateTime, String, Option<String>)> = processes::table
        .select((
            processes::id,
            processes::created_at,
            processes::procedure_planned,
            processes::procedure_used,
        ))
        .load(conn)?;
    let in_scope: HashSet<String> = process_rows
        .iter()
        .filter(|p| cover.get(&p.0).cloned().unwrap_or_default().fits(scope))
        .map(|p| p.0.clone())
        .collect();
    let buyers: Vec<(String, String, String)> = process_buyers::table
        .filter(process_buyers::status.eq_any(["lead", "accepted"]))
        .select((
            process_buyers::process_id,
            process_buyers::organisation_id,
            process_buyers::status,
        ))
        .load(conn)?;

    let mut started = Tally::default();
    for (id, at, _, _) in &process_rows {
        if in_scope.contains(id) {
            started.add(*at, id.clone());
        }
    }

    let mut lift_tally = Tally::default();
    let lift_links: Vec<(String, String)> = lift_processes::table
        .select((lift_processes::lift_id, lift_processes::process_id))
        .load(conn)?;
    for (id, theme, at) in lifts::table
        .select((lifts::id, lifts::theme, lifts::created_at))
        .load::<(String, String, NaiveDateTime)>(conn)?
    {
        let theme_ok = scope.theme.as_ref().is_none_or(|t| *t == theme);
        let county_ok = scope.county.is_none()
            || lift_links
                .iter()
                .any(|(l, p)| *l == id && in_scope.contains(p));
        if theme_ok && county_ok {
            lift_tally.add(at, id);
        }
    }

    // Suppliers taking part: answered or registered for a dialogue, or proposed and accepted.
    let mut suppliers = Tally::default();
    let invites: Vec<(
        Option<String>,
        String,
        Option<NaiveDateTime>,
        NaiveDateTime,
        String,
    )> = invitations::table
        .inner_join(dialogues::table.on(dialogues::id.eq(invitations::dialogue_id)))
        .select((
            invitations::supplier_id,
            invitations::source,
            invitations::answered_at,
            invitations::created_at,
            dialogues::process_id,
        ))
        .load(conn)?;
    for (supplier, source, answered, created, pid) in invites {
        let Some(s) = supplier else { continue };
        if !in_scope.contains(&pid) {
            continue;
        }
        if let Some(at) = answered {
            suppliers.add(at, s.clone());
        }
        if source == "registered" {
            suppliers.add(created, s);
        }
    }
    let proposal_rows: Vec<(
        String,
        String,
        String,
        String,
        NaiveDateTime,
        Option<NaiveDateTime>,
    )> = proposals::table
        .select((
            proposals::process_id,
            proposals::cluster_id,
            proposals::supplier_id,
            proposals::status,
            proposals::created_at,
            proposals::decided_at,
        ))
        .load(conn)?;
    let mut clusters = Tally::default();
    for (pid, cluster, supplier, status, created, decided) in &proposal_rows {
        if !in_scope.contains(pid) {
            continue;
        }
        clusters.add(*created, cluster.clone());
        if status == "accepted" {
            suppliers.add(decided.unwrap_or(*created), supplier.clone());
        }
    }

    // Innovation-friendly: a process with early market dialogue (an event was held).
    let events: Vec<(String, NaiveDateTime)> = dialogues::table
        .select((dialogues::process_id, dialogues::created_at))
        .load(conn)?;
    let mut friendly_buyers = Tally::default();
    let mut counties_and_cities = Tally::default();
    for (pid, at) in &events {
        if !in_scope.contains(pid) {
            continue;
        }
        for (_, org, _) in buyers.iter().filter(|b| b.0 == *pid) {
            friendly_buyers.add(*at, org.clone());
            if matches!(
                orgs.get(org).and_then(|o| o.1.as_deref()),
                Some("county" | "municipality")
            ) {
                counties_and_cities.add(*at, org.clone());
            }
        }
    }

    // Procurements of innovation completed: reached the contract phase with an innovation
    // partnership or a pre-commercial procurement.
    let contracts: Vec<(String, NaiveDateTime)> = process_phase_changes::table
        .filter(process_phase_changes::to_phase.eq("contract"))
        .select((
            process_phase_changes::process_id,
            process_phase_changes::created_at,
        ))
        .load(conn)?;
    let procedures: HashMap<&String, &str> = process_rows
        .iter()
        .map(|p| (&p.0, p.3.as_deref().unwrap_or(&p.2)))
        .collect();
    let mut poi = Tally::default();
    let mut poi_buyers = Tally::default();
    for (pid, at) in &contracts {
        let Some(procedure) = procedures.get(pid) else {
            continue;
        };
        if !in_scope.contains(pid) || !INNOVATION_PROCEDURES.contains(procedure) {
            continue;
        }
        poi.add(*at, pid.clone());
        for (_, org, _) in buyers.iter().filter(|b| b.0 == *pid) {
            poi_buyers.add(*at, org.clone());
            if matches!(
                orgs.get(org).and_then(|o| o.1.as_deref()),
                Some("county" | "municipality")
            ) {
                counties_and_cities.add(*at, org.clone());
            }
        }
    }

    let mut spread = Tally::default();
    let adoptions: Vec<(String, String, NaiveDateTime, String)> = solution_adoptions::table
        .inner_join(solutions::table.on(solutions::id.eq(solution_adoptions::solution_id)))
        .filter(solution_adoptions::status.eq("adopted"))
        .select((
            solution_adoptions::organisation_id,
            solutions::id,
            solution_adoptions::created_at,
            solutions::process_id,
        ))
        .load(conn)?;
    for (org, solution, at, pid) in adoptions {
        if org_fits(&org) && (scope.theme.is_none() || in_scope.contains(&pid)) {
            spread.add(at, format!("{solution}:{org}"));
        }
    }

    // Shares of competition notices, per publication year.
    let mut notice_years: BTreeMap<i32, (f64, f64, f64)> = BTreeMap::new();
    let facts: Vec<(chrono::NaiveDate, bool, bool, String, String)> = notices::table
        .filter(notices::kind.eq("competition"))
        .select((
            notices::publication_date,
            notices::early_dialogue,
            notices::procurement_of_innovation,
            notices::counties,
            notices::cpv_codes,
        ))
        .load(conn)?;
    for (date, early, innovation, counties, cpv) in facts {
        let counties = json_list(&counties);
        let county_ok = scope
            .county
            .as_ref()
            .is_none_or(|c| counties.is_empty() || counties.contains(c));
        let theme_ok = scope
            .theme
            .as_ref()
            .is_none_or(|t| crate::notices::themes_of(&json_list(&cpv)).contains(t));
        if !(county_ok && theme_ok) {
            continue;
        }
        let e = notice_years.entry(date.year()).or_default();
        e.0 += 1.0;
        e.1 += f64::from(u8::from(early));
        e.2 += f64::from(u8::from(innovation));
    }

    let count = |id: &str, nb: &str, en: &str, target: f64, tally: &Tally| {
        let (actual, trend) = tally.figures(year);
        Indicator {
            id: id.into(),
            definition_nb: nb.into(),
            definition: en.into(),
            target,
            actual,
            share: None,
            base: None,
            trend,
        }
    };
    let share = |id: &str, nb: &str, en: &str, target: f64, pick: fn(&(f64, f64, f64)) -> f64| {
        let trend: Vec<YearFigure> = notice_years
            .iter()
            .map(|(y, v)| YearFigure {
                year: *y,
                actual: pick(v),
                share: (v.0 > 0.0).then(|| pick(v) / v.0),
            })
            .collect();
        let (base, actual) = match year {
            Some(y) => notice_years.get(&y).map_or((0.0, 0.0), |v| (v.0, pick(v))),
            None => notice_years
                .values()
                .fold((0.0, 0.0), |acc, v| (acc.0 + v.0, acc.1 + pick(v))),
        };
        Indicator {
            id: id.into(),
            definition_nb: nb.into(),
            definition: en.into(),
            target,
            actual,
            share: (base > 0.0).then(|| actual / base),
            base: Some(base),
            trend,
        }
    };
    let t = targets;
    Ok(vec![
        count("joint_processes", "Fellesprosesser startet", "Joint processes started", t.joint_processes, &started),
        count("innovation_lifts", "Innovasjonsløft opprettet", "Innovation lifts created", t.innovation_lifts, &lift_tally),
        count("suppliers_taking_part", "Leverandører som deltar: svarte på eller meldte seg til en markedsdialog, eller ble foreslått og godtatt", "Suppliers taking part: answered or registered for a market dialogue, or were proposed and accepted", t.suppliers_taking_part, &suppliers),
        count("clusters_matchmaking", "Klynger som har foreslått medlemmer til fellesprosesser", "Clusters that proposed members to joint processes", t.clusters_matchmaking, &clusters),
        count("innovation_friendly_buyers", "Innkjøpere i en fellesprosess med tidlig markedsdialog", "Buyers in a joint process with early market dialogue", t.innovation_friendly_buyers, &friendly_buyers),
        count("counties_and_cities", "Fylkeskommuner og kommuner som bruker innovative anskaffelser (markedsdialog eller innovasjonsanskaffelse)", "Counties and municipalities using innovative procurement (market dialogue or procurement of innovation)", t.counties_and_cities, &counties_and_cities),
        count("solutions_spread", "Løsninger tatt i bruk av en ny innkjøper", "Solutions adopted by another buyer", t.solutions_spread, &spread),
        count("procurements_of_innovation", "Innovasjonsanskaffelser fullført (innovasjonspartnerskap eller førkommersiell anskaffelse som har nådd kontrakt)", "Procurements of innovation completed (innovation partnership or pre-commercial procurement that reached contract)", t.procurements_of_innovation, &poi),
        count("buyers_with_procurement_of_innovation", "Innkjøpere med minst én fullført innovasjonsanskaffelse", "Buyers with at least one completed procurement of innovation", t.buyers_with_procurement_of_innovation, &poi_buyers),
        share("early_dialogue_share", "Andel konkurransekunngjøringer med tidlig markedsdialog (viser til en forhåndskunngjøring eller markedsdialog, BT-125). Teller alle importerte kunngjøringer, også fra kjøpere uten norsk organisasjonsnummer", "Share of competition notices preceded by early dialogue (referring to a prior information or pre-market consultation notice, BT-125). Counts every imported notice, also those of buyers without a Norwegian organisation number", t.early_dialogue_share, |v| v.1),
        share("procurement_of_innovation_share", "Andel konkurransekunngjøringer som er innovasjonsanskaffelser (innovasjonspartnerskap, eller BT-776). Teller alle importerte kunngjøringer, også fra kjøpere uten norsk organisasjonsnummer", "Share of competition notices that are procurement of innovation (innovation partnership, or marked by BT-776). Counts every imported notice, also those of buyers without a Norwegian organisation number", t.procurement_of_innovation_share, |v| v.2),
    ])
}

/// Process figures per buyer organisation, for programme staff only.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrganisationFigures {
    pub organisation_id: String,
    pub name: String,
    pub joint_processes: usize,
    pub with_market_dialogue: usize,
}

/// The buyers' process figures for `year` (all years when `None`).
pub fn by_organisation(
    conn: &mut DbConn,
    year: Option<i32>,
) -> Result<Vec<OrganisationFigures>, AppError> {
    let rows: Vec<(String, String, String, NaiveDateTime)> = process_buyers::table
        .inner_join(organisations::table.on(organisations::id.eq(process_buyers::organisation_id)))
        .inner_join(processes::table.on(processes::id.eq(process_buyers::process_id)))
        .filter(process_buyers::status.eq_any(["lead", "accepted"]))
        .select((
            organisations::id,
            organisations::name,
            processes::id,
            processes::created_at,
        ))
        .load(conn)?;
    let with_dialogue: HashSet<String> = dialogues::table
        .select(dialogues::process_id)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let mut out: BTreeMap<String, OrganisationFigures> = BTreeMap::new();
    for (org, name, pid, at) in rows {
        if year.is_some_and(|y| at.year() != y) {
            continue;
        }
        let e = out.entry(org.clone()).or_insert(OrganisationFigures {
            organisation_id: org,
            name,
            joint_processes: 0,
            with_market_dialogue: 0,
        });
        e.joint_processes += 1;
        e.with_market_dialogue += usize::from(with_dialogue.contains(&pid));
    }
    let mut list: Vec<OrganisationFigures> = out.into_values().collect();
    list.sort_by(|a, b| {
        b.joint_processes
            .cmp(&a.joint_processes)
            .then(a.name.cmp(&b.name))
    });
    Ok(list)
}

// The read model both front doors show.

/// Which figures.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct IndicatorQuery {
    /// A year from 2000 to 2100; all years when left out.
    #[param(pattern = r"^\s*(?:\+?0*(?:20[0-9]{2}|2100))?\s*$")]
    pub year: Option<String>,
    /// Only this county (a county number).
    #[param(value_type = crate::domain::organisation::OrBlank<County>, inline, required = false)]
    pub county: Option<String>,
    /// Only this theme.
    #[param(value_type = crate::domain::organisation::OrBlank<Theme>, inline, required = false)]
    pub theme: Option<String>,
    /// `organisation` breaks the process figures down by buyer (programme staff only).
    #[param(schema_with = by_schema)]
    pub by: Option<String>,
    /// CSV only: `excel` for Norwegian Excel (semicolons, decimal commas, UTF-8 BOM).
    #[param(schema_with = dialect_schema)]
    pub dialect: Option<String>,
}

fn by_schema() -> utoipa::openapi::schema::Schema {
    crate::domain::optional_choice_schema(
        &["organisation"],
        "`organisation` breaks the process figures down by buyer (programme staff only)",
    )
}

fn dialect_schema() -> utoipa::openapi::schema::Schema {
    crate::domain::optional_choice_schema(
        &["plain", "excel"],
        "CSV only: `excel` for Norwegian Excel (semicolons, decimal commas, UTF-8 BOM)",
    )
}

/// The indicators.
#[derive(Debug, Serialize, ToSchema)]
pub struct Indicators {
    pub year: Option<i32>,
    pub county: Option<String>,
    pub theme: Option<String>,
    pub items: Vec<Indicator>,
    /// With `by=organisation` (programme staff only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisations: Option<Vec<OrganisationFigures>>,
}

fn parse_query(q: &IndicatorQuery) -> Result<(Option<i32>, Scope), AppError> {
    let year = match q.year.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        None => None,
        Some(y) => Some(
            y.parse::<i32>()
                .ok()
                .filter(|y| (2000..=2100).contains(y))
                .ok_or_else(|| AppError::validation("year", "year must be a year like 2026"))?,
        ),
    };
    let county = optional(q.county.as_deref(), County::parse)?.map(|c| c.as_str().to_owned());
    let theme = optional(q.theme.as_deref(), |t| {
        Theme::parse(t).map_err(|e| Invalid::new("theme", e.message))
    })?
    .map(|t| t.as_str().to_owned());
    Ok((year, Scope { county, theme }))
}

/// Loads the indicators for a query; `by=organisation` needs programme staff.
pub async fn load(
    state: &Context,
    caller: Option<&Caller>,
    q: &IndicatorQuery,
) -> Result<Indicators, AppError> {
    let (year, scope) = parse_query(q)?;
    let by_org = match q.by.as_deref().map(str::trim) {
        None | Some("") => false,
        Some("organisation") if caller.is_some_and(Caller::is_admin) => true,
        Some("organisation") => {
            return Err(AppError::forbidden(
                "only programme staff see figures by organisation",
            ))
        }
        Some(_) => return Err(AppError::validation("by", "by must be organisation")),
    };
    let targets = state.settings.targets.clone();
    let (county, theme) = (scope.county.clone(), scope.theme.clone());
    state
        .db
        .run(move |conn| {
            let items = compute(conn, &targets, year, &scope)?;
            let organisations = if by_org {
                Some(by_organisation(conn, year)?)
            } else {
                None
            };
            Ok(Indicators {
                year,
                county,
                theme,
                items,
                organisations,
            })
        })
        .await
}
