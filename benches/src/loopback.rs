//! A minimal HTTP/1.1 server for benchmarks: `127.0.0.1:0`, keep-alive, one
//! fixed reply to every request.
//!
//! It reads a request head up to the blank line, reads `content-length` bytes
//! of body, and writes the canned reply. Nothing is matched or parsed beyond
//! that, so its cost per request is small and identical for every client.
//! Request capture (for checking that two clients send the same request) is
//! off unless [`Loopback::capture`] turns it on, and costs one relaxed atomic
//! load per request when off.

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Headers sent with every reply, besides `content-type` and `content-length`:
/// the rate-limit headers Datadog sends, so the client parses them as it
/// would in production.
const REPLY_HEADERS: &str = "x-ratelimit-limit: 100\r\n\
    x-ratelimit-period: 60\r\n\
    x-ratelimit-remaining: 99\r\n\
    x-ratelimit-reset: 42\r\n\
    x-ratelimit-name: integration_config\r\n";

/// A request as received: lower-cased header names with their values, and the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Captured {
    /// Request line, e.g. `POST /api/v2/... HTTP/1.1`.
    pub request_line: String,
    /// `(lower-cased name, value)` in the order received.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl Captured {
    /// The value of header `name` (lower-case), if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Default)]
struct Shared {
    capture: AtomicBool,
    captured: Mutex<Vec<Captured>>,
}

/// A running loopback server. It runs on its own thread with a
/// single-threaded runtime until the process exits.
#[derive(Debug)]
pub struct Loopback {
    addr: SocketAddr,
    shared: Arc<Shared>,
}

impl Loopback {
    /// Binds `127.0.0.1:0` and serves `body` (JSON, status 200) to every request.
    pub fn start(body: &str) -> io::Result<Self> {
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        std_listener.set_nonblocking(true)?;
        let addr = std_listener.local_addr()?;
        let reply: Arc<[u8]> = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n{REPLY_HEADERS}content-length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes()
        .into();
        let shared = Arc::new(Shared::default());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()?;
        let server_shared = shared.clone();
        std::thread::Builder::new()
            .name("loopback-server".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let Ok(listener) = TcpListener::from_std(std_listener) else {
                        return;
                    };
                    while let Ok((stream, _)) = listener.accept().await {
                        let reply = reply.clone();
                        let shared = server_shared.clone();
                        tokio::spawn(async move {
                            // A client closing its connection ends this task; nothing to report.
                            let _ = serve(stream, &reply, &shared).await;
                        });
                    }
                });
            })?;
        Ok(Self { addr, shared })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Starts or stops recording requests.
    pub fn capture(&self, on: bool) {
        self.shared.capture.store(on, Ordering::Relaxed);
    }

    /// Takes the requests recorded so far.
    pub fn take_captured(&self) -> Vec<Captured> {
        std::mem::take(
            &mut *self
                .shared
                .captured
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        )
    }
}

/// Serves one keep-alive connection until the client closes it.
async fn serve(mut stream: TcpStream, reply: &[u8], shared: &Shared) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    loop {
        // Read until a complete head is buffered.
        let head_end = loop {
            if let Some(pos) = find_head_end(&buf) {
                break pos;
            }
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        let body_len = content_length(&buf[..head_end]).unwrap_or(0);
        let total = head_end + 4 + body_len;
        while buf.len() < total {
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        if shared.capture.load(Ordering::Relaxed) {
            let captured = parse_capture(&buf[..head_end], &buf[head_end + 4..total]);
            shared
                .captured
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(captured);
        }
        stream.write_all(reply).await?;
        buf.drain(..total);
    }
}

/// Index of the `\r\n\r\n` that ends the head.
fn find_head_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4).position(|w| w == b"\r\n\r\n")
}

/// The `content-length` of a request head.
fn content_length(head: &[u8]) -> Option<usize> {
    head.split(|&b| b == b'\n').skip(1).find_map(|line| {
        let line = std::str::from_utf8(line).ok()?;
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse().ok())?
    })
}

fn parse_capture(head: &[u8], body: &[u8]) -> Captured {
    let head = String::from_utf8_lossy(head);
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default().to_string();
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Captured {
        request_line,
        headers,
        body: body.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_heads() {
        let head = b"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\naccept: */*";
        assert_eq!(content_length(head), Some(12));
        assert_eq!(content_length(b"GET / HTTP/1.1\r\nhost: a"), None);
        assert_eq!(find_head_end(b"GET / HTTP/1.1\r\n\r\nrest"), Some(14));
        let c = parse_capture(head, b"{}");
        assert_eq!(c.request_line, "POST /x HTTP/1.1");
        assert_eq!(c.header("content-length"), Some("12"));
        assert_eq!(c.header("accept"), Some("*/*"));
    }
}
