//! `credinet apikey create|revoke`.

use super::{open, tenant_by_slug};
use crate::settings::Settings;
use anyhow::bail;
use credinet_accounts::{Accounts, Requester};
use credinet_core::ids::ApiKeyId;
use credinet_core::role::Role;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Create a key; it is printed once and cannot be shown again.
    Create {
        #[arg(long)]
        tenant: String,
        /// What the key is for (an integration's name).
        #[arg(long)]
        name: String,
        /// admin, manager, cashier, agent or viewer.
        #[arg(long, default_value = "viewer")]
        role: Role,
    },
    /// Revoke a key at once.
    Revoke {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        id: i64,
    },
}

pub async fn run(settings: &Settings, command: Command) -> anyhow::Result<ExitCode> {
    let store = open(settings).await?;
    let accounts = Accounts::new(&store);
    match command {
        Command::Create { tenant, name, role } => {
            let tenant = tenant_by_slug(&store, &tenant).await?;
            let (key, secret) = accounts
                .create_api_key(tenant.id, &name, role, None, &Requester::cli())
                .await?;
            println!(
                "API key {} '{}' ({}) created for {}. Copy it now; it is not shown again:",
                key.id, key.name, key.role, tenant.slug
            );
            println!("{secret}");
        }
        Command::Revoke { tenant, id } => {
            let tenant = tenant_by_slug(&store, &tenant).await?;
            let Some(key) = accounts
                .revoke_api_key(tenant.id, ApiKeyId::new(id), &Requester::cli())
                .await?
            else {
                bail!("tenant {} has no API key {id}", tenant.slug);
            };
            println!("API key {} '{}' revoked", key.id, key.name);
        }
    }
    Ok(ExitCode::SUCCESS)
}
