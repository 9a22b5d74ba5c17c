//! Reliability helpers: the raw TCP server controlled at the socket level
//! (answer, stall, reset at any byte; re-exported from the fake's `raw`
//! module, the one place such servers live), a [`Sleep`] that records waits
//! instead of waiting, and a process-wide capture of every `tracing` span
//! field, `tracing` event and `log` record, for secret scans.
//!
//! [`Sleep`]: entity_context_sync::Sleep

use std::fmt::{self, Write as _};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, Once, PoisonError};
use std::time::Duration;

pub use entity_context_sync::RecordingSleep;
use entity_context_sync::{Client, ClientBuilder, NewSync, RetryPolicy};
pub use entity_context_sync_fake::raw::{
    Action, MAX_CONNECTIONS, RawServer, http_response, json_response, refused_addr,
};

pub use crate::common::fake;
pub use crate::{TEST_API_KEY, TEST_APP_KEY};

/// The test bed's builder ([`crate::common::builder`]) with a recording
/// sleeper and a generous 10 s timeout (no test waits on it unless a server
/// stalls on purpose).
pub fn builder(base_url: &str, sleep: &RecordingSleep) -> ClientBuilder {
    crate::common::builder(base_url)
        .sleep_impl(sleep.clone())
        .timeout(Duration::from_secs(10))
}

/// [`builder`] with `policy`, built.
pub fn test_client(base_url: &str, sleep: &RecordingSleep, policy: RetryPolicy) -> Client {
    builder(base_url, sleep)
        .retry_policy(policy)
        .build()
        .expect("test client builds")
}

/// The seed page's request as a [`NewSync`] ([`crate::SEED_REQUEST`] is its body).
pub fn seed_sync() -> NewSync {
    NewSync::google_workspace("My GWS Integration", "siem-test.com", crate::seed_key())
        .admin_email("test@example.com")
        .setting("setting1", "value1")
}

/// Every way an error can be shown: `Display`, `Debug`, and each source in
/// its chain with both.
pub fn error_texts(error: &(dyn std::error::Error + 'static)) -> String {
    let mut out = format!("{error}\n{error:?}\n");
    let mut source = error.source();
    for _ in 0..64 {
        let Some(s) = source else { break };
        let _ = writeln!(out, "source: {s}\n{s:?}");
        source = s.source();
    }
    out
}

static CAPTURED: Mutex<String> = Mutex::new(String::new());
static INSTALL: Once = Once::new();

/// Installs, once per process, a global `tracing` subscriber enabled at
/// TRACE for every target that writes every span's name and fields, every
/// recorded field and every event to a shared buffer, and a `log` logger at
/// TRACE that does the same for `log` records (reqwest logs through `log`).
pub fn install_capture() {
    INSTALL.call_once(|| {
        let subscriber = CaptureSubscriber {
            next_id: AtomicU64::new(1),
            spans: Mutex::default(),
        };
        tracing::subscriber::set_global_default(subscriber)
            .expect("no other global tracing subscriber in this test binary");
        log::set_logger(&CaptureLogger).expect("no other logger in this test binary");
        log::set_max_level(log::LevelFilter::Trace);
    });
}

/// Everything captured so far.
pub fn captured() -> String {
    CAPTURED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone()
}

fn append(text: &str) {
    let mut out = CAPTURED.lock().unwrap_or_else(PoisonError::into_inner);
    out.push_str(text);
    out.push('\n');
}

struct CaptureSubscriber {
    next_id: AtomicU64,
    /// Every span's metadata, so `Span::current()` works (the facade records
    /// `status` and `rate_limit_remaining` on its current span).
    spans: Mutex<std::collections::HashMap<u64, &'static tracing::Metadata<'static>>>,
}

thread_local! {
    /// The spans entered on this thread, innermost last.
    static ENTERED: std::cell::RefCell<Vec<u64>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Writes every field both raw (strings) and as `Debug`.
struct FieldWriter<'a>(&'a mut String);

impl tracing::field::Visit for FieldWriter<'_> {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        let _ = write!(self.0, " {}={value}", field.name());
    }

    fn record_error(
        &mut self,
        field: &tracing::field::Field,
        value: &(dyn std::error::Error + 'static),
    ) {
        let _ = write!(self.0, " {}={}", field.name(), error_texts(value));
    }

    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn fmt::Debug) {
        let _ = write!(self.0, " {}={value:?}", field.name());
    }
}

impl tracing::Subscriber for CaptureSubscriber {
    fn register_callsite(
        &self,
        _: &'static tracing::Metadata<'static>,
    ) -> tracing::subscriber::Interest {
        tracing::subscriber::Interest::always()
    }

    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }

    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::TRACE)
    }

    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let meta = span.metadata();
        let mut text = format!("span {} {} {}", meta.level(), meta.target(), meta.name());
        span.record(&mut FieldWriter(&mut text));
        append(&text);
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.spans
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id, meta);
        tracing::span::Id::from_u64(id)
    }

    fn record(&self, span: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut text = format!("record span#{}", span.into_u64());
        values.record(&mut FieldWriter(&mut text));
        append(&text);
    }

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        let meta = event.metadata();
        let mut text = format!("event {} {}", meta.level(), meta.target());
        event.record(&mut FieldWriter(&mut text));
        append(&text);
    }

    fn enter(&self, span: &tracing::span::Id) {
        ENTERED.with(|stack| stack.borrow_mut().push(span.into_u64()));
    }

    fn exit(&self, span: &tracing::span::Id) {
        ENTERED.with(|stack| {
            let mut stack = stack.borrow_mut();
            if let Some(pos) = stack.iter().rposition(|id| *id == span.into_u64()) {
                stack.remove(pos);
            }
        });
    }

    fn current_span(&self) -> tracing_core::span::Current {
        let current = ENTERED.with(|stack| stack.borrow().last().copied());
        let spans = self.spans.lock().unwrap_or_else(PoisonError::into_inner);
        match current.and_then(|id| spans.get(&id).map(|meta| (id, *meta))) {
            Some((id, meta)) => {
                tracing_core::span::Current::new(tracing::span::Id::from_u64(id), meta)
            }
            None => tracing_core::span::Current::none(),
        }
    }
}

struct CaptureLogger;

impl log::Log for CaptureLogger {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        append(&format!(
            "log {} {} {}",
            record.level(),
            record.target(),
            record.args()
        ));
    }

    fn flush(&self) {}
}

/// Words of 32 or 40 lowercase hex characters (the shape of Datadog API and
/// application keys), bounded by non-word characters.
pub fn datadog_key_shaped(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|word| {
            matches!(word.len(), 32 | 40)
                && word
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        })
        .map(str::to_string)
        .collect()
}
