//! The load generator: `--concurrency` keep-alive clients post small payments to random loans, never
//! more than a loan still owes, and record every latency and every error of the measured window.

use crate::args::Args;
use crate::report::CpuSample;
use crate::seed::Seeded;
use anyhow::ensure;
use credinet_core::ids::{LoanId, TenantId};
use credinet_core::money::Money;
use credinet_lending::payments::{self, PaymentInput, PaymentMethod};
use credinet_store::Store;
use credinet_store::repo::audit::Requester;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Payments are 1.00 to 50.00 pesos: thousands fit in a loan before its payoff.
const MIN_AMOUNT: i64 = 100;
const MAX_AMOUNT: i64 = 5_000;
const MAX_ERROR_BODIES: usize = 5;

pub struct Shared {
    pub base: String,
    pub key: String,
    pub http: reqwest::Client,
    pub store: Store,
    pub tenant: TenantId,
    /// Loan ids, by loan index.
    pub loans: Vec<i64>,
    /// What each loan can still take (its payoff minus what was sent to it), so no payment exceeds it.
    pub remaining: Vec<AtomicI64>,
    pub measuring: AtomicBool,
    pub stop: AtomicBool,
    /// With `--report-every`: latencies of the current interval, and the SQLite file whose log is
    /// reported.
    pub interval: Option<Mutex<Vec<u64>>>,
    pub sqlite_file: Option<PathBuf>,
}

impl Shared {
    fn payment_url(&self, loan: i64) -> String {
        format!("{}/v1/loans/{loan}/payments", self.base)
    }
}

fn pesos(centavos: i64) -> String {
    format!("{}.{:02}", centavos / 100, centavos % 100)
}

/// Registers 1.00 on the middle loan through the API and checks the receipt against the seeded schedule.
pub async fn probe_payment(shared: &Shared, seeded: &Seeded) -> anyhow::Result<i64> {
    let index = shared.remaining.len() / 2;
    let loan = shared.loans[index];
    let amount = 100;
    let response = shared
        .http
        .post(shared.payment_url(loan))
        .bearer_auth(&shared.key)
        .json(&serde_json::json!({"amount": pesos(amount), "method": "cash"}))
        .send()
        .await?;
    let status = response.status();
    let body: serde_json::Value = response.json().await.unwrap_or_default();
    ensure!(
        status == reqwest::StatusCode::CREATED,
        "a payment on seeded loan {loan} was refused ({status}): {body}"
    );
    let expected = seeded.outstanding[index] - amount;
    ensure!(
        body["loan_outstanding"] == pesos(expected),
        "after the probe the loan's outstanding should be {}: {body}",
        pesos(expected)
    );
    shared.remaining[index].fetch_sub(amount, Ordering::Relaxed);
    Ok(amount)
}

#[derive(Default)]
pub struct Totals {
    /// Requests started inside the measured window.
    pub requests: u64,
    pub errors: u64,
    pub latencies_us: Vec<u64>,
    pub window: Duration,
    /// Σ of payments acknowledged (2xx), warm-up included: what the database must hold.
    pub ok_centavos: i64,
    /// Σ of payments whose fate the client cannot know (transport error, 503 from the timeout layer).
    pub uncertain_centavos: i64,
    pub error_bodies: Vec<String>,
    pub cpu: (CpuSample, CpuSample),
}

impl Totals {
    /// Payments acknowledged per second of the measured window.
    pub fn payments_per_second(&self) -> f64 {
        (self.requests - self.errors) as f64 / self.window.as_secs_f64()
    }
}

/// Runs the clients for the warm-up and the window. With `direct`, each payment calls the service on
/// that runtime (the application's) instead of going through HTTP.
pub async fn load(
    args: &Args,
    shared: &Arc<Shared>,
    direct: Option<tokio::runtime::Handle>,
) -> anyhow::Result<Totals> {
    let mut tasks = Vec::with_capacity(args.concurrency);
    for n in 0..args.concurrency {
        let shared = shared.clone();
        let direct = direct.clone();
        tasks.push(tokio::spawn(async move {
            client_task(n as u64, &shared, direct).await
        }));
    }
    tokio::time::sleep(Duration::from_secs(args.warmup)).await;
    shared.measuring.store(true, Ordering::SeqCst);
    let started = Instant::now();
    let cpu_before = CpuSample::now();
    let sampler = (args.report_every > 0).then(|| {
        let shared = shared.clone();
        let every = Duration::from_secs(args.report_every);
        tokio::spawn(async move { crate::report::over_time(&shared, started, every).await })
    });
    tokio::time::sleep(Duration::from_secs(args.seconds)).await;
    shared.measuring.store(false, Ordering::SeqCst);
    if let Some(sampler) = sampler {
        sampler.abort();
    }
    let window = started.elapsed();
    let cpu_after = CpuSample::now();
    shared.stop.store(true, Ordering::SeqCst);
    let mut totals = Totals {
        window,
        cpu: (cpu_before, cpu_after),
        ..Totals::default()
    };
    for task in tasks {
        let t = task.await?;
        totals.requests += t.requests;
        totals.errors += t.errors;
        totals.latencies_us.extend(t.latencies_us);
        totals.ok_centavos += t.ok_centavos;
        totals.uncertain_centavos += t.uncertain_centavos;
        for body in t.error_bodies {
            if totals.error_bodies.len() < MAX_ERROR_BODIES {
                totals.error_bodies.push(body);
            }
        }
    }
    totals.latencies_us.sort_unstable();
    Ok(totals)
}

enum Outcome {
    Ok,
    /// Refused: nothing was registered.
    Refused(String),
    /// Unknown: the payment may or may not have been registered.
    Unknown(String),
}

async fn client_task(seed: u64, shared: &Shared, direct: Option<tokio::runtime::Handle>) -> Totals {
    let mut rng = StdRng::seed_from_u64(0x5eed_0000 + seed);
    let mut totals = Totals::default();
    let loans = shared.remaining.len();
    while !shared.stop.load(Ordering::Relaxed) {
        let index = rng.gen_range(0..loans);
        let wanted = rng.gen_range(MIN_AMOUNT..=MAX_AMOUNT);
        let claimed =
            shared.remaining[index].fetch_update(Ordering::Relaxed, Ordering::Relaxed, |r| {
                (r >= wanted).then_some(r - wanted)
            });
        if claimed.is_err() {
            continue;
        }
        let loan = shared.loans[index];
        let measured = shared.measuring.load(Ordering::Relaxed);
        let sent = Instant::now();
        let outcome = match &direct {
            None => post_payment(shared, loan, wanted).await,
            Some(rt) => direct_payment(shared, rt, loan, wanted).await,
        };
        let took = sent.elapsed();
        if measured {
            let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
            totals.requests += 1;
            totals.latencies_us.push(micros);
            if let Some(interval) = &shared.interval {
                interval
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(micros);
            }
        }
        match outcome {
            Outcome::Ok => totals.ok_centavos += wanted,
            Outcome::Refused(body) => {
                shared.remaining[index].fetch_add(wanted, Ordering::Relaxed);
                totals.errors += u64::from(measured);
                if totals.error_bodies.len() < MAX_ERROR_BODIES {
                    totals.error_bodies.push(body);
                }
            }
            Outcome::Unknown(body) => {
                totals.uncertain_centavos += wanted;
                totals.errors += u64::from(measured);
                if totals.error_bodies.len() < MAX_ERROR_BODIES {
                    totals.error_bodies.push(body);
                }
            }
        }
    }
    totals
}

async fn post_payment(shared: &Shared, loan: i64, centavos: i64) -> Outcome {
    let sent = shared
        .http
        .post(shared.payment_url(loan))
        .bearer_auth(&shared.key)
        .json(&serde_json::json!({"amount": pesos(centavos), "method": "cash"}))
        .send()
        .await;
    match sent {
        Ok(r) if r.status().is_success() => match r.bytes().await {
            Ok(_) => Outcome::Ok,
            Err(e) => Outcome::Unknown(format!("loan {loan}: reading the receipt: {e}")),
        },
        Ok(r) => {
            let status = r.status();
            let body = r.text().await.unwrap_or_default();
            let line = format!("loan {loan}: {status} {body}");
            // The timeout layer answers 503 while the handler may still commit.
            if status == reqwest::StatusCode::SERVICE_UNAVAILABLE || status.is_server_error() {
                Outcome::Unknown(line)
            } else {
                Outcome::Refused(line)
            }
        }
        Err(e) => Outcome::Unknown(format!("loan {loan}: transport: {e}")),
    }
}

async fn direct_payment(
    shared: &Shared,
    rt: &tokio::runtime::Handle,
    loan: i64,
    centavos: i64,
) -> Outcome {
    let store = shared.store.clone();
    let tenant = shared.tenant;
    let done = rt
        .spawn(async move {
            let input = PaymentInput {
                loan: LoanId::new(loan),
                amount: Money::from_centavos(centavos),
                paid_on: None,
                method: PaymentMethod::Cash,
                reference: None,
                idempotency_key: None,
            };
            payments::register(&store, tenant, input, &Requester::cli()).await
        })
        .await;
    match done {
        Ok(Ok(_)) => Outcome::Ok,
        Ok(Err(e)) => Outcome::Unknown(format!("loan {loan}: {e}")),
        Err(e) => Outcome::Unknown(format!("loan {loan}: task: {e}")),
    }
}
