//! Whole-process cost per call: the facade against a hand-written reqwest
//! call, each as its own program, against the same server.
//!
//! The two client programs of this package, `ecs-bench-facade` and
//! `ecs-bench-raw`, each make `CALLS` sequential calls of one operation
//! (create, get, list) on a current-thread runtime and exit. This harness
//! runs them alternately (A B, B A, A B, …), `RUNS` times each per
//! operation, against the stateful fake (`entity-context-sync-fake`, on a
//! thread of this process: the measured client process pays only client
//! costs; the fake is reset and re-seeded before every run, and keeps no
//! request log). For each run it takes the child's user+sys CPU time
//! (`getrusage(RUSAGE_CHILDREN)` before and after waiting for it) and its
//! wall time from spawn to exit, both divided by `CALLS`: start-up, client
//! construction and exit are in the figures, as a user pays them. Each pair of
//! runs gives a ratio (facade / raw); the report is the median ratio and its
//! min–max over the pairs.
//!
//! Before timing, each program sends one request of each operation to a
//! capture listener (`entity_context_sync_benches::capture`), and the harness
//! fails unless both sent the same request line, the same headers with the
//! same values and a byte-identical body.
//!
//! ```text
//! cargo bench -p entity-context-sync-benches --bench whole_process          # 15 runs x 20000 calls, ~3 min
//! ECS_WP_RUNS=5 ECS_WP_CALLS=5000 ECS_WP_OPS=get cargo bench -p entity-context-sync-benches --bench whole_process
//! ```
//!
//! `ECS_WP_RUNS=0` exits at once (CI runs `--no-run` anyway).
//! `ECS_WP_FACADE_EXE=path` (or `ECS_WP_RAW_EXE`) runs another build of a
//! program, e.g. the facade at an earlier commit, for a before/after.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use entity_context_sync::default_user_agent;
use entity_context_sync_benches::capture::{capture, same_request};
use entity_context_sync_benches::raw::BoxError;
use entity_context_sync_benches::{Op, SEED_ID, SEED_RESPONSE, env_usize, seed_list_response};
use entity_context_sync_fake::{FakeDatadog, SeedConfig};
use nix::sys::resource::{UsageWho, getrusage};
use serde_json::json;

/// The target for facade CPU per call / raw CPU per call.
const TARGET_RATIO: f64 = 1.10;
/// Configurations the fake holds for a list: one per source type.
const LIST_TYPES: [&str; 5] = [
    "GOOGLE_WORKSPACE",
    "OKTA",
    "ENTRA_ID",
    "CROWDSTRIKE",
    "SENTINELONE",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Variant {
    Facade,
    Raw,
}

impl Variant {
    /// This package's program, or the one `ECS_WP_FACADE_EXE` /
    /// `ECS_WP_RAW_EXE` names (a build of another commit, for a before/after).
    fn exe(self) -> String {
        let (var, built) = match self {
            Variant::Facade => ("ECS_WP_FACADE_EXE", env!("CARGO_BIN_EXE_ecs-bench-facade")),
            Variant::Raw => ("ECS_WP_RAW_EXE", env!("CARGO_BIN_EXE_ecs-bench-raw")),
        };
        std::env::var(var).unwrap_or_else(|_| built.to_string())
    }
}

/// One process: CPU (user+sys) and wall time, per call.
#[derive(Debug, Clone, Copy)]
struct Run {
    cpu: Duration,
    wall: Duration,
}

fn main() -> Result<(), BoxError> {
    let runs = env_usize("ECS_WP_RUNS", 15)?;
    let calls = env_usize("ECS_WP_CALLS", 20_000)?.max(1);
    if runs == 0 {
        println!("ECS_WP_RUNS=0: nothing to do");
        return Ok(());
    }
    let ops: Vec<Op> = match std::env::var("ECS_WP_OPS") {
        Ok(list) => list
            .split(',')
            .map(|name| Op::parse(name.trim()).ok_or(format!("ECS_WP_OPS: unknown op {name:?}")))
            .collect::<Result<_, _>>()?,
        Err(_) => Op::ALL.to_vec(),
    };
    let user_agent = default_user_agent();
    println!(
        "whole-process comparison: {runs} runs x {calls} sequential calls per program and operation, \
         {} CPUs, load average {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        load_average()
    );
    for &op in &ops {
        check_same_request(op, &user_agent)?;
    }

    let fake = FakeDatadog::builder()
        .record_requests(false)
        .start_blocking();
    let base_url = fake.base_url();
    let mut rows = Vec::new();
    for &op in &ops {
        // Warm up: binaries in the page cache, the fake's first request.
        for variant in [Variant::Facade, Variant::Raw] {
            let id = prepare(&fake, op);
            run(variant, op, 200, &base_url, &id, &fake, &user_agent)?;
        }
        let mut facade = Vec::with_capacity(runs);
        let mut raw = Vec::with_capacity(runs);
        for i in 0..runs {
            let order = if i % 2 == 0 {
                [Variant::Facade, Variant::Raw]
            } else {
                [Variant::Raw, Variant::Facade]
            };
            for variant in order {
                let id = prepare(&fake, op);
                let r = run(variant, op, calls, &base_url, &id, &fake, &user_agent)?;
                match variant {
                    Variant::Facade => facade.push(r),
                    Variant::Raw => raw.push(r),
                }
            }
        }
        let row = Row::new(op, &facade, &raw);
        println!("{}", row.line());
        rows.push(row);
    }

    println!();
    println!(
        "{:<7} {:>11} {:>11} {:>22} {:>11} {:>11} {:>22}",
        "op",
        "facade CPU",
        "raw CPU",
        "CPU ratio (min..max)",
        "facade wall",
        "raw wall",
        "wall ratio (min..max)"
    );
    for row in &rows {
        println!("{}", row.table_line());
    }
    println!();
    println!(
        "per call: whole-process user+sys CPU and spawn-to-exit wall / {calls}; ratio: median over \
         {runs} alternating pairs of facade / raw; target CPU ratio <= {TARGET_RATIO:.2}; load average now {}",
        load_average()
    );
    for row in &rows {
        let verdict = if row.cpu_ratio[1] <= TARGET_RATIO {
            "within"
        } else {
            "ABOVE"
        };
        println!(
            "CPU ratio {}: {:.3} ({verdict} target); overhead {:+.2} us CPU/call",
            row.op.name(),
            row.cpu_ratio[1],
            micros(row.facade_cpu) - micros(row.raw_cpu),
        );
    }
    Ok(())
}

/// Resets the fake and stores what `op` needs; returns the id to get.
fn prepare(fake: &FakeDatadog, op: Op) -> String {
    fake.reset();
    let settings = json!({"setting1": "value1"});
    match op {
        Op::Create => String::new(),
        Op::Get => fake.seed(
            SeedConfig::new("GOOGLE_WORKSPACE", "My GWS Integration", "siem-test.com")
                .settings(settings),
        ),
        Op::List => {
            for t in LIST_TYPES {
                fake.seed(
                    SeedConfig::new(t, format!("{t} sync"), "siem-test.com")
                        .settings(settings.clone()),
                );
            }
            String::new()
        }
    }
}

fn children_cpu() -> Result<Duration, BoxError> {
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN)?;
    let micros = |t: nix::sys::time::TimeVal| {
        Duration::from_secs(t.tv_sec() as u64) + Duration::from_micros(t.tv_usec() as u64)
    };
    Ok(micros(usage.user_time()) + micros(usage.system_time()))
}

fn command(
    variant: Variant,
    op: Op,
    calls: usize,
    base_url: &str,
    id: &str,
    keys: (&str, &str),
    user_agent: &str,
) -> Command {
    let mut cmd = Command::new(variant.exe());
    cmd.args([op.name(), &calls.to_string(), base_url, id])
        .env("DD_API_KEY", keys.0)
        .env("DD_APP_KEY", keys.1)
        .env("ECS_USER_AGENT", user_agent)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

/// Runs one client process to completion; its CPU and wall time per call.
fn run(
    variant: Variant,
    op: Op,
    calls: usize,
    base_url: &str,
    id: &str,
    fake: &FakeDatadog,
    user_agent: &str,
) -> Result<Run, BoxError> {
    let mut cmd = command(
        variant,
        op,
        calls,
        base_url,
        id,
        (fake.api_key(), fake.app_key()),
        user_agent,
    );
    let cpu_before = children_cpu()?;
    let start = Instant::now();
    let output = cmd.output()?;
    let wall = start.elapsed();
    let cpu = children_cpu()? - cpu_before;
    if !output.status.success() {
        return Err(format!(
            "{variant:?} {} failed ({}): {}",
            op.name(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    Ok(Run {
        cpu: cpu / calls as u32,
        wall: wall / calls as u32,
    })
}

/// One call of `op` from each program to a capture listener; fails unless
/// both sent the same bytes.
fn check_same_request(op: Op, user_agent: &str) -> Result<(), BoxError> {
    let reply = match op {
        Op::List => seed_list_response(),
        Op::Create | Op::Get => SEED_RESPONSE.to_string(),
    };
    let keys = (
        "bench-api-key-0123456789abcdef",
        "bench-app-key-0123456789abcdef0123456789",
    );
    let listener = capture(&reply, 2)?;
    for variant in [Variant::Facade, Variant::Raw] {
        let output = command(
            variant,
            op,
            1,
            listener.base_url(),
            SEED_ID,
            keys,
            user_agent,
        )
        .output()?;
        if !output.status.success() {
            return Err(format!(
                "{variant:?} {} against the capture listener failed: {}",
                op.name(),
                String::from_utf8_lossy(&output.stderr)
            )
            .into());
        }
    }
    let seen = listener.wait()?;
    let (facade, raw) = (&seen[0], &seen[1]);
    same_request(facade, raw).map_err(|e| {
        format!(
            "{}: the two programs send different requests: {e}",
            op.name()
        )
    })?;
    for required in ["accept", "dd-api-key", "dd-application-key", "user-agent"] {
        if facade.header(required).is_none() {
            return Err(format!("{}: no `{required}` header", op.name()).into());
        }
    }
    let names: Vec<&str> = facade.headers.iter().map(|(n, _)| n.as_str()).collect();
    println!(
        "{:<6} same bytes from both: {}, headers [{}], body {} bytes",
        op.name(),
        facade.request_line,
        names.join(", "),
        facade.body.len()
    );
    Ok(())
}

struct Row {
    op: Op,
    facade_cpu: Duration,
    raw_cpu: Duration,
    facade_wall: Duration,
    raw_wall: Duration,
    /// min, median, max of the paired ratios.
    cpu_ratio: [f64; 3],
    wall_ratio: [f64; 3],
}

impl Row {
    fn new(op: Op, facade: &[Run], raw: &[Run]) -> Self {
        let ratios = |f: fn(&Run) -> Duration| {
            let mut r: Vec<f64> = facade
                .iter()
                .zip(raw)
                .map(|(a, b)| f(a).as_secs_f64() / f(b).as_secs_f64())
                .collect();
            r.sort_by(f64::total_cmp);
            [r[0], r[r.len() / 2], r[r.len() - 1]]
        };
        let median = |runs: &[Run], f: fn(&Run) -> Duration| {
            let mut v: Vec<Duration> = runs.iter().map(f).collect();
            v.sort();
            v[v.len() / 2]
        };
        Self {
            op,
            facade_cpu: median(facade, |r| r.cpu),
            raw_cpu: median(raw, |r| r.cpu),
            facade_wall: median(facade, |r| r.wall),
            raw_wall: median(raw, |r| r.wall),
            cpu_ratio: ratios(|r| r.cpu),
            wall_ratio: ratios(|r| r.wall),
        }
    }

    fn line(&self) -> String {
        format!(
            "{:<6} CPU ratio {:.3} ({:.3}..{:.3}), wall ratio {:.3} ({:.3}..{:.3})",
            self.op.name(),
            self.cpu_ratio[1],
            self.cpu_ratio[0],
            self.cpu_ratio[2],
            self.wall_ratio[1],
            self.wall_ratio[0],
            self.wall_ratio[2],
        )
    }

    fn table_line(&self) -> String {
        format!(
            "{:<7} {:>8.2} us {:>8.2} us {:>8.3} ({:.3}..{:.3}) {:>8.2} us {:>8.2} us {:>8.3} ({:.3}..{:.3})",
            self.op.name(),
            micros(self.facade_cpu),
            micros(self.raw_cpu),
            self.cpu_ratio[1],
            self.cpu_ratio[0],
            self.cpu_ratio[2],
            micros(self.facade_wall),
            micros(self.raw_wall),
            self.wall_ratio[1],
            self.wall_ratio[0],
            self.wall_ratio[2],
        )
    }
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// The 1-minute load average (`/proc/loadavg`), or `?`.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".to_string())
}
