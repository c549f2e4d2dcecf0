//! The Prometheus exposition of `/metrics` (ADR 20): request durations measured in this process, and
//! the figures of the database (payments, events, outbox, job runs, portfolio) read at scrape time, so
//! every server of an installation reports the same ones.
//!
//! Names follow Prometheus conventions: a `credinet_` namespace, base units in the name (`_seconds`),
//! counters ending in `_total`. Labels are bounded sets: route templates (never raw paths), status
//! classes, event kinds, job names, channel ids and kinds, tenant slugs. Money is a gauge in pesos
//! (a float is fine for a chart; the books stay in centavos).

use chrono::{DateTime, NaiveDate, Utc};
use credinet_store::repo::monitoring;
use credinet_store::{Store, StoreError};
use prometheus::core::Collector;
use prometheus::{
    CounterVec, Encoder, Gauge, GaugeVec, HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec,
    Opts, Registry, TextEncoder,
};
use std::collections::BTreeMap;
use std::time::Duration;

/// Request duration buckets, seconds: a page answers in milliseconds, a slow report in seconds, and
/// the request timeout is 30 s.
const DURATION_BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A metric's definition was refused (a name or label set this file got wrong).
    #[error("metric definition: {0}")]
    Definition(#[from] prometheus::Error),
}

/// What this process measures itself; the rest is read from the database at each scrape.
#[derive(Clone)]
pub struct HttpMetrics {
    durations: HistogramVec,
}

impl std::fmt::Debug for HttpMetrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HttpMetrics")
    }
}

impl Default for HttpMetrics {
    fn default() -> Self {
        let opts = HistogramOpts::new(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by route template, method and status class",
        )
        .namespace("credinet")
        .buckets(DURATION_BUCKETS.to_vec());
        HttpMetrics {
            durations: HistogramVec::new(opts, &["method", "route", "status"])
                .expect("a fixed, valid histogram definition"),
        }
    }
}

impl HttpMetrics {
    /// One answered request: its route template (or `unmatched`), method and status class (`5xx`).
    pub fn observe(&self, method: &str, route: &str, status: u16, took: Duration) {
        let class = format!("{}xx", status / 100);
        self.durations
            .with_label_values(&[method, route, class.as_str()])
            .observe(took.as_secs_f64());
    }
}

/// A fresh registry per scrape holds the database's figures beside this process's timings.
struct Scrape {
    registry: Registry,
}

impl Scrape {
    fn add<C: Collector + Clone + 'static>(&self, collector: &C) -> Result<(), MetricsError> {
        self.registry.register(Box::new(collector.clone()))?;
        Ok(())
    }
}

fn opts(name: &str, help: &str) -> Opts {
    Opts::new(name, help).namespace("credinet")
}

/// The whole exposition, in the Prometheus text format (0.0.4).
pub async fn render(store: &Store, http: &HttpMetrics) -> Result<String, MetricsError> {
    let db = store.db();
    let slugs = monitoring::tenant_slugs(db).await?;
    let slug = |id: i64| slugs.get(&id).cloned().unwrap_or_else(|| id.to_string());
    let scrape = Scrape {
        registry: Registry::new(),
    };
    scrape.add(&http.durations)?;

    let payments = IntCounterVec::new(
        opts(
            "payments_registered_total",
            "Payments registered, by tenant (reversed ones included)",
        ),
        &["tenant"],
    )?;
    for (tenant, n) in monitoring::payments_by_tenant(db).await? {
        payments
            .with_label_values(&[slug(tenant).as_str()])
            .inc_by(count(n));
    }
    scrape.add(&payments)?;

    let events = IntCounterVec::new(
        opts(
            "events_total",
            "Events written to the outbox, by kind (tenants' and the installation's)",
        ),
        &["kind"],
    )?;
    for (kind, n) in monitoring::events_by_kind(db).await? {
        events.with_label_values(&[kind.as_str()]).inc_by(count(n));
    }
    scrape.add(&events)?;

    outbox(&scrape, monitoring::outbox(db).await?, &slug)?;
    jobs(&scrape, monitoring::finished_runs(db).await?)?;
    portfolio(&scrape, monitoring::last_cuts(db).await?, &slug)?;
    backup(&scrape, monitoring::last_backup(db).await?)?;

    let mut text = Vec::new();
    TextEncoder::new().encode(&scrape.registry.gather(), &mut text)?;
    Ok(String::from_utf8_lossy(&text).into_owned())
}

fn outbox(
    scrape: &Scrape,
    counts: Vec<monitoring::OutboxCount>,
    slug: &dyn Fn(i64) -> String,
) -> Result<(), MetricsError> {
    let messages = IntGaugeVec::new(
        opts(
            "outbox_messages",
            "Notification messages by channel and status: pending is the outbox depth, dead the failures an admin must look at",
        ),
        &["channel_id", "channel_kind", "owner", "status"],
    )?;
    for c in counts {
        let owner = c.tenant_id.map(slug).unwrap_or_else(|| "system".into());
        messages
            .with_label_values(&[
                c.channel_id.to_string().as_str(),
                c.channel_kind.as_str(),
                owner.as_str(),
                c.status.as_str(),
            ])
            .set(c.messages);
    }
    scrape.add(&messages)
}

fn jobs(scrape: &Scrape, runs: Vec<monitoring::FinishedRun>) -> Result<(), MetricsError> {
    let runs_total = IntCounterVec::new(
        opts(
            "job_runs_total",
            "Finished runs of scheduled jobs, by job and status (succeeded, failed, missed)",
        ),
        &["job", "status"],
    )?;
    let seconds_total = CounterVec::new(
        opts(
            "job_run_duration_seconds_total",
            "Time spent in finished runs of scheduled jobs, by job (divide by job_runs_total for the mean)",
        ),
        &["job"],
    )?;
    let mut last_success: BTreeMap<String, DateTime<Utc>> = BTreeMap::new();
    for run in runs {
        runs_total
            .with_label_values(&[run.job.as_str(), run.status.as_str()])
            .inc();
        if let (Some(start), Some(end)) = (run.started_at, run.ended_at) {
            let took = (end - start).num_milliseconds().max(0) as f64 / 1000.0;
            seconds_total
                .with_label_values(&[run.job.as_str()])
                .inc_by(took);
        }
        if run.status == "succeeded"
            && let Some(end) = run.ended_at
        {
            let last = last_success.entry(run.job).or_insert(end);
            *last = (*last).max(end);
        }
    }
    let last = GaugeVec::new(
        opts(
            "job_last_success_timestamp_seconds",
            "When the job last finished successfully (Unix time)",
        ),
        &["job"],
    )?;
    for (job, at) in last_success {
        last.with_label_values(&[job.as_str()]).set(seconds(at));
    }
    scrape.add(&runs_total)?;
    scrape.add(&seconds_total)?;
    scrape.add(&last)
}

fn portfolio(
    scrape: &Scrape,
    cuts: Vec<monitoring::LastCut>,
    slug: &dyn Fn(i64) -> String,
) -> Result<(), MetricsError> {
    let gauge = |name: &str, help: &str| GaugeVec::new(opts(name, help), &["tenant"]);
    let outstanding = gauge(
        "portfolio_outstanding_pesos",
        "What borrowers owe, in pesos, as of the tenant's latest finished period cut",
    )?;
    let overdue = gauge(
        "portfolio_overdue_pesos",
        "What is past due, in pesos, as of the tenant's latest finished period cut",
    )?;
    let par30 = gauge(
        "portfolio_par30_ratio",
        "Share (0 to 1) of the outstanding principal on loans more than 30 days past due (PAR30), as of the latest cut",
    )?;
    let cut_date = gauge(
        "portfolio_cut_date_timestamp_seconds",
        "The date of the tenant's latest finished period cut (Unix time of its midnight UTC)",
    )?;
    for cut in cuts {
        let tenant = slug(cut.tenant_id);
        let labels = [tenant.as_str()];
        outstanding
            .with_label_values(&labels)
            .set(pesos(cut.outstanding));
        overdue.with_label_values(&labels).set(pesos(cut.overdue));
        let ratio = if cut.outstanding_principal > 0 {
            cut.par30_principal as f64 / cut.outstanding_principal as f64
        } else {
            0.0
        };
        par30.with_label_values(&labels).set(ratio);
        cut_date
            .with_label_values(&labels)
            .set(day_seconds(cut.cut_date));
    }
    for g in [&outstanding, &overdue, &par30, &cut_date] {
        scrape.add(g)?;
    }
    Ok(())
}

/// The newest successful backup. Before the first one neither series exists, and the alert rule
/// «CredinetRespaldoViejo» fires on their absence: an installation without a backup is the risk.
fn backup(scrape: &Scrape, last: Option<monitoring::LastBackup>) -> Result<(), MetricsError> {
    let Some(last) = last else {
        return Ok(());
    };
    let at = Gauge::with_opts(opts(
        "backup_last_success_timestamp_seconds",
        "When the newest successful backup finished (Unix time), from its backup_completed event",
    ))?;
    at.set(seconds(last.completed_at));
    let size = Gauge::with_opts(opts(
        "backup_last_size_bytes",
        "Size of the newest successful backup's compressed file, in bytes",
    ))?;
    size.set(last.size_bytes as f64);
    scrape.add(&at)?;
    scrape.add(&size)
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// Centavos as pesos, for a gauge only.
fn pesos(centavos: i64) -> f64 {
    centavos as f64 / 100.0
}

fn seconds(at: DateTime<Utc>) -> f64 {
    at.timestamp_millis() as f64 / 1000.0
}

fn day_seconds(day: NaiveDate) -> f64 {
    day.and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp() as f64)
        .unwrap_or(0.0)
}
