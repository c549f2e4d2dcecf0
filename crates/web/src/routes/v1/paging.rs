//! `?page=&per_page=` on list endpoints.

use credinet_lending::PageRequest;
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PageQuery {
    /// 1-based page number (default 1).
    pub page: Option<u64>,
    /// Rows per page, 1 to 500 (default 50).
    pub per_page: Option<u64>,
}

impl PageQuery {
    pub fn request(&self) -> PageRequest {
        PageRequest::number(self.page.unwrap_or(1).max(1), self.per_page.unwrap_or(50))
    }
}

/// A page of a list, with the size of the whole list.
#[derive(Serialize)]
pub struct Paged<T> {
    pub items: Vec<T>,
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
}
