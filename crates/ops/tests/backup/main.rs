//! Backups on SQLite, PostgreSQL and MariaDB: a copy taken while a writer inserts restores to exactly the
//! state of its snapshot; a damaged file is caught by `verify`; a full disk fails cleanly; retention
//! keeps what it should over two simulated months.

mod common;
mod damaged;
mod full_disk;
mod job;
mod offsite;
mod retention;
mod round_trip;
