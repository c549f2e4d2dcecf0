//! Two databases compared row by row, every table, every column but the instants.
//!
//! The instants (`at` and every `…_at` column: when a cut started and finished, when a row was
//! updated) are the wall clock's at the moment each run wrote them, so two runs never share them;
//! every other column — ids, dates, amounts, statuses, the cut's marks and checkpoint, audit entries'
//! contents — must be equal. Rows are compared as text (`CAST(… AS TEXT)`), sorted, so the order the
//! database returns them in does not matter.

use anyhow::Context;
use credinet_store::sea_orm::{
    ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement,
};
use std::collections::BTreeMap;

/// Each table's rows, each row its compared columns joined.
pub struct Dump {
    pub tables: BTreeMap<String, Vec<String>>,
}

impl Dump {
    pub fn rows(&self) -> usize {
        self.tables.values().map(Vec::len).sum()
    }
}

fn is_instant(column: &str) -> bool {
    column == "at"
        || column.ends_with("_at")
        || column.ends_with("hash")
        || matches!(column, "id" | "cut_id" | "entry_id")
}

pub async fn dump(url: &str) -> anyhow::Result<Dump> {
    let db = Database::connect(url).await?;
    let mut tables = BTreeMap::new();
    for table in names(&db, Names::Tables).await? {
        let columns: Vec<String> = names(&db, Names::Columns(&table))
            .await?
            .into_iter()
            .filter(|c| !is_instant(c))
            .collect();
        let select = columns
            .iter()
            .map(|c| format!("CAST(\"{c}\" AS TEXT)"))
            .collect::<Vec<_>>()
            .join(", ");
        let rows = db
            .query_all_raw(Statement::from_string(
                db.get_database_backend(),
                format!("SELECT {select} FROM \"{table}\""),
            ))
            .await
            .with_context(|| format!("reading {table}"))?;
        let mut text = Vec::with_capacity(rows.len());
        for row in rows {
            let mut line = String::new();
            for (i, column) in columns.iter().enumerate() {
                let value: Option<String> = row.try_get_by_index(i)?;
                line.push_str(column);
                line.push('=');
                line.push_str(value.as_deref().unwrap_or("NULL"));
                line.push(' ');
            }
            text.push(line);
        }
        text.sort_unstable();
        tables.insert(table, text);
    }
    db.close().await?;
    Ok(Dump { tables })
}

enum Names<'a> {
    Tables,
    Columns(&'a str),
}

async fn names(db: &DatabaseConnection, what: Names<'_>) -> anyhow::Result<Vec<String>> {
    let backend = db.get_database_backend();
    let statement = match (backend, what) {
        (DbBackend::Sqlite, Names::Tables) => Statement::from_string(
            backend,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        ),
        (DbBackend::Sqlite, Names::Columns(table)) => Statement::from_sql_and_values(
            backend,
            "SELECT name FROM pragma_table_info(?) ORDER BY cid",
            [table.into()],
        ),
        (_, Names::Tables) => Statement::from_string(
            backend,
            "SELECT table_name::text AS name FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
        ),
        (_, Names::Columns(table)) => Statement::from_sql_and_values(
            backend,
            "SELECT column_name::text AS name FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
            [table.into()],
        ),
    };
    let rows = db.query_all_raw(statement).await?;
    rows.iter()
        .map(|r| Ok(r.try_get::<String>("", "name")?))
        .collect()
}

/// The first way `got` differs from `want`, if any.
pub fn difference(want: &Dump, got: &Dump) -> Option<String> {
    if want.tables.keys().ne(got.tables.keys()) {
        return Some(format!(
            "different tables: {:?} vs {:?}",
            want.tables.keys().collect::<Vec<_>>(),
            got.tables.keys().collect::<Vec<_>>()
        ));
    }
    for (table, want_rows) in &want.tables {
        let got_rows = &got.tables[table];
        if let Some((w, g)) = want_rows.iter().zip(got_rows).find(|(w, g)| w != g) {
            return Some(format!(
                "{table}: first differing row\n  uninterrupted: {w}\n  crashed:       {g}"
            ));
        }
        if want_rows.len() != got_rows.len() {
            return Some(format!(
                "{table}: {} rows uninterrupted, {} after the crashes",
                want_rows.len(),
                got_rows.len()
            ));
        }
    }
    None
}
