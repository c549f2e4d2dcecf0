//! Back-office pages (Spanish), server-rendered with askama; one module per screen.

pub mod api_keys;
pub mod arrears_section;
pub mod audit;
pub mod backups;
pub mod catalogue;
pub mod chart;
pub mod cuts;
pub mod dashboard;
pub mod extract;
pub mod flash;
pub mod form;
pub mod jobs;
pub mod lending;
pub mod login;
pub mod notifications;
pub mod password;
pub mod reports;
pub mod users;

use crate::auth::Staff;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Utc};

/// What the layout shows around every page: navigation, tenant, user, CSRF token.
pub struct Chrome {
    pub nav: Vec<NavItem>,
    pub tenant_name: String,
    /// The zone's abbreviation now (`CST`), as times on the pages are written.
    pub zone: String,
    /// Its IANA name, for the header's tooltip.
    pub zone_name: &'static str,
    pub user_name: String,
    pub role_label: &'static str,
    pub csrf_token: String,
}

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

impl Chrome {
    /// The layout for `staff`, with `current` (a path) marked in the navigation. Links the role cannot
    /// use are not shown.
    pub fn new(staff: &Staff, current: &str) -> Chrome {
        let role = staff.role;
        let mut items = vec![
            ("/", "Panel"),
            ("/clientes", "Clientes"),
            ("/prestamos", "Préstamos"),
        ];
        if role.can_approve_loans() {
            items.push(("/prestamos/aprobacion", "Aprobaciones"));
        }
        items.push(("/pagos", "Pagos"));
        items.push(("/productos", "Productos"));
        if role.can_administer() {
            items.push(("/usuarios", "Usuarios"));
            items.push(("/claves", "Claves API"));
            items.push(("/notificaciones", "Notificaciones"));
        }
        if role.can_read_reports() {
            items.push(("/cortes", "Cortes"));
            items.push(("/reportes/cartera", "Cartera"));
            items.push(("/reportes/cobranza", "Cobranza"));
        }
        if role.can_read_audit() {
            items.push(("/tareas", "Tareas"));
            items.push(("/auditoria", "Auditoría"));
        }
        Chrome {
            nav: items
                .into_iter()
                .map(|(href, label)| NavItem {
                    href,
                    label,
                    current: href == current,
                })
                .collect(),
            tenant_name: staff.tenant.legal_name.clone(),
            // The wall clock, not the store's: only the abbreviation's season depends on it.
            zone: staff.tenant.zone.abbreviation(Utc::now()),
            zone_name: staff.tenant.zone.name(),
            user_name: staff.via.user.full_name.clone(),
            role_label: role.label_es(),
            csrf_token: staff.via.csrf_token.clone(),
        }
    }
}

/// Renders a page template into a response.
pub fn render<T: Template>(page: &T) -> Result<Response, crate::error::PageError> {
    Ok(Html(page.render()?).into_response())
}

/// An instant as local time in the tenant's zone: `dd/mm/aaaa HH:MM` and the zone's abbreviation, the
/// one format of every page (ADR 34).
pub fn local(staff: &Staff, at: DateTime<Utc>) -> String {
    staff.tenant.zone.format_local(at)
}

/// What a page says when the path names nothing: an unknown address and a missing client, loan or cut
/// read alike.
pub const NOT_FOUND: &str = "No encontramos lo que busca.";

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    message: &'a str,
}

pub fn error_page(status: StatusCode, message: &str) -> String {
    ErrorPage {
        status: status.as_u16(),
        message,
    }
    .render()
    .unwrap_or_else(|_| message.to_string())
}

/// The error page as a response with its status.
pub fn error_page_response(status: StatusCode, message: &str) -> Response {
    (status, Html(error_page(status, message))).into_response()
}
