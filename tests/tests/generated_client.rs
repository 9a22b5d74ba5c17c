//! End to end through the generated client: the seed's example body goes to
//! an httpmock server on 127.0.0.1 and the seed's 200 example comes back.

use entity_context_sync_client::types::SecurityMonitoringIntegrationConfigCreateRequest;
use entity_context_sync_client::{Client, RequestContext};
use entity_context_sync_httpmock::MockServerExt;
use entity_context_sync_tests::{Recorder, SEED_REQUEST, SEED_RESPONSE, SPEC, json};
use reqwest::header::{HeaderMap, HeaderValue};

fn raw_client() -> reqwest::Client {
    // With the facade in this crate's dependencies, reqwest is built with
    // `rustls-no-provider`: a plain reqwest client needs a process-wide
    // crypto provider (losing a race with another installer is fine).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut headers = HeaderMap::new();
    for (name, value) in [
        ("DD-API-KEY", "0123456789abcdef0123456789abcdef"),
        ("DD-APPLICATION-KEY", "app-key-value"),
    ] {
        let mut value = HeaderValue::from_static(value);
        value.set_sensitive(true);
        headers.insert(name, value);
    }
    reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("client builds")
}

#[tokio::test]
async fn seed_example_round_trips_through_the_generated_client() {
    let _settings = entity_context_sync_tests::snapshot_settings().bind_to_scope();
    let server = httpmock::MockServer::start_async().await;
    let recorder = Recorder::default();
    let reply = serde_json::from_str(SEED_RESPONSE).expect("seed response decodes");
    let mock = server.create_security_monitoring_integration_config(|when, then| {
        let when = when.body(&serde_json::from_str(SEED_REQUEST).expect("seed request decodes"));
        when.into_inner().is_true(recorder.matcher());
        then.ok(&reply)
            .into_inner()
            .header("X-RateLimit-Remaining", "41")
            .header("X-RateLimit-Name", "security_monitoring_integration_config");
    });

    let capture = RequestContext::new();
    let client = Client::new_with_client(&server.base_url(), raw_client(), capture.clone());
    let body: SecurityMonitoringIntegrationConfigCreateRequest =
        serde_json::from_str(SEED_REQUEST).expect("seed request decodes");
    let response = client
        .create_security_monitoring_integration_config(&body)
        .await
        .expect("create succeeds");

    mock.assert_async().await;
    let requests = recorder.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].body,
        json(SEED_REQUEST),
        "the body on the wire is the seed's example"
    );
    let headers = requests[0].view["headers"].to_string();
    assert!(
        !headers.contains("api-version"),
        "the api-version header is stripped: {headers}"
    );
    insta::assert_json_snapshot!("generated_client_request", requests[0].view);

    assert_eq!(response.status().as_u16(), 200);
    let meta = capture
        .take_response()
        .expect("the post hook records the response");
    assert_eq!(
        meta.status.as_u16(),
        200,
        "the post hook records the status"
    );
    let rate_limit = meta.rate_limit.expect("and reads the rate-limit headers");
    assert_eq!(rate_limit.remaining, Some(41));
    assert_eq!(
        rate_limit.name.as_deref(),
        Some("security_monitoring_integration_config")
    );
    assert_eq!(rate_limit.limit, None);
    let decoded = serde_json::to_value(response.into_inner()).expect("response re-encodes");
    assert_eq!(
        decoded,
        json(SEED_RESPONSE),
        "decoding loses nothing the seed shows"
    );
    insta::assert_json_snapshot!("generated_client_response", decoded);
}

#[test]
fn spec_examples_are_the_seed_examples() {
    let spec: serde_json::Value = serde_yaml::from_str(SPEC).expect("spec parses");
    let op = &spec["paths"]["/api/v2/security_monitoring/configuration/integration_config"]["post"];
    assert_eq!(
        op["requestBody"]["content"]["application/json"]["examples"]["default"]["value"],
        json(SEED_REQUEST)
    );
    assert_eq!(
        op["responses"]["200"]["content"]["application/json"]["examples"]["default"]["value"],
        json(SEED_RESPONSE)
    );
}
