//! The real application on a random port, spoken to over HTTP only, on SQLite, PostgreSQL and MariaDB.

mod helpers;

mod api_keys;
mod assistant;
mod assistant_replies;
mod auth;
mod back_office;
mod clients;
mod concurrency;
mod dashboard;
mod edge;
mod error_events;
mod errors;
mod exports;
mod fuzz;
mod health;
mod isolation;
mod loans;
mod metrics;
mod monitoring_files;
mod payments;
mod products;
mod reports;
mod roles;
mod security;
mod serving;
mod throttle;
mod typed_text;
