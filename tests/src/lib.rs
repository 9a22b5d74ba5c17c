//! Shared helpers for the workspace tests: the seed's examples, and a
//! recorder for what an httpmock server received (with credentials redacted).

pub mod common;
pub mod faults;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use httpmock::prelude::HttpMockRequest;
use serde_json::{Value, json};

/// The seed page's request example in today's shape, equal to the fragment's
/// example: Datadog's typed `GOOGLE_WORKSPACE` secrets require a
/// `service_account_json` (the fragment's minimal example key, [`seed_key`])
/// beside the seed's `admin_email`.
pub const SEED_REQUEST: &str = include_str!("../fixtures/seed-request.json");
/// A Google service account key file in Google's real format, every value
/// fake (the PEM body is base64 of "canary: this is a fake private key …").
pub const SERVICE_ACCOUNT_KEY: &str =
    include_str!("../../crates/entity-context-sync/examples/data/service-account-key.json");
/// The seed page's 200 response example.
pub const SEED_RESPONSE: &str = include_str!("../fixtures/seed-response.json");
/// The seed page's error example (400, 403 and 429 share it).
pub const SEED_ERROR: &str = include_str!("../fixtures/seed-error.json");
/// The OpenAPI fragment.
pub const SPEC: &str = include_str!("../../openapi/entity-context-sync.yaml");

/// The fragment's example service account key (its four required fields),
/// as in [`SEED_REQUEST`].
pub fn seed_key() -> entity_context_sync::ServiceAccountKey {
    entity_context_sync::ServiceAccountKey::new(
        "example-project",
        "siem-sync@example-project.iam.gserviceaccount.com",
        "-----BEGIN PRIVATE KEY-----\nEXAMPLE\n-----END PRIVATE KEY-----\n",
    )
}

/// [`SERVICE_ACCOUNT_KEY`] as a [`ServiceAccountKey`](entity_context_sync::ServiceAccountKey).
pub fn service_account_key() -> entity_context_sync::ServiceAccountKey {
    entity_context_sync::ServiceAccountKey::from_json(SERVICE_ACCOUNT_KEY)
        .expect("the key file fixture is a valid service account key")
}

/// The values of the key file fixture that must never show anywhere but in
/// a request body: every string field except the public `type` and
/// `universe_domain`, each line of the PEM body, and the private key
/// JSON-escaped (`\n`), as an echoed body carries it.
pub fn service_account_key_secrets() -> Vec<String> {
    let Value::Object(key) = json(SERVICE_ACCOUNT_KEY) else {
        panic!("the key file fixture is a JSON object");
    };
    let mut out = Vec::new();
    for (name, value) in &key {
        let Some(text) = value.as_str() else { continue };
        if matches!(name.as_str(), "type" | "universe_domain") {
            continue;
        }
        out.push(text.to_string());
        if name == "private_key" {
            let escaped = Value::from(text).to_string();
            out.push(escaped[1..escaped.len() - 1].to_string());
            out.extend(
                text.lines()
                    .filter(|l| !l.starts_with("-----"))
                    .map(str::to_string),
            );
        }
    }
    out
}

/// A generated type decoded from and encoded to JSON.
pub trait Wire: Sized + std::fmt::Debug {
    /// Decodes `value`.
    fn decode(value: &Value) -> serde_json::Result<Self>;
    /// Encodes `self`.
    fn encode(&self) -> Value;
}

impl<T: serde::Serialize + serde::de::DeserializeOwned + std::fmt::Debug> Wire for T {
    fn decode(value: &Value) -> serde_json::Result<Self> {
        serde_json::from_value(value.clone())
    }

    fn encode(&self) -> Value {
        serde_json::to_value(self).expect("re-encodes")
    }
}

/// Parses one of the JSON fixtures.
pub fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("fixture is valid JSON")
}

/// The marker that replaces credential header values in snapshots.
pub const REDACTED: &str = "[redacted]";

/// Headers whose values are credentials (compared case-insensitively).
const SECRET_HEADERS: &[&str] = &["dd-api-key", "dd-application-key"];

/// One request as the mock server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The snapshot view (see [`describe`]): secrets redacted.
    pub view: Value,
    /// The body exactly as received, parsed as JSON (`Null` if it was not JSON).
    pub body: Value,
}

/// Collects every request an httpmock server matched, in order.
#[derive(Debug, Clone, Default)]
pub struct Recorder(Arc<Mutex<Vec<Recorded>>>);

impl Recorder {
    /// A matcher for `When::is_true` that records the request and matches it.
    pub fn matcher(&self) -> impl Fn(&HttpMockRequest) -> bool + Send + Sync + 'static {
        let store = self.0.clone();
        move |req: &HttpMockRequest| {
            let body = serde_json::from_slice(req.body().as_ref()).unwrap_or(Value::Null);
            let recorded = Recorded {
                view: describe(req),
                body,
            };
            store
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(recorded);
            true
        }
    }

    /// Every recorded request.
    pub fn requests(&self) -> Vec<Recorded> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// A JSON view of a request: method, path, query, sorted headers (credential
/// values redacted, `host` port-free, user-agent version redacted), and the
/// JSON body (or raw text) with every `secrets` value redacted, at any depth.
pub fn describe(req: &HttpMockRequest) -> Value {
    let uri = req.uri();
    let headers: BTreeMap<String, String> = req
        .headers()
        .iter()
        .map(|(name, value)| {
            let name = name.as_str().to_ascii_lowercase();
            let value = if SECRET_HEADERS.contains(&name.as_str()) {
                REDACTED.to_string()
            } else if name == "host" {
                "127.0.0.1:[port]".to_string()
            } else if name == "user-agent" {
                redact_version(&String::from_utf8_lossy(value.as_bytes()))
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            (name, value)
        })
        .fold(BTreeMap::new(), |mut acc, (name, value)| {
            acc.entry(name)
                .and_modify(|v: &mut String| {
                    v.push_str(", ");
                    v.push_str(&value);
                })
                .or_insert(value);
            acc
        });
    let body = req.body().to_vec();
    let mut body = serde_json::from_slice::<Value>(&body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned()));
    if let Some(secrets) = body.pointer_mut("/data/attributes/secrets") {
        redact_values(secrets);
    }
    json!({
        "method": req.method().to_string(),
        "path": uri.path(),
        "query": uri.query(),
        "headers": headers,
        "body": body,
    })
}

/// Replaces every leaf of `value` (at any depth: the `service_account_json`
/// object inside Google Workspace `secrets`, arrays) with [`REDACTED`],
/// keeping the keys and the nesting, so a snapshot shows the shape of the
/// secrets and none of their values.
pub fn redact_values(value: &mut Value) {
    match value {
        Value::Object(map) => map.values_mut().for_each(redact_values),
        Value::Array(items) => items.iter_mut().for_each(redact_values),
        leaf => *leaf = Value::String(REDACTED.to_string()),
    }
}

/// `entity-context-sync/0.1.0 (rust; linux; x86_64)` -> `entity-context-sync/[version] ([platform])`.
pub fn redact_version(user_agent: &str) -> String {
    user_agent
        .split(' ')
        .map(|word| match word.split_once('/') {
            Some((product, version)) if version.starts_with(|c: char| c.is_ascii_digit()) => {
                format!("{product}/[version]")
            }
            _ => word.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// insta settings for every workspace snapshot: files live in `tests/snapshots/`.
pub fn snapshot_settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings
}

// ---------------------------------------------------------------------------
// Snapshot suite (`tests/tests/snapshots_*.rs`): credentials, user agents and
// the hygiene checks that make CI fail on orphaned or pending snapshots.
// ---------------------------------------------------------------------------

/// A marker every credential of the snapshot suites contains (API key,
/// application key, every `secrets` value), so one scan of the snapshot files
/// proves none of them leaked (see [`snapshots_containing`]).
pub const CANARY: &str = "s3cr3t";
/// The API key of the snapshot suites.
pub const TEST_API_KEY: &str = "api-s3cr3t-0123456789abcdef";
/// The application key of the snapshot suites.
pub const TEST_APP_KEY: &str = "app-s3cr3t-fedcba9876543210";

/// Strings no committed snapshot may contain: the canary, the seed's
/// `admin_email` secret, the keys of `generated_client.rs`, any PEM private
/// key and any service account email. [`forbidden_in_snapshots`] adds the key file fixture's values.
pub const FORBIDDEN_IN_SNAPSHOTS: &[&str] = &[
    CANARY,
    "test@example.com",
    "0123456789abcdef0123456789abcdef",
    "app-key-value",
    "PRIVATE KEY-----",
    "iam.gserviceaccount.com",
];

/// [`FORBIDDEN_IN_SNAPSHOTS`] plus every secret of the key file fixture
/// ([`service_account_key_secrets`]: the private key whole, JSON-escaped and
/// line by line, its id, the client email and id, the other fields).
pub fn forbidden_in_snapshots() -> Vec<String> {
    FORBIDDEN_IN_SNAPSHOTS
        .iter()
        .map(|s| s.to_string())
        .chain(service_account_key_secrets())
        .collect()
}

/// [`redact_version`], then the platform of the default user agent:
/// `entity-context-sync/0.1.0 (rust; linux; x86_64)` ->
/// `entity-context-sync/[version] (rust; [os]; [arch])`, so snapshots are
/// the same on every machine.
pub fn redact_user_agent(user_agent: &str) -> String {
    let platform = format!("; {}; {})", std::env::consts::OS, std::env::consts::ARCH);
    redact_version(user_agent).replace(&platform, "; [os]; [arch])")
}

/// The directory every workspace snapshot lives in (`tests/snapshots/`).
pub fn snapshot_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots")
}

/// The explicit names of the file snapshots asserted in `source`: the string
/// literal that opens an `assert_*snapshot!(` call, as in
/// `insta::assert_json_snapshot!("request_okta", view)`. Commented-out lines
/// do not count; a call whose first argument is not a string literal (an
/// unnamed or inline snapshot, or a name held in a variable) names nothing.
pub fn referenced_snapshot_names(source: &str) -> Vec<String> {
    let code: String = source
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .map(|line| format!("{line}\n"))
        .collect();
    let mut names = Vec::new();
    for (at, _) in code.match_indices("snapshot!(") {
        let ident_start = code[..at]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(0, |i| i + 1);
        if !code[ident_start..at].starts_with("assert_") {
            continue;
        }
        let args = code[at + "snapshot!(".len()..].trim_start();
        if let Some(rest) = args.strip_prefix('"')
            && let Some(end) = rest.find('"')
        {
            names.push(rest[..end].to_string());
        }
    }
    names
}

fn files_under(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "target") {
                continue;
            }
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Every snapshot name asserted by this crate's sources (`tests/tests/` and
/// `tests/src/`), with the file that asserts it, in file order.
pub fn snapshot_references() -> Vec<(String, std::path::PathBuf)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    files_under(&root.join("tests"), &mut files);
    files_under(&root.join("src"), &mut files);
    files
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .flat_map(|path| {
            let source = std::fs::read_to_string(&path).unwrap_or_default();
            referenced_snapshot_names(&source)
                .into_iter()
                .map(move |name| (name, path.clone()))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The committed snapshot files (`tests/snapshots/*.snap`), sorted.
pub fn snapshot_files() -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    files_under(&snapshot_dir(), &mut files);
    files.retain(|p| p.extension().is_some_and(|e| e == "snap"));
    files
}

/// Snapshot files that no `assert_*snapshot!("name", ..)` refers to any more:
/// a renamed or deleted test left them behind.
pub fn orphaned_snapshots() -> Vec<std::path::PathBuf> {
    let referenced: std::collections::BTreeSet<String> = snapshot_references()
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    snapshot_files()
        .into_iter()
        .filter(|path| {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            let stem = name.as_deref().and_then(|n| n.strip_suffix(".snap"));
            !stem.is_some_and(|stem| referenced.contains(stem))
        })
        .collect()
}

/// Snapshot names asserted more than once (insta would write `name-2.snap`).
pub fn duplicate_snapshot_names() -> Vec<String> {
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    for (name, _) in snapshot_references() {
        *seen.entry(name).or_default() += 1;
    }
    seen.into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(name, _)| name)
        .collect()
}

/// Unreviewed snapshots under `tests/`: `*.snap.new` (a changed or new file
/// snapshot) and `*.pending-snap` (an inline one).
pub fn pending_snapshots() -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    files_under(std::path::Path::new(env!("CARGO_MANIFEST_DIR")), &mut files);
    files.retain(|p| {
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
        name.is_some_and(|n| n.ends_with(".snap.new") || n.ends_with(".pending-snap"))
    });
    files
}

/// `(snapshot file, needle)` for every snapshot file containing one of
/// `needles` (compared case-insensitively).
pub fn snapshots_containing(needles: &[&str]) -> Vec<(std::path::PathBuf, String)> {
    let mut hits = Vec::new();
    for path in snapshot_files() {
        let text = std::fs::read_to_string(&path)
            .unwrap_or_default()
            .to_lowercase();
        for needle in needles {
            if text.contains(&needle.to_lowercase()) {
                hits.push((path.clone(), (*needle).to_string()));
            }
        }
    }
    hits
}
