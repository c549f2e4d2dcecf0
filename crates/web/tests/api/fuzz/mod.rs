//! The property test of issue 16: every route the router serves — each `/v1` operation, each
//! back-office form and page, the public routes — is sent arbitrary input (control characters, NUL,
//! direction overrides, zero-width and 4-byte characters, very long text, huge and negative numbers,
//! wrong JSON types, missing and extra fields, malformed bodies, wrong content types, hostile path
//! segments and query values) on SQLite, PostgreSQL and MariaDB at once, each case to the three apps.
//!
//! It holds when no answer is a 5xx, no request goes unanswered (a dropped connection is a reqwest
//! error, and fails), and the three backends answer alike: the same status, and for `/v1` the same
//! problem `type` and `title`. Cases start from a valid request and change one to three fields, so
//! most get past the first validation into the services and the database.
//!
//! The list of routes fuzzed here is compared with the router's own table first: a route added
//! without a fuzz entry fails the test, naming it.
//!
//! `CREDINET_FUZZ_CASES` sets the cases per route (default [`DEFAULT_CASES`]) and
//! `CREDINET_FUZZ_SEED` the seed (default [`DEFAULT_SEED`]); a failure prints both and the case.

mod api;
mod forms;
mod inputs;
mod regressions;

use crate::helpers::TestApp;
use credinet_store::testing::{Backend, TestDb};
use rand::SeedableRng;
use rand::rngs::StdRng;
use reqwest::Method;
use reqwest::header::{HeaderName, HeaderValue};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::time::Instant;

/// Cases per route in the default test run: enough to meet every input family on every route, small
/// enough for a loaded two-core machine.
const DEFAULT_CASES: usize = 24;
const DEFAULT_SEED: u64 = 16;
/// The label of a route's first case, its valid request unchanged.
pub const VALID: &str = "the valid request";

/// One request, the same for every backend but for the credential, which each app issued itself.
pub struct Case {
    pub method: Method,
    /// The path and query, already encoded.
    pub target: String,
    pub body: Body,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub credential: Credential,
    /// What this case changed in the valid request, for the failure message.
    pub label: String,
}

pub enum Body {
    None,
    /// A form, urlencoded, with the session's CSRF token added when `csrf`, then `tail` as it is
    /// (an escape that decodes to no text), sent as `content_type`.
    Form {
        fields: Vec<(String, String)>,
        csrf: bool,
        tail: String,
        content_type: Option<&'static str>,
    },
    /// Bytes sent with this content type (or none).
    Raw {
        content_type: Option<&'static str>,
        bytes: Vec<u8>,
    },
}

/// Who sends the case, resolved per app.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Credential {
    Nobody,
    /// An API key of this role, of the fuzzed tenant.
    Key(api::Who),
    /// The signed-in administrator's browser.
    Session,
    /// A second browser of the same administrator, for the form that ends its session.
    SecondSession,
    /// A browser that has just opened the login form (and holds its CSRF cookie).
    LoginForm,
}

/// A browser and the CSRF token its pages carry.
struct Browser {
    client: reqwest::Client,
    csrf: String,
}

/// What an app answered, reduced to what must be equal on every backend.
#[derive(Debug, PartialEq, Eq)]
struct Answer {
    status: u16,
    /// For a problem detail: its `type` and `title`. Its `detail` may name a generated id or quote
    /// the database's wording, so it is not compared.
    problem: Option<(String, String)>,
}

/// One app under fuzz, with its credentials.
struct Target {
    backend: Backend,
    app: TestApp,
    client: reqwest::Client,
    keys: api::Keys,
    session: Browser,
    second: Browser,
}

impl Target {
    async fn send(&self, case: &Case) -> Result<(Answer, String), String> {
        let url = self.app.url(&case.target);
        let login_form;
        let login_token: String;
        let (client, csrf) = match case.credential {
            Credential::Nobody | Credential::Key(_) => (&self.client, ""),
            Credential::Session => (&self.session.client, self.session.csrf.as_str()),
            Credential::SecondSession => (&self.second.client, self.second.csrf.as_str()),
            Credential::LoginForm => {
                login_form = self.app.browser();
                let page = login_form.get(self.app.url("/login")).send().await;
                let page = page.map_err(|e| format!("no login form: {e}"))?;
                let html = page.text().await.map_err(|e| format!("login form: {e}"))?;
                login_token = crate::helpers::hidden_csrf(&html);
                (&login_form, login_token.as_str())
            }
        };
        let mut request = client.request(case.method.clone(), url);
        if let Credential::Key(who) = case.credential {
            request = request.bearer_auth(self.keys.secret(who));
        }
        for (name, value) in &case.headers {
            request = request.header(name, value);
        }
        if let Body::Raw {
            content_type,
            bytes,
        } = &case.body
        {
            if let Some(kind) = content_type {
                request = request.header("content-type", *kind);
            }
            request = request.body(bytes.clone());
        }
        if let Body::Form {
            fields,
            csrf: with,
            tail,
            content_type,
        } = &case.body
        {
            let mut fields = fields.clone();
            if *with {
                fields.push(("csrf_token".into(), csrf.to_string()));
            }
            let mut bytes = inputs::urlencoded(&fields);
            bytes.extend(tail.bytes());
            if let Some(kind) = content_type {
                request = request.header("content-type", *kind);
            }
            request = request.body(bytes);
        }
        let response = request
            .send()
            .await
            .map_err(|e| format!("no answer: {:?}", e.without_url()))?;
        let status = response.status().as_u16();
        let is_problem = response
            .headers()
            .get("content-type")
            .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
        let body = response
            .text()
            .await
            .map_err(|e| format!("the body was cut: {:?}", e.without_url()))?;
        let problem = is_problem.then(|| {
            let json: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
            let field = |name: &str| json[name].as_str().unwrap_or("(none)").to_string();
            (field("type"), field("title"))
        });
        Ok((Answer { status, problem }, body))
    }
}

impl fmt::Display for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown: String = self.target.chars().take(300).collect();
        let label: String = self.label.chars().take(600).collect();
        write!(
            f,
            "{} {shown} as {:?} [{label}]",
            self.method, self.credential
        )?;
        for (name, value) in &self.headers {
            write!(f, "\n  {name}: {value:?}")?;
        }
        if let Body::Form {
            fields,
            csrf,
            tail,
            content_type,
        } = &self.body
        {
            write!(
                f,
                "\n  form ({content_type:?}, with the CSRF token: {csrf}, then {tail:?}):"
            )?;
            for (name, value) in fields {
                let shown: String = value.chars().take(100).collect();
                write!(f, " {name}={shown:?} ({} bytes)", value.len())?;
            }
        }
        if let Body::Raw {
            content_type,
            bytes,
        } = &self.body
        {
            let text = String::from_utf8_lossy(bytes);
            let shown: String = text.chars().take(600).collect();
            write!(
                f,
                "\n  body ({content_type:?}, {} bytes): {shown:?}",
                bytes.len()
            )?;
        }
        Ok(())
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("{name} is a number, got {v:?}")),
        Err(_) => default,
    }
}

/// Sends `case` to every app at once and checks the property; returns the status they agreed on.
async fn check(targets: &[Target], case: &Case, seed: u64) -> u16 {
    let answers =
        futures_util::future::join_all(targets.iter().map(|target| target.send(case))).await;
    let mut first: Option<(Backend, Answer)> = None;
    for (target, answer) in targets.iter().zip(answers) {
        let backend = target.backend;
        let (answer, body) = answer
            .unwrap_or_else(|e| panic!("seed {seed}: {backend} dropped the request: {e}\n{case}"));
        let shown: String = body.chars().take(1_000).collect();
        assert!(
            answer.status < 500,
            "seed {seed}: {backend} answered {}:\n{case}\n{shown}",
            answer.status
        );
        // The valid request must pass, or every case made from it tests only the first refusal.
        assert!(
            // (A 404 is allowed: an entry may name an object the fixture does not make.)
            case.label != VALID || answer.status < 400 || answer.status == 404,
            "seed {seed}: {backend} refused the valid request of a route (fix its entry):\n{case}\n{shown}"
        );
        match &first {
            None => first = Some((backend, answer)),
            Some((other, expected)) => assert_eq!(
                &answer, expected,
                "seed {seed}: {backend} and {other} answered differently:\n{case}\n{backend} said: {shown}"
            ),
        }
    }
    first.map_or(0, |(_, answer)| answer.status)
}

/// The routes of the router that `fuzzed` does not cover, and the fuzz entries the router lacks.
fn coverage(app: &TestApp, fuzzed: &[(Method, &'static str)]) -> Result<(), String> {
    let served: BTreeSet<(String, &str)> = app
        .routes
        .iter()
        .map(|r| (r.method.to_string(), r.path))
        .collect();
    let listed: BTreeSet<(String, &str)> =
        fuzzed.iter().map(|(m, p)| (m.to_string(), *p)).collect();
    let missing: Vec<_> = served.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&served).collect();
    if missing.is_empty() && stale.is_empty() {
        return Ok(());
    }
    Err(format!(
        "served but not fuzzed (add an entry in tests/api/fuzz/): {missing:?}; \
         fuzzed but not served: {stale:?}"
    ))
}

async fn targets() -> Vec<Target> {
    let mut targets = Vec::new();
    for backend in [Backend::Sqlite, Backend::Postgres, Backend::MySql] {
        if let Some(db) = TestDb::create(backend).await {
            let app = TestApp::spawn_with(db, |http| {
                // Thousands of requests from one address in a few seconds: the per-address buckets
                // would answer 429 at a moment that depends on each machine's speed.
                http.sign_in_per_minute_per_ip = 1_000_000;
                http.sign_in_per_minute_per_account = 1_000_000;
                http.refused_keys_per_minute_per_ip = 1_000_000;
            })
            .await;
            let empty = || Browser {
                client: app.browser(),
                csrf: String::new(),
            };
            targets.push(Target {
                backend,
                client: app.api(),
                keys: api::Keys::default(),
                session: empty(),
                second: empty(),
                app,
            });
        }
    }
    targets
}

/// Every `/v1` operation, public route, back-office page and form, on every backend.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_answers_arbitrary_input_alike_on_every_backend_without_a_5xx() {
    let cases = env_number("CREDINET_FUZZ_CASES", DEFAULT_CASES as u64) as usize;
    let seed = env_number("CREDINET_FUZZ_SEED", DEFAULT_SEED);
    let mut targets = targets().await;
    let started = Instant::now();

    let mut fixtures = Vec::new();
    for target in &mut targets {
        let (ids, keys) = api::fixture(&target.app).await;
        target.keys = keys;
        for browser in [&mut target.session, &mut target.second] {
            let app = &target.app;
            browser.csrf = app
                .signed_in(&browser.client, "caja-fuzz", "admin@fuzz.mx")
                .await;
        }
        fixtures.push(ids);
    }
    // Created in the same order on a fresh database, the fixture has the same ids everywhere, so one
    // case (which names ids in its path and body) means the same thing on every backend.
    for (target, ids) in targets.iter().zip(&fixtures) {
        assert_eq!(ids, &fixtures[0], "{}: the fixture's ids", target.backend);
    }
    let ids = &fixtures[0];

    let endpoints = api::endpoints();
    let pages = forms::pages();
    let fuzzed: Vec<(Method, &'static str)> = endpoints
        .iter()
        .map(|e| (e.method.clone(), e.path))
        .chain(pages.iter().map(|p| (p.method.clone(), p.path)))
        .collect();
    if let Err(gap) = coverage(&targets[0].app, &fuzzed) {
        panic!("{gap}");
    }

    let mut rng = StdRng::seed_from_u64(seed);
    let mut sent = 0;
    // How far the cases got, per route: a route whose cases all stop at 400 tests only the parser.
    let mut statuses: BTreeMap<String, BTreeMap<u16, usize>> = BTreeMap::new();
    for endpoint in &endpoints {
        let route = format!("{} {}", endpoint.method, endpoint.path);
        for n in 0..cases {
            let case = endpoint.case(ids, &mut rng, n);
            let status = check(&targets, &case, seed).await;
            *statuses
                .entry(route.clone())
                .or_default()
                .entry(status)
                .or_default() += 1;
            sent += 1;
        }
    }
    for page in &pages {
        let route = format!("{} {}", page.method, page.path);
        for n in 0..cases {
            let case = page.case(ids, &mut rng, n);
            let status = check(&targets, &case, seed).await;
            *statuses
                .entry(route.clone())
                .or_default()
                .entry(status)
                .or_default() += 1;
            sent += 1;
        }
    }
    for case in regressions::cases(ids) {
        check(&targets, &case, seed).await;
        sent += 1;
    }
    for (route, counts) in &statuses {
        let counts: Vec<String> = counts.iter().map(|(s, n)| format!("{s}×{n}")).collect();
        eprintln!("fuzz: {route:<40} {}", counts.join(" "));
    }
    eprintln!(
        "fuzz: {sent} cases × {} backends over {} routes in {:.1?} (seed {seed})",
        targets.len(),
        fuzzed.len(),
        started.elapsed()
    );
}
