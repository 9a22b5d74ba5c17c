//! A client and its clones share one rate-limit budget: concurrent calls
//! against the fake's enforced limit (5 requests per 2 s) wait for the reset
//! together instead of each finding out with a request of its own, and the
//! retries are released in step with the budget. Real time: the fake's
//! window is a real one (about 16 s).

use std::time::Duration;

use entity_context_sync::{Error, NewSync, RetryPolicy};
use entity_context_sync_fake::FakeDatadog;
use entity_context_sync_tests::common::{API_KEY, APP_KEY, builder};
use entity_context_sync_tests::faults::{captured, install_capture};

const CALLS: usize = 40;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forty_concurrent_creates_share_one_budget_of_five_per_two_seconds() {
    install_capture();
    let fake = FakeDatadog::builder()
        .api_key(API_KEY)
        .app_key(APP_KEY)
        .rate_limit(5, 2)
        .start()
        .await;
    let client = builder(&fake.base_url()).build().expect("client");
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..CALLS {
        let client = client.clone();
        tasks.spawn(async move {
            let sync = NewSync::okta(
                format!("Okta {i:02}"),
                "acme.okta.com",
                format!("token-{i:02}-value"),
            );
            client.entity_context_syncs().create(sync).await
        });
    }
    let mut created = 0;
    while let Some(joined) = tasks.join_next().await {
        let result = joined.expect("no task panics");
        let response = result.unwrap_or_else(|e| panic!("every create succeeds: {e}"));
        assert_eq!(response.status, 200);
        created += 1;
    }
    assert_eq!(created, CALLS);
    assert_eq!(fake.configs().len(), CALLS, "none lost, none duplicated");
    let requests = fake.total_requests() as usize;
    assert!(
        requests <= CALLS + 8,
        "{requests} requests for {CALLS} creates: the calls did not share the budget"
    );
    assert!(
        captured().contains("the rate limit's budget is spent: waiting for it to reset"),
        "the wait is a tracing event"
    );
    println!("rate limit: {CALLS} concurrent creates at 5 per 2 s, {requests} requests");
}

/// A wait for the shared budget is bounded by the retry policy's wait
/// budget: past it, the call fails with the figures instead of waiting.
#[tokio::test]
async fn a_wait_longer_than_the_policy_allows_fails_with_the_figures() {
    let fake = FakeDatadog::builder()
        .api_key(API_KEY)
        .app_key(APP_KEY)
        .rate_limit(1, 60)
        .start()
        .await;
    let client = builder(&fake.base_url())
        .retry_policy(RetryPolicy::default().total_budget(Duration::from_secs(5)))
        .build()
        .expect("client");
    let syncs = client.entity_context_syncs();
    syncs.list().await.expect("the first request of the window");
    // The budget is spent (remaining 0, reset ~60 s): the next call waits
    // for nobody's request and fails at once.
    let error = syncs.list().await.expect_err("the wait would pass 5 s");
    let Error::RateLimited {
        attempts,
        rate_limit: Some(figures),
        ..
    } = &error
    else {
        panic!("expected RateLimited, got {error:?}");
    };
    assert_eq!(*attempts, 0, "nothing was sent");
    assert_eq!(figures.remaining, Some(0));
    assert!(
        figures.reset.is_some_and(|r| r > 5 && r <= 60),
        "{figures:?}"
    );
    assert_eq!(fake.total_requests(), 1);
    assert!(error.is_retryable());
    let text = error.to_string();
    assert!(text.contains("the limit resets in"), "{text}");
}
