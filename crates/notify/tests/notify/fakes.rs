//! Local stand-ins for the hosted services, speaking their wire format: Telegram's Bot API, a Discord
//! webhook, a generic webhook receiver that checks signatures, and a real SMTP server (aiosmtpd).

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// How a fake answers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mode {
    Up,
    /// Answers this 5xx status.
    Down(u16),
    /// Answers 429 with this `retry_after` (seconds).
    RateLimited(f64),
    /// Answers 400 (a refusal that no retry fixes).
    Refusing,
}

async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.ok() });
    format!("http://{addr}")
}

#[derive(Debug, Clone, PartialEq)]
pub struct TelegramMessage {
    pub chat_id: String,
    pub text: String,
    pub parse_mode: Option<String>,
}

#[derive(Default)]
struct TelegramState {
    mode: Mutex<Option<Mode>>,
    received: Mutex<Vec<TelegramMessage>>,
    /// Chats that became supergroups: old id → new id.
    migrated: Mutex<HashMap<String, i64>>,
}

#[derive(Clone)]
pub struct FakeTelegram {
    pub base: String,
    state: Arc<TelegramState>,
}

impl FakeTelegram {
    pub async fn start() -> FakeTelegram {
        let state = Arc::new(TelegramState::default());
        let router = Router::new()
            .route("/{bot}/sendMessage", post(telegram_send))
            .with_state(state.clone());
        FakeTelegram {
            base: serve(router).await,
            state,
        }
    }
    pub fn set(&self, mode: Mode) {
        *self.state.mode.lock().unwrap() = Some(mode);
    }
    pub fn migrate(&self, from: &str, to: i64) {
        self.state
            .migrated
            .lock()
            .unwrap()
            .insert(from.to_string(), to);
    }
    pub fn received(&self) -> Vec<TelegramMessage> {
        self.state.received.lock().unwrap().clone()
    }
}

async fn telegram_send(
    State(state): State<Arc<TelegramState>>,
    Path(bot): Path<String>,
    Json(body): Json<Value>,
) -> Response {
    if bot != "bot123:SECRET" {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"ok": false, "error_code": 401, "description": "Unauthorized"})),
        )
            .into_response();
    }
    let mode = state.mode.lock().unwrap().unwrap_or(Mode::Up);
    let chat_id = match &body["chat_id"] {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match mode {
        Mode::Down(status) => {
            let code = StatusCode::from_u16(status).unwrap();
            return (
                code,
                Json(json!({"ok": false, "error_code": status, "description": "Bad Gateway"})),
            )
                .into_response();
        }
        Mode::RateLimited(secs) => {
            return (
                StatusCode::TOO_MANY_REQUESTS,
                Json(json!({
                    "ok": false, "error_code": 429,
                    "description": format!("Too Many Requests: retry after {secs}"),
                    "parameters": {"retry_after": secs},
                })),
            )
                .into_response();
        }
        Mode::Refusing => {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({"ok": false, "error_code": 400, "description": "Bad Request: chat not found"})),
            )
                .into_response();
        }
        Mode::Up => {}
    }
    if let Some(to) = state.migrated.lock().unwrap().get(&chat_id) {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({
                "ok": false, "error_code": 400,
                "description": "Bad Request: group chat was upgraded to a supergroup chat",
                "parameters": {"migrate_to_chat_id": to},
            })),
        )
            .into_response();
    }
    let text = body["text"].as_str().unwrap_or_default().to_string();
    let mut received = state.received.lock().unwrap();
    received.push(TelegramMessage {
        chat_id: chat_id.clone(),
        text: text.clone(),
        parse_mode: body["parse_mode"].as_str().map(str::to_string),
    });
    Json(json!({
        "ok": true,
        "result": {"message_id": received.len(), "chat": {"id": chat_id}, "date": 1_764_720_000, "text": text},
    }))
    .into_response()
}

#[derive(Debug, Clone, PartialEq)]
pub struct DiscordMessage {
    pub content: String,
    pub allowed_mentions: Value,
    pub waited: bool,
}

#[derive(Default)]
struct DiscordState {
    mode: Mutex<Option<Mode>>,
    received: Mutex<Vec<DiscordMessage>>,
}

#[derive(Clone)]
pub struct FakeDiscord {
    pub webhook_url: String,
    state: Arc<DiscordState>,
}

impl FakeDiscord {
    pub async fn start() -> FakeDiscord {
        let state = Arc::new(DiscordState::default());
        let router = Router::new()
            .route("/api/webhooks/{id}/{token}", post(discord_execute))
            .with_state(state.clone());
        let base = serve(router).await;
        FakeDiscord {
            webhook_url: format!("{base}/api/webhooks/1234/TOKEN"),
            state,
        }
    }
    pub fn set(&self, mode: Mode) {
        *self.state.mode.lock().unwrap() = Some(mode);
    }
    pub fn received(&self) -> Vec<DiscordMessage> {
        self.state.received.lock().unwrap().clone()
    }
}

async fn discord_execute(
    State(state): State<Arc<DiscordState>>,
    Query(query): Query<HashMap<String, String>>,
    Json(body): Json<Value>,
) -> Response {
    match state.mode.lock().unwrap().unwrap_or(Mode::Up) {
        Mode::Down(status) => {
            return (
                StatusCode::from_u16(status).unwrap(),
                Json(json!({"message": "Internal Server Error", "code": 0})),
            )
                .into_response();
        }
        Mode::RateLimited(secs) => {
            let mut headers = HeaderMap::new();
            headers.insert("retry-after", format!("{}", secs.ceil()).parse().unwrap());
            return (
                StatusCode::TOO_MANY_REQUESTS,
                headers,
                Json(json!({"message": "You are being rate limited.", "retry_after": secs, "global": false})),
            )
                .into_response();
        }
        Mode::Refusing => {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({"message": "Cannot send an empty message", "code": 50006})),
            )
                .into_response();
        }
        Mode::Up => {}
    }
    let content = body["content"].as_str().unwrap_or_default().to_string();
    if content.encode_utf16().count() > 2000 {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"message": "Invalid Form Body", "code": 50035})),
        )
            .into_response();
    }
    state.received.lock().unwrap().push(DiscordMessage {
        content,
        allowed_mentions: body["allowed_mentions"].clone(),
        waited: query.get("wait").is_some_and(|w| w == "true"),
    });
    Json(json!({"id": "1", "type": 0, "content": body["content"]})).into_response()
}

#[derive(Debug, Clone)]
pub struct WebhookDelivery {
    pub message_id: i64,
    pub body: Value,
}

#[derive(Default)]
struct HookState {
    mode: Mutex<Option<Mode>>,
    received: Mutex<Vec<WebhookDelivery>>,
    bad_signatures: Mutex<usize>,
}

/// A webhook receiver that checks each request's signature as a careful integrator would.
#[derive(Clone)]
pub struct FakeHook {
    pub url: String,
    state: Arc<HookState>,
}

pub const HOOK_SECRET: &str = "whsec-test";

impl FakeHook {
    pub async fn start() -> FakeHook {
        let state = Arc::new(HookState::default());
        let router = Router::new()
            .route("/hooks/credinet", post(hook_receive))
            .with_state(state.clone());
        let base = serve(router).await;
        FakeHook {
            url: format!("{base}/hooks/credinet"),
            state,
        }
    }
    pub fn set(&self, mode: Mode) {
        *self.state.mode.lock().unwrap() = Some(mode);
    }
    pub fn received(&self) -> Vec<WebhookDelivery> {
        self.state.received.lock().unwrap().clone()
    }
    pub fn bad_signatures(&self) -> usize {
        *self.state.bad_signatures.lock().unwrap()
    }
}

async fn hook_receive(
    State(state): State<Arc<HookState>>,
    headers: HeaderMap,
    body: String,
) -> Response {
    match state.mode.lock().unwrap().unwrap_or(Mode::Up) {
        Mode::Down(status) => return StatusCode::from_u16(status).unwrap().into_response(),
        Mode::RateLimited(secs) => {
            let mut h = HeaderMap::new();
            h.insert("retry-after", format!("{}", secs.ceil()).parse().unwrap());
            return (StatusCode::TOO_MANY_REQUESTS, h).into_response();
        }
        Mode::Refusing => return StatusCode::BAD_REQUEST.into_response(),
        Mode::Up => {}
    }
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let timestamp: i64 = header("x-credinet-timestamp").parse().unwrap_or(0);
    let expected = credinet_notify::send::webhook::signature(HOOK_SECRET, timestamp, &body);
    if header("x-credinet-signature") != expected {
        *state.bad_signatures.lock().unwrap() += 1;
        return StatusCode::UNAUTHORIZED.into_response();
    }
    state.received.lock().unwrap().push(WebhookDelivery {
        message_id: header("x-credinet-message-id").parse().unwrap_or(-1),
        body: serde_json::from_str(&body).unwrap_or(Value::Null),
    });
    StatusCode::NO_CONTENT.into_response()
}

/// A real SMTP server (Python's aiosmtpd) writing what it receives into a maildir.
pub struct SmtpSink {
    pub port: u16,
    pub maildir: std::path::PathBuf,
    child: Option<std::process::Child>,
}

impl SmtpSink {
    /// Reserves a port with nothing listening on it yet (the server is "down" until started).
    pub fn reserve() -> SmtpSink {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let maildir =
            std::env::temp_dir().join(format!("credinet-smtp-{}-{port}", std::process::id()));
        SmtpSink {
            port,
            maildir,
            child: None,
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub async fn start(&mut self) {
        let child = std::process::Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{}", self.port))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&self.maildir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("python3 with aiosmtpd (installed by .ci/run: pip install aiosmtpd)");
        self.child = Some(child);
        // Wait for it to listen: setup, not a timing assertion.
        for _ in 0..200 {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                .await
                .is_ok()
            {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the SMTP sink did not start on port {}", self.port);
    }

    /// The messages received, as raw RFC 5322 text.
    pub fn received(&self) -> Vec<String> {
        let mut out = Vec::new();
        for sub in ["new", "cur"] {
            if let Ok(entries) = std::fs::read_dir(self.maildir.join(sub)) {
                for entry in entries.flatten() {
                    out.push(std::fs::read_to_string(entry.path()).unwrap_or_default());
                }
            }
        }
        out
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().ok();
            child.wait().ok();
        }
        std::fs::remove_dir_all(&self.maildir).ok();
    }
}
