//! The rule forms: send an event (or every event) to a channel, change where a rule sends, remove a
//! rule. Each change is audited by `credinet_notify::configure`.

use super::{NEW_RULE_FORM, done, internal, refused, rule_form_name};
use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::extract::{PageForm, PagePath};
use crate::pages::form::Form;
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use credinet_notify::configure::{self, ConfigureError};
use credinet_notify::draft::{DraftField, DraftProblem, DraftRefusal};
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RuleForm {
    event_kind: String,
    channel_id: String,
}

impl RuleForm {
    fn typed(&self) -> Form {
        Form::with([
            ("event_kind", self.event_kind.as_str()),
            ("channel_id", self.channel_id.as_str()),
        ])
    }

    /// The channel chosen; a value that is no id is no channel of the tenant's.
    fn channel(&self) -> Result<i64, DraftRefusal> {
        self.channel_id.trim().parse().map_err(|_| DraftRefusal {
            field: DraftField::Channel,
            problem: if self.channel_id.trim().is_empty() {
                DraftProblem::Required
            } else {
                DraftProblem::UnknownChannel
            },
        })
    }
}

pub async fn create(
    State(state): State<AppState>,
    staff: Staff,
    PageForm(form): PageForm<RuleForm>,
) -> Result<Response, PageError> {
    staff.require(staff.role.can_administer(), "administrar notificaciones")?;
    let by = staff.requester();
    let result = match form.channel() {
        Ok(channel) => {
            configure::add_rule(
                state.store(),
                staff.tenant.id,
                by,
                &form.event_kind,
                channel,
            )
            .await
        }
        Err(r) => Err(ConfigureError::Refused(r)),
    };
    match result {
        Ok(_) => Ok(done(&state, &staff, "Regla agregada.")),
        Err(ConfigureError::Refused(r)) => {
            refused(&state, &staff, NEW_RULE_FORM.into(), form.typed(), &r).await
        }
        Err(ConfigureError::Failed(e)) => Err(internal(e)),
    }
}

pub async fn update(
    State(state): State<AppState>,
    staff: Staff,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<RuleForm>,
) -> Result<Response, PageError> {
    staff.require(staff.role.can_administer(), "administrar notificaciones")?;
    let by = staff.requester();
    let result = match form.channel() {
        Ok(channel) => {
            configure::update_rule(
                state.store(),
                staff.tenant.id,
                by,
                id,
                &form.event_kind,
                channel,
            )
            .await
        }
        Err(r) => Err(ConfigureError::Refused(r)),
    };
    match result {
        Ok(Some(_)) => Ok(done(&state, &staff, "Regla guardada.")),
        Ok(None) => Err(PageError::NotFound),
        Err(ConfigureError::Refused(r)) => {
            refused(&state, &staff, rule_form_name(id), form.typed(), &r).await
        }
        Err(ConfigureError::Failed(e)) => Err(internal(e)),
    }
}

pub async fn remove(
    State(state): State<AppState>,
    staff: Staff,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    staff.require(staff.role.can_administer(), "administrar notificaciones")?;
    let by = staff.requester();
    match configure::remove_rule(state.store(), staff.tenant.id, by, id).await {
        Ok(true) => Ok(done(&state, &staff, "Regla quitada.")),
        Ok(false) => Err(PageError::NotFound),
        Err(e) => Err(internal(e)),
    }
}
