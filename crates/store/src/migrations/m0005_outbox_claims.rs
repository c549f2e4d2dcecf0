//! The outbox's claims: `domain_event.claimed_until`, the end of the lease a deliverer holds on an event.
//!
//! A deliverer claims a batch (sets the lease), delivers it outside any transaction, then marks it
//! delivered. Until the lease ends no other deliverer takes those events; if the deliverer dies, the
//! events come back when it ends. Rows written before this column read as never claimed (NULL).

use super::columns::{instant, sql};
use sea_orm::sea_query::Table;
use sea_orm::{DbBackend, Statement};

pub fn statements(b: DbBackend) -> Vec<Statement> {
    vec![sql(
        b,
        Table::alter()
            .table("domain_event")
            .add_column(instant(b, "claimed_until").null()),
    )]
}
