//! Fault injection: raw TCP servers on 127.0.0.1 that stall, reset, refuse,
//! rate limit and fail, against the facade's `create`. Every wait goes
//! through a recording `Sleep`, so nothing really sleeps except the one
//! test that waits for the configured timeout on purpose.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use entity_context_sync::{Error, NewSync, RetryPolicy};
use entity_context_sync_tests::SEED_RESPONSE;
use entity_context_sync_tests::faults::{
    Action, RawServer, RecordingSleep, builder, http_response, json_response, refused_addr,
    seed_sync, test_client,
};

const SEED_429: &str = r#"{"errors":["Too many requests"]}"#;

fn rate_limited(reset: Option<&str>) -> Action {
    let mut headers = vec![
        ("content-type", "application/json"),
        ("x-ratelimit-limit", "100"),
        ("x-ratelimit-period", "60"),
        ("x-ratelimit-remaining", "0"),
        ("x-ratelimit-name", "security_monitoring_integration_config"),
    ];
    if let Some(reset) = reset {
        headers.push(("x-ratelimit-reset", reset));
    }
    Action::Reply(http_response(429, &headers, SEED_429.as_bytes()))
}

fn bare_429() -> Action {
    Action::Reply(json_response(429, SEED_429))
}

fn ok() -> Action {
    Action::Reply(json_response(200, SEED_RESPONSE))
}

fn secs(d: &[Duration]) -> Vec<f64> {
    d.iter().map(Duration::as_secs_f64).collect()
}

/// Waits (bounded) until the server has counted `n` requests: a request the
/// client gave up on may still sit in the server's socket buffer.
async fn settle(server: &RawServer, n: usize) {
    for _ in 0..100 {
        if server.requests() >= n {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
}

#[tokio::test]
async fn accept_and_never_answer_times_out_once_and_warns_the_create_may_exist() {
    let timeout = Duration::from_millis(500);
    let head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\nconnection: close\r\n\r\n{\"data\":";
    for (label, stall) in [
        ("no reply at all", Vec::new()),
        ("head then half a body", head.to_vec()),
    ] {
        let server = RawServer::always(Action::Stall(stall)).await;
        let sleep = RecordingSleep::default();
        let client = builder(&server.base_url(), &sleep)
            .timeout(timeout)
            .retry_policy(RetryPolicy::default().max_retries(5))
            .build()
            .expect("builds");
        let err = client
            .entity_context_syncs()
            .create(seed_sync())
            .await
            .expect_err(label);
        settle(&server, 1).await;
        assert!(
            matches!(err, Error::Timeout { after, may_have_been_sent: true, .. } if after == timeout),
            "{label}: {err:?}"
        );
        assert!(
            err.may_have_been_applied() && !err.is_retryable(),
            "{label}"
        );
        assert!(
            err.to_string().contains("may have been applied"),
            "{label}: {err}"
        );
        assert_eq!(
            server.requests(),
            1,
            "{label}: a timed-out create is never resent"
        );
        assert!(sleep.waits().is_empty(), "{label}");
    }
}

#[tokio::test]
async fn reset_or_close_mid_response_is_a_typed_error_after_exactly_one_request() {
    let head = |status: u16| {
        format!(
            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: 400\r\nconnection: close\r\n\r\n{{\"data\":{{\"id\":"
        )
        .into_bytes()
    };
    let cases: Vec<(&str, Action)> = vec![
        ("RST before any byte", Action::Reset(Vec::new())),
        ("FIN before any byte", Action::Reply(Vec::new())),
        (
            "RST mid status line",
            Action::Reset(b"HTTP/1.1 20".to_vec()),
        ),
        (
            "FIN mid status line",
            Action::Reply(b"HTTP/1.1 20".to_vec()),
        ),
        (
            "RST mid headers",
            Action::Reset(b"HTTP/1.1 200 OK\r\ncontent-ty".to_vec()),
        ),
        (
            "FIN mid headers",
            Action::Reply(b"HTTP/1.1 200 OK\r\ncontent-ty".to_vec()),
        ),
        ("RST mid 200 body", Action::Reset(head(200))),
        ("FIN mid 200 body", Action::Reply(head(200))),
        ("RST mid 400 body", Action::Reset(head(400))),
        ("FIN mid 400 body", Action::Reply(head(400))),
        ("RST mid 429 body", Action::Reset(head(429))),
        ("RST mid 500 body", Action::Reset(head(500))),
        ("FIN mid 500 body", Action::Reply(head(500))),
    ];
    let n = cases.len();
    for (label, action) in cases {
        let server = RawServer::always(action).await;
        let sleep = RecordingSleep::default();
        let client = test_client(
            &server.base_url(),
            &sleep,
            RetryPolicy::default().max_retries(5),
        );
        let err = client
            .entity_context_syncs()
            .create(seed_sync())
            .await
            .expect_err(label);
        match &err {
            Error::Transport {
                may_have_been_sent: true,
                ..
            } => {}
            // A 5xx head arrived: the partial body is quoted, the status kept.
            Error::Api { status: 500, .. } if label.contains("500") => {}
            other => panic!("{label}: unexpected {other:?}"),
        }
        assert!(
            err.may_have_been_applied() && !err.is_retryable(),
            "{label}: {err}"
        );
        assert_eq!(server.requests(), 1, "{label}: never resent");
        assert!(sleep.waits().is_empty(), "{label}");
    }
    println!("reliability: {n} reset/close cases, each 1 request, each a typed error");
}

#[tokio::test]
async fn a_429_storm_waits_exactly_the_reset_values_and_sends_n_plus_one_requests() {
    let resets = ["1", "2", "3", "5", "8", "13", "0", "3600"];
    let mut script: Vec<Action> = resets.iter().map(|r| rate_limited(Some(r))).collect();
    script.push(ok());
    let server = RawServer::sequence(script).await;
    let sleep = RecordingSleep::default();
    let client = test_client(
        &server.base_url(),
        &sleep,
        RetryPolicy::default()
            .max_retries(resets.len() as u32)
            .total_budget(Duration::from_secs(3600)),
    );
    let created = client
        .entity_context_syncs()
        .create(seed_sync())
        .await
        .expect("succeeds after the storm");
    let n = resets.len();
    assert_eq!(server.requests(), n + 1);
    assert_eq!(created.attempts as usize, n + 1);
    assert_eq!(created.status, 200);
    // Each wait is the server's X-RateLimit-Reset: 0 is floored at 100 ms,
    // 3600 capped at the policy's max_reset_wait (60 s).
    assert_eq!(
        sleep.waits(),
        [1, 2, 3, 5, 8, 13]
            .map(Duration::from_secs)
            .into_iter()
            .chain([Duration::from_millis(100), Duration::from_secs(60)])
            .collect::<Vec<_>>()
    );
    println!(
        "reliability: 429 storm of {n}: {} requests, waits {:?} s",
        server.requests(),
        secs(&sleep.waits())
    );
}

#[tokio::test]
async fn a_429_that_never_ends_stops_at_max_retries_or_the_budget() {
    // Default policy: 3 retries.
    let server = RawServer::always(rate_limited(Some("1"))).await;
    let sleep = RecordingSleep::default();
    let client = test_client(&server.base_url(), &sleep, RetryPolicy::default());
    let err = client
        .entity_context_syncs()
        .create(seed_sync())
        .await
        .expect_err("still limited");
    match &err {
        Error::RateLimited {
            attempts: 4,
            waited,
            errors,
            rate_limit: Some(rl),
            ..
        } => {
            assert_eq!(*waited, Duration::from_secs(3));
            assert_eq!(errors, &["Too many requests"]);
            assert_eq!(rl.reset, Some(1));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(err.is_retryable() && !err.may_have_been_applied());
    assert_eq!(err.status(), Some(429));
    assert_eq!(server.requests(), 4);
    assert_eq!(sleep.waits(), [Duration::from_secs(1); 3]);

    // A 50 s reset against the 120 s budget: the third wait would pass it.
    let server = RawServer::always(rate_limited(Some("50"))).await;
    let sleep = RecordingSleep::default();
    let client = test_client(&server.base_url(), &sleep, RetryPolicy::default());
    let err = client
        .entity_context_syncs()
        .create(seed_sync())
        .await
        .expect_err("budget");
    assert!(
        matches!(err, Error::RateLimited { attempts: 3, .. }),
        "{err:?}"
    );
    assert_eq!(server.requests(), 3);
    assert_eq!(sleep.waits(), [Duration::from_secs(50); 2]);

    // Retries disabled: one request, no wait.
    let server = RawServer::always(rate_limited(Some("1"))).await;
    let sleep = RecordingSleep::default();
    let client = test_client(&server.base_url(), &sleep, RetryPolicy::none());
    let err = client
        .entity_context_syncs()
        .create(seed_sync())
        .await
        .expect_err("no retry");
    assert!(
        matches!(err, Error::RateLimited { attempts: 1, .. }),
        "{err:?}"
    );
    assert_eq!(server.requests(), 1);
    assert!(sleep.waits().is_empty());
}

#[tokio::test]
async fn a_429_without_rate_limit_headers_backs_off_with_bounded_jitter() {
    const CALLS: usize = 25;
    let server = RawServer::always(bare_429()).await;
    let sleep = RecordingSleep::default();
    let client = test_client(&server.base_url(), &sleep, RetryPolicy::default());
    for call in 0..CALLS {
        let before = sleep.waits().len();
        let err = client
            .entity_context_syncs()
            .create(seed_sync())
            .await
            .expect_err("limited");
        assert!(
            matches!(
                err,
                Error::RateLimited {
                    attempts: 4,
                    rate_limit: None,
                    ..
                }
            ),
            "{err:?}"
        );
        let waits = &sleep.waits()[before..];
        assert_eq!(waits.len(), 3, "call {call}");
        // Exponential from 1 s, jittered into [base/2, base].
        for (wait, base) in waits.iter().zip([1.0, 2.0, 4.0]) {
            let w = wait.as_secs_f64();
            assert!(
                w >= base / 2.0 && w <= base,
                "call {call}: {w} not in [{}, {base}]",
                base / 2.0
            );
        }
    }
    assert_eq!(server.requests(), CALLS * 4);

    // Without jitter the backoff is exact, capped at 30 s, and the 120 s
    // budget stops it before max_retries(10).
    let server = RawServer::always(bare_429()).await;
    let sleep = RecordingSleep::default();
    let client = test_client(
        &server.base_url(),
        &sleep,
        RetryPolicy::default().jitter(false).max_retries(10),
    );
    let err = client
        .entity_context_syncs()
        .create(seed_sync())
        .await
        .expect_err("limited");
    assert_eq!(
        sleep.waits(),
        [1, 2, 4, 8, 16, 30, 30].map(Duration::from_secs)
    );
    assert!(
        matches!(err, Error::RateLimited { attempts: 8, .. }),
        "{err:?}"
    );
    assert_eq!(server.requests(), 8);
    println!(
        "reliability: {CALLS} calls x 4 attempts on header-less 429s, every jittered wait in bounds"
    );
}

#[tokio::test]
async fn a_5xx_on_create_is_never_resent() {
    let statuses = [500u16, 502, 503, 504, 507, 599];
    for status in statuses {
        let server = RawServer::always(Action::Reply(json_response(
            status,
            r#"{"errors":["Internal Server Error"]}"#,
        )))
        .await;
        let sleep = RecordingSleep::default();
        let client = test_client(
            &server.base_url(),
            &sleep,
            RetryPolicy::default().max_retries(10),
        );
        let err = client
            .entity_context_syncs()
            .create(seed_sync())
            .await
            .expect_err("5xx");
        assert!(
            matches!(&err, Error::Api { status: s, .. } if *s == status),
            "{err:?}"
        );
        assert!(err.may_have_been_applied() && !err.is_retryable());
        assert!(err.to_string().contains("may have been applied"), "{err}");
        assert_eq!(server.requests(), 1, "{status}: no duplicate create");
        assert!(sleep.waits().is_empty());
    }
    println!(
        "reliability: {} 5xx statuses, 1 request each",
        statuses.len()
    );
}

#[tokio::test]
async fn connection_refused_is_retried_because_nothing_was_sent() {
    let addr = refused_addr();
    let sleep = RecordingSleep::default();
    let client = test_client(
        &format!("http://{addr}"),
        &sleep,
        RetryPolicy::default().jitter(false),
    );
    let err = client
        .entity_context_syncs()
        .create(seed_sync())
        .await
        .expect_err("refused");
    assert!(
        matches!(
            err,
            Error::Transport {
                may_have_been_sent: false,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.is_retryable() && !err.may_have_been_applied());
    assert!(err.to_string().contains("nothing was sent"), "{err}");
    // 3 waits = 4 attempts (max_retries 3), exponential without jitter.
    assert_eq!(sleep.waits(), [1, 2, 4].map(Duration::from_secs));
}

#[tokio::test]
async fn huge_reset_values_with_unbounded_policy_do_not_overflow() {
    let server = RawServer::always(rate_limited(Some("18446744073709551615"))).await;
    let sleep = RecordingSleep::default();
    let client = test_client(
        &server.base_url(),
        &sleep,
        RetryPolicy::default()
            .max_retries(3)
            .max_reset_wait(Duration::MAX)
            .total_budget(Duration::MAX),
    );
    let err = client
        .entity_context_syncs()
        .create(seed_sync())
        .await
        .expect_err("limited");
    // Before the fix, the second 429 panicked: `waited + wait` overflowed.
    assert!(
        matches!(err, Error::RateLimited { attempts: 4, .. }),
        "{err:?}"
    );
    assert_eq!(server.requests(), 4);
    assert_eq!(sleep.waits(), [Duration::from_secs(u64::MAX); 3]);
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
            rate_limited(Some("1"))
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
