//! `credinet notify test|channel|rule|outbox|retry`: the notification channels of a tenant (`--tenant`)
//! or of the installation (no `--tenant`: events without a tenant, such as `service_down`).

use super::{open, tenant_by_slug};
use crate::settings::Settings;
use anyhow::{Context, bail};
use credinet_notify::{ChannelConfig, Notifier, Owner, admin};
use credinet_store::Store;
use credinet_store::repo::notify::{channels, messages, rules};
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Send a test message to every enabled channel (or one) and print the result per channel.
    Test {
        #[arg(long)]
        tenant: Option<String>,
        /// Only the channel of this name.
        #[arg(long)]
        channel: Option<String>,
    },
    /// Notification channels.
    #[command(subcommand)]
    Channel(ChannelCommand),
    /// Routing rules: which event kinds go to which channel.
    #[command(subcommand)]
    Rule(RuleCommand),
    /// Messages in the outbox, newest first, with status and attempts.
    Outbox {
        #[arg(long)]
        tenant: Option<String>,
        /// pending, sent or dead.
        #[arg(long)]
        status: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u64,
    },
    /// Put a dead letter back in the queue, its attempts reset.
    Retry {
        #[arg(long)]
        tenant: Option<String>,
        #[arg(long)]
        id: i64,
    },
}

#[derive(clap::Subcommand)]
pub enum ChannelCommand {
    /// Add a channel. The configuration is JSON, e.g. {"kind":"telegram","bot_token":"…","chat_ids":["…"]};
    /// `--json @file` reads it from a file, `--json -` from standard input (keeps secrets out of the
    /// shell history).
    Add {
        #[arg(long)]
        tenant: Option<String>,
        #[arg(long)]
        name: String,
        #[arg(long = "json")]
        json: String,
    },
    /// List channels (secrets are not shown).
    List {
        #[arg(long)]
        tenant: Option<String>,
    },
    /// Turn a channel off or on.
    Enable {
        #[arg(long)]
        tenant: Option<String>,
        #[arg(long)]
        id: i64,
        #[arg(long, action = clap::ArgAction::Set, default_value_t = true)]
        enabled: bool,
    },
}

#[derive(clap::Subcommand)]
pub enum RuleCommand {
    /// Send events of a kind (`payment_registered`, or `*` for all) to a channel.
    Add {
        #[arg(long)]
        tenant: Option<String>,
        #[arg(long)]
        event: String,
        #[arg(long)]
        channel: i64,
    },
    List {
        #[arg(long)]
        tenant: Option<String>,
    },
    Remove {
        #[arg(long)]
        tenant: Option<String>,
        #[arg(long)]
        id: i64,
    },
}

async fn owner(store: &Store, tenant: Option<&str>) -> anyhow::Result<Owner> {
    Ok(match tenant {
        Some(slug) => Owner::Tenant(tenant_by_slug(store, slug).await?.id),
        None => Owner::System,
    })
}

fn read_config(raw: &str) -> anyhow::Result<String> {
    if raw == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)?;
        return Ok(s);
    }
    if let Some(path) = raw.strip_prefix('@') {
        return std::fs::read_to_string(path).with_context(|| format!("cannot read {path}"));
    }
    Ok(raw.to_string())
}

pub async fn run(settings: &Settings, command: Command) -> anyhow::Result<ExitCode> {
    let store = open(settings).await?;
    match command {
        Command::Test { tenant, channel } => {
            let owner = owner(&store, tenant.as_deref()).await?;
            let notifier = Notifier::new(store.clone(), settings.notify.clone())?;
            let results = admin::send_test(&notifier, owner, channel.as_deref()).await?;
            if results.is_empty() {
                bail!("no enabled channel to test (see `credinet notify channel list`)");
            }
            let mut failed = 0;
            for r in &results {
                let target = if r.destination.is_empty() {
                    String::new()
                } else {
                    format!(" chat {}", r.destination)
                };
                match &r.result {
                    Ok(()) => println!("ok      {} '{}'{target}", r.kind, r.channel),
                    Err(e) => {
                        failed += 1;
                        println!("FAILED  {} '{}'{target}: {e}", r.kind, r.channel);
                    }
                }
            }
            return Ok(if failed == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            });
        }
        Command::Channel(ChannelCommand::Add { tenant, name, json }) => {
            let owner = owner(&store, tenant.as_deref()).await?;
            let config = ChannelConfig::parse(&read_config(&json)?)?;
            let channel = admin::add_channel(&store, owner, &name, &config).await?;
            println!(
                "channel {} '{}' ({}) added: {}",
                channel.id,
                channel.name,
                channel.kind,
                config.public_summary()
            );
        }
        Command::Channel(ChannelCommand::List { tenant }) => {
            let owner = owner(&store, tenant.as_deref()).await?;
            for c in channels::list(store.db(), owner).await? {
                let summary = ChannelConfig::parse(&c.config)
                    .map(|config| config.public_summary())
                    .unwrap_or_else(|e| format!("unreadable configuration: {e}"));
                let state = if c.enabled { "enabled" } else { "disabled" };
                println!(
                    "{:>5}  {:<9} {:<24} {state:<8}  {summary}",
                    c.id, c.kind, c.name
                );
            }
        }
        Command::Channel(ChannelCommand::Enable {
            tenant,
            id,
            enabled,
        }) => {
            let owner = owner(&store, tenant.as_deref()).await?;
            let tx = store.write().await?;
            channels::set_enabled(&tx, owner, id, enabled, store.now()).await?;
            tx.commit().await?;
            println!(
                "channel {id} {}",
                if enabled { "enabled" } else { "disabled" }
            );
        }
        Command::Rule(RuleCommand::Add {
            tenant,
            event,
            channel,
        }) => {
            let owner = owner(&store, tenant.as_deref()).await?;
            let rule = admin::add_rule(&store, owner, &event, channel).await?;
            println!(
                "rule {}: {} → channel {}",
                rule.id, rule.event_kind, rule.channel_id
            );
        }
        Command::Rule(RuleCommand::List { tenant }) => {
            let owner = owner(&store, tenant.as_deref()).await?;
            for r in rules::list(store.db(), owner).await? {
                println!(
                    "{:>5}  {:<24} → channel {}",
                    r.id, r.event_kind, r.channel_id
                );
            }
        }
        Command::Rule(RuleCommand::Remove { tenant, id }) => {
            let owner = owner(&store, tenant.as_deref()).await?;
            let tx = store.write().await?;
            let removed = rules::delete(&tx, owner, id).await?;
            tx.commit().await?;
            if !removed {
                bail!("no rule {id}");
            }
            println!("rule {id} removed");
        }
        Command::Outbox {
            tenant,
            status,
            limit,
        } => {
            let owner = owner(&store, tenant.as_deref()).await?;
            if let Some(s) = status.as_deref()
                && ![messages::PENDING, messages::SENT, messages::DEAD].contains(&s)
            {
                bail!("--status must be pending, sent or dead");
            }
            let list =
                messages::list(store.db(), owner, status.as_deref(), limit.min(10_000)).await?;
            for m in list {
                println!(
                    "{:>7}  {:<8} attempts {:<3} channel {:<4} {:<22} part {}/{}  {}  {}",
                    m.id,
                    m.status,
                    m.attempts,
                    m.channel_id,
                    m.kind,
                    m.part,
                    m.parts,
                    m.created_at.format("%Y-%m-%d %H:%M:%SZ"),
                    m.last_error.unwrap_or_default()
                );
            }
        }
        Command::Retry { tenant, id } => {
            let owner = owner(&store, tenant.as_deref()).await?;
            if !admin::retry_dead(&store, owner, id).await? {
                bail!("no dead letter {id} (see `credinet notify outbox --status dead`)");
            }
            println!("message {id} is back in the queue");
        }
    }
    Ok(ExitCode::SUCCESS)
}
