//! Datadog's `X-RateLimit-*` headers, and the opt-in fixed-window limit.

use std::time::{Duration, Instant};

use axum::http::{HeaderMap, HeaderValue};

/// `X-RateLimit-Name` on every reply.
pub const RATE_LIMIT_NAME: &str = "integration_config";
/// `X-RateLimit-Limit` advertised when no limit is enforced.
pub const DEFAULT_RATE_LIMIT: u32 = 1000;
/// `X-RateLimit-Period` (seconds) advertised when no limit is enforced.
pub const DEFAULT_RATE_PERIOD_SECS: u64 = 60;

/// A fixed window: the first request opens a window of `period`; requests
/// past `limit` within it are refused until it ends.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    /// `Some` when the limit is enforced.
    enforced: Option<(u32, Duration)>,
    window_start: Option<Instant>,
    count: u64,
}

/// The figures of one reply's headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Snapshot {
    pub(crate) limit: u32,
    pub(crate) period_secs: u64,
    pub(crate) remaining: u64,
    pub(crate) reset_secs: u64,
    /// The request is over an enforced limit: answer 429.
    pub(crate) exceeded: bool,
}

impl RateLimiter {
    /// A limiter enforcing `limit` requests per `period_secs` (a period of 0
    /// counts as 1 s), or none.
    pub(crate) fn new(enforced: Option<(u32, u64)>) -> Self {
        Self {
            enforced: enforced.map(|(limit, period)| (limit, Duration::from_secs(period.max(1)))),
            window_start: None,
            count: 0,
        }
    }

    fn figures(&self) -> (u32, Duration) {
        self.enforced.unwrap_or((
            DEFAULT_RATE_LIMIT,
            Duration::from_secs(DEFAULT_RATE_PERIOD_SECS),
        ))
    }

    /// Rolls the window over if it has ended.
    fn roll(&mut self, now: Instant) {
        let (_, period) = self.figures();
        if self
            .window_start
            .is_none_or(|start| now.duration_since(start) >= period)
        {
            self.window_start = Some(now);
            self.count = 0;
        }
    }

    fn snapshot(&self, now: Instant, exceeded: bool) -> Snapshot {
        let (limit, period) = self.figures();
        let elapsed = self
            .window_start
            .map_or(Duration::ZERO, |start| now.duration_since(start));
        let left = period.saturating_sub(elapsed);
        // Whole seconds, rounded up: a client that waits `reset` is past the window.
        let reset_secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
        Snapshot {
            limit,
            period_secs: period.as_secs(),
            remaining: u64::from(limit).saturating_sub(self.count),
            reset_secs,
            exceeded,
        }
    }

    /// Counts one request.
    pub(crate) fn hit(&mut self, now: Instant) -> Snapshot {
        self.roll(now);
        self.count = self.count.saturating_add(1);
        let exceeded = self
            .enforced
            .is_some_and(|(limit, _)| self.count > u64::from(limit));
        self.snapshot(now, exceeded)
    }

    /// The current figures, without counting a request.
    pub(crate) fn peek(&mut self, now: Instant) -> Snapshot {
        self.roll(now);
        self.snapshot(now, false)
    }
}

impl Snapshot {
    /// Writes the five `X-RateLimit-*` headers.
    pub(crate) fn write(&self, headers: &mut HeaderMap) {
        headers.insert("x-ratelimit-limit", HeaderValue::from(self.limit));
        headers.insert("x-ratelimit-period", HeaderValue::from(self.period_secs));
        headers.insert("x-ratelimit-remaining", HeaderValue::from(self.remaining));
        headers.insert("x-ratelimit-reset", HeaderValue::from(self.reset_secs));
        headers.insert(
            "x-ratelimit-name",
            HeaderValue::from_static(RATE_LIMIT_NAME),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_enforced_limit_refuses_past_the_limit_until_the_window_ends() {
        let mut limiter = RateLimiter::new(Some((2, 10)));
        let t0 = Instant::now();
        let first = limiter.hit(t0);
        assert_eq!(
            (first.remaining, first.exceeded, first.reset_secs),
            (1, false, 10)
        );
        assert!(!limiter.hit(t0).exceeded);
        let third = limiter.hit(t0 + Duration::from_millis(2500));
        assert_eq!(
            (third.remaining, third.exceeded, third.reset_secs),
            (0, true, 8)
        );
        assert!(!limiter.hit(t0 + Duration::from_secs(10)).exceeded);
    }

    #[test]
    fn without_a_limit_nothing_is_refused() {
        let mut limiter = RateLimiter::new(None);
        let now = Instant::now();
        for _ in 0..2000 {
            assert!(!limiter.hit(now).exceeded);
        }
        let peek = limiter.peek(now);
        assert_eq!(
            (peek.limit, peek.period_secs, peek.remaining),
            (1000, 60, 0)
        );
    }
}
