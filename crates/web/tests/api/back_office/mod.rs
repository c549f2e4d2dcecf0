//! The back office as its users meet it: pages read as a cashier, a manager or an admin would, with the
//! links the pages themselves offer and the input people really type.

mod arrears;
mod arrears_list;
mod assistant_client;
mod audit_log;
mod backups;
mod cashier_tools;
mod dashboards;
mod duplicates;
mod forms;
mod jobs;
mod lists;
mod loan_preview;
mod notification_forms;
mod notifications;
mod payments_list;
mod phones;
mod post_redirect_get;
mod product_limits;
mod roles;
mod sane_input;
mod search;
mod spanish;
mod spreadsheets;
mod users;

use crate::helpers::Lender;
use crate::helpers::{Reply, RequestExt, TestApp};
use credinet_core::role::Role;

/// A browser signed in as a new user of `role` in the lender's tenant.
pub async fn staff_browser(app: &TestApp, l: &Lender, role: Role) -> reqwest::Client {
    let email = format!("{}@{}.mx", role.as_str(), l.tenant.slug.as_str());
    app.user(&l.tenant, &email, role).await;
    let browser = app.browser();
    app.signed_in(&browser, l.tenant.slug.as_str(), &email)
        .await;
    browser
}

/// A form sent from a page, and the page the browser shows after it: the answer itself, or where a
/// redirect (post/redirect/get) leads.
pub async fn submit(
    app: &TestApp,
    browser: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
) -> Reply {
    let answer = browser.post(app.url(path)).form(form).reply().await;
    if answer.status.is_redirection() {
        let to = answer.header("location").to_string();
        return app.visit(browser, &to).await;
    }
    answer
}

/// The `href`s of the links on a page, with `&amp;` and `&#38;` (askama's escape) read back as `&`.
pub fn links(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|href| href.replace("&amp;", "&").replace("&#38;", "&"))
        .collect()
}

/// Fails unless the page is the Spanish error page: no framework text in English.
#[track_caller]
pub fn assert_spanish_error_page(body: &str, what: &str) {
    for english in [
        "Failed to",
        "deserialize",
        "Invalid",
        "missing field",
        "expected",
    ] {
        assert!(
            !body.contains(english),
            "{what}: the error page says «{english}»:\n{body}"
        );
    }
    assert!(
        body.contains("<html lang=\"es-MX\">"),
        "{what}: the answer is the Spanish error page:\n{body}"
    );
}
