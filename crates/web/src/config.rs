//! Configuration in layers: defaults < `credinet.toml` < environment (`CREDINET_*`, `DATABASE_URL`, and a
//! `.env` file read by the binary) < command-line flags (applied by the binary through [`Overrides`]).

use credinet_core::zone::Zone;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::SocketAddr;
use std::path::Path;

#[derive(Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `sqlite://data/credinet.db` (default), `postgres://…` or `mysql://…`. May hold a password: it is
    /// redacted wherever the configuration is printed.
    pub database_url: String,
    /// Address the HTTP server listens on.
    pub bind: SocketAddr,
    /// The address people use to reach the back office, e.g. `https://credito.example.mx`. When it is
    /// https, session cookies are marked Secure.
    pub public_url: Option<String>,
    /// Apply pending migrations when `serve` starts.
    pub migrate_on_start: bool,
    /// Zone of tenants created without one; must be an IANA name.
    pub default_time_zone: String,
    /// Idle minutes after which a browser session ends.
    pub session_idle_minutes: u32,
    /// Failed logins within the window that lock an account.
    pub lockout_max_failures: u32,
    pub lockout_window_minutes: u32,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy you run).
    pub trust_proxy: bool,
    pub request_timeout_seconds: u64,
    /// Largest request body accepted, in bytes.
    pub body_limit_bytes: usize,
    /// `tracing` filter, e.g. `info` or `credinet=debug,info`.
    pub log: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: "sqlite://data/credinet.db".into(),
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: None,
            migrate_on_start: true,
            default_time_zone: credinet_core::zone::DEFAULT_ZONE.into(),
            session_idle_minutes: 12 * 60,
            lockout_max_failures: 5,
            lockout_window_minutes: 15,
            trust_proxy: false,
            request_timeout_seconds: 30,
            body_limit_bytes: 1024 * 1024,
            log: "info".into(),
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field(
                "database_url",
                &credinet_store::redact_url(&self.database_url),
            )
            .field("bind", &self.bind)
            .field("public_url", &self.public_url)
            .field("default_time_zone", &self.default_time_zone)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("invalid configuration: {0}")]
    Invalid(String),
    #[error("configuration: {0}")]
    Zone(#[from] credinet_core::zone::UnknownZone),
}

/// Values given on the command line; `None` leaves the layer below in force.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub database_url: Option<String>,
    pub bind: Option<SocketAddr>,
    pub migrate_on_start: Option<bool>,
}

impl Config {
    /// Reads the layers. `file` is the TOML file to read (default `credinet.toml` when it exists).
    pub fn load(file: Option<&Path>, overrides: Overrides) -> Result<Config, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(path) if !path.exists() => {
                return Err(ConfigError::Invalid(format!(
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
                "DEMO_PASSWORD",
                "CONFIRM",
            ]))
            .merge(Env::raw().only(&["DATABASE_URL"]));
        let mut config: Config = figment
            .extract()
            .map_err(|e| ConfigError::Invalid(one_line(&e)))?;
        if let Some(url) = overrides.database_url {
            config.database_url = url;
        }
        if let Some(bind) = overrides.bind {
            config.bind = bind;
        }
        if let Some(flag) = overrides.migrate_on_start {
            config.migrate_on_start = flag;
        }
        config.validate()?;
        Ok(config)
    }

    /// Checks what the types cannot: the zone exists, numbers are in range.
    pub fn validate(&self) -> Result<(), ConfigError> {
        Zone::parse(&self.default_time_zone)?;
        if self.lockout_max_failures == 0 || self.lockout_window_minutes == 0 {
            return Err(ConfigError::Invalid(
                "lockout_max_failures and lockout_window_minutes must be at least 1".into(),
            ));
        }
        if self.session_idle_minutes == 0 {
            return Err(ConfigError::Invalid(
                "session_idle_minutes must be at least 1".into(),
            ));
        }
        if let Some(url) = &self.public_url {
            url::Url::parse(url)
                .map_err(|e| ConfigError::Invalid(format!("public_url '{url}': {e}")))?;
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

fn one_line(error: &figment::Error) -> String {
    error
        .to_string()
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
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
        let config = Config::default();
        assert!(config.database_url.starts_with("sqlite://"));
        config.validate().unwrap();
    }

    #[test]
    fn an_unknown_time_zone_is_refused_with_the_expected_form() {
        let config = Config {
            default_time_zone: "America/Mexico_Cty".into(),
            ..Config::default()
        };
        let err = config.validate().unwrap_err().to_string();
        assert!(
            err.contains("America/Mexico_Cty") && err.contains("IANA"),
            "{err}"
        );
    }

    #[test]
    fn the_database_password_never_appears_in_debug_output() {
        let config = Config {
            database_url: "postgres://app:s3cret@db/credinet".into(),
            ..Config::default()
        };
        assert!(!format!("{config:?}").contains("s3cret"));
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
        let config = Config::load(Some(&file), overrides).unwrap();
        assert_eq!(config.bind.port(), 9100);
        assert_eq!(config.lockout_max_failures, 3);
    }

    #[test]
    fn an_unknown_key_in_the_file_is_an_error_not_silence() {
        let dir = std::env::temp_dir().join(format!("credinet-config-bad-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("credinet.toml");
        std::fs::write(&file, "bnid = \"127.0.0.1:9000\"\n").unwrap();
        let err = Config::load(Some(&file), Overrides::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains("bnid"), "{err}");
    }
}
