//! A channel's configuration: where it delivers and with which secrets. Stored as JSON in the
//! channel's row; checked before it is stored, so a delivery never meets a malformed one it could have
//! refused at the door. Secrets never print (Debug shows them as `***`).

use serde::{Deserialize, Serialize};
use std::fmt;

pub const TELEGRAM_API: &str = "https://api.telegram.org";

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ChannelConfig {
    /// A bot and the chats it writes to (a person, a group…).
    Telegram {
        bot_token: String,
        chat_ids: Vec<String>,
        /// The Bot API's base URL; tests point it at a local fake.
        #[serde(default = "telegram_api")]
        api_base: String,
    },
    /// A Discord channel's webhook URL (it holds the webhook's token).
    Discord { webhook_url: String },
    /// SMTP: `smtps://user:pass@host:465` (implicit TLS), `smtp://user:pass@host:587?tls=required`
    /// (STARTTLS) or `smtp://host:port` (plain, for a local relay or tests).
    Email {
        smtp_url: String,
        from: String,
        to: Vec<String>,
    },
    /// Any HTTP endpoint; every request is signed with HMAC-SHA256 over its timestamp and body.
    Webhook { url: String, secret: String },
}

fn telegram_api() -> String {
    TELEGRAM_API.to_string()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChannelKind {
    Telegram,
    Discord,
    Email,
    Webhook,
}

impl ChannelKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelKind::Telegram => "telegram",
            ChannelKind::Discord => "discord",
            ChannelKind::Email => "email",
            ChannelKind::Webhook => "webhook",
        }
    }

    pub fn parse(raw: &str) -> Option<ChannelKind> {
        [
            ChannelKind::Telegram,
            ChannelKind::Discord,
            ChannelKind::Email,
            ChannelKind::Webhook,
        ]
        .into_iter()
        .find(|k| k.as_str() == raw)
    }
}

/// Why a configuration was refused: one variant per mistake, so a page can say it in Spanish.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChannelError {
    #[error("the channel configuration is not valid JSON of a known kind: {reason}")]
    Malformed { reason: String },
    #[error("the channel needs at least one {what}")]
    Empty { what: &'static str },
    #[error("'{value}' is not a Telegram chat id (a number such as -1001234567890, or @channel)")]
    BadChatId { value: String },
    #[error("the {field} is not an http(s) URL")]
    BadUrl { field: &'static str },
    #[error("the SMTP URL must start with smtp:// or smtps:// and name a host")]
    BadSmtpUrl,
    #[error("'{value}' is not an email address")]
    BadAddress { value: String },
}

impl ChannelConfig {
    /// Reads a stored or typed configuration and checks it.
    pub fn parse(json: &str) -> Result<ChannelConfig, ChannelError> {
        let config: ChannelConfig =
            serde_json::from_str(json).map_err(|e| ChannelError::Malformed {
                // serde's message names the field, never its value.
                reason: e.to_string(),
            })?;
        config.check()?;
        Ok(config)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn kind(&self) -> ChannelKind {
        match self {
            ChannelConfig::Telegram { .. } => ChannelKind::Telegram,
            ChannelConfig::Discord { .. } => ChannelKind::Discord,
            ChannelConfig::Email { .. } => ChannelKind::Email,
            ChannelConfig::Webhook { .. } => ChannelKind::Webhook,
        }
    }

    /// Where one notification goes: each Telegram chat gets its own copy; other channels have one
    /// destination (the empty string).
    pub fn destinations(&self) -> Vec<String> {
        match self {
            ChannelConfig::Telegram { chat_ids, .. } => chat_ids.clone(),
            _ => vec![String::new()],
        }
    }

    /// What can be shown of it: everything but the secrets.
    pub fn public_summary(&self) -> String {
        match self {
            ChannelConfig::Telegram { chat_ids, .. } => format!("chats {}", chat_ids.join(", ")),
            ChannelConfig::Discord { .. } => "webhook de Discord".to_string(),
            ChannelConfig::Email { from, to, .. } => format!("{from} → {}", to.join(", ")),
            // Scheme and host only: integrations put tokens in the path (Slack's hooks/T…/B…/…)
            // as well as in the query, and the URL is write-only like the other secrets.
            ChannelConfig::Webhook { url, .. } => match url::Url::parse(url) {
                Ok(u) => {
                    let rest = if u.path().len() > 1 || u.query().is_some() {
                        "/…"
                    } else {
                        ""
                    };
                    format!(
                        "{}://{}{rest}",
                        u.scheme(),
                        u.host_str().unwrap_or_default()
                    )
                }
                Err(_) => "webhook".to_string(),
            },
        }
    }

    pub fn check(&self) -> Result<(), ChannelError> {
        match self {
            ChannelConfig::Telegram {
                bot_token,
                chat_ids,
                api_base,
            } => {
                if bot_token.trim().is_empty() {
                    return Err(ChannelError::Empty { what: "bot token" });
                }
                if chat_ids.is_empty() {
                    return Err(ChannelError::Empty { what: "chat id" });
                }
                for id in chat_ids {
                    if !is_chat_id(id) {
                        return Err(ChannelError::BadChatId { value: id.clone() });
                    }
                }
                http_url(api_base, "Telegram API URL")
            }
            ChannelConfig::Discord { webhook_url } => http_url(webhook_url, "Discord webhook URL"),
            ChannelConfig::Email { smtp_url, from, to } => {
                match url::Url::parse(smtp_url) {
                    Ok(u) if ["smtp", "smtps"].contains(&u.scheme()) && u.host_str().is_some() => {}
                    _ => return Err(ChannelError::BadSmtpUrl),
                }
                if to.is_empty() {
                    return Err(ChannelError::Empty { what: "recipient" });
                }
                for address in std::iter::once(from).chain(to) {
                    if address.parse::<lettre::message::Mailbox>().is_err() {
                        return Err(ChannelError::BadAddress {
                            value: address.clone(),
                        });
                    }
                }
                Ok(())
            }
            ChannelConfig::Webhook { url, secret } => {
                if secret.is_empty() {
                    return Err(ChannelError::Empty { what: "secret" });
                }
                http_url(url, "webhook URL")
            }
        }
    }

    /// The same configuration with a Telegram chat replaced (a group upgraded to a supergroup).
    pub fn with_chat_migrated(&self, from: &str, to: &str) -> ChannelConfig {
        let mut config = self.clone();
        if let ChannelConfig::Telegram { chat_ids, .. } = &mut config {
            for id in chat_ids.iter_mut().filter(|id| id.as_str() == from) {
                *id = to.to_string();
            }
            chat_ids.dedup();
        }
        config
    }
}

fn is_chat_id(id: &str) -> bool {
    let digits = id.strip_prefix('-').unwrap_or(id);
    let numeric = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
    let username = id.strip_prefix('@').is_some_and(|name| {
        name.len() >= 5 && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    });
    numeric || username
}

fn http_url(raw: &str, field: &'static str) -> Result<(), ChannelError> {
    match url::Url::parse(raw) {
        Ok(u) if ["http", "https"].contains(&u.scheme()) && u.host_str().is_some() => Ok(()),
        _ => Err(ChannelError::BadUrl { field }),
    }
}

impl fmt::Debug for ChannelConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({})", self.kind().as_str(), self.public_summary())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_configuration_round_trips_and_its_secrets_never_print() {
        let json = r#"{"kind":"telegram","bot_token":"123:SECRET","chat_ids":["42","-1001"]}"#;
        let config = ChannelConfig::parse(json).unwrap();
        assert_eq!(config.destinations(), ["42", "-1001"]);
        assert_eq!(ChannelConfig::parse(&config.to_json()).unwrap(), config);
        assert!(!format!("{config:?}").contains("SECRET"));
        let hook = ChannelConfig::Webhook {
            url: "https://hooks.example/in?token=SECRET".into(),
            secret: "SECRET".into(),
        };
        assert!(!format!("{hook:?}").contains("SECRET"));
    }

    #[test]
    fn bad_configurations_are_refused_with_what_is_wrong() {
        let refused = |json: &str| ChannelConfig::parse(json).unwrap_err();
        assert_eq!(
            refused(r#"{"kind":"telegram","bot_token":"t","chat_ids":["hola"]}"#),
            ChannelError::BadChatId {
                value: "hola".into()
            }
        );
        assert_eq!(
            refused(r#"{"kind":"telegram","bot_token":"t","chat_ids":[]}"#),
            ChannelError::Empty { what: "chat id" }
        );
        assert_eq!(
            refused(r#"{"kind":"discord","webhook_url":"ftp://x"}"#),
            ChannelError::BadUrl {
                field: "Discord webhook URL"
            }
        );
        assert_eq!(
            refused(r#"{"kind":"email","smtp_url":"smtp://mx","from":"a@b.mx","to":["nadie"]}"#),
            ChannelError::BadAddress {
                value: "nadie".into()
            }
        );
        assert!(matches!(
            refused(r#"{"kind":"pager","number":"1"}"#),
            ChannelError::Malformed { .. }
        ));
    }

    #[test]
    fn a_migrated_chat_is_replaced_in_place() {
        let config = ChannelConfig::Telegram {
            bot_token: "t".into(),
            chat_ids: vec!["42".into(), "-77".into()],
            api_base: TELEGRAM_API.into(),
        };
        assert_eq!(
            config.with_chat_migrated("-77", "-10077").destinations(),
            ["42", "-10077"]
        );
    }
}
