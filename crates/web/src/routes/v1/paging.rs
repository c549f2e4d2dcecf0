//! One page shape for every `/v1` list: `?page=&per_page=` in, `{items, total, offset, limit}` out.

use crate::error::ApiError;
use credinet_lending::PageRequest;
use credinet_lending::page::{MAX_PAGE, MAX_PAGE_NUMBER};
use serde::{Deserialize, Serialize};

const DEFAULT_PER_PAGE: u64 = 50;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PageQuery {
    /// 1-based page number, at most 1000000 (default 1).
    pub page: Option<u64>,
    /// Rows per page, 1 to 500 (default 50).
    pub per_page: Option<u64>,
}

impl PageQuery {
    /// The slice asked for; a page number or size out of range is a 422 naming the parameter.
    pub fn request(&self) -> Result<PageRequest, ApiError> {
        let page = self.page.unwrap_or(1);
        if !(1..=MAX_PAGE_NUMBER).contains(&page) {
            return Err(ApiError::unprocessable(format!(
                "the page parameter is a number from 1 to {MAX_PAGE_NUMBER}, got {page}"
            )));
        }
        let per_page = self.per_page.unwrap_or(DEFAULT_PER_PAGE);
        if !(1..=MAX_PAGE).contains(&per_page) {
            return Err(ApiError::unprocessable(format!(
                "the per_page parameter is a number from 1 to {MAX_PAGE}, got {per_page}"
            )));
        }
        Ok(PageRequest::number(page, per_page))
    }
}

/// A page of a list, with the size of the whole list. `offset` and `limit` say which slice this is
/// (`offset` = (`page` − 1) × `per_page`).
#[derive(Serialize, utoipa::ToSchema)]
pub struct Paged<T> {
    pub items: Vec<T>,
    /// Rows in the whole list (every page).
    pub total: u64,
    pub offset: u64,
    pub limit: u64,
}

impl<T> Paged<T> {
    pub fn from_page<S>(page: credinet_lending::Page<S>, f: impl FnMut(S) -> T) -> Paged<T> {
        Paged {
            items: page.items.into_iter().map(f).collect(),
            total: page.total,
            offset: page.offset,
            limit: page.limit,
        }
    }

    /// The slice of a short list read whole (a tenant's users or API keys).
    pub fn slice<S>(all: Vec<S>, request: PageRequest, f: impl FnMut(S) -> T) -> Paged<T> {
        let total = all.len() as u64;
        let skip = usize::try_from(request.offset).unwrap_or(usize::MAX);
        let take = usize::try_from(request.limit).unwrap_or(usize::MAX);
        Paged {
            items: all.into_iter().skip(skip).take(take).map(f).collect(),
            total,
            offset: request.offset,
            limit: request.limit,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(page: Option<u64>, per_page: Option<u64>) -> PageQuery {
        PageQuery { page, per_page }
    }

    #[test]
    fn page_numbers_and_sizes_out_of_range_are_refused_naming_the_parameter() {
        for (q, name) in [
            (query(Some(u64::MAX), None), "page"),
            (query(Some(0), None), "page"),
            (query(Some(MAX_PAGE_NUMBER + 1), None), "page"),
            (query(None, Some(0)), "per_page"),
            (query(None, Some(MAX_PAGE + 1)), "per_page"),
        ] {
            let e = q.request().unwrap_err();
            assert_eq!(e.status, 422);
            let detail = e.detail.unwrap();
            assert!(
                detail.contains(&format!("the {name} parameter")),
                "{detail}"
            );
        }
        let last = query(Some(MAX_PAGE_NUMBER), Some(MAX_PAGE))
            .request()
            .unwrap();
        assert!(i64::try_from(last.offset + last.limit).is_ok());
    }

    #[test]
    fn a_short_list_is_sliced_like_a_database_page() {
        let page = Paged::slice(
            (1..=7).collect::<Vec<_>>(),
            PageRequest::number(2, 3),
            |n| n,
        );
        assert_eq!(
            (page.items, page.total, page.offset, page.limit),
            (vec![4, 5, 6], 7, 3, 3)
        );
        let past = Paged::slice(vec![1, 2], PageRequest::number(5, 3), |n| n);
        assert!(past.items.is_empty());
        assert_eq!(past.total, 2);
    }
}
