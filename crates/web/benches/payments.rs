//! Payment registration through the HTTP API with a large portfolio (issue 10, performance).
//!
//! Seeds one tenant with N clients and N disbursed loans (bulk `insert_many` through the store entities,
//! not the per-loan service), starts the real application in-process on its own runtime, and has
//! `--concurrency` keep-alive clients post small payments to random loans for `--seconds` after a short
//! warm-up. Prints one table row (requests, errors, payments/s, latency percentiles) and checks in SQL that
//! the payments stored add up to what the clients were told was registered.
//!
//! ```text
//! CARGO_TARGET_DIR=/work/target-bench cargo bench -p credinet-web --bench payments -- \
//!     --backend sqlite --loans 100000 --seconds 20 --concurrency 32
//! ```
//!
//! PostgreSQL: `--backend postgres`, server from `CREDINET_BENCH_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`); a fresh database is created and dropped at the end.
//! SQLite: a temporary file, removed at the end. `--direct` calls the payment service without HTTP, to
//! separate the database's share of the cost from the edge's.

use anyhow::{Context, anyhow, bail, ensure};
use chrono::Duration as Days;
use credinet_accounts::AccountSettings;
use credinet_accounts::{Accounts, TenantInput};
use credinet_core::ids::{LoanId, TenantId};
use credinet_core::lending::schedule::{Schedule, build_schedule};
use credinet_core::lending::terms::{InterestMethod, Periodicity, ProductTerms};
use credinet_core::money::Money;
use credinet_core::rate::Rate;
use credinet_core::role::Role;
use credinet_lending::payments::{self, PaymentInput, PaymentMethod};
use credinet_lending::products::{self, ProductInput};
use credinet_store::entities::{client, installment, loan, tenant_counter};
use credinet_store::repo::audit::Requester;
use credinet_store::{Store, migrations};
use credinet_web::{Application, HttpSettings};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{ActiveValue::Set, ConnectionTrait, Database, EntityTrait, NotSet, Statement};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::{Duration, Instant};

const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/postgres";
/// Rows per multi-row INSERT: under SQLite's 32,766 bound parameters for every table seeded here.
const CLIENT_BATCH: usize = 2_000;
const LOAN_BATCH: usize = 500;
const INSTALLMENT_BATCH: usize = 2_000;
/// Payments are 1.00 to 50.00 pesos: thousands fit in a loan before its payoff.
const MIN_AMOUNT: i64 = 100;
const MAX_AMOUNT: i64 = 5_000;
const MAX_ERROR_BODIES: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Debug, Clone)]
struct Args {
    backend: Backend,
    loans: usize,
    seconds: u64,
    warmup: u64,
    concurrency: usize,
    /// Worker threads of the application's runtime (the clients get their own runtime).
    server_threads: usize,
    client_threads: usize,
    /// Call `payments::register` directly instead of going through HTTP.
    direct: bool,
}

impl Args {
    fn parse() -> anyhow::Result<Args> {
        let mut args = Args {
            backend: Backend::Sqlite,
            loans: 100_000,
            seconds: 20,
            warmup: 3,
            concurrency: 32,
            server_threads: 2,
            client_threads: 2,
            direct: false,
        };
        let mut it = std::env::args().skip(1);
        while let Some(flag) = it.next() {
            let mut value = || it.next().ok_or_else(|| anyhow!("{flag} needs a value"));
            match flag.as_str() {
                "--backend" => {
                    args.backend = match value()?.as_str() {
                        "sqlite" => Backend::Sqlite,
                        "postgres" | "postgresql" => Backend::Postgres,
                        other => bail!("unknown backend '{other}' (sqlite or postgres)"),
                    }
                }
                "--loans" => args.loans = value()?.parse().context("--loans")?,
                "--seconds" => args.seconds = value()?.parse().context("--seconds")?,
                "--warmup" => args.warmup = value()?.parse().context("--warmup")?,
                "--concurrency" => args.concurrency = value()?.parse().context("--concurrency")?,
                "--server-threads" => {
                    args.server_threads = value()?.parse().context("--server-threads")?
                }
                "--client-threads" => {
                    args.client_threads = value()?.parse().context("--client-threads")?
                }
                "--direct" => args.direct = true,
                // `cargo bench` passes `--bench` to every bench target.
                "--bench" => {}
                "-h" | "--help" => {
                    println!(
                        "payments [--backend sqlite|postgres] [--loans N] [--seconds S] [--warmup S] \
                         [--concurrency C] [--server-threads T] [--client-threads T] [--direct]"
                    );
                    std::process::exit(0);
                }
                other => bail!("unknown argument '{other}' (try --help)"),
            }
        }
        ensure!(args.loans > 0 && args.concurrency > 0 && args.seconds > 0);
        Ok(args)
    }
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse()?;
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.server_threads)
        .thread_name("app")
        .enable_all()
        .build()?;
    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.client_threads)
        .thread_name("client")
        .enable_all()
        .build()?;

    let db = client_rt.block_on(BenchDb::create(args.backend))?;
    let outcome = run(&args, &db, &server_rt, &client_rt);
    // The application's pool must be gone before PostgreSQL drops the database.
    drop(server_rt);
    client_rt.block_on(db.drop_it())?;
    outcome
}

fn run(
    args: &Args,
    db: &BenchDb,
    server_rt: &tokio::runtime::Runtime,
    client_rt: &tokio::runtime::Runtime,
) -> anyhow::Result<()> {
    println!(
        "backend {}, {} loans, {} clients for {} s (+{} s warm-up){}",
        args.backend.name(),
        args.loans,
        args.concurrency,
        args.seconds,
        args.warmup,
        if args.direct {
            ", direct service calls (no HTTP)"
        } else {
            ""
        }
    );
    println!("{}", machine_reference());
    // Everything the application does with its pool happens on the application's runtime.
    let store = server_rt.block_on(async {
        let store = Store::connect(&db.url).await?;
        migrations::run(&store).await?;
        anyhow::Ok(store)
    })?;
    let started = Instant::now();
    let seeded = server_rt.block_on(seed(&store, args.loans))?;
    println!(
        "seeded {} clients, {} loans, {} installments in {:.1} s",
        args.loans,
        args.loans,
        seeded.installments,
        started.elapsed().as_secs_f64()
    );

    let app = server_rt.block_on(Application::build(
        store.clone(),
        HttpSettings::on_any_port(),
        AccountSettings::default(),
    ))?;
    let base = format!("http://{}", app.local_addr());
    let (stop_server, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = server_rt.spawn(app.serve(async {
        let _ = stopped.await;
    }));

    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency)
        .tcp_nodelay(true)
        .build()?;
    let shared = Arc::new(Shared {
        base,
        key: seeded.cashier_key.clone(),
        http,
        store: store.clone(),
        tenant: seeded.tenant,
        first_loan: seeded.first_loan,
        remaining: seeded
            .outstanding
            .iter()
            .map(|o| AtomicI64::new(*o))
            .collect(),
        measuring: AtomicBool::new(false),
        stop: AtomicBool::new(false),
    });

    // One payment through the real API before measuring anything: the seeded rows must be what the
    // service expects, or the numbers below mean nothing.
    let probe = client_rt.block_on(probe_payment(&shared, &seeded))?;
    println!("probe payment on a seeded loan: ok ({probe})");

    let totals = if args.direct {
        // The service runs on the application's runtime, as it would under a handler.
        let handle = server_rt.handle().clone();
        client_rt.block_on(load(args, &shared, Some(handle)))?
    } else {
        client_rt.block_on(load(args, &shared, None))?
    };

    let stored = server_rt.block_on(stored_sums(&store, seeded.tenant))?;
    let _ = stop_server.send(());
    let _ = server_rt.block_on(server);
    server_rt.block_on(store.close())?;

    print_table(args, &totals);
    if !totals.error_bodies.is_empty() {
        println!("first errors:");
        for body in &totals.error_bodies {
            println!("  {body}");
        }
    }
    let believed = totals.ok_centavos + probe;
    println!(
        "check: Σ payment.amount = {} ({} rows), Σ acknowledged by clients = {}, Σ loan.total_paid = {}, \
         uncertain (timeouts/transport) = {}",
        Money::from_centavos(stored.payments),
        stored.rows,
        Money::from_centavos(believed),
        Money::from_centavos(stored.loans_paid),
        Money::from_centavos(totals.uncertain_centavos),
    );
    let lost_or_doubled = stored.payments - believed;
    if lost_or_doubled != 0 && lost_or_doubled > totals.uncertain_centavos {
        bail!(
            "the database holds {} more than the clients were acknowledged: lost or doubled payments",
            Money::from_centavos(lost_or_doubled)
        );
    }
    ensure!(
        stored.loans_paid == stored.payments,
        "loans' cached total_paid ({}) disagrees with Σ payments ({})",
        stored.loans_paid,
        stored.payments
    );
    println!("check: ok, no lost or doubled payment");
    Ok(())
}

/// A database created for one run and dropped at the end.
struct BenchDb {
    url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Postgres { admin_url: String, name: String },
}

impl BenchDb {
    async fn create(backend: Backend) -> anyhow::Result<BenchDb> {
        let name = format!(
            "credinet_bench_{}_{}",
            std::process::id(),
            rand::random::<u32>()
        );
        match backend {
            Backend::Sqlite => {
                let path = std::env::temp_dir().join(format!("{name}.db"));
                Ok(BenchDb {
                    url: format!("sqlite://{}", path.display()),
                    cleanup: Cleanup::File(path),
                })
            }
            Backend::Postgres => {
                let admin_url = std::env::var("CREDINET_BENCH_POSTGRES_URL")
                    .unwrap_or_else(|_| DEFAULT_POSTGRES.to_string());
                let admin = Database::connect(&admin_url).await.with_context(|| {
                    format!(
                        "cannot reach PostgreSQL at {}",
                        credinet_store::redact_url(&admin_url)
                    )
                })?;
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await?;
                admin.close().await?;
                let mut url = url::Url::parse(&admin_url)?;
                url.set_path(&format!("/{name}"));
                Ok(BenchDb {
                    url: url.to_string(),
                    cleanup: Cleanup::Postgres { admin_url, name },
                })
            }
        }
    }

    async fn drop_it(&self) -> anyhow::Result<()> {
        match &self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut p = path.clone().into_os_string();
                    p.push(suffix);
                    let _ = std::fs::remove_file(p);
                }
            }
            Cleanup::Postgres { admin_url, name } => {
                let admin = Database::connect(admin_url).await?;
                admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await?;
                admin.close().await?;
            }
        }
        Ok(())
    }
}

struct Seeded {
    tenant: TenantId,
    cashier_key: String,
    first_loan: i64,
    /// Payoff of each loan, by index from `first_loan`.
    outstanding: Vec<i64>,
    installments: usize,
    /// The two schedules every loan shares (even loans: flat, odd loans: declining).
    schedules: [Schedule; 2],
}

/// One tenant, a cashier key, two products, then N clients, N disbursed loans and their installments in
/// multi-row INSERTs inside one transaction per table.
async fn seed(store: &Store, n: usize) -> anyhow::Result<Seeded> {
    let accounts = Accounts::new(store);
    let cli = Requester::cli();
    let tenant = accounts
        .create_tenant(
            TenantInput {
                slug: "banco-bench".into(),
                legal_name: "Caja de Banco de Pruebas".into(),
                time_zone: "America/Mexico_City".into(),
            },
            &cli,
        )
        .await?;
    let (_, cashier_key) = accounts
        .create_api_key(tenant.id, "bench cashier", Role::Cashier, None, &cli)
        .await?;
    let flat = products::create(
        store,
        tenant.id,
        ProductInput {
            name: "Quincenal fijo".into(),
            terms: ProductTerms::new(
                Periodicity::BiweeklyCut,
                6,
                InterestMethod::Flat,
                Rate::parse("0.05")?,
            )?,
            active: true,
        },
        &cli,
    )
    .await?;
    let declining = products::create(
        store,
        tenant.id,
        ProductInput {
            name: "Quincenal saldos".into(),
            terms: ProductTerms::new(
                Periodicity::BiweeklyCut,
                12,
                InterestMethod::Declining,
                Rate::parse("0.03")?,
            )?,
            active: true,
        },
        &cli,
    )
    .await?;

    // Disbursed three weeks ago (payments are dated today, after the disbursement).
    let now = store.now();
    let today = tenant.zone.local_date(now);
    let disbursed_on = today - Days::days(21);
    let principal = Money::from_centavos(1_000_000);
    let cut_days = tenant.settings.cut_days.clone();
    let product = [&flat, &declining];
    let schedules = [
        build_schedule(&flat.terms, principal, disbursed_on, &cut_days)?,
        build_schedule(&declining.terms, principal, disbursed_on, &cut_days)?,
    ];
    let terms = [
        serde_json::to_string(&flat.terms)?,
        serde_json::to_string(&declining.terms)?,
    ];
    let t = tenant.id.get();

    let tx = store.write().await?;
    for start in (0..n).step_by(CLIENT_BATCH) {
        let rows = (start..(start + CLIENT_BATCH).min(n)).map(|i| client::ActiveModel {
            id: NotSet,
            tenant_id: Set(t),
            full_name: Set(format!("Cliente de Prueba {i:06}")),
            phone: Set(format!("+5255{:08}", 10_000_000 + i)),
            curp: Set(None),
            rfc: Set(None),
            birth_date: Set(None),
            address: Set(None),
            notes: Set(None),
            pin_hash: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        });
        client::Entity::insert_many(rows)
            .exec_without_returning(&tx)
            .await?;
    }
    tx.commit().await?;
    let first_client = contiguous_ids(store, "client", t, n).await?;

    let actor = &cli.actor;
    let tx = store.write().await?;
    for start in (0..n).step_by(LOAN_BATCH) {
        let rows = (start..(start + LOAN_BATCH).min(n)).map(|i| {
            let s = &schedules[i % 2];
            let who = || Set(Some(actor.kind.as_str().to_string()));
            let label = || Set(Some(actor.label.clone()));
            loan::ActiveModel {
                id: NotSet,
                tenant_id: Set(t),
                number: Set(format!("{:06}", i + 1)),
                client_id: Set(first_client + i as i64),
                product_id: Set(product[i % 2].id.get()),
                principal: Set(principal.centavos()),
                terms: Set(Some(terms[i % 2].clone())),
                status: Set("disbursed".into()),
                // Created, submitted, approved, disbursed.
                version: Set(4),
                submitted_by_kind: who(),
                submitted_by_id: Set(actor.id),
                submitted_by_label: label(),
                approved_by_kind: who(),
                approved_by_id: Set(actor.id),
                approved_by_label: label(),
                rejected_by_kind: Set(None),
                rejected_by_id: Set(None),
                rejected_by_label: Set(None),
                written_off_by_kind: Set(None),
                written_off_by_id: Set(None),
                written_off_by_label: Set(None),
                rejection_reason: Set(None),
                write_off_reason: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                submitted_at: Set(Some(now)),
                approved_at: Set(Some(now)),
                rejected_at: Set(None),
                disbursed_at: Set(Some(now)),
                paid_at: Set(None),
                written_off_at: Set(None),
                disbursed_on: Set(Some(disbursed_on)),
                opening_commission: Set(Some(s.opening_commission.centavos())),
                commission_iva: Set(Some(s.commission_iva.centavos())),
                net_disbursed: Set(Some(s.net_disbursed.centavos())),
                cat: Set(Some(s.cat.to_string())),
                total_due: Set(s.total_to_pay.centavos()),
                total_paid: Set(0),
                outstanding: Set(s.total_to_pay.centavos()),
            }
        });
        loan::Entity::insert_many(rows)
            .exec_without_returning(&tx)
            .await?;
    }
    // The next loan created through the service gets the next number.
    tenant_counter::Entity::insert(tenant_counter::ActiveModel {
        tenant_id: Set(t),
        name: Set("loan".into()),
        value: Set(n as i64),
    })
    .exec_without_returning(&tx)
    .await?;
    tx.commit().await?;
    let first_loan = contiguous_ids(store, "loan", t, n).await?;

    // Installments: one flat list of (loan index, installment), written in fixed-size statements.
    let per_loan = |i: usize| schedules[i % 2].installments.len();
    let total: usize = (0..n).map(per_loan).sum();
    let mut pending = Vec::with_capacity(INSTALLMENT_BATCH);
    let tx = store.write().await?;
    for i in 0..n {
        for inst in &schedules[i % 2].installments {
            pending.push(installment::ActiveModel {
                id: NotSet,
                tenant_id: Set(t),
                loan_id: Set(first_loan + i as i64),
                number: Set(i32::try_from(inst.number)?),
                due_date: Set(inst.due_date),
                principal: Set(inst.principal.centavos()),
                interest: Set(inst.interest.centavos()),
                interest_iva: Set(inst.iva.centavos()),
                late_fee: Set(0),
                late_fee_iva: Set(0),
                paid_principal: Set(0),
                paid_interest: Set(0),
                paid_interest_iva: Set(0),
                paid_late_fee: Set(0),
                paid_late_fee_iva: Set(0),
            });
            if pending.len() == INSTALLMENT_BATCH {
                installment::Entity::insert_many(std::mem::take(&mut pending))
                    .exec_without_returning(&tx)
                    .await?;
            }
        }
    }
    if !pending.is_empty() {
        installment::Entity::insert_many(pending)
            .exec_without_returning(&tx)
            .await?;
    }
    tx.commit().await?;
    if store.backend() == sea_orm::DbBackend::Postgres {
        // Statistics for the tables just loaded, as autovacuum would gather them after a bulk load. Only
        // those: analysing the still-empty payment tables too would record them as empty, and with
        // autovacuum off (as on this machine) nothing would ever correct that while they grow — the
        // plans PostgreSQL caches for its foreign-key checks then scan `payment` sequentially for
        // every allocation (measured: 0.5 ms per row, half of all database time).
        store
            .db()
            .execute_unprepared("ANALYZE client, loan, installment")
            .await?;
    }

    Ok(Seeded {
        tenant: tenant.id,
        cashier_key,
        first_loan,
        outstanding: (0..n)
            .map(|i| schedules[i % 2].total_to_pay.centavos())
            .collect(),
        installments: total,
        schedules,
    })
}

/// The first id of `table` for the tenant, after checking the ids are exactly first..first+n.
async fn contiguous_ids(store: &Store, table: &str, tenant: i64, n: usize) -> anyhow::Result<i64> {
    let sql = format!(
        "SELECT MIN(id) AS lo, MAX(id) AS hi, COUNT(*) AS n FROM {table} WHERE tenant_id = {tenant}"
    );
    let row = store
        .db()
        .query_one_raw(Statement::from_string(store.backend(), sql))
        .await?
        .ok_or_else(|| anyhow!("no answer counting {table}"))?;
    let (lo, hi, count): (i64, i64, i64) = (
        row.try_get("", "lo")?,
        row.try_get("", "hi")?,
        row.try_get("", "n")?,
    );
    ensure!(
        count == n as i64 && hi - lo + 1 == count,
        "{table} ids are not contiguous ({lo}..={hi}, {count} rows): cannot link the seeded rows"
    );
    Ok(lo)
}

struct Shared {
    base: String,
    key: String,
    http: reqwest::Client,
    store: Store,
    tenant: TenantId,
    first_loan: i64,
    /// What each loan can still take (its payoff minus what was sent to it), so no payment exceeds it.
    remaining: Vec<AtomicI64>,
    measuring: AtomicBool,
    stop: AtomicBool,
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
async fn probe_payment(shared: &Shared, seeded: &Seeded) -> anyhow::Result<i64> {
    let index = shared.remaining.len() / 2;
    let loan = shared.first_loan + index as i64;
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
    let expected = seeded.schedules[index % 2].total_to_pay.centavos() - amount;
    ensure!(
        body["loan_outstanding"] == pesos(expected),
        "after the probe the loan's outstanding should be {}: {body}",
        pesos(expected)
    );
    shared.remaining[index].fetch_sub(amount, Ordering::Relaxed);
    Ok(amount)
}

/// CPU time in clock ticks (Linux `/proc`; USER_HZ is 100 on every mainstream Linux build).
#[derive(Clone, Copy, Default)]
struct CpuSample {
    machine_busy: u64,
    machine_total: u64,
    this_process: u64,
    /// Every process named `postgres` (the server's backends serving the pool).
    postgres: u64,
}

impl CpuSample {
    fn now() -> CpuSample {
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

#[derive(Default)]
struct Totals {
    /// Requests started inside the measured window.
    requests: u64,
    errors: u64,
    latencies_us: Vec<u64>,
    window: Duration,
    /// Σ of payments acknowledged (2xx), warm-up included: what the database must hold.
    ok_centavos: i64,
    /// Σ of payments whose fate the client cannot know (transport error, 503 from the timeout layer).
    uncertain_centavos: i64,
    error_bodies: Vec<String>,
    cpu: (CpuSample, CpuSample),
}

async fn load(
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
    tokio::time::sleep(Duration::from_secs(args.seconds)).await;
    shared.measuring.store(false, Ordering::SeqCst);
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
        let loan = shared.first_loan + index as i64;
        let measured = shared.measuring.load(Ordering::Relaxed);
        let sent = Instant::now();
        let outcome = match &direct {
            None => post_payment(shared, loan, wanted).await,
            Some(rt) => direct_payment(shared, rt, loan, wanted).await,
        };
        let took = sent.elapsed();
        if measured {
            totals.requests += 1;
            totals
                .latencies_us
                .push(u64::try_from(took.as_micros()).unwrap_or(u64::MAX));
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

struct StoredSums {
    payments: i64,
    rows: i64,
    loans_paid: i64,
}

async fn stored_sums(store: &Store, tenant: TenantId) -> anyhow::Result<StoredSums> {
    let t = tenant.get();
    let sql = format!(
        // PostgreSQL's SUM(bigint) is numeric: cast back so every backend answers a BIGINT.
        "SELECT CAST((SELECT COALESCE(SUM(amount), 0) FROM payment WHERE tenant_id = {t}) AS BIGINT) AS paid, \
                CAST((SELECT COUNT(*) FROM payment WHERE tenant_id = {t}) AS BIGINT) AS n, \
                CAST((SELECT COALESCE(SUM(total_paid), 0) FROM loan WHERE tenant_id = {t}) AS BIGINT) AS loans"
    );
    let row = store
        .db()
        .query_one_raw(Statement::from_string(store.backend(), sql))
        .await?
        .ok_or_else(|| anyhow!("no answer summing payments"))?;
    let number = |col: &str| -> anyhow::Result<i64> { Ok(row.try_get::<i64>("", col)?) };
    Ok(StoredSums {
        payments: number("paid")?,
        rows: number("n")?,
        loans_paid: number("loans")?,
    })
}

fn percentile(sorted: &[u64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1] as f64 / 1000.0
}

/// A fixed single-core workload timed before the run, printed with the results: machines differ from
/// session to session (the same binary measured 2,714–2,962/s on SQLite one week and 1,268/s on another
/// machine the next), and this line tells a slower machine from slower code.
fn machine_reference() -> String {
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

fn print_table(args: &Args, t: &Totals) {
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
        ok as f64 / secs,
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
