//! The real application on a random port, spoken to over HTTP only, on SQLite, PostgreSQL and MariaDB.

mod helpers;

mod api_keys;
mod auth;
mod edge;
mod errors;
mod health;
mod isolation;
mod lending;
mod roles;
