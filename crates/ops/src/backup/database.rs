//! The database a backup is taken from or restored into, as its URL names it: the backend, the name,
//! and what the dump tools need to reach it (host, port, user; the password goes through the tools'
//! environment variables, never their arguments, so it does not show in the process list).

use super::BackupError;
use credinet_store::sea_orm::{ConnectionTrait, DbBackend, Statement};
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DatabaseKind {
    Sqlite,
    Postgres,
    Mysql,
}

impl DatabaseKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DatabaseKind::Sqlite => "sqlite",
            DatabaseKind::Postgres => "postgres",
            DatabaseKind::Mysql => "mysql",
        }
    }

    /// The file name's ending: what the compressed file holds.
    pub(crate) fn extension(self) -> &'static str {
        match self {
            DatabaseKind::Sqlite => "db.gz",
            DatabaseKind::Postgres => "dump.gz",
            DatabaseKind::Mysql => "sql.gz",
        }
    }
}

impl std::fmt::Display for DatabaseKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A database named by a URL.
#[derive(Clone)]
pub struct DatabaseTarget {
    pub kind: DatabaseKind,
    url: url::Url,
    raw: String,
}

impl std::fmt::Debug for DatabaseTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&credinet_store::redact_url(&self.raw))
    }
}

impl DatabaseTarget {
    pub fn parse(raw: &str) -> Result<DatabaseTarget, BackupError> {
        let url = url::Url::parse(raw).map_err(|e| {
            BackupError::Invalid(format!(
                "the database URL '{}' cannot be read: {e}",
                credinet_store::redact_url(raw)
            ))
        })?;
        let kind = match url.scheme() {
            "sqlite" => DatabaseKind::Sqlite,
            "postgres" | "postgresql" => DatabaseKind::Postgres,
            "mysql" | "mariadb" => DatabaseKind::Mysql,
            other => {
                return Err(BackupError::Invalid(format!(
                    "cannot back up a '{other}:' database: use sqlite://, postgres:// or mysql://"
                )));
            }
        };
        let target = DatabaseTarget {
            kind,
            url,
            raw: raw.to_string(),
        };
        if target.name().is_empty() {
            return Err(BackupError::Invalid(format!(
                "the database URL '{}' names no database",
                credinet_store::redact_url(raw)
            )));
        }
        Ok(target)
    }

    pub fn url(&self) -> &str {
        &self.raw
    }

    /// The database's name: the file name for SQLite, the database on a server. `restore --confirm`
    /// takes this name.
    pub fn name(&self) -> String {
        match self.kind {
            DatabaseKind::Sqlite => self
                .sqlite_path()
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            _ => self.url.path().trim_start_matches('/').to_string(),
        }
    }

    /// The file of a SQLite database.
    pub(crate) fn sqlite_path(&self) -> PathBuf {
        let path = self
            .raw
            .trim_start_matches("sqlite:")
            .trim_start_matches("//");
        PathBuf::from(path.split('?').next().unwrap_or_default())
    }

    /// The same server with another database (a scratch database for `verify`).
    pub(crate) fn with_name(&self, name: &str) -> DatabaseTarget {
        let mut url = self.url.clone();
        url.set_path(&format!("/{name}"));
        DatabaseTarget {
            kind: self.kind,
            raw: url.to_string(),
            url,
        }
    }

    pub(crate) fn host(&self) -> String {
        self.url.host_str().unwrap_or("localhost").to_string()
    }

    pub(crate) fn port(&self) -> Option<u16> {
        self.url.port()
    }

    pub(crate) fn user(&self) -> Option<String> {
        let user = self.url.username();
        (!user.is_empty()).then(|| decode(user))
    }

    pub(crate) fn password(&self) -> Option<String> {
        self.url.password().map(decode)
    }

    /// The URL without its password, for `pg_dump`/`pg_restore` (the password goes in `PGPASSWORD`).
    pub(crate) fn url_without_password(&self) -> String {
        let mut url = self.url.clone();
        let _ = url.set_password(None);
        // libpq knows `postgresql://` and `postgres://`; sqlx's query options (none are libpq's) go.
        url.set_query(None);
        url.to_string()
    }

    /// `mariadb-dump`/`mariadb` connection arguments; the password goes in `MYSQL_PWD`.
    pub(crate) fn mysql_args(&self) -> Vec<String> {
        let mut args = vec![
            format!("--host={}", self.host()),
            format!("--port={}", self.port().unwrap_or(3306)),
            "--protocol=TCP".to_string(),
        ];
        if let Some(user) = self.user() {
            args.push(format!("--user={user}"));
        }
        args
    }

    pub(crate) fn tool_env(&self) -> Vec<(&'static str, String)> {
        match (self.kind, self.password()) {
            (DatabaseKind::Postgres, Some(p)) => vec![("PGPASSWORD", p)],
            (DatabaseKind::Mysql, Some(p)) => vec![("MYSQL_PWD", p)],
            _ => Vec::new(),
        }
    }
}

fn decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={s}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| s.to_string())
}

/// The tables of the connected database, by name (the ledger `schema_migration` included).
pub(crate) async fn tables<C: ConnectionTrait>(db: &C) -> Result<Vec<String>, BackupError> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        }
        DbBackend::Postgres => {
            "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
        }
        _ => {
            "SELECT CAST(table_name AS CHAR) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' ORDER BY table_name"
        }
    };
    let rows = db
        .query_all_raw(Statement::from_string(backend, sql))
        .await
        .map_err(credinet_store::StoreError::from)?;
    rows.iter()
        .map(|r| {
            r.try_get_by_index::<String>(0)
                .map_err(|e| BackupError::Store(e.into()))
        })
        .collect()
}

/// Rows per table of the connected database (inside a snapshot when the counts must agree with a dump).
pub(crate) async fn row_counts<C: ConnectionTrait>(
    db: &C,
) -> Result<BTreeMap<String, u64>, BackupError> {
    let backend = db.get_database_backend();
    let mut counts = BTreeMap::new();
    for table in tables(db).await? {
        let quoted = match backend {
            DbBackend::MySql => format!("`{}`", table.replace('`', "``")),
            _ => format!("\"{}\"", table.replace('"', "\"\"")),
        };
        let row = db
            .query_one_raw(Statement::from_string(
                backend,
                format!("SELECT COUNT(*) FROM {quoted}"),
            ))
            .await
            .map_err(credinet_store::StoreError::from)?;
        let n = match row {
            Some(r) => r
                .try_get_by_index::<i64>(0)
                .map_err(|e| BackupError::Store(e.into()))?,
            None => 0,
        };
        counts.insert(table, u64::try_from(n).unwrap_or(0));
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sqlite_url_names_its_file() {
        let t = DatabaseTarget::parse("sqlite:///var/lib/credinet/credinet.db?mode=rwc").unwrap();
        assert_eq!(t.kind, DatabaseKind::Sqlite);
        assert_eq!(t.name(), "credinet.db");
        assert_eq!(
            t.sqlite_path(),
            PathBuf::from("/var/lib/credinet/credinet.db")
        );
    }

    #[test]
    fn a_server_url_gives_its_database_and_keeps_the_password_out_of_arguments() {
        let t = DatabaseTarget::parse("postgres://app:s%40cret@db:5433/credinet").unwrap();
        assert_eq!(t.name(), "credinet");
        assert_eq!(t.password().as_deref(), Some("s@cret"));
        assert_eq!(t.url_without_password(), "postgres://app@db:5433/credinet");
        assert_eq!(t.with_name("scratch").name(), "scratch");
        let m = DatabaseTarget::parse("mysql://root@127.0.0.1:3306/credinet").unwrap();
        assert!(m.mysql_args().iter().all(|a| !a.contains("cret")));
    }

    #[test]
    fn a_url_without_a_database_is_refused() {
        assert!(DatabaseTarget::parse("postgres://db:5432").is_err());
        assert!(DatabaseTarget::parse("redis://x/y").is_err());
    }
}
