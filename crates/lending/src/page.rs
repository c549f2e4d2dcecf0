//! Pagination of lists.

use serde::Serialize;

/// Which slice of a list to return. `limit` is clamped to 1..=500.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub offset: u64,
    pub limit: u64,
}

pub const MAX_PAGE: u64 = 500;

impl PageRequest {
    /// Page `number` (1-based) of `size` rows.
    pub fn number(number: u64, size: u64) -> PageRequest {
        let size = size.clamp(1, MAX_PAGE);
        PageRequest {
            offset: number.saturating_sub(1).saturating_mul(size),
            limit: size,
        }
    }

    pub(crate) fn clamped(self) -> PageRequest {
        PageRequest {
            offset: self.offset,
            limit: self.limit.clamp(1, MAX_PAGE),
        }
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        PageRequest::number(1, 50)
    }
}

/// A slice of a list and how many rows the whole list has.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub offset: u64,
    pub limit: u64,
}
