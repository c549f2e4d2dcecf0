//! A database created for one benchmark or crash-test run and dropped at the end: a file under the
//! system temp directory on SQLite, a fresh database on the PostgreSQL server otherwise. A scratch
//! database can be copied whole ([`ScratchDb::copy`]), so two runs start from the same rows.

use credinet_store::StoreError;
use sea_orm::{ConnectionTrait, Database, DbErr};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScratchBackend {
    Sqlite,
    Postgres,
}

impl ScratchBackend {
    pub fn name(self) -> &'static str {
        match self {
            ScratchBackend::Sqlite => "sqlite",
            ScratchBackend::Postgres => "postgres",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ScratchError {
    #[error("PostgreSQL at {url}: {source}")]
    Server { url: String, source: DbErr },
    #[error("the admin URL is not a URL: {0}")]
    Url(#[from] url::ParseError),
    #[error("copying {from}: {source}")]
    Copy { from: String, source: StoreError },
}

pub struct ScratchDb {
    pub backend: ScratchBackend,
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Postgres { admin_url: String, name: String },
}

/// A name no other run on this machine uses.
pub fn unique_name(prefix: &str) -> String {
    format!("{prefix}_{}_{}", std::process::id(), rand::random::<u32>())
}

impl ScratchDb {
    /// A new, empty database; `admin_url` names the PostgreSQL server (unused for SQLite).
    pub async fn create(
        backend: ScratchBackend,
        admin_url: &str,
    ) -> Result<ScratchDb, ScratchError> {
        let name = unique_name("credinet_bench");
        match backend {
            ScratchBackend::Sqlite => {
                let path = std::env::temp_dir().join(format!("{name}.db"));
                Ok(ScratchDb {
                    backend,
                    url: format!("sqlite://{}", path.display()),
                    cleanup: Cleanup::File(path),
                })
            }
            ScratchBackend::Postgres => {
                let url = create_postgres_db(admin_url, &name, None).await?;
                Ok(ScratchDb {
                    backend,
                    url,
                    cleanup: Cleanup::Postgres {
                        admin_url: admin_url.to_string(),
                        name,
                    },
                })
            }
        }
    }

    /// A second scratch database holding the same rows. Nothing may be connected to `self` meanwhile
    /// (PostgreSQL copies a database only as a template no one uses).
    pub async fn copy(&self) -> Result<ScratchDb, ScratchError> {
        let name = unique_name("credinet_copy");
        match &self.cleanup {
            Cleanup::File(_) => {
                let to = std::env::temp_dir().join(format!("{name}.db"));
                // VACUUM INTO writes a consistent copy whatever the log holds.
                let db = Database::connect(&self.url)
                    .await
                    .map_err(|e| self.copy_error(e))?;
                db.execute_unprepared(&format!(
                    "VACUUM INTO '{}'",
                    to.display().to_string().replace('\'', "''")
                ))
                .await
                .map_err(|e| self.copy_error(e))?;
                db.close().await.map_err(|e| self.copy_error(e))?;
                Ok(ScratchDb {
                    backend: self.backend,
                    url: format!("sqlite://{}", to.display()),
                    cleanup: Cleanup::File(to),
                })
            }
            Cleanup::Postgres {
                admin_url,
                name: template,
            } => {
                let url = create_postgres_db(admin_url, &name, Some(template)).await?;
                Ok(ScratchDb {
                    backend: self.backend,
                    url,
                    cleanup: Cleanup::Postgres {
                        admin_url: admin_url.clone(),
                        name,
                    },
                })
            }
        }
    }

    fn copy_error(&self, e: DbErr) -> ScratchError {
        ScratchError::Copy {
            from: credinet_store::redact_url(&self.url),
            source: StoreError::from(e),
        }
    }

    /// The SQLite database file, when the run is on SQLite.
    pub fn sqlite_file(&self) -> Option<std::path::PathBuf> {
        match &self.cleanup {
            Cleanup::File(path) => Some(path.clone()),
            Cleanup::Postgres { .. } => None,
        }
    }

    pub async fn drop_it(&self) -> Result<(), ScratchError> {
        match &self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut p = path.clone().into_os_string();
                    p.push(suffix);
                    let _ = std::fs::remove_file(p);
                }
                Ok(())
            }
            Cleanup::Postgres { admin_url, name } => drop_postgres_db(admin_url, name).await,
        }
    }
}

fn server_error(admin_url: &str) -> impl Fn(DbErr) -> ScratchError + '_ {
    move |source| ScratchError::Server {
        url: credinet_store::redact_url(admin_url),
        source,
    }
}

/// Creates database `name` on the server of `admin_url` (a copy of `template` if given) and returns
/// its URL.
pub async fn create_postgres_db(
    admin_url: &str,
    name: &str,
    template: Option<&str>,
) -> Result<String, ScratchError> {
    let admin = Database::connect(admin_url)
        .await
        .map_err(server_error(admin_url))?;
    let from = template
        .map(|t| format!(" TEMPLATE {t}"))
        .unwrap_or_default();
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}{from}"))
        .await
        .map_err(server_error(admin_url))?;
    admin.close().await.map_err(server_error(admin_url))?;
    let mut url = url::Url::parse(admin_url)?;
    url.set_path(&format!("/{name}"));
    Ok(url.to_string())
}

pub async fn drop_postgres_db(admin_url: &str, name: &str) -> Result<(), ScratchError> {
    let admin = Database::connect(admin_url)
        .await
        .map_err(server_error(admin_url))?;
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await
        .map_err(server_error(admin_url))?;
    admin.close().await.map_err(server_error(admin_url))?;
    Ok(())
}
