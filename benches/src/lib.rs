//! Support for the per-call benchmark (`cargo bench -p entity-context-sync-benches`)
//! and the build-footprint examples; see `docs/performance.md`.
//!
//! - [`loopback`]: a minimal HTTP/1.1 keep-alive server on `127.0.0.1:0` that
//!   answers every request with the seed 200 reply. No routing or matching, so
//!   the server's own cost is small and the same for every client measured.
//! - [`raw`]: the baseline: the create call written by hand with reqwest and
//!   serde_json, sending the same body and headers as the facade.

pub mod loopback;
pub mod raw;

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
