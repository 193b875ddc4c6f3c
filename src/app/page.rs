//! Pages of a list: the bounds a caller may ask for, and the page every list answers with.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::AppError;

/// A page of items with the total number of matches.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Page<T> {
    /// The items on this page.
    pub items: Vec<T>,
    /// Page number, from 1.
    pub page: i64,
    /// Items per page.
    pub per_page: i64,
    /// Matches over all pages.
    pub total: i64,
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

impl PageSpec {
    /// Rows to skip.
    pub fn offset(self) -> i64 {
        (self.page - 1).saturating_mul(self.per_page)
    }

    /// Wraps a loaded page.
    pub fn wrap<T>(self, items: Vec<T>, total: i64) -> Page<T> {
        Page {
            items,
            page: self.page,
            per_page: self.per_page,
            total,
        }
    }
}
