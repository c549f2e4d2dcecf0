//! `credinet user add|list|passwd`.

use super::{generated_password, open, tenant_by_slug};
use crate::settings::Settings;
use anyhow::Context;
use credinet_accounts::{Accounts, Requester, UserInput};
use credinet_core::role::Role;
use credinet_store::repo::users;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Add a staff user. Without --password a random one is generated and printed once.
    Add {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// admin, manager, cashier, agent or viewer.
        #[arg(long)]
        role: Role,
        #[arg(long, env = "CREDINET_NEW_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// List a tenant's staff users.
    List {
        #[arg(long)]
        tenant: String,
    },
    /// Set a new password (ends the user's sessions). Without --password one is generated and printed.
    Passwd {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        email: String,
        #[arg(long, env = "CREDINET_NEW_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
}

pub async fn run(settings: &Settings, command: Command) -> anyhow::Result<ExitCode> {
    let store = open(settings).await?;
    let accounts = Accounts::new(&store);
    match command {
        Command::Add {
            tenant,
            email,
            name,
            role,
            password,
        } => {
            let tenant = tenant_by_slug(&store, &tenant).await?;
            let (password, generated) = match password {
                Some(p) => (p, false),
                None => (generated_password(), true),
            };
            let input = UserInput {
                email,
                full_name: name,
                role,
                password: password.clone(),
            };
            let user = accounts
                .create_user(tenant.id, input, &Requester::cli())
                .await?;
            println!(
                "user {} ({}) created in {}",
                user.email, user.role, tenant.slug
            );
            if generated {
                println!("password: {password}");
            }
        }
        Command::List { tenant } => {
            let tenant = tenant_by_slug(&store, &tenant).await?;
            println!(
                "{:<6} {:<30} {:<10} {:<8} name",
                "id", "email", "role", "active"
            );
            for u in users::list(store.db(), tenant.id).await? {
                println!(
                    "{:<6} {:<30} {:<10} {:<8} {}",
                    u.id, u.email, u.role, u.active, u.full_name
                );
            }
        }
        Command::Passwd {
            tenant,
            email,
            password,
        } => {
            let tenant = tenant_by_slug(&store, &tenant).await?;
            let (user, _) = users::credentials(store.db(), tenant.id, &email)
                .await?
                .with_context(|| format!("no user '{email}' in tenant {}", tenant.slug))?;
            let (password, generated) = match password {
                Some(p) => (p, false),
                None => (generated_password(), true),
            };
            accounts
                .set_password(tenant.id, user.id, password.clone(), &Requester::cli())
                .await?;
            println!(
                "password of {} changed; their sessions were ended",
                user.email
            );
            if generated {
                println!("password: {password}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
