//! Limits failed sign-ins per account and per client address, in a sliding window.
//!
//! The counts live in memory, per process: with several nodes each node allows the limit, which
//! still bounds password guessing to a small multiple of it.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Sliding-window counters of failures, keyed by account email or client address.
pub struct LoginLimiter {
    window: Duration,
    per_account: u32,
    per_address: u32,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl LoginLimiter {
    /// A limiter allowing `per_account` and `per_address` failures per `window`.
    pub fn new(window: Duration, per_account: u32, per_address: u32) -> LoginLimiter {
        LoginLimiter {
            window,
            per_account,
            per_address,
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn keys(email: &str, address: &str) -> [(String, u32); 2] {
        [
            (format!("account:{email}"), 0),
            (format!("address:{address}"), 1),
        ]
    }

    /// Starts an attempt: `Err(wait)` when either limit is reached, with how long until one
    /// more attempt is allowed. Otherwise the attempt is counted at once, as a failure until
    /// [`LoginLimiter::succeeded`] says otherwise, so that parallel attempts cannot all slip in
    /// before the first one is counted.
    pub fn begin(&self, email: &str, address: &str, now: Instant) -> Result<(), Duration> {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let mut wait: Option<Duration> = None;
        for (key, which) in Self::keys(email, address) {
            let limit = (if which == 0 {
                self.per_account
            } else {
                self.per_address
            })
            .max(1) as usize;
            if let Some(times) = map.get_mut(&key) {
                while times
                    .front()
                    .is_some_and(|t| now.duration_since(*t) >= self.window)
                {
                    times.pop_front();
                }
                if times.len() >= limit {
                    // The count drops below the limit when this failure ages out.
                    let oldest = times[times.len() - limit];
                    let until = self.window.saturating_sub(now.duration_since(oldest));
                    wait = Some(wait.map_or(until, |w| w.max(until)));
                }
            }
        }
        if let Some(wait) = wait {
            return Err(wait);
        }
        if map.len() > 100_000 {
            let window = self.window;
            map.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|t| now.duration_since(*t) < window)
            });
        }
        for (key, _) in Self::keys(email, address) {
            map.entry(key).or_default().push_back(now);
        }
        Ok(())
    }

    /// Counts one event for `key` alone, against `limit` per window: `Err(wait)` when the limit
    /// is reached (and the event is not counted), with how long until one more is allowed.
    pub fn hit(&self, key: &str, limit: u32, now: Instant) -> Result<(), Duration> {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let limit = limit.max(1) as usize;
        let times = map.entry(format!("key:{key}")).or_default();
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            times.pop_front();
        }
        if times.len() >= limit {
            let oldest = times[times.len() - limit];
            return Err(self.window.saturating_sub(now.duration_since(oldest)));
        }
        times.push_back(now);
        Ok(())
    }

    /// Uncounts a successful attempt: the account starts afresh, and the address loses the
    /// attempt just counted.
    pub fn succeeded(&self, email: &str, address: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(&format!("account:{email}"));
        if let Some(times) = map.get_mut(&format!("address:{address}")) {
            times.pop_back();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_account_is_blocked_after_its_limit_until_the_window_passes() {
        let limiter = LoginLimiter::new(Duration::from_secs(60), 3, 100);
        let t0 = Instant::now();
        for i in 0..3 {
            assert!(
                limiter.begin("a@b.no", "1.1.1.1", t0).is_ok(),
                "attempt {i}"
            );
        }
        let wait = limiter
            .begin("a@b.no", "2.2.2.2", t0 + Duration::from_secs(10))
            .unwrap_err();
        assert_eq!(wait, Duration::from_secs(50));
        assert!(limiter
            .begin("a@b.no", "1.1.1.1", t0 + Duration::from_secs(60))
            .is_ok());
        assert!(limiter.begin("c@d.no", "1.1.1.1", t0).is_ok());
    }

    #[test]
    fn the_address_is_blocked_across_accounts() {
        let limiter = LoginLimiter::new(Duration::from_secs(60), 100, 2);
        let t0 = Instant::now();
        limiter.begin("a@b.no", "1.1.1.1", t0).unwrap();
        limiter.begin("c@d.no", "1.1.1.1", t0).unwrap();
        assert!(limiter.begin("e@f.no", "1.1.1.1", t0).is_err());
        assert!(limiter.begin("e@f.no", "9.9.9.9", t0).is_ok());
    }

    #[test]
    fn a_single_key_is_limited_on_its_own() {
        let limiter = LoginLimiter::new(Duration::from_secs(60), 100, 100);
        let t0 = Instant::now();
        limiter.hit("1.1.1.1", 2, t0).unwrap();
        limiter
            .hit("1.1.1.1", 2, t0 + Duration::from_secs(5))
            .unwrap();
        let wait = limiter
            .hit("1.1.1.1", 2, t0 + Duration::from_secs(10))
            .unwrap_err();
        assert_eq!(wait, Duration::from_secs(50));
        assert!(limiter.hit("2.2.2.2", 2, t0).is_ok());
        assert!(limiter
            .hit("1.1.1.1", 2, t0 + Duration::from_secs(60))
            .is_ok());
    }

    #[test]
    fn success_uncounts_the_attempt() {
        let limiter = LoginLimiter::new(Duration::from_secs(60), 1, 1);
        let t0 = Instant::now();
        limiter.begin("a@b.no", "1.1.1.1", t0).unwrap();
        limiter.succeeded("a@b.no", "1.1.1.1");
        assert!(limiter.begin("a@b.no", "1.1.1.1", t0).is_ok());
    }
}
