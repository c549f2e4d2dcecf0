//! Reports of SPEC §3: collections by cut period and by the person who registered the payments, and
//! the portfolio by cut, and a loan's statement at a cut as a printable document. Read-only; each reads aggregates from the store and shapes them in pure code.

pub mod collections;
pub mod csv;
pub mod par;
pub mod periods;
pub mod portfolio;
pub mod statement;

pub use collections::{CollectionsReport, CollectorLine, PeriodLine};
pub use par::{BasisPoints, ParPoint};
pub use periods::{CutPeriod, DateRange, RangeError};
