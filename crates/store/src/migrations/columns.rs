//! Column shapes shared by every migration, so each kind of value is stored the same way everywhere.

use sea_orm::DbBackend;
use sea_orm::sea_query::{
    ColumnDef, ForeignKey, ForeignKeyAction, ForeignKeyCreateStatement, Table, TableCreateStatement,
};

/// A UTC instant. MySQL gets `DATETIME(6)`: `TIMESTAMP` would drop microseconds, convert through the
/// session zone and end in 2038.
pub fn instant(backend: DbBackend, name: &'static str) -> ColumnDef {
    let mut col = ColumnDef::new(name);
    match backend {
        DbBackend::MySql => col.custom("DATETIME(6)"),
        _ => col.timestamp_with_time_zone(),
    };
    col
}

/// An auto-incremented 64-bit primary key.
pub fn id() -> ColumnDef {
    ColumnDef::new("id")
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}

/// The tenant that owns the row: every tenant table has it, it is the future shard key.
pub fn tenant_id() -> ColumnDef {
    ColumnDef::new("tenant_id")
        .big_integer()
        .not_null()
        .to_owned()
}

pub fn string(name: &'static str, len: u32) -> ColumnDef {
    ColumnDef::new(name).string_len(len).not_null().to_owned()
}

pub fn string_null(name: &'static str, len: u32) -> ColumnDef {
    ColumnDef::new(name).string_len(len).null().to_owned()
}

/// A key compared byte for byte on every backend: MariaDB's default collation would ignore its case,
/// accents and trailing spaces (migration 12). SQLite and PostgreSQL compare text exactly already.
pub fn exact(backend: DbBackend, mut col: ColumnDef) -> ColumnDef {
    if backend == DbBackend::MySql {
        col.extra("COLLATE utf8mb4_bin");
    }
    col
}

pub fn text_null(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).text().null().to_owned()
}

pub fn int(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).integer().not_null().to_owned()
}

/// An index named `name` on `table`'s `cols`, in that order, rendered for `backend`.
pub fn index(
    backend: DbBackend,
    name: &'static str,
    table: &'static str,
    cols: &[&'static str],
    unique: bool,
) -> sea_orm::Statement {
    let mut i = sea_orm::sea_query::Index::create();
    i.name(name).table(table);
    for c in cols {
        i.col(*c);
    }
    if unique {
        i.unique();
    }
    sql(backend, &mut i)
}

pub fn big_int(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).big_integer().not_null().to_owned()
}

pub fn big_int_null(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).big_integer().null().to_owned()
}

pub fn boolean(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).boolean().not_null().to_owned()
}

/// A foreign key from `from.col` to `to.id`. Restrict: money and audit rows are never deleted, so a row
/// that others point at cannot go either.
pub fn fk(from: &'static str, col: &'static str, to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from, col)
        .to(to, "id")
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

/// A new table statement named `name`.
pub fn table(name: &'static str) -> TableCreateStatement {
    Table::create().table(name).to_owned()
}

/// Renders a schema statement for `backend`; takes `&mut` so builder chains can be passed directly.
pub fn sql<S: sea_orm::StatementBuilder>(
    backend: DbBackend,
    statement: &mut S,
) -> sea_orm::Statement {
    backend.build(&*statement)
}
