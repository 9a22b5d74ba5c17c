//! Support for the benchmarks (`cargo bench -p entity-context-sync-benches`),
//! their two client programs and the build-footprint examples; see
//! `docs/performance.md`. Every bench call goes to the stateful fake
//! (`entity-context-sync-fake`).
//!
//! - [`raw`]: the baseline: create, get and list written by hand with
//!   reqwest and serde_json, sending the same bytes as the facade.
//! - [`capture`]: one request captured byte for byte (the fake's log redacts
//!   secrets), to check that both send the same request.
//! - [`Args`]: the command line of the client programs `ecs-bench-facade`
//!   and `ecs-bench-raw`.

pub mod capture;
pub mod raw;

/// The id the capture check gets (any id works against the fake's capture).
pub const SEED_ID: &str = "11111111-2222-3333-4444-555555555555";

/// The `project_id` of the seed's example service account key.
pub const SEED_PROJECT_ID: &str = "example-project";
/// The `client_email` of the seed's example service account key.
pub const SEED_CLIENT_EMAIL: &str = "siem-sync@example-project.iam.gserviceaccount.com";
/// The (fake) `private_key` of the seed's example service account key.
pub const SEED_PRIVATE_KEY: &str =
    "-----BEGIN PRIVATE KEY-----\nEXAMPLE\n-----END PRIVATE KEY-----\n";

/// The seed request body (`tests/fixtures/seed-request.json`), built by hand
/// the way a caller without the SDK would.
pub fn seed_request() -> serde_json::Value {
    serde_json::json!({
        "data": {
            "type": "integration_config",
            "attributes": {
                "domain": "siem-test.com",
                "integration_type": "GOOGLE_WORKSPACE",
                "name": "My GWS Integration",
                "secrets": {
                    "admin_email": "test@example.com",
                    "service_account_json": {
                        "client_email": SEED_CLIENT_EMAIL,
                        "private_key": SEED_PRIVATE_KEY,
                        "project_id": SEED_PROJECT_ID,
                        "type": "service_account"
                    }
                },
                "settings": { "setting1": "value1" }
            }
        }
    })
}

/// The seed 200 reply (`tests/fixtures/seed-response.json`), compact.
pub const SEED_RESPONSE: &str = concat!(
    r#"{"data":{"attributes":{"created_at":"2026-05-01T12:00:00Z","domain":"siem-test.com","#,
    r#""enabled":true,"integration_type":"GOOGLE_WORKSPACE","modified_at":"2026-05-01T12:00:00Z","#,
    r#""name":"My GWS Integration","settings":{"setting1":"value1"},"state":"valid"},"#,
    r#""id":"11111111-2222-3333-4444-555555555555","type":"integration_config"}}"#
);

/// The seed reply as a list of one (`GET` of the collection).
pub fn seed_list_response() -> String {
    let one = SEED_RESPONSE
        .strip_prefix(r#"{"data":"#)
        .and_then(|s| s.strip_suffix('}'))
        .unwrap_or(SEED_RESPONSE);
    format!(r#"{{"data":[{one}]}}"#)
}

/// An operation the client programs time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `POST` the seed request.
    Create,
    /// `GET /{id}`.
    Get,
    /// `GET` the collection.
    List,
}

impl Op {
    /// Every operation, in report order.
    pub const ALL: [Op; 3] = [Op::Create, Op::Get, Op::List];

    /// `create`, `get`, `list`.
    pub fn name(self) -> &'static str {
        match self {
            Op::Create => "create",
            Op::Get => "get",
            Op::List => "list",
        }
    }

    /// The operation named `name`.
    pub fn parse(name: &str) -> Option<Op> {
        Op::ALL.into_iter().find(|op| op.name() == name)
    }
}

/// What a client program is asked to do:
/// `ecs-bench-facade|ecs-bench-raw OP CALLS BASE_URL [ID]`, with the keys in
/// `DD_API_KEY` and `DD_APP_KEY` (and, for the raw program, the user agent
/// in `ECS_USER_AGENT`, so both send the same one).
#[derive(Debug, Clone)]
pub struct Args {
    /// The operation.
    pub op: Op,
    /// How many sequential calls.
    pub calls: u64,
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    /// The id to get.
    pub id: String,
    /// `DD_API_KEY`.
    pub api_key: String,
    /// `DD_APP_KEY`.
    pub app_key: String,
}

impl Args {
    /// From `std::env::args()` and the environment.
    pub fn from_env() -> Result<Self, raw::BoxError> {
        let usage = "usage: OP(create|get|list) CALLS BASE_URL [ID]";
        let args: Vec<String> = std::env::args().skip(1).collect();
        let (op, calls, base_url) = match args.as_slice() {
            [op, calls, base_url, ..] => (op, calls, base_url),
            _ => return Err(usage.into()),
        };
        let var = |name: &str| std::env::var(name).map_err(|_| format!("{name} is not set"));
        Ok(Self {
            op: Op::parse(op).ok_or(usage)?,
            calls: calls.parse().map_err(|_| usage)?,
            base_url: base_url.clone(),
            id: args.get(3).cloned().unwrap_or_default(),
            api_key: var("DD_API_KEY")?,
            app_key: var("DD_APP_KEY")?,
        })
    }
}

/// A whole number from the environment variable `name`, or `default` when it
/// is unset; a clear error when it is set but not a number.
pub fn env_usize(name: &str, default: usize) -> Result<usize, String> {
    match std::env::var(name) {
        Ok(v) => v
            .trim()
            .parse()
            .map_err(|_| format!("{name}={v:?} is not a whole number")),
        Err(_) => Ok(default),
    }
}
