//! The load generators, both speaking the AutoResponder app's wire format to the real server over
//! loopback: the closed loop (`--concurrency` clients, each sending its next message when the last is
//! answered) finds the most messages a second the server sustains; the open loop sends `--rate`
//! messages a second on schedule, whatever the answers do, and measures each latency from the instant
//! the message was due, so a stalled server shows in the percentiles instead of slowing the load.

use crate::args::Args;
use crate::seed::{BIRTH_DATE, Borrower};
use futures_util::StreamExt;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const MAX_ERROR_SAMPLES: usize = 5;

/// The question every measured message asks.
pub const QUESTION: &str = "cuanto debo?";

pub struct Shared {
    pub url: String,
    pub token: String,
    pub http: reqwest::Client,
    pub borrowers: Vec<Borrower>,
    pub measuring: AtomicBool,
    pub stop: AtomicBool,
}

#[derive(Default)]
pub struct Totals {
    /// Messages sent inside the measured window.
    pub requests: u64,
    pub errors: u64,
    pub latencies_us: Vec<u64>,
    pub window: Duration,
    /// Every message sent (warm-up included) and every one answered with its balance: what the
    /// database must hold.
    pub sent: u64,
    pub answered: u64,
    pub error_samples: Vec<String>,
}

impl Totals {
    pub fn per_second(&self) -> f64 {
        (self.requests - self.errors) as f64 / self.window.as_secs_f64()
    }

    fn absorb(&mut self, other: Totals) {
        self.requests += other.requests;
        self.errors += other.errors;
        self.latencies_us.extend(other.latencies_us);
        self.sent += other.sent;
        self.answered += other.answered;
        for e in other.error_samples {
            if self.error_samples.len() < MAX_ERROR_SAMPLES {
                self.error_samples.push(e);
            }
        }
    }

    fn note(&mut self, measured: bool, took: Duration, result: Result<(), String>) {
        self.sent += 1;
        if result.is_ok() {
            self.answered += 1;
        }
        if measured {
            self.requests += 1;
            self.latencies_us
                .push(u64::try_from(took.as_micros()).unwrap_or(u64::MAX));
        }
        if let Err(e) = result {
            self.errors += u64::from(measured);
            if self.error_samples.len() < MAX_ERROR_SAMPLES {
                self.error_samples.push(e);
            }
        }
    }
}

/// Sends `text` as borrower `who`; the replies, or why there are none.
async fn send(shared: &Shared, who: usize, text: &str) -> Result<Vec<String>, String> {
    let b = &shared.borrowers[who];
    let body = serde_json::json!({
        "appPackageName": "tkstudio.autoresponderforwa",
        "messengerPackageName": "com.whatsapp",
        "query": {"sender": b.sender, "message": text, "isGroup": false,
            "groupParticipant": "", "ruleId": 1, "isTestMessage": false}
    });
    let response = shared
        .http
        .post(&shared.url)
        .bearer_auth(&shared.token)
        .json(&body)
        .send()
        .await
        .map_err(|e| format!("{}: transport: {e}", b.sender))?;
    let status = response.status();
    let answer: serde_json::Value = response
        .json()
        .await
        .map_err(|e| format!("{}: {status}, body: {e}", b.sender))?;
    if !status.is_success() {
        return Err(format!("{}: {status} {answer}", b.sender));
    }
    Ok(answer["replies"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["message"].as_str().map(str::to_string))
        .collect())
}

/// A balance question answered with the borrower's own loan, or what came instead.
async fn ask_balance(shared: &Shared, who: usize) -> Result<(), String> {
    let replies = send(shared, who, QUESTION).await?;
    let number = &shared.borrowers[who].loan_number;
    match replies.as_slice() {
        [one] if one.contains(number.as_str()) && one.contains('$') => Ok(()),
        other => Err(format!("{number}: not its balance: {other:?}")),
    }
}

/// Verifies every borrower's session (balance question → phone → birth date), `parallel` at a time,
/// checking each answer; not measured. Returns the messages sent.
pub async fn verify_all(shared: &Arc<Shared>, parallel: usize) -> anyhow::Result<u64> {
    let steps: [(&str, &str); 3] = [
        (QUESTION, "verificar"),
        ("{phone}", "fecha"),
        (BIRTH_DATE, "Cliente"),
    ];
    let results = futures_util::stream::iter(0..shared.borrowers.len())
        .map(|who| {
            let shared = shared.clone();
            async move {
                for (text, expect) in steps {
                    let text = if text == "{phone}" {
                        shared.borrowers[who].phone.clone()
                    } else {
                        text.to_string()
                    };
                    let replies = send(&shared, who, &text).await?;
                    if !replies.iter().any(|r| r.contains(expect)) {
                        return Err(format!("«{text}» → {replies:?}, expected «{expect}»"));
                    }
                }
                Ok::<(), String>(())
            }
        })
        .buffer_unordered(parallel)
        .collect::<Vec<_>>()
        .await;
    if let Some(Err(e)) = results.into_iter().find(Result::is_err) {
        anyhow::bail!("verifying the sessions: {e}");
    }
    Ok(3 * shared.borrowers.len() as u64)
}

/// The closed loop: the warm-up, then the window.
pub async fn closed_loop(args: &Args, shared: &Arc<Shared>) -> anyhow::Result<Totals> {
    shared.stop.store(false, Ordering::SeqCst);
    shared.measuring.store(false, Ordering::SeqCst);
    let mut tasks = Vec::with_capacity(args.concurrency);
    for n in 0..args.concurrency {
        let shared = shared.clone();
        tasks.push(tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(0xa551_0000 + n as u64);
            let mut totals = Totals::default();
            while !shared.stop.load(Ordering::Relaxed) {
                let who = rng.gen_range(0..shared.borrowers.len());
                let measured = shared.measuring.load(Ordering::Relaxed);
                let sent = Instant::now();
                let result = ask_balance(&shared, who).await;
                totals.note(measured, sent.elapsed(), result);
            }
            totals
        }));
    }
    tokio::time::sleep(Duration::from_secs(args.warmup)).await;
    shared.measuring.store(true, Ordering::SeqCst);
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(args.seconds)).await;
    shared.measuring.store(false, Ordering::SeqCst);
    let window = started.elapsed();
    shared.stop.store(true, Ordering::SeqCst);
    let mut totals = Totals {
        window,
        ..Totals::default()
    };
    for task in tasks {
        totals.absorb(task.await?);
    }
    totals.latencies_us.sort_unstable();
    Ok(totals)
}

/// The open loop at `--rate`: the warm-up, then the window. Borrowers take turns, so each session gets
/// one message every `sessions / rate` seconds.
pub async fn open_loop(args: &Args, shared: &Arc<Shared>) -> anyhow::Result<Totals> {
    let every = Duration::from_secs_f64(1.0 / args.rate as f64);
    let warmup = (args.warmup as usize) * args.rate;
    let measured = (args.steady_seconds as usize) * args.rate;
    let mut ticks = tokio::time::interval(every);
    // A tick the timer could not keep is sent at once, not dropped: the rate is what was asked.
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let first = Instant::now();
    let mut tasks = Vec::with_capacity(warmup + measured);
    for k in 0..warmup + measured {
        ticks.tick().await;
        let due = first + every * (k as u32);
        let shared = shared.clone();
        let counted = k >= warmup;
        tasks.push(tokio::spawn(async move {
            let who = k % shared.borrowers.len();
            let result = ask_balance(&shared, who).await;
            let mut totals = Totals::default();
            totals.note(counted, due.elapsed(), result);
            totals
        }));
    }
    let window = every * (measured as u32);
    let mut totals = Totals {
        window,
        ..Totals::default()
    };
    for task in tasks {
        totals.absorb(task.await?);
    }
    totals.latencies_us.sort_unstable();
    Ok(totals)
}
