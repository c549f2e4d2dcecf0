//! Replies through Meta's Graph API (`POST {base}/{phone_number_id}/messages`), the only way the Cloud
//! API channel answers. The base URL is configurable (tests point it at a local fake). One call is one
//! attempt: the reply sender ([`crate::cloud_replies`]) retries from the database, so a retry survives a
//! restart. What may pass (a network error, 429, a 5xx) is told apart from a refusal (another 4xx), and
//! Meta's id of the sent message is returned, so its delivery statuses can be matched to the reply.

use serde::Deserialize;
use serde_json::json;
use std::time::Duration;

#[derive(Clone)]
pub struct GraphClient {
    http: reqwest::Client,
    base_url: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("the Graph API refused the message: HTTP {status}")]
    Refused { status: u16 },
    /// Worth another attempt, not before `retry_after` when Meta said so (429 `Retry-After`).
    #[error("the Graph API did not take the message: {reason}")]
    Retryable {
        reason: String,
        retry_after: Option<Duration>,
    },
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
    /// A client for the configured Graph API (`graph_api_base_url`).
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
        }
    }

    /// Sends `text` to `to` (digits, country code first) from the number `phone_number_id`, once;
    /// returns Meta's id of the message (`wamid…`) when it gives one.
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
        let sent = self
            .http
            .post(&url)
            .bearer_auth(access_token)
            .json(&body)
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(e) => {
                return Err(SendError::Retryable {
                    reason: e.without_url().to_string(),
                    retry_after: None,
                });
            }
        };
        let status = response.status();
        if status.is_success() {
            let id = response
                .json::<Sent>()
                .await
                .ok()
                .and_then(|s| s.messages.into_iter().next())
                .map(|m| m.id);
            return Ok(id);
        }
        if status.as_u16() != 429 && !status.is_server_error() {
            return Err(SendError::Refused {
                status: status.as_u16(),
            });
        }
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(|s| Duration::from_secs(s.min(3600)));
        Err(SendError::Retryable {
            reason: format!("HTTP {status}"),
            retry_after,
        })
    }
}
