//! The one table of faults: every operation of the SDK × every fault it
//! must survive, with the outcome expected (the value or the typed error,
//! the requests made, the waits between them, whether the change may have
//! been applied, whether the call may be repeated).
//!
//! Faults come from the stateful fake (a status, a rate limit with exact
//! figures, a reset before or after the request is applied, a reply that
//! comes too late, a malformed body), from a raw server that cuts replies at
//! the socket, and from a port where nothing listens. Waits are recorded by
//! the test bed's `Sleep`, never slept; only the timeout row waits for real
//! (300 ms), and every cell runs concurrently.
//!
//! Each row says what happens to every operation: a row that leaves one out
//! (an operation the spec gained) fails, naming it, and so does an operation
//! without its driver.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use entity_context_sync::{
    Client, Credentials, Error, IntegrationType, NewSync, Operation, RecordingSleep, RetryPolicy,
};
use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};

use entity_context_sync_fake::raw::{Action, RawServer, refused_base_url};
use entity_context_sync_fake::{FakeDatadog, Fault, SeedConfig};
use entity_context_sync_tests::SEED_RESPONSE;
use entity_context_sync_tests::common::{builder, fake};
use entity_context_sync_tests::faults::{http_response, json_response, test_client};
use serde_json::json;

/// The client's whole-request timeout in the timeout row; the fake's delay
/// fault outlasts it. Other rows allow 10 s, far more than any reply takes.
const TIMEOUT: Duration = Duration::from_millis(300);
/// Cells run at once (each starts a fake, and some a raw server).
const CONCURRENT: usize = 8;

use Operation::{
    Activate, Create, Deactivate, Delete, EntraIdAppRegistrations, Get, List, Update, Validate,
    ValidateCredentials,
};

/// Not idempotent.
const CREATE: &[Operation] = &[Create];
/// Idempotent and changing state.
const WRITES: &[Operation] = &[Update, Delete, Activate, Deactivate];
/// Read-only.
const READS: &[Operation] = &[
    List,
    Get,
    Validate,
    ValidateCredentials,
    EntraIdAppRegistrations,
];
/// The credential checks, whose 400 is the answer "not valid".
const CHECKS: &[Operation] = &[Validate, ValidateCredentials];

fn all() -> Vec<Operation> {
    [CREATE, WRITES, READS].concat()
}

fn but(ops: &[Operation], left_out: &[Operation]) -> Vec<Operation> {
    ops.iter()
        .copied()
        .filter(|o| !left_out.contains(o))
        .collect()
}

/// Retries after 1, 2, 4 s (no jitter), at most 3.
fn policy() -> RetryPolicy {
    RetryPolicy::default()
        .max_retries(3)
        .initial_backoff(Duration::from_secs(1))
        .jitter(false)
}

/// Where a row's requests go, and what fails there.
#[derive(Clone)]
enum Where {
    /// The stateful fake, these faults for the first requests.
    Fake(Vec<Fault>),
    /// A raw server answering every request with this.
    Raw(Action),
    /// A port where nothing listens.
    Refused,
}

/// What an operation comes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// A value, after `attempts` requests; `status` when it is not a 2xx.
    Ok { attempts: u32, status: Option<u16> },
    /// A typed error.
    Err {
        kind: Kind,
        status: Option<u16>,
        attempts: u32,
        applied: bool,
        retryable: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Api,
    RateLimited,
    Timeout,
    Transport,
    Decode,
}

fn ok(attempts: u32) -> Expect {
    Expect::Ok {
        attempts,
        status: None,
    }
}

fn err(kind: Kind, status: Option<u16>, attempts: u32, applied: bool, retryable: bool) -> Expect {
    Expect::Err {
        kind,
        status,
        attempts,
        applied,
        retryable,
    }
}

/// One fault, and what every operation comes to under it.
struct Row {
    name: &'static str,
    at: Where,
    policy: RetryPolicy,
    timeout: Duration,
    /// (operations, outcome, waits in milliseconds).
    cells: Vec<(Vec<Operation>, Expect, Vec<u64>)>,
}

fn row(name: &'static str, at: Where) -> Row {
    Row {
        name,
        at,
        policy: policy(),
        timeout: Duration::from_secs(10),
        cells: Vec::new(),
    }
}

impl Row {
    fn policy(mut self, policy: RetryPolicy) -> Self {
        self.policy = policy;
        self
    }

    fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    fn cell(mut self, ops: &[Operation], expect: Expect, waits_ms: &[u64]) -> Self {
        self.cells.push((ops.to_vec(), expect, waits_ms.to_vec()));
        self
    }
}

fn s(secs: u64) -> u64 {
    secs * 1000
}

/// A reply cut short: the head of a `status` reply announcing 400 bytes, and
/// the first bytes of its body.
fn cut_head(status: u16) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: 400\r\nconnection: close\r\n\r\n{{\"data\":{{\"id\":"
    )
    .into_bytes()
}

/// The table.
fn table() -> Vec<Row> {
    let all = all();
    let not_checks = but(&all, CHECKS);
    let safe = [WRITES, READS].concat();
    vec![
        // Rate limits: nothing was applied, so every operation waits and retries.
        row(
            "429 once, reset 3 s",
            Where::Fake(vec![Fault::rate_limited(3)]),
        )
        .cell(&all, ok(2), &[s(3)]),
        row(
            "429 once, no rate-limit headers",
            Where::Fake(vec![Fault::RateLimited { reset: None }]),
        )
        .cell(&all, ok(2), &[s(1)]),
        row(
            "429 once, reset 0",
            Where::Fake(vec![Fault::rate_limited(0)]),
        )
        .cell(&all, ok(2), &[100]),
        row(
            "429 once, reset 3600 s",
            Where::Fake(vec![Fault::rate_limited(3600)]),
        )
        .policy(policy().max_reset_wait(Duration::from_secs(10)))
        .cell(&all, ok(2), &[s(10)]),
        row(
            "429 storm, resets 1 2 3 5 8 13 0 3600",
            Where::Fake(
                [1, 2, 3, 5, 8, 13, 0, 3600]
                    .map(Fault::rate_limited)
                    .to_vec(),
            ),
        )
        .policy(
            policy()
                .max_retries(8)
                .max_reset_wait(Duration::from_secs(3600))
                .total_budget(Duration::MAX),
        )
        .cell(
            &all,
            ok(9),
            &[s(1), s(2), s(3), s(5), s(8), s(13), 100, s(3600)],
        ),
        row(
            "429 every time",
            Where::Fake(vec![Fault::rate_limited(2); 5]),
        )
        .cell(
            &all,
            err(Kind::RateLimited, Some(429), 4, false, true),
            &[s(2), s(2), s(2)],
        ),
        row(
            "429 every time, 5 s wait budget",
            Where::Fake(vec![Fault::rate_limited(2); 5]),
        )
        .policy(policy().total_budget(Duration::from_secs(5)))
        .cell(
            &all,
            err(Kind::RateLimited, Some(429), 3, false, true),
            &[s(2), s(2)],
        ),
        row(
            "429 every time, huge resets, unbounded policy",
            Where::Fake(vec![Fault::rate_limited(u64::MAX); 4]),
        )
        .policy(
            policy()
                .max_reset_wait(Duration::MAX)
                .total_budget(Duration::MAX),
        )
        .cell(
            &all,
            err(Kind::RateLimited, Some(429), 4, false, true),
            &[u64::MAX; 3],
        ),
        // 5xx: it may have been applied; only idempotent operations retry.
        row("502 once", Where::Fake(vec![Fault::status(502)]))
            .cell(CREATE, err(Kind::Api, Some(502), 1, true, false), &[])
            .cell(&safe, ok(2), &[s(1)]),
        row("503 every time", Where::Fake(vec![Fault::status(503); 5]))
            .cell(CREATE, err(Kind::Api, Some(503), 1, true, false), &[])
            .cell(
                WRITES,
                err(Kind::Api, Some(503), 4, true, true),
                &[s(1), s(2), s(4)],
            )
            .cell(
                READS,
                err(Kind::Api, Some(503), 4, false, true),
                &[s(1), s(2), s(4)],
            ),
        row("500, retries off", Where::Fake(vec![Fault::status(500)]))
            .policy(RetryPolicy::none())
            .cell(CREATE, err(Kind::Api, Some(500), 1, true, false), &[])
            .cell(WRITES, err(Kind::Api, Some(500), 1, true, true), &[])
            .cell(READS, err(Kind::Api, Some(500), 1, false, true), &[]),
        // Connections: reset, lost reply, no reply, nothing listening.
        row(
            "reset before it is applied",
            Where::Fake(vec![Fault::Reset]),
        )
        .cell(CREATE, err(Kind::Transport, None, 1, true, false), &[])
        .cell(&safe, ok(2), &[s(1)]),
        row(
            "reset after it is applied",
            Where::Fake(vec![Fault::ResetAfterApply]),
        )
        .cell(CREATE, err(Kind::Transport, None, 1, true, false), &[])
        // The retry finds it gone: done by the first attempt.
        .cell(
            &[Delete],
            Expect::Ok {
                attempts: 2,
                status: Some(404),
            },
            &[s(1)],
        )
        // The retry finds nothing active; the deactivated one is listed.
        .cell(&[Deactivate], ok(3), &[s(1)])
        .cell(&but(&safe, &[Delete, Deactivate]), ok(2), &[s(1)]),
        row(
            "no reply within the timeout",
            Where::Fake(vec![Fault::Delay(Duration::from_secs(60))]),
        )
        .timeout(TIMEOUT)
        .cell(CREATE, err(Kind::Timeout, None, 1, true, false), &[])
        .cell(&safe, ok(2), &[s(1)]),
        row("nothing listens", Where::Refused)
            .policy(policy().max_retries(2))
            .cell(
                &all,
                err(Kind::Transport, None, 3, false, true),
                &[s(1), s(2)],
            ),
        // Replies cut at the socket.
        row("RST before any byte", Where::Raw(Action::Reset(Vec::new())))
            .cell(CREATE, err(Kind::Transport, None, 1, true, false), &[])
            .cell(
                WRITES,
                err(Kind::Transport, None, 4, true, true),
                &[s(1), s(2), s(4)],
            )
            .cell(
                READS,
                err(Kind::Transport, None, 4, false, true),
                &[s(1), s(2), s(4)],
            ),
        row(
            "FIN mid headers",
            Where::Raw(Action::Reply(b"HTTP/1.1 200 OK\r\ncontent-ty".to_vec())),
        )
        .cell(CREATE, err(Kind::Transport, None, 1, true, false), &[])
        .cell(
            WRITES,
            err(Kind::Transport, None, 4, true, true),
            &[s(1), s(2), s(4)],
        )
        .cell(
            READS,
            err(Kind::Transport, None, 4, false, true),
            &[s(1), s(2), s(4)],
        ),
        row("FIN mid 200 body", Where::Raw(Action::Reply(cut_head(200))))
            .cell(CREATE, err(Kind::Transport, None, 1, true, false), &[])
            .cell(
                WRITES,
                err(Kind::Transport, None, 4, true, true),
                &[s(1), s(2), s(4)],
            )
            .cell(
                &but(READS, CHECKS),
                err(Kind::Transport, None, 4, false, true),
                &[s(1), s(2), s(4)],
            )
            // A bodiless 200 is all they expect: the body is not read.
            .cell(CHECKS, ok(1), &[]),
        row("RST mid 500 body", Where::Raw(Action::Reset(cut_head(500))))
            .cell(CREATE, err(Kind::Api, Some(500), 1, true, false), &[])
            .cell(
                WRITES,
                err(Kind::Api, Some(500), 4, true, true),
                &[s(1), s(2), s(4)],
            )
            .cell(
                READS,
                err(Kind::Api, Some(500), 4, false, true),
                &[s(1), s(2), s(4)],
            ),
        // Answers: never retried.
        row("malformed 200 body", Where::Fake(vec![Fault::Malformed]))
            .cell(
                &[Create, Update, Delete, Activate, Deactivate],
                err(Kind::Decode, Some(200), 1, true, false),
                &[],
            )
            .cell(
                &[List, Get, EntraIdAppRegistrations],
                err(Kind::Decode, Some(200), 1, false, false),
                &[],
            )
            // A bodiless 200 is all they expect: the body is not read.
            .cell(CHECKS, ok(1), &[]),
        row("400", Where::Fake(vec![Fault::status(400)]))
            .cell(
                CHECKS,
                Expect::Ok {
                    attempts: 1,
                    status: Some(400),
                },
                &[],
            )
            .cell(&not_checks, err(Kind::Api, Some(400), 1, false, false), &[]),
        row("403", Where::Fake(vec![Fault::status(403)])).cell(
            &all,
            err(Kind::Api, Some(403), 1, false, false),
            &[],
        ),
        row("404", Where::Fake(vec![Fault::status(404)])).cell(
            &all,
            err(Kind::Api, Some(404), 1, false, false),
            &[],
        ),
    ]
}

/// One operation's world: the fake with an Okta config and an Entra ID
/// config, and a client aimed at where the row's requests go.
struct World {
    fake: FakeDatadog,
    raw: Option<RawServer>,
    client: Client,
    sleep: RecordingSleep,
    okta: String,
}

async fn world(row: &Row) -> World {
    let fake = fake().await;
    let okta = fake.seed(
        SeedConfig::new("OKTA", "Okta", "acme.okta.com").secrets(json!({"api_token": "fine"})),
    );
    fake.seed(SeedConfig::new("ENTRA_ID", "Entra", "acme.onmicrosoft.com"));
    let (base, raw) = match &row.at {
        Where::Fake(faults) => {
            for fault in faults {
                fake.fail_next(fault.clone());
            }
            (fake.base_url(), None)
        }
        Where::Raw(action) => {
            let raw = RawServer::always(action.clone()).await;
            (raw.base_url(), Some(raw))
        }
        Where::Refused => (refused_base_url(), None),
    };
    let sleep = RecordingSleep::default();
    let client = builder(&base)
        .timeout(row.timeout)
        .retry_policy(row.policy.clone())
        .sleep_impl(sleep.clone())
        .build()
        .expect("test client builds");
    World {
        fake,
        raw,
        client,
        sleep,
        okta,
    }
}

type Outcome = Result<(u32, u16), Error>;
type Driver = for<'w> fn(&'w World) -> Pin<Box<dyn Future<Output = Outcome> + Send + 'w>>;

/// One call per operation: (attempts, status) of its response.
const DRIVERS: &[(Operation, Driver)] = &[
    (Create, |w| {
        Box::pin(async move {
            let sync = NewSync::okta("Okta 2", "acme2.okta.com", "okta-token-2");
            let r = w.client.entity_context_syncs().create(sync).await?;
            Ok((r.attempts, r.status))
        })
    }),
    (List, |w| {
        Box::pin(async move {
            let r = w.client.entity_context_syncs().list().await?;
            Ok((r.attempts, r.status))
        })
    }),
    (Get, |w| {
        Box::pin(async move {
            let r = w.client.entity_context_syncs().get(&w.okta).await?;
            Ok((r.attempts, r.status))
        })
    }),
    (Update, |w| {
        Box::pin(async move {
            let syncs = w.client.entity_context_syncs();
            let r = syncs
                .update(&w.okta, IntegrationType::Okta)
                .enabled(false)
                .await?;
            Ok((r.attempts, r.status))
        })
    }),
    (Delete, |w| {
        Box::pin(async move {
            let r = w.client.entity_context_syncs().delete(&w.okta).await?;
            assert_eq!(r.value.deleted_by_earlier_attempt, r.status == 404);
            Ok((r.attempts, r.status))
        })
    }),
    (Validate, |w| {
        Box::pin(async move {
            let r = w.client.entity_context_syncs().validate(&w.okta).await?;
            assert_eq!(r.value.valid, r.status != 400);
            Ok((r.attempts, r.status))
        })
    }),
    (ValidateCredentials, |w| {
        Box::pin(async move {
            let syncs = w.client.entity_context_syncs();
            let r = syncs
                .validate_credentials("acme.okta.com", Credentials::okta("good-token"))
                .await?;
            assert_eq!(r.value.valid, r.status != 400);
            Ok((r.attempts, r.status))
        })
    }),
    (Activate, |w| {
        Box::pin(async move {
            let r = w
                .client
                .entity_context_syncs()
                .activate(IntegrationType::EntraId)
                .await?;
            assert_eq!(r.value.integration_type, IntegrationType::EntraId);
            Ok((r.attempts, r.status))
        })
    }),
    (Deactivate, |w| {
        Box::pin(async move {
            let r = w
                .client
                .entity_context_syncs()
                .deactivate(IntegrationType::EntraId)
                .await?;
            assert!(!r.value.enabled);
            Ok((r.attempts, r.status))
        })
    }),
    (EntraIdAppRegistrations, |w| {
        Box::pin(async move {
            let r = w
                .client
                .entity_context_syncs()
                .entra_id_app_registrations()
                .await?;
            Ok((r.attempts, r.status))
        })
    }),
];

fn kind(e: &Error) -> Option<Kind> {
    Some(match e {
        Error::Api { .. } => Kind::Api,
        Error::RateLimited { .. } => Kind::RateLimited,
        Error::Timeout { .. } => Kind::Timeout,
        Error::Transport { .. } => Kind::Transport,
        Error::Decode { .. } => Kind::Decode,
        _ => return None,
    })
}

/// Runs one cell; `Err` says how it differs from the table.
async fn run(row: &Row, op: Operation, expect: Expect, waits_ms: &[u64]) -> Result<(), String> {
    let w = world(row).await;
    let (_, drive) = DRIVERS
        .iter()
        .find(|(o, _)| *o == op)
        .ok_or_else(|| format!("no driver for {op}"))?;
    let outcome = drive(&w).await;
    let mut problems = Vec::new();
    let attempts = match (&outcome, expect) {
        (
            Ok((attempts, status)),
            Expect::Ok {
                attempts: want,
                status: want_status,
            },
        ) => {
            if *attempts != want {
                problems.push(format!("{attempts} attempts, not {want}"));
            }
            match want_status {
                Some(want) if *status != want => {
                    problems.push(format!("status {status}, not {want}"))
                }
                None if !(200..300).contains(status) => problems.push(format!("status {status}")),
                _ => {}
            }
            *attempts
        }
        (
            Err(e),
            Expect::Err {
                kind: want,
                status,
                attempts,
                applied,
                retryable,
            },
        ) => {
            let text = e.to_string();
            if kind(e) != Some(want) {
                problems.push(format!("a {e:?}, not {want:?}"));
            }
            if e.status() != status {
                problems.push(format!("status {:?}, not {status:?}", e.status()));
            }
            if e.attempts() != attempts && want != Kind::Decode {
                problems.push(format!("{} attempts, not {attempts}", e.attempts()));
            }
            if e.may_have_been_applied() != applied {
                problems.push(format!(
                    "may_have_been_applied {}",
                    e.may_have_been_applied()
                ));
            }
            if e.is_retryable() != retryable {
                problems.push(format!("is_retryable {}", e.is_retryable()));
            }
            if e.operation() != Some(op) {
                problems.push(format!("operation {:?}", e.operation()));
            }
            if attempts > 1
                && want != Kind::RateLimited
                && !text.contains(&format!("after {attempts} attempts"))
            {
                problems.push(format!("the message does not say the attempts: {text}"));
            }
            if status == Some(403)
                && !text.contains(&format!("needs the {} permission", op.permission()))
            {
                problems.push(format!("the 403 does not name the permission: {text}"));
            }
            if text.contains("okta-token-2") || text.contains("good-token") {
                problems.push(format!("a secret in the message: {text}"));
            }
            attempts
        }
        (got, want) => {
            problems.push(format!("{got:?}, not {want:?}"));
            0
        }
    };
    let waits: Vec<Duration> = waits_ms
        .iter()
        .map(|&ms| match ms {
            u64::MAX => Duration::from_secs(u64::MAX),
            ms => Duration::from_millis(ms),
        })
        .collect();
    if w.sleep.waits() != waits {
        problems.push(format!("waited {:?}, not {waits:?}", w.sleep.waits()));
    }
    // Each attempt was a request (a deactivate found done also lists).
    let requests = match (&row.at, &w.raw) {
        (Where::Fake(_), _) => w.fake.total_requests() as usize,
        (Where::Raw(_), Some(raw)) => raw.requests(),
        _ => attempts as usize,
    };
    if requests != attempts as usize && attempts > 0 {
        problems.push(format!("{requests} requests for {attempts} attempts"));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{}: {op}: {}", row.name, problems.join("; ")))
    }
}

#[test]
fn every_row_says_what_happens_to_every_operation_and_every_operation_has_a_driver() {
    for op in Operation::ALL {
        assert_eq!(
            DRIVERS.iter().filter(|(o, _)| *o == op).count(),
            1,
            "one driver for {op}"
        );
    }
    for row in table() {
        for op in Operation::ALL {
            let cells = row
                .cells
                .iter()
                .filter(|(ops, ..)| ops.contains(&op))
                .count();
            assert_eq!(
                cells, 1,
                "row {:?} must say what happens to {op} once",
                row.name
            );
        }
        let covered: usize = row.cells.iter().map(|(ops, ..)| ops.len()).sum();
        assert_eq!(covered, Operation::ALL.len(), "row {:?}", row.name);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_under_every_fault_comes_to_what_the_table_says() {
    let rows: &'static [Row] = Box::leak(table().into_boxed_slice());
    let permits = std::sync::Arc::new(tokio::sync::Semaphore::new(CONCURRENT));
    let mut cells = tokio::task::JoinSet::new();
    for row in rows {
        for (ops, expect, waits) in &row.cells {
            for &op in ops {
                let permits = permits.clone();
                cells.spawn(async move {
                    let _permit = permits.acquire_owned().await.expect("open");
                    run(row, op, *expect, waits).await
                });
            }
        }
    }
    let mut failures = Vec::new();
    let mut count = 0;
    while let Some(result) = cells.join_next().await {
        count += 1;
        if let Err(problem) = result.expect("a cell does not panic") {
            failures.push(problem);
        }
    }
    failures.sort();
    assert!(
        failures.is_empty(),
        "{} of {count} cells differ from the table:\n{}",
        failures.len(),
        failures.join("\n")
    );
    println!("fault table: {} rows, {count} cells", rows.len());
}

/// A 429 that says to wait `reset` seconds.
fn raw_429(reset: &str) -> Action {
    let headers = [
        ("content-type", "application/json"),
        ("x-ratelimit-remaining", "0"),
        ("x-ratelimit-reset", reset),
    ];
    Action::Reply(http_response(
        429,
        &headers,
        br#"{"errors":["Too many requests"]}"#,
    ))
}

#[tokio::test]
async fn concurrent_creates_each_get_their_own_reply_and_nothing_is_lost() {
    const CALLS: usize = 16;
    // The first request for each name is rate limited, the second succeeds
    // and echoes the name: 2 requests per create, each reply to its caller.
    let seen: Arc<Mutex<HashSet<String>>> = Arc::default();
    let server = RawServer::start(move |_, request| {
        let text = String::from_utf8_lossy(request);
        let name = text
            .split("\"name\":\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or("")
            .to_string();
        let first = seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(name.clone());
        if first {
            raw_429("1")
        } else {
            let body = SEED_RESPONSE.replace("My GWS Integration", &name);
            Action::Reply(json_response(200, &body))
        }
    })
    .await;
    let sleep = RecordingSleep::default();
    let client = test_client(&server.base_url(), &sleep, RetryPolicy::default());
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..CALLS {
        let client = client.clone();
        tasks.spawn(async move {
            let name = format!("sync-{i:02}");
            let sync = NewSync::google_workspace(
                name.clone(),
                "siem-test.com",
                entity_context_sync_tests::seed_key(),
            )
            .admin_email("test@example.com");
            let created = client.entity_context_syncs().create(sync).await;
            (name, created)
        });
    }
    let mut done = 0;
    while let Some(joined) = tasks.join_next().await {
        let (name, created) = joined.expect("task does not panic");
        let created = created.expect("create succeeds on the second attempt");
        assert_eq!(created.name.as_deref(), Some(name.as_str()));
        assert_eq!(created.attempts, 2);
        done += 1;
    }
    assert_eq!(done, CALLS);
    assert_eq!(server.requests(), CALLS * 2);
    assert_eq!(sleep.waits().len(), CALLS);
    println!(
        "reliability: {CALLS} concurrent creates, {} requests, every reply to its caller",
        server.requests()
    );
}
