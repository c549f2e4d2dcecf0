//! Replies through Meta's Graph API (`POST {base}/{phone_number_id}/messages`), the only way the Cloud
//! API channel answers. The base URL is configurable (tests point it at a local fake). A send that fails
//! for a reason that may pass (a network error, 429, a 5xx) is retried with exponential backoff; a
//! refusal (another 4xx) is logged and not retried. Meta's id of the sent message is returned, so its
//! delivery statuses can be matched to the reply.

use serde::Deserialize;
use serde_json::json;
use std::time::Duration;

#[derive(Clone)]
pub struct GraphClient {
    http: reqwest::Client,
    base_url: String,
    attempts: u32,
    first_backoff: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("the Graph API refused the message: HTTP {status}")]
    Refused { status: u16 },
    #[error("the Graph API did not take the message after {attempts} attempts: {last}")]
    GaveUp { attempts: u32, last: String },
}

#[derive(Deserialize)]
struct Sent {
    #[serde(default)]
    messages: Vec<SentId>,
}

#[derive(Deserialize)]
struct SentId {
    id: String,
}

impl GraphClient {
    /// A client for the configured Graph API (`graph_api_base_url`, `graph_api_max_attempts`,
    /// `graph_api_backoff_ms`).
    pub fn new(settings: &crate::settings::HttpSettings) -> GraphClient {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .expect("a client without custom TLS roots builds");
        GraphClient {
            http,
            base_url: settings
                .graph_api_base_url
                .trim_end_matches('/')
                .to_string(),
            attempts: settings.graph_api_max_attempts.max(1),
            first_backoff: Duration::from_millis(settings.graph_api_backoff_ms),
        }
    }

    /// Sends `text` to `to` (digits, country code first) from the number `phone_number_id`; returns
    /// Meta's id of the message (`wamid…`) when it gives one.
    pub async fn send_text(
        &self,
        phone_number_id: &str,
        access_token: &str,
        to: &str,
        text: &str,
    ) -> Result<Option<String>, SendError> {
        let url = format!("{}/{}/messages", self.base_url, phone_number_id);
        let body = json!({
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to,
            "type": "text",
            "text": {"preview_url": false, "body": text},
        });
        let mut backoff = self.first_backoff;
        let mut last = String::new();
        for attempt in 1..=self.attempts {
            let sent = self
                .http
                .post(&url)
                .bearer_auth(access_token)
                .json(&body)
                .send()
                .await;
            match sent {
                Ok(response) if response.status().is_success() => {
                    let id = response
                        .json::<Sent>()
                        .await
                        .ok()
                        .and_then(|s| s.messages.into_iter().next())
                        .map(|m| m.id);
                    return Ok(id);
                }
                Ok(response) => {
                    let status = response.status();
                    let retry_after = response
                        .headers()
                        .get(reqwest::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map(|s| Duration::from_secs(s.min(60)));
                    if status.as_u16() != 429 && !status.is_server_error() {
                        return Err(SendError::Refused {
                            status: status.as_u16(),
                        });
                    }
                    last = format!("HTTP {status}");
                    if let Some(wait) = retry_after {
                        backoff = backoff.max(wait);
                    }
                }
                Err(e) => last = e.without_url().to_string(),
            }
            if attempt < self.attempts {
                tracing::warn!(attempt, error = %last, "Graph API send failed; retrying");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(30));
            }
        }
        Err(SendError::GaveUp {
            attempts: self.attempts,
            last,
        })
    }
}
