//! `/auditoria/exportar.csv`: the entries the page's filters select, oldest first, as a spreadsheet in
//! Spanish (UTF-8 with a BOM so Excel reads the accents, Spanish headers and names, local dd/mm/aaaa
//! times); `?format=raw` gives the stored keys and UTC instants for programs, as `/v1` does.

use super::{AuditQuery, diff, labels};
use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::extract::PageQuery;
use crate::pages::lending::csv_download;
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use credinet_lending::csv::{field, text};
use credinet_store::repo::audit::{self, AuditEntry};

/// More than a year of a small lender's log; a bigger export is cut here and says so in its last row.
const MAX_ROWS: u64 = 100_000;
/// What makes a spreadsheet read the file as UTF-8.
pub const BOM: &str = "\u{feff}";

pub async fn export(
    State(state): State<AppState>,
    staff: Staff,
    PageQuery(q): PageQuery<AuditQuery>,
) -> Result<Response, PageError> {
    staff.require(
        staff.role.can_read_audit(),
        "consultar la bitácora de auditoría",
    )?;
    let entries = audit::export_matching(
        state.store().db(),
        staff.tenant.id,
        &q.filter(&staff),
        MAX_ROWS,
    )
    .await?;
    let body = if q.format.as_deref() == Some("raw") {
        raw(&entries)
    } else {
        spanish(&staff, &entries)
    };
    Ok(csv_download("auditoria.csv", body))
}

fn line(out: &mut String, fields: &[String]) {
    out.push_str(&fields.join(","));
    out.push_str("\r\n");
}

fn spanish(staff: &Staff, entries: &[AuditEntry]) -> String {
    let mut out = String::from(BOM);
    line(
        &mut out,
        &[
            "Número",
            "Fecha y hora",
            "Quién",
            "Acción",
            "Objeto",
            "Id",
            "Desde",
            "Cambios",
        ]
        .map(String::from),
    );
    for e in entries {
        let changes = diff::changes(e.before.as_deref(), e.after.as_deref(), &staff.tenant.zone)
            .into_iter()
            .map(|c| match (c.before.is_empty(), c.after.is_empty()) {
                (true, _) => format!("{}: {}", c.field, c.after),
                (_, true) => format!("{}: {} → (nada)", c.field, c.before),
                _ => format!("{}: {} → {}", c.field, c.before, c.after),
            })
            .collect::<Vec<_>>()
            .join("; ");
        line(
            &mut out,
            &[
                e.seq.map(|s| s.to_string()).unwrap_or_default(),
                field(&crate::pages::local(staff, e.at)),
                text(&e.actor_label),
                field(&labels::action(&e.action)),
                field(&labels::entity(&e.entity)),
                text(e.entity_id.as_deref().unwrap_or_default()),
                text(e.ip.as_deref().unwrap_or_default()),
                text(&changes),
            ],
        );
    }
    if entries.len() as u64 == MAX_ROWS {
        line(
            &mut out,
            &[format!(
                "(Se exportaron las primeras {MAX_ROWS} entradas; acote las fechas.)"
            )],
        );
    }
    out
}

fn raw(entries: &[AuditEntry]) -> String {
    let mut out = String::new();
    line(
        &mut out,
        &[
            "seq",
            "at",
            "actor",
            "action",
            "entity",
            "entity_id",
            "ip",
            "before",
            "after",
        ]
        .map(String::from),
    );
    for e in entries {
        line(
            &mut out,
            &[
                e.seq.map(|s| s.to_string()).unwrap_or_default(),
                e.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
                text(&e.actor_label),
                field(&e.action),
                field(&e.entity),
                text(e.entity_id.as_deref().unwrap_or_default()),
                text(e.ip.as_deref().unwrap_or_default()),
                text(e.before.as_deref().unwrap_or_default()),
                text(e.after.as_deref().unwrap_or_default()),
            ],
        );
    }
    out
}
