//! Running contracts: buyers register them, and award notices add them. They are what the
//! joint-buying radar reads. A registered contract is private to its buyer and programme staff
//! unless the buyer shares it; one from a notice is public, as the notice is.

use chrono::{DateTime, Months, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::page::{Page, PageSpec};
use super::Context;
use crate::app::audit;
use crate::caller::Caller;
use crate::db::contracts::{self as q, ContractRow};
use crate::db::notices::NoticeBuyerRow;
use crate::db::organisations::OrganisationRow;
use crate::db::{self, DbConn};
use crate::domain::{self, County, Invalid, OrgKind, Problem};
use crate::error::{all_valid, AppError, AppResult};
use crate::notices::parse::{ContractPeriod, Notice, NoticeKind};
use crate::search::document::{json_array, json_list};

/// How far ahead an end date may lie.
const MAX_YEARS_AHEAD: u32 = 30;

/// A new contract, as given.
#[derive(Debug, Clone, Default)]
pub struct NewContract {
    pub title: String,
    pub cpv_codes: Vec<String>,
    pub counties: Vec<String>,
    pub starts_at: Option<String>,
    pub ends_at: String,
    pub renewal_options: Option<String>,
    pub value: Option<i64>,
    pub shared: bool,
}

/// A running contract, as its buyer and programme staff see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContractView {
    pub id: String,
    pub title: String,
    pub cpv_codes: Vec<String>,
    pub counties: Vec<String>,
    /// `YYYY-MM-DD`.
    pub starts_at: Option<NaiveDate>,
    pub ends_at: NaiveDate,
    /// The last possible end date, with every renewal option used.
    pub renewal_options: Option<NaiveDate>,
    /// In NOK.
    pub value: Option<i64>,
    /// Whether other buyers see it named on the radar.
    pub shared: bool,
    /// `registered`, or `notice` for one read from an award notice.
    pub source: String,
    pub notice_id: Option<String>,
    pub organisation_id: Option<String>,
    pub buyer_name: String,
    pub buyer_identifier: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<&ContractRow> for ContractView {
    fn from(r: &ContractRow) -> Self {
        ContractView {
            id: r.id.clone(),
            title: r.title.clone(),
            cpv_codes: json_list(&r.cpv_codes),
            counties: json_list(&r.counties),
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            renewal_options: r.renewal_options,
            value: r.value_nok,
            shared: r.shared,
            source: r.source.clone(),
            notice_id: r.notice_id.clone(),
            organisation_id: r.organisation_id.clone(),
            buyer_name: r.buyer_name.clone(),
            buyer_identifier: r.buyer_identifier.clone(),
            created_at: r.created_at.and_utc(),
        }
    }
}

fn date(field: &'static str, value: &str) -> Result<NaiveDate, Invalid> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").map_err(|_| {
        Invalid::because(
            field,
            Problem::NotADate,
            format!("{field} must be a date written YYYY-MM-DD; leave it out if it is not known"),
        )
    })
}

fn optional_date(field: &'static str, value: Option<&str>) -> Result<Option<NaiveDate>, Invalid> {
    value.map(|v| date(field, v)).transpose()
}

fn cpv_codes_of(conn: &mut DbConn, codes: &[String]) -> AppResult<Vec<String>> {
    if codes.is_empty() {
        return Err(Invalid::because(
            "cpv_codes",
            Problem::Required,
            "give at least one CPV code for what the contract buys",
        )
        .into());
    }
    crate::app::needs::checked_cpv_codes(conn, codes)
}

fn counties_of(counties: &[String]) -> Result<Vec<String>, Invalid> {
    let mut out = Vec::new();
    for c in counties {
        let county = County::parse_for("counties", c)?.as_str().to_owned();
        if !out.contains(&county) {
            out.push(county);
        }
    }
    Ok(out)
}

fn value_of(value: Option<i64>) -> Result<Option<i64>, Invalid> {
    match value {
        Some(v) if v < 0 => Err(Invalid::because(
            "value",
            Problem::NotANumber,
            "value is a whole number of NOK and cannot be negative",
        )),
        other => Ok(other),
    }
}

fn end_in_range(
    starts_at: Option<NaiveDate>,
    ends_at: NaiveDate,
    horizon: NaiveDate,
) -> Result<(), Invalid> {
    if starts_at.is_some_and(|s| ends_at < s) {
        return Err(Invalid::because(
            "ends_at",
            Problem::BeforeStartsAt,
            "ends_at is before starts_at; give the end date",
        ));
    }
    if ends_at > horizon {
        return Err(Invalid::new(
            "ends_at",
            format!("ends_at is more than {MAX_YEARS_AHEAD} years ahead; check the year"),
        ));
    }
    Ok(())
}

fn renewal_in_range(
    renewal: Option<NaiveDate>,
    ends_at: NaiveDate,
    horizon: NaiveDate,
) -> Result<(), Invalid> {
    match renewal {
        Some(last) if last < ends_at => Err(Invalid::new(
            "renewal_options",
            "renewal_options is the last possible end date, so it cannot be before ends_at",
        )),
        Some(last) if last > horizon => Err(Invalid::new(
            "renewal_options",
            format!("renewal_options is more than {MAX_YEARS_AHEAD} years ahead; check the year"),
        )),
        _ => Ok(()),
    }
}

/// The caller's buyer organisation, or 403.
fn buyer_of(conn: &mut DbConn, caller: &Caller) -> AppResult<OrganisationRow> {
    let org_id = caller
        .organisation_id()
        .ok_or_else(|| AppError::forbidden("only buyers register contracts"))?;
    let org = crate::app::organisations::get(conn, org_id)?;
    if crate::app::organisations::kind_of(&org)? != OrgKind::Buyer {
        return Err(AppError::forbidden("only buyers register contracts"));
    }
    Ok(org)
}

/// Registers a buyer's running contract.
pub fn create(conn: &mut DbConn, caller: &Caller, new: NewContract) -> AppResult<ContractRow> {
    let org = buyer_of(conn, caller)?;
    let org_id = org.id.clone();
    let today = db::now().date();
    let horizon = today + Months::new(12 * MAX_YEARS_AHEAD);
    all_valid! {
        let title = domain::line("title", &new.title, 200);
        let cpv_codes = cpv_codes_of(conn, &new.cpv_codes);
        let counties = counties_of(&new.counties);
        // A blank date is refused like any other that is not one: leave it out when unknown.
        let starts_at = optional_date("starts_at", new.starts_at.as_deref());
        let ends_at = date("ends_at", &new.ends_at);
        let renewal_options = optional_date("renewal_options", new.renewal_options.as_deref());
        let value = value_of(new.value);
    }
    all_valid! {
        let _end = end_in_range(starts_at, ends_at, horizon);
        let _renewal = renewal_in_range(renewal_options, ends_at, horizon);
    }
    let now = db::now();
    let row = ContractRow {
        id: db::new_id(),
        organisation_id: Some(org_id.clone()),
        buyer_name: org.name.clone(),
        buyer_identifier: Some(org.orgnr.clone()),
        title,
        cpv_codes: json_array(&cpv_codes),
        counties: json_array(&counties),
        starts_at,
        ends_at,
        renewal_options,
        value_nok: value,
        shared: new.shared,
        source: "registered".into(),
        notice_id: None,
        created_by: Some(caller.account_id.clone()),
        created_at: now,
        updated_at: now,
    };
    db::write_tx(conn, |conn| {
        q::insert(conn, &row)?;
        audit::record(
            conn,
            caller,
            "contract",
            &row.id,
            Some(&org_id),
            "created",
            None::<&()>,
            Some(&row),
        )?;
        Ok::<_, AppError>(())
    })?;
    Ok(row)
}

/// Whether the caller may see a contract in full: its buyer, programme staff, or, for a shared
/// or public one, any buyer.
fn may_see(caller: &Caller, row: &ContractRow) -> bool {
    caller.is_admin()
        || row
            .organisation_id
            .as_deref()
            .is_some_and(|o| caller.belongs_to(o))
        || row.shared
}

/// A contract the caller may see, else 404 (a private contract's existence is private too).
pub fn get(conn: &mut DbConn, caller: &Caller, id: &str) -> AppResult<ContractRow> {
    q::find(conn, id)?
        .filter(|row| may_see(caller, row))
        .ok_or_else(|| AppError::not_found("no contract you can see has this id"))
}

/// Removes a registered contract (its buyer, or programme staff).
pub fn delete(conn: &mut DbConn, caller: &Caller, id: &str) -> AppResult<()> {
    let row = get(conn, caller, id)?;
    let own = row
        .organisation_id
        .as_deref()
        .is_some_and(|o| caller.belongs_to(o));
    if !(own || caller.is_admin()) {
        return Err(AppError::forbidden("only the contract's buyer removes it"));
    }
    if row.source != "registered" {
        return Err(AppError::conflict(
            Some("source"),
            "a contract read from an award notice goes when the notice changes",
        ));
    }
    db::write_tx(conn, |conn| {
        q::delete(conn, id)?;
        audit::record(
            conn,
            caller,
            "contract",
            id,
            row.organisation_id.as_deref(),
            "deleted",
            Some(&row),
            None::<&()>,
        )?;
        Ok::<_, AppError>(())
    })
}

/// Adds the contracts an award notice tells of, one per buyer, replacing what an older version
/// of the notice added. A notice without an end date, or that is not a result, adds none.
pub fn from_notice(
    conn: &mut DbConn,
    notice: &Notice,
    buyers: &[NoticeBuyerRow],
    counties: &[String],
    period: &ContractPeriod,
) -> diesel::QueryResult<usize> {
    q::delete_of_notice(conn, &notice.id)?;
    let (NoticeKind::Result, Some(ends_at)) = (notice.kind, period.ends_on) else {
        return Ok(0);
    };
    let now = db::now();
    let mut added = 0;
    let mut named: Vec<&str> = Vec::new();
    for b in buyers {
        // One contract per buyer name: the notice's contracts are keyed by it.
        if named.contains(&b.name.as_str()) {
            continue;
        }
        named.push(&b.name);
        let row = ContractRow {
            id: db::new_id(),
            organisation_id: b.organisation_id.clone(),
            buyer_name: b.name.clone(),
            buyer_identifier: b.orgnr.clone().or_else(|| b.identifier.clone()),
            title: notice.title().chars().take(200).collect(),
            cpv_codes: json_array(&notice.cpv_codes()),
            counties: json_array(counties),
            starts_at: period.starts_on,
            ends_at,
            renewal_options: None,
            value_nok: None,
            shared: true,
            source: "notice".into(),
            notice_id: Some(notice.id.clone()),
            created_by: None,
            created_at: now,
            updated_at: now,
        };
        q::insert(conn, &row)?;
        added += 1;
    }
    Ok(added)
}

// The use cases the front doors call.

/// Registers a contract.
pub async fn register(ctx: &Context, caller: &Caller, new: NewContract) -> AppResult<ContractView> {
    let caller = caller.clone();
    ctx.db
        .run(move |conn| Ok(ContractView::from(&create(conn, &caller, new)?)))
        .await
}

/// One contract.
pub async fn view(ctx: &Context, caller: &Caller, id: &str) -> AppResult<ContractView> {
    let (caller, id) = (caller.clone(), id.to_owned());
    ctx.db
        .run(move |conn| Ok(ContractView::from(&get(conn, &caller, &id)?)))
        .await
}

/// Removes a contract.
pub async fn remove(ctx: &Context, caller: &Caller, id: &str) -> AppResult<()> {
    let (caller, id) = (caller.clone(), id.to_owned());
    ctx.db.run(move |conn| delete(conn, &caller, &id)).await
}

/// The caller's organisation's contracts by end date; every contract for programme staff.
pub async fn page(ctx: &Context, caller: &Caller, spec: PageSpec) -> AppResult<Page<ContractView>> {
    let caller = caller.clone();
    ctx.db
        .run(move |conn| {
            let org = if caller.is_admin() {
                None
            } else {
                Some(buyer_of(conn, &caller)?.id)
            };
            let rows = q::list(conn, org.as_deref(), spec.offset(), spec.per_page)?;
            let total = q::count(conn, org.as_deref())?;
            Ok(spec.wrap(rows.iter().map(ContractView::from).collect(), total))
        })
        .await
}
