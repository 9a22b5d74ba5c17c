//! Reliability helpers: a raw TCP server on 127.0.0.1 that is controlled at
//! the socket level (answer, stall, reset), a [`Sleep`] that records waits
//! instead of waiting, and a process-wide capture of every `tracing` span
//! field, `tracing` event and `log` record, for secret scans.

use std::fmt::{self, Write as _};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Once, PoisonError};
use std::time::Duration;

pub use entity_context_sync::RecordingSleep;
use entity_context_sync::{Client, ClientBuilder, NewSync, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// Most connections one [`RawServer`] accepts (every loop is bounded).
pub const MAX_CONNECTIONS: usize = 1 << 20;
/// Most bytes of request head a [`RawServer`] reads.
const MAX_HEAD: usize = 64 * 1024;
/// Most bytes of one request a [`RawServer`] reads.
const MAX_REQUEST: usize = 4 * 1024 * 1024;

/// What a [`RawServer`] does once it has read a whole request.
#[derive(Debug, Clone)]
pub enum Action {
    /// Write these bytes, then close the connection normally (FIN).
    Reply(Vec<u8>),
    /// Write these bytes, then close with a TCP reset (`SO_LINGER` 0).
    Reset(Vec<u8>),
    /// Write these bytes (possibly none), then never write or close again
    /// while the server lives.
    Stall(Vec<u8>),
}

type Script = Arc<dyn Fn(usize, &[u8]) -> Action + Send + Sync>;
type Store = Arc<Mutex<Vec<Vec<u8>>>>;

/// A one-request-per-connection HTTP/1.1 server on `127.0.0.1:0` whose every
/// reply is scripted. It records each request's bytes exactly as received.
/// Dropping it closes every connection it still holds.
pub struct RawServer {
    addr: SocketAddr,
    received: Store,
    accept: JoinHandle<()>,
}

impl fmt::Debug for RawServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawServer")
            .field("addr", &self.addr)
            .field("requests", &self.requests())
            .finish_non_exhaustive()
    }
}

impl RawServer {
    /// Starts a server; `script(n, request)` decides what to do with the
    /// `n`-th request (0-based). Must be called inside a tokio runtime.
    pub async fn start(script: impl Fn(usize, &[u8]) -> Action + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let received: Store = Arc::default();
        let script: Script = Arc::new(script);
        let store = Arc::clone(&received);
        let accept = tokio::spawn(async move {
            let mut connections = JoinSet::new();
            for _ in 0..MAX_CONNECTIONS {
                let Ok((stream, _)) = listener.accept().await else {
                    break;
                };
                connections.spawn(serve(stream, Arc::clone(&script), Arc::clone(&store)));
                while connections.try_join_next().is_some() {}
            }
            // Keep stalled connections open until the server is dropped.
            std::future::pending::<()>().await;
        });
        Self {
            addr,
            received,
            accept,
        }
    }

    /// A server that does the same thing for every request.
    pub async fn always(action: Action) -> Self {
        Self::start(move |_, _| action.clone()).await
    }

    /// A server that answers request `n` with `actions[n]`, and every request
    /// past the end with the last action.
    pub async fn sequence(actions: Vec<Action>) -> Self {
        assert!(!actions.is_empty(), "a sequence needs at least one action");
        Self::start(move |n, _| actions[n.min(actions.len() - 1)].clone()).await
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Requests received so far (a request counts once its head is complete).
    pub fn requests(&self) -> usize {
        self.received
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Every request's bytes, exactly as received, in order.
    pub fn received(&self) -> Vec<Vec<u8>> {
        self.received
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

async fn serve(mut stream: TcpStream, script: Script, store: Store) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    let index = {
        let mut store = store.lock().unwrap_or_else(PoisonError::into_inner);
        store.push(request.clone());
        store.len() - 1
    };
    match script(index, &request) {
        Action::Reply(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
        }
        Action::Reset(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.flush().await;
            let _ = socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO));
            drop(stream);
        }
        Action::Stall(bytes) => {
            let _ = stream.write_all(&bytes).await;
            std::future::pending::<()>().await;
        }
    }
}

/// Reads one request: the head up to the blank line, then `Content-Length`
/// bytes of body. `None` if the peer closed before a whole head arrived.
async fn read_request(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    let mut chunk = vec![0u8; 16 * 1024];
    let head_end = loop {
        if let Some(pos) = find(&buf, b"\r\n\r\n") {
            break pos + 4;
        }
        if buf.len() > MAX_HEAD {
            return None;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let want = (head_end + content_length(&buf[..head_end])).min(MAX_REQUEST);
    while buf.len() < want {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    Some(buf)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn content_length(head: &[u8]) -> usize {
    String::from_utf8_lossy(head)
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse().ok())
        .unwrap_or(0)
}

/// An HTTP/1.1 response with `Content-Length` and `Connection: close` (so the
/// client never reuses a connection the server is about to close).
pub fn http_response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut head = format!(
        "HTTP/1.1 {status} {}\r\ncontent-length: {}\r\nconnection: close\r\n",
        reason(status),
        body.len()
    );
    for (name, value) in headers {
        let _ = write!(head, "{name}: {value}\r\n");
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    out.extend_from_slice(body);
    out
}

/// [`http_response`] with `Content-Type: application/json`.
pub fn json_response(status: u16, body: &str) -> Vec<u8> {
    http_response(
        status,
        &[("content-type", "application/json")],
        body.as_bytes(),
    )
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

/// A port on 127.0.0.1 that refuses connections: bound, then released.
pub async fn refused_addr() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local addr");
    drop(listener);
    addr
}

/// Test credentials (not shaped like real Datadog keys).
pub const TEST_API_KEY: &str = "test-api-key-0";
/// Test application key.
pub const TEST_APP_KEY: &str = "test-app-key-0";

/// A builder pointed at `base_url` with test keys, a recording sleeper and a
/// generous 10 s timeout (no test waits on it unless it stalls on purpose).
pub fn builder(base_url: &str, sleep: &RecordingSleep) -> ClientBuilder {
    Client::builder()
        .api_key(TEST_API_KEY)
        .app_key(TEST_APP_KEY)
        .base_url(base_url)
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
