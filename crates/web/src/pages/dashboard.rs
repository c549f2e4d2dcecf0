//! `GET /`: a dashboard per role (ADR 35): the portfolio and its arrears for everyone; today's
//! collections — the team's for those who read the lender's figures, her own for a cashier — and the
//! last two weeks of collections against what fell due; users, keys and the audit chain for those who
//! administer. Every card links to the list it counts, filtered, when the role may open that list.

use super::lending::payments_list::day_href;
use super::{Chrome, chart, render};
use crate::auth::Staff;
use crate::error::PageError;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::{Duration, NaiveDate};
use credinet_core::money::Money;
use credinet_core::role::Role;
use credinet_lending::loans::LoanStatus;
use credinet_lending::payments::{self, PaymentFilter};
use credinet_lending::portfolio;
use credinet_store::repo::{api_keys, audit, users};

/// A figure of the panel; `href` is the list it counts, filtered to what it counts, when the viewer's
/// role may see that list.
pub struct Card {
    pub id: &'static str,
    pub label: &'static str,
    pub value: Option<String>,
    pub note: Option<String>,
    pub href: Option<String>,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    chrome: Chrome,
    role_title: &'static str,
    today: String,
    portfolio: Vec<Card>,
    /// The lender's daily collections against what fell due, drawn and as a table: for those who read
    /// the lender's figures (ADR 10, ADR 35).
    chart: Option<(String, Vec<chart::DayRow>)>,
    cards: Vec<Card>,
    arrears: super::arrears_section::ArrearsSection,
}

/// Days of collections shown on the chart.
const CHART_DAYS: u32 = 14;

/// The active loans in the loans list.
const ACTIVE_LOANS: &str = "/prestamos?estado=disbursed";

pub async fn show(State(state): State<AppState>, staff: Staff) -> Result<Response, PageError> {
    let db = state.store().db();
    let tenant = staff.tenant.id;
    let role = staff.role;
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
    let mut portfolio = vec![
        Card {
            id: "cartera-activa",
            label: "Cartera activa (saldo)",
            value: Some(active.map_or(Money::ZERO, |l| l.outstanding).to_string()),
            note: None,
            href: Some(ACTIVE_LOANS.into()),
        },
        Card {
            id: "prestamos-activos",
            label: "Préstamos activos",
            value: Some(active.map_or(0, |l| l.loans).to_string()),
            note: None,
            href: Some(ACTIVE_LOANS.into()),
        },
        Card {
            id: "por-aprobar",
            label: "Solicitudes por aprobar o dispersar",
            value: Some(pending.to_string()),
            note: None,
            // The queue is the approvers' screen; the others have no list of both states to open.
            href: role
                .can_approve_loans()
                .then(|| "/prestamos/aprobacion".into()),
        },
    ];
    portfolio.extend(collections_today(&state, &staff, today).await?);
    let mut cards = Vec::new();
    if role.can_administer() {
        let people = users::list(db, tenant).await?;
        let keys = api_keys::list(db, tenant).await?;
        cards.push(count(
            "usuarios-activos",
            "Usuarios activos",
            people.iter().filter(|u| u.active).count(),
            "/usuarios",
        ));
        cards.push(count(
            "claves-vigentes",
            "Claves API vigentes",
            keys.iter().filter(|k| k.revoked_at.is_none()).count(),
            "/claves",
        ));
    }
    if role.can_read_audit() {
        let recent = audit::count_since(db, tenant, now - Duration::hours(24)).await?;
        cards.push(Card {
            id: "eventos-auditados",
            label: "Eventos auditados (24 h)",
            value: Some(recent.to_string()),
            note: None,
            href: Some("/auditoria".into()),
        });
        if let Some((sealed, _)) = audit::chain_head(db, tenant).await? {
            cards.push(Card {
                id: "bitacora-encadenada",
                label: "Bitácora encadenada",
                value: Some(sealed.to_string()),
                note: Some("Entradas selladas en la cadena de hashes; verifíquela con «credinet audit verify».".into()),
                href: Some("/auditoria".into()),
            });
        }
    }
    cards.push(Card {
        id: "su-funcion",
        label: "Su función",
        value: None,
        note: Some(role_note(role).into()),
        href: None,
    });
    let page = DashboardPage {
        chrome: Chrome::new(&staff, "/"),
        role_title: role.label_es(),
        today: today.format("%d/%m/%Y").to_string(),
        portfolio,
        chart: role.can_read_reports().then(|| {
            (
                chart::due_vs_collected(&snapshot.days),
                chart::day_rows(&snapshot.days),
            )
        }),
        cards,
        arrears,
    };
    render(&page)
}

/// Today's collections as the viewer may read them (ADR 35): the team's for those who read the
/// lender's figures, her own for a cashier, none for an agent. The figure is the payments list's own
/// total for the day (and cashier) the card links to, from the same statement.
async fn collections_today(
    state: &AppState,
    staff: &Staff,
    today: NaiveDate,
) -> Result<Option<Card>, PageError> {
    let role = staff.role;
    let (id, label, cashier) = if role.can_read_reports() {
        ("cobrado-hoy", "Cobrado hoy", None)
    } else if role.can_register_payments() {
        let me = staff.via.user.id;
        ("mis-cobros-hoy", "Sus cobros de hoy", Some(me))
    } else {
        return Ok(None);
    };
    let filter = PaymentFilter {
        loan: None,
        from: Some(today),
        to: Some(today),
        include_reversed: false,
        registered_by: cashier,
        method: None,
    };
    let totals = payments::applied_totals(state.store(), staff.tenant.id, &filter)
        .await
        .map_err(super::lending::clients::not_found)?;
    let payments: u64 = totals.iter().map(|t| t.payments).sum();
    let amount = Money::checked_sum(totals.iter().map(|t| t.amount)).ok_or(PageError::Internal)?;
    let counted = match payments {
        1 => "1 pago".to_string(),
        n => format!("{n} pagos"),
    };
    let whose = if cashier.is_some() {
        "registrados por usted"
    } else {
        "del equipo"
    };
    Ok(Some(Card {
        id,
        label,
        value: Some(amount.to_string()),
        note: Some(format!(
            "{counted} {whose} con fecha de hoy (hora local), sin reversas."
        )),
        href: Some(day_href(today, cashier.map(|c| c.get()))),
    }))
}

fn count(id: &'static str, label: &'static str, n: usize, href: &str) -> Card {
    Card {
        id,
        label,
        value: Some(n.to_string()),
        note: None,
        href: Some(href.into()),
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
