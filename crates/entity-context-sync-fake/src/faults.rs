//! Fault injection: what to do instead of (or on top of) a normal answer, and
//! on which request.
//!
//! Requests are numbered from 1, over every request the fake receives
//! (whatever its path, method or credentials), since start or the last
//! [`FakeDatadog::reset`](crate::FakeDatadog::reset). A fault is used once.

use std::time::Duration;

/// The body of a [`Fault::Malformed`] reply: JSON cut short.
pub const MALFORMED_BODY: &str = r#"{"data": "#;

/// What the fake does to one request.
///
/// The "before" faults ([`Delay`](Fault::Delay), [`Reset`](Fault::Reset),
/// [`Status`](Fault::Status), [`Malformed`](Fault::Malformed)) strike before
/// the request reaches the API, so they never change state (a `Delay` only
/// postpones it: see there). The "after apply" faults
/// ([`DelayAfterApply`](Fault::DelayAfterApply),
/// [`ResetAfterApply`](Fault::ResetAfterApply)) let the request take effect,
/// then hold or lose the reply: "the create was applied but the reply was lost".
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Sleep this long, then serve the request normally. A client that gives
    /// up during the sleep closes the connection, and the request never takes
    /// effect (the fake stops working on a request whose connection is gone).
    Delay(Duration),
    /// Close the connection abruptly (TCP reset, no response); no state change.
    Reset,
    /// Answer with this status and no state change. The body is
    /// `{"errors": [..]}` with the given messages, or empty when `errors` is
    /// `None`. A status outside 100..=999 is answered as 500.
    Status {
        /// The HTTP status, e.g. 502.
        status: u16,
        /// The `errors` of the body; `None` for an empty body.
        errors: Option<Vec<String>>,
    },
    /// Answer `200` with `content-type: application/json` and the truncated
    /// body [`MALFORMED_BODY`]; no state change.
    Malformed,
    /// Answer `429` (`{"errors": ["Too many requests"]}`) with exactly this
    /// `X-RateLimit-Reset` (seconds) and `X-RateLimit-Remaining: 0`, or with
    /// no rate-limit headers at all for `None`; no state change. Unlike the
    /// fake's own limit, the figures do not depend on the time.
    RateLimited {
        /// `X-RateLimit-Reset`, or `None` for no rate-limit headers.
        reset: Option<u64>,
    },
    /// Serve the request normally (state changes), then sleep this long
    /// before sending the reply.
    DelayAfterApply(Duration),
    /// Serve the request normally (state changes), then close the connection
    /// abruptly instead of replying.
    ResetAfterApply,
}

impl Fault {
    /// A `status` reply whose body is `{"errors": ["<reason phrase>"]}`
    /// (e.g. `["Bad Gateway"]` for 502).
    pub fn status(status: u16) -> Self {
        let reason = axum::http::StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("Error");
        Self::Status {
            status,
            errors: Some(vec![reason.to_owned()]),
        }
    }

    /// A `429` whose `X-RateLimit-Reset` says `reset` seconds.
    pub fn rate_limited(reset: u64) -> Self {
        Self::RateLimited { reset: Some(reset) }
    }

    /// A `status` reply whose body is `{"errors": errors}`.
    pub fn status_with_errors<I, S>(status: u16, errors: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::Status {
            status,
            errors: Some(errors.into_iter().map(Into::into).collect()),
        }
    }
}

/// When a scheduled fault strikes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trigger {
    /// The request with this number.
    At(u64),
    /// The next request that no `At` fault claims.
    Next,
}

/// Faults waiting for their request.
#[derive(Debug, Default)]
pub(crate) struct FaultPlan {
    scheduled: Vec<(Trigger, Fault)>,
}

impl FaultPlan {
    /// Schedules `fault` for request number `n` (1-based).
    pub(crate) fn on_request(&mut self, n: u64, fault: Fault) {
        self.scheduled.push((Trigger::At(n), fault));
    }

    /// Schedules `fault` for the next request (after earlier `next` faults).
    pub(crate) fn next(&mut self, fault: Fault) {
        self.scheduled.push((Trigger::Next, fault));
    }

    /// The fault for request `n`, removed from the plan: one scheduled for
    /// `n` first, else the oldest `next` fault.
    pub(crate) fn take(&mut self, n: u64) -> Option<Fault> {
        let index = self
            .scheduled
            .iter()
            .position(|(t, _)| *t == Trigger::At(n))
            .or_else(|| self.scheduled.iter().position(|(t, _)| *t == Trigger::Next))?;
        Some(self.scheduled.remove(index).1)
    }

    /// How many faults are still waiting.
    pub(crate) fn pending(&self) -> usize {
        self.scheduled.len()
    }

    /// Forgets every scheduled fault.
    pub(crate) fn clear(&mut self) {
        self.scheduled.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_faults_win_over_next_and_each_is_used_once() {
        let mut plan = FaultPlan::default();
        plan.next(Fault::Reset);
        plan.next(Fault::Malformed);
        plan.on_request(2, Fault::status(503));
        assert_eq!(plan.take(1), Some(Fault::Reset));
        assert_eq!(plan.take(2), Some(Fault::status(503)));
        assert_eq!(plan.pending(), 1);
        assert_eq!(plan.take(3), Some(Fault::Malformed));
        assert_eq!(plan.take(4), None);
    }

    #[test]
    fn status_faults_carry_the_reason_phrase() {
        assert_eq!(
            Fault::status(502),
            Fault::Status {
                status: 502,
                errors: Some(vec!["Bad Gateway".to_owned()])
            }
        );
        assert_eq!(
            Fault::status_with_errors(500, ["boom"]),
            Fault::Status {
                status: 500,
                errors: Some(vec!["boom".to_owned()])
            }
        );
    }
}
