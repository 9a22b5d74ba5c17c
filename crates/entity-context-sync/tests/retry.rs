//! 429 handling: waits taken from `X-RateLimit-Reset` (capped), exponential
//! backoff without it, the retry and time budgets, and the final error.
//! Every wait goes through a recording `Sleep`: nothing really sleeps.

mod common;

use std::time::Duration;

use common::*;
use entity_context_sync::{Error, NewSync, RetryPolicy};
use entity_context_sync_httpmock::MockServerExt;
use httpmock::{Mock, MockServer};

fn sync() -> NewSync {
    NewSync::okta("Okta", "acme.okta.com", SECRET)
}

/// A 429 with Datadog's body and rate-limit headers (`reset` seconds), served `times` times.
fn limited(server: &MockServer, reset: u64, times: usize) -> Mock<'_> {
    let mock = server.create_security_monitoring_integration_config(|_, then| {
        rate_limit_headers(
            then.too_many_requests(&api_errors(&["Too many requests"]))
                .into_inner(),
            100,
            0,
            reset,
        );
    });
    mock.up_to_n_times(times);
    mock
}

fn ok(server: &MockServer) -> Mock<'_> {
    server.create_security_monitoring_integration_config(|_, then| {
        rate_limit_headers(then.ok(&seed_response()).into_inner(), 100, 99, 60);
    })
}

#[tokio::test]
async fn rate_limited_then_success_waits_each_reset() {
    let server = MockServer::start_async().await;
    let first = limited(&server, 3, 1);
    let second = limited(&server, 5, 1);
    let ok = ok(&server);
    let (client, sleep) = client(&server);
    let created = client
        .entity_context_syncs()
        .create(sync())
        .await
        .expect("succeeds after two 429s");
    assert_eq!(created.attempts, 3);
    assert_eq!(sleep.waits(), secs(&[3, 5]));
    assert_eq!((first.calls(), second.calls(), ok.calls()), (1, 1, 1));
    // The rate limit reported is the final (successful) response's.
    assert_eq!(
        created.rate_limit.as_ref().and_then(|r| r.remaining),
        Some(99)
    );
    assert_eq!(created.status, 200);
}

#[tokio::test]
async fn reset_waits_are_capped_by_max_reset_wait_and_floored() {
    let server = MockServer::start_async().await;
    let long = limited(&server, 3600, 1);
    let zero = limited(&server, 0, 1);
    let ok = ok(&server);
    let (client, sleep) = client_with(
        &server.base_url(),
        RetryPolicy::default().max_reset_wait(Duration::from_secs(10)),
    );
    let created = client
        .entity_context_syncs()
        .create(sync())
        .await
        .expect("succeeds");
    assert_eq!(created.attempts, 3);
    // 3600 s is capped to 10 s; a reset of 0 still waits 100 ms (no hot loop).
    assert_eq!(
        sleep.waits(),
        [Duration::from_secs(10), Duration::from_millis(100)]
    );
    assert_eq!((long.calls(), zero.calls(), ok.calls()), (1, 1, 1));
}

#[tokio::test]
async fn exhausting_max_retries_is_a_rate_limited_error() {
    let server = MockServer::start_async().await;
    let mock = limited(&server, 2, 100);
    let (client, sleep) = client_with(&server.base_url(), RetryPolicy::default().max_retries(3));
    let err = client
        .entity_context_syncs()
        .create(sync())
        .await
        .expect_err("always 429");
    println!("429 after retries Display: {err}");
    assert_eq!(mock.calls(), 4, "first attempt + 3 retries");
    assert_eq!(sleep.waits(), secs(&[2, 2, 2]));
    let Error::RateLimited {
        attempts,
        waited,
        errors,
        rate_limit,
        ..
    } = &err
    else {
        panic!("expected Error::RateLimited, got {err:?}");
    };
    assert_eq!(*attempts, 4);
    assert_eq!(*waited, Duration::from_secs(6));
    assert_eq!(errors, &["Too many requests"]);
    let rl = rate_limit.as_ref().expect("rate limit kept");
    assert_eq!(
        (rl.limit, rl.remaining, rl.reset),
        (Some(100), Some(0), Some(2))
    );
    assert_eq!(
        err.to_string(),
        "create: rate limited by Datadog (429) after 4 attempt(s) over 6s; the limit resets in 2s: Too many requests"
    );
    assert_eq!(err.status(), Some(429));
    assert!(err.is_retryable());
    assert!(!err.may_have_been_applied());
    assert_eq!(err.rate_limit().and_then(|r| r.reset), Some(2));
}

#[tokio::test]
async fn without_rate_limit_headers_backoff_is_exponential_and_capped() {
    let server = MockServer::start_async().await;
    let mock = server.create_security_monitoring_integration_config(|_, then| {
        then.too_many_requests(&api_errors(&["Too many requests"]));
    });
    let (client, sleep) = client_with(
        &server.base_url(),
        RetryPolicy::default()
            .max_retries(5)
            .initial_backoff(Duration::from_millis(500))
            .max_backoff(Duration::from_secs(3))
            .jitter(false),
    );
    let err = client
        .entity_context_syncs()
        .create(sync())
        .await
        .expect_err("always 429");
    assert_eq!(
        sleep.waits(),
        [500, 1000, 2000, 3000, 3000]
            .map(Duration::from_millis)
            .to_vec()
    );
    assert_eq!(mock.calls(), 6);
    assert!(
        matches!(&err, Error::RateLimited { attempts: 6, rate_limit: None, waited, .. } if *waited == Duration::from_millis(9500)),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "create: rate limited by Datadog (429) after 6 attempt(s) over 9.5s: Too many requests"
    );
}

#[tokio::test]
async fn jittered_backoff_stays_between_half_and_all_of_each_step() {
    let server = MockServer::start_async().await;
    server.create_security_monitoring_integration_config(|_, then| {
        then.too_many_requests(&api_errors(&["Too many requests"]));
    });
    let (client, sleep) = client_with(
        &server.base_url(),
        RetryPolicy::default().max_retries(5), // jitter on by default
    );
    client
        .entity_context_syncs()
        .create(sync())
        .await
        .expect_err("always 429");
    let waits = sleep.waits();
    assert_eq!(waits.len(), 5, "{waits:?}");
    for (wait, base) in waits.iter().zip([1u64, 2, 4, 8, 16]) {
        let base = Duration::from_secs(base);
        assert!(
            *wait >= base / 2 && *wait <= base,
            "{wait:?} not in [{:?}, {base:?}] (all: {waits:?})",
            base / 2
        );
    }
}

#[tokio::test]
async fn total_budget_stops_retrying_early() {
    let server = MockServer::start_async().await;
    let mock = limited(&server, 10, 100);
    let (client, sleep) = client_with(
        &server.base_url(),
        RetryPolicy::default()
            .max_retries(10)
            .total_budget(Duration::from_secs(25)),
    );
    let err = client
        .entity_context_syncs()
        .create(sync())
        .await
        .expect_err("always 429");
    // 10 + 10 fits in 25 s; a third 10 s wait would not.
    assert_eq!(sleep.waits(), secs(&[10, 10]));
    assert_eq!(mock.calls(), 3);
    assert!(
        matches!(&err, Error::RateLimited { attempts: 3, waited, .. } if *waited == Duration::from_secs(20)),
        "{err:?}"
    );
}

#[tokio::test]
async fn retry_policy_none_sends_exactly_one_request() {
    let server = MockServer::start_async().await;
    let mock = limited(&server, 1, 100);
    let (client, sleep) = client_with(&server.base_url(), RetryPolicy::none());
    let err = client
        .entity_context_syncs()
        .create(sync())
        .await
        .expect_err("429");
    assert_eq!(mock.calls(), 1);
    assert!(sleep.waits().is_empty());
    assert!(
        matches!(&err, Error::RateLimited { attempts: 1, waited, .. } if waited.is_zero()),
        "{err:?}"
    );
}

#[tokio::test]
async fn rate_limited_with_html_or_empty_body_is_still_retried() {
    for (content_type, body) in [
        (
            "text/html",
            "<html><body><h1>429 Too Many Requests</h1></body></html>",
        ),
        ("application/json", ""),
    ] {
        let server = MockServer::start_async().await;
        let mock = server.create_security_monitoring_integration_config(|_, then| {
            rate_limit_headers(
                then.into_inner()
                    .status(429)
                    .header("content-type", content_type)
                    .body(body),
                100,
                0,
                4,
            );
        });
        let (client, sleep) =
            client_with(&server.base_url(), RetryPolicy::default().max_retries(2));
        let err = client
            .entity_context_syncs()
            .create(sync())
            .await
            .expect_err("always 429");
        let case = format!("{content_type} {body:?}");
        assert_eq!(mock.calls(), 3, "{case}");
        assert_eq!(sleep.waits(), secs(&[4, 4]), "{case}");
        let Error::RateLimited {
            attempts,
            errors,
            rate_limit,
            ..
        } = &err
        else {
            panic!("{case}: expected Error::RateLimited, got {err:?}");
        };
        assert_eq!(*attempts, 3, "{case}");
        assert!(errors.is_empty(), "{case}");
        let rl = rate_limit.as_ref().expect("headers kept");
        assert_eq!((rl.remaining, rl.reset), (Some(0), Some(4)), "{case}");
        assert_eq!(err.status(), Some(429), "{case}");
        assert!(err.is_retryable(), "{case}");
    }
}

#[tokio::test]
async fn rate_limited_then_html_429_then_success() {
    let server = MockServer::start_async().await;
    let json = limited(&server, 1, 1);
    let html = server.create_security_monitoring_integration_config(|_, then| {
        then.into_inner()
            .status(429)
            .header("content-type", "text/html")
            .body("<h1>slow down</h1>");
    });
    html.up_to_n_times(1);
    let ok = ok(&server);
    let (client, sleep) = client_with(
        &server.base_url(),
        RetryPolicy::default()
            .initial_backoff(Duration::from_secs(2))
            .jitter(false),
    );
    let created = client
        .entity_context_syncs()
        .create(sync())
        .await
        .expect("succeeds");
    assert_eq!(created.attempts, 3);
    // First wait from the header; the second 429 had none: backoff for retry #2.
    assert_eq!(sleep.waits(), secs(&[1, 4]));
    assert_eq!((json.calls(), html.calls(), ok.calls()), (1, 1, 1));
}

#[tokio::test]
async fn unbounded_policy_with_an_enormous_reset_does_not_panic() {
    let server = MockServer::start_async().await;
    let mock = limited(&server, u64::MAX, 100);
    let (client, sleep) = client_with(
        &server.base_url(),
        RetryPolicy::default()
            .max_retries(2)
            .max_reset_wait(Duration::MAX)
            .total_budget(Duration::MAX),
    );
    let err = client
        .entity_context_syncs()
        .create(sync())
        .await
        .expect_err("always 429");
    assert_eq!(sleep.waits(), secs(&[u64::MAX, u64::MAX]));
    assert_eq!(mock.calls(), 3);
    assert!(
        matches!(&err, Error::RateLimited { attempts: 3, waited, .. } if *waited == Duration::MAX),
        "{err:?}"
    );
}

#[tokio::test]
async fn connection_refused_retries_use_the_same_backoff() {
    // A refused connection is retried with the same backoff as a 429 without headers.
    let (client, sleep) = client_with(
        &refused_base_url(),
        RetryPolicy::default()
            .max_retries(2)
            .initial_backoff(Duration::from_secs(3))
            .jitter(false),
    );
    let err = client
        .entity_context_syncs()
        .create(sync())
        .await
        .expect_err("refused");
    assert_eq!(sleep.waits(), secs(&[3, 6]));
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
}
