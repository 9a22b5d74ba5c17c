//! How long to wait between attempts, and how many to make ([`RetryPolicy`]).
//!
//! What is retried depends on the operation (its row in `policy.rs`): every
//! operation retries a 429 (Datadog refused it for rate limiting, so nothing
//! was applied) and a failure to connect (nothing was sent); the idempotent
//! ones (all but create) also retry 5xx replies, resets and timeouts. A
//! create never retries those: a retry could duplicate the config (use
//! `ensure`, which resolves an ambiguous create by listing).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
#[cfg(feature = "test-util")]
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How a [`Client`](crate::Client) retries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    pub(crate) max_retries: u32,
    pub(crate) initial_backoff: Duration,
    pub(crate) max_backoff: Duration,
    pub(crate) max_reset_wait: Duration,
    pub(crate) total_budget: Duration,
    pub(crate) jitter: bool,
}

impl Default for RetryPolicy {
    /// Up to 3 retries; waits `X-RateLimit-Reset` seconds (capped at 60 s)
    /// or backs off exponentially from 1 s (capped at 30 s, with jitter);
    /// at most 120 s of waiting in all.
    fn default() -> Self {
        Self {
            max_retries: 3,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(30),
            max_reset_wait: Duration::from_secs(60),
            total_budget: Duration::from_secs(120),
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// Retries after the first attempt (0 = never retry).
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// First backoff when the server gave no `X-RateLimit-Reset`; doubles each time.
    pub fn initial_backoff(mut self, d: Duration) -> Self {
        self.initial_backoff = d;
        self
    }

    /// Upper bound of one exponential backoff.
    pub fn max_backoff(mut self, d: Duration) -> Self {
        self.max_backoff = d;
        self
    }

    /// Upper bound on a wait taken from `X-RateLimit-Reset`.
    pub fn max_reset_wait(mut self, d: Duration) -> Self {
        self.max_reset_wait = d;
        self
    }

    /// Total waiting allowed across all retries of one call.
    pub fn total_budget(mut self, d: Duration) -> Self {
        self.total_budget = d;
        self
    }

    /// Randomize backoffs (between half and all of the computed wait) so
    /// many clients do not retry in lockstep. On by default.
    pub fn jitter(mut self, on: bool) -> Self {
        self.jitter = on;
        self
    }

    /// The wait before retry number `retry` (1-based), from the server's
    /// reset figure when given, else exponential backoff.
    pub(crate) fn wait(&self, retry: u32, reset: Option<Duration>) -> Duration {
        if let Some(reset) = reset {
            // A reset of 0 means "now"; still wait a little to avoid a hot loop.
            return reset
                .max(Duration::from_millis(100))
                .min(self.max_reset_wait);
        }
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        let base = self
            .initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff);
        if self.jitter {
            let half = base / 2;
            half + half.mul_f64(unit_random())
        } else {
            base
        }
    }
}

/// A number in `[0, 1)` for jitter: not cryptographic, different on every
/// call. std's `RandomState` draws random per-thread keys and changes them
/// for every new instance, so hashing a constant with a fresh one suffices
/// (and spares a dependency).
fn unit_random() -> f64 {
    use std::hash::{BuildHasher, RandomState};
    let bits = RandomState::new().hash_one(0u8);
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

/// Sleeps between retries. The default uses `tokio::time::sleep`; tests (and
/// other runtimes) can supply their own, e.g. to record waits without waiting.
pub trait Sleep: Send + Sync + std::fmt::Debug {
    /// A future that completes after `duration`.
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>>;

    /// The time now, by the clock this sleeps on: when a rate limit's window
    /// ends is counted by it. `Instant::now()` unless overridden.
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// The default [`Sleep`]: `tokio::time::sleep`.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioSleep;

impl Sleep for TokioSleep {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(tokio::time::sleep(duration))
    }

    /// tokio's clock (paused in tests that pause it).
    fn now(&self) -> Instant {
        tokio::time::Instant::now().into_std()
    }
}

pub(crate) type SharedSleep = Arc<dyn Sleep>;

/// A [`Sleep`] that records each requested wait and returns at once: for
/// tests of retry behaviour (yours and ours) that must not really wait. Its
/// clock moves on by each wait it records, so a rate limit's window ends
/// when the waits say it has. Needs the `test-util` feature.
///
/// ```
/// # #[cfg(feature = "test-util")] {
/// use entity_context_sync::{Client, RecordingSleep};
/// let sleep = RecordingSleep::default();
/// let client = Client::builder().api_key("example-api-key").app_key("example-app-key").sleep_impl(sleep.clone()).build()?;
/// // ... drive `client` against a mock answering 429 ...
/// assert!(sleep.waits().is_empty());
/// # }
/// # Ok::<(), entity_context_sync::Error>(())
/// ```
#[cfg(feature = "test-util")]
#[derive(Debug, Clone, Default)]
pub struct RecordingSleep(Arc<Mutex<Vec<Duration>>>);

#[cfg(feature = "test-util")]
impl RecordingSleep {
    /// Every wait requested so far, in order (clones share the record).
    pub fn waits(&self) -> Vec<Duration> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

#[cfg(feature = "test-util")]
impl Sleep for RecordingSleep {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(duration);
        Box::pin(std::future::ready(()))
    }

    /// The real time, plus every wait recorded.
    fn now(&self) -> Instant {
        let slept = self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .fold(Duration::ZERO, |a, b| a.saturating_add(*b));
        let now = Instant::now();
        now.checked_add(slept)
            .unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 24 * 3600))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reset_header_wins_and_is_capped() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.wait(1, Some(Duration::from_secs(7))),
            Duration::from_secs(7)
        );
        assert_eq!(
            p.wait(1, Some(Duration::from_secs(3600))),
            Duration::from_secs(60)
        );
        assert_eq!(p.wait(1, Some(Duration::ZERO)), Duration::from_millis(100));
    }

    #[test]
    fn jitter_draws_spread_over_the_unit_interval() {
        let draws: Vec<f64> = (0..1000).map(|_| unit_random()).collect();
        assert!(draws.iter().all(|d| (0.0..1.0).contains(d)));
        // Every tenth of [0, 1) gets some draws (expected ~100 each).
        for tenth in 0..10 {
            let lo = f64::from(tenth) / 10.0;
            let n = draws.iter().filter(|d| (lo..lo + 0.1).contains(*d)).count();
            assert!(n > 40, "{n} draws in [{lo}, {})", lo + 0.1);
        }
    }

    #[test]
    fn backoff_doubles_is_capped_and_jitter_stays_in_bounds() {
        let p = RetryPolicy::default().jitter(false);
        let waits: Vec<u64> = (1..=7).map(|n| p.wait(n, None).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 30, 30]);
        let p = RetryPolicy::default();
        for n in 1..=6 {
            let base = RetryPolicy::default().jitter(false).wait(n, None);
            for _ in 0..50 {
                let w = p.wait(n, None);
                assert!(
                    w >= base / 2 && w <= base,
                    "retry {n}: {w:?} not in [{:?}, {base:?}]",
                    base / 2
                );
            }
        }
        assert!(p.wait(u32::MAX, None) <= Duration::from_secs(30));
    }
}
