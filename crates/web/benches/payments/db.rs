//! A database created for one run and dropped at the end.

use crate::args::Backend;
use anyhow::Context;
use sea_orm::{ConnectionTrait, Database};

pub struct BenchDb {
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

impl BenchDb {
    pub async fn create(backend: Backend, admin_url: &str) -> anyhow::Result<BenchDb> {
        let name = unique_name("credinet_bench");
        match backend {
            Backend::Sqlite => {
                let path = std::env::temp_dir().join(format!("{name}.db"));
                Ok(BenchDb {
                    url: format!("sqlite://{}", path.display()),
                    cleanup: Cleanup::File(path),
                })
            }
            Backend::Postgres => {
                let url = create_postgres_db(admin_url, &name).await?;
                Ok(BenchDb {
                    url,
                    cleanup: Cleanup::Postgres {
                        admin_url: admin_url.to_string(),
                        name,
                    },
                })
            }
        }
    }

    /// The SQLite database file, when the run is on SQLite.
    pub fn sqlite_file(&self) -> Option<std::path::PathBuf> {
        match &self.cleanup {
            Cleanup::File(path) => Some(path.clone()),
            Cleanup::Postgres { .. } => None,
        }
    }

    pub async fn drop_it(&self) -> anyhow::Result<()> {
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

/// Creates database `name` on the server of `admin_url` and returns its URL.
pub async fn create_postgres_db(admin_url: &str, name: &str) -> anyhow::Result<String> {
    let admin = Database::connect(admin_url).await.with_context(|| {
        format!(
            "cannot reach PostgreSQL at {}",
            credinet_store::redact_url(admin_url)
        )
    })?;
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await?;
    admin.close().await?;
    let mut url = url::Url::parse(admin_url)?;
    url.set_path(&format!("/{name}"));
    Ok(url.to_string())
}

pub async fn drop_postgres_db(admin_url: &str, name: &str) -> anyhow::Result<()> {
    let admin = Database::connect(admin_url).await?;
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await?;
    admin.close().await?;
    Ok(())
}
