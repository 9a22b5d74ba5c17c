//! Per-call overhead of the facade against a raw reqwest baseline.
//!
//! In-process: both variants create the seed config against the stateful fake
//! (`entity-context-sync-fake`, on its own thread in this process, no request
//! log, reset every round), over one client each, keep-alive. The
//! whole-process comparison (`benches/whole_process.rs`) is the one that
//! counts: this one is quicker and suits a profiler. Rounds alternate which variant goes first, to cancel drift
//! (CPU frequency, other load on the machine). Each round times a batch of
//! calls per variant; the times shown are medians over rounds, and the ratio
//! is the median over rounds of facade time / raw time within the round (the
//! two batches of a round run back to back, so drift cancels).
//!
//! ```text
//! cargo bench -p entity-context-sync-benches            # 60 rounds x 300 calls, a few seconds
//! ECS_BENCH_ROUNDS=200 ECS_BENCH_CALLS=500 cargo bench -p entity-context-sync-benches
//! cargo bench -p entity-context-sync-benches --no-run   # compile only (CI)
//! ```
//!
//! `ECS_BENCH_ONLY=facade|raw|facade-concurrent|raw-concurrent` runs one
//! variant alone, for a profiler (`valgrind --tool=callgrind`, `perf record`).
//! Before timing, one call per variant goes to a capture listener
//! (`entity_context_sync_benches::capture`) and the two requests are compared:
//! same request line, same headers and values, byte-identical body; the bench
//! fails otherwise.
//!
//! The client runs on a current-thread tokio runtime on the main thread; the
//! server runs on its own thread, so the two share a 2-core machine without
//! contending for one core.

use std::hint::black_box;
use std::time::{Duration, Instant};

use entity_context_sync::{Client, NewSync, ServiceAccountKey, default_user_agent};
use entity_context_sync_benches::capture::{capture, same_request};
use entity_context_sync_benches::raw::{BoxError, RawClient};
use entity_context_sync_benches::{
    SEED_CLIENT_EMAIL, SEED_PRIVATE_KEY, SEED_PROJECT_ID, SEED_RESPONSE, env_usize, seed_request,
};
use entity_context_sync_fake::{FAKE_API_KEY, FAKE_APP_KEY, FakeDatadog};
use tokio::task::JoinSet;

/// Calls in flight in the concurrent mode.
const CONCURRENCY: usize = 16;
/// The target for facade time / baseline time.
const TARGET_RATIO: f64 = 1.10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Variant {
    Facade,
    Raw,
}

#[derive(Debug, Clone)]
struct Clients {
    facade: Client,
    raw: RawClient,
}

impl Clients {
    async fn call(&self, variant: Variant) -> Result<(), BoxError> {
        match variant {
            Variant::Facade => {
                let sync = NewSync::google_workspace(
                    "My GWS Integration",
                    "siem-test.com",
                    ServiceAccountKey::new(SEED_PROJECT_ID, SEED_CLIENT_EMAIL, SEED_PRIVATE_KEY),
                )
                .admin_email("test@example.com")
                .setting("setting1", "value1");
                let created = self.facade.entity_context_syncs().create(sync).await?;
                black_box(created);
            }
            Variant::Raw => {
                let created = self.raw.create(&seed_request()).await?;
                black_box(created);
            }
        }
        Ok(())
    }

    /// Time per call of `calls` sequential calls.
    async fn sequential(&self, variant: Variant, calls: usize) -> Result<Duration, BoxError> {
        let start = Instant::now();
        for _ in 0..calls {
            self.call(variant).await?;
        }
        Ok(start.elapsed() / calls as u32)
    }

    /// Time per call of `calls` calls made by [`CONCURRENCY`] tasks at once.
    async fn concurrent(&self, variant: Variant, calls: usize) -> Result<Duration, BoxError> {
        let per_task = calls.div_ceil(CONCURRENCY);
        let start = Instant::now();
        let mut tasks = JoinSet::new();
        for _ in 0..CONCURRENCY {
            let clients = self.clone();
            tasks.spawn(async move {
                for _ in 0..per_task {
                    clients.call(variant).await?;
                }
                Ok::<_, BoxError>(())
            });
        }
        while let Some(done) = tasks.join_next().await {
            done??;
        }
        Ok(start.elapsed() / (per_task * CONCURRENCY) as u32)
    }
}

fn main() -> Result<(), BoxError> {
    // `cargo bench` passes `--bench`; there are no other options.
    let rounds = env_usize("ECS_BENCH_ROUNDS", 60)?;
    let calls = env_usize("ECS_BENCH_CALLS", 300)?.max(1);
    if rounds == 0 {
        println!("ECS_BENCH_ROUNDS=0: nothing to do");
        return Ok(());
    }
    // A limit no run reaches: the fake otherwise advertises Datadog's
    // 1000 per 60 s, which the client's rate-limit gate honours by waiting.
    let server = FakeDatadog::builder()
        .record_requests(false)
        .rate_limit(u32::MAX, 60)
        .start_blocking();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    match std::env::var("ECS_BENCH_ONLY").ok().as_deref() {
        None | Some("") => runtime.block_on(run(&server, rounds, calls)),
        Some(only) => runtime.block_on(run_only(&server, only, rounds, calls)),
    }
}

fn clients(base_url: &str) -> Result<Clients, BoxError> {
    Ok(Clients {
        facade: Client::builder()
            .api_key(FAKE_API_KEY)
            .app_key(FAKE_APP_KEY)
            .base_url(base_url)
            .build()?,
        raw: RawClient::new(base_url, FAKE_API_KEY, FAKE_APP_KEY, &default_user_agent())?,
    })
}

/// For profilers (callgrind, perf): `ECS_BENCH_ONLY=facade|raw|facade-concurrent|raw-concurrent`
/// runs `rounds x calls` calls of that one variant and prints no comparison.
async fn run_only(
    server: &FakeDatadog,
    only: &str,
    rounds: usize,
    calls: usize,
) -> Result<(), BoxError> {
    let clients = clients(&server.base_url())?;
    let (variant, concurrent) = match only {
        "facade" => (Variant::Facade, false),
        "raw" => (Variant::Raw, false),
        "facade-concurrent" => (Variant::Facade, true),
        "raw-concurrent" => (Variant::Raw, true),
        other => {
            return Err(format!(
                "ECS_BENCH_ONLY={other:?}: expected facade, raw, facade-concurrent or raw-concurrent"
            )
            .into());
        }
    };
    let mut times = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        server.reset();
        times.push(if concurrent {
            clients.concurrent(variant, calls).await?
        } else {
            clients.sequential(variant, calls).await?
        });
    }
    println!(
        "{only}: median {:.1} us/call over {rounds} rounds x {calls} calls",
        micros(median(&times))
    );
    Ok(())
}

async fn run(server: &FakeDatadog, rounds: usize, calls: usize) -> Result<(), BoxError> {
    let base_url = server.base_url();
    let clients = clients(&base_url)?;
    println!(
        "entity-context-sync per-call bench (in-process): {rounds} rounds x {calls} calls per variant and mode, \
         the fake at {base_url}"
    );
    check_same_request().await?;

    // Warm up: connections, pools, allocator, branch predictors.
    for variant in [Variant::Facade, Variant::Raw] {
        clients.sequential(variant, calls).await?;
        clients.concurrent(variant, calls).await?;
    }

    let mut results = Vec::new();
    for mode in [Mode::Sequential, Mode::Concurrent] {
        let mut facade = Vec::with_capacity(rounds);
        let mut raw = Vec::with_capacity(rounds);
        for round in 0..rounds {
            server.reset();
            let order = if round % 2 == 0 {
                [Variant::Facade, Variant::Raw]
            } else {
                [Variant::Raw, Variant::Facade]
            };
            for variant in order {
                let t = match mode {
                    Mode::Sequential => clients.sequential(variant, calls).await?,
                    Mode::Concurrent => clients.concurrent(variant, calls).await?,
                };
                match variant {
                    Variant::Facade => facade.push(t),
                    Variant::Raw => raw.push(t),
                }
            }
        }
        results.push(Summary::new(mode, &facade, &raw));
    }

    println!();
    println!(
        "{:<14} {:>12} {:>12} {:>8} {:>15} {:>14}",
        "mode", "facade/call", "raw/call", "ratio", "ratio p25..p75", "ratio medians"
    );
    for s in &results {
        println!(
            "{:<14} {:>9.1} us {:>9.1} us {:>8.3} {:>7.3}..{:<7.3} {:>14.3}",
            s.mode.label(),
            micros(s.facade_median),
            micros(s.raw_median),
            s.paired[1],
            s.paired[0],
            s.paired[2],
            s.ratio_of_medians(),
        );
    }
    println!();
    println!(
        "ratio = median over rounds of (facade time / raw time) in the same round; \
         target <= {TARGET_RATIO:.2}"
    );
    for s in &results {
        let verdict = if s.paired[1] <= TARGET_RATIO {
            "within"
        } else {
            "ABOVE"
        };
        println!(
            "ratio {}: {:.3} ({verdict} target); overhead {:+.1} us/call",
            s.mode.label(),
            s.paired[1],
            micros(s.facade_median) - micros(s.raw_median),
        );
    }
    Ok(())
}

#[derive(Debug, Clone, Copy)]
enum Mode {
    Sequential,
    Concurrent,
}

impl Mode {
    fn label(self) -> String {
        match self {
            Mode::Sequential => "sequential".to_string(),
            Mode::Concurrent => format!("concurrent x{CONCURRENCY}"),
        }
    }
}

struct Summary {
    mode: Mode,
    facade_median: Duration,
    raw_median: Duration,
    /// p25, median, p75 of the per-round facade/raw ratios.
    paired: [f64; 3],
}

impl Summary {
    fn new(mode: Mode, facade: &[Duration], raw: &[Duration]) -> Self {
        let mut ratios: Vec<f64> = facade
            .iter()
            .zip(raw)
            .map(|(f, r)| f.as_secs_f64() / r.as_secs_f64())
            .collect();
        ratios.sort_by(f64::total_cmp);
        let at = |q: f64| ratios[((ratios.len() - 1) as f64 * q).round() as usize];
        Self {
            mode,
            facade_median: median(facade),
            raw_median: median(raw),
            paired: [at(0.25), at(0.5), at(0.75)],
        }
    }

    /// Median facade time / median raw time: more exposed to drift than
    /// the paired ratio, shown for reference.
    fn ratio_of_medians(&self) -> f64 {
        self.facade_median.as_secs_f64() / self.raw_median.as_secs_f64()
    }
}

fn median(values: &[Duration]) -> Duration {
    let mut sorted = values.to_vec();
    sorted.sort();
    sorted[sorted.len() / 2]
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// Sends one call per variant to a capture listener, and fails unless both
/// sent the same request line, the same headers (names and values) and the
/// same body bytes.
async fn check_same_request() -> Result<(), BoxError> {
    let listener = capture(SEED_RESPONSE, 2)?;
    let clients = clients(listener.base_url())?;
    for variant in [Variant::Facade, Variant::Raw] {
        clients.call(variant).await?;
    }
    let seen = listener.wait()?;
    let (facade, raw) = (&seen[0], &seen[1]);
    same_request(facade, raw)
        .map_err(|e| format!("the two variants send different requests: {e}"))?;
    let names: Vec<&str> = facade.headers.iter().map(|(n, _)| n.as_str()).collect();
    println!(
        "same request from both: {}, headers [{}], identical bodies",
        facade.request_line,
        names.join(", ")
    );
    for required in [
        "accept",
        "content-type",
        "dd-api-key",
        "dd-application-key",
        "user-agent",
    ] {
        if facade.header(required).is_none() {
            return Err(format!("the facade sent no `{required}` header").into());
        }
    }
    Ok(())
}
