//! A request and its answer read whole, so that a failing assert says which request broke and what
//! the app answered; and the API verbs of [`TestApp`] that send with a key.

use super::TestApp;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::fmt;

/// How much of a body a failure message shows.
const SHOWN_BODY: usize = 2_000;

/// The answer to one request, with the request's method and path for the failure messages.
pub struct Reply {
    pub method: Method,
    /// The path and query asked for.
    pub path: String,
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
    /// What the test expected and why, said first when an assert fails.
    pub why: Option<String>,
}

impl Reply {
    /// Fails, printing the request and the whole answer, unless the status is `expected`.
    #[track_caller]
    pub fn assert_status(self, expected: u16) -> Reply {
        if self.status != expected {
            self.fail(format!("expected {expected}"));
        }
        self
    }

    /// [`assert_status`](Self::assert_status) with the reason the status is expected.
    #[track_caller]
    pub fn assert_status_because(self, expected: u16, why: &str) -> Reply {
        self.because(why).assert_status(expected)
    }

    /// Says `why` first in the message of any assert on this reply that fails.
    pub fn because(mut self, why: impl fmt::Display) -> Reply {
        self.why = Some(why.to_string());
        self
    }

    /// The status, and a problem details body (RFC 9457) carrying the same status and a detail.
    #[track_caller]
    pub fn assert_problem(self, expected: u16) -> Reply {
        let reply = self.assert_status(expected);
        if reply.header("content-type") != "application/problem+json" {
            reply.fail("expected a problem (application/problem+json)");
        }
        let problem = reply.json();
        if problem["status"] != expected {
            reply.fail(format!("expected a problem of status {expected}"));
        }
        if problem["detail"].as_str().is_none_or(str::is_empty) {
            reply.fail("expected a problem that says what is wrong");
        }
        reply
    }

    #[track_caller]
    pub fn json(&self) -> Value {
        match serde_json::from_str(&self.body) {
            Ok(json) => json,
            Err(e) => self.fail(format!("expected JSON ({e})")),
        }
    }

    /// The header's value; fails when it is missing.
    #[track_caller]
    pub fn header(&self, name: &str) -> &str {
        match self.headers.get(name).and_then(|v| v.to_str().ok()) {
            Some(value) => value,
            None => self.fail(format!("expected a {name} header")),
        }
    }

    /// Every `Set-Cookie` of the answer.
    pub fn cookies(&self) -> impl Iterator<Item = &str> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
    }

    /// `why: expected …` then the request and the answer.
    #[track_caller]
    pub fn fail(&self, expected: impl fmt::Display) -> ! {
        match &self.why {
            Some(why) => panic!("{why}: {expected}\n{self}"),
            None => panic!("{expected}\n{self}"),
        }
    }
}

/// `POST /v1/loans/1/payments answered 422 Unprocessable Entity (application/problem+json)`, then
/// the body on the next line.
impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} answered {}", self.method, self.path, self.status)?;
        if let Some(kind) = self.headers.get("content-type") {
            write!(f, " ({})", kind.to_str().unwrap_or("?"))?;
        }
        match self.body.char_indices().nth(SHOWN_BODY) {
            Some((end, _)) => write!(f, "\n{}… ({} bytes)", &self.body[..end], self.body.len()),
            None => write!(f, "\n{}", self.body),
        }
    }
}

/// Sends a request built with `reqwest` and reads the whole answer into a [`Reply`].
pub trait RequestExt {
    fn reply(self) -> impl Future<Output = Reply> + Send;
}

impl RequestExt for reqwest::RequestBuilder {
    async fn reply(self) -> Reply {
        let (client, request) = self.build_split();
        let request = request.expect("the request builds");
        let method = request.method().clone();
        let url = request.url();
        let path = match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_string(),
        };
        let response = client
            .execute(request)
            .await
            .unwrap_or_else(|e| panic!("{method} {path} got no answer: {e}"));
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .text()
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: the body could not be read: {e}"));
        Reply {
            method,
            path,
            status,
            headers,
            body,
            why: None,
        }
    }
}

/// The JSON API, spoken with a key's secret (or without one).
impl TestApp {
    /// A `GET` without a key, for what anyone may read.
    pub async fn get_public(&self, path: &str) -> Reply {
        self.api().get(self.url(path)).reply().await
    }

    pub async fn get(&self, path: &str, key: &str) -> Reply {
        self.api()
            .get(self.url(path))
            .bearer_auth(key)
            .reply()
            .await
    }

    /// The body of a `GET` that must answer 200.
    pub async fn get_json(&self, path: &str, key: &str) -> Value {
        self.get(path, key).await.assert_status(200).json()
    }

    pub async fn post(&self, path: &str, key: &str, body: Value) -> Reply {
        let request = self.api().post(self.url(path)).bearer_auth(key);
        request.json(&body).reply().await
    }

    /// A `POST` of a body sent as it is, labelled JSON: for bodies that are not valid JSON.
    pub async fn post_raw(&self, path: &str, key: &str, body: String) -> Reply {
        let request = self.api().post(self.url(path)).bearer_auth(key);
        let request = request.header("content-type", "application/json");
        request.body(body).reply().await
    }

    pub async fn put(&self, path: &str, key: &str, body: Value) -> Reply {
        let request = self.api().put(self.url(path)).bearer_auth(key);
        request.json(&body).reply().await
    }

    pub async fn patch(&self, path: &str, key: &str, body: Value) -> Reply {
        let request = self.api().patch(self.url(path)).bearer_auth(key);
        request.json(&body).reply().await
    }

    pub async fn delete(&self, path: &str, key: &str) -> Reply {
        let request = self.api().delete(self.url(path)).bearer_auth(key);
        request.reply().await
    }

    /// A page, as the browser sees it.
    pub async fn visit(&self, browser: &reqwest::Client, path: &str) -> Reply {
        browser.get(self.url(path)).reply().await
    }
}
