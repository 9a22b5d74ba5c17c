//! Malformed replies: every one becomes a typed error (or, where the SDK is
//! deliberately lenient, a value), never a panic, and every error's text
//! stays short whatever the body's size.

use std::sync::{Arc, Mutex, PoisonError};

use entity_context_sync::{Error, IntegrationType, Response, RetryPolicy, SyncState};
use entity_context_sync_tests::SEED_RESPONSE;
use entity_context_sync_tests::faults::{
    Action, RawServer, RecordingSleep, http_response, json_response, seed_sync, test_client,
};
use serde_json::{Value, json};

/// Longest `Display` of any error in this file, in characters: a quoted
/// excerpt is capped at 256 characters, Datadog's `errors` at 10 messages of
/// 256 characters each; the rest is fixed text.
const MAX_MESSAGE_CHARS: usize = 4096;
/// The excerpt cap (256 characters) plus the `…` marking a cut.
const MAX_EXCERPT_CHARS: usize = 257;

type Outcome = entity_context_sync::Result<Response<entity_context_sync::IntegrationConfig>>;

/// One server and one client for a whole test; each [`serve`](Rig::serve)
/// swaps the reply.
struct Rig {
    server: RawServer,
    client: entity_context_sync::Client,
    reply: Arc<Mutex<Action>>,
}

impl Rig {
    async fn new() -> Self {
        let reply = Arc::new(Mutex::new(Action::Reply(Vec::new())));
        let serving = Arc::clone(&reply);
        let server = RawServer::start(move |_, _| {
            serving
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone()
        })
        .await;
        let client = test_client(
            &server.base_url(),
            &RecordingSleep::default(),
            RetryPolicy::none(),
        );
        Self {
            server,
            client,
            reply,
        }
    }

    /// Serves `action` once (no retries) and returns what `create` made of it.
    async fn serve(&self, action: Action) -> Outcome {
        *self.reply.lock().unwrap_or_else(PoisonError::into_inner) = action;
        let before = self.server.requests();
        let outcome = self.client.entity_context_syncs().create(seed_sync()).await;
        assert_eq!(self.server.requests() - before, 1, "one request, no retry");
        outcome
    }
}

fn with_type(status: u16, content_type: &str, body: &[u8]) -> Action {
    Action::Reply(http_response(
        status,
        &[("content-type", content_type)],
        body,
    ))
}

/// Checks the invariants every error shares and returns it.
fn typed(label: &str, outcome: Outcome) -> Error {
    let err = match outcome {
        Ok(value) => panic!("{label}: expected an error, got {value:?}"),
        Err(err) => err,
    };
    let text = err.to_string();
    assert!(
        text.chars().count() <= MAX_MESSAGE_CHARS,
        "{label}: message of {} chars",
        text.chars().count()
    );
    let excerpt = match &err {
        Error::Api { body_excerpt, .. } => body_excerpt.clone().unwrap_or_default(),
        Error::Decode { body_excerpt, .. } => body_excerpt.clone(),
        _ => String::new(),
    };
    assert!(
        excerpt.chars().count() <= MAX_EXCERPT_CHARS,
        "{label}: excerpt of {} chars",
        excerpt.chars().count()
    );
    err
}

fn decode(label: &str, outcome: Outcome, status: u16) {
    let err = typed(label, outcome);
    assert!(
        matches!(&err, Error::Decode { status: s, .. } if *s == status),
        "{label}: {err:?}"
    );
    assert!(
        err.may_have_been_applied(),
        "{label}: a 2xx may have created it"
    );
}

fn api(label: &str, outcome: Outcome, status: u16) -> Error {
    let err = typed(label, outcome);
    let ok = match &err {
        Error::RateLimited { attempts: 1, .. } => status == 429,
        Error::Api { status: s, .. } => *s == status,
        _ => false,
    };
    assert!(ok, "{label}: {err:?}");
    assert_eq!(err.status(), Some(status), "{label}");
    err
}

fn seed() -> Value {
    serde_json::from_str(SEED_RESPONSE).expect("seed response")
}

#[tokio::test]
async fn every_truncation_of_the_200_body_is_a_decode_error() {
    let body = serde_json::to_string(&seed()).expect("encodes");
    let n = body.len();
    let prefixes: Vec<Action> = (0..n)
        .map(|len| Action::Reply(json_response(200, &body[..len])))
        .chain([Action::Reply(json_response(200, &body))])
        .collect();
    let server = RawServer::sequence(prefixes).await;
    let sleep = RecordingSleep::default();
    let client = test_client(&server.base_url(), &sleep, RetryPolicy::none());
    for len in 0..n {
        let outcome = client.entity_context_syncs().create(seed_sync()).await;
        decode(&format!("prefix of {len} bytes"), outcome, 200);
    }
    let whole = client.entity_context_syncs().create(seed_sync()).await;
    assert_eq!(
        whole.expect("the whole body decodes").id,
        seed()["data"]["id"]
    );
    assert_eq!(server.requests(), n + 1);
    println!("reliability: {n} truncated 200 bodies, {n} decode errors");
}

#[tokio::test]
async fn wrong_types_and_missing_required_fields_are_decode_errors() {
    let rig = Rig::new().await;
    let mut cases: Vec<(String, Value)> = Vec::new();
    // Wrong types, one field at a time.
    for (pointer, value) in [
        ("/data", json!(null)),
        ("/data", json!([])),
        ("/data/id", json!(123)),
        ("/data/type", json!("not_integration_config")),
        ("/data/attributes", json!("x")),
        ("/data/attributes/enabled", json!("yes")),
        ("/data/attributes/domain", json!(["siem-test.com"])),
        ("/data/attributes/integration_type", json!(7)),
        ("/data/attributes/created_at", json!("yesterday")),
        ("/data/attributes/modified_at", json!(12)),
        ("/data/attributes/settings", json!([1, 2])),
        ("/data/attributes/name", json!({"a": 1})),
        ("/data/attributes/state", json!(false)),
    ] {
        let mut body = seed();
        *body.pointer_mut(pointer).expect("pointer exists") = value.clone();
        cases.push((format!("{pointer} = {value}"), body));
    }
    // Required fields, removed one at a time.
    for (parent, key) in [
        ("", "data"),
        ("/data", "id"),
        ("/data", "type"),
        ("/data", "attributes"),
        ("/data/attributes", "domain"),
        ("/data/attributes", "enabled"),
        ("/data/attributes", "integration_type"),
    ] {
        let mut body = seed();
        let parent_value = if parent.is_empty() {
            Some(&mut body)
        } else {
            body.pointer_mut(parent)
        };
        parent_value
            .and_then(Value::as_object_mut)
            .and_then(|o| o.remove(key))
            .expect("field exists");
        cases.push((format!("without {parent}/{key}"), body));
    }
    for (label, body) in [
        ("null", json!(null)),
        ("array", json!([seed()])),
        ("string", json!("ok")),
        ("number", json!(200)),
        ("empty object", json!({})),
        ("errors on a 200", json!({"errors": ["Bad Request"]})),
    ] {
        cases.push((label.to_string(), body));
    }
    let n = cases.len();
    for (label, body) in cases {
        let outcome = rig
            .serve(Action::Reply(json_response(200, &body.to_string())))
            .await;
        decode(&label, outcome, 200);
    }
    println!("reliability: {n} wrong-type/missing-field 200 bodies, {n} decode errors");
}

#[tokio::test]
async fn lenient_where_the_spec_allows_it() {
    let rig = Rig::new().await;
    // Optional fields may be absent; unknown enum values and extra fields are kept or ignored.
    let mut body = seed();
    let attributes = body
        .pointer_mut("/data/attributes")
        .and_then(Value::as_object_mut)
        .expect("attributes");
    for key in ["created_at", "modified_at", "name", "settings", "state"] {
        attributes.remove(key);
    }
    attributes.insert("integration_type".into(), json!("NEW_SOURCE"));
    attributes.insert("extra".into(), json!({"nested": [1, 2, 3]}));
    let created = rig
        .serve(Action::Reply(json_response(200, &body.to_string())))
        .await
        .expect("optional fields are optional");
    assert_eq!(
        created.integration_type,
        IntegrationType::Unknown("NEW_SOURCE".into())
    );
    assert_eq!(created.state, None);

    let mut body = seed();
    body["data"]["attributes"]["state"] = json!("quarantined");
    let created = rig
        .serve(Action::Reply(json_response(200, &body.to_string())))
        .await
        .expect("unknown state is kept");
    assert_eq!(
        created.state,
        Some(SyncState::Unknown("quarantined".into()))
    );

    // The content type is not checked: a JSON body labelled text/html decodes.
    let created = rig
        .serve(with_type(200, "text/html", SEED_RESPONSE.as_bytes()))
        .await
        .expect("JSON body decodes whatever the label");
    assert_eq!(created.status, 200);
}

#[tokio::test]
async fn html_empty_and_non_json_bodies_are_typed_errors() {
    let rig = Rig::new().await;
    let html = b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>";
    let mut n = 0;
    for status in [200u16, 201, 400, 403, 404, 429, 500, 502, 503] {
        for (label, content_type, body) in [
            ("html", "text/html", &html[..]),
            ("empty", "application/json", &b""[..]),
            ("plain text", "text/plain", &b"upstream connect error"[..]),
            (
                "json, not Datadog's",
                "application/json",
                &br#"{"message":"nope"}"#[..],
            ),
            (
                "errors not a list",
                "application/json",
                &br#"{"errors":"Bad Request"}"#[..],
            ),
            (
                "errors of numbers",
                "application/json",
                &br#"{"errors":[1,2]}"#[..],
            ),
            (
                "trailing garbage",
                "application/json",
                &br#"{"errors":["x"]}xyz"#[..],
            ),
        ] {
            let label = format!("{status} {label}");
            let outcome = rig.serve(with_type(status, content_type, body)).await;
            n += 1;
            if (200..300).contains(&status) {
                decode(&label, outcome, status);
                continue;
            }
            let err = api(&label, outcome, status);
            if let Error::Api {
                errors,
                body_excerpt,
                ..
            } = &err
            {
                assert!(errors.is_empty(), "{label}: {err:?}");
                let excerpt = body_excerpt.as_deref().unwrap_or_default();
                assert!(
                    body.is_empty() || !excerpt.is_empty(),
                    "{label}: the body is quoted: {err:?}"
                );
            }
        }
    }
    // Datadog's own error shape keeps its messages.
    for status in [400u16, 403, 404, 409, 500] {
        let outcome = rig
            .serve(Action::Reply(json_response(
                status,
                r#"{"errors":["Bad Request"]}"#,
            )))
            .await;
        let err = api(&status.to_string(), outcome, status);
        assert!(
            matches!(&err, Error::Api { errors, body_excerpt: None, .. } if errors == &["Bad Request"]),
            "{err:?}"
        );
        n += 1;
    }
    println!("reliability: {n} HTML/empty/non-Datadog bodies, {n} typed errors");
}

#[tokio::test]
async fn invalid_utf8_and_deep_nesting_are_typed_errors() {
    let rig = Rig::new().await;
    let invalid: &[&[u8]] = &[
        b"\xff\xfe\xfd",
        b"{\"errors\":[\"bad \xc3\x28 byte\"]}",
        b"{\"data\":{\"id\":\"\xed\xa0\x80\"}}",
        b"\x00\x00\x00\x00",
    ];
    let deep = "[".repeat(100_000);
    let deep_object = "{\"a\":".repeat(50_000);
    let mut n = 0;
    for status in [200u16, 400, 500] {
        for body in invalid
            .iter()
            .copied()
            .chain([deep.as_bytes(), deep_object.as_bytes()])
        {
            let outcome = rig.serve(with_type(status, "application/json", body)).await;
            let label = format!(
                "{status} {:?}",
                String::from_utf8_lossy(&body[..body.len().min(20)])
            );
            n += 1;
            if status == 200 {
                decode(&label, outcome, 200);
            } else {
                let err = api(&label, outcome, status);
                assert!(
                    matches!(&err, Error::Api { errors, .. } if errors.is_empty()),
                    "{label}: {err:?}"
                );
            }
        }
    }
    println!("reliability: {n} invalid-UTF-8/deeply nested bodies, {n} typed errors");
}

#[tokio::test]
async fn huge_bodies_give_short_errors() {
    let rig = Rig::new().await;
    const HUGE: usize = 8 * 1024 * 1024;
    let junk = vec![b'x'; HUGE];
    let huge_message = format!(r#"{{"errors":["{}"]}}"#, "y".repeat(HUGE));
    let many_messages = format!(
        r#"{{"errors":[{}]}}"#,
        vec![r#""Bad Request""#; 100_000].join(",")
    );
    let (mut n, mut longest) = (0, 0);
    for status in [200u16, 400, 403, 429, 500, 503] {
        for (label, body) in [
            ("8 MiB of junk", &junk[..]),
            ("one 8 MiB message", huge_message.as_bytes()),
            ("100k messages", many_messages.as_bytes()),
        ] {
            let label = format!("{status} {label}");
            let outcome = rig.serve(with_type(status, "application/json", body)).await;
            n += 1;
            // typed() asserts the message and excerpt caps.
            let err = typed(&label, outcome);
            assert_eq!(err.status(), Some(status), "{label}");
            let errors = match &err {
                Error::Api { errors, .. } | Error::RateLimited { errors, .. } => errors.clone(),
                _ => Vec::new(),
            };
            assert!(errors.len() <= 11, "{label}: {} messages", errors.len());
            assert!(
                errors
                    .iter()
                    .all(|e| e.chars().count() <= MAX_EXCERPT_CHARS),
                "{label}"
            );
            longest = longest.max(err.to_string().chars().count());
        }
    }
    println!("reliability: {n} huge bodies (>= 1.3 MiB), longest error message {longest} chars");
}
