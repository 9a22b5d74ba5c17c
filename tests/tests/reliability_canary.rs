//! Canary secret scan. Unique canary strings are the API key, the
//! application key and every `secrets` value; every public path is driven
//! (success, each error kind, retries, timeouts, validation and config
//! failures, servers that echo the request back) with a TRACE `tracing`
//! subscriber and a TRACE `log` logger capturing everything, and every public
//! value touched is formatted with `{:?}` and `{}`. The canaries must appear
//! on the wire (so the scan can fail) and nowhere else.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use entity_context_sync::{
    Client, Credentials, Error, IntegrationConfig, IntegrationType, NewSync, Response, RetryPolicy,
    SecretString, ServiceAccountKey, Site,
};
use entity_context_sync_client::types::SecurityMonitoringIntegrationConfigCreateRequest;
use entity_context_sync_tests::SEED_RESPONSE;
use entity_context_sync_tests::faults::{
    Action, RawServer, RecordingSleep, captured, datadog_key_shaped, error_texts, http_response,
    install_capture, json_response, refused_addr,
};
use serde_json::{Value, json};

const API_KEY: &str = "CanaryApiKeyQ7x2Z9";
/// Printable ASCII, so a valid header, with JSON's special characters.
const APP_KEY: &str = r#"CanaryAppKey4Kd8"q\x"#;
const ADMIN_EMAIL: &str = "canary.AdminW3n5@example.com";
/// A multi-line PEM (with a tab): on the wire its newlines are JSON `\n`.
const PRIVATE_KEY: &str = "-----BEGIN PRIVATE KEY-----\nCanaryPemM8r1\tline\nCanaryPemL2q9/+==\n-----END PRIVATE KEY-----\n";
const CLIENT_EMAIL: &str = "canary-sa-Hx4k@canary-proj.iam.gserviceaccount.com";
const PROJECT_ID: &str = "canary-proj-R7m2";
/// The key file's other fields: its id, its client id, a URL, a non-ASCII note.
const KEY_ID: &str = "CanaryKeyIdB6y4";
const KEY_CLIENT_ID: &str = "CanaryKeyClientN3w8";
const CERT_URL: &str = "https://www.googleapis.com/robot/v1/metadata/x509/CanaryCertUrlZ5";
const UNICODE: &str = "CanaryUnicodeH5t3-ünïcødé-秘密";
const OKTA_TOKEN: &str = "CanaryOktaT0k3nA1";
const S1_TOKEN: &str = "CanaryS1TokenE7c4";
const CS_CLIENT_ID: &str = "CanaryCsIdV9p3";
const CLIENT_SECRET: &str = r#"CanarySecretP2v6 "quoted" \back\slash & <tag>"#;
/// Embedded JSON, in the escape hatch's nested secrets.
const JSON_CREDS: &str = r#"{"type":"service_account","private_key_id":"CanaryJsonB6y4"}"#;

/// One distinctive word of each canary: any leaked form of a canary (raw,
/// JSON-escaped, `Debug`-escaped, cut short after the word) contains it.
const TOKENS: [(&str, &str); 16] = [
    ("api key", "CanaryApiKeyQ7x2Z9"),
    ("app key", "CanaryAppKey4Kd8"),
    ("admin_email", "canary.AdminW3n5"),
    ("private_key line 1", "CanaryPemM8r1"),
    ("private_key line 2", "CanaryPemL2q9"),
    ("client_email", "canary-sa-Hx4k"),
    ("project_id", "canary-proj-R7m2"),
    ("private_key_id", "CanaryKeyIdB6y4"),
    ("key file client_id", "CanaryKeyClientN3w8"),
    ("key file cert url", "CanaryCertUrlZ5"),
    ("key file unicode field", "CanaryUnicodeH5t3"),
    ("okta api_token", "CanaryOktaT0k3nA1"),
    ("sentinelone api_token", "CanaryS1TokenE7c4"),
    ("crowdstrike client_id", "CanaryCsIdV9p3"),
    ("crowdstrike client_secret", "CanarySecretP2v6"),
    ("raw secrets", "CanaryJsonB6y4"),
];

/// Every secret value, whole (each is in one of [`SOURCES`]' syncs).
const SECRETS: [&str; 15] = [
    API_KEY,
    APP_KEY,
    ADMIN_EMAIL,
    PRIVATE_KEY,
    CLIENT_EMAIL,
    PROJECT_ID,
    KEY_ID,
    KEY_CLIENT_ID,
    CERT_URL,
    UNICODE,
    OKTA_TOKEN,
    S1_TOKEN,
    CS_CLIENT_ID,
    CLIENT_SECRET,
    JSON_CREDS,
];

/// The service account key whose every field is a canary.
fn canary_key() -> ServiceAccountKey {
    ServiceAccountKey::new(PROJECT_ID, CLIENT_EMAIL, PRIVATE_KEY)
        .field("private_key_id", KEY_ID)
        .field("client_id", KEY_CLIENT_ID)
        .field("client_x509_cert_url", CERT_URL)
        .field("note", UNICODE)
}

/// The same key as a key file's JSON text (read back with `from_json`).
fn canary_key_file() -> String {
    json!({
        "type": "service_account",
        "project_id": PROJECT_ID,
        "private_key_id": KEY_ID,
        "private_key": PRIVATE_KEY,
        "client_email": CLIENT_EMAIL,
        "client_id": KEY_CLIENT_ID,
        "client_x509_cert_url": CERT_URL,
        "note": UNICODE,
    })
    .to_string()
}

/// Every source type, plus the escape hatch, with its secrets canaries.
const SOURCES: [&str; 5] = [
    "google_workspace",
    "okta",
    "sentinel_one",
    "crowdstrike",
    "raw",
];

fn sync_of(source: &str) -> NewSync {
    let sync = match source {
        "google_workspace" => NewSync::google_workspace(
            "Canary sync",
            "siem-test.com",
            ServiceAccountKey::from_json(&canary_key_file()).expect("canary key file"),
        )
        .admin_email(ADMIN_EMAIL),
        "okta" => NewSync::okta("Canary sync", "siem-test.okta.com", OKTA_TOKEN),
        "sentinel_one" => NewSync::sentinel_one("Canary sync", "usea1.sentinelone.net", S1_TOKEN),
        "crowdstrike" => NewSync::crowdstrike(
            "Canary sync",
            "api.crowdstrike.com",
            CS_CLIENT_ID,
            CLIENT_SECRET,
        ),
        "raw" => NewSync::raw("JUMPCLOUD", "Canary sync", "console.jumpcloud.com")
            .raw_secrets(json!({ "api_key": JSON_CREDS, "nested": { "list": [JSON_CREDS] } }))
            .raw_attribute("region", "eu"),
        other => panic!("no source {other}"),
    };
    sync.setting("setting1", "value1")
}

/// The source whose sync carries `secret` (the keys go with every sync).
fn source_holding(secret: &str) -> &'static str {
    match secret {
        OKTA_TOKEN => "okta",
        S1_TOKEN => "sentinel_one",
        CS_CLIENT_ID | CLIENT_SECRET => "crowdstrike",
        JSON_CREDS => "raw",
        _ => "google_workspace",
    }
}

fn canary_sync() -> NewSync {
    sync_of("google_workspace")
}

/// What the scan collected.
#[derive(Default)]
struct Scan {
    /// Every public value, formatted.
    seen: String,
    /// Every byte the mock servers received.
    wire: Vec<u8>,
    /// Every byte the echo servers sent back.
    echoed: Arc<Mutex<Vec<u8>>>,
    scenarios: Vec<String>,
    requests: usize,
    /// Request bodies decoded back into the generated type and formatted.
    wire_types: usize,
}

impl Scan {
    fn show(&mut self, what: &str, text: String) {
        self.seen.push_str(what);
        self.seen.push_str(": ");
        self.seen.push_str(&text);
        self.seen.push('\n');
    }

    fn show_outcome(
        &mut self,
        label: &str,
        outcome: &entity_context_sync::Result<Response<IntegrationConfig>>,
    ) {
        match outcome {
            Ok(response) => {
                let text = format!(
                    "{response:?}\n{:?}\n{}\n{:?}",
                    response.value,
                    serde_json::to_string(response).unwrap_or_default(),
                    response.rate_limit
                );
                self.show(label, text);
            }
            Err(err) => self.show_error(label, err),
        }
    }

    fn show_error(&mut self, label: &str, err: &Error) {
        let text = format!(
            "{}\nstatus={:?} rate_limit={:?} retryable={} applied={}",
            error_texts(err),
            err.status(),
            err.rate_limit(),
            err.is_retryable(),
            err.may_have_been_applied()
        );
        self.show(label, text);
    }

    fn absorb(&mut self, server: &RawServer) {
        for request in server.received() {
            self.wire.extend_from_slice(&request);
            self.requests += 1;
            // The generated wire type of what was sent, decoded back: its
            // `Debug` (secrets structs, the escape hatch's raw attributes).
            let body = request
                .windows(4)
                .position(|w| w == b"\r\n\r\n")
                .map_or(&[][..], |p| &request[p + 4..]);
            if let Ok(wire) =
                serde_json::from_slice::<SecurityMonitoringIntegrationConfigCreateRequest>(body)
            {
                self.wire_types += 1;
                self.show("generated request", format!("{wire:?}\n{wire:#?}"));
            }
        }
    }

    /// Runs one create of `sync` against `base_url` with `policy`, formatting
    /// the client, its builder, the handler and the pending call on the way.
    async fn create(
        &mut self,
        label: &str,
        base_url: &str,
        sync: NewSync,
        policy: RetryPolicy,
        timeout: Duration,
    ) -> entity_context_sync::Result<Response<IntegrationConfig>> {
        let sleep = RecordingSleep::default();
        let builder = Client::builder()
            .api_key(API_KEY)
            .app_key(APP_KEY)
            .base_url(base_url)
            .retry_policy(policy.clone())
            .sleep_impl(sleep.clone())
            .timeout(timeout);
        self.show("builder", format!("{builder:?}"));
        let client = builder.build().expect("canary client builds");
        let syncs = client.entity_context_syncs();
        self.show(
            "client",
            format!(
                "{client:?}\n{:?}\n{syncs:?}\n{}\n{policy:?}",
                client.inner(),
                client.base_url()
            ),
        );
        self.show(
            "new sync",
            format!(
                "{sync:?}\n{sync:#?}\n{:?}\n{} {} {} {}",
                sync.credentials(),
                sync.name(),
                sync.domain(),
                sync.integration_type(),
                sync.integration_type().as_str()
            ),
        );
        let pending = syncs.create(sync);
        self.show("create sync", format!("{pending:?}"));
        let outcome = pending.await;
        self.show_outcome(label, &outcome);
        self.show("sleeps", format!("{sleep:?}"));
        self.scenarios.push(label.to_string());
        outcome
    }

    /// [`create`](Self::create) against a fresh server running `script`.
    async fn against(
        &mut self,
        label: &str,
        source: &str,
        script: impl Fn(usize, &[u8]) -> Action + Send + Sync + 'static,
        policy: RetryPolicy,
    ) -> entity_context_sync::Result<Response<IntegrationConfig>> {
        let server = RawServer::start(script).await;
        let outcome = self
            .create(
                &format!("{label} ({source})"),
                &server.base_url(),
                sync_of(source),
                policy,
                Duration::from_secs(10),
            )
            .await;
        self.absorb(&server);
        outcome
    }

    /// A script that echoes each request through `make` and records it.
    fn echo(
        &self,
        make: impl Fn(&[u8], &[u8]) -> Vec<u8> + Send + Sync + 'static,
    ) -> impl Fn(usize, &[u8]) -> Action + Send + Sync + 'static {
        let echoed = Arc::clone(&self.echoed);
        move |_, request| {
            let split = request
                .windows(4)
                .position(|w| w == b"\r\n\r\n")
                .map_or(request.len(), |p| p + 4);
            let (head, body) = request.split_at(split);
            let reply = make(head, body);
            echoed
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .extend_from_slice(&reply);
            Action::Reply(reply)
        }
    }
}

/// `s` JSON-escaped the way Python's `json.dumps` does by default (every
/// non-ASCII character as `\uXXXX`).
fn ascii_json(s: &str) -> String {
    let mut out = String::new();
    for c in serde_json::to_string(s).unwrap_or_default().chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            for unit in c.encode_utf16(&mut [0; 2]) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

/// Builds an echo reply from a request's head and body.
type Echo = Box<dyn Fn(&[u8], &[u8]) -> Vec<u8> + Send + Sync>;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn canaries_reach_the_wire_and_nowhere_else() {
    install_capture();
    let mut scan = Scan::default();
    let none = RetryPolicy::none;
    let quick = || RetryPolicy::default().max_retries(2);

    for source in SOURCES {
        // Success.
        let ok = scan
            .against(
                "200",
                source,
                |_, _| {
                    Action::Reply(http_response(
                        200,
                        &[
                            ("content-type", "application/json"),
                            ("x-ratelimit-remaining", "99"),
                        ],
                        SEED_RESPONSE.as_bytes(),
                    ))
                },
                none(),
            )
            .await;
        assert!(ok.is_ok(), "{ok:?}");

        // Each error kind from a plain server.
        let dd_error = r#"{"errors":["Bad Request"]}"#;
        for status in [400u16, 403, 404, 500, 502, 503] {
            scan.against(
                &format!("{status}"),
                source,
                move |_, _| Action::Reply(json_response(status, dd_error)),
                quick(),
            )
            .await
            .expect_err("error status");
        }
        scan.against(
            "502 html",
            source,
            |_, _| {
                Action::Reply(http_response(
                    502,
                    &[("content-type", "text/html")],
                    b"<html>Bad Gateway</html>",
                ))
            },
            none(),
        )
        .await
        .expect_err("html");
        scan.against(
            "429 exhausted",
            source,
            |_, _| {
                Action::Reply(http_response(
                    429,
                    &[
                        ("content-type", "application/json"),
                        ("x-ratelimit-reset", "2"),
                        ("x-ratelimit-name", "integration_config"),
                    ],
                    br#"{"errors":["Too many requests"]}"#,
                ))
            },
            quick(),
        )
        .await
        .expect_err("429");
        scan.against(
            "429 then 200",
            source,
            |n, _| {
                if n == 0 {
                    Action::Reply(json_response(429, r#"{"errors":["Too many requests"]}"#))
                } else {
                    Action::Reply(json_response(200, SEED_RESPONSE))
                }
            },
            quick(),
        )
        .await
        .expect("retried");
        scan.against(
            "200 decode",
            source,
            |_, _| Action::Reply(json_response(200, r#"{"data":{"id":1}}"#)),
            none(),
        )
        .await
        .expect_err("decode");
        scan.against(
            "reset mid-response",
            source,
            |_, _| Action::Reset(b"HTTP/1.1 200 OK\r\ncontent-length: 99\r\n\r\n{".to_vec()),
            quick(),
        )
        .await
        .expect_err("reset");
    }

    // Timeout: the server never answers.
    let server = RawServer::always(Action::Stall(Vec::new())).await;
    let err = scan
        .create(
            "timeout",
            &server.base_url(),
            canary_sync(),
            quick(),
            Duration::from_millis(500),
        )
        .await
        .expect_err("timeout");
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    for _ in 0..100 {
        if server.requests() > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    scan.absorb(&server);

    // Transport: connection refused, retried since nothing was sent.
    let refused = format!("http://{}", refused_addr());
    scan.create(
        "connection refused",
        &refused,
        canary_sync(),
        quick(),
        Duration::from_secs(10),
    )
    .await
    .expect_err("refused");

    // Servers that echo the request back, every way we could think of.
    let echoes: Vec<(&str, Echo)> = vec![
        (
            "echo raw request as text",
            Box::new(|head: &[u8], body: &[u8]| {
                http_response(
                    400,
                    &[("content-type", "text/plain")],
                    &[head, body].concat(),
                )
            }),
        ),
        (
            "echo body first as text",
            Box::new(|head: &[u8], body: &[u8]| {
                http_response(
                    400,
                    &[("content-type", "text/plain")],
                    &[body, head].concat(),
                )
            }),
        ),
        (
            "echo in Datadog's errors",
            Box::new(|head: &[u8], body: &[u8]| {
                json_response(
                    400,
                    &json!({"errors": [text(body), text(head), text(&[head, body].concat())]})
                        .to_string(),
                )
            }),
        ),
        (
            "echo in 403 errors",
            Box::new(|head: &[u8], body: &[u8]| {
                json_response(
                    403,
                    &json!({"errors": [text(head), text(body)]}).to_string(),
                )
            }),
        ),
        (
            "echo in 429 errors",
            Box::new(|head: &[u8], body: &[u8]| {
                json_response(
                    429,
                    &json!({"errors": [text(head), text(body)]}).to_string(),
                )
            }),
        ),
        (
            "echo as non-Datadog JSON (5xx)",
            Box::new(|head: &[u8], body: &[u8]| {
                let body: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
                json_response(
                    500,
                    &json!({"echo": body, "headers": text(head)}).to_string(),
                )
            }),
        ),
        (
            "echo as a 200 string",
            Box::new(|head: &[u8], body: &[u8]| {
                json_response(
                    200,
                    &json!({"data": text(&[head, body].concat())}).to_string(),
                )
            }),
        ),
        (
            "echo body as a 200",
            Box::new(|_: &[u8], body: &[u8]| {
                http_response(200, &[("content-type", "application/json")], body)
            }),
        ),
    ];
    let echoes: Vec<(&str, Arc<Echo>)> = echoes
        .into_iter()
        .map(|(label, make)| (label, Arc::new(make)))
        .collect();
    for source in SOURCES {
        for (label, make) in &echoes {
            let make = Arc::clone(make);
            scan.against(label, source, scan.echo(move |h, b| make(h, b)), quick())
                .await
                .expect_err(label);
        }
    }
    // Each secret alone at the start of a body (inside the quoted excerpt),
    // raw, JSON-escaped and ASCII-JSON-escaped (Python's default).
    for secret in SECRETS {
        let source = source_holding(secret);
        for (form, shown) in [
            ("raw", secret.to_string()),
            ("json", serde_json::to_string(secret).unwrap_or_default()),
            ("ascii json", ascii_json(secret)),
        ] {
            let label = format!("echo one secret, {form}");
            for status in [200u16, 400, 500] {
                let shown = shown.clone();
                let make = move |_: &[u8], _: &[u8]| {
                    http_response(
                        status,
                        &[("content-type", "text/plain")],
                        format!("{{\"message\":{shown}}}").as_bytes(),
                    )
                };
                scan.against(&label, source, scan.echo(make), none())
                    .await
                    .expect_err(&label);
            }
        }
        // In Datadog's own `errors` list (a 400): the secret unescaped (a PEM
        // with real newlines) and JSON-escaped (`\n`), as a server quoting
        // the request body would.
        let escaped = serde_json::to_string(secret).unwrap_or_default();
        let make = move |_: &[u8], _: &[u8]| {
            json_response(
                400,
                &json!({ "errors": [
                    format!("invalid secrets: {secret}"),
                    format!("body: {{\"secrets\":{{\"x\":{escaped}}}}}"),
                ] })
                .to_string(),
            )
        };
        scan.against(
            "echo one secret in 400 errors",
            source,
            scan.echo(make),
            none(),
        )
        .await
        .expect_err("400");
    }

    // Validation failures: the canaries are in the refused NewSync.
    let invalid: Vec<(&str, NewSync)> = vec![
        (
            "control character in name",
            NewSync::google_workspace("bad\u{1b}name", "siem-test.com", canary_key())
                .admin_email(ADMIN_EMAIL),
        ),
        (
            "empty name",
            NewSync::google_workspace("", "siem-test.com", canary_key()).admin_email(ADMIN_EMAIL),
        ),
        (
            "bad domain",
            NewSync::okta("n", "https://siem-test.com", OKTA_TOKEN),
        ),
        (
            "private_key not a PEM block",
            NewSync::google_workspace(
                "n",
                "siem-test.com",
                ServiceAccountKey::new(PROJECT_ID, CLIENT_EMAIL, KEY_ID).field("note", UNICODE),
            ),
        ),
        (
            "client_email not an email",
            NewSync::google_workspace(
                "n",
                "siem-test.com",
                ServiceAccountKey::new(PROJECT_ID, KEY_CLIENT_ID, PRIVATE_KEY),
            ),
        ),
        (
            "admin_email not an email",
            NewSync::google_workspace("n", "siem-test.com", canary_key()).admin_email(KEY_ID),
        ),
        (
            "admin_email on Okta",
            NewSync::okta("n", "siem-test.okta.com", OKTA_TOKEN).admin_email(ADMIN_EMAIL),
        ),
        (
            "empty CrowdStrike client_secret",
            NewSync::crowdstrike("n", "api.crowdstrike.com", CS_CLIENT_ID, " "),
        ),
        (
            "empty SentinelOne token",
            NewSync::sentinel_one("n", "usea1.sentinelone.net", ""),
        ),
        (
            "empty raw secret key",
            NewSync::raw("JUMPCLOUD", "n", "siem-test.com").raw_secrets(json!({ "": PRIVATE_KEY })),
        ),
        (
            "raw OKTA without api_token",
            NewSync::raw("OKTA", "n", "siem-test.com").raw_secrets(json!({ "token": OKTA_TOKEN })),
        ),
        (
            "raw_secrets on SentinelOne",
            NewSync::sentinel_one("n", "usea1.sentinelone.net", S1_TOKEN)
                .raw_secrets(json!({ "api_token": JSON_CREDS })),
        ),
        (
            "oversize secret made of canaries",
            NewSync::crowdstrike(
                "n",
                "api.crowdstrike.com",
                CS_CLIENT_ID,
                CLIENT_SECRET.repeat(2000),
            ),
        ),
        (
            "oversize settings",
            canary_sync().setting("blob", "x".repeat(300 * 1024)),
        ),
        (
            "bad integration type",
            NewSync::raw(IntegrationType::from(" OKTA "), "n", "siem-test.com")
                .raw_secrets(json!({ "k": UNICODE })),
        ),
    ];
    let server = RawServer::always(Action::Reply(json_response(200, SEED_RESPONSE))).await;
    for (label, sync) in invalid {
        let err = scan
            .create(
                &format!("validation: {label}"),
                &server.base_url(),
                sync.clone(),
                none(),
                Duration::from_secs(10),
            )
            .await
            .expect_err(label);
        assert!(matches!(err, Error::Validation { .. }), "{label}: {err:?}");
        let direct = sync.validate().expect_err(label);
        scan.show_error(label, &direct);
    }
    assert_eq!(server.requests(), 0, "validation failures send nothing");

    // Key files refused before any client exists, the canaries inside them.
    let file: Value = serde_json::from_str(&canary_key_file()).expect("canary key file");
    let edited = |edit: &dyn Fn(&mut serde_json::Map<String, Value>)| {
        let mut map = file.as_object().cloned().unwrap_or_default();
        edit(&mut map);
        Value::Object(map).to_string()
    };
    let key_files: Vec<(&str, String)> = vec![
        ("key file: the PEM alone", PRIVATE_KEY.to_string()),
        (
            "key file: truncated",
            canary_key_file()[..canary_key_file().len() - 30].to_string(),
        ),
        ("key file: an array", json!([file.clone()]).to_string()),
        (
            "key file: no private_key",
            edited(&|m| {
                m.remove("private_key");
            }),
        ),
        (
            "key file: private_key not a string",
            edited(&|m| {
                m.insert("private_key".into(), json!([PRIVATE_KEY, KEY_ID]));
            }),
        ),
        (
            "key file: type authorized_user",
            edited(&|m| {
                m.insert("type".into(), json!("authorized_user"));
            }),
        ),
        (
            "key file: private_key not PEM",
            edited(&|m| {
                m.insert("private_key".into(), json!(KEY_CLIENT_ID));
            }),
        ),
    ];
    for (label, text) in &key_files {
        let err = ServiceAccountKey::from_json(text).expect_err(label);
        assert!(matches!(err, Error::Validation { .. }), "{label}: {err:?}");
        scan.show_error(label, &err);
        scan.scenarios.push(label.to_string());
    }
    let dir = std::env::temp_dir().join(format!("ecs-canary-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let pem_file = dir.join("pem.txt");
    std::fs::write(&pem_file, PRIVATE_KEY).expect("write");
    for path in [pem_file.clone(), dir.join("missing.json")] {
        let err = ServiceAccountKey::from_file(&path).expect_err("not a key file");
        scan.show_error("key file path", &err);
        scan.scenarios
            .push(format!("key file path: {}", path.display()));
    }
    std::fs::remove_dir_all(&dir).expect("clean up");
    // The typed values themselves.
    let key = canary_key();
    let credentials = [
        Credentials::google_workspace_as(canary_key(), ADMIN_EMAIL),
        Credentials::okta(OKTA_TOKEN),
        Credentials::sentinel_one(S1_TOKEN),
        Credentials::crowdstrike(CS_CLIENT_ID, CLIENT_SECRET),
        Credentials::raw("JUMPCLOUD", Some(json!({ "k": JSON_CREDS }))),
    ];
    scan.show("key", format!("{key:?}\n{key:#?}"));
    for c in &credentials {
        scan.show(
            "credentials",
            format!(
                "{c:?}\n{c:#?}\n{}\n{:?}",
                c.integration_type(),
                c.validate()
            ),
        );
        let sync = NewSync::with_credentials("n", "siem-test.com", c.clone());
        scan.show("with_credentials", format!("{sync:?}\n{sync:#?}"));
    }

    // Config failures: keys in odd places.
    let configs: Vec<(&str, entity_context_sync::Result<Client>)> = vec![
        (
            "api key with a control character",
            Client::builder()
                .api_key(format!("{API_KEY}\u{7}"))
                .app_key(APP_KEY)
                .build(),
        ),
        (
            "app key with a space",
            Client::builder()
                .api_key(API_KEY)
                .app_key(format!("{APP_KEY} x"))
                .build(),
        ),
        (
            "app key with a newline (header injection)",
            Client::builder()
                .api_key(API_KEY)
                .app_key(format!("{APP_KEY}\r\nX-Evil: 1"))
                .build(),
        ),
        (
            "missing app key",
            Client::builder().api_key(API_KEY).build(),
        ),
        (
            "key in base_url query",
            Client::builder()
                .api_key(API_KEY)
                .app_key(APP_KEY)
                .base_url(format!("http://127.0.0.1:9/?api_key={API_KEY}"))
                .build(),
        ),
        (
            "key in base_url fragment",
            Client::builder()
                .api_key(API_KEY)
                .app_key(APP_KEY)
                .base_url(format!("http://127.0.0.1:9/#{API_KEY}"))
                .build(),
        ),
        (
            "key as base_url password",
            Client::builder()
                .api_key(API_KEY)
                .app_key(APP_KEY)
                .base_url(format!("http://dd:{API_KEY}@127.0.0.1:9/"))
                .build(),
        ),
        (
            "key in a non-http base_url",
            Client::builder()
                .api_key(API_KEY)
                .app_key(APP_KEY)
                .base_url(format!("ftp://dd:{API_KEY}@127.0.0.1/"))
                .build(),
        ),
        (
            "key in an unparsable base_url",
            Client::builder()
                .api_key(API_KEY)
                .app_key(APP_KEY)
                .base_url(format!("http://dd:{API_KEY}@[::1/"))
                .build(),
        ),
        (
            "bad user agent",
            Client::builder()
                .api_key(API_KEY)
                .app_key(APP_KEY)
                .user_agent("ua\n")
                .build(),
        ),
        (
            "env: empty app key",
            Client::builder()
                .env_from(|name| match name {
                    "DD_API_KEY" => Some(API_KEY.to_string()),
                    "DD_APP_KEY" => Some(" ".to_string()),
                    _ => None,
                })
                .and_then(|b| b.build()),
        ),
        (
            "env: unknown site",
            Client::builder()
                .env_from(|name| match name {
                    "DD_API_KEY" => Some(API_KEY.to_string()),
                    "DD_APP_KEY" => Some(APP_KEY.to_string()),
                    "DD_SITE" => Some("datadoghq.co".to_string()),
                    _ => None,
                })
                .and_then(|b| b.build()),
        ),
    ];
    for (label, built) in configs {
        let err = built.expect_err(label);
        assert!(matches!(err, Error::Config { .. }), "{label}: {err:?}");
        scan.show_error(label, &err);
        scan.scenarios.push(format!("config: {label}"));
    }

    // Other public values.
    scan.show(
        "values",
        format!(
            "{:?} {:?} {} {:?}",
            SecretString::from(API_KEY),
            Site::Us1,
            Site::Eu1,
            RetryPolicy::default()
        ),
    );

    // The scan can fail: every canary went out on the wire, and the echo
    // servers sent every one of them back.
    let wire = text(&scan.wire);
    let echoed = text(&scan.echoed.lock().unwrap_or_else(PoisonError::into_inner));
    for (what, token) in TOKENS {
        assert!(wire.contains(token), "{what} never reached the wire");
        assert!(echoed.contains(token), "{what} was never echoed back");
    }
    let logs = captured();
    // The capture is live at every layer.
    for needle in [
        "span INFO entity_context_sync::exec entity_context_sync.create",
        "event TRACE hyper_util",
        "log DEBUG reqwest",
        "retrying",
        "status=429",
        "log ",
    ] {
        assert!(logs.contains(needle), "capture lacks {needle:?}");
    }
    let mut leaks = Vec::new();
    for (what, token) in TOKENS {
        for (place, haystack) in [("formatted values", &scan.seen), ("logs", &logs)] {
            if let Some(at) = haystack.find(token) {
                let start = haystack[..at]
                    .char_indices()
                    .rev()
                    .nth(80)
                    .map_or(0, |(i, _)| i);
                let end = (at + 80).min(haystack.len());
                let end = (end..=haystack.len())
                    .find(|&i| haystack.is_char_boundary(i))
                    .unwrap_or(haystack.len());
                leaks.push(format!("{what} in {place}: …{}…", &haystack[start..end]));
            }
        }
    }
    assert!(leaks.is_empty(), "canaries leaked:\n{}", leaks.join("\n"));
    println!(
        "reliability: canary scan: {} scenarios ({} sources), {} requests ({} bytes, {} decoded back into the generated type) on the wire, {} bytes echoed, {} bytes of formatted values and {} bytes / {} lines of TRACE logs scanned for {} canaries: 0 leaks",
        scan.scenarios.len(),
        SOURCES.len(),
        scan.requests,
        scan.wire.len(),
        scan.wire_types,
        echoed.len(),
        scan.seen.len(),
        logs.len(),
        logs.lines().count(),
        TOKENS.len()
    );
}

/// Short secrets (fewer than 12 characters) are masked as whole values
/// only: a SentinelOne token `security` echoed quoted is masked, while the
/// URL `/api/v2/security_monitoring/…` around it in the same message is left
/// intact. Keys that short are refused when the client is built.
#[tokio::test]
async fn short_secrets_are_masked_as_whole_values_without_mangling_urls() {
    let err = Client::builder()
        .api_key("k")
        .app_key(APP_KEY)
        .build()
        .expect_err("a 1-character key");
    assert_eq!(
        err.to_string(),
        "configuration error: api_key is too short to be a Datadog key (fewer than 8 characters); check that it is not truncated"
    );
    let short = "security";
    let message = format!(
        "POST /api/v2/security_monitoring/configuration/integration_config: token \"{short}\" rejected ({short})"
    );
    let body = json!({ "errors": [message] }).to_string();
    let server = RawServer::always(Action::Reply(json_response(400, &body))).await;
    let client = Client::builder()
        .api_key(API_KEY)
        .app_key(APP_KEY)
        .base_url(server.base_url())
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client builds");
    let err = client
        .entity_context_syncs()
        .create(NewSync::sentinel_one("n", "usea1.sentinelone.net", short))
        .await
        .expect_err("400");
    let text = err.to_string();
    assert_eq!(
        text,
        "create: Datadog API error 400 Bad Request: POST /api/v2/security_monitoring/configuration/integration_config: token \"[REDACTED]\" rejected ([REDACTED])"
    );
    assert_eq!(server.requests(), 1);
    // A long secret is masked wherever it occurs, inside words too.
    let long = "CanaryLongTokenW4z8";
    let body = json!({ "errors": [format!("x{long}x /api/v2/{long}/y")] }).to_string();
    let server = RawServer::always(Action::Reply(json_response(400, &body))).await;
    let client = Client::builder()
        .api_key(API_KEY)
        .app_key(APP_KEY)
        .base_url(server.base_url())
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client builds");
    let err = client
        .entity_context_syncs()
        .create(NewSync::okta("n", "siem-test.okta.com", long))
        .await
        .expect_err("400");
    assert!(
        err.to_string()
            .ends_with("x[REDACTED]x /api/v2/[REDACTED]/y"),
        "{err}"
    );
}

/// Files that tests write or commit: snapshots (accepted and pending),
/// fixtures, docs, proptest regressions.
fn written_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs = vec![
        root.join("snapshots"),
        root.join("fixtures"),
        root.join("proptest-regressions"),
        root.join("../docs"),
    ];
    let mut files = Vec::new();
    for _ in 0..10_000 {
        let Some(dir) = dirs.pop() else { break };
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn written_files_hold_no_canary_and_nothing_shaped_like_a_datadog_key() {
    // The detector works.
    assert_eq!(
        datadog_key_shaped("key: 0123456789abcdef0123456789abcdef."),
        ["0123456789abcdef0123456789abcdef"]
    );
    assert_eq!(
        datadog_key_shaped("a 0123456789abcdef0123456789abcdef01234567 b"),
        ["0123456789abcdef0123456789abcdef01234567"]
    );
    assert!(
        datadog_key_shaped(
            "11111111-2222-3333-4444-555555555555 0123456789ABCDEF0123456789ABCDEF x0123456789abcdef0123456789abcdef 0123456789abcdef0123456789abcde"
        )
        .is_empty()
    );

    let files = written_files();
    assert!(
        files
            .iter()
            .any(|f| f.extension().is_some_and(|e| e == "snap")),
        "the scan sees the snapshots: {files:?}"
    );
    let mut problems = Vec::new();
    let mut bytes = 0;
    for file in &files {
        let Ok(content) = std::fs::read(file) else {
            continue;
        };
        bytes += content.len();
        let content = String::from_utf8_lossy(&content);
        for (what, token) in TOKENS {
            if content.contains(token) {
                problems.push(format!("{}: {what} canary", file.display()));
            }
        }
        for word in datadog_key_shaped(&content) {
            problems.push(format!("{}: key-shaped `{word}`", file.display()));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    println!(
        "reliability: scanned {} files ({bytes} bytes) under tests/snapshots, tests/fixtures, tests/proptest-regressions, docs: 0 canaries, 0 key-shaped words",
        files.len()
    );
}
