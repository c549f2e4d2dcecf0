//! The test button: a message sent now to one of the tenant's channels, not through the queue, and
//! how each destination answered — said once on the page the redirect leads to, so a reload sends
//! nothing again.

use super::{PATH, internal};
use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::catalogue;
use crate::pages::extract::PagePath;
use crate::pages::flash::{self, Flash, Outcome};
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use credinet_notify::{Notifier, NotifySettings, Owner, admin};
use credinet_store::repo::notify::channels;

pub async fn test(
    State(state): State<AppState>,
    staff: Staff,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    staff.require(staff.role.can_administer(), "administrar notificaciones")?;
    let owner = Owner::Tenant(staff.tenant.id);
    let Some(channel) = channels::get(state.store().db(), owner, id).await? else {
        return Err(PageError::NotFound);
    };
    let notifier =
        Notifier::new(state.store().clone(), NotifySettings::default()).map_err(internal)?;
    let results = admin::send_test(&notifier, owner, Some(&channel.name))
        .await
        .map_err(internal)?;
    let outcomes: Vec<Outcome> = if results.is_empty() {
        vec![Outcome {
            label: channel.name,
            text: "El canal está desactivado: no se envió nada.".into(),
            ok: false,
        }]
    } else {
        results
            .into_iter()
            .map(|r| {
                let label = if r.destination.is_empty() {
                    r.channel
                } else {
                    format!("{} → {}", r.channel, r.destination)
                };
                let text = match &r.result {
                    Ok(()) => "Entregado".into(),
                    // The error of a send never carries the channel's secret (ADR 15); its English
                    // goes to the log, the page says it in Spanish.
                    Err(e) => {
                        tracing::warn!(channel = %label, error = %e, "test notification not delivered");
                        format!("Falló: {}", catalogue::send_error(e))
                    }
                };
                Outcome {
                    label,
                    ok: r.result.is_ok(),
                    text,
                }
            })
            .collect()
    };
    Ok(flash::redirect_with(
        &state,
        &staff,
        PATH,
        Flash::Outcomes(outcomes),
    ))
}
