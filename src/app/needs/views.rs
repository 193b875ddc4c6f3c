//! What the front doors show of a need (its view with participants and notice, its page) and the
//! use cases they call. Each runs off the async executor; writes wake the indexer.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::search::order_name;
use super::{
    create, delete, get, join, leave, organisation_name, participants, update, visible, NeedFields,
};
use crate::app::page::{self, Page, PageSpec};
use crate::app::Context;
use crate::caller::Caller;
use crate::db::needs::{self as q, NeedFilter, NeedRow, ParticipantRow};
use crate::db::{organisations, DbConn};
use crate::error::{AppError, AppResult};
use crate::search::document::json_list;

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
            status: row.status.as_str().to_owned(),
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
    let counts = ctx.counts.clone();
    ctx.db
        .run(move |conn| {
            // A search's hits are counted each time: their key would be the whole id list.
            let total = match filter.ids {
                Some(_) => q::count_matching(conn, &filter)?,
                None => counts.total(conn, format!("needs {filter:?}"), |c| {
                    q::count_matching(c, &filter)
                })?,
            };
            let rows = q::page(conn, &filter, spec.offset(), spec.per_page)?;
            let mut page = spec.wrap(named(conn, &rows)?, total);
            // A numbered page points on by cursor too, so a client can switch to the cheaper
            // way after the first page; not for a search's hits, which a cursor cannot follow.
            if filter.ids.is_none() && spec.offset() + (rows.len() as i64) < total {
                page.next_cursor = rows
                    .last()
                    .map(|r| page::cursor_of(order_name(filter.sort), &q::key_of(r, filter.sort)));
            }
            Ok(page)
        })
        .await
}

/// A page of the needs `caller` may see after a cursor, with their organisations' names.
pub async fn page_after(
    ctx: &Context,
    caller: Option<&Caller>,
    mut filter: NeedFilter,
    spec: page::CursorSpec,
) -> AppResult<Page<NeedView>> {
    filter.viewer_organisation = caller.and_then(|c| c.organisation_id().map(str::to_owned));
    ctx.db
        .run(move |conn| {
            let rows = q::list_after(conn, &filter, spec.after.as_ref(), spec.per_page + 1)?;
            let order = filter.sort;
            let (rows, next) = page::split_page(rows, spec.per_page, |r| {
                page::cursor_of(order_name(order), &q::key_of(r, order))
            });
            Ok(page::cursor_page(named(conn, &rows)?, spec.per_page, next))
        })
        .await
}

/// The views of `rows` with their organisations' names.
fn named(conn: &mut DbConn, rows: &[NeedRow]) -> diesel::QueryResult<Vec<NeedView>> {
    let ids: Vec<String> = rows.iter().map(|r| r.organisation_id.clone()).collect();
    let names = organisations::names(conn, &ids)?;
    Ok(rows
        .iter()
        .map(|r| {
            let mut v = NeedView::of(r);
            v.organisation_name = names.get(&r.organisation_id).cloned();
            v
        })
        .collect())
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
    /// Its CPV codes with their labels, as far as the vocabulary has them.
    pub cpv: Vec<CpvLabel>,
}

/// A CPV code with its labels in both languages.
#[derive(Debug, Clone, Serialize)]
pub struct CpvLabel {
    /// The code, eight digits.
    pub code: String,
    /// In Bokmål.
    pub label_nb: String,
    /// In English.
    pub label_en: String,
}

/// A need's page for `caller` (or a visitor): drafts only for their own organisation.
pub async fn detail(ctx: &Context, caller: Option<&Caller>, id: &str) -> AppResult<NeedDetail> {
    let (caller, id) = (caller.cloned(), id.to_owned());
    ctx.db
        .run(move |conn| {
            let row = visible(conn, caller.as_ref(), &id)?;
            let need = NeedView::full(conn, &row)?;
            let mut processes = Vec::new();
            for (_, pid) in
                crate::db::processes::processes_of_needs(conn, std::slice::from_ref(&row.id))?
            {
                if let Some(p) = crate::db::processes::find(conn, &pid)? {
                    processes.push(ProcessRef {
                        id: p.id,
                        title: p.title,
                        phase: p.phase.as_str().to_owned(),
                    });
                }
            }
            let kind = crate::app::organisations::get(conn, &row.organisation_id)?.kind;
            let item = crate::search::document::Indexable::need(&row, &kind);
            let known = crate::db::cpv::find_many(conn, &need.cpv_codes)?;
            let cpv = need
                .cpv_codes
                .iter()
                .map(|code| {
                    let found = known.iter().find(|r| r.code == *code);
                    CpvLabel {
                        code: code.clone(),
                        label_nb: found.map(|r| r.label_nb.clone()).unwrap_or_default(),
                        label_en: found.map(|r| r.label_en.clone()).unwrap_or_default(),
                    }
                })
                .collect();
            Ok(NeedDetail {
                need,
                processes,
                item,
                cpv,
            })
        })
        .await
}
