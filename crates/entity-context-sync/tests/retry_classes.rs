//! Issue 10, retry classes proven by fault injection into the stateful fake:
//! a create (unsafe) is sent exactly once after a 502, a reset or a timeout;
//! every other operation (safe) is retried once and succeeds. Waits go
//! through `RecordingSleep`, so nothing really sleeps between attempts.

use std::time::Duration;

use entity_context_sync::{
    Client, Credentials, Error, IntegrationType, NewSync, Operation, RecordingSleep, RetryPolicy,
};
use entity_context_sync_fake::{API_PATH, FakeDatadog, Fault, SeedConfig};
use serde_json::json;

/// The client's whole-request timeout; the fake's delay fault outlasts it.
const TIMEOUT: Duration = Duration::from_millis(800);
const LONG_DELAY: Duration = Duration::from_secs(60);

fn policy() -> RetryPolicy {
    RetryPolicy::default()
        .max_retries(3)
        .initial_backoff(Duration::from_secs(1))
        .jitter(false)
}

fn client(base_url: &str) -> (Client, RecordingSleep) {
    let sleep = RecordingSleep::default();
    let client = Client::builder()
        .api_key(entity_context_sync_fake::FAKE_API_KEY)
        .app_key(entity_context_sync_fake::FAKE_APP_KEY)
        .base_url(base_url)
        .timeout(TIMEOUT)
        .retry_policy(policy())
        .sleep_impl(sleep.clone())
        .build()
        .expect("client builds");
    (client, sleep)
}

/// The three faults that leave it unknown whether a request was applied.
#[derive(Debug, Clone, Copy)]
enum Kind {
    BadGateway,
    Reset,
    Timeout,
}

const KINDS: [Kind; 3] = [Kind::BadGateway, Kind::Reset, Kind::Timeout];

impl Kind {
    fn fault(self) -> Fault {
        match self {
            Kind::BadGateway => Fault::status(502),
            Kind::Reset => Fault::Reset,
            Kind::Timeout => Fault::Delay(LONG_DELAY),
        }
    }
}

/// Every operation but create, as this test drives it.
const SAFE: [Operation; 9] = [
    Operation::List,
    Operation::Get,
    Operation::Update,
    Operation::Delete,
    Operation::Validate,
    Operation::ValidateCredentials,
    Operation::Activate,
    Operation::Deactivate,
    Operation::EntraIdAppRegistrations,
];

struct World {
    fake: FakeDatadog,
    client: Client,
    sleep: RecordingSleep,
    okta: String,
    entra: String,
}

async fn world() -> World {
    let fake = FakeDatadog::start().await;
    let okta = fake.seed(
        SeedConfig::new("OKTA", "Okta", "acme.okta.com").secrets(json!({"api_token": "fine"})),
    );
    let entra = fake.seed(SeedConfig::new("ENTRA_ID", "Entra", "acme.onmicrosoft.com"));
    let (client, sleep) = client(&fake.base_url());
    World {
        fake,
        client,
        sleep,
        okta,
        entra,
    }
}

/// Runs `op` and returns (attempts, status), checking its value.
async fn run(op: Operation, w: &World) -> Result<(u32, u16), Error> {
    let syncs = w.client.entity_context_syncs();
    Ok(match op {
        Operation::List => {
            let r = syncs.list().await?;
            assert_eq!(r.value.len(), 2);
            (r.attempts, r.status)
        }
        Operation::Get => {
            let r = syncs.get(&w.okta).await?;
            assert_eq!(r.value.id, w.okta);
            (r.attempts, r.status)
        }
        Operation::Update => {
            let r = syncs
                .update(&w.okta, IntegrationType::Okta)
                .enabled(false)
                .await?;
            assert!(!r.value.enabled);
            (r.attempts, r.status)
        }
        Operation::Delete => {
            let r = syncs.delete(&w.okta).await?;
            assert!(!r.value.deleted_by_earlier_attempt);
            assert!(w.fake.config(&w.okta).is_none());
            (r.attempts, r.status)
        }
        Operation::Validate => {
            let r = syncs.validate(&w.okta).await?;
            assert!(r.value.valid);
            (r.attempts, r.status)
        }
        Operation::ValidateCredentials => {
            let r = syncs
                .validate_credentials("acme.okta.com", Credentials::okta("good-token"))
                .await?;
            assert!(r.value.valid);
            (r.attempts, r.status)
        }
        Operation::Activate => {
            let r = syncs.activate(IntegrationType::EntraId).await?;
            assert_eq!(r.value.id, w.entra);
            (r.attempts, r.status)
        }
        Operation::Deactivate => {
            let r = syncs.deactivate(IntegrationType::EntraId).await?;
            assert_eq!(r.value.id, w.entra);
            assert!(!r.value.enabled);
            (r.attempts, r.status)
        }
        Operation::EntraIdAppRegistrations => {
            let r = syncs.entra_id_app_registrations().await?;
            (r.attempts, r.status)
        }
        other => unreachable!("{other:?} is not driven here"),
    })
}

async fn safe_operations_retry(kind: Kind) {
    for op in SAFE {
        let w = world().await;
        w.fake.fail_next(kind.fault());
        let (attempts, status) = run(op, &w)
            .await
            .unwrap_or_else(|e| panic!("{op} after {kind:?}: {e}"));
        assert_eq!(attempts, 2, "{op} after {kind:?}");
        assert!((200..300).contains(&status), "{op}: {status}");
        assert_eq!(w.fake.total_requests(), 2, "{op} after {kind:?}");
        let log = w.fake.requests();
        assert_eq!(log[0].fault, Some(kind.fault()), "{op}");
        assert_eq!(log[1].fault, None);
        assert_eq!(
            (log[0].method.as_str(), &log[0].path),
            (log[1].method.as_str(), &log[1].path)
        );
        assert_eq!(log[1].status, Some(status));
        assert_eq!(w.sleep.waits(), [Duration::from_secs(1)], "{op}");
        assert!(op.is_idempotent());
    }
}

#[tokio::test]
async fn safe_operations_retry_a_502() {
    safe_operations_retry(Kind::BadGateway).await;
}

#[tokio::test]
async fn safe_operations_retry_a_reset() {
    safe_operations_retry(Kind::Reset).await;
}

#[tokio::test]
async fn safe_operations_retry_a_timeout() {
    safe_operations_retry(Kind::Timeout).await;
}

#[tokio::test]
async fn create_is_sent_exactly_once_after_a_502_a_reset_or_a_timeout() {
    for kind in KINDS {
        let w = world().await;
        w.fake.fail_next(kind.fault());
        let err = w
            .client
            .entity_context_syncs()
            .create(NewSync::okta("Okta 2", "acme2.okta.com", "okta-token-2"))
            .await
            .expect_err("create is not retried");
        assert_eq!(w.fake.total_requests(), 1, "{kind:?}: exactly one request");
        assert_eq!(w.fake.request_count("POST", API_PATH), 1);
        assert!(w.sleep.waits().is_empty(), "{kind:?}");
        assert_eq!(err.operation(), Some(Operation::Create));
        assert!(err.may_have_been_applied(), "{kind:?}: {err}");
        assert!(!err.is_retryable(), "{kind:?}: {err}");
        let text = err.to_string();
        assert!(
            text.contains("list()") && text.contains("ensure()"),
            "{kind:?}: {text}"
        );
        assert!(!text.contains("okta-token-2"));
        match (kind, &err) {
            (Kind::BadGateway, Error::Api { status: 502, .. }) => {}
            (Kind::Reset, Error::Transport { attempts: 1, .. }) => {}
            (
                Kind::Timeout,
                Error::Timeout {
                    attempts: 1, after, ..
                },
            ) => {
                assert_eq!(*after, TIMEOUT)
            }
            _ => panic!("{kind:?}: unexpected {err:?}"),
        }
    }
}

#[tokio::test]
async fn create_retries_a_429_since_nothing_was_created() {
    let w = world().await;
    w.fake.fail_next(Fault::status(429));
    let created = w
        .client
        .entity_context_syncs()
        .create(NewSync::okta("Okta 2", "acme2.okta.com", "okta-token-2"))
        .await
        .expect("the retry creates");
    assert_eq!(created.attempts, 2);
    assert_eq!(w.fake.request_count("POST", API_PATH), 2);
    assert_eq!(w.fake.configs().len(), 3, "exactly one created");
}

#[tokio::test]
async fn delete_applied_then_reset_is_done_by_the_earlier_attempt() {
    let w = world().await;
    w.fake.fail_next(Fault::ResetAfterApply);
    let deleted = w
        .client
        .entity_context_syncs()
        .delete(&w.okta)
        .await
        .expect("the retry's 404 means done");
    assert!(deleted.value.deleted_by_earlier_attempt);
    assert_eq!(deleted.value.id, w.okta);
    assert_eq!((deleted.attempts, deleted.status), (2, 404));
    assert_eq!(w.fake.request_count("DELETE", API_PATH), 2);
    assert!(w.fake.config(&w.okta).is_none());
}

#[tokio::test]
async fn delete_of_an_unknown_id_without_ambiguity_is_a_404() {
    let w = world().await;
    let err = w
        .client
        .entity_context_syncs()
        .delete("no-such-id")
        .await
        .expect_err("a plain 404 is an error");
    assert_eq!(err.status(), Some(404));
}

#[tokio::test]
async fn an_error_after_retries_names_attempts_and_time_waited() {
    let w = world().await;
    for _ in 0..4 {
        w.fake.fail_next(Fault::status(502));
    }
    let err = w
        .client
        .entity_context_syncs()
        .get(&w.okta)
        .await
        .expect_err("502 every time");
    assert_eq!(w.fake.total_requests(), 4);
    let waits = w.sleep.waits();
    assert_eq!(
        waits,
        [1, 2, 4].map(Duration::from_secs),
        "exponential backoff, no jitter"
    );
    let waited: Duration = waits.iter().sum();
    let text = err.to_string();
    assert!(
        text.contains(&format!("after 4 attempts over {waited:?}")),
        "{text}"
    );
    assert!(text.starts_with("get: Datadog API error 502"), "{text}");
    assert!(matches!(err, Error::Api { attempts: 4, .. }));
    assert!(err.is_retryable());
    assert!(!err.may_have_been_applied(), "get changes nothing");

    // The same for timeouts of a mutating, idempotent operation.
    let w = world().await;
    w.fake.fail_next(Fault::Delay(LONG_DELAY));
    w.fake.fail_next(Fault::Delay(LONG_DELAY));
    let err = w
        .client
        .entity_context_syncs()
        .update(&w.okta, IntegrationType::Okta)
        .name("renamed")
        .retry_policy(policy().max_retries(1))
        .await
        .expect_err("timed out twice");
    let text = err.to_string();
    assert!(text.contains("after 2 attempts over 1s"), "{text}");
    assert!(text.contains("update is idempotent"), "{text}");
    assert!(err.may_have_been_applied());
    assert!(err.is_retryable());
    assert!(matches!(err, Error::Timeout { attempts: 2, .. }));
}

#[tokio::test]
async fn connect_failure_nothing_was_sent_and_attempts() {
    let (client, sleep) = client(&entity_context_sync_fake::raw::refused_base_url());
    for op in [Operation::Create, Operation::List] {
        let syncs = client.entity_context_syncs();
        let err = match op {
            Operation::Create => syncs
                .create(NewSync::okta("Okta", "acme.okta.com", "okta-token-1"))
                .retry_policy(policy().max_retries(2))
                .await
                .map(|_| ()),
            _ => syncs
                .list()
                .retry_policy(policy().max_retries(2))
                .await
                .map(|_| ()),
        }
        .expect_err("nothing listens");
        let text = err.to_string();
        assert!(text.contains("nothing was sent"), "{op}: {text}");
        assert!(text.contains("after 3 attempts over 3s"), "{op}: {text}");
        assert!(err.is_retryable(), "{op}");
        assert!(!err.may_have_been_applied(), "{op}");
        assert!(
            matches!(
                err,
                Error::Transport {
                    attempts: 3,
                    may_have_been_sent: false,
                    ..
                }
            ),
            "{op}: {err:?}"
        );
    }
    assert_eq!(sleep.waits().len(), 4, "two retries per operation");
}
