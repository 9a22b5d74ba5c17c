//! Fuzzing the decode path: proptest picks a status, `X-RateLimit-*`
//! headers, a `Content-Type` and body bytes; a raw TCP server serves them to
//! the facade's `create`. It never panics, and always returns a value or a
//! typed error whose status is the one served.
//!
//! 256 cases by default from a fixed seed, so CI is fast and repeatable;
//! `PROPTEST_CASES=10000 PROPTEST_RNG_SEED=<n>` explores further.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use entity_context_sync::{Error, RetryPolicy};
use entity_context_sync_tests::faults::{
    Action, RawServer, RecordingSleep, TEST_API_KEY, TEST_APP_KEY, seed_sync, test_client,
};
use entity_context_sync_tests::{SEED_ERROR, SEED_RESPONSE};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestRunner};

const DEFAULT_CASES: u32 = 256;
const DEFAULT_SEED: u64 = 0x5eed_dd5c;
/// Retries after a 429 (the recording sleeper makes them free).
const MAX_RETRIES: u32 = 2;

/// One served reply.
#[derive(Debug, Clone)]
struct Case {
    status: u16,
    content_type: Option<&'static str>,
    rate_limit: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

impl Case {
    fn bytes(&self) -> Vec<u8> {
        let mut head = format!(
            "HTTP/1.1 {} Fuzz\r\ncontent-length: {}\r\nconnection: close\r\n",
            self.status,
            self.body.len()
        );
        if let Some(content_type) = self.content_type {
            head.push_str(&format!("content-type: {content_type}\r\n"));
        }
        for (name, value) in &self.rate_limit {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        let mut out = head.into_bytes();
        out.extend_from_slice(&self.body);
        out
    }
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        3 => prop::sample::select(vec![200u16, 400, 403, 429, 500]),
        2 => 200u16..=599,
    ]
}

fn header_value() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u64..100_000).prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        Just(String::new()),
        Just("-1".to_string()),
        Just("1.5".to_string()),
        Just("18446744073709551616".to_string()),
        prop::collection::vec(0x20u8..0x7f, 0..24)
            .prop_map(|b| String::from_utf8_lossy(&b).trim().to_string()),
    ]
}

fn rate_limit() -> impl Strategy<Value = Vec<(&'static str, String)>> {
    prop::collection::vec(
        (
            prop::sample::select(vec![
                "x-ratelimit-limit",
                "x-ratelimit-period",
                "x-ratelimit-remaining",
                "x-ratelimit-reset",
                "x-ratelimit-name",
            ]),
            header_value(),
        ),
        0..5,
    )
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    let seeds = vec![SEED_RESPONSE.as_bytes(), SEED_ERROR.as_bytes()];
    prop_oneof![
        // Arbitrary bytes.
        prop::collection::vec(any::<u8>(), 0..512),
        // A seed body cut short, or with one byte flipped.
        (
            prop::sample::select(seeds.clone()),
            any::<prop::sample::Index>()
        )
            .prop_map(|(seed, cut)| seed[..cut.index(seed.len() + 1)].to_vec()),
        (
            prop::sample::select(seeds.clone()),
            any::<prop::sample::Index>(),
            any::<u8>()
        )
            .prop_map(|(seed, at, byte)| {
                let mut body = seed.to_vec();
                let i = at.index(body.len());
                body[i] = byte;
                body
            }),
        // A whole seed body.
        prop::sample::select(seeds).prop_map(<[u8]>::to_vec),
        // Datadog's error shape with arbitrary messages, some echoing the keys.
        prop::collection::vec(
            prop_oneof![
                any::<String>(),
                Just(TEST_API_KEY.to_string()),
                Just(format!("echo {TEST_APP_KEY} echo")),
            ],
            0..4
        )
        .prop_map(|errors| serde_json::json!({ "errors": errors })
            .to_string()
            .into_bytes()),
        // Arbitrary JSON-ish text.
        any::<String>().prop_map(String::into_bytes),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    (
        status(),
        prop::option::of(prop::sample::select(vec![
            "application/json",
            "text/html",
            "text/plain; charset=utf-8",
            "application/octet-stream",
        ])),
        rate_limit(),
        body(),
    )
        .prop_map(|(status, content_type, rate_limit, body)| Case {
            status,
            content_type,
            rate_limit,
            body,
        })
}

fn config() -> Config {
    let mut config = Config {
        failure_persistence: None,
        ..Config::default()
    };
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = DEFAULT_CASES;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = RngSeed::Fixed(DEFAULT_SEED);
    }
    config
}

#[test]
fn any_reply_is_a_value_or_a_typed_error_with_the_served_status() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let reply: Arc<Mutex<Vec<u8>>> = Arc::default();
    let serving = Arc::clone(&reply);
    let server = runtime.block_on(RawServer::start(move |_, _| {
        Action::Reply(
            serving
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone(),
        )
    }));
    let sleep = RecordingSleep::default();
    let client = runtime.block_on(async {
        test_client(
            &server.base_url(),
            &sleep,
            RetryPolicy::default().max_retries(MAX_RETRIES),
        )
    });

    let ran = AtomicUsize::new(0);
    let tally: Mutex<std::collections::BTreeMap<&'static str, usize>> = Mutex::default();
    let config = config();
    let cases = config.cases;
    let mut runner = TestRunner::new(config);
    let result = runner.run(&case(), |case| {
        ran.fetch_add(1, Ordering::Relaxed);
        *reply.lock().unwrap_or_else(PoisonError::into_inner) = case.bytes();
        let before = server.requests();
        let outcome = runtime.block_on(async {
            tokio::time::timeout(
                Duration::from_secs(20),
                client
                    .entity_context_syncs()
                    .create(seed_sync())
                    .into_future(),
            )
            .await
        });
        let outcome = outcome.map_err(|_| TestCaseError::fail("create hung"))?;
        let requests = server.requests() - before;
        let kind = match &outcome {
            Ok(created) => {
                prop_assert!((200..300).contains(&case.status), "Ok from {}", case.status);
                prop_assert_eq!(created.status, case.status);
                prop_assert_eq!(created.attempts, 1);
                "value"
            }
            Err(err) => {
                let text = err.to_string();
                prop_assert!(
                    text.chars().count() <= 4096,
                    "message of {} chars",
                    text.len()
                );
                prop_assert!(
                    !text.contains(TEST_API_KEY) && !text.contains(TEST_APP_KEY),
                    "key in {text}"
                );
                // Every reply here is well-formed HTTP: the status always arrives.
                prop_assert_eq!(err.status(), Some(case.status), "{:?}", err);
                match err {
                    Error::Api { status, .. } => {
                        prop_assert!(*status >= 300 && *status != 429);
                        "api"
                    }
                    Error::Decode { status, .. } => {
                        prop_assert!((200..300).contains(status));
                        "decode"
                    }
                    Error::RateLimited { attempts, .. } => {
                        prop_assert_eq!(case.status, 429);
                        prop_assert!(*attempts >= 1 && *attempts <= MAX_RETRIES + 1);
                        prop_assert_eq!(*attempts as usize, requests);
                        "rate_limited"
                    }
                    other => return Err(TestCaseError::fail(format!("untyped: {other:?}"))),
                }
            }
        };
        if case.status != 429 {
            prop_assert_eq!(requests, 1, "only a 429 is retried");
        }
        *tally
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(kind)
            .or_default() += 1;
        Ok(())
    });
    if let Err(err) = result {
        panic!("{err}");
    }
    let ran = ran.load(Ordering::Relaxed);
    assert!(ran >= cases as usize, "ran {ran} of {cases} cases");
    println!(
        "reliability: fuzz ran {ran} cases ({} requests): {:?}",
        server.requests(),
        tally.lock().unwrap_or_else(PoisonError::into_inner)
    );
}
