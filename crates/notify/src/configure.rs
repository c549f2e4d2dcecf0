//! A tenant's admin changing its notifications from the back office: channels added, edited, switched
//! off and on, rules added, changed and removed. Each change is one transaction with its audit entry
//! (who, and the state before and after — a channel's summary, never its secrets, only which of
//! them changed). Every query takes the tenant: another tenant's channel or rule reads as missing.
//! What was typed is checked by [`draft`](crate::draft) before anything is written.

use crate::NotifyError;
use crate::channel::ChannelConfig;
use crate::draft::{self, ChannelDraft, DraftField, DraftProblem, DraftRefusal};
use credinet_core::ids::TenantId;
use credinet_store::entities::{notify_channel, notify_rule};
use credinet_store::repo::audit::{self, Record, Requester};
use credinet_store::repo::notify::channels::{self, NewChannel};
use credinet_store::repo::notify::{Owner, rules};
use credinet_store::{Store, WriteTx};
use serde_json::{Value, json};

/// Why a change was not made: the form is refused on one field, or the service failed.
#[derive(Debug, thiserror::Error)]
pub enum ConfigureError {
    #[error("{0}")]
    Refused(DraftRefusal),
    #[error(transparent)]
    Failed(#[from] NotifyError),
}

impl From<credinet_store::StoreError> for ConfigureError {
    fn from(e: credinet_store::StoreError) -> Self {
        ConfigureError::Failed(e.into())
    }
}

impl From<DraftRefusal> for ConfigureError {
    fn from(r: DraftRefusal) -> Self {
        ConfigureError::Refused(r)
    }
}

/// A channel as the audit log records it: what the page shows, without secrets.
fn channel_state(name: &str, config: &ChannelConfig, enabled: bool) -> Value {
    json!({
        "name": name,
        "kind": config.kind().as_str(),
        "summary": config.public_summary(),
        "enabled": enabled,
    })
}

/// A stored channel as the audit log records it (a configuration that no longer reads: its kind).
fn stored_state(channel: &notify_channel::Model) -> Value {
    match ChannelConfig::parse(&channel.config) {
        Ok(config) => channel_state(&channel.name, &config, channel.enabled),
        Err(_) => json!({"name": channel.name, "kind": channel.kind, "enabled": channel.enabled}),
    }
}

/// The secrets an edit replaced, by form field: the audit says that they changed, not what to.
fn secrets_changed(before: &ChannelConfig, after: &ChannelConfig) -> Vec<&'static str> {
    let field = |f: DraftField| f.form_name();
    match (before, after) {
        (
            ChannelConfig::Telegram { bot_token: a, .. },
            ChannelConfig::Telegram { bot_token: b, .. },
        ) => (a != b)
            .then(|| field(DraftField::BotToken))
            .into_iter()
            .collect(),
        (ChannelConfig::Discord { webhook_url: a }, ChannelConfig::Discord { webhook_url: b }) => {
            (a != b)
                .then(|| field(DraftField::WebhookUrl))
                .into_iter()
                .collect()
        }
        (ChannelConfig::Email { smtp_url: a, .. }, ChannelConfig::Email { smtp_url: b, .. }) => (a
            != b)
            .then(|| field(DraftField::SmtpUrl))
            .into_iter()
            .collect(),
        (
            ChannelConfig::Webhook { url: a, secret: s },
            ChannelConfig::Webhook { url: b, secret: t },
        ) => [(a != b, DraftField::Url), (s != t, DraftField::Secret)]
            .into_iter()
            .filter(|(changed, _)| *changed)
            .map(|(_, f)| field(f))
            .collect(),
        _ => Vec::new(),
    }
}

#[allow(clippy::too_many_arguments)]
async fn audit(
    tx: &WriteTx,
    store: &Store,
    tenant: TenantId,
    by: &Requester,
    action: &'static str,
    entity: &'static str,
    id: i64,
    before: Option<Value>,
    after: Option<Value>,
) -> Result<(), ConfigureError> {
    let record = Record {
        actor: by.actor.clone(),
        origin: by.origin.clone(),
        action,
        entity,
        entity_id: Some(id.to_string()),
        before,
        after,
    };
    audit::append(tx, tenant, record, store.now()).await?;
    Ok(())
}

/// The names of the tenant's other channels (all but `except`): a name is one channel's.
async fn channel_names(
    tx: &WriteTx,
    owner: Owner,
    except: Option<i64>,
) -> Result<Vec<String>, ConfigureError> {
    Ok(channels::list(tx, owner)
        .await?
        .into_iter()
        .filter(|c| Some(c.id) != except)
        .map(|c| c.name)
        .collect())
}

/// Adds a channel, enabled.
pub async fn create_channel(
    store: &Store,
    tenant: TenantId,
    by: &Requester,
    typed: &ChannelDraft,
) -> Result<notify_channel::Model, ConfigureError> {
    let owner = Owner::Tenant(tenant);
    let tx = store.write().await?;
    let others = channel_names(&tx, owner, None).await?;
    let (name, config) = draft::plan_channel(typed, None, |n| others.iter().any(|o| o == n))?;
    let channel = channels::create(
        &tx,
        owner,
        NewChannel {
            name: name.clone(),
            kind: config.kind().as_str(),
            config: config.to_json(),
            enabled: true,
        },
        store.now(),
    )
    .await?;
    let after = channel_state(&name, &config, true);
    audit(
        &tx,
        store,
        tenant,
        by,
        "notify_channel_created",
        "notify_channel",
        channel.id,
        None,
        Some(after),
    )
    .await?;
    tx.commit().await?;
    Ok(channel)
}

/// Edits one of the tenant's channels (its kind stays; empty secrets are kept); `None` when the
/// tenant has no such channel.
pub async fn update_channel(
    store: &Store,
    tenant: TenantId,
    by: &Requester,
    id: i64,
    typed: &ChannelDraft,
) -> Result<Option<notify_channel::Model>, ConfigureError> {
    let owner = Owner::Tenant(tenant);
    let tx = store.write().await?;
    let Some(stored) = channels::get(&tx, owner, id).await? else {
        return Ok(None);
    };
    // A configuration that no longer reads cannot lend its secrets: the form must give them all.
    let existing = ChannelConfig::parse(&stored.config).ok();
    let others = channel_names(&tx, owner, Some(id)).await?;
    let (name, config) =
        draft::plan_channel(typed, existing.as_ref(), |n| others.iter().any(|o| o == n))?;
    channels::update(&tx, owner, id, name.clone(), config.to_json(), store.now()).await?;
    let mut after = channel_state(&name, &config, stored.enabled);
    if let Some(existing) = &existing {
        after["secrets_changed"] = json!(secrets_changed(existing, &config));
    }
    audit(
        &tx,
        store,
        tenant,
        by,
        "notify_channel_updated",
        "notify_channel",
        id,
        Some(stored_state(&stored)),
        Some(after),
    )
    .await?;
    tx.commit().await?;
    Ok(channels::get(store.db(), owner, id).await?)
}

/// Switches one of the tenant's channels on or off (off: its rules route nothing to it, and what is
/// queued for it waits); false when the tenant has no such channel.
pub async fn set_channel_enabled(
    store: &Store,
    tenant: TenantId,
    by: &Requester,
    id: i64,
    enabled: bool,
) -> Result<bool, ConfigureError> {
    let owner = Owner::Tenant(tenant);
    let tx = store.write().await?;
    let Some(stored) = channels::get(&tx, owner, id).await? else {
        return Ok(false);
    };
    if stored.enabled == enabled {
        return Ok(true);
    }
    channels::set_enabled(&tx, owner, id, enabled, store.now()).await?;
    let action = if enabled {
        "notify_channel_enabled"
    } else {
        "notify_channel_disabled"
    };
    let mut after = stored_state(&stored);
    after["enabled"] = json!(enabled);
    audit(
        &tx,
        store,
        tenant,
        by,
        action,
        "notify_channel",
        id,
        Some(stored_state(&stored)),
        Some(after),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

fn rule_state(rule_kind: &str, channel: &notify_channel::Model) -> Value {
    json!({"event_kind": rule_kind, "channel_id": channel.id, "channel": channel.name})
}

/// The tenant's channel a rule form names, or the refusal on that field.
async fn rule_channel(
    tx: &WriteTx,
    owner: Owner,
    channel_id: i64,
) -> Result<notify_channel::Model, ConfigureError> {
    channels::get(tx, owner, channel_id).await?.ok_or_else(|| {
        ConfigureError::Refused(DraftRefusal {
            field: DraftField::Channel,
            problem: DraftProblem::UnknownChannel,
        })
    })
}

/// Sends the tenant's events of `event_kind` (or `*`) to one of its channels.
pub async fn add_rule(
    store: &Store,
    tenant: TenantId,
    by: &Requester,
    event_kind: &str,
    channel_id: i64,
) -> Result<notify_rule::Model, ConfigureError> {
    let owner = Owner::Tenant(tenant);
    let kind = draft::plan_event_kind(event_kind)?;
    let tx = store.write().await?;
    let channel = rule_channel(&tx, owner, channel_id).await?;
    let existing = rules::list(&tx, owner).await?;
    if let Some(same) = existing
        .into_iter()
        .find(|r| r.event_kind == kind && r.channel_id == channel_id)
    {
        // Nothing changes, so nothing is audited.
        return Ok(same);
    }
    let rule = rules::create(&tx, owner, &kind, channel_id, store.now()).await?;
    audit(
        &tx,
        store,
        tenant,
        by,
        "notify_rule_created",
        "notify_rule",
        rule.id,
        None,
        Some(rule_state(&kind, &channel)),
    )
    .await?;
    tx.commit().await?;
    Ok(rule)
}

/// Changes one of the tenant's rules; `None` when the tenant has no such rule.
pub async fn update_rule(
    store: &Store,
    tenant: TenantId,
    by: &Requester,
    id: i64,
    event_kind: &str,
    channel_id: i64,
) -> Result<Option<notify_rule::Model>, ConfigureError> {
    let owner = Owner::Tenant(tenant);
    let kind = draft::plan_event_kind(event_kind)?;
    let tx = store.write().await?;
    let Some(stored) = rules::get(&tx, owner, id).await? else {
        return Ok(None);
    };
    let channel = rule_channel(&tx, owner, channel_id).await?;
    let before_channel = channels::get(&tx, owner, stored.channel_id).await?;
    rules::update(&tx, owner, id, &kind, channel_id).await?;
    let before = match &before_channel {
        Some(c) => rule_state(&stored.event_kind, c),
        None => json!({"event_kind": stored.event_kind, "channel_id": stored.channel_id}),
    };
    audit(
        &tx,
        store,
        tenant,
        by,
        "notify_rule_updated",
        "notify_rule",
        id,
        Some(before),
        Some(rule_state(&kind, &channel)),
    )
    .await?;
    tx.commit().await?;
    Ok(rules::get(store.db(), owner, id).await?)
}

/// Removes one of the tenant's rules (what it already routed stays queued); false when the tenant has
/// no such rule.
pub async fn remove_rule(
    store: &Store,
    tenant: TenantId,
    by: &Requester,
    id: i64,
) -> Result<bool, ConfigureError> {
    let owner = Owner::Tenant(tenant);
    let tx = store.write().await?;
    let Some(stored) = rules::get(&tx, owner, id).await? else {
        return Ok(false);
    };
    let before = match channels::get(&tx, owner, stored.channel_id).await? {
        Some(c) => rule_state(&stored.event_kind, &c),
        None => json!({"event_kind": stored.event_kind, "channel_id": stored.channel_id}),
    };
    rules::delete(&tx, owner, id).await?;
    audit(
        &tx,
        store,
        tenant,
        by,
        "notify_rule_removed",
        "notify_rule",
        id,
        Some(before),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}
