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
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: None,
            trust_proxy: false,
            request_timeout_seconds: 30,
            body_limit_bytes: 1024 * 1024,
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("public_url '{url}': {reason}")]
pub struct HttpSettingsError {
    url: String,
    reason: String,
}

impl HttpSettings {
    /// Checks what the types cannot.
    pub fn validate(&self) -> Result<(), HttpSettingsError> {
        if let Some(url) = &self.public_url {
            url::Url::parse(url).map_err(|e| HttpSettingsError {
                url: url.clone(),
                reason: e.to_string(),
            })?;
        }
        Ok(())
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
