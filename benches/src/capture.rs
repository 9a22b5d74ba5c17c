//! The one thing the benches need that the fake does not provide: a request
//! exactly as it went over the wire, secrets included.
//!
//! The fake (`entity-context-sync-fake`) serves every bench call, but its
//! request log redacts keys and secrets and keeps bodies as parsed JSON. To
//! check that the facade and the raw baseline send *the same bytes*, each
//! sends one request to [`capture`]: a `127.0.0.1:0` listener on its own
//! thread that reads one HTTP/1.1 request per connection (head, then
//! `content-length` bytes of body), answers it with a canned 200 and
//! `connection: close`, and hands back the raw bytes.

use std::io::{self, Read, Write};
use std::net::TcpListener;
use std::thread::JoinHandle;
use std::time::Duration;

/// Headers sent with the canned reply besides `content-type` and
/// `content-length`: the rate-limit headers Datadog (and the fake) send.
const REPLY_HEADERS: &str = "x-ratelimit-limit: 1000\r\n\
    x-ratelimit-period: 60\r\n\
    x-ratelimit-remaining: 999\r\n\
    x-ratelimit-reset: 42\r\n\
    x-ratelimit-name: integration_config\r\n";

/// A request as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Captured {
    /// Request line, e.g. `POST /api/v2/... HTTP/1.1`.
    pub request_line: String,
    /// `(lower-cased name, value)`, sorted: the order of headers is not part
    /// of what a server sees as the request.
    pub headers: Vec<(String, String)>,
    /// The body, byte for byte.
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

/// A listener waiting for requests.
#[derive(Debug)]
pub struct Capture {
    base_url: String,
    thread: JoinHandle<io::Result<Vec<Captured>>>,
}

/// Listens on `127.0.0.1:0` for `count` requests (one per connection), each
/// answered `200` with `body` (JSON).
pub fn capture(body: &str, count: usize) -> io::Result<Capture> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let base_url = format!("http://{}", listener.local_addr()?);
    let reply = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n{REPLY_HEADERS}\
         connection: close\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    let thread = std::thread::Builder::new()
        .name("capture".into())
        .spawn(move || {
            let mut captured = Vec::with_capacity(count);
            for _ in 0..count {
                let (mut stream, _) = listener.accept()?;
                stream.set_read_timeout(Some(Duration::from_secs(30)))?;
                captured.push(read_request(&mut stream)?);
                stream.write_all(reply.as_bytes())?;
            }
            Ok(captured)
        })?;
    Ok(Capture { base_url, thread })
}

impl Capture {
    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The requests, once clients have sent them all.
    pub fn wait(self) -> io::Result<Vec<Captured>> {
        self.thread
            .join()
            .map_err(|_| io::Error::other("the capture thread panicked"))?
    }
}

fn read_request(stream: &mut impl Read) -> io::Result<Captured> {
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos;
        }
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "closed before the end of the request head",
            ));
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default().to_string();
    let mut headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    headers.sort();
    let body_len: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let total = head_end + 4 + body_len;
    while buf.len() < total {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "closed before the end of the body",
            ));
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Ok(Captured {
        request_line,
        headers,
        body: buf[head_end + 4..total].to_vec(),
    })
}

/// `Ok` when `a` and `b` are the same request: same request line, same
/// headers with the same values, byte-identical bodies.
pub fn same_request(a: &Captured, b: &Captured) -> Result<(), String> {
    if a.request_line != b.request_line {
        return Err(format!(
            "request lines differ: {:?} / {:?}",
            a.request_line, b.request_line
        ));
    }
    if a.headers != b.headers {
        return Err(format!("headers differ:\n{:?}\n{:?}", a.headers, b.headers));
    }
    if a.body != b.body {
        return Err(format!(
            "bodies differ:\n{}\n{}",
            String::from_utf8_lossy(&a.body),
            String::from_utf8_lossy(&b.body)
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_request() {
        let raw = b"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\naccept: */*\r\n\r\n{}";
        let c = read_request(&mut &raw[..]).expect("reads");
        assert_eq!(c.request_line, "POST /x HTTP/1.1");
        assert_eq!(c.header("content-length"), Some("2"));
        assert_eq!(c.header("accept"), Some("*/*"));
        assert_eq!(c.body, b"{}");
        assert!(same_request(&c, &c).is_ok());
        let truncated = b"POST /x HTTP/1.1\r\nContent-Length: 5\r\n\r\n{}";
        assert!(read_request(&mut &truncated[..]).is_err());
    }
}
