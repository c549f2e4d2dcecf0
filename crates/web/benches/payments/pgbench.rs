//! `pgbench -N` on a scratch database of the same PostgreSQL server, with the run's clients for the
//! run's seconds, after the payments run: a figure of the machine and its PostgreSQL at that moment,
//! which the payments rate is divided by so runs on different days can be compared.

use anyhow::{Context, anyhow, ensure};
use credinet_portfolio_gen::scratch::{create_postgres_db, drop_postgres_db, unique_name};
use tokio::process::Command;

/// pgbench's scale factor: 1,000,000 accounts, 10 branches (more than the 16 clients contend on).
const SCALE: u32 = 10;

pub struct Pgbench {
    pub clients: usize,
    pub threads: usize,
    pub scale: u32,
    pub seconds: u64,
    pub tps: f64,
    pub latency_ms: f64,
}

/// Creates the scratch database, initialises it, runs the benchmark and drops it (also on failure).
pub async fn run(admin_url: &str, clients: usize, seconds: u64) -> anyhow::Result<Pgbench> {
    let name = unique_name("credinet_pgbench");
    let url = create_postgres_db(admin_url, &name, None).await?;
    let measured = measure(&url, clients, seconds).await;
    let dropped = drop_postgres_db(admin_url, &name).await;
    let run = measured?;
    dropped?;
    Ok(run)
}

async fn measure(url: &str, clients: usize, seconds: u64) -> anyhow::Result<Pgbench> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = clients.min(cores);
    pgbench(url, &["-i", "-q", "-s", &SCALE.to_string()]).await?;
    let out = pgbench(
        url,
        &[
            "-N",
            "-c",
            &clients.to_string(),
            "-j",
            &threads.to_string(),
            "-T",
            &seconds.to_string(),
        ],
    )
    .await?;
    let number = |prefix: &str| -> anyhow::Result<f64> {
        let line = out
            .lines()
            .find_map(|l| l.trim().strip_prefix(prefix))
            .ok_or_else(|| anyhow!("pgbench printed no '{prefix}' line:\n{out}"))?;
        let value = line.split_whitespace().next().unwrap_or_default();
        value
            .parse()
            .with_context(|| format!("pgbench's '{prefix}{line}'"))
    };
    Ok(Pgbench {
        clients,
        threads,
        scale: SCALE,
        seconds,
        tps: number("tps = ")?,
        latency_ms: number("latency average = ")?,
    })
}

/// Runs pgbench against the database of `url` (host, port, user and password taken from it) and
/// returns what it printed on stdout.
async fn pgbench(url: &str, args: &[&str]) -> anyhow::Result<String> {
    let url = url::Url::parse(url)?;
    let mut cmd = Command::new("pgbench");
    if let Some(host) = url.host_str() {
        cmd.arg("-h").arg(host);
    }
    if let Some(port) = url.port() {
        cmd.arg("-p").arg(port.to_string());
    }
    if !url.username().is_empty() {
        cmd.arg("-U").arg(url.username());
    }
    if let Some(password) = url.password() {
        cmd.env("PGPASSWORD", password);
    }
    cmd.args(args).arg(url.path().trim_start_matches('/'));
    let out = cmd
        .output()
        .await
        .context("cannot start pgbench (is it installed? Debian: postgresql-client)")?;
    ensure!(
        out.status.success(),
        "pgbench {} failed ({}): {}",
        args.join(" "),
        out.status,
        String::from_utf8_lossy(&out.stderr).trim()
    );
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}
