//! Setting a tenant's channel credentials (ADR 23): one audited write per change. The AutoResponder token
//! is made here (256 random bits), returned once and stored as its digest; the other secrets are stored
//! as given. The audit entry says which credentials changed, never their values.

use credinet_core::ids::TenantId;
use credinet_store::repo::assistant_channels::{self, ChannelConfig};
use credinet_store::repo::audit::{self, Record, Requester};
use credinet_store::{Store, StoreError};
use serde_json::json;

/// What to change; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Default)]
pub struct ChannelChange {
    /// Make a new AutoResponder token (the old one stops working).
    pub new_autoresponder_token: bool,
    /// Remove the AutoResponder token (the endpoint then refuses every request).
    pub clear_autoresponder_token: bool,
    pub autoresponder_header: Option<Option<String>>,
    pub autoresponder_hmac_secret: Option<Option<String>>,
    pub group_replies: Option<bool>,
    pub cloud_phone_number_id: Option<Option<String>>,
    pub cloud_app_secret: Option<Option<String>>,
    pub cloud_access_token: Option<Option<String>>,
    pub cloud_verify_token: Option<Option<String>>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "{0} must be a header name of letters, digits and '-' (e.g. X-Credinet-Token), not Authorization"
    )]
    HeaderName(String),
    #[error(
        "the Cloud API phone number id is the digits Meta shows for the number (e.g. 106540352242922)"
    )]
    PhoneNumberId,
    #[error("{0} is empty or holds spaces or control characters")]
    Secret(&'static str),
    #[error("the Cloud API phone number id already belongs to another tenant")]
    NumberTaken,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The saved configuration, and the new AutoResponder token when one was made (shown once).
pub struct Configured {
    pub config: ChannelConfig,
    pub autoresponder_token: Option<String>,
}

pub async fn configure(
    store: &Store,
    tenant: TenantId,
    change: ChannelChange,
    by: &Requester,
) -> Result<Configured, ConfigError> {
    let now = store.now();
    let tx = store.write().await?;
    let before = assistant_channels::get(&tx, tenant).await?;
    let mut config = before
        .clone()
        .unwrap_or_else(|| assistant_channels::unconfigured(tenant, now));
    let token = change
        .new_autoresponder_token
        .then(credinet_accounts::token::random_token);
    if change.clear_autoresponder_token {
        config.autoresponder_token_digest = None;
    }
    if let Some(token) = &token {
        config.autoresponder_token_digest = Some(credinet_accounts::token::digest(token));
    }
    if let Some(header) = change.autoresponder_header {
        config.autoresponder_header = header.map(header_name).transpose()?;
    }
    if let Some(secret) = change.autoresponder_hmac_secret {
        config.autoresponder_hmac_secret = secret_value(secret, "the AutoResponder HMAC secret")?;
    }
    if let Some(group) = change.group_replies {
        config.group_replies = group;
    }
    if let Some(number) = change.cloud_phone_number_id {
        config.cloud_phone_number_id = number.map(phone_number_id).transpose()?;
    }
    if let Some(secret) = change.cloud_app_secret {
        config.cloud_app_secret = secret_value(secret, "the Cloud API app secret")?;
    }
    if let Some(secret) = change.cloud_access_token {
        config.cloud_access_token = secret_value(secret, "the Cloud API access token")?;
    }
    if let Some(secret) = change.cloud_verify_token {
        config.cloud_verify_token = secret_value(secret, "the Cloud API verify token")?;
    }
    let saved = match assistant_channels::save(&tx, tenant, &config, now).await {
        Err(e) if e.is_unique_violation() => return Err(ConfigError::NumberTaken),
        other => other?,
    };
    let record = Record {
        actor: by.actor.clone(),
        origin: by.origin.clone(),
        action: "assistant_channels_configured",
        entity: "assistant_channel",
        entity_id: Some(saved.id.to_string()),
        before: before.as_ref().map(shown),
        after: Some(shown(&saved)),
    };
    audit::append(&tx, tenant, record, now).await?;
    tx.commit().await?;
    // The webhooks of this process read a copy of the configuration (ADR 31).
    store.forget_assistant_channel(tenant);
    Ok(Configured {
        config: saved,
        autoresponder_token: token,
    })
}

/// What the audit log and the CLI show of a configuration: which secrets are set, not what they are.
pub fn shown(c: &ChannelConfig) -> serde_json::Value {
    json!({
        "autoresponder_token": c.autoresponder_token_digest.is_some(),
        "autoresponder_header": c.autoresponder_header,
        "autoresponder_hmac_secret": c.autoresponder_hmac_secret.is_some(),
        "group_replies": c.group_replies,
        "cloud_phone_number_id": c.cloud_phone_number_id,
        "cloud_app_secret": c.cloud_app_secret.is_some(),
        "cloud_access_token": c.cloud_access_token.is_some(),
        "cloud_verify_token": c.cloud_verify_token.is_some(),
    })
}

fn header_name(raw: String) -> Result<String, ConfigError> {
    let name = raw.trim().to_string();
    let ok = !name.is_empty()
        && name.len() <= 100
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !name.eq_ignore_ascii_case("authorization");
    if ok {
        Ok(name)
    } else {
        Err(ConfigError::HeaderName(raw))
    }
}

fn phone_number_id(raw: String) -> Result<String, ConfigError> {
    let id = raw.trim().to_string();
    let ok = (5..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit());
    if ok {
        Ok(id)
    } else {
        Err(ConfigError::PhoneNumberId)
    }
}

fn secret_value(raw: Option<String>, what: &'static str) -> Result<Option<String>, ConfigError> {
    raw.map(|s| {
        let ok = !s.is_empty()
            && s.len() <= 4096
            && !s.chars().any(|c| c.is_whitespace() || c.is_control());
        if ok {
            Ok(s)
        } else {
            Err(ConfigError::Secret(what))
        }
    })
    .transpose()
}
