//! Needs: what a buyer needs, described as the need and not the solution. Who may see and change
//! them, their validation, and buyers who declare the same need.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::page::{Page, PageSpec};
use super::Context;
use crate::app::cpv;
use crate::caller::Caller;
use crate::db::needs::{self as q, NeedFilter, NeedRow, ParticipantRow};
use crate::db::{self, index_queue, organisations, DbConn};
use crate::domain::{self, County, Invalid, Language, NeedStatus, OrgKind, Theme};
use crate::error::{AppError, AppResult};
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
    if themes.is_empty() {
        return Err(Invalid::new("themes", "give at least one theme: climate_environment, health_welfare, digitalisation, mobility_transport, buildings_infrastructure or other").into());
    }
    let mut theme_codes = Vec::new();
    for t in themes {
        let theme = Theme::parse(t.trim())?.as_str().to_owned();
        if !theme_codes.contains(&theme) {
            theme_codes.push(theme);
        }
    }
    let codes = checked_cpv_codes(conn, cpv_codes)?;
    let mut county_codes = Vec::new();
    for c in counties {
        let county = County::parse_for("counties", c)?.as_str().to_owned();
        if !county_codes.contains(&county) {
            county_codes.push(county);
        }
    }
    if county_codes.is_empty() && !national {
        return Err(Invalid::new(
            "counties",
            "give the counties concerned, or national: true for the whole country",
        )
        .into());
    }
    Ok(Coverage {
        themes: theme_codes,
        cpv_codes: codes,
        counties: county_codes,
        national,
    })
}

/// CPV codes, validated: at most 50, each well formed and, when a vocabulary is loaded, in it.
/// Returns them normalised and deduplicated.
pub fn checked_cpv_codes(conn: &mut DbConn, cpv_codes: &[String]) -> AppResult<Vec<String>> {
    if cpv_codes.len() > 50 {
        return Err(Invalid::new("cpv_codes", "give at most 50 CPV codes").into());
    }
    cpv::validate_codes(conn, cpv_codes)
}

/// Text and language, validated; the language is detected when not given.
pub fn text_and_language(
    title: &str,
    description: &str,
    language: Option<&str>,
) -> Result<(String, String, Language), Invalid> {
    let title = domain::text("title", title, TITLE_MAX)?;
    let description = domain::text("description", description, DESCRIPTION_MAX)?;
    let language = match language.map(str::trim).filter(|l| !l.is_empty()) {
        Some(l) => Language::parse(l)?,
        None => detect_language(&format!("{title}\n{description}")),
    };
    Ok((title, description, language))
}

/// Builds the stored row from validated fields, keeping id, owner and creation time of `base`.
fn row_from(conn: &mut DbConn, fields: &NeedFields, base: NeedRow) -> Result<NeedRow, AppError> {
    let (title, description, language) = text_and_language(
        &fields.title,
        &fields.description,
        fields.language.as_deref(),
    )?;
    let cover = coverage(
        conn,
        &fields.themes,
        &fields.cpv_codes,
        &fields.counties,
        fields.national,
    )?;
    if fields.estimated_value_nok.is_some_and(|v| v < 0) {
        return Err(Invalid::new(
            "estimated_value_nok",
            "estimated_value_nok must be 0 or more",
        )
        .into());
    }
    let status = match &fields.status {
        Some(s) => NeedStatus::parse(s.trim())?,
        None => NeedStatus::Open,
    };
    Ok(NeedRow {
        title,
        description,
        themes: json_array(&cover.themes),
        cpv_codes: json_array(&cover.cpv_codes),
        counties: json_array(&cover.counties),
        national: cover.national,
        estimated_value_nok: fields.estimated_value_nok,
        planned_tender_date: fields.planned_tender_date,
        status: status.as_str().to_owned(),
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
        status: Some(row.status.clone()),
        language: Some(row.language.clone()),
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
        status: String::new(),
        language: String::new(),
        source: "registered".to_owned(),
        created_at: now,
        updated_at: now,
    };
    let row = row_from(conn, &fields, base)?;
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
        status: String::new(),
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
    row.status != NeedStatus::Draft.as_str() || caller.belongs_to(&row.organisation_id)
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
    let row = row_from(conn, &fields, current)?;
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

/// Lists the needs the caller may see.
pub fn list(
    conn: &mut DbConn,
    caller: &Caller,
    mut filter: NeedFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<NeedRow>, i64), AppError> {
    filter.viewer_organisation = caller.organisation_id().map(str::to_owned);
    Ok(q::list(conn, &filter, offset, limit)?)
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
    if need.status != NeedStatus::Open.as_str() {
        return Err(AppError::conflict(
            Some("status"),
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

// Read models: what both front doors show of a need.

/// A buyer that has the same need.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ParticipantView {
    /// The organisation.
    pub organisation_id: String,
    /// Its name.
    pub organisation_name: String,
    /// When it joined (UTC).
    pub joined_at: DateTime<Utc>,
}

impl From<&(ParticipantRow, String)> for ParticipantView {
    fn from((p, name): &(ParticipantRow, String)) -> Self {
        ParticipantView {
            organisation_id: p.organisation_id.clone(),
            organisation_name: name.clone(),
            joined_at: p.created_at.and_utc(),
        }
    }
}

/// Where to read a notice: the national notice database's search for its id.
pub const NOTICE_URL: &str = "https://doffin.no/search?searchString=";

/// The notice a need was read from.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct NoticeRef {
    /// The eForms notice id.
    pub id: String,
    /// `planning` or `consultation`.
    pub kind: String,
    pub publication_date: NaiveDate,
    /// The deadline for answers to a pre-market consultation.
    pub deadline: Option<DateTime<Utc>>,
    /// The notice in the national notice database.
    pub url: String,
}

/// A need.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct NeedView {
    pub id: String,
    pub organisation_id: String,
    pub organisation_name: Option<String>,
    pub title: String,
    pub description: String,
    pub themes: Vec<String>,
    pub cpv_codes: Vec<String>,
    pub counties: Vec<String>,
    pub national: bool,
    pub estimated_value_nok: Option<i64>,
    pub planned_tender_date: Option<NaiveDate>,
    /// `draft`, `open` or `closed`.
    pub status: String,
    /// `nb`, `nn` or `en`.
    pub language: String,
    /// `registered`, or `notice` for needs read from public notices.
    pub source: String,
    /// The notice this need was read from (`source: notice`, on single needs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<NoticeRef>,
    /// Other buyers with the same need (on single needs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participants: Option<Vec<ParticipantView>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl NeedView {
    /// The view of a row.
    pub fn of(row: &NeedRow) -> NeedView {
        NeedView {
            id: row.id.clone(),
            organisation_id: row.organisation_id.clone(),
            organisation_name: None,
            title: row.title.clone(),
            description: row.description.clone(),
            themes: json_list(&row.themes),
            cpv_codes: json_list(&row.cpv_codes),
            counties: json_list(&row.counties),
            national: row.national,
            estimated_value_nok: row.estimated_value_nok,
            planned_tender_date: row.planned_tender_date,
            status: row.status.clone(),
            language: row.language.clone(),
            source: row.source.clone(),
            participants: None,
            notice: None,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
        }
    }

    /// The view of a row with its organisation's name, its notice and its participants.
    pub fn full(conn: &mut DbConn, row: &NeedRow) -> Result<NeedView, AppError> {
        let mut view = NeedView::of(row);
        view.organisation_name = Some(organisation_name(conn, row)?);
        if row.source == "notice" {
            view.notice = crate::db::notices::of_need(conn, &row.id)?.map(|n| NoticeRef {
                url: format!("{NOTICE_URL}{}", n.id),
                id: n.id,
                kind: n.kind,
                publication_date: n.publication_date,
                deadline: n.consultation_deadline.map(|d| d.and_utc()),
            });
        }
        view.participants = Some(
            participants(conn, &row.id)?
                .iter()
                .map(Into::into)
                .collect(),
        );
        Ok(view)
    }
}

// The use cases both front doors call: each runs off the async executor and wakes the indexer
// after a write, so no front door has to remember to.

/// Registers a need for the caller's organisation and returns its view.
pub async fn register(ctx: &Context, caller: &Caller, fields: NeedFields) -> AppResult<NeedView> {
    let caller = caller.clone();
    let view = ctx
        .db
        .run(move |conn| {
            let row = create(conn, &caller, fields)?;
            NeedView::full(conn, &row)
        })
        .await?;
    ctx.index.notify();
    Ok(view)
}

/// Applies `change` to a need of the caller's organisation and returns the new view.
pub async fn change(
    ctx: &Context,
    caller: &Caller,
    id: &str,
    change: impl FnOnce(&mut NeedFields) + Send + 'static,
) -> AppResult<NeedView> {
    let (caller, id) = (caller.clone(), id.to_owned());
    let view = ctx
        .db
        .run(move |conn| {
            let row = update(conn, &caller, &id, change)?;
            NeedView::full(conn, &row)
        })
        .await?;
    ctx.index.notify();
    Ok(view)
}

/// Deletes a need of the caller's organisation.
pub async fn remove(ctx: &Context, caller: &Caller, id: &str) -> AppResult<()> {
    let (caller, id) = (caller.clone(), id.to_owned());
    ctx.db.run(move |conn| delete(conn, &caller, &id)).await?;
    ctx.index.notify();
    Ok(())
}

/// A need as its page and the API show it, for a signed-in caller or (with `None`) a visitor:
/// drafts only to their own organisation, as if they did not exist for anyone else.
pub async fn view(ctx: &Context, caller: Option<&Caller>, id: &str) -> AppResult<NeedView> {
    let (caller, id) = (caller.cloned(), id.to_owned());
    ctx.db
        .run(move |conn| {
            let row = visible(conn, caller.as_ref(), &id)?;
            NeedView::full(conn, &row)
        })
        .await
}

/// A need of the caller's own organisation, for its edit form; others' needs are not found.
pub async fn own(ctx: &Context, caller: &Caller, id: &str) -> AppResult<NeedView> {
    let (caller, id) = (caller.clone(), id.to_owned());
    ctx.db
        .run(move |conn| {
            let row = get(conn, &caller, &id)?;
            if !caller.belongs_to(&row.organisation_id) {
                return Err(AppError::not_found("no such need"));
            }
            Ok(NeedView::of(&row))
        })
        .await
}

/// Loads a need `caller` may see; a visitor sees no drafts.
pub fn visible(conn: &mut DbConn, caller: Option<&Caller>, id: &str) -> AppResult<NeedRow> {
    match caller {
        Some(c) => get(conn, c, id),
        None => q::find(conn, id)?
            .filter(|r| r.status != NeedStatus::Draft.as_str())
            .ok_or_else(|| AppError::not_found("no need has this id")),
    }
}

/// A page of the needs `caller` may see, with their organisations' names; a visitor sees no
/// drafts.
pub async fn page(
    ctx: &Context,
    caller: Option<&Caller>,
    mut filter: NeedFilter,
    spec: PageSpec,
) -> AppResult<Page<NeedView>> {
    // Drafts are listed only for their own organisation; a visitor has none.
    filter.viewer_organisation = caller.and_then(|c| c.organisation_id().map(str::to_owned));
    ctx.db
        .run(move |conn| {
            let (rows, total) = q::list(conn, &filter, spec.offset(), spec.per_page)?;
            let ids: Vec<String> = rows.iter().map(|r| r.organisation_id.clone()).collect();
            let names = organisations::names(conn, &ids)?;
            let items = rows
                .iter()
                .map(|r| {
                    let mut v = NeedView::of(r);
                    v.organisation_name = names.get(&r.organisation_id).cloned();
                    v
                })
                .collect();
            Ok(spec.wrap(items, total))
        })
        .await
}

/// Declares that the caller's organisation has the same need; true when it was new. Returns the
/// need's view with its participants.
pub async fn join_need(ctx: &Context, caller: &Caller, id: &str) -> AppResult<(bool, NeedView)> {
    let (caller, id) = (caller.clone(), id.to_owned());
    ctx.db
        .run(move |conn| {
            let joined = join(conn, &caller, &id)?;
            let row = get(conn, &caller, &id)?;
            Ok((joined, NeedView::full(conn, &row)?))
        })
        .await
}

/// Withdraws an organisation from a need.
pub async fn leave_need(
    ctx: &Context,
    caller: &Caller,
    id: &str,
    organisation_id: &str,
) -> AppResult<()> {
    let (caller, id, org) = (caller.clone(), id.to_owned(), organisation_id.to_owned());
    ctx.db
        .run(move |conn| leave(conn, &caller, &id, &org))
        .await
}

/// A joint process a need takes part in, as a need's page links it.
#[derive(Debug, Clone, Serialize)]
pub struct ProcessRef {
    pub id: String,
    pub title: String,
    /// The process's phase.
    pub phase: String,
}

/// Everything a need's page shows besides matches: the need, its processes, and its index form
/// (to find matches with).
#[derive(Debug)]
pub struct NeedDetail {
    /// The need, with participants and notice.
    pub need: NeedView,
    /// The joint processes it takes part in.
    pub processes: Vec<ProcessRef>,
    /// The need as the index sees it.
    pub item: crate::search::document::Indexable,
}

/// A need's page for `caller` (or a visitor): drafts only for their own organisation.
pub async fn detail(ctx: &Context, caller: Option<&Caller>, id: &str) -> AppResult<NeedDetail> {
    let (caller, id) = (caller.cloned(), id.to_owned());
    ctx.db
        .run(move |conn| {
            let row = visible(conn, caller.as_ref(), &id)?;
            let need = NeedView::full(conn, &row)?;
            let mut processes = Vec::new();
            for (_, pid) in crate::db::processes::processes_of_needs(conn, &[row.id.clone()])? {
                if let Some(p) = crate::db::processes::find(conn, &pid)? {
                    processes.push(ProcessRef {
                        id: p.id,
                        title: p.title,
                        phase: p.phase,
                    });
                }
            }
            let kind = super::organisations::get(conn, &row.organisation_id)?.kind;
            let item = crate::search::document::Indexable::need(&row, &kind);
            Ok(NeedDetail {
                need,
                processes,
                item,
            })
        })
        .await
}
