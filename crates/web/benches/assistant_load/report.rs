//! The result table: one row per backend, the closed loop's sustained rate and the open loop's
//! latencies at the steady rate, and whether everything was recorded.

use crate::args::{Args, Backend};
use crate::check::Recorded;
use crate::load::Totals;
use std::collections::BTreeMap;

pub struct Row {
    pub backend: Backend,
    pub closed: Totals,
    pub open: Totals,
    pub recorded: Result<(), String>,
    pub counts: Recorded,
    pub stages: BTreeMap<String, f64>,
}

fn percentile_ms(sorted: &[u64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1] as f64 / 1000.0
}

pub fn print_row_header(args: &Args) {
    println!(
        "\n{} verified sessions; closed loop: {} clients, {} s (+{} s warm-up); open loop: {} msg/s for {} s (+{} s warm-up); server {} threads, clients {} threads",
        args.sessions,
        args.concurrency,
        args.seconds,
        args.warmup,
        args.rate,
        args.steady_seconds,
        args.warmup,
        args.server_threads,
        args.client_threads
    );
}

pub fn print_table(args: &Args, rows: &[Row]) {
    println!();
    println!(
        "| backend | max sustained msg/s | closed-loop p50 (ms) | closed-loop p99 (ms) | errors | msg/s at {} msg/s | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) | errors | fully recorded |",
        args.rate
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    for r in rows {
        let (c, o) = (&r.closed, &r.open);
        println!(
            "| {} | {:.0} | {:.2} | {:.2} | {} | {:.0} | {:.2} | {:.2} | {:.2} | {:.2} | {} | {} |",
            r.backend.name(),
            c.per_second(),
            percentile_ms(&c.latencies_us, 0.50),
            percentile_ms(&c.latencies_us, 0.99),
            c.errors,
            o.per_second(),
            percentile_ms(&o.latencies_us, 0.50),
            percentile_ms(&o.latencies_us, 0.90),
            percentile_ms(&o.latencies_us, 0.99),
            percentile_ms(&o.latencies_us, 1.0),
            o.errors,
            match &r.recorded {
                Ok(()) => format!(
                    "yes ({} in, {} out, {} stages)",
                    r.counts.inbound, r.counts.outbound, r.counts.stages
                ),
                Err(e) => format!("NO: {e}"),
            }
        );
    }
    for r in rows {
        for (what, t) in [("closed loop", &r.closed), ("open loop", &r.open)] {
            for e in &t.error_samples {
                println!("{} {what} error: {e}", r.backend.name());
            }
        }
    }
    if args.stages {
        println!();
        println!("| backend | stage | mean recorded duration (µs) |");
        println!("|---|---|---:|");
        for r in rows {
            for (stage, mean) in &r.stages {
                println!("| {} | {stage} | {mean:.0} |", r.backend.name());
            }
        }
    }
}
