//! `credinet watch --url …/readyz --channels FILE`: one check per run, for a systemd timer or cron on
//! another host; notifies the channels once when the service goes down and once when it recovers.

use credinet_notify::watch::{self, Transition};
use credinet_notify::{ChannelConfig, NotifySettings};
use credinet_store::{Clock, SystemClock};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct WatchArgs {
    /// What to check, e.g. https://credinet.example/readyz.
    #[arg(long)]
    url: String,
    /// A JSON file with the channels to notify: an array of channel configurations (as for
    /// `notify channel add`).
    #[arg(long)]
    channels: PathBuf,
    /// Where the watcher keeps what it last saw between runs.
    #[arg(long, default_value = "credinet-watch.json")]
    state: PathBuf,
    /// Failed checks in a row before the service is declared down.
    #[arg(long, default_value_t = 1)]
    threshold: u32,
    #[arg(long, default_value_t = 10)]
    timeout_seconds: u64,
}

pub async fn run(args: WatchArgs) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(&args.channels).map_err(|e| {
        anyhow::anyhow!(
            "cannot read the channels file {}: {e}",
            args.channels.display()
        )
    })?;
    let raw: Vec<serde_json::Value> = serde_json::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "the channels file {} is not a JSON array: {e}",
            args.channels.display()
        )
    })?;
    let channels = raw
        .iter()
        .map(|c| ChannelConfig::parse(&c.to_string()))
        .collect::<Result<Vec<_>, _>>()?;
    let timeout = std::time::Duration::from_secs(args.timeout_seconds.max(1));
    let http = reqwest::Client::builder()
        .timeout(timeout)
        .build()
        .map_err(|e| anyhow::anyhow!("cannot build the HTTP client: {e}"))?;
    let before = watch::load(&args.state)?;
    let now = SystemClock.now();
    let result = watch::check(&http, &args.url).await;
    let (after, transition) = watch::next(before.as_ref(), result.clone(), now, args.threshold);
    let mut failed = false;
    if let Some(transition) = &transition {
        let kind = match transition {
            Transition::WentDown { .. } => "service_down",
            Transition::Recovered { .. } => "service_recovered",
        };
        let notice = watch::notice(&args.url, transition, now);
        let send_timeout = NotifySettings::default().send_timeout();
        for (channel, outcome) in
            watch::announce(&http, &channels, &notice, kind, send_timeout, now).await
        {
            match outcome {
                Ok(()) => println!("notified {} of {kind}", channel.as_str()),
                Err(e) => {
                    failed = true;
                    println!("FAILED to notify {} of {kind}: {e}", channel.as_str());
                }
            }
        }
    }
    // Saved even when a channel failed: announcing again on every run would spam the others.
    watch::save(&args.state, &after)?;
    match &result {
        Ok(()) => println!("{} is up", args.url),
        Err(reason) => println!("{} is down: {reason}", args.url),
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
