//! `TestApp`: the whole app built from a config pointing at a fresh database, served on port 0.
//!
//! `TEST_LOG=1` prints the app's logs with each test's output (filter: `RUST_LOG`, default `info`).
//!
//! The verbs a test speaks in live beside it: requests and their [`Reply`] in `reply`, the lending
//! stories (a lender, a client, a disbursed loan, a payment) in `lending`, the pages in `pages`.

mod lending;
mod pages;
mod reply;

pub use lending::{Lender, assert_balances, cash_payment, cents};
pub use pages::{card, hidden_csrf, meta_csrf};
pub use reply::{Reply, RequestExt};

use credinet_accounts::AccountSettings;
use credinet_accounts::{Accounts, TenantInput, UserInput};
use credinet_core::role::Role;
use credinet_ops::backup::{BackupSettings, DatabaseTarget};
use credinet_store::repo::audit::Requester;
use credinet_store::repo::tenants::Tenant;
use credinet_store::repo::users::StaffUser;
use credinet_store::testing::TestDb;
use credinet_store::{Store, StoreSettings};
use credinet_web::pages::backups::Backups;
use credinet_web::routes::table::RouteEntry;
use credinet_web::{Application, HttpSettings};
use reqwest::redirect::Policy;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Once;

pub const PASSWORD: &str = "contraseña-segura-1";
pub const USER_AGENT: &str = "credinet-tests/1.0";

pub struct TestApp {
    pub base: String,
    pub app_store: Store,
    /// The database the app serves, for a second process (the CLI) to connect to.
    pub database_url: String,
    /// Every method and path template the app serves.
    pub routes: Vec<RouteEntry>,
    /// Where the backups page keeps its backups: a directory of this app's own, removed with it.
    pub backup_dir: PathBuf,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.backup_dir);
    }
}

impl TestApp {
    pub async fn spawn(db: TestDb) -> TestApp {
        TestApp::spawn_with(db, |_| {}).await
    }

    /// An app whose HTTP settings `configure` changes first (lower limits, shorter timeouts).
    pub async fn spawn_with(db: TestDb, configure: impl FnOnce(&mut HttpSettings)) -> TestApp {
        show_logs_if_asked();
        let mut http = HttpSettings::on_any_port();
        configure(&mut http);
        let store = Store::open(&StoreSettings {
            database_url: db.url.clone(),
            migrate_on_start: true,
            ..StoreSettings::default()
        })
        .await
        .expect("the database opens and migrates");
        let accounts = AccountSettings::default();
        let jobs = credinet_ops::jobs::standard(
            &credinet_ops::SchedulerSettings::default(),
            accounts.session_max_age(),
        )
        .expect("the default scheduler settings are valid");
        let assistant = credinet_assistant::AssistantSettings::default();
        let backup_dir = std::env::temp_dir().join(format!(
            "credinet-test-backups-{}-{}",
            std::process::id(),
            rand::random::<u64>()
        ));
        let backups = Backups {
            target: DatabaseTarget::parse(&db.url).expect("a test database URL is a backup target"),
            settings: BackupSettings {
                dir: backup_dir.clone(),
                ..BackupSettings::default()
            },
        };
        let app = Application::build(store, http, accounts, assistant, jobs, Some(backups))
            .await
            .expect("the app builds");
        let base = format!("http://{}", app.local_addr());
        let app_store = app.store().clone();
        let routes = app.routes().to_vec();
        tokio::spawn(app.serve(std::future::pending()));
        TestApp {
            base,
            app_store,
            database_url: db.url,
            routes,
            backup_dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn tenant(&self, slug: &str) -> Tenant {
        let input = TenantInput {
            slug: slug.into(),
            legal_name: format!("Caja {slug}"),
            time_zone: "America/Mexico_City".into(),
        };
        Accounts::new(&self.app_store)
            .create_tenant(input, &Requester::cli())
            .await
            .unwrap()
    }

    pub async fn user(&self, tenant: &Tenant, email: &str, role: Role) -> StaffUser {
        let input = UserInput {
            email: email.into(),
            full_name: format!("Persona {email}"),
            role,
            password: PASSWORD.into(),
        };
        Accounts::new(&self.app_store)
            .create_user(tenant.id, input, &Requester::cli())
            .await
            .unwrap()
    }

    /// A new API key of `role` in the tenant, named "pruebas"; returns its secret.
    pub async fn api_key(&self, tenant: &Tenant, role: Role) -> String {
        let accounts = Accounts::new(&self.app_store);
        let (_, secret) = accounts
            .create_api_key(tenant.id, "pruebas", role, None, &Requester::cli())
            .await
            .unwrap();
        secret
    }

    pub async fn admin_key(&self, tenant: &Tenant) -> String {
        self.api_key(tenant, Role::Admin).await
    }

    /// A client that keeps cookies and does not follow redirects, like a browser tab we can inspect.
    pub fn browser(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .user_agent(USER_AGENT)
            .build()
            .unwrap()
    }

    pub fn api(&self) -> reqwest::Client {
        reqwest::Client::new()
    }

    /// Fills and sends the login form the way a browser does.
    pub async fn login(
        &self,
        browser: &reqwest::Client,
        tenant: &str,
        email: &str,
        password: &str,
    ) -> Reply {
        let page = browser.get(self.url("/login")).reply().await;
        let token = hidden_csrf(&page.body);
        browser
            .post(self.url("/login"))
            .form(&[
                ("tenant", tenant),
                ("email", email),
                ("password", password),
                ("csrf_token", &token),
                ("next", "/"),
            ])
            .reply()
            .await
    }

    /// Signs in and returns the session's CSRF token (from the page's meta tag).
    pub async fn signed_in(&self, browser: &reqwest::Client, tenant: &str, email: &str) -> String {
        self.login(browser, tenant, email, PASSWORD)
            .await
            .assert_status_because(303, &format!("the login of {email} redirects"));
        let page = browser.get(self.url("/")).reply().await.assert_status(200);
        meta_csrf(&page.body)
    }
}

/// With `TEST_LOG=1`, the app's tracing goes to the test's output (shown for a failing test, or for
/// every test with `--no-capture`), filtered by `RUST_LOG` (default `info`); set up once per test
/// process, by whichever test spawns an app first.
fn show_logs_if_asked() {
    static ONCE: Once = Once::new();
    if std::env::var("TEST_LOG").is_ok_and(|v| v == "1") {
        ONCE.call_once(|| {
            let filter = tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
            let _ = tracing_subscriber::fmt()
                .with_env_filter(filter)
                .with_test_writer()
                .with_ansi(std::io::stdout().is_terminal())
                .try_init();
        });
    }
}
