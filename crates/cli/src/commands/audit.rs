//! `credinet audit verify`: checks every tenant's hash chain (or one tenant's) and exits non-zero at the
//! first broken link.

use super::{open, tenant_by_slug};
use crate::settings::Settings;
use credinet_store::repo::{audit, tenants};
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Verify the hash chain of the audit log.
    Verify {
        /// Only this tenant (default: every tenant).
        #[arg(long)]
        tenant: Option<String>,
    },
}

pub async fn run(settings: &Settings, command: Command) -> anyhow::Result<ExitCode> {
    let Command::Verify { tenant } = command;
    let store = open(settings).await?;
    let targets = match tenant {
        Some(slug) => vec![tenant_by_slug(&store, &slug).await?],
        None => tenants::list(store.db()).await?,
    };
    let mut broken = false;
    for tenant in targets {
        let result = audit::verify_consistent(&store, tenant.id).await?;
        match &result.first_broken {
            None => println!("{}: OK, {} entries chained", tenant.slug, result.sealed),
            Some(link) => {
                broken = true;
                println!(
                    "{}: BROKEN at position {} (entry id {}): {}; the {} entries before it verify",
                    tenant.slug, link.seq, link.entry_id, link.reason, result.sealed
                );
            }
        }
        if result.unqueued > 0 {
            broken = true;
            println!(
                "{}: BROKEN: entries neither chained nor waiting to be: {} (written around Credinet, or their queue row was removed)",
                tenant.slug, result.unqueued
            );
        }
        if result.stale_unsealed > 0 {
            println!(
                "{}: warning: {} entries older than a minute are not sealed yet (is the server running?)",
                tenant.slug, result.stale_unsealed
            );
        }
    }
    Ok(if broken {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
