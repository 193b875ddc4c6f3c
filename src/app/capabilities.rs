//! Capabilities: what a supplier or a cluster can deliver. Who may change them and their
//! validation.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::page::{Page, PageSpec};
use super::Context;
use crate::app::needs::{coverage, text_and_language};
use crate::caller::Caller;
use crate::db::capabilities::{self as q, CapabilityFilter, CapabilityRow};
use crate::db::{self, index_queue, DbConn};
use crate::domain::{self, Invalid, Maturity, OrgKind, Problem};
use crate::error::{all_valid, AppError, AppResult};
use crate::search::document::{json_array, json_list};

/// The fields of a capability as given, before validation.
#[derive(Debug, Clone, Default)]
pub struct CapabilityFields {
    pub title: String,
    pub description: String,
    pub themes: Vec<String>,
    pub cpv_codes: Vec<String>,
    pub counties: Vec<String>,
    pub national: bool,
    pub maturity: Option<String>,
    pub keywords: Vec<String>,
    pub references: Vec<String>,
    pub language: Option<String>,
}

fn short_list(
    field: &'static str,
    values: &[String],
    max_items: usize,
    max_len: usize,
) -> Result<Vec<String>, Invalid> {
    if values.len() > max_items {
        return Err(Invalid::because(
            field,
            Problem::TooMany,
            format!("give at most {max_items} {field}"),
        )
        .with("max", max_items));
    }
    let mut out = Vec::new();
    for v in values {
        let v = domain::text(field, v, max_len)?;
        if !out.contains(&v) {
            out.push(v);
        }
    }
    Ok(out)
}

fn row_from(
    conn: &mut DbConn,
    fields: &CapabilityFields,
    base: CapabilityRow,
) -> Result<CapabilityRow, AppError> {
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
        let maturity = fields
            .maturity
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(|m| Maturity::parse(m).map(|m| m.as_str().to_owned()))
            .transpose();
        let keywords = short_list("keywords", &fields.keywords, 30, 80);
        let references = short_list("references", &fields.references, 20, 2000);
    }
    let (title, description, language) = text;
    Ok(CapabilityRow {
        title,
        description,
        themes: json_array(&cover.themes),
        cpv_codes: json_array(&cover.cpv_codes),
        counties: json_array(&cover.counties),
        national: cover.national,
        maturity,
        keywords: json_array(&keywords),
        reference_list: json_array(&references),
        language: language.as_str().to_owned(),
        updated_at: db::now(),
        ..base
    })
}

/// The fields of a stored capability.
pub fn fields_of(row: &CapabilityRow) -> CapabilityFields {
    CapabilityFields {
        title: row.title.clone(),
        description: row.description.clone(),
        themes: json_list(&row.themes),
        cpv_codes: json_list(&row.cpv_codes),
        counties: json_list(&row.counties),
        national: row.national,
        maturity: row.maturity.clone(),
        keywords: json_list(&row.keywords),
        references: json_list(&row.reference_list),
        language: Some(row.language.clone()),
    }
}

/// Registers a capability for the caller's organisation, a supplier or a cluster.
pub fn create(
    conn: &mut DbConn,
    caller: &Caller,
    fields: CapabilityFields,
) -> Result<CapabilityRow, AppError> {
    let org_id = caller
        .organisation_id()
        .ok_or_else(|| AppError::forbidden("only suppliers and clusters register capabilities"))?
        .to_owned();
    let org = crate::app::organisations::get(conn, &org_id)?;
    if crate::app::organisations::kind_of(&org)? == OrgKind::Buyer {
        return Err(AppError::forbidden(
            "only suppliers and clusters register capabilities; buyers register needs",
        ));
    }
    let now = db::now();
    let base = CapabilityRow {
        id: db::new_id(),
        organisation_id: org_id,
        created_by: Some(caller.account_id.clone()),
        title: String::new(),
        description: String::new(),
        themes: String::new(),
        cpv_codes: String::new(),
        counties: String::new(),
        national: false,
        maturity: None,
        keywords: String::new(),
        reference_list: String::new(),
        language: String::new(),
        created_at: now,
        updated_at: now,
    };
    let row = row_from(conn, &fields, base)?;
    db::write_tx(conn, |conn| {
        q::insert(conn, &row)?;
        index_queue::enqueue(conn, "capability", &row.id)?;
        Ok::<_, AppError>(())
    })?;
    Ok(row)
}

/// Loads a capability, or answers 404. Capabilities are visible to everyone signed in.
pub fn get(conn: &mut DbConn, id: &str) -> Result<CapabilityRow, AppError> {
    q::find(conn, id)?.ok_or_else(|| AppError::not_found("no capability has this id"))
}

fn require_own(row: &CapabilityRow, caller: &Caller) -> Result<(), AppError> {
    if caller.belongs_to(&row.organisation_id) {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "only the organisation that registered the capability can change it",
        ))
    }
}

/// Changes a capability of the caller's organisation.
pub fn update(
    conn: &mut DbConn,
    caller: &Caller,
    id: &str,
    change: impl FnOnce(&mut CapabilityFields),
) -> Result<CapabilityRow, AppError> {
    let current = get(conn, id)?;
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
        index_queue::enqueue(conn, "capability", &row.id)?;
        Ok::<_, AppError>(())
    })?;
    Ok(row)
}

/// Deletes a capability of the caller's organisation.
pub fn delete(conn: &mut DbConn, caller: &Caller, id: &str) -> Result<(), AppError> {
    let current = get(conn, id)?;
    require_own(&current, caller)?;
    db::write_tx(conn, |conn| {
        q::delete(conn, id)?;
        index_queue::enqueue(conn, "capability", id)?;
        Ok::<_, AppError>(())
    })
}

/// Lists capabilities.
pub fn list(
    conn: &mut DbConn,
    filter: &CapabilityFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<CapabilityRow>, i64), AppError> {
    Ok(q::list(conn, filter, offset, limit)?)
}

// Read models: what both front doors show of a capability.

/// A capability.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CapabilityView {
    pub id: String,
    pub organisation_id: String,
    pub organisation_name: Option<String>,
    pub title: String,
    pub description: String,
    pub themes: Vec<String>,
    pub cpv_codes: Vec<String>,
    pub counties: Vec<String>,
    pub national: bool,
    pub maturity: Option<String>,
    pub keywords: Vec<String>,
    pub references: Vec<String>,
    pub language: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl CapabilityView {
    /// The view of a row.
    pub fn of(row: &CapabilityRow) -> CapabilityView {
        CapabilityView {
            id: row.id.clone(),
            organisation_id: row.organisation_id.clone(),
            organisation_name: None,
            title: row.title.clone(),
            description: row.description.clone(),
            themes: json_list(&row.themes),
            cpv_codes: json_list(&row.cpv_codes),
            counties: json_list(&row.counties),
            national: row.national,
            maturity: row.maturity.clone(),
            keywords: json_list(&row.keywords),
            references: json_list(&row.reference_list),
            language: row.language.clone(),
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
        }
    }

    /// The view of a row with its organisation's name.
    pub fn named(conn: &mut DbConn, row: &CapabilityRow) -> Result<CapabilityView, AppError> {
        let mut view = CapabilityView::of(row);
        view.organisation_name =
            crate::db::organisations::find(conn, &row.organisation_id)?.map(|o| o.name);
        Ok(view)
    }
}

// The use cases both front doors call: each runs off the async executor and wakes the indexer
// after a write.

/// Registers a capability for the caller's organisation and returns its view.
pub async fn register(
    ctx: &Context,
    caller: &Caller,
    fields: CapabilityFields,
) -> AppResult<CapabilityView> {
    let caller = caller.clone();
    let view = ctx
        .db
        .run(move |conn| {
            let row = create(conn, &caller, fields)?;
            CapabilityView::named(conn, &row)
        })
        .await?;
    ctx.index.notify();
    Ok(view)
}

/// A capability, with its organisation's name. Capabilities are public to signed-in users.
pub async fn view(ctx: &Context, id: &str) -> AppResult<CapabilityView> {
    let id = id.to_owned();
    ctx.db
        .run(move |conn| {
            let row = get(conn, &id)?;
            CapabilityView::named(conn, &row)
        })
        .await
}

/// A capability of the caller's own organisation, for its edit form; others' are not found.
pub async fn own(ctx: &Context, caller: &Caller, id: &str) -> AppResult<CapabilityView> {
    let view = view(ctx, id).await?;
    if !caller.belongs_to(&view.organisation_id) {
        return Err(AppError::not_found("no such capability"));
    }
    Ok(view)
}

/// Applies `change` to a capability of the caller's organisation and returns the new view.
pub async fn change(
    ctx: &Context,
    caller: &Caller,
    id: &str,
    change: impl FnOnce(&mut CapabilityFields) + Send + 'static,
) -> AppResult<CapabilityView> {
    let (caller, id) = (caller.clone(), id.to_owned());
    let view = ctx
        .db
        .run(move |conn| {
            let row = update(conn, &caller, &id, change)?;
            CapabilityView::named(conn, &row)
        })
        .await?;
    ctx.index.notify();
    Ok(view)
}

/// Deletes a capability of the caller's organisation.
pub async fn remove(ctx: &Context, caller: &Caller, id: &str) -> AppResult<()> {
    let (caller, id) = (caller.clone(), id.to_owned());
    ctx.db.run(move |conn| delete(conn, &caller, &id)).await?;
    ctx.index.notify();
    Ok(())
}

/// A page of capabilities with their organisations' names.
pub async fn page(
    ctx: &Context,
    filter: CapabilityFilter,
    spec: PageSpec,
) -> AppResult<Page<CapabilityView>> {
    let counts = ctx.counts.clone();
    ctx.db
        .run(move |conn| {
            let total = counts.total(conn, format!("capabilities {filter:?}"), |c| {
                q::count_matching(c, &filter)
            })?;
            let rows = q::page(conn, &filter, spec.offset(), spec.per_page)?;
            let mut page = spec.wrap(named(conn, &rows)?, total);
            if spec.offset() + (rows.len() as i64) < total {
                page.next_cursor = rows
                    .last()
                    .map(|r| super::page::cursor_of(ORDER, &q::key_of(r)));
            }
            Ok(page)
        })
        .await
}

/// The one order of the capability list, as cursors name it.
pub const ORDER: &str = "newest";

/// A page of capabilities after a cursor, newest first, with their organisations' names.
pub async fn page_after(
    ctx: &Context,
    filter: CapabilityFilter,
    spec: super::page::CursorSpec,
) -> AppResult<Page<CapabilityView>> {
    ctx.db
        .run(move |conn| {
            let rows = q::list_after(conn, &filter, spec.after.as_ref(), spec.per_page + 1)?;
            let (rows, next) = super::page::split_page(rows, spec.per_page, |r| {
                super::page::cursor_of(ORDER, &q::key_of(r))
            });
            Ok(super::page::cursor_page(
                named(conn, &rows)?,
                spec.per_page,
                next,
            ))
        })
        .await
}

/// The views of `rows` with their organisations' names.
fn named(conn: &mut DbConn, rows: &[CapabilityRow]) -> diesel::QueryResult<Vec<CapabilityView>> {
    let ids: Vec<String> = rows.iter().map(|r| r.organisation_id.clone()).collect();
    let names = crate::db::organisations::names(conn, &ids)?;
    Ok(rows
        .iter()
        .map(|r| {
            let mut v = CapabilityView::of(r);
            v.organisation_name = names.get(&r.organisation_id).cloned();
            v
        })
        .collect())
}
