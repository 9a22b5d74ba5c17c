//! The rate-limit gate a [`Client`](crate::Client) and its clones share:
//! what Datadog's `X-RateLimit-*` headers said, so that concurrent calls
//! share one budget instead of each finding out with a request of its own.
//!
//! - Until a reply has told the figures (and again in a window whose size is
//!   not known), one request at a time goes: the others wait for its reply.
//! - In a known window, as many requests go as it has left; when none is
//!   left (a reply said `remaining: 0`, or a 429 came), later requests wait
//!   until the window resets, then as many go as the window admits.
//! - Replies without figures (a proxy, a mock) turn the gate off.
//!
//! A caller whose wait was cut short by the retry policy (or whose clock did
//! not move by the wait: a test's) may go alone to find out, so every wait
//! ends in a try.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

use crate::RateLimit;

/// The shared state, behind a mutex held only to decide.
#[derive(Debug, Default)]
pub(crate) struct Gate {
    state: Mutex<State>,
    /// Woken when a probe's reply (or its end) tells the waiters to look again.
    probed: Notify,
}

#[derive(Debug, Default)]
struct State {
    mode: Mode,
    /// A request is out to learn the figures; the others wait for it.
    probing: bool,
}

#[derive(Debug, Default)]
enum Mode {
    /// Nothing known (yet, or of this window): one request finds out.
    #[default]
    Unknown,
    /// Replies carry no figures: nothing to share.
    Untracked,
    /// The current window: requests it still admits, and when it ends.
    Window {
        admits: u64,
        ends: Instant,
        limit: Option<u64>,
        period: Option<Duration>,
        name: Option<String>,
    },
}

/// What [`Gate::admit`] decides.
#[derive(Debug)]
pub(crate) enum Admission<'g> {
    /// Send now.
    Go(Permit<'g>),
    /// The window's budget is spent: wait this long (the figures say why).
    Wait(Duration, RateLimit),
    /// Another request is finding out: wait for its reply.
    AwaitProbe,
}

/// The right to send one request; report its reply with [`Permit::observe`].
#[derive(Debug)]
pub(crate) struct Permit<'g> {
    gate: &'g Gate,
    probe: bool,
}

fn far(now: Instant, after: Duration) -> Instant {
    // A reset beyond what an `Instant` holds: as good as never.
    now.checked_add(after)
        .or_else(|| now.checked_add(Duration::from_secs(100 * 365 * 24 * 3600)))
        .unwrap_or(now)
}

impl Gate {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether a request may go at `now`. `may_probe`: the caller has just
    /// waited, and may go alone to find out when the budget looks spent.
    pub(crate) fn admit(&self, now: Instant, may_probe: bool) -> Admission<'_> {
        let mut s = self.lock();
        // A window that has ended: refill it when its size is known.
        if let Mode::Window {
            admits,
            ends,
            limit,
            period,
            ..
        } = &mut s.mode
            && now >= *ends
        {
            match limit {
                Some(limit) => {
                    *admits = *limit;
                    *ends = far(now, period.unwrap_or(Duration::from_secs(1)));
                }
                None => s.mode = Mode::Unknown,
            }
        }
        let go = |probe| Admission::Go(Permit { gate: self, probe });
        let probing = s.probing;
        let figures = match &mut s.mode {
            Mode::Untracked => return go(false),
            Mode::Window { admits, .. } if *admits > 0 => {
                *admits -= 1;
                return go(false);
            }
            _ if probing => return Admission::AwaitProbe,
            Mode::Unknown => None,
            Mode::Window { .. } if may_probe => None,
            Mode::Window {
                ends, limit, name, ..
            } => Some((*ends, *limit, name.clone())),
        };
        let Some((ends, limit, name)) = figures else {
            s.probing = true;
            return go(true);
        };
        let wait = ends.saturating_duration_since(now);
        let mut figures = RateLimit::default();
        figures.limit = limit;
        figures.remaining = Some(0);
        figures.reset = Some(wait.as_secs() + u64::from(wait.subsec_nanos() > 0));
        figures.name = name;
        Admission::Wait(wait, figures)
    }

    /// Whether a probe is out (checked again after registering to wait for it).
    pub(crate) fn probing(&self) -> bool {
        self.lock().probing
    }

    /// Waits until a probe's reply is in.
    pub(crate) async fn probe_done(&self) {
        let notified = self.probed.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        if self.probing() {
            notified.await;
        }
    }
}

impl Permit<'_> {
    /// What the reply to this request said: its status and its figures.
    pub(crate) fn observe(self, now: Instant, status: u16, figures: Option<&RateLimit>) {
        let mut s = self.gate.lock();
        match (figures, &mut s.mode) {
            (Some(f), mode) if f.reset.is_some() => {
                let reset = f.reset.map_or(Duration::ZERO, Duration::from_secs);
                let told = if status == 429 { Some(0) } else { f.remaining };
                let (admits, limit, period) = match mode {
                    Mode::Window {
                        admits,
                        limit,
                        period,
                        ..
                    } => (Some(*admits), *limit, *period),
                    _ => (None, None, None),
                };
                // Never more than this client still counts for the window:
                // the server has not seen the requests still in flight.
                let admits = match (told, admits) {
                    (Some(t), Some(a)) => t.min(a),
                    (Some(t), None) => t,
                    (None, Some(a)) => a,
                    (None, None) => 0,
                };
                *mode = Mode::Window {
                    admits,
                    ends: far(now, reset),
                    limit: f.limit.or(limit),
                    period: f.period.map(Duration::from_secs).or(period),
                    name: f.name.clone(),
                };
            }
            // A reply without figures to a request that found out: no gate.
            (None, mode @ Mode::Unknown) if self.probe => *mode = Mode::Untracked,
            _ => {}
        }
        drop(s);
        // `Drop` ends the probe and wakes the waiters.
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        if self.probe {
            self.gate.lock().probing = false;
            self.gate.probed.notify_waiters();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(remaining: u64, reset: u64) -> RateLimit {
        let mut f = RateLimit::default();
        f.limit = Some(5);
        f.period = Some(2);
        f.remaining = Some(remaining);
        f.reset = Some(reset);
        f
    }

    fn go(a: Admission<'_>) -> Permit<'_> {
        match a {
            Admission::Go(p) => p,
            other => panic!("expected Go, got {other:?}"),
        }
    }

    #[test]
    fn one_request_finds_out_then_the_window_is_shared() {
        let gate = Gate::default();
        let t0 = Instant::now();
        let probe = go(gate.admit(t0, false));
        assert!(matches!(gate.admit(t0, false), Admission::AwaitProbe));
        probe.observe(t0, 200, Some(&figures(4, 2)));
        assert!(!gate.probing());
        let permits: Vec<_> = (0..4).map(|_| go(gate.admit(t0, false))).collect();
        match gate.admit(t0, false) {
            Admission::Wait(wait, f) => {
                assert_eq!(wait, Duration::from_secs(2));
                assert_eq!((f.remaining, f.reset, f.limit), (Some(0), Some(2), Some(5)));
            }
            other => panic!("expected Wait, got {other:?}"),
        }
        drop(permits);
        // At the reset, the window admits its limit again.
        let t1 = t0 + Duration::from_secs(2);
        for _ in 0..5 {
            drop(go(gate.admit(t1, false)));
        }
        assert!(matches!(gate.admit(t1, false), Admission::Wait(..)));
        // A caller that has just waited may go alone to find out.
        let probe = go(gate.admit(t1, true));
        assert!(matches!(gate.admit(t1, true), Admission::AwaitProbe));
        probe.observe(t1, 429, Some(&figures(3, 1)));
        assert!(
            matches!(gate.admit(t1, false), Admission::Wait(w, _) if w == Duration::from_secs(1))
        );
    }

    #[test]
    fn replies_without_figures_turn_the_gate_off_and_a_lost_probe_frees_the_waiters() {
        let gate = Gate::default();
        let now = Instant::now();
        drop(go(gate.admit(now, false))); // no reply: the probe ends
        assert!(!gate.probing());
        go(gate.admit(now, false)).observe(now, 200, None);
        for _ in 0..100 {
            drop(go(gate.admit(now, false)));
        }
        // Huge resets do not overflow.
        let gate = Gate::default();
        go(gate.admit(now, false)).observe(now, 429, Some(&figures(0, u64::MAX)));
        assert!(matches!(gate.admit(now, false), Admission::Wait(..)));
    }
}
