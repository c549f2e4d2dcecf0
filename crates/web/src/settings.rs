//! The HTTP server's part of the configuration (assembled with the others in the binary; ADR 4).

use serde::{Deserialize, Serialize};
use std::net::SocketAddr;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HttpSettings {
    /// Address the HTTP server listens on.
    pub bind: SocketAddr,
    /// The address people use to reach the back office, e.g. `https://credito.example.mx`. When it is
    /// https, session cookies are marked Secure.
    pub public_url: Option<String>,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy you run).
    pub trust_proxy: bool,
    pub request_timeout_seconds: u64,
    /// Largest request body accepted, in bytes.
    pub body_limit_bytes: usize,
    /// A connection that has not sent a whole request head within this many seconds is closed: a
    /// half-sent request line, and a keep-alive connection idle between requests alike (hyper has one
    /// timer for both). Longer than a reverse proxy's upstream keep-alive (nginx: 60 s), so that the
    /// proxy, not us, ends an idle pooled connection and never sends on one we are closing.
    pub header_read_timeout_seconds: u64,
    /// Connections served at once; more wait to be accepted.
    pub max_connections: usize,
    /// Sign-in attempts a minute from one address (the login form), before 429.
    pub sign_in_per_minute_per_ip: u32,
    /// Sign-in attempts a minute for one account (tenant and email), whatever the address, before 429.
    pub sign_in_per_minute_per_account: u32,
    /// `/v1` requests refused for their API key a minute from one address, before 429.
    pub refused_keys_per_minute_per_ip: u32,
    /// Signs the login form's CSRF cookie; at least 32 characters. Unset: a secret generated at first
    /// start and kept in the database, shared by every server of the installation.
    pub secret_key: Option<SecretKey>,
    /// A bearer token Prometheus must send to read `/metrics`. Unset: `/metrics` answers clients on
    /// this host only (ADR 20).
    pub metrics_token: Option<SecretKey>,
    /// Meta's Graph API, through which the WhatsApp Cloud API channel sends its replies (tests point it
    /// at a local fake).
    pub graph_api_base_url: String,
    /// Attempts at sending one Cloud API reply before it is given up (network errors, 429 and 5xx are
    /// retried; another 4xx is a refusal and is not).
    pub graph_api_max_attempts: u32,
    /// The wait before the first retry, in milliseconds; doubled on each failure up to 30 s, and at least
    /// what a 429's `Retry-After` asks.
    pub graph_api_backoff_ms: u64,
    /// The tenant (its slug) that runs the installation: its admins, and no one else, see the backups
    /// page, because a backup holds every tenant. Unset: the page exists only while the installation
    /// has a single tenant, for that tenant's admins (ADR 32).
    pub operator_tenant: Option<String>,
}

/// A secret from the configuration: it never prints.
#[derive(Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SecretKey(String);

impl SecretKey {
    /// The shortest secret accepted.
    pub const MIN_CHARS: usize = 32;

    pub fn new(secret: impl Into<String>) -> SecretKey {
        SecretKey(secret.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: None,
            trust_proxy: false,
            request_timeout_seconds: 30,
            body_limit_bytes: 1024 * 1024,
            header_read_timeout_seconds: 75,
            max_connections: 1024,
            sign_in_per_minute_per_ip: 30,
            sign_in_per_minute_per_account: 10,
            refused_keys_per_minute_per_ip: 60,
            secret_key: None,
            metrics_token: None,
            graph_api_base_url: "https://graph.facebook.com/v21.0".into(),
            graph_api_max_attempts: 5,
            graph_api_backoff_ms: 200,
            operator_tenant: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HttpSettingsError {
    #[error("public_url '{url}': {reason}")]
    PublicUrl { url: String, reason: String },
    #[error("{0} must be at least 1")]
    Zero(&'static str),
    #[error(
        "graph_api_base_url '{0}' is not an http(s) URL (e.g. https://graph.facebook.com/v21.0)"
    )]
    GraphUrl(String),
    #[error("secret_key must be at least {min} characters long", min = SecretKey::MIN_CHARS)]
    ShortSecret,
}

impl HttpSettings {
    /// Checks what the types cannot.
    pub fn validate(&self) -> Result<(), HttpSettingsError> {
        if let Some(url) = &self.public_url {
            url::Url::parse(url).map_err(|e| HttpSettingsError::PublicUrl {
                url: url.clone(),
                reason: e.to_string(),
            })?;
        }
        let counts = [
            ("request_timeout_seconds", self.request_timeout_seconds),
            (
                "header_read_timeout_seconds",
                self.header_read_timeout_seconds,
            ),
            ("max_connections", self.max_connections as u64),
            (
                "sign_in_per_minute_per_ip",
                self.sign_in_per_minute_per_ip.into(),
            ),
            (
                "sign_in_per_minute_per_account",
                self.sign_in_per_minute_per_account.into(),
            ),
            (
                "refused_keys_per_minute_per_ip",
                self.refused_keys_per_minute_per_ip.into(),
            ),
            ("graph_api_max_attempts", self.graph_api_max_attempts.into()),
        ];
        if let Some((name, _)) = counts.iter().find(|(_, n)| *n == 0) {
            return Err(HttpSettingsError::Zero(name));
        }
        if url::Url::parse(&self.graph_api_base_url)
            .map(|u| !matches!(u.scheme(), "http" | "https"))
            .unwrap_or(true)
        {
            return Err(HttpSettingsError::GraphUrl(self.graph_api_base_url.clone()));
        }
        if self
            .secret_key
            .as_ref()
            .is_some_and(|k| k.expose().chars().count() < SecretKey::MIN_CHARS)
        {
            return Err(HttpSettingsError::ShortSecret);
        }
        Ok(())
    }

    /// The bounds on connections, for the server.
    pub fn connection_limits(&self) -> crate::serving::ConnectionLimits {
        crate::serving::ConnectionLimits {
            header_read_timeout: std::time::Duration::from_secs(self.header_read_timeout_seconds),
            max_connections: self.max_connections,
        }
    }

    /// Session cookies carry `Secure` when people reach the service over https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }
}

/// A test server: the defaults on a free port.
impl HttpSettings {
    pub fn on_any_port() -> HttpSettings {
        HttpSettings {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            ..HttpSettings::default()
        }
    }
}
