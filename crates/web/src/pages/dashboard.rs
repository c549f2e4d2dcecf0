//! `GET /`: a dashboard per role: the portfolio and the last two weeks of collections against what fell
//! due for everyone; users, keys and the audit chain for those who administer. (PAR and delinquency
//! buckets join it with the period cut.)

use super::{Chrome, chart, render};
use crate::auth::Staff;
use crate::error::PageError;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::Duration;
use credinet_core::money::Money;
use credinet_core::role::Role;
use credinet_lending::loans::LoanStatus;
use credinet_lending::portfolio;
use credinet_store::repo::{api_keys, audit, users};

pub struct Card {
    pub label: &'static str,
    pub value: Option<String>,
    pub note: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    chrome: Chrome,
    role_title: &'static str,
    today: String,
    portfolio: Vec<Card>,
    chart: String,
    cards: Vec<Card>,
    arrears: super::arrears_section::ArrearsSection,
}

/// Days of collections shown on the chart.
const CHART_DAYS: u32 = 14;

pub async fn show(State(state): State<AppState>, staff: Staff) -> Result<Response, PageError> {
    let db = state.store().db();
    let tenant = staff.tenant.id;
    let now = state.store().now();
    let today = staff.tenant.zone.local_date(now);
    let snapshot = portfolio::snapshot(state.store(), tenant, today, CHART_DAYS)
        .await
        .map_err(super::lending::clients::not_found)?;
    let active = snapshot.line(LoanStatus::Disbursed);
    let pending = [LoanStatus::Submitted, LoanStatus::Approved]
        .iter()
        .filter_map(|s| snapshot.line(*s))
        .map(|l| l.loans)
        .sum::<i64>();
    let arrears = super::arrears_section::build(
        &state,
        tenant,
        today,
        active.map_or(0, |l| u64::try_from(l.loans).unwrap_or(0)),
    )
    .await?;
    let last = snapshot.days.last();
    let portfolio = vec![
        Card {
            label: "Cartera activa (saldo)",
            value: Some(active.map_or(Money::ZERO, |l| l.outstanding).to_string()),
            note: None,
        },
        Card {
            label: "Préstamos activos",
            value: Some(active.map_or(0, |l| l.loans).to_string()),
            note: None,
        },
        Card {
            label: "Solicitudes por aprobar o dispersar",
            value: Some(pending.to_string()),
            note: None,
        },
        Card {
            label: "Cobrado hoy",
            value: Some(last.map_or(Money::ZERO, |d| d.collected).to_string()),
            note: Some("Pagos no reversados con fecha de hoy (hora local)."),
        },
    ];
    let mut cards = Vec::new();
    if staff.role.can_administer() {
        let people = users::list(db, tenant).await?;
        let keys = api_keys::list(db, tenant).await?;
        cards.push(count(
            "Usuarios activos",
            people.iter().filter(|u| u.active).count(),
        ));
        cards.push(count(
            "Claves API vigentes",
            keys.iter().filter(|k| k.revoked_at.is_none()).count(),
        ));
    }
    if staff.role.can_read_audit() {
        let recent = audit::count_since(db, tenant, now - Duration::hours(24)).await?;
        cards.push(Card {
            label: "Eventos auditados (24 h)",
            value: Some(recent.to_string()),
            note: None,
        });
        if let Some((sealed, _)) = audit::chain_head(db, tenant).await? {
            cards.push(Card {
                label: "Bitácora encadenada",
                value: Some(sealed.to_string()),
                note: Some("Entradas selladas en la cadena de hashes; verifíquela con «credinet audit verify»."),
            });
        }
    }
    cards.push(Card {
        label: "Su función",
        value: None,
        note: Some(role_note(staff.role)),
    });
    let page = DashboardPage {
        chrome: Chrome::new(&staff, "/"),
        role_title: staff.role.label_es(),
        today: today.format("%d/%m/%Y").to_string(),
        portfolio,
        chart: chart::due_vs_collected(&snapshot.days),
        cards,
        arrears,
    };
    render(&page)
}

fn count(label: &'static str, n: usize) -> Card {
    Card {
        label,
        value: Some(n.to_string()),
        note: None,
    }
}

fn role_note(role: Role) -> &'static str {
    match role {
        Role::Admin => "Administra usuarios, claves API y la configuración de la empresa.",
        Role::Manager => "Aprueba solicitudes de crédito y autoriza reversas de pagos.",
        Role::Cashier => "Registra los pagos de los clientes.",
        Role::Agent => "Atiende las conversaciones que el asistente transfiere a una persona.",
        Role::Viewer => "Consulta la información sin modificarla.",
    }
}
