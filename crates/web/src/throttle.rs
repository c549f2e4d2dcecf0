//! Throttles in front of the credential checks: sign-in attempts by address and by account, and `/v1`
//! requests refused for their key by address (ADR 13).
//!
//! The lockout (in `accounts`) is the rule, counted in rows so that every server agrees; these
//! token buckets come before it, in each process's memory, to bound what one caller can make the server
//! do: an unauthenticated caller could otherwise make it hash passwords and write attempt rows as fast
//! as it sends. A well-kept crate (`governor`, GCRA) keeps the buckets, read on the store's clock so that
//! tests move time instead of waiting for it.

use crate::settings::HttpSettings;
use credinet_store::Store;
use credinet_store::repo::users::normalize_email;
use governor::clock::Clock;
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

/// The throttles of one server.
pub struct Throttles {
    sign_in_by_ip: Bucket<IpAddr>,
    sign_in_by_account: Bucket<String>,
    refused_keys_by_ip: Bucket<IpAddr>,
}

/// Over the limit: try again after this long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub Duration);

impl RetryAfter {
    /// Whole seconds, at least one: what a `Retry-After` header carries.
    pub fn seconds(self) -> u64 {
        self.0.as_secs() + u64::from(self.0.subsec_nanos() > 0)
    }
}

impl Throttles {
    pub fn new(settings: &HttpSettings, store: &Store) -> Throttles {
        Throttles {
            sign_in_by_ip: Bucket::per_minute(settings.sign_in_per_minute_per_ip, store),
            sign_in_by_account: Bucket::per_minute(settings.sign_in_per_minute_per_account, store),
            refused_keys_by_ip: Bucket::per_minute(settings.refused_keys_per_minute_per_ip, store),
        }
    }

    /// A sign-in attempt from `ip` for the account `email` of `tenant`. Both buckets are charged, so
    /// that neither one address trying many accounts nor many addresses trying one account get far.
    pub fn sign_in(&self, ip: Option<IpAddr>, tenant: &str, email: &str) -> Result<(), RetryAfter> {
        let account = format!(
            "{}\n{}",
            tenant.trim().to_lowercase(),
            normalize_email(email)
        );
        let by_account = self.sign_in_by_account.take(&account);
        let by_ip = ip.map_or(Ok(()), |ip| self.sign_in_by_ip.take(&ip));
        by_account.and(by_ip)
    }

    /// A `/v1` request from `ip` refused for its key (none, unknown or revoked).
    pub fn refused_key(&self, ip: Option<IpAddr>) -> Result<(), RetryAfter> {
        ip.map_or(Ok(()), |ip| self.refused_keys_by_ip.take(&ip))
    }
}

/// The store's clock, as governor reads time: the span since the Unix epoch.
#[derive(Clone)]
struct StoreClock(Store);

impl Clock for StoreClock {
    type Instant = Duration;

    fn now(&self) -> Duration {
        (self.0.now() - chrono::DateTime::UNIX_EPOCH)
            .to_std()
            .unwrap_or_default()
    }
}

/// Keys kept before the stale ones are dropped: the keys come from callers (any email), so the map is
/// bounded here rather than by their good will.
const KEYS_BEFORE_CLEANUP: usize = 10_000;

struct Bucket<K: Hash + Eq + Clone> {
    limiter: RateLimiter<K, DefaultKeyedStateStore<K>, StoreClock, NoOpMiddleware<Duration>>,
}

impl<K: Hash + Eq + Clone> Bucket<K> {
    /// `per_minute` cells a minute, all of which may be spent at once.
    fn per_minute(per_minute: u32, store: &Store) -> Bucket<K> {
        let quota = Quota::per_minute(NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN));
        Bucket {
            limiter: RateLimiter::dashmap_with_clock(quota, StoreClock(store.clone())),
        }
    }

    fn take(&self, key: &K) -> Result<(), RetryAfter> {
        if self.limiter.len() > KEYS_BEFORE_CLEANUP {
            self.limiter.retain_recent();
        }
        self.limiter
            .check_key(key)
            .map_err(|not_until| RetryAfter(not_until.wait_time_from(self.limiter.clock().now())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use credinet_store::ManualClock;
    use credinet_store::testing::{Backend, TestDb};

    /// A store for its clock only; the database is never touched.
    async fn scratch_store() -> Store {
        let db = TestDb::create(Backend::Sqlite).await.unwrap();
        Store::connect(&db.url).await.unwrap()
    }

    #[test]
    fn whole_seconds_round_up() {
        assert_eq!(RetryAfter(Duration::from_millis(1)).seconds(), 1);
        assert_eq!(RetryAfter(Duration::from_secs(6)).seconds(), 6);
        assert_eq!(RetryAfter(Duration::from_millis(6_001)).seconds(), 7);
    }

    #[tokio::test]
    async fn an_account_is_throttled_whatever_the_address_and_refills_with_time() {
        let clock =
            ManualClock::starting_at(chrono::Utc.with_ymd_and_hms(2026, 12, 1, 15, 0, 0).unwrap());
        let store = scratch_store().await.with_clock(clock.clone());
        let settings = HttpSettings {
            sign_in_per_minute_per_account: 3,
            sign_in_per_minute_per_ip: 100,
            ..HttpSettings::default()
        };
        let throttles = Throttles::new(&settings, &store);
        let ips: Vec<IpAddr> = (1..=4).map(|n| IpAddr::from([203, 0, 113, n])).collect();
        for ip in &ips[..3] {
            assert_eq!(throttles.sign_in(Some(*ip), "Caja", "Ana@Caja.mx"), Ok(()));
        }
        let refused = throttles.sign_in(Some(ips[3]), "caja", "ana@caja.mx ");
        assert_eq!(
            refused.map_err(RetryAfter::seconds),
            Err(20),
            "one cell every 20 s"
        );
        assert_eq!(
            throttles.sign_in(Some(ips[3]), "caja", "otra@caja.mx"),
            Ok(())
        );
        clock.advance(chrono::Duration::seconds(20));
        assert_eq!(
            throttles.sign_in(Some(ips[3]), "caja", "ana@caja.mx"),
            Ok(())
        );
    }

    #[tokio::test]
    async fn one_address_is_throttled_whatever_the_account() {
        let store = scratch_store().await;
        let settings = HttpSettings {
            sign_in_per_minute_per_ip: 2,
            ..HttpSettings::default()
        };
        let throttles = Throttles::new(&settings, &store);
        let ip = Some(IpAddr::from([203, 0, 113, 9]));
        assert_eq!(throttles.sign_in(ip, "caja", "a@caja.mx"), Ok(()));
        assert_eq!(throttles.sign_in(ip, "caja", "b@caja.mx"), Ok(()));
        assert!(throttles.sign_in(ip, "caja", "c@caja.mx").is_err());
    }
}
