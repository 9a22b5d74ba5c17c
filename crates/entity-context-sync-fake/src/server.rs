//! Running the fake: the accept loop (one hyper connection task per TCP
//! connection, so a fault can reset a single connection), and the
//! [`FakeDatadog`] handle with its [`Builder`].

use std::convert::Infallible;
use std::fmt;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, oneshot};
use tokio::task::{JoinHandle, JoinSet};
use tower_service::Service;

use crate::faults::Fault;
use crate::front::KillConnection;
use crate::record::{RecordedRequest, leaf_paths};
use crate::routes::{API_PATH, router};
use crate::shared::{Options, Shared};
use crate::state::SeedConfig;

/// The only `DD-API-KEY` the fake accepts unless the [`Builder`] sets another.
pub const FAKE_API_KEY: &str = "fake-dd-api-key-0123456789abcdef";
/// The only `DD-APPLICATION-KEY` the fake accepts unless the [`Builder`] sets another.
pub const FAKE_APP_KEY: &str = "fake-dd-application-key-0123456789abcdef01";

/// Options for a [`FakeDatadog`]; from [`FakeDatadog::builder`].
#[derive(Debug, Clone)]
#[must_use]
pub struct Builder {
    options: Options,
    port: u16,
}

impl Builder {
    /// The only `DD-API-KEY` accepted (default [`FAKE_API_KEY`]).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.options.api_key = key.into();
        self
    }

    /// The only `DD-APPLICATION-KEY` accepted (default [`FAKE_APP_KEY`]).
    pub fn app_key(mut self, key: impl Into<String>) -> Self {
        self.options.app_key = key.into();
        self
    }

    /// Enforces a rate limit: at most `limit` authorized requests per fixed
    /// window of `period_secs` seconds (0 counts as 1), which opens at the
    /// first request; past it the fake answers 429
    /// `{"errors":["Too many requests"]}` with `X-RateLimit-Reset` the whole
    /// seconds left in the window. Without it nothing is refused and the
    /// headers advertise 1000 per 60 s.
    pub fn rate_limit(mut self, limit: u32, period_secs: u64) -> Self {
        self.options.rate_limit = Some((limit, period_secs));
        self
    }

    /// Whether to keep every request for [`FakeDatadog::requests`] (default
    /// `true`). Benches that send many requests can turn it off so the log
    /// does not grow; requests are still numbered for faults, and
    /// [`FakeDatadog::total_requests`] still counts them.
    pub fn record_requests(mut self, record: bool) -> Self {
        self.options.record = record;
        self
    }

    /// The port to bind on 127.0.0.1 (default 0: any free port).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Starts the fake on the current tokio runtime.
    ///
    /// # Panics
    /// If the port cannot be bound; see [`Builder::try_start`].
    pub async fn start(self) -> FakeDatadog {
        self.try_start()
            .await
            .expect("entity-context-sync-fake: bind 127.0.0.1")
    }

    /// Starts the fake on the current tokio runtime (must be called within one).
    pub async fn try_start(self) -> io::Result<FakeDatadog> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, self.port)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new(self.options));
        let task = tokio::spawn(accept_loop(listener, router(shared.clone())));
        Ok(FakeDatadog {
            shared,
            addr,
            runner: Runner::Task(task),
        })
    }

    /// Starts the fake on its own thread with its own single-threaded tokio
    /// runtime; for sync code and benches (callable inside or outside a runtime).
    ///
    /// # Panics
    /// If the port cannot be bound; see [`Builder::try_start_blocking`].
    pub fn start_blocking(self) -> FakeDatadog {
        self.try_start_blocking()
            .expect("entity-context-sync-fake: bind 127.0.0.1")
    }

    /// Like [`Builder::start_blocking`], returning bind errors.
    pub fn try_start_blocking(self) -> io::Result<FakeDatadog> {
        let std_listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, self.port))?;
        std_listener.set_nonblocking(true)?;
        let addr = std_listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let listener = {
            let _entered = runtime.enter();
            TcpListener::from_std(std_listener)?
        };
        let shared = Arc::new(Shared::new(self.options));
        let app = router(shared.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("entity-context-sync-fake".to_owned())
            .spawn(move || {
                runtime.block_on(async move {
                    tokio::select! {
                        () = accept_loop(listener, app) => {}
                        _ = stopped => {}
                    }
                });
            })?;
        Ok(FakeDatadog {
            shared,
            addr,
            runner: Runner::Thread {
                stop: Some(stop),
                thread: Some(thread),
            },
        })
    }
}

/// What keeps the server running; dropping it stops the server.
enum Runner {
    Task(JoinHandle<()>),
    Thread {
        stop: Option<oneshot::Sender<()>>,
        thread: Option<std::thread::JoinHandle<()>>,
    },
}

/// A running fake of Datadog's entity context sync configuration API on
/// `127.0.0.1`. It stops (closing every connection) when dropped.
///
/// Every method is synchronous and cheap, so the handle serves async tests
/// ([`FakeDatadog::start`]) and sync code ([`FakeDatadog::start_blocking`]) alike.
pub struct FakeDatadog {
    shared: Arc<Shared>,
    addr: SocketAddr,
    runner: Runner,
}

impl fmt::Debug for FakeDatadog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeDatadog")
            .field("base_url", &self.base_url())
            .field("configs", &self.shared.lock().store.all().len())
            .finish_non_exhaustive()
    }
}

impl Drop for FakeDatadog {
    fn drop(&mut self) {
        match &mut self.runner {
            Runner::Task(task) => task.abort(),
            Runner::Thread { stop, thread } => {
                if let Some(stop) = stop.take() {
                    let _ = stop.send(());
                }
                if let Some(thread) = thread.take() {
                    let _ = thread.join();
                }
            }
        }
    }
}

impl FakeDatadog {
    /// Options: keys, rate limit, port.
    pub fn builder() -> Builder {
        Builder {
            options: Options {
                api_key: FAKE_API_KEY.to_owned(),
                app_key: FAKE_APP_KEY.to_owned(),
                rate_limit: None,
                record: true,
            },
            port: 0,
        }
    }

    /// Starts a fake with the default keys on a free port of 127.0.0.1, on
    /// the current tokio runtime.
    ///
    /// # Panics
    /// If no port can be bound.
    pub async fn start() -> Self {
        Self::builder().start().await
    }

    /// Starts a fake with the default keys on its own thread and runtime.
    ///
    /// # Panics
    /// If no port can be bound.
    pub fn start_blocking() -> Self {
        Self::builder().start_blocking()
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The full URL of the resource (`{base_url}/api/v2/.../integration_config`).
    pub fn api_url(&self) -> String {
        format!("{}{API_PATH}", self.base_url())
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The only `DD-API-KEY` this fake accepts.
    pub fn api_key(&self) -> &str {
        &self.shared.options.api_key
    }

    /// The only `DD-APPLICATION-KEY` this fake accepts.
    pub fn app_key(&self) -> &str {
        &self.shared.options.app_key
    }

    /// Stores a config directly (no schema check, no request recorded) and
    /// returns its id.
    pub fn seed(&self, config: SeedConfig) -> String {
        self.shared.lock().store.insert(config).id.clone()
    }

    /// Stores a config from create-style JSON: either the attributes
    /// (`{"integration_type": .., "domain": .., "name": .., "secrets": ..}`)
    /// or a whole create body (`{"data": {"attributes": ..}}`). No schema
    /// check; `integration_type` and `domain` must be strings. Returns the id.
    pub fn insert_config(&self, json: Value) -> Result<String, String> {
        let attributes = json.pointer("/data/attributes").unwrap_or(&json);
        let text = |key: &str| {
            attributes
                .get(key)
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        let (Some(integration_type), Some(domain)) = (text("integration_type"), text("domain"))
        else {
            return Err("integration_type and domain must be strings".to_owned());
        };
        let present = |key: &str| attributes.get(key).filter(|v| !v.is_null()).cloned();
        Ok(self.seed(SeedConfig {
            integration_type,
            name: text("name").unwrap_or_default(),
            domain,
            enabled: attributes
                .get("enabled")
                .and_then(Value::as_bool)
                .unwrap_or(true),
            settings: present("settings"),
            secrets: present("secrets"),
        }))
    }

    /// Every stored config as the API returns it (the `data` items of a
    /// list reply, without secrets), in creation order.
    pub fn configs(&self) -> Vec<Value> {
        let inner = self.shared.lock();
        inner.store.all().iter().map(|c| c.to_data()).collect()
    }

    /// One stored config as the API returns it.
    pub fn config(&self, id: &str) -> Option<Value> {
        self.shared.lock().store.get(id).map(|c| c.to_data())
    }

    /// The paths of the secrets stored for a config (e.g.
    /// `["service_account_json.private_key", ..]`), never their values:
    /// enough to check that a client sent each secret. `None` for an
    /// unknown id; empty when it has none.
    pub fn secret_paths(&self, id: &str) -> Option<Vec<String>> {
        let inner = self.shared.lock();
        let config = inner.store.get(id)?;
        Some(config.secrets.as_ref().map(leaf_paths).unwrap_or_default())
    }

    /// Every request received since start or the last [`reset`](Self::reset),
    /// in arrival order, redacted (see [`RecordedRequest`]); empty if
    /// [`Builder::record_requests`] turned recording off.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().log.clone()
    }

    /// How many requests were received since start or the last reset.
    pub fn total_requests(&self) -> u64 {
        self.shared.lock().seq
    }

    /// How many recorded requests have `method` (case-insensitive) and a path
    /// starting with `path_prefix` (e.g. `"POST"`, [`API_PATH`]).
    pub fn request_count(&self, method: &str, path_prefix: &str) -> usize {
        let inner = self.shared.lock();
        inner
            .log
            .iter()
            .filter(|r| r.method.eq_ignore_ascii_case(method) && r.path.starts_with(path_prefix))
            .count()
    }

    /// Injects `fault` into the next request (faults queued this way strike
    /// one per request, in order). See [`Fault`].
    pub fn fail_next(&self, fault: Fault) {
        self.shared.lock().faults.next(fault);
    }

    /// Injects `fault` into request number `n` (1-based, counted over every
    /// request since start or the last reset). It wins over
    /// [`fail_next`](Self::fail_next) faults for that request.
    pub fn fail_on(&self, n: u64, fault: Fault) {
        self.shared.lock().faults.on_request(n, fault);
    }

    /// How many injected faults have not struck yet.
    pub fn pending_faults(&self) -> usize {
        self.shared.lock().faults.pending()
    }

    /// Forgets every injected fault that has not struck yet.
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    /// Sets the body `GET .../entra_id/azure_app_registrations` answers
    /// (default [`default_azure_app_registrations`](crate::default_azure_app_registrations)).
    pub fn set_azure_app_registrations(&self, body: Value) {
        self.shared.lock().azure = body;
    }

    /// Back to the state right after start: no configs, no recorded
    /// requests, the request count at 0, no faults, a fresh rate-limit
    /// window, the default Azure reply. Keys and the rate limit are kept.
    pub fn reset(&self) {
        self.shared.reset();
    }
}

/// Accepts connections until the task is dropped; each connection is served
/// by its own task, all of which end with this one.
async fn accept_loop(listener: TcpListener, app: Router) {
    let mut connections = JoinSet::new();
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                connections.spawn(connection(stream, app.clone()));
            }
            // Out of descriptors and the like: wait and retry.
            Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
        while connections.try_join_next().is_some() {}
    }
}

/// Serves one connection with HTTP/1.1. A reply marked [`KillConnection`]
/// is never sent: the connection is closed with a TCP reset instead.
async fn connection(stream: TcpStream, app: Router) {
    let _ = stream.set_nodelay(true);
    // A second descriptor of the same socket, to set SO_LINGER 0 on it once
    // hyper owns the stream: closing both then sends RST instead of FIN.
    let (stream, linger) = match duplicate(stream) {
        Ok(pair) => pair,
        Err(_) => return,
    };
    let linger = Arc::new(linger);
    let kill = Arc::new(Notify::new());
    let service_kill = kill.clone();
    let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
        let mut app = app.clone();
        let kill = service_kill.clone();
        let linger = linger.clone();
        async move {
            let response = match app.call(request.map(Body::new)).await {
                Ok(response) => response,
                Err(never) => match never {},
            };
            if response.extensions().get::<KillConnection>().is_some() {
                let _ = linger.set_linger(Some(Duration::ZERO));
                kill.notify_one();
                std::future::pending::<()>().await;
            }
            Ok::<_, Infallible>(response)
        }
    });
    let served =
        hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        _ = served => {}
        () = kill.notified() => {}
    }
}

fn duplicate(stream: TcpStream) -> io::Result<(TcpStream, socket2::Socket)> {
    let std_stream = stream.into_std()?;
    let twin = socket2::Socket::from(std_stream.try_clone()?);
    Ok((TcpStream::from_std(std_stream)?, twin))
}
