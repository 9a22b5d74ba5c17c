//! Observability: the `entity_context_sync.create` span and its fields, and
//! no key or secret in anything traced. A tiny capturing `Subscriber` (no
//! extra dependency) is installed as the thread's default for each test;
//! `#[tokio::test]` runs everything on that thread.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use entity_context_sync::{NewSync, RetryPolicy};
use entity_context_sync_httpmock::MockServerExt;
use entity_context_sync_tests::common::*;
use httpmock::MockServer;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};
use tracing_core::span::Current;

/// One span: its name, target and latest field values.
#[derive(Debug, Clone)]
struct SpanRecord {
    name: &'static str,
    target: &'static str,
    fields: BTreeMap<String, String>,
}

/// One event: target, fields, and the span that was current.
#[derive(Debug, Clone)]
struct EventRecord {
    target: &'static str,
    fields: BTreeMap<String, String>,
    span: Option<u64>,
}

#[derive(Debug, Default)]
struct Store {
    spans: BTreeMap<u64, (SpanRecord, &'static Metadata<'static>)>,
    events: Vec<EventRecord>,
    stack: Vec<u64>,
}

#[derive(Debug, Default, Clone)]
struct Capture {
    store: Arc<Mutex<Store>>,
    next: Arc<AtomicU64>,
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0
            .insert(field.name().to_string(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_string(), value.to_string());
    }
}

impl Capture {
    fn lock(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Spans named `name`, in creation order.
    fn spans(&self, name: &str) -> Vec<SpanRecord> {
        self.lock()
            .spans
            .values()
            .filter(|(s, _)| s.name == name)
            .map(|(s, _)| s.clone())
            .collect()
    }

    /// Events whose `message` is `message`.
    fn events(&self, message: &str) -> Vec<EventRecord> {
        self.lock()
            .events
            .iter()
            .filter(|e| e.fields.get("message").is_some_and(|m| m == message))
            .cloned()
            .collect()
    }

    /// Everything this crate traced, as text.
    fn sdk_text(&self) -> String {
        let store = self.lock();
        let spans = store
            .spans
            .values()
            .filter(|(s, _)| s.target.starts_with("entity_context_sync"))
            .map(|(s, _)| format!("{s:?}"));
        let events = store
            .events
            .iter()
            .filter(|e| e.target.starts_with("entity_context_sync"))
            .map(|e| format!("{e:?}"));
        spans.chain(events).collect::<Vec<_>>().join("\n")
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, attrs: &Attributes<'_>) -> Id {
        let id = self.next.fetch_add(1, Ordering::SeqCst) + 1;
        let mut fields = BTreeMap::new();
        attrs.record(&mut Fields(&mut fields));
        let meta = attrs.metadata();
        self.lock().spans.insert(
            id,
            (
                SpanRecord {
                    name: meta.name(),
                    target: meta.target(),
                    fields,
                },
                meta,
            ),
        );
        Id::from_u64(id)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        if let Some((record, _)) = self.lock().spans.get_mut(&span.into_u64()) {
            values.record(&mut Fields(&mut record.fields));
        }
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        let mut store = self.lock();
        let span = store.stack.last().copied();
        store.events.push(EventRecord {
            target: event.metadata().target(),
            fields,
            span,
        });
    }

    fn enter(&self, span: &Id) {
        self.lock().stack.push(span.into_u64());
    }

    fn exit(&self, span: &Id) {
        let mut store = self.lock();
        if let Some(pos) = store.stack.iter().rposition(|s| *s == span.into_u64()) {
            store.stack.remove(pos);
        }
    }

    fn current_span(&self) -> Current {
        let store = self.lock();
        match store
            .stack
            .last()
            .and_then(|id| store.spans.get(id).map(|s| (*id, s.1)))
        {
            Some((id, meta)) => Current::new(Id::from_u64(id), meta),
            None => Current::none(),
        }
    }
}

/// Installs a fresh capture as this thread's default subscriber.
fn capture() -> (Capture, tracing::subscriber::DefaultGuard) {
    let capture = Capture::default();
    let guard = tracing::subscriber::set_default(capture.clone());
    (capture, guard)
}

const SPAN: &str = "entity_context_sync.create";

#[tokio::test]
async fn create_span_records_site_type_attempt_status_and_remaining() {
    let (capture, _guard) = capture();
    let server = MockServer::start_async().await;
    let limited = server.create_security_monitoring_integration_config(|_, then| {
        rate_limit_headers(
            then.too_many_requests(&api_errors(&["Too many requests"]))
                .into_inner(),
            100,
            0,
            1,
        );
    });
    limited.up_to_n_times(1);
    server.create_security_monitoring_integration_config(|_, then| {
        rate_limit_headers(then.ok(&seed_response()).into_inner(), 100, 98, 59);
    });
    let (client, sleep) = client(&server);
    let created = client
        .entity_context_syncs()
        .create(gws("n", "siem-test.com"))
        .await
        .expect("succeeds on the second attempt");
    assert_eq!(created.attempts, 2);
    assert_eq!(sleep.waits(), secs(&[1]));

    let spans = capture.spans(SPAN);
    assert_eq!(spans.len(), 1, "{spans:#?}");
    let fields = &spans[0].fields;
    assert_eq!(fields.get("site"), Some(&server.base_url()), "{fields:?}");
    assert_eq!(
        fields.get("integration_type").map(String::as_str),
        Some("GOOGLE_WORKSPACE")
    );
    assert_eq!(fields.get("attempt").map(String::as_str), Some("2"));
    assert_eq!(fields.get("status").map(String::as_str), Some("200"));
    assert_eq!(
        fields.get("rate_limit_remaining").map(String::as_str),
        Some("98")
    );

    // The retry is an event inside the span, with the wait and the reason.
    let retrying = capture.events("retrying");
    assert_eq!(retrying.len(), 1, "{retrying:#?}");
    assert_eq!(
        retrying[0].fields.get("wait_ms").map(String::as_str),
        Some("1000")
    );
    assert_eq!(
        retrying[0].fields.get("attempt").map(String::as_str),
        Some("1")
    );
    assert_eq!(
        retrying[0].fields.get("reason").map(String::as_str),
        Some("rate limited (429)")
    );
    assert!(retrying[0].span.is_some(), "the event is inside the span");
    assert_eq!(capture.events("done").len(), 1);

    let text = capture.sdk_text();
    assert_no_leak(&text, &[SECRET]);
}

/// A create refused by validation sends nothing and opens no call span
/// (since the lifecycle executor, the span opens with the first attempt):
/// the refusal is one event, naming the field, never the secret.
#[tokio::test]
async fn refused_create_is_an_event_and_opens_no_span() {
    let (capture, _guard) = capture();
    let client = entity_context_sync::Client::builder()
        .api_key(API_KEY)
        .app_key(APP_KEY)
        .site(entity_context_sync::Site::Eu1)
        .build()
        .expect("valid client");
    let err = client
        .entity_context_syncs()
        .create(NewSync::okta("", "acme.okta.com", SECRET))
        .await
        .expect_err("empty name");
    assert!(matches!(err, entity_context_sync::Error::Validation { .. }));
    let spans = capture.spans(SPAN);
    assert!(spans.is_empty(), "{spans:#?}");
    let refused = capture.events("refused before sending");
    assert_eq!(refused.len(), 1);
    assert_eq!(
        refused[0].fields.get("error").map(String::as_str),
        Some("invalid name: must not be empty or only whitespace (OKTA sync)")
    );
    let err = client
        .entity_context_syncs()
        .create(gws("n", "siem-test.com").admin_email("not-an-email"))
        .await
        .expect_err("bad admin_email");
    assert!(matches!(err, entity_context_sync::Error::Validation { .. }));
    assert_eq!(capture.events("refused before sending").len(), 2);
    assert_no_leak(&capture.sdk_text(), &[SECRET, "not-an-email"]);
}

#[tokio::test]
async fn failures_are_traced_without_keys_or_secrets() {
    let (capture, _guard) = capture();
    let server = MockServer::start_async().await;
    let message = format!("bad key {API_KEY} / {APP_KEY} for {SECRET}");
    server.create_security_monitoring_integration_config(|_, then| {
        rate_limit_headers(
            then.bad_request(&api_errors(&[&message])).into_inner(),
            100,
            7,
            3,
        );
    });
    let (client, _) = client_with(&server.base_url(), RetryPolicy::none());
    let err = client
        .entity_context_syncs()
        .create(
            NewSync::raw(
                entity_context_sync::IntegrationType::from("JUMPCLOUD"),
                "n",
                "acme.example.com",
            )
            .raw_secrets(serde_json::json!({ "api_key": SECRET })),
        )
        .await
        .expect_err("400");
    assert_eq!(err.status(), Some(400));

    let spans = capture.spans(SPAN);
    assert_eq!(spans.len(), 1);
    let fields = &spans[0].fields;
    assert_eq!(
        fields.get("integration_type").map(String::as_str),
        Some("JUMPCLOUD")
    );
    assert_eq!(fields.get("attempt").map(String::as_str), Some("1"));
    assert_eq!(fields.get("status").map(String::as_str), Some("400"));
    assert_eq!(
        fields.get("rate_limit_remaining").map(String::as_str),
        Some("7")
    );
    let failed = capture.events("failed");
    assert_eq!(failed.len(), 1, "{failed:#?}");
    assert_eq!(
        failed[0].fields.get("error").map(String::as_str),
        Some(
            "create: Datadog API error 400 Bad Request: bad key [REDACTED] / [REDACTED] for [REDACTED]"
        )
    );
    assert_no_leak(&capture.sdk_text(), &[SECRET]);
}

#[tokio::test]
async fn giving_up_after_429s_is_traced_with_every_attempt() {
    let (capture, _guard) = capture();
    let server = MockServer::start_async().await;
    server.create_security_monitoring_integration_config(|_, then| {
        rate_limit_headers(
            then.too_many_requests(&api_errors(&["Too many requests"]))
                .into_inner(),
            100,
            0,
            2,
        );
    });
    let (client, sleep) = client_with(&server.base_url(), RetryPolicy::default().max_retries(2));
    client
        .entity_context_syncs()
        .create(NewSync::crowdstrike(
            "n",
            "api.crowdstrike.com",
            "canary-csid-4e1f0a",
            SECRET,
        ))
        .await
        .expect_err("always 429");
    assert_eq!(sleep.waits(), secs(&[2, 2]));
    let spans = capture.spans(SPAN);
    assert_eq!(
        spans[0].fields.get("attempt").map(String::as_str),
        Some("3")
    );
    assert_eq!(
        spans[0].fields.get("status").map(String::as_str),
        Some("429")
    );
    assert_eq!(
        spans[0]
            .fields
            .get("rate_limit_remaining")
            .map(String::as_str),
        Some("0")
    );
    assert_eq!(capture.events("retrying").len(), 2);
    assert_no_leak(&capture.sdk_text(), &["canary-csid-4e1f0a"]);
    let giving_up = capture.events("giving up");
    assert_eq!(giving_up.len(), 1);
    assert!(
        giving_up[0].fields.get("error").is_some_and(
            |e| e.starts_with("create: rate limited by Datadog (429) after 3 attempt(s)")
        ),
        "{giving_up:#?}"
    );
    assert_no_leak(&capture.sdk_text(), &[SECRET]);
}
