//! Lending rules of SPEC §3: product terms, due dates, schedules, CAT, payment allocation and delinquency.
//! Pure functions: the services in `credinet-lending` load state, call these, and store the result.

pub mod allocation;
pub mod cat;
pub mod cut;
pub mod delinquency;
pub mod due_dates;
pub mod holidays;
pub mod limits;
pub mod schedule;
pub mod terms;
