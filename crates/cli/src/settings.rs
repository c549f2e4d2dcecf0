//! The configuration, in layers: defaults < `credinet.toml` < environment (`CREDINET_*`, `DATABASE_URL`,
//! and a `.env` file) < command-line flags ([`Overrides`]). The file and the environment are flat (one
//! key each, as the README lists them); [`Settings`] hands each component its own part, the way the
//! components are built (ADR 4).

use credinet_accounts::AccountSettings;
use credinet_assistant::AssistantSettings;
use credinet_notify::NotifySettings;
use credinet_ops::SchedulerSettings;
use credinet_ops::backup::{BackupSettings, OffsiteSettings, Retention};
use credinet_store::StoreSettings;
use credinet_web::HttpSettings;
use credinet_web::settings::SecretKey;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::Path;

/// Everything the binary configures, by component.
#[derive(Debug, Clone)]
pub struct Settings {
    pub store: StoreSettings,
    pub http: HttpSettings,
    pub accounts: AccountSettings,
    pub assistant: AssistantSettings,
    pub notify: NotifySettings,
    pub scheduler: SchedulerSettings,
    pub backup: BackupSettings,
    /// `tracing` filter, e.g. `info` or `credinet=debug,info`.
    pub log: String,
}

/// Informational logs, but not sqlx's: on PostgreSQL it logs the server's notices at INFO, e.g.
/// `relation "schema_migration" already exists, skipping` on every command.
const DEFAULT_LOG: &str = "info,sqlx=warn";

/// The keys as written in `credinet.toml` and the environment. Unknown keys are errors, not silence.
#[derive(Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Flat {
    database_url: String,
    migrate_on_start: bool,
    sqlite_wal_limit_mib: u64,
    bind: SocketAddr,
    public_url: Option<String>,
    trust_proxy: bool,
    request_timeout_seconds: u64,
    body_limit_bytes: usize,
    header_read_timeout_seconds: u64,
    max_connections: usize,
    sign_in_per_minute_per_ip: u32,
    sign_in_per_minute_per_account: u32,
    refused_keys_per_minute_per_ip: u32,
    secret_key: Option<SecretKey>,
    metrics_token: Option<SecretKey>,
    graph_api_base_url: String,
    graph_api_max_attempts: u32,
    graph_api_backoff_ms: u64,
    operator_tenant: Option<String>,
    assistant_session_idle_minutes: u32,
    assistant_verification_max_failures: u32,
    assistant_verification_lock_minutes: u32,
    assistant_handoff_hours: u32,
    default_time_zone: String,
    session_idle_minutes: u32,
    session_max_days: u32,
    lockout_max_failures: u32,
    lockout_window_minutes: u32,
    notify_enabled: bool,
    notify_group_wait_seconds: u64,
    notify_group_interval_seconds: u64,
    notify_repeat_interval_seconds: u64,
    notify_max_attempts: i32,
    notify_backoff_base_seconds: u64,
    notify_backoff_cap_seconds: u64,
    notify_lease_seconds: u64,
    notify_batch: u64,
    notify_telegram_chat_interval_ms: u64,
    notify_poll_interval_ms: u64,
    notify_send_timeout_seconds: u64,
    notify_webhook_lanes: u64,
    scheduler_enabled: bool,
    scheduler_tick_seconds: u64,
    cut_time: String,
    cut_grace_hours: u32,
    session_expiry_schedule: String,
    backup_dir: String,
    backup_keep_days: u32,
    backup_keep_weekly: u32,
    backup_keep_monthly: u32,
    backup_remote: Option<String>,
    rclone_config: Option<String>,
    backup_schedule: String,
    offsite_sync_schedule: String,
    log: String,
}

impl Default for Flat {
    fn default() -> Self {
        let (store, http, accounts, assistant, notify, scheduler, backup) = (
            StoreSettings::default(),
            HttpSettings::default(),
            AccountSettings::default(),
            AssistantSettings::default(),
            NotifySettings::default(),
            SchedulerSettings::default(),
            BackupSettings::default(),
        );
        Flat {
            database_url: store.database_url,
            migrate_on_start: store.migrate_on_start,
            sqlite_wal_limit_mib: store.sqlite_wal_limit_mib,
            bind: http.bind,
            public_url: http.public_url,
            trust_proxy: http.trust_proxy,
            request_timeout_seconds: http.request_timeout_seconds,
            body_limit_bytes: http.body_limit_bytes,
            header_read_timeout_seconds: http.header_read_timeout_seconds,
            max_connections: http.max_connections,
            sign_in_per_minute_per_ip: http.sign_in_per_minute_per_ip,
            sign_in_per_minute_per_account: http.sign_in_per_minute_per_account,
            refused_keys_per_minute_per_ip: http.refused_keys_per_minute_per_ip,
            secret_key: http.secret_key,
            metrics_token: http.metrics_token,
            graph_api_base_url: http.graph_api_base_url,
            graph_api_max_attempts: http.graph_api_max_attempts,
            graph_api_backoff_ms: http.graph_api_backoff_ms,
            operator_tenant: http.operator_tenant,
            assistant_session_idle_minutes: assistant.session_idle_minutes,
            assistant_verification_max_failures: assistant.verification_max_failures,
            assistant_verification_lock_minutes: assistant.verification_lock_minutes,
            assistant_handoff_hours: assistant.handoff_hours,
            default_time_zone: accounts.default_time_zone,
            session_idle_minutes: accounts.session_idle_minutes,
            session_max_days: accounts.session_max_days,
            lockout_max_failures: accounts.lockout_max_failures,
            lockout_window_minutes: accounts.lockout_window_minutes,
            notify_enabled: notify.enabled,
            notify_group_wait_seconds: notify.group_wait_secs,
            notify_group_interval_seconds: notify.group_interval_secs,
            notify_repeat_interval_seconds: notify.repeat_interval_secs,
            notify_max_attempts: notify.max_attempts,
            notify_backoff_base_seconds: notify.backoff_base_secs,
            notify_backoff_cap_seconds: notify.backoff_cap_secs,
            notify_lease_seconds: notify.lease_secs,
            notify_batch: notify.batch,
            notify_telegram_chat_interval_ms: notify.telegram_chat_interval_ms,
            notify_poll_interval_ms: notify.poll_interval_ms,
            notify_send_timeout_seconds: notify.send_timeout_secs,
            notify_webhook_lanes: notify.webhook_lanes,
            scheduler_enabled: scheduler.enabled,
            scheduler_tick_seconds: scheduler.tick_seconds,
            cut_time: scheduler.cut_time,
            cut_grace_hours: scheduler.cut_grace_hours,
            session_expiry_schedule: scheduler.session_expiry_schedule,
            backup_dir: backup.dir.display().to_string(),
            backup_keep_days: backup.retention.days,
            backup_keep_weekly: backup.retention.weekly,
            backup_keep_monthly: backup.retention.monthly,
            backup_remote: None,
            rclone_config: None,
            backup_schedule: scheduler.backup_schedule,
            offsite_sync_schedule: scheduler.offsite_sync_schedule,
            log: DEFAULT_LOG.into(),
        }
    }
}

impl From<Flat> for Settings {
    fn from(f: Flat) -> Settings {
        Settings {
            store: StoreSettings {
                database_url: f.database_url,
                migrate_on_start: f.migrate_on_start,
                sqlite_wal_limit_mib: f.sqlite_wal_limit_mib,
            },
            http: HttpSettings {
                bind: f.bind,
                public_url: f.public_url,
                trust_proxy: f.trust_proxy,
                request_timeout_seconds: f.request_timeout_seconds,
                body_limit_bytes: f.body_limit_bytes,
                header_read_timeout_seconds: f.header_read_timeout_seconds,
                max_connections: f.max_connections,
                sign_in_per_minute_per_ip: f.sign_in_per_minute_per_ip,
                sign_in_per_minute_per_account: f.sign_in_per_minute_per_account,
                refused_keys_per_minute_per_ip: f.refused_keys_per_minute_per_ip,
                secret_key: f.secret_key,
                metrics_token: f.metrics_token,
                graph_api_base_url: f.graph_api_base_url,
                graph_api_max_attempts: f.graph_api_max_attempts,
                graph_api_backoff_ms: f.graph_api_backoff_ms,
                operator_tenant: f.operator_tenant.filter(|t| !t.trim().is_empty()),
            },
            assistant: AssistantSettings {
                session_idle_minutes: f.assistant_session_idle_minutes,
                verification_max_failures: f.assistant_verification_max_failures,
                verification_lock_minutes: f.assistant_verification_lock_minutes,
                handoff_hours: f.assistant_handoff_hours,
            },
            accounts: AccountSettings {
                default_time_zone: f.default_time_zone,
                session_idle_minutes: f.session_idle_minutes,
                session_max_days: f.session_max_days,
                lockout_max_failures: f.lockout_max_failures,
                lockout_window_minutes: f.lockout_window_minutes,
            },
            notify: NotifySettings {
                enabled: f.notify_enabled,
                group_wait_secs: f.notify_group_wait_seconds,
                group_interval_secs: f.notify_group_interval_seconds,
                repeat_interval_secs: f.notify_repeat_interval_seconds,
                max_attempts: f.notify_max_attempts,
                backoff_base_secs: f.notify_backoff_base_seconds,
                backoff_cap_secs: f.notify_backoff_cap_seconds,
                lease_secs: f.notify_lease_seconds,
                batch: f.notify_batch,
                telegram_chat_interval_ms: f.notify_telegram_chat_interval_ms,
                poll_interval_ms: f.notify_poll_interval_ms,
                send_timeout_secs: f.notify_send_timeout_seconds,
                webhook_lanes: f.notify_webhook_lanes,
            },
            scheduler: SchedulerSettings {
                enabled: f.scheduler_enabled,
                tick_seconds: f.scheduler_tick_seconds,
                cut_time: f.cut_time,
                cut_grace_hours: f.cut_grace_hours,
                session_expiry_schedule: f.session_expiry_schedule,
                backup_schedule: f.backup_schedule,
                offsite_sync_schedule: f.offsite_sync_schedule,
            },
            backup: BackupSettings {
                dir: f.backup_dir.into(),
                // Checked by `validate` (a zero is refused there, by name).
                retention: Retention {
                    days: f.backup_keep_days,
                    weekly: f.backup_keep_weekly,
                    monthly: f.backup_keep_monthly,
                },
                offsite: OffsiteSettings {
                    remote: f.backup_remote.filter(|r| !r.trim().is_empty()),
                    rclone_config: f.rclone_config.map(Into::into),
                },
            },
            log: f.log,
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {0}")]
pub struct SettingsError(String);

/// Values given on the command line; `None` leaves the layer below in force.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub database_url: Option<String>,
    pub bind: Option<SocketAddr>,
    pub migrate_on_start: Option<bool>,
}

impl Settings {
    /// Reads the layers. `file` is the TOML file to read (default `credinet.toml` when it exists).
    pub fn load(file: Option<&Path>, overrides: Overrides) -> Result<Settings, SettingsError> {
        let mut figment = Figment::from(Serialized::defaults(Flat::default()));
        match file {
            Some(path) if !path.exists() => {
                return Err(SettingsError(format!(
                    "config file {} does not exist",
                    path.display()
                )));
            }
            Some(path) => figment = figment.merge(Toml::file_exact(path)),
            None => figment = figment.merge(Toml::file("credinet.toml")),
        }
        let figment = figment
            .merge(Env::prefixed("CREDINET_").ignore(&[
                "ENV",
                "TEST_POSTGRES_URL",
                "TEST_MYSQL_URL",
                // Read by the commands themselves (clap), not settings.
                "DEMO_PASSWORD",
                "NEW_PASSWORD",
                "CONFIRM",
                "RELEASE_ROOT",
                "RELEASE_KEEP",
                "RELEASE_READYZ_URL",
                "RELEASE_READY_TIMEOUT_SECONDS",
                "RELEASE_ROLLBACK_READY_TIMEOUT_SECONDS",
                "RELEASE_STOP_COMMAND",
                "RELEASE_START_COMMAND",
                // Read by `open` (debug builds only), not a setting of the file.
                "CLOCK_START",
            ]))
            .merge(Env::raw().only(&["DATABASE_URL"]));
        let flat: Flat = figment
            .extract()
            .map_err(|e| SettingsError(first_line(&e.to_string())))?;
        let mut settings = Settings::from(flat);
        if let Some(url) = overrides.database_url {
            settings.store.database_url = url;
        }
        if let Some(bind) = overrides.bind {
            settings.http.bind = bind;
        }
        if let Some(flag) = overrides.migrate_on_start {
            settings.store.migrate_on_start = flag;
        }
        settings.validate()?;
        Ok(settings)
    }

    /// Checks what the types cannot, component by component.
    pub fn validate(&self) -> Result<(), SettingsError> {
        let invalid = |e: &dyn std::fmt::Display| SettingsError(e.to_string());
        self.store.validate().map_err(|e| invalid(&e))?;
        self.accounts.validate().map_err(|e| invalid(&e))?;
        self.http.validate().map_err(|e| invalid(&e))?;
        self.assistant.validate().map_err(|e| invalid(&e))?;
        self.scheduler.validate().map_err(|e| invalid(&e))?;
        let r = self.backup.retention;
        Retention::new(r.days, r.weekly, r.monthly)
            .map_err(|e| SettingsError(format!("backup_keep_days: {e}")))?;
        if self.backup.dir.as_os_str().is_empty() {
            return Err(SettingsError(
                "backup_dir is empty: name the directory for backups".into(),
            ));
        }
        Ok(())
    }
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or_default().to_string()
}

/// Loads `.env` from the working directory into the environment, when the file exists.
pub fn load_dotenv() -> Result<(), String> {
    match dotenvy::dotenv() {
        Ok(_) => Ok(()),
        Err(e) if e.not_found() => Ok(()),
        Err(e) => Err(format!("cannot read .env: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_no_configuration_it_runs_on_sqlite() {
        let settings = Settings::from(Flat::default());
        assert!(settings.store.database_url.starts_with("sqlite://"));
        settings.validate().unwrap();
    }

    #[test]
    fn flags_override_the_file_and_the_environment() {
        let dir = std::env::temp_dir().join(format!("credinet-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("credinet.toml");
        std::fs::write(
            &file,
            "bind = \"127.0.0.1:9000\"\nlockout_max_failures = 3\n",
        )
        .unwrap();
        let overrides = Overrides {
            bind: Some("127.0.0.1:9100".parse().unwrap()),
            ..Default::default()
        };
        let settings = Settings::load(Some(&file), overrides).unwrap();
        assert_eq!(settings.http.bind.port(), 9100);
        assert_eq!(settings.accounts.lockout_max_failures, 3);
    }

    #[test]
    fn an_unknown_key_in_the_file_is_an_error_not_silence() {
        let dir = std::env::temp_dir().join(format!("credinet-config-bad-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("credinet.toml");
        std::fs::write(&file, "bnid = \"127.0.0.1:9000\"\n").unwrap();
        let err = Settings::load(Some(&file), Overrides::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains("bnid"), "{err}");
    }

    #[test]
    fn a_short_secret_key_is_refused_and_no_secret_key_ever_prints() {
        let mut settings = Settings::from(Flat::default());
        settings.http.secret_key = Some(SecretKey::new("corto"));
        let err = settings.validate().unwrap_err().to_string();
        assert!(
            err.contains("secret_key") && !err.contains("corto"),
            "{err}"
        );
        let long = "una frase secreta de más de treinta y dos caracteres";
        settings.http.secret_key = Some(SecretKey::new(long));
        settings.validate().unwrap();
        assert!(!format!("{settings:?}").contains(long), "{settings:?}");
    }

    #[test]
    fn a_schedule_without_its_zone_is_refused_by_name() {
        let mut settings = Settings::from(Flat::default());
        settings.scheduler.session_expiry_schedule = "*/15 * * * *".into();
        let err = settings.validate().unwrap_err().to_string();
        assert!(err.contains("session_expiry_schedule"), "{err}");
        assert!(err.contains("names no time zone"), "{err}");
    }

    #[test]
    fn the_assistant_and_graph_api_keys_of_the_file_reach_their_components() {
        let dir = std::env::temp_dir().join(format!("credinet-config-bot-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("credinet.toml");
        std::fs::write(
            &file,
            "assistant_session_idle_minutes = 45\nassistant_verification_max_failures = 5\n\
             assistant_verification_lock_minutes = 60\nassistant_handoff_hours = 2\n\
             graph_api_base_url = \"http://127.0.0.1:9999/v21.0\"\ngraph_api_max_attempts = 3\n\
             graph_api_backoff_ms = 500\n",
        )
        .unwrap();
        let settings = Settings::load(Some(&file), Overrides::default()).unwrap();
        let bot = &settings.assistant;
        assert_eq!(
            (
                bot.session_idle_minutes,
                bot.verification_max_failures,
                bot.verification_lock_minutes,
                bot.handoff_hours
            ),
            (45, 5, 60, 2)
        );
        assert_eq!(
            settings.http.graph_api_base_url,
            "http://127.0.0.1:9999/v21.0"
        );
        assert_eq!(
            (
                settings.http.graph_api_max_attempts,
                settings.http.graph_api_backoff_ms
            ),
            (3, 500)
        );
        let defaults = Settings::from(Flat::default());
        assert_eq!(
            defaults.assistant.session_idle_minutes, 30,
            "SPEC §5: 30 minutes"
        );
    }

    #[test]
    fn a_zero_assistant_setting_or_a_graph_url_that_is_not_http_is_refused_by_name() {
        let mut settings = Settings::from(Flat::default());
        settings.assistant.verification_max_failures = 0;
        let err = settings.validate().unwrap_err().to_string();
        assert!(err.contains("assistant_verification_max_failures"), "{err}");
        let mut settings = Settings::from(Flat::default());
        settings.http.graph_api_base_url = "graph.facebook.com".into();
        let err = settings.validate().unwrap_err().to_string();
        assert!(err.contains("graph_api_base_url"), "{err}");
    }

    #[test]
    fn a_zero_lockout_is_refused_by_name() {
        let mut settings = Settings::from(Flat::default());
        settings.accounts.lockout_max_failures = 0;
        let err = settings.validate().unwrap_err().to_string();
        assert!(err.contains("lockout_max_failures"), "{err}");
    }
}
