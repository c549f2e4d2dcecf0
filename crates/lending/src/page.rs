//! Pagination of lists.

use serde::Serialize;

/// Which slice of a list to return. `limit` is clamped to 1..=500.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub offset: u64,
    pub limit: u64,
}

pub const MAX_PAGE: u64 = 500;

/// The highest page number an edge accepts: with [`MAX_PAGE`] rows a page that is 500 million rows in,
/// far past any tenant's list, and far below `i64::MAX`, which the databases' `OFFSET` takes.
pub const MAX_PAGE_NUMBER: u64 = 1_000_000;

impl PageRequest {
    /// Page `number` (1-based, at most [`MAX_PAGE_NUMBER`]) of `size` rows. Edges refuse numbers out
    /// of range where they parse them; here they are clamped, so no caller can build an offset the
    /// database driver cannot take.
    pub fn number(number: u64, size: u64) -> PageRequest {
        let size = size.clamp(1, MAX_PAGE);
        PageRequest {
            offset: (number.clamp(1, MAX_PAGE_NUMBER) - 1) * size,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_number_past_the_bound_is_clamped_to_an_offset_the_database_can_take() {
        let last = PageRequest::number(u64::MAX, MAX_PAGE);
        assert_eq!(last, PageRequest::number(MAX_PAGE_NUMBER, MAX_PAGE));
        assert!(i64::try_from(last.offset).is_ok());
        assert_eq!(PageRequest::number(0, 50).offset, 0);
        assert_eq!(PageRequest::number(3, 50).offset, 100);
    }
}
