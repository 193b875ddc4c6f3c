//! Matching as both front doors show it: needs to capabilities, needs to needs, and search, each
//! behind the visibility rule of what it starts from, with the organisations' names filled in.

use std::collections::HashMap;

use serde::Serialize;
use utoipa::ToSchema;

use super::Context;
use crate::caller::Caller;
use crate::db::capabilities::CapabilityRow;
use crate::error::{AppError, AppResult};
use crate::search::document::{DocType, Indexable};
use crate::search::matching::{self, Filters, Match};

/// A list of matches.
#[derive(Debug, Serialize, ToSchema)]
pub struct Matches {
    /// Best first.
    pub items: Vec<Match>,
}

/// Runs index work on the blocking pool and names the organisations in the result, in one
/// blocking task: every hop between the executor and the pool adds to a match's latency.
pub async fn run_and_name<E>(
    ctx: &Context,
    work: impl FnOnce() -> Result<Vec<Match>, E> + Send + 'static,
) -> AppResult<Matches>
where
    AppError: From<E>,
{
    let db = ctx.db.clone();
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || {
        let _entered = span.enter();
        let mut items = work()?;
        let ids: Vec<String> = items.iter().map(|m| m.organisation_id.clone()).collect();
        let mut conn = db.get().map_err(crate::db::DbError::from)?;
        let names = crate::db::organisations::names(&mut conn, &ids)?;
        for m in &mut items {
            m.organisation_name = names.get(&m.organisation_id).cloned();
            for a in &mut m.also {
                a.organisation_name = m.organisation_name.clone();
            }
        }
        Ok(Matches { items })
    })
    .await
    .map_err(|e| AppError::Internal(anyhow::anyhow!("search task failed: {e}")))?
}

/// The index form of a need `caller` may see (a visitor sees no drafts).
pub async fn need_item(ctx: &Context, caller: Option<&Caller>, id: &str) -> AppResult<Indexable> {
    let (caller, id) = (caller.cloned(), id.to_owned());
    ctx.db
        .run(move |conn| {
            let row = super::needs::visible(conn, caller.as_ref(), &id)?;
            let kind = super::organisations::get(conn, &row.organisation_id)?.kind;
            Ok(Indexable::need(&row, &kind))
        })
        .await
}

/// The index form of a capability.
pub async fn capability_item(ctx: &Context, id: &str) -> AppResult<Indexable> {
    let id = id.to_owned();
    ctx.db
        .run(move |conn| {
            let row = super::capabilities::get(conn, &id)?;
            let kind = super::organisations::get(conn, &row.organisation_id)?.kind;
            Ok(Indexable::capability(&row, &kind))
        })
        .await
}

/// How a match list is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    /// Every matching document on its own.
    None,
    /// Each organisation once, at its best match, with its other matches beside it.
    Organisation,
}

/// What matches `item` under `filters`, best first, with the reasons: capabilities for a need,
/// open needs for a capability. Grouped, `limit` counts organisations.
pub async fn matches(
    ctx: &Context,
    item: Indexable,
    filters: Filters,
    limit: usize,
    grouping: Grouping,
) -> AppResult<Matches> {
    let index = ctx.index.clone();
    run_and_name(ctx, move || {
        laid_out(&index, &item, &filters, limit, grouping)
    })
    .await
}

/// The matches of `item`, grouped as asked.
fn laid_out(
    index: &crate::search::SearchIndex,
    item: &Indexable,
    filters: &Filters,
    limit: usize,
    grouping: Grouping,
) -> Result<Vec<Match>, matching::MatchError> {
    match grouping {
        Grouping::None => matching::matches(index, item, filters, limit),
        Grouping::Organisation => {
            // Enough documents that `limit` organisations are likely among them.
            let found = matching::matches(index, item, filters, (limit * 5).clamp(50, 1500))?;
            Ok(matching::group_by_organisation(found, limit))
        }
    }
}

/// What matches the need `id`, which `caller` must be able to see, as [`matches`] does; the
/// need is read on the same blocking task as the search, one hop fewer on the busiest route.
pub async fn need_matches(
    ctx: &Context,
    caller: Option<&Caller>,
    id: &str,
    filters: Filters,
    limit: usize,
    grouping: Grouping,
) -> AppResult<Matches> {
    let (caller, id) = (caller.cloned(), id.to_owned());
    let (db, index) = (ctx.db.clone(), ctx.index.clone());
    run_and_name(ctx, move || {
        let item = {
            let mut conn = db.get().map_err(crate::db::DbError::from)?;
            let row = super::needs::visible(&mut conn, caller.as_ref(), &id)?;
            let kind = super::organisations::get(&mut conn, &row.organisation_id)?.kind;
            Indexable::need(&row, &kind)
        };
        Ok::<_, AppError>(laid_out(&index, &item, &filters, limit, grouping)?)
    })
    .await
}

/// Other organisations' open needs like `need`.
pub async fn similar(ctx: &Context, need: Indexable, limit: usize) -> AppResult<Matches> {
    let index = ctx.index.clone();
    run_and_name(ctx, move || matching::similar_needs(&index, &need, limit)).await
}

/// Full-text search over needs, capabilities and solutions.
pub async fn search(
    ctx: &Context,
    text: String,
    filters: Filters,
    limit: usize,
) -> AppResult<Matches> {
    let index = ctx.index.clone();
    run_and_name(ctx, move || {
        matching::search(&index, &text, &filters, limit)
    })
    .await
}

/// Open needs that match any of a supplier's capabilities (the first ten), best first, each
/// once, at most 15.
pub async fn needs_for_capabilities(
    ctx: &Context,
    capabilities: &[CapabilityRow],
    kind: &str,
) -> AppResult<Vec<Match>> {
    if capabilities.is_empty() {
        return Ok(Vec::new());
    }
    let items: Vec<Indexable> = capabilities
        .iter()
        .take(10)
        .map(|c| Indexable::capability(c, kind))
        .collect();
    let index = ctx.index.clone();
    let found = run_and_name(ctx, move || {
        let filters = Filters {
            doc_type: Some(DocType::Need),
            open_only: true,
            ..Filters::default()
        };
        let mut best: HashMap<String, Match> = HashMap::new();
        for item in &items {
            for m in matching::matches(&index, item, &filters, 10)? {
                match best.get(&m.id) {
                    Some(b) if b.score >= m.score => {}
                    _ => {
                        best.insert(m.id.clone(), m);
                    }
                }
            }
        }
        let mut all: Vec<Match> = best.into_values().collect();
        all.sort_by(|a, b| b.score.total_cmp(&a.score));
        all.truncate(15);
        Ok::<_, matching::MatchError>(all)
    })
    .await?;
    Ok(found.items)
}
