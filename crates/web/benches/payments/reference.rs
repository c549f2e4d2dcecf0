//! A fixed single-core workload timed before the run and printed with the results.

use std::time::Instant;

/// Machines differ from one measurement to the next (the same binary measured 2,714–2,962/s on SQLite
/// one week and 1,268/s on another machine the next), and this line tells a slower machine from slower
/// code. pgbench after the run (see `pgbench.rs`) measures the machine with the database in the loop.
pub fn machine_reference() -> String {
    const ROUNDS: u32 = 100_000;
    let started = Instant::now();
    let mut check = 0_usize;
    for n in 0..ROUNDS {
        let body = serde_json::json!({
            "loan_id": n,
            "amount": "1234.56",
            "paid_on": "2026-11-30",
            "method": "cash",
            "reference": format!("ref-{n}"),
        })
        .to_string();
        let back: serde_json::Value = serde_json::from_str(&body).expect("own JSON parses");
        check += back["reference"].as_str().map_or(0, str::len);
    }
    format!(
        "machine reference: {ROUNDS} JSON round trips of a payment body on one core in {:.0} ms ({check} bytes checked)",
        started.elapsed().as_secs_f64() * 1000.0
    )
}
