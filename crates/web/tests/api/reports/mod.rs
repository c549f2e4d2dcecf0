//! The reports as a manager reads them: collections by period and by cashier, the portfolio by cut,
//! their CSV exports, and who may not read them.

mod collections;
pub(crate) mod cuts;
