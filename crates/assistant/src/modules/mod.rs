//! Modules: each answers one kind of request with data (an [`Outcome`](crate::outcome::Outcome)), never
//! text. Lending reads the loans the lending services keep; the FAQ reads the tenant's questions.

pub mod faq;
pub mod lending;
