//! One module per command group. Each opens the store and calls the same services the web uses; the store
//! seals the audit entries of each change as it commits (no background sealer runs in a CLI process).

pub mod apikey;
pub mod assistant;
pub mod audit;
pub mod backup;
pub mod cut;
pub mod demo;
pub mod jobs;
pub mod notify;
pub mod release;
pub mod serve;
pub mod tenant;
pub mod user;
pub mod watch;

use crate::settings::Settings;
use anyhow::{Context, bail};
use credinet_store::repo::tenants::{self, Tenant};
use credinet_store::{Store, migrations};
use std::process::ExitCode;

/// Connects and brings the schema up to date (unless `migrate_on_start` is off, then refuses a stale one).
pub async fn open(settings: &Settings) -> anyhow::Result<Store> {
    let store = Store::open(&settings.store).await?;
    Ok(match clock_start()? {
        Some(start) => store.with_clock(credinet_store::ShiftedClock::starting_at(start)),
        None => store,
    })
}

/// `CREDINET_CLOCK_START` (an RFC 3339 instant): debug builds start their clock there, so end-to-end
/// tests can put a running server at a cut time. A release build refuses it rather than ignore it: a
/// production server must never run on a moved clock.
fn clock_start() -> anyhow::Result<Option<chrono::DateTime<chrono::Utc>>> {
    let Ok(raw) = std::env::var("CREDINET_CLOCK_START") else {
        return Ok(None);
    };
    if !cfg!(debug_assertions) {
        bail!("CREDINET_CLOCK_START is for tests with debug builds; unset it to run this build");
    }
    let start = chrono::DateTime::parse_from_rfc3339(raw.trim()).with_context(|| {
        format!(
            "CREDINET_CLOCK_START '{}' is not an RFC 3339 instant such as 2026-12-08T06:04:50Z",
            raw.trim()
        )
    })?;
    Ok(Some(start.with_timezone(&chrono::Utc)))
}

pub async fn migrate(settings: &Settings) -> anyhow::Result<ExitCode> {
    let store = Store::connect(&settings.store.database_url).await?;
    let report = migrations::run(&store).await?;
    if report.applied.is_empty() {
        println!(
            "Database is current ({} migrations already applied).",
            report.already_current
        );
    } else {
        for (version, name) in &report.applied {
            println!("applied {version:04} {name}");
        }
        println!("Database is current.");
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn tenant_by_slug(store: &Store, slug: &str) -> anyhow::Result<Tenant> {
    tenants::by_slug(store.db(), slug)
        .await?
        .with_context(|| format!("no tenant '{slug}' (see `credinet tenant list`)"))
}

/// A random password for a new account, printed once.
pub fn generated_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    (0..16)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Refuses a destructive command in production unless `confirm` names the database it will touch.
pub fn guard_production(
    settings: &Settings,
    confirm: Option<&str>,
    action: &str,
) -> anyhow::Result<()> {
    if std::env::var("CREDINET_ENV").as_deref() != Ok("production") {
        return Ok(());
    }
    let name = database_name(&settings.store.database_url);
    if confirm == Some(name.as_str()) {
        return Ok(());
    }
    bail!(
        "CREDINET_ENV=production: {action} would change database '{name}'; repeat with --confirm {name}"
    )
}

fn database_name(url: &str) -> String {
    let without_query = url.split('?').next().unwrap_or(url);
    without_query
        .rsplit('/')
        .next()
        .unwrap_or(without_query)
        .to_string()
}
