//! Limits on attempts (sign-in, password reset, registration of interest), counted in the
//! database so that every node of a deployment counts the same attempts: behind a load balancer
//! the limit is the limit, not the limit times the nodes.
//!
//! Sign-in failures are keyed so that an attacker cannot lock an account's owner out: the hard
//! lock is per account *and* client address; the account alone has a ceiling ten times higher,
//! and below it only growing delays (doubling from one second, at most a minute) between
//! attempts from anywhere.

use std::time::Duration;

use chrono::{NaiveDateTime, TimeDelta};

use crate::db::{self, limits as q, DbConn};
use crate::error::AppError;

/// A limit on one key: at most `limit` attempts per `window`, and, with `delay`, growing waits
/// once `delay.free` attempts are counted.
#[derive(Debug, Clone)]
pub struct Rule {
    /// What is counted, such as `signin:{email}|{address}`.
    pub key: String,
    /// Attempts allowed per window.
    pub limit: u32,
    /// The sliding window.
    pub window: Duration,
    /// Growing waits between attempts.
    pub delay: Option<Delay>,
}

/// Waits that double with every attempt after the free ones.
#[derive(Debug, Clone, Copy)]
pub struct Delay {
    /// Attempts with no wait.
    pub free: u32,
    /// The longest wait.
    pub cap: Duration,
}

fn delta(d: Duration) -> TimeDelta {
    TimeDelta::from_std(d).unwrap_or(TimeDelta::MAX)
}

/// How long `rule` makes the next attempt wait at `now`, given the attempts counted.
fn wait_of(rule: &Rule, times: &[NaiveDateTime], now: NaiveDateTime) -> Option<TimeDelta> {
    let n = times.len();
    let mut wait: Option<TimeDelta> = None;
    let limit = rule.limit.max(1) as usize;
    if n >= limit {
        // The count drops below the limit when this attempt leaves the window.
        let oldest = times[n - limit];
        wait = Some(delta(rule.window) - (now - oldest));
    }
    if let (Some(d), Some(last)) = (rule.delay, times.last()) {
        if n > d.free as usize {
            let exponent = (n - d.free as usize).min(20) as u32;
            let needed = delta(Duration::from_secs(1u64 << (exponent - 1)).min(d.cap));
            let left = needed - (now - *last);
            wait = Some(wait.map_or(left, |w| w.max(left)));
        }
    }
    wait.filter(|w| *w > TimeDelta::zero())
}

/// Checks every rule and, when none refuses, counts the attempt on each, in one transaction.
/// `Ok(Some(wait))` when refused (nothing is counted then).
pub fn attempt(conn: &mut DbConn, rules: &[Rule]) -> Result<Option<Duration>, AppError> {
    db::write_tx(conn, |conn| {
        let now = db::now();
        let mut wait: Option<TimeDelta> = None;
        for rule in rules {
            q::lock(conn, &rule.key)?;
            let times = q::times_since(conn, &rule.key, now - delta(rule.window))?;
            if let Some(w) = wait_of(rule, &times, now) {
                wait = Some(wait.map_or(w, |x| x.max(w)));
            }
        }
        if let Some(w) = wait {
            return Ok(Some(
                w.to_std().unwrap_or_default().max(Duration::from_secs(1)),
            ));
        }
        for rule in rules {
            q::insert(conn, &rule.key, now)?;
        }
        Ok(None)
    })
}

/// The rules of one sign-in attempt.
pub fn sign_in_rules(
    email: &str,
    address: &str,
    per_account: u32,
    per_address: u32,
    window: Duration,
) -> Vec<Rule> {
    vec![
        Rule {
            key: pair_key(email, address),
            limit: per_account,
            window,
            delay: None,
        },
        Rule {
            key: account_key(email),
            limit: per_account.saturating_mul(10),
            window,
            delay: Some(Delay {
                free: per_account,
                cap: Duration::from_secs(60),
            }),
        },
        Rule {
            key: address_key(address),
            limit: per_address,
            window,
            delay: None,
        },
    ]
}

fn pair_key(email: &str, address: &str) -> String {
    format!("signin:{email}|{address}")
}

fn account_key(email: &str) -> String {
    format!("signin:{email}")
}

fn address_key(address: &str) -> String {
    format!("signin-from:{address}")
}

/// After a right password: the account starts afresh, and the address loses the attempt just
/// counted.
pub fn sign_in_succeeded(conn: &mut DbConn, email: &str, address: &str) -> Result<(), AppError> {
    db::write_tx(conn, |conn| {
        q::clear(conn, &pair_key(email, address))?;
        q::clear(conn, &account_key(email))?;
        q::forget_latest(conn, &address_key(address))?;
        Ok(())
    })
}

/// Drops attempts older than any window looks at (a day).
pub fn purge(conn: &mut DbConn) -> Result<usize, AppError> {
    Ok(q::purge(conn, db::now() - TimeDelta::days(1))?)
}

/// A 429 that says how long to wait.
pub fn too_many(wait: Duration, what: &str) -> AppError {
    let retry_after = wait.as_secs().max(1);
    AppError::TooManyRequests {
        retry_after,
        message: format!("too many {what}; wait {retry_after} seconds and try again"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_800_000_000 + s, 0)
            .unwrap()
            .naive_utc()
    }

    #[test]
    fn a_limit_waits_until_the_oldest_counted_attempt_leaves_the_window() {
        let rule = Rule {
            key: "k".into(),
            limit: 3,
            window: Duration::from_secs(60),
            delay: None,
        };
        assert_eq!(wait_of(&rule, &[at(0), at(10)], at(20)), None);
        assert_eq!(
            wait_of(&rule, &[at(0), at(10), at(20)], at(30)),
            Some(TimeDelta::seconds(30))
        );
    }

    #[test]
    fn delays_double_after_the_free_attempts_up_to_the_cap() {
        let rule = Rule {
            key: "k".into(),
            limit: 100,
            window: Duration::from_secs(900),
            delay: Some(Delay {
                free: 2,
                cap: Duration::from_secs(8),
            }),
        };
        assert_eq!(
            wait_of(&rule, &[at(0), at(0)], at(0)),
            None,
            "the free attempts"
        );
        assert_eq!(
            wait_of(&rule, &[at(0), at(0), at(0)], at(0)),
            Some(TimeDelta::seconds(1))
        );
        assert_eq!(
            wait_of(&rule, &[at(0); 4], at(0)),
            Some(TimeDelta::seconds(2))
        );
        assert_eq!(wait_of(&rule, &[at(0); 4], at(2)), None, "waited enough");
        assert_eq!(
            wait_of(&rule, &[at(0); 9], at(0)),
            Some(TimeDelta::seconds(8)),
            "capped"
        );
    }
}
