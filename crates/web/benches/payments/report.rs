//! The result table (its columns are those of every earlier measurement in docs/benchmarks.md), the CPU
//! used in the window, and the pgbench line with the ratio tracked from now on.

use crate::args::Args;
use crate::load::{Shared, Totals};
use crate::pgbench::Pgbench;
use std::time::{Duration, Instant};

/// CPU time in clock ticks (Linux `/proc`; USER_HZ is 100 on every mainstream Linux build).
#[derive(Clone, Copy, Default)]
pub struct CpuSample {
    machine_busy: u64,
    machine_total: u64,
    this_process: u64,
    /// Every process named `postgres` (the server's backends serving the pool).
    postgres: u64,
}

impl CpuSample {
    pub fn now() -> CpuSample {
        let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
        let stat = read("/proc/stat");
        let fields: Vec<u64> = stat
            .lines()
            .next()
            .unwrap_or_default()
            .split_whitespace()
            .skip(1)
            .filter_map(|f| f.parse().ok())
            .collect();
        let total: u64 = fields.iter().take(8).sum();
        let idle = fields.get(3).copied().unwrap_or(0) + fields.get(4).copied().unwrap_or(0);
        // utime and stime are fields 14 and 15, counted after the command name (which may hold spaces).
        let ticks = |stat: &str| {
            let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or_default();
            let f: Vec<u64> = rest
                .split_whitespace()
                .skip(1)
                .map(|x| x.parse().unwrap_or(0))
                .collect();
            f.get(10).copied().unwrap_or(0) + f.get(11).copied().unwrap_or(0)
        };
        let postgres = std::fs::read_dir("/proc")
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| std::fs::read_to_string(e.path().join("stat")).ok())
            .filter(|s| s.contains("(postgres)"))
            .map(|s| ticks(&s))
            .sum();
        CpuSample {
            machine_busy: total - idle,
            machine_total: total,
            this_process: ticks(&read("/proc/self/stat")),
            postgres,
        }
    }
}

fn percentile(sorted: &[u64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1] as f64 / 1000.0
}

pub fn print_table(args: &Args, t: &Totals) {
    let secs = t.window.as_secs_f64();
    let ok = t.requests - t.errors;
    let l = &t.latencies_us;
    println!();
    println!(
        "| backend | mode | loans | concurrency | duration (s) | requests | errors | payments/s | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    println!(
        "| {} | {} | {} | {} | {:.1} | {} | {} | {:.0} | {:.2} | {:.2} | {:.2} | {:.2} |",
        args.backend.name(),
        if args.direct { "service" } else { "http" },
        args.loans,
        args.concurrency,
        secs,
        t.requests,
        t.errors,
        t.payments_per_second(),
        percentile(l, 0.50),
        percentile(l, 0.90),
        percentile(l, 0.99),
        l.last().copied().unwrap_or(0) as f64 / 1000.0,
    );
    println!();
    let (a, b) = t.cpu;
    let total = (b.machine_total - a.machine_total).max(1) as f64;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let share = |ticks: u64| 100.0 * ticks as f64 / total;
    let own = b.this_process - a.this_process;
    let pg = b.postgres.saturating_sub(a.postgres);
    let busy = b.machine_busy - a.machine_busy;
    let per_payment = |ticks: u64| ticks as f64 * 10.0 / ok.max(1) as f64;
    println!(
        "cpu in the window ({cores} cores): machine busy {:.0}%; this process (app + clients) {:.0}% \
         = {:.2} ms/payment; postgres processes {:.0}% = {:.2} ms/payment; other programs {:.0}%",
        share(busy),
        share(own),
        per_payment(own),
        share(pg),
        per_payment(pg),
        share(busy.saturating_sub(own + pg)),
    );
}

/// pgbench's figure for the same clients and seconds, and payments/s over its tps: the ratio compares
/// runs on machines (or moments of one machine) of different speed.
pub fn print_pgbench(payments_per_second: f64, run: &Pgbench) {
    println!();
    println!(
        "| pgbench | clients | threads | scale | duration (s) | tps | latency avg (ms) | payments/s ÷ pgbench tps |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    println!(
        "| -N | {} | {} | {} | {} | {:.0} | {:.3} | {:.3} |",
        run.clients,
        run.threads,
        run.scale,
        run.seconds,
        run.tps,
        run.latency_ms,
        payments_per_second / run.tps,
    );
}

/// The soak view (`--report-every`): one row per interval of the window, so a log or a process that
/// keeps growing shows as a column that keeps growing.
pub async fn over_time(shared: &Shared, started: Instant, every: Duration) {
    println!();
    println!(
        "| t (s) | payments | payments/s | p50 (ms) | p99 (ms) | max (ms) | WAL (MiB) | database (MiB) | RSS (MiB) |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    loop {
        tick.tick().await;
        let mut latencies = match &shared.interval {
            Some(interval) => {
                std::mem::take(&mut *interval.lock().unwrap_or_else(|e| e.into_inner()))
            }
            None => Vec::new(),
        };
        latencies.sort_unstable();
        let size = |suffix: &str| {
            shared.sqlite_file.as_ref().map_or(0.0, |path| {
                let mut p = path.clone().into_os_string();
                p.push(suffix);
                std::fs::metadata(p).map_or(0.0, |m| m.len() as f64 / MIB)
            })
        };
        println!(
            "| {:.0} | {} | {:.0} | {:.2} | {:.2} | {:.2} | {:.1} | {:.1} | {:.1} |",
            started.elapsed().as_secs_f64(),
            latencies.len(),
            latencies.len() as f64 / every.as_secs_f64(),
            percentile(&latencies, 0.50),
            percentile(&latencies, 0.99),
            latencies.last().copied().unwrap_or(0) as f64 / 1000.0,
            size("-wal"),
            size(""),
            resident_mib(),
        );
    }
}

const MIB: f64 = 1024.0 * 1024.0;

/// This process's resident memory (Linux `/proc/self/status`, VmRSS in kB).
pub fn resident_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}
