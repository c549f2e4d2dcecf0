//! The panel per role (issue 22, ADR 35): every card opens the list it counts, filtered, and only lists
//! the role may open; the collections chart has a scale and a table of its figures; a cashier sees her
//! own collections of today, the manager the team's — each the same figure as the list it links to.

use super::{links, staff_browser, submit};
use crate::helpers::{TestApp, card, hidden_csrf};
use credinet_core::role::Role;
use credinet_store::each_backend;
use credinet_store::testing::TestDb;

each_backend!(each_role_s_panel_links_its_cards_to_their_lists_and_counts_collections_as_they_do);

/// Where the card `id` leads, if it is a link.
fn card_href(html: &str, id: &str) -> Option<String> {
    let marker = format!("id=\"{id}\" href=\"");
    let from = html.find(&marker)? + marker.len();
    let href = html[from..].split('"').next()?;
    Some(href.replace("&amp;", "&").replace("&#38;", "&"))
}

/// The payments list's «Total cobrado».
fn list_total(html: &str) -> &str {
    html.split_once("id=\"total-cobrado\">")
        .and_then(|(_, rest)| rest.split('<').next())
        .unwrap_or("")
}

/// A cash payment taken at the counter by whoever `browser` is signed in as.
async fn pay_at_counter(app: &TestApp, browser: &reqwest::Client, loan: i64, amount: &str) {
    let path = format!("/prestamos/{loan}");
    let page = app.visit(browser, &path).await.assert_status(200);
    let token = hidden_csrf(&page.body);
    let key = format!("panel-{loan}-{amount}");
    submit(
        app,
        browser,
        &format!("{path}/pagos"),
        &[
            ("csrf_token", token.as_str()),
            ("idempotency_key", key.as_str()),
            ("amount", amount),
            ("paid_on", ""),
            ("method", "cash"),
            ("reference", ""),
        ],
    )
    .await
    .assert_status(200);
}

async fn each_role_s_panel_links_its_cards_to_their_lists_and_counts_collections_as_they_do(
    db: TestDb,
) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja-panel").await;
    let loan = app.disbursed_loan_today(&l, l.flat, "10000").await;
    let ana = app
        .user(&l.tenant, "ana@caja-panel.mx", Role::Cashier)
        .await;
    let cashier = app.browser();
    app.signed_in(&cashier, "caja-panel", "ana@caja-panel.mx")
        .await;
    let beto = app.browser();
    app.user(&l.tenant, "beto@caja-panel.mx", Role::Cashier)
        .await;
    app.signed_in(&beto, "caja-panel", "beto@caja-panel.mx")
        .await;

    // Today Ana takes 500.00 and 120.25, Beto 200.00, a program 100.00 through a key; one of Ana's
    // is reversed and no longer counts.
    pay_at_counter(&app, &cashier, loan.id, "500.00").await;
    pay_at_counter(&app, &cashier, loan.id, "120.25").await;
    pay_at_counter(&app, &cashier, loan.id, "75.00").await;
    pay_at_counter(&app, &beto, loan.id, "200.00").await;
    app.post_payment_today(loan.id, "100.00", &l.cashier)
        .await
        .assert_status(201);
    let payments = app
        .get_json(&format!("/v1/loans/{}/payments", loan.id), &l.manager)
        .await;
    let wrong = payments["items"]
        .as_array()
        .and_then(|items| items.iter().find(|p| p["amount"] == "75.00"))
        .and_then(|p| p["id"].as_i64())
        .unwrap_or_else(|| panic!("the 75.00 payment is listed: {payments}"));
    app.reverse(wrong, "Importe equivocado", &l.manager)
        .await
        .assert_status(201);

    // Ana's panel: her own day, not the team's, and one click from the list that adds it up.
    let panel = app.visit(&cashier, "/").await.assert_status(200).body;
    assert_eq!(card(&panel, "Sus cobros de hoy"), "$620.25", "{panel}");
    assert!(
        panel.contains("2 pagos registrados por usted"),
        "the reversed one is not counted: {panel}"
    );
    assert!(
        !panel.contains("id=\"cobrado-hoy\""),
        "a cashier does not read the team's collections (ADR 10): {panel}"
    );
    assert!(
        !panel.contains("id=\"cobranza-chart\""),
        "nor the lender's daily collections"
    );
    let mine = card_href(&panel, "mis-cobros-hoy").expect("her collections card links");
    assert!(mine.contains(&format!("cajero={}", ana.id.get())), "{mine}");
    let her_list = app.visit(&cashier, &mine).await.assert_status(200);
    assert_eq!(list_total(&her_list.body), "$620.25", "{her_list}");
    assert_eq!(
        card_href(&panel, "prestamos-activos").as_deref(),
        Some("/prestamos?estado=disbursed")
    );
    assert_eq!(
        card_href(&panel, "por-aprobar"),
        None,
        "the approval queue is not hers to open"
    );

    // The manager's panel: the team's day, the queue, the audit log, and the chart with its table.
    let manager = staff_browser(&app, &l, Role::Manager).await;
    let panel = app.visit(&manager, "/").await.assert_status(200).body;
    assert_eq!(
        card(&panel, "Cobrado hoy"),
        "$920.25",
        "Ana's 620.25, Beto's 200.00 and the key's 100.00: {panel}"
    );
    assert!(panel.contains("4 pagos del equipo"), "{panel}");
    assert!(!panel.contains("id=\"mis-cobros-hoy\""));
    let team = card_href(&panel, "cobrado-hoy").expect("the collections card links");
    assert!(
        team.starts_with("/pagos?desde=") && team.contains("&cajero=&"),
        "{team}"
    );
    let team_list = app.visit(&manager, &team).await.assert_status(200);
    assert_eq!(list_total(&team_list.body), "$920.25", "{team_list}");
    assert_eq!(
        card_href(&panel, "por-aprobar").as_deref(),
        Some("/prestamos/aprobacion")
    );
    assert_eq!(
        card_href(&panel, "cartera-activa").as_deref(),
        Some("/prestamos?estado=disbursed")
    );
    assert_eq!(
        card_href(&panel, "eventos-auditados").as_deref(),
        Some("/auditoria")
    );
    assert!(
        panel.contains("id=\"cobranza-chart\""),
        "the chart is drawn: {panel}"
    );
    for label in [">$0</text>", ">$1,000</text>"] {
        assert!(panel.contains(label), "the amount scale reads {label}");
    }
    let table = panel
        .split_once("<table id=\"cobranza-dias\">")
        .and_then(|(_, rest)| rest.split_once("</table>"))
        .map(|(t, _)| t)
        .unwrap_or_else(|| panic!("a table under the chart: {panel}"));
    assert_eq!(table.matches("<tr>").count(), 1 + 14, "a row per day");
    let today_row = table.rsplit("<tr>").next().unwrap_or_default().to_string();
    assert!(
        today_row.contains("<td class=\"num\">$920.25</td>"),
        "today's row carries the same figure as the bar: {today_row}"
    );
    assert!(
        panel.contains(" cobrado: $920.25</title>"),
        "the bar's tooltip and the table agree"
    );

    // The admin's cards open users and keys.
    let admin = staff_browser(&app, &l, Role::Admin).await;
    let panel = app.visit(&admin, "/").await.assert_status(200).body;
    assert_eq!(
        card_href(&panel, "usuarios-activos").as_deref(),
        Some("/usuarios")
    );
    assert_eq!(
        card_href(&panel, "claves-vigentes").as_deref(),
        Some("/claves")
    );
    assert_eq!(card(&panel, "Cobrado hoy"), "$920.25");

    // An agent neither registers payments nor reads the lender's figures: no collections at all.
    let agent = staff_browser(&app, &l, Role::Agent).await;
    let agent_panel = app.visit(&agent, "/").await.assert_status(200).body;
    assert!(
        !agent_panel.contains("Cobrado hoy") && !agent_panel.contains("Sus cobros de hoy"),
        "{agent_panel}"
    );

    // Whatever the role, every link its panel offers opens.
    for role in Role::ALL {
        let browser = match role {
            Role::Cashier => cashier.clone(),
            Role::Manager => manager.clone(),
            Role::Admin => admin.clone(),
            Role::Agent => agent.clone(),
            Role::Viewer => staff_browser(&app, &l, Role::Viewer).await,
        };
        let panel = app.visit(&browser, "/").await.assert_status(200).body;
        for href in links(&panel)
            .into_iter()
            .filter(|h| h.starts_with('/') && !h.starts_with("/assets/") && h != "/favicon.ico")
        {
            app.visit(&browser, &href)
                .await
                .because(format!("{role:?}'s panel links {href}"))
                .assert_status(200);
        }
    }
}
