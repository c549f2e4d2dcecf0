//! A channel or a rule as an admin typed it on a form, checked field by field and turned into what is
//! stored — pure. Every refusal names the field it is about, so a page can say it next to that field.
//!
//! Secrets are write-only: a form never shows them, so an edit whose secret field is left empty keeps
//! the stored one (and a new channel must be given each). The secrets are the bot token, the Discord
//! webhook URL (it holds the webhook's token), the SMTP URL (it holds the password), the webhook's
//! URL (integrations put tokens in it) and its HMAC secret.

use crate::channel::{ChannelConfig, ChannelError, ChannelKind, TELEGRAM_API};
use credinet_core::events::EventKind;
use credinet_core::text::first_control_character;

/// The longest channel name (as the CLI allows).
pub const NAME_MAX: usize = 100;
/// The longest URL, token or secret accepted.
pub const SECRET_MAX: usize = 2_000;
/// The longest list (chat ids, recipients) as typed.
pub const LIST_MAX: usize = 2_000;
/// The most chats or recipients of one channel.
pub const ITEMS_MAX: usize = 20;
/// The longest address (RFC 5321's path limit).
pub const ADDRESS_MAX: usize = 254;
/// What of a refused value a message repeats.
const SHOWN_MAX: usize = 40;

/// The fields of the channel form, as typed. Fields of other kinds are ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChannelDraft {
    pub name: String,
    /// `telegram`, `discord`, `email` or `webhook`; only read for a new channel.
    pub kind: String,
    pub bot_token: String,
    /// Separated by commas, spaces or line breaks.
    pub chat_ids: String,
    pub webhook_url: String,
    pub smtp_url: String,
    pub from: String,
    /// Separated by commas, spaces or line breaks.
    pub to: String,
    pub url: String,
    pub secret: String,
}

/// A field of the channel or rule forms, by its `name` on the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftField {
    Name,
    Kind,
    BotToken,
    ChatIds,
    WebhookUrl,
    SmtpUrl,
    From,
    To,
    Url,
    Secret,
    EventKind,
    Channel,
}

impl DraftField {
    pub fn form_name(self) -> &'static str {
        match self {
            DraftField::Name => "name",
            DraftField::Kind => "kind",
            DraftField::BotToken => "bot_token",
            DraftField::ChatIds => "chat_ids",
            DraftField::WebhookUrl => "webhook_url",
            DraftField::SmtpUrl => "smtp_url",
            DraftField::From => "from",
            DraftField::To => "to",
            DraftField::Url => "url",
            DraftField::Secret => "secret",
            DraftField::EventKind => "event_kind",
            DraftField::Channel => "channel_id",
        }
    }

    /// Whether the field holds a secret: never shown, and left empty on an edit to keep it.
    pub fn is_secret(self) -> bool {
        matches!(
            self,
            DraftField::BotToken
                | DraftField::WebhookUrl
                | DraftField::SmtpUrl
                | DraftField::Url
                | DraftField::Secret
        )
    }
}

/// What is wrong with a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DraftProblem {
    Required,
    TooLong {
        max: usize,
    },
    /// A control character (a NUL…) at this position, counted in characters from 1.
    ControlCharacter {
        at: usize,
    },
    UnknownKind,
    /// Another of the tenant's channels has this name.
    NameTaken,
    TooMany {
        max: usize,
    },
    /// Not a chat id; the value, cut to a few characters.
    BadChatId {
        value: String,
    },
    BadUrl,
    BadSmtpUrl,
    BadAddress {
        value: String,
    },
    /// Not an event kind the service knows, nor `*`.
    UnknownEvent,
    /// Not one of the tenant's channels.
    UnknownChannel,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftRefusal {
    pub field: DraftField,
    pub problem: DraftProblem,
}

impl std::fmt::Display for DraftRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} refused: {:?}", self.field.form_name(), self.problem)
    }
}

fn refuse<T>(field: DraftField, problem: DraftProblem) -> Result<T, DraftRefusal> {
    Err(DraftRefusal { field, problem })
}

/// A typed field trimmed and checked: no control character, at most `max` characters.
fn typed(raw: &str, field: DraftField, max: usize) -> Result<String, DraftRefusal> {
    if let Some(at) = first_control_character(raw) {
        return refuse(field, DraftProblem::ControlCharacter { at });
    }
    let value = raw.trim();
    if value.chars().count() > max {
        return refuse(field, DraftProblem::TooLong { max });
    }
    Ok(value.to_string())
}

fn required(raw: &str, field: DraftField, max: usize) -> Result<String, DraftRefusal> {
    let value = typed(raw, field, max)?;
    if value.is_empty() {
        return refuse(field, DraftProblem::Required);
    }
    Ok(value)
}

/// A secret: what was typed, or on an edit left empty, the stored one.
fn secret(raw: &str, field: DraftField, kept: Option<&str>) -> Result<String, DraftRefusal> {
    let value = typed(raw, field, SECRET_MAX)?;
    match (value.is_empty(), kept) {
        (false, _) => Ok(value),
        (true, Some(kept)) => Ok(kept.to_string()),
        (true, None) => refuse(field, DraftProblem::Required),
    }
}

/// A list typed with commas, spaces or line breaks between its items.
fn list(raw: &str, field: DraftField) -> Result<Vec<String>, DraftRefusal> {
    let value = required(raw, field, LIST_MAX)?;
    let items: Vec<String> = value
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    if items.len() > ITEMS_MAX {
        return refuse(field, DraftProblem::TooMany { max: ITEMS_MAX });
    }
    let mut unique = Vec::new();
    for item in items {
        if !unique.contains(&item) {
            unique.push(item);
        }
    }
    Ok(unique)
}

fn shown(value: &str) -> String {
    let mut cut: String = value.chars().take(SHOWN_MAX).collect();
    if value.chars().count() > SHOWN_MAX {
        cut.push('…');
    }
    cut
}

/// The name and configuration a channel form describes. `existing` is the stored configuration when
/// the form edits a channel: its kind is kept, and so is each secret left empty. `taken` says whether
/// another of the owner's channels has a name.
pub fn plan_channel(
    draft: &ChannelDraft,
    existing: Option<&ChannelConfig>,
    taken: impl Fn(&str) -> bool,
) -> Result<(String, ChannelConfig), DraftRefusal> {
    let name = required(&draft.name, DraftField::Name, NAME_MAX)?;
    if taken(&name) {
        return refuse(DraftField::Name, DraftProblem::NameTaken);
    }
    let kind = match existing {
        Some(config) => config.kind(),
        None => ChannelKind::parse(draft.kind.trim())
            .map_or_else(|| refuse(DraftField::Kind, DraftProblem::UnknownKind), Ok)?,
    };
    let config = match kind {
        ChannelKind::Telegram => {
            let (kept_token, api_base) = match existing {
                Some(ChannelConfig::Telegram {
                    bot_token,
                    api_base,
                    ..
                }) => (Some(bot_token.as_str()), api_base.clone()),
                _ => (None, TELEGRAM_API.to_string()),
            };
            ChannelConfig::Telegram {
                bot_token: secret(&draft.bot_token, DraftField::BotToken, kept_token)?,
                chat_ids: list(&draft.chat_ids, DraftField::ChatIds)?,
                api_base,
            }
        }
        ChannelKind::Discord => {
            let kept = match existing {
                Some(ChannelConfig::Discord { webhook_url }) => Some(webhook_url.as_str()),
                _ => None,
            };
            ChannelConfig::Discord {
                webhook_url: secret(&draft.webhook_url, DraftField::WebhookUrl, kept)?,
            }
        }
        ChannelKind::Email => {
            let kept = match existing {
                Some(ChannelConfig::Email { smtp_url, .. }) => Some(smtp_url.as_str()),
                _ => None,
            };
            ChannelConfig::Email {
                smtp_url: secret(&draft.smtp_url, DraftField::SmtpUrl, kept)?,
                from: required(&draft.from, DraftField::From, ADDRESS_MAX)?,
                to: list(&draft.to, DraftField::To)?,
            }
        }
        ChannelKind::Webhook => {
            let (kept_url, kept_secret) = match existing {
                Some(ChannelConfig::Webhook { url, secret }) => {
                    (Some(url.as_str()), Some(secret.as_str()))
                }
                _ => (None, None),
            };
            ChannelConfig::Webhook {
                url: secret(&draft.url, DraftField::Url, kept_url)?,
                secret: secret(&draft.secret, DraftField::Secret, kept_secret)?,
            }
        }
    };
    config.check().map_err(|e| on_field(e, &config))?;
    Ok((name, config))
}

/// The form field a configuration's refusal is about.
fn on_field(error: ChannelError, config: &ChannelConfig) -> DraftRefusal {
    let (field, problem) = match error {
        ChannelError::BadChatId { value } => (
            DraftField::ChatIds,
            DraftProblem::BadChatId {
                value: shown(&value),
            },
        ),
        ChannelError::BadUrl { .. } => (
            match config.kind() {
                ChannelKind::Discord => DraftField::WebhookUrl,
                // The Telegram API base is not on the form; a stored one that no longer reads is
                // the only way here, and the token is what an admin can retype.
                ChannelKind::Telegram => DraftField::BotToken,
                _ => DraftField::Url,
            },
            DraftProblem::BadUrl,
        ),
        ChannelError::BadSmtpUrl => (DraftField::SmtpUrl, DraftProblem::BadSmtpUrl),
        ChannelError::BadAddress { value } => {
            let field = match config {
                ChannelConfig::Email { from, .. } if *from == value => DraftField::From,
                _ => DraftField::To,
            };
            (
                field,
                DraftProblem::BadAddress {
                    value: shown(&value),
                },
            )
        }
        ChannelError::Empty { what } => (
            match what {
                "bot token" => DraftField::BotToken,
                "chat id" => DraftField::ChatIds,
                "recipient" => DraftField::To,
                _ => DraftField::Secret,
            },
            DraftProblem::Required,
        ),
        ChannelError::Malformed { .. } => (DraftField::Kind, DraftProblem::UnknownKind),
    };
    DraftRefusal { field, problem }
}

/// The event kind a rule form names: one the service emits, or `*` for every kind.
pub fn plan_event_kind(raw: &str) -> Result<String, DraftRefusal> {
    let value = required(raw, DraftField::EventKind, 60)?;
    if value == "*" || event_kinds().any(|k| k == value) {
        Ok(value)
    } else {
        refuse(DraftField::EventKind, DraftProblem::UnknownEvent)
    }
}

/// Event kinds a tenant's rule may name: the domain's events (the installation's own — `error_500`,
/// `service_down`… — go to the installation's channels, not a tenant's).
pub fn event_kinds() -> impl Iterator<Item = &'static str> {
    EventKind::ALL.into_iter().map(EventKind::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn free(_: &str) -> bool {
        false
    }

    fn telegram(chat_ids: &str) -> ChannelDraft {
        ChannelDraft {
            name: "Cobranza".into(),
            kind: "telegram".into(),
            bot_token: "123:ABC".into(),
            chat_ids: chat_ids.into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_new_telegram_channel_reads_its_chats_from_a_typed_list() {
        let (name, config) =
            plan_channel(&telegram("42, -1001234\n@caja_este 42"), None, free).unwrap();
        assert_eq!(name, "Cobranza");
        assert_eq!(config.destinations(), ["42", "-1001234", "@caja_este"]);
    }

    #[test]
    fn each_bad_field_is_refused_on_that_field() {
        let refused = |draft: &ChannelDraft| plan_channel(draft, None, free).unwrap_err();
        assert_eq!(
            refused(&telegram("hola")),
            DraftRefusal {
                field: DraftField::ChatIds,
                problem: DraftProblem::BadChatId {
                    value: "hola".into()
                }
            }
        );
        let nul = ChannelDraft {
            name: "Caja\u{0}".into(),
            ..telegram("42")
        };
        assert_eq!(
            refused(&nul),
            DraftRefusal {
                field: DraftField::Name,
                problem: DraftProblem::ControlCharacter { at: 5 }
            }
        );
        let huge = ChannelDraft {
            name: "x".repeat(100_000),
            ..telegram("42")
        };
        assert_eq!(
            refused(&huge).problem,
            DraftProblem::TooLong { max: NAME_MAX }
        );
        let hook = ChannelDraft {
            name: "ERP".into(),
            kind: "webhook".into(),
            url: "ftp://erp.example/in".into(),
            secret: "s".into(),
            ..Default::default()
        };
        assert_eq!(refused(&hook).field, DraftField::Url);
        let no_secret = ChannelDraft {
            url: "https://erp.example/in".into(),
            secret: String::new(),
            ..hook
        };
        assert_eq!(
            refused(&no_secret),
            DraftRefusal {
                field: DraftField::Secret,
                problem: DraftProblem::Required
            }
        );
        let mail = ChannelDraft {
            name: "Correo".into(),
            kind: "email".into(),
            smtp_url: "smtp://mx.example:25".into(),
            from: "avisos@caja.mx".into(),
            to: "ana@caja.mx, nadie".into(),
            ..Default::default()
        };
        assert_eq!(
            refused(&mail),
            DraftRefusal {
                field: DraftField::To,
                problem: DraftProblem::BadAddress {
                    value: "nadie".into()
                }
            }
        );
        let pager = ChannelDraft {
            kind: "pager".into(),
            ..telegram("42")
        };
        assert_eq!(refused(&pager).field, DraftField::Kind);
        assert_eq!(
            plan_channel(&telegram("42"), None, |n| n == "Cobranza")
                .unwrap_err()
                .problem,
            DraftProblem::NameTaken
        );
        let many = (1..=21)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(",");
        assert_eq!(
            refused(&telegram(&many)).problem,
            DraftProblem::TooMany { max: ITEMS_MAX }
        );
    }

    #[test]
    fn an_edit_keeps_the_kind_and_every_secret_left_empty() {
        let stored = ChannelConfig::Webhook {
            url: "https://erp.example/in?token=T".into(),
            secret: "S".into(),
        };
        let edit = ChannelDraft {
            name: "ERP".into(),
            kind: "telegram".into(),
            ..Default::default()
        };
        let (_, kept) = plan_channel(&edit, Some(&stored), free).unwrap();
        assert_eq!(kept, stored);
        let new_secret = ChannelDraft {
            secret: "S2".into(),
            ..edit
        };
        let (_, changed) = plan_channel(&new_secret, Some(&stored), free).unwrap();
        assert_eq!(
            changed,
            ChannelConfig::Webhook {
                url: "https://erp.example/in?token=T".into(),
                secret: "S2".into()
            }
        );
    }

    #[test]
    fn a_rule_names_a_known_event_or_every_one() {
        assert_eq!(
            plan_event_kind(" payment_registered ").unwrap(),
            "payment_registered"
        );
        assert_eq!(plan_event_kind("*").unwrap(), "*");
        assert_eq!(
            plan_event_kind("pago").unwrap_err().problem,
            DraftProblem::UnknownEvent
        );
        assert_eq!(
            plan_event_kind("").unwrap_err().problem,
            DraftProblem::Required
        );
    }
}
