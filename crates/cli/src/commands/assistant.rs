//! `credinet assistant configure|show`: a tenant's WhatsApp channel credentials (ADR 23). Secrets are
//! read from the environment (or `.env`), never from the command line, where `ps` would show them.

use super::{open, tenant_by_slug};
use crate::settings::Settings;
use credinet_accounts::Requester;
use credinet_assistant::channel_config::{self, ChannelChange};
use credinet_store::repo::assistant_channels;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Set the tenant's channel credentials; what is not named stays as it is.
    Configure(ConfigureArgs),
    /// Show which credentials the tenant has set (never their values).
    Show {
        #[arg(long)]
        tenant: String,
    },
}

#[derive(clap::Args)]
pub struct ConfigureArgs {
    #[arg(long)]
    tenant: String,
    /// Make a new AutoResponder token, printed once (the app sends it as Bearer, Basic password or header).
    #[arg(long)]
    new_autoresponder_token: bool,
    /// A header the AutoResponder app sends the token in, besides Authorization (e.g. X-Credinet-Token).
    #[arg(long)]
    autoresponder_header: Option<String>,
    /// Also require an HMAC-SHA256 signature of the body (X-Hub-Signature-256) with this secret.
    #[arg(
        long,
        env = "CREDINET_AUTORESPONDER_HMAC_SECRET",
        hide_env_values = true
    )]
    autoresponder_hmac_secret: Option<String>,
    /// Answer group chats (off by default).
    #[arg(long)]
    group_replies: Option<bool>,
    /// The Cloud API number's id, which finds the tenant of a delivery.
    #[arg(long)]
    cloud_phone_number_id: Option<String>,
    #[arg(long, env = "CREDINET_CLOUD_APP_SECRET", hide_env_values = true)]
    cloud_app_secret: Option<String>,
    #[arg(long, env = "CREDINET_CLOUD_ACCESS_TOKEN", hide_env_values = true)]
    cloud_access_token: Option<String>,
    #[arg(long, env = "CREDINET_CLOUD_VERIFY_TOKEN", hide_env_values = true)]
    cloud_verify_token: Option<String>,
    /// Remove every AutoResponder credential (the endpoint then refuses all requests).
    #[arg(long)]
    clear_autoresponder: bool,
    /// Remove every Cloud API credential.
    #[arg(long)]
    clear_cloud: bool,
}

pub async fn run(settings: &Settings, command: Command) -> anyhow::Result<ExitCode> {
    let store = open(settings).await?;
    match command {
        Command::Show { tenant } => {
            let tenant = tenant_by_slug(&store, &tenant).await?;
            match assistant_channels::get(store.db(), tenant.id).await? {
                Some(config) => println!(
                    "{}",
                    serde_json::to_string_pretty(&channel_config::shown(&config))?
                ),
                None => println!("{} has no assistant channel configured.", tenant.slug),
            }
        }
        Command::Configure(args) => {
            let tenant = tenant_by_slug(&store, &args.tenant).await?;
            let set = |v: Option<String>, clear: bool| if clear { Some(None) } else { v.map(Some) };
            let change = ChannelChange {
                new_autoresponder_token: args.new_autoresponder_token,
                clear_autoresponder_token: args.clear_autoresponder,
                autoresponder_header: set(args.autoresponder_header, args.clear_autoresponder),
                autoresponder_hmac_secret: set(
                    args.autoresponder_hmac_secret,
                    args.clear_autoresponder,
                ),
                group_replies: args.group_replies,
                cloud_phone_number_id: set(args.cloud_phone_number_id, args.clear_cloud),
                cloud_app_secret: set(args.cloud_app_secret, args.clear_cloud),
                cloud_access_token: set(args.cloud_access_token, args.clear_cloud),
                cloud_verify_token: set(args.cloud_verify_token, args.clear_cloud),
            };
            let configured =
                channel_config::configure(&store, tenant.id, change, &Requester::cli()).await?;
            println!(
                "{}",
                serde_json::to_string_pretty(&channel_config::shown(&configured.config))?
            );
            if let Some(token) = configured.autoresponder_token {
                println!(
                    "AutoResponder token for {} (copy it now; it is not shown again):",
                    tenant.slug
                );
                println!("{token}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
