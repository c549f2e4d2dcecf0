//! Secrets a server generates once and every server of the installation shares: the key that signs the
//! login form's CSRF cookie, when the configuration gives none (`secret_key`). Kept in the database so
//! that several servers behind one load balancer sign alike, and a restart keeps forms already open.

use super::columns::{instant, sql, string, table};
use sea_orm::sea_query::Index;
use sea_orm::{DbBackend, Statement};

pub fn statements(b: DbBackend) -> Vec<Statement> {
    vec![sql(
        b,
        table("server_secret")
            .col(string("name", 64))
            .col(string("value", 128))
            .col(instant(b, "created_at").not_null())
            .primary_key(Index::create().col("name")),
    )]
}
