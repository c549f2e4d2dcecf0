//! The lending services on every backend (SQLite always; PostgreSQL and MariaDB when configured).

mod batch;
mod common;
mod concurrency;
mod cuts;
mod lifecycle;
mod maker_checker;
mod payments;
mod portfolio;
mod privacy;
mod sane_input;
mod search;
