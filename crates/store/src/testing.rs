//! Test databases: every test gets its own, freshly created and uniquely named, on the backend it asks for.
//!
//! SQLite always runs. PostgreSQL and MySQL/MariaDB run when `CREDINET_TEST_POSTGRES_URL` /
//! `CREDINET_TEST_MYSQL_URL` point at a server (an admin URL; a database is created beside it). A missing
//! URL fails the test, so a green run means all three backends ran; set `CREDINET_TEST_SKIP_SERVERS=1`
//! to skip them on purpose on a machine without the servers.

use rand::Rng;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
    MySql,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
            Backend::MySql => "mysql",
        })
    }
}

/// A database created for one test. SQLite files live under the system temp directory.
pub struct TestDb {
    pub backend: Backend,
    pub url: String,
}

impl TestDb {
    /// Creates a fresh database, or `None` when the backend is not configured outside CI.
    pub async fn create(backend: Backend) -> Option<TestDb> {
        let name = format!("credinet_t_{}", rand::thread_rng().r#gen::<u64>());
        let url = match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join("credinet-tests");
                std::fs::create_dir_all(&dir).expect("temp dir for test databases");
                format!("sqlite://{}", dir.join(format!("{name}.db")).display())
            }
            Backend::Postgres => create_server_db("CREDINET_TEST_POSTGRES_URL", &name).await?,
            Backend::MySql => create_server_db("CREDINET_TEST_MYSQL_URL", &name).await?,
        };
        Some(TestDb { backend, url })
    }
}

async fn create_server_db(var: &str, name: &str) -> Option<String> {
    let Ok(admin_url) = std::env::var(var) else {
        if std::env::var("CREDINET_TEST_SKIP_SERVERS").is_ok_and(|v| v == "1") {
            eprintln!("skipped: {var} is not set and CREDINET_TEST_SKIP_SERVERS=1");
            return None;
        }
        panic!(
            "{var} is not set: point it at a server (see README) or set CREDINET_TEST_SKIP_SERVERS=1"
        );
    };
    let admin = sea_orm::Database::connect(&admin_url)
        .await
        .unwrap_or_else(|e| {
            panic!(
                "cannot reach the test server {}: {e}",
                crate::redact_url(&admin_url)
            )
        });
    use sea_orm::ConnectionTrait;
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create test database");
    admin.close().await.ok();
    let mut url = url::Url::parse(&admin_url).expect("test server URL");
    url.set_path(&format!("/{name}"));
    Some(url.to_string())
}

/// Declares one test per backend from an async function taking a [`TestDb`]:
/// `each_backend!(migrations_are_idempotent);` makes `migrations_are_idempotent::sqlite`, `::postgres`
/// and `::mysql`.
#[macro_export]
macro_rules! each_backend {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            use $crate::testing::{Backend, TestDb};
            async fn run(backend: Backend) {
                if let Some(db) = TestDb::create(backend).await {
                    super::$name(db).await;
                }
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() { run(Backend::Sqlite).await }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() { run(Backend::Postgres).await }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn mysql() { run(Backend::MySql).await }
        }
    )+};
}
