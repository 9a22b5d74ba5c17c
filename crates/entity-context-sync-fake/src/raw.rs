//! Socket-level faults that only a raw TCP listener can produce (feature
//! `raw`, for tests only): a reply cut off in the status line or the headers,
//! a body shorter than its `Content-Length`, a FIN or a TCP reset at any byte,
//! a server that reads the request and then never writes, arbitrary bytes
//! that are not HTTP at all, and a port where nothing listens.
//!
//! [`FakeDatadog`](crate::FakeDatadog) speaks HTTP through hyper, so every
//! reply it sends is well formed ([`Fault`](crate::Fault) covers a reset
//! before or after applying, a delay, a status and a truncated JSON body).
//! Everything below that level lives here, in one place, for the SDK's
//! facade tests and workspace reliability tests alike.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use entity_context_sync_fake::raw::{Action, RawServer, json_response};
//!
//! // Request 0 gets a body cut short (then FIN), every later one a 200.
//! let server = RawServer::sequence(vec![
//!     Action::Reply(b"HTTP/1.1 200 OK\r\ncontent-length: 99\r\n\r\n{\"da".to_vec()),
//!     Action::Reply(json_response(200, r#"{"data": []}"#)),
//! ])
//! .await;
//! assert!(server.base_url().starts_with("http://127.0.0.1:"));
//! assert_eq!(server.requests(), 0);
//! # }
//! ```

use std::fmt::{self, Write as _};
use std::net::{Ipv4Addr, SocketAddr, TcpListener as StdListener};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

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
    /// Write these bytes, then close the connection normally (FIN). With no
    /// bytes: the connection is closed after the request, without a reply.
    Reply(Vec<u8>),
    /// Write these bytes, then close with a TCP reset (`SO_LINGER` 0).
    Reset(Vec<u8>),
    /// Write these bytes (possibly none), then never write or close again
    /// while the server lives: a client waits for its timeout.
    Stall(Vec<u8>),
}

type Script = Arc<dyn Fn(usize, &[u8]) -> Action + Send + Sync>;
type Store = Arc<Mutex<Vec<Vec<u8>>>>;

/// A one-request-per-connection HTTP/1.1 server on `127.0.0.1:0` whose every
/// reply is scripted byte for byte. It records each request's bytes exactly
/// as received (credentials included: unlike the fake, it redacts nothing,
/// which is what a leak scan of the wire needs). Dropping it closes every
/// connection it still holds.
pub struct RawServer {
    addr: SocketAddr,
    received: Store,
    accepted: Arc<AtomicUsize>,
    accept: JoinHandle<()>,
}

impl fmt::Debug for RawServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawServer")
            .field("addr", &self.addr)
            .field("accepted", &self.accepted())
            .field("requests", &self.requests())
            .finish_non_exhaustive()
    }
}

impl RawServer {
    /// Starts a server; `script(n, request)` decides what to do with the
    /// `n`-th request (0-based, counted once its head is complete).
    ///
    /// # Panics
    /// Outside a tokio runtime, or if 127.0.0.1 cannot be bound.
    pub async fn start(script: impl Fn(usize, &[u8]) -> Action + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let received: Store = Arc::default();
        let accepted = Arc::new(AtomicUsize::new(0));
        let script: Script = Arc::new(script);
        let (store, count) = (Arc::clone(&received), Arc::clone(&accepted));
        let accept = tokio::spawn(async move {
            let mut connections = JoinSet::new();
            for _ in 0..MAX_CONNECTIONS {
                let Ok((stream, _)) = listener.accept().await else {
                    break;
                };
                count.fetch_add(1, Ordering::SeqCst);
                connections.spawn(serve(stream, Arc::clone(&script), Arc::clone(&store)));
                while connections.try_join_next().is_some() {}
            }
            // Keep stalled connections open until the server is dropped.
            std::future::pending::<()>().await;
        });
        Self {
            addr,
            received,
            accepted,
            accept,
        }
    }

    /// A server that does the same thing for every request.
    pub async fn always(action: Action) -> Self {
        Self::start(move |_, _| action.clone()).await
    }

    /// A server that answers request `n` with `actions[n]`, and every request
    /// past the end with the last action.
    ///
    /// # Panics
    /// If `actions` is empty.
    pub async fn sequence(actions: Vec<Action>) -> Self {
        assert!(!actions.is_empty(), "a sequence needs at least one action");
        Self::start(move |n, _| actions[n.min(actions.len() - 1)].clone()).await
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// TCP connections accepted so far (one per request: every action closes
    /// or holds its connection).
    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
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

    /// Every request received, concatenated, as lossy UTF-8.
    pub fn received_text(&self) -> String {
        String::from_utf8_lossy(&self.received().concat()).into_owned()
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

/// An address on 127.0.0.1 that refuses connections: bound, then released.
///
/// # Panics
/// If 127.0.0.1 cannot be bound.
pub fn refused_addr() -> SocketAddr {
    let listener = StdListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local addr")
}

/// [`refused_addr`] as a base URL, `http://127.0.0.1:<port>`.
pub fn refused_base_url() -> String {
    format!("http://{}", refused_addr())
}
