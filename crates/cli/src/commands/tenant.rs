//! `credinet tenant add|list`.

use super::open;
use crate::settings::Settings;
use credinet_accounts::{Accounts, Requester, TenantInput};
use credinet_store::repo::tenants;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Add a lending company.
    Add {
        /// Short name used in URLs and at login (lowercase letters, digits, '-').
        #[arg(long)]
        slug: String,
        /// Legal name (razón social).
        #[arg(long)]
        name: String,
        /// IANA time zone; business dates are local dates in it (default: the configured default).
        #[arg(long)]
        time_zone: Option<String>,
    },
    /// List the tenants.
    List,
}

pub async fn run(settings: &Settings, command: Command) -> anyhow::Result<ExitCode> {
    let store = open(settings).await?;
    match command {
        Command::Add {
            slug,
            name,
            time_zone,
        } => {
            let input = TenantInput {
                slug,
                legal_name: name,
                time_zone: time_zone.unwrap_or_else(|| settings.accounts.default_time_zone.clone()),
            };
            let tenant = Accounts::new(&store)
                .create_tenant(input, &Requester::cli())
                .await?;
            println!(
                "tenant {} created: {} ({})",
                tenant.slug, tenant.legal_name, tenant.zone
            );
        }
        Command::List => {
            println!("{:<6} {:<20} {:<28} legal name", "id", "slug", "time zone");
            for t in tenants::list(store.db()).await? {
                println!("{:<6} {:<20} {:<28} {}", t.id, t.slug, t.zone, t.legal_name);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
