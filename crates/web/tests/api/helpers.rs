//! `TestApp`: the whole app built from a config pointing at a fresh database, served on port 0.

use credinet_accounts::AccountSettings;
use credinet_accounts::{Accounts, TenantInput, UserInput};
use credinet_core::role::Role;
use credinet_store::repo::audit::Requester;
use credinet_store::repo::tenants::Tenant;
use credinet_store::repo::users::StaffUser;
use credinet_store::testing::TestDb;
use credinet_store::{Store, StoreSettings};
use credinet_web::{Application, HttpSettings};
use reqwest::redirect::Policy;

pub const PASSWORD: &str = "contraseña-segura-1";
pub const USER_AGENT: &str = "credinet-tests/1.0";

pub struct TestApp {
    pub base: String,
    pub app_store: credinet_store::Store,
    /// The database the app serves, for a second process (the CLI) to connect to.
    pub database_url: String,
}

impl TestApp {
    pub async fn spawn(db: TestDb) -> TestApp {
        let store = Store::open(&StoreSettings {
            database_url: db.url.clone(),
            migrate_on_start: true,
        })
        .await
        .expect("the database opens and migrates");
        let app = Application::build(
            store,
            HttpSettings::on_any_port(),
            AccountSettings::default(),
        )
        .await
        .expect("the app builds");
        let base = format!("http://{}", app.local_addr());
        let app_store = app.store().clone();
        tokio::spawn(app.serve(std::future::pending()));
        TestApp {
            base,
            app_store,
            database_url: db.url,
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

    pub async fn api_key(&self, tenant: &Tenant, role: Role) -> String {
        let accounts = Accounts::new(&self.app_store);
        let (_, secret) = accounts
            .create_api_key(tenant.id, "pruebas", role, None, &Requester::cli())
            .await
            .unwrap();
        secret
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
    ) -> reqwest::Response {
        let page = browser
            .get(self.url("/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let token = hidden_csrf(&page);
        browser
            .post(self.url("/login"))
            .form(&[
                ("tenant", tenant),
                ("email", email),
                ("password", password),
                ("csrf_token", &token),
                ("next", "/"),
            ])
            .send()
            .await
            .unwrap()
    }

    /// Signs in and returns the session's CSRF token (from the page's meta tag).
    pub async fn signed_in(&self, browser: &reqwest::Client, tenant: &str, email: &str) -> String {
        let response = self.login(browser, tenant, email, PASSWORD).await;
        assert_eq!(response.status(), 303, "login of {email} should redirect");
        let page = browser
            .get(self.url("/"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        meta_csrf(&page)
    }
}

pub fn hidden_csrf(html: &str) -> String {
    between(html, "name=\"csrf_token\" value=\"", "\"").expect("the page has a csrf_token field")
}

pub fn meta_csrf(html: &str) -> String {
    between(html, "<meta name=\"csrf-token\" content=\"", "\"")
        .expect("the page has a csrf-token meta tag")
}

fn between(text: &str, start: &str, end: &str) -> Option<String> {
    let from = text.find(start)? + start.len();
    let to = text[from..].find(end)? + from;
    Some(text[from..to].to_string())
}
