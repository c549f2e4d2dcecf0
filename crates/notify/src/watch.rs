//! `credinet watch`: a check of `/readyz` from another host (a systemd timer or cron runs it every
//! minute) that notifies once when the service goes down and once when it comes back. What it last
//! saw is kept in a small state file, so a run — a new process each time — knows whether the news is
//! new, and a restarted watcher does not announce again what it already announced.

use crate::channel::ChannelConfig;
use crate::send::{self, Outgoing, SendError};
use crate::templates::Notice;
use crate::{ChannelKind, render};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// What the watcher believes, saved between runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchState {
    pub up: bool,
    /// Since when it has been as `up` says.
    pub since: DateTime<Utc>,
    /// Failed checks in a row (while up: not yet enough to call it down).
    pub failures: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transition {
    WentDown { reason: String },
    Recovered { down_since: DateTime<Utc> },
}

/// The next state after one check — pure. The service is declared down after `threshold` failed
/// checks in a row (1: at the first), and up again at the first good one. A first run with no state
/// takes a good check as the normal case (nothing to announce) and a failure as news.
pub fn next(
    state: Option<&WatchState>,
    check: Result<(), String>,
    now: DateTime<Utc>,
    threshold: u32,
) -> (WatchState, Option<Transition>) {
    let state = state.cloned().unwrap_or(WatchState {
        up: true,
        since: now,
        failures: 0,
    });
    match (state.up, check) {
        (true, Ok(())) => (
            WatchState {
                failures: 0,
                ..state
            },
            None,
        ),
        (true, Err(reason)) => {
            let failures = state.failures + 1;
            if failures >= threshold.max(1) {
                (
                    WatchState {
                        up: false,
                        since: now,
                        failures,
                    },
                    Some(Transition::WentDown { reason }),
                )
            } else {
                (WatchState { failures, ..state }, None)
            }
        }
        (false, Err(_)) => (
            WatchState {
                failures: state.failures + 1,
                ..state
            },
            None,
        ),
        (false, Ok(())) => (
            WatchState {
                up: true,
                since: now,
                failures: 0,
            },
            Some(Transition::Recovered {
                down_since: state.since,
            }),
        ),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error("cannot read the watch state {path}: {reason}")]
    ReadState { path: String, reason: String },
    #[error("cannot write the watch state {path}: {reason}")]
    WriteState { path: String, reason: String },
}

pub fn load(path: &Path) -> Result<Option<WatchState>, WatchError> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| WatchError::ReadState {
                path: path.display().to_string(),
                reason: e.to_string(),
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(WatchError::ReadState {
            path: path.display().to_string(),
            reason: e.to_string(),
        }),
    }
}

/// Saves through a temporary file and a rename, so a watcher killed while saving leaves the old
/// state or the new one, never half of one.
pub fn save(path: &Path, state: &WatchState) -> Result<(), WatchError> {
    let failed = |e: std::io::Error| WatchError::WriteState {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(failed)?;
    }
    let tmp = path.with_extension("tmp");
    let json = serde_json::to_string_pretty(state).unwrap_or_default();
    std::fs::write(&tmp, json).map_err(failed)?;
    std::fs::rename(&tmp, path).map_err(failed)
}

/// One GET of `url`: Ok for a 2xx answer, the reason otherwise.
pub async fn check(http: &reqwest::Client, url: &str) -> Result<(), String> {
    match http.get(url).send().await {
        Ok(r) if r.status().is_success() => Ok(()),
        Ok(r) => Err(format!("HTTP {}", r.status().as_u16())),
        Err(e) => Err(e.without_url().to_string()),
    }
}

/// The Spanish notice of a transition.
pub fn notice(url: &str, transition: &Transition, now: DateTime<Utc>) -> Notice {
    match transition {
        Transition::WentDown { reason } => Notice {
            title: crate::templates::title("service_down"),
            lines: vec![
                format!("URL: {url}"),
                format!("Error: {reason}"),
                format!("Desde: {}", now.format("%Y-%m-%d %H:%M UTC")),
            ],
        },
        Transition::Recovered { down_since } => {
            let minutes = (now - *down_since).num_minutes().max(0);
            Notice {
                title: crate::templates::title("service_recovered"),
                lines: vec![
                    format!("URL: {url}"),
                    format!(
                        "Estuvo caído {minutes} min (desde {})",
                        down_since.format("%Y-%m-%d %H:%M UTC")
                    ),
                ],
            }
        }
    }
}

/// Sends a notice straight to each channel (the watcher may run where the database is out of reach);
/// returns each channel's result.
pub async fn announce(
    http: &reqwest::Client,
    channels: &[ChannelConfig],
    notice: &Notice,
    kind: &str,
    timeout: std::time::Duration,
    now: DateTime<Utc>,
) -> Vec<(ChannelKind, Result<(), SendError>)> {
    let mut results = Vec::new();
    for channel in channels {
        let (subject, parts) = match channel.kind() {
            ChannelKind::Telegram => (None, render::telegram(notice)),
            ChannelKind::Discord => (None, render::discord(notice)),
            ChannelKind::Email => {
                let (s, b) = render::email(notice);
                (Some(s), vec![b])
            }
            ChannelKind::Webhook => (None, vec![render::webhook(notice, kind, 1, None)]),
        };
        let mut result = Ok(());
        'destinations: for destination in channel.destinations() {
            for body in &parts {
                let outgoing = Outgoing {
                    id: now.timestamp(),
                    destination: &destination,
                    subject: subject.as_deref(),
                    body,
                };
                if let Err(e) = send::send(http, channel, &outgoing, timeout, now).await {
                    result = Err(e);
                    break 'destinations;
                }
            }
        }
        results.push((channel.kind(), result));
    }
    results
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    #[test]
    fn down_once_then_quiet_then_up_once() {
        let t0 = Utc.with_ymd_and_hms(2026, 12, 3, 12, 0, 0).unwrap();
        let (s, news) = next(None, Ok(()), t0, 1);
        assert_eq!(news, None);
        let (s, news) = next(
            Some(&s),
            Err("HTTP 503".into()),
            t0 + Duration::minutes(1),
            1,
        );
        assert_eq!(
            news,
            Some(Transition::WentDown {
                reason: "HTTP 503".into()
            })
        );
        let (s, news) = next(
            Some(&s),
            Err("HTTP 503".into()),
            t0 + Duration::minutes(2),
            1,
        );
        assert_eq!(news, None, "still down: nothing new");
        let (s, news) = next(Some(&s), Ok(()), t0 + Duration::minutes(5), 1);
        assert_eq!(
            news,
            Some(Transition::Recovered {
                down_since: t0 + Duration::minutes(1)
            })
        );
        assert!(s.up);
    }

    #[test]
    fn a_threshold_ignores_a_single_blip() {
        let t0 = Utc.with_ymd_and_hms(2026, 12, 3, 12, 0, 0).unwrap();
        let (s, news) = next(None, Err("timeout".into()), t0, 2);
        assert_eq!(news, None);
        let (s, news) = next(Some(&s), Ok(()), t0, 2);
        assert_eq!((news, s.failures), (None, 0));
        let (s, _) = next(Some(&s), Err("timeout".into()), t0, 2);
        let (_, news) = next(Some(&s), Err("timeout".into()), t0, 2);
        assert!(matches!(news, Some(Transition::WentDown { .. })));
    }
}
