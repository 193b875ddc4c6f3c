//! Needs: what a buyer needs, described as the need and not the solution. Who may see and change
//! them, their validation, and buyers who declare the same need. What the front doors show of a
//! need, and the use cases they call, are in `views`.

pub mod interest;
pub mod search;
pub mod views;

use chrono::NaiveDate;

use crate::app::cpv;
use crate::caller::Caller;
use crate::db::needs::{self as q, NeedFilter, NeedRow, ParticipantRow};
use crate::db::{self, index_queue, organisations, DbConn};
use crate::domain::{self, County, Invalid, Language, NeedStatus, OrgKind, Problem, Theme};
use crate::error::{all_valid, AppError, AppResult, Clash};
use crate::search::analysis::detect_language;
use crate::search::document::{json_array, json_list};

/// The longest title.
pub const TITLE_MAX: usize = 200;
/// The longest description.
pub const DESCRIPTION_MAX: usize = 20_000;

/// The fields of a need as given, before validation.
#[derive(Debug, Clone, Default)]
pub struct NeedFields {
    pub title: String,
    pub description: String,
    pub themes: Vec<String>,
    pub cpv_codes: Vec<String>,
    pub counties: Vec<String>,
    pub national: bool,
    pub estimated_value_nok: Option<i64>,
    pub planned_tender_date: Option<NaiveDate>,
    pub status: Option<String>,
    pub language: Option<String>,
    /// Fields the front door could not read (a number or a date typed wrong), reported with the
    /// service's own problems so that a form shows them all at once.
    pub unreadable: Vec<Invalid>,
}

/// The place fields shared by needs and capabilities, validated.
#[derive(Debug, Clone)]
pub struct Coverage {
    /// Theme codes, deduplicated, at least one.
    pub themes: Vec<String>,
    /// CPV codes, eight digits, deduplicated.
    pub cpv_codes: Vec<String>,
    /// County numbers, deduplicated.
    pub counties: Vec<String>,
    /// The whole country.
    pub national: bool,
}

/// Validates themes, CPV codes and counties. CPV codes are checked against the vocabulary when
/// one is loaded.
pub fn coverage(
    conn: &mut DbConn,
    themes: &[String],
    cpv_codes: &[String],
    counties: &[String],
    national: bool,
) -> Result<Coverage, AppError> {
    all_valid! {
        let themes = theme_codes(themes);
        let cpv_codes = checked_cpv_codes(conn, cpv_codes);
        let counties = county_codes(counties, national);
    }
    Ok(Coverage {
        themes,
        cpv_codes,
        counties,
        national,
    })
}

fn theme_codes(themes: &[String]) -> Result<Vec<String>, Invalid> {
    if themes.is_empty() {
        return Err(Invalid::because("themes", Problem::Required, "give at least one theme: climate_environment, health_welfare, digitalisation, mobility_transport, buildings_infrastructure or other"));
    }
    let mut codes = Vec::new();
    for t in themes {
        let theme = Theme::parse(t.trim())?.as_str().to_owned();
        if !codes.contains(&theme) {
            codes.push(theme);
        }
    }
    Ok(codes)
}

fn county_codes(counties: &[String], national: bool) -> Result<Vec<String>, Invalid> {
    let mut codes = Vec::new();
    for c in counties {
        let county = County::parse_for("counties", c)?.as_str().to_owned();
        if !codes.contains(&county) {
            codes.push(county);
        }
    }
    if codes.is_empty() && !national {
        return Err(Invalid::because(
            "counties",
            Problem::Required,
            "give the counties concerned, or national: true for the whole country",
        ));
    }
    Ok(codes)
}

/// CPV codes, validated: at most 50, each well formed and, when a vocabulary is loaded, in it.
/// Returns them normalised and deduplicated.
pub fn checked_cpv_codes(conn: &mut DbConn, cpv_codes: &[String]) -> AppResult<Vec<String>> {
    if cpv_codes.len() > 50 {
        return Err(
            Invalid::because("cpv_codes", Problem::TooMany, "give at most 50 CPV codes")
                .with("max", 50)
                .into(),
        );
    }
    cpv::validate_codes(conn, cpv_codes)
}

/// Text and language, validated; the language is detected when not given.
pub fn text_and_language(
    title: &str,
    description: &str,
    language: Option<&str>,
) -> AppResult<(String, String, Language)> {
    all_valid! {
        let title = domain::line("title", title, TITLE_MAX);
        let description = domain::text("description", description, DESCRIPTION_MAX);
        let language = language
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(Language::parse)
            .transpose();
    }
    let language = language.unwrap_or_else(|| detect_language(&format!("{title}\n{description}")));
    Ok((title, description, language))
}

/// Builds the stored row from validated fields, keeping id, owner and creation time of `base`.
fn row_from(conn: &mut DbConn, fields: &NeedFields, base: NeedRow) -> Result<NeedRow, AppError> {
    all_valid! {
        let text = text_and_language(
            &fields.title,
            &fields.description,
            fields.language.as_deref(),
        );
        let cover = coverage(
            conn,
            &fields.themes,
            &fields.cpv_codes,
            &fields.counties,
            fields.national,
        );
        let _value = match fields.estimated_value_nok {
            Some(v) if v < 0 => Err(Invalid::because(
                "estimated_value_nok",
                Problem::NotANumber,
                "estimated_value_nok must be 0 or more",
            )),
            _ => Ok(()),
        };
        let status = fields
            .status
            .as_deref()
            .map(|s| NeedStatus::parse(s.trim()))
            .transpose();
        let _unread = match fields.unreadable.first() {
            Some(_) => Err(AppError::Validation(fields.unreadable.clone())),
            None => Ok(()),
        };
    }
    let (title, description, language) = text;
    let status = status.unwrap_or(NeedStatus::Open);
    Ok(NeedRow {
        title,
        description,
        themes: json_array(&cover.themes),
        cpv_codes: json_array(&cover.cpv_codes),
        counties: json_array(&cover.counties),
        national: cover.national,
        estimated_value_nok: fields.estimated_value_nok,
        planned_tender_date: fields.planned_tender_date,
        status,
        language: language.as_str().to_owned(),
        updated_at: db::now(),
        ..base
    })
}

/// The fields of a stored need, for applying a change to.
pub fn fields_of(row: &NeedRow) -> NeedFields {
    NeedFields {
        title: row.title.clone(),
        description: row.description.clone(),
        themes: json_list(&row.themes),
        cpv_codes: json_list(&row.cpv_codes),
        counties: json_list(&row.counties),
        national: row.national,
        estimated_value_nok: row.estimated_value_nok,
        planned_tender_date: row.planned_tender_date,
        status: Some(row.status.as_str().to_owned()),
        language: Some(row.language.clone()),
        unreadable: Vec::new(),
    }
}

/// The caller's organisation, which must be a buyer.
fn buyer_org(conn: &mut DbConn, caller: &Caller, action: &str) -> Result<String, AppError> {
    let org_id = caller.organisation_id().ok_or_else(|| {
        AppError::forbidden(format!(
            "only buyers {action}; programme administrators have no organisation"
        ))
    })?;
    let org = crate::app::organisations::get(conn, org_id)?;
    if crate::app::organisations::kind_of(&org)? != OrgKind::Buyer {
        return Err(AppError::forbidden(format!(
            "only buyers {action}; your organisation is a {}",
            org.kind
        )));
    }
    Ok(org_id.to_owned())
}

fn pending(conn: &mut DbConn, caller: &Caller) -> Result<bool, AppError> {
    Ok(match caller.organisation_id() {
        Some(id) => crate::app::organisations::get(conn, id)?.approval == "pending",
        None => false,
    })
}

/// Registers a need for the caller's organisation.
pub fn create(conn: &mut DbConn, caller: &Caller, fields: NeedFields) -> Result<NeedRow, AppError> {
    let org_id = buyer_org(conn, caller, "register needs")?;
    let now = db::now();
    let base = NeedRow {
        id: db::new_id(),
        organisation_id: org_id,
        created_by: Some(caller.account_id.clone()),
        title: String::new(),
        description: String::new(),
        themes: String::new(),
        cpv_codes: String::new(),
        counties: String::new(),
        national: false,
        estimated_value_nok: None,
        planned_tender_date: None,
        status: NeedStatus::Open,
        language: String::new(),
        source: "registered".to_owned(),
        created_at: now,
        updated_at: now,
    };
    let explicit = fields.status.is_some();
    let mut row = row_from(conn, &fields, base)?;
    if row.status == NeedStatus::Open && !explicit && pending(conn, caller)? {
        // A buyer awaiting approval prepares: its needs start as drafts.
        row.status = NeedStatus::Draft;
    }
    if row.status == NeedStatus::Open {
        crate::app::organisations::require_approved(conn, caller, "publish needs")?;
    }
    db::write_tx(conn, |conn| {
        q::insert(conn, &row)?;
        index_queue::enqueue(conn, "need", &row.id)?;
        Ok::<_, AppError>(())
    })?;
    Ok(row)
}

/// Writes the open need a published notice describes, for `organisation_id` (its buyer): a new
/// one, or `existing` brought up to date when a newer version of the notice arrives.
pub fn save_from_notice(
    conn: &mut DbConn,
    organisation_id: &str,
    existing: Option<NeedRow>,
    fields: NeedFields,
) -> Result<NeedRow, AppError> {
    let now = db::now();
    let base = existing.clone().unwrap_or_else(|| NeedRow {
        id: db::new_id(),
        organisation_id: organisation_id.to_owned(),
        created_by: None,
        title: String::new(),
        description: String::new(),
        themes: String::new(),
        cpv_codes: String::new(),
        counties: String::new(),
        national: false,
        estimated_value_nok: None,
        planned_tender_date: None,
        status: NeedStatus::Open,
        language: String::new(),
        source: "notice".to_owned(),
        created_at: now,
        updated_at: now,
    });
    let row = row_from(conn, &fields, base)?;
    if existing.is_some() {
        q::update(conn, &row)?;
    } else {
        q::insert(conn, &row)?;
    }
    index_queue::enqueue(conn, "need", &row.id)?;
    Ok(row)
}

/// Whether the caller may see this need: drafts only by their own organisation.
pub fn visible_to(row: &NeedRow, caller: &Caller) -> bool {
    row.status != NeedStatus::Draft || caller.belongs_to(&row.organisation_id)
}

/// Loads a need the caller may see, or answers 404.
pub fn get(conn: &mut DbConn, caller: &Caller, id: &str) -> Result<NeedRow, AppError> {
    q::find(conn, id)?
        .filter(|row| visible_to(row, caller))
        .ok_or_else(|| AppError::not_found("no need has this id"))
}

fn require_own(row: &NeedRow, caller: &Caller) -> Result<(), AppError> {
    if caller.belongs_to(&row.organisation_id) {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "only the organisation that registered the need can change it",
        ))
    }
}

/// Changes a need of the caller's organisation.
pub fn update(
    conn: &mut DbConn,
    caller: &Caller,
    id: &str,
    change: impl FnOnce(&mut NeedFields),
) -> Result<NeedRow, AppError> {
    let current = get(conn, caller, id)?;
    require_own(&current, caller)?;
    let mut fields = fields_of(&current);
    let old_text = (fields.title.clone(), fields.description.clone());
    // A language given in the change wins; otherwise new text is detected again.
    fields.language = None;
    change(&mut fields);
    if fields.language.is_none() && (fields.title.clone(), fields.description.clone()) == old_text {
        fields.language = Some(current.language.clone());
    }
    let was_open = current.status == NeedStatus::Open;
    let row = row_from(conn, &fields, current)?;
    if row.status == NeedStatus::Open && !was_open {
        crate::app::organisations::require_approved(conn, caller, "publish needs")?;
    }
    db::write_tx(conn, |conn| {
        q::update(conn, &row)?;
        index_queue::enqueue(conn, "need", &row.id)?;
        Ok::<_, AppError>(())
    })?;
    Ok(row)
}

/// Deletes a need of the caller's organisation.
pub fn delete(conn: &mut DbConn, caller: &Caller, id: &str) -> Result<(), AppError> {
    let current = get(conn, caller, id)?;
    require_own(&current, caller)?;
    db::write_tx(conn, |conn| {
        q::delete(conn, id)?;
        index_queue::enqueue(conn, "need", id)?;
        Ok::<_, AppError>(())
    })
}

/// The first `limit` needs the caller may see, in the filter's order, without counting them.
pub fn first(
    conn: &mut DbConn,
    caller: &Caller,
    mut filter: NeedFilter,
    limit: i64,
) -> Result<Vec<NeedRow>, AppError> {
    filter.viewer_organisation = caller.organisation_id().map(str::to_owned);
    Ok(q::list_after(conn, &filter, None, limit)?)
}

/// Declares that the caller's organisation has the same need.
pub fn join(conn: &mut DbConn, caller: &Caller, id: &str) -> Result<bool, AppError> {
    let need = get(conn, caller, id)?;
    let org_id = buyer_org(conn, caller, "declare a shared need")?;
    if need.organisation_id == org_id {
        return Err(AppError::conflict(
            None,
            "your organisation registered this need; it already takes part",
        ));
    }
    if need.status != NeedStatus::Open {
        return Err(AppError::clash(
            Some("status"),
            Clash::NeedClosed,
            "this need is closed; only open needs can be joined",
        ));
    }
    let row = ParticipantRow {
        need_id: need.id,
        organisation_id: org_id,
        account_id: Some(caller.account_id.clone()),
        created_at: db::now(),
    };
    let first = db::write_tx(conn, |conn| q::add_participant(conn, &row));
    match first {
        Err(e) if db::is_unique_violation(&e) => Ok(false),
        other => Ok(other?),
    }
}

/// Withdraws an organisation from a need: by that organisation or by the need's owner.
pub fn leave(
    conn: &mut DbConn,
    caller: &Caller,
    id: &str,
    organisation_id: &str,
) -> Result<(), AppError> {
    let need = get(conn, caller, id)?;
    if !caller.belongs_to(organisation_id) && !caller.belongs_to(&need.organisation_id) {
        return Err(AppError::forbidden(
            "only the participant itself or the need's owner can remove a participant",
        ));
    }
    if db::write_tx(conn, |conn| {
        q::remove_participant(conn, id, organisation_id)
    })? {
        Ok(())
    } else {
        Err(AppError::not_found(
            "this organisation does not take part in the need",
        ))
    }
}

/// The participants of a need, with names.
pub fn participants(
    conn: &mut DbConn,
    id: &str,
) -> Result<Vec<(ParticipantRow, String)>, AppError> {
    Ok(q::participants(conn, id)?)
}

/// The name of the need's organisation.
pub fn organisation_name(conn: &mut DbConn, row: &NeedRow) -> Result<String, AppError> {
    Ok(organisations::find(conn, &row.organisation_id)?
        .map(|o| o.name)
        .unwrap_or_default())
}

/// Loads a need `caller` may see; a visitor sees no drafts.
pub fn visible(conn: &mut DbConn, caller: Option<&Caller>, id: &str) -> AppResult<NeedRow> {
    match caller {
        Some(c) => get(conn, c, id),
        None => q::find(conn, id)?
            .filter(|r| r.status != NeedStatus::Draft)
            .ok_or_else(|| AppError::not_found("no need has this id")),
    }
}
