//! The channel forms: add one, edit one (its secrets are never shown; one left empty is kept), switch
//! one off or on. Each change is audited by `credinet_notify::configure`.

use super::{PATH, channel_form_name, done, internal, refused};
use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::extract::{PageForm, PagePath};
use crate::pages::flash::{self, Flash};
use crate::pages::form::Form;
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use credinet_notify::configure::{self, ConfigureError};
use credinet_notify::draft::ChannelDraft;
use serde::Deserialize;

/// Every field of every kind; a kind reads its own and ignores the rest.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ChannelForm {
    name: String,
    kind: String,
    bot_token: String,
    chat_ids: String,
    webhook_url: String,
    smtp_url: String,
    from: String,
    to: String,
    url: String,
    secret: String,
}

impl ChannelForm {
    fn draft(self) -> ChannelDraft {
        ChannelDraft {
            name: self.name,
            kind: self.kind,
            bot_token: self.bot_token,
            chat_ids: self.chat_ids,
            webhook_url: self.webhook_url,
            smtp_url: self.smtp_url,
            from: self.from,
            to: self.to,
            url: self.url,
            secret: self.secret,
        }
    }
}

/// What a refused form shows again: what was typed, except the secrets (write-only, ADR 15).
fn typed(draft: &ChannelDraft) -> Form {
    Form::with([
        ("name", draft.name.as_str()),
        ("kind", draft.kind.as_str()),
        ("chat_ids", draft.chat_ids.as_str()),
        ("from", draft.from.as_str()),
        ("to", draft.to.as_str()),
    ])
}

pub async fn create(
    State(state): State<AppState>,
    staff: Staff,
    PageForm(form): PageForm<ChannelForm>,
) -> Result<Response, PageError> {
    staff.require(staff.role.can_administer(), "administrar notificaciones")?;
    let draft = form.draft();
    let by = staff.requester();
    match configure::create_channel(state.store(), staff.tenant.id, by, &draft).await {
        Ok(channel) => Ok(done(
            &state,
            &staff,
            &format!("Canal «{}» agregado.", channel.name),
        )),
        Err(ConfigureError::Refused(r)) => {
            refused(
                &state,
                &staff,
                super::NEW_CHANNEL_FORM.into(),
                typed(&draft),
                &r,
            )
            .await
        }
        Err(ConfigureError::Failed(e)) => Err(internal(e)),
    }
}

pub async fn update(
    State(state): State<AppState>,
    staff: Staff,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<ChannelForm>,
) -> Result<Response, PageError> {
    staff.require(staff.role.can_administer(), "administrar notificaciones")?;
    let draft = form.draft();
    let by = staff.requester();
    match configure::update_channel(state.store(), staff.tenant.id, by, id, &draft).await {
        Ok(Some(channel)) => Ok(done(
            &state,
            &staff,
            &format!("Canal «{}» guardado.", channel.name),
        )),
        Ok(None) => Err(PageError::NotFound),
        Err(ConfigureError::Refused(r)) => {
            refused(&state, &staff, channel_form_name(id), typed(&draft), &r).await
        }
        Err(ConfigureError::Failed(e)) => Err(internal(e)),
    }
}

pub async fn enable(
    State(state): State<AppState>,
    staff: Staff,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    switch(state, staff, id, true).await
}

pub async fn disable(
    State(state): State<AppState>,
    staff: Staff,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    switch(state, staff, id, false).await
}

async fn switch(
    state: AppState,
    staff: Staff,
    id: i64,
    enabled: bool,
) -> Result<Response, PageError> {
    staff.require(staff.role.can_administer(), "administrar notificaciones")?;
    let by = staff.requester();
    match configure::set_channel_enabled(state.store(), staff.tenant.id, by, id, enabled).await {
        Ok(true) => Ok(flash::redirect_with(
            &state,
            &staff,
            PATH,
            Flash::Notice(
                if enabled {
                    "Canal activado."
                } else {
                    "Canal desactivado: no recibirá avisos hasta que lo active de nuevo."
                }
                .into(),
            ),
        )),
        Ok(false) => Err(PageError::NotFound),
        Err(e) => Err(internal(e)),
    }
}
