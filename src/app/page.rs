//! Pages of a list: the bounds a caller may ask for, and the page every list answers with. A
//! list is paged by number (`page`, with the total) or, where it can grow large, by `cursor`
//! (keyset pagination: each page starts after the last row of the one before, and nothing is
//! counted, so page 300 costs what page 1 does).

use base64::Engine;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::keyset::After;
use crate::domain::{Invalid, Problem};
use crate::error::AppError;

/// A page of items: by number with the total number of matches, or by cursor without.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Page<T> {
    /// The items on this page.
    pub items: Vec<T>,
    /// Page number, from 1; absent when paged by cursor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<i64>,
    /// Items per page.
    pub per_page: i64,
    /// Matches over all pages; absent when paged by cursor, which counts nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<i64>,
    /// Give this as `cursor` for the next page; absent on the last page and on lists that have
    /// no cursor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Matches over all pages, as counted on a numbered page (0 on a cursor's page).
    pub fn total(&self) -> i64 {
        self.total.unwrap_or(0)
    }
}

/// The cursor that names `after` in the list order `order`: opaque to clients, and refused
/// with another order.
pub fn cursor_of(order: &str, after: &After) -> String {
    let json = serde_json::json!({"o": order, "k": after.key, "i": after.id});
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json.to_string())
}

/// Reads a `cursor` given for a list in `order`: `None` for an empty one (the first page).
pub fn read_cursor(order: &str, cursor: &str) -> Result<Option<After>, Invalid> {
    let cursor = cursor.trim();
    if cursor.is_empty() {
        return Ok(None);
    }
    let bad = || {
        Invalid::because(
            "cursor",
            Problem::Invalid,
            "cursor must be a next_cursor this list gave; leave it empty for the first page",
        )
    };
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .map_err(|_| bad())?;
    let json: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    if json["o"].as_str() != Some(order) {
        return Err(Invalid::because(
            "cursor",
            Problem::NotAllowed,
            "this cursor belongs to another sort order; start again without a cursor",
        ));
    }
    let id = json["i"].as_str().ok_or_else(bad)?.to_owned();
    let key = match &json["k"] {
        serde_json::Value::Null => None,
        serde_json::Value::String(k) => Some(k.clone()),
        _ => return Err(bad()),
    };
    Ok(Some(After { key, id }))
}

/// The rows of a page by cursor from `rows` loaded one beyond `per_page`, and the next page's
/// cursor: the extra row says there is one, and it starts after the last row kept.
pub fn split_page<R>(
    mut rows: Vec<R>,
    per_page: i64,
    next: impl Fn(&R) -> String,
) -> (Vec<R>, Option<String>) {
    let more = rows.len() as i64 > per_page;
    rows.truncate(per_page.max(0) as usize);
    let next_cursor = if more { rows.last().map(next) } else { None };
    (rows, next_cursor)
}

/// A page by cursor: no number and no total.
pub fn cursor_page<T>(items: Vec<T>, per_page: i64, next_cursor: Option<String>) -> Page<T> {
    Page {
        items,
        page: None,
        per_page,
        total: None,
        next_cursor,
    }
}

/// The totals of numbered pages, remembered until the data may have changed. Counting every
/// match is what made a long list slow (35 ms at 100,000 needs on SQLite, for a page that takes
/// 0.5 ms), and a reader pages through one list many times between changes. Every change to a
/// need or capability enters the index queue in the same transaction, so a total is good while
/// the queue's newest entry is the same; and for a few seconds at most, since PostgreSQL hands
/// out queue numbers before commit, so a change that commits late could otherwise be missed.
#[derive(Default)]
pub struct CountCache {
    totals: std::sync::Mutex<std::collections::HashMap<String, Remembered>>,
}

struct Remembered {
    seq: i64,
    at: std::time::Instant,
    total: i64,
}

/// How long a total is trusted at most.
const COUNT_TTL: std::time::Duration = std::time::Duration::from_secs(5);
/// Totals remembered at most; past that the cache starts again.
const COUNT_ENTRIES: usize = 1000;

impl CountCache {
    /// The total under `key`, counted with `count` unless a fresh one is remembered.
    pub fn total(
        &self,
        conn: &mut crate::db::DbConn,
        key: String,
        count: impl FnOnce(&mut crate::db::DbConn) -> diesel::QueryResult<i64>,
    ) -> diesel::QueryResult<i64> {
        let seq = crate::db::index_queue::last_seq(conn)?;
        {
            let totals = self.totals.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(r) = totals.get(&key) {
                if r.seq == seq && r.at.elapsed() < COUNT_TTL {
                    return Ok(r.total);
                }
            }
        }
        let total = count(conn)?;
        let mut totals = self.totals.lock().unwrap_or_else(|e| e.into_inner());
        if totals.len() >= COUNT_ENTRIES {
            totals.clear();
        }
        totals.insert(
            key,
            Remembered {
                seq,
                at: std::time::Instant::now(),
                total,
            },
        );
        Ok(total)
    }
}

/// Pagination parameters as given.
#[derive(Debug, Default, Clone, Copy)]
pub struct PageQuery {
    /// Page number, from 1.
    pub page: Option<i64>,
    /// Items per page.
    pub per_page: Option<i64>,
}

/// Pagination parameters, checked.
#[derive(Debug, Clone, Copy)]
pub struct PageSpec {
    /// Page number, from 1.
    pub page: i64,
    /// Items per page, 1 to 100.
    pub per_page: i64,
}

impl PageQuery {
    /// Checks the bounds: page ≥ 1, 1 ≤ per_page ≤ 100 (default 20).
    pub fn resolve(self) -> Result<PageSpec, AppError> {
        let page = self.page.unwrap_or(1);
        let per_page = self.per_page.unwrap_or(20);
        if page < 1 {
            return Err(AppError::validation("page", "page must be 1 or more"));
        }
        if !(1..=100).contains(&per_page) {
            return Err(AppError::validation(
                "per_page",
                "per_page must be between 1 and 100",
            ));
        }
        Ok(PageSpec { page, per_page })
    }
}

/// A list asked for by cursor: where it starts and how many rows per page.
#[derive(Debug, Clone)]
pub struct CursorSpec {
    /// After this row; the first page when `None`.
    pub after: Option<After>,
    /// Items per page, 1 to 100.
    pub per_page: i64,
}

/// The cursor request of a list in `order`, or `None` when it is paged by number (no `cursor`
/// given). An empty `cursor` asks for the first page by cursor.
pub fn cursor_spec(
    order: &str,
    cursor: Option<&str>,
    page: Option<i64>,
    per_page: Option<i64>,
) -> Result<Option<CursorSpec>, AppError> {
    let Some(cursor) = cursor else {
        return Ok(None);
    };
    if page.is_some() {
        return Err(AppError::validation(
            "cursor",
            "give page or cursor, not both",
        ));
    }
    let spec = PageQuery {
        page: None,
        per_page,
    }
    .resolve()?;
    Ok(Some(CursorSpec {
        after: read_cursor(order, cursor)?,
        per_page: spec.per_page,
    }))
}

impl PageSpec {
    /// Rows to skip.
    pub fn offset(self) -> i64 {
        (self.page - 1).saturating_mul(self.per_page)
    }

    /// Wraps a loaded page.
    pub fn wrap<T>(self, items: Vec<T>, total: i64) -> Page<T> {
        Page {
            items,
            page: Some(self.page),
            per_page: self.per_page,
            total: Some(total),
            next_cursor: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_in_its_own_order_only() {
        let after = After {
            key: Some("2026-12-06T21:00:00.5".into()),
            id: "n1".into(),
        };
        let c = cursor_of("newest", &after);
        assert_eq!(read_cursor("newest", &c).unwrap(), Some(after));
        assert_eq!(read_cursor("title", &c).unwrap_err().field, "cursor");
        assert_eq!(read_cursor("newest", "  ").unwrap(), None);
        assert!(read_cursor("newest", "ikke-en-peker").is_err());
    }

    #[test]
    fn a_page_by_cursor_points_on_only_when_a_row_is_left() {
        let (rows, next) = split_page(vec![1, 2, 3], 2, |r| r.to_string());
        assert_eq!(rows, vec![1, 2]);
        assert_eq!(next.as_deref(), Some("2"));
        let (rows, next) = split_page(vec![1, 2], 2, |r| r.to_string());
        assert_eq!((rows.len(), next), (2, None));
    }
}
