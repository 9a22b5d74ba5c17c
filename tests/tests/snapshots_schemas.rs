//! Schema snapshots: the JSON Schema (schemars 1.x) of the generated request,
//! response and error types, and the site table. A spec change that alters
//! a wire type shows up here as a diff even when no example exercises it.

mod snapshots_support;

use entity_context_sync::Site;
use entity_context_sync_client::types::{
    ApiErrorResponse, SecurityMonitoringIntegrationConfigCreateRequest,
    SecurityMonitoringIntegrationConfigResponse,
};
use serde_json::json;
use snapshots_support::settings;

#[test]
fn create_request_schema() {
    let _settings = settings().bind_to_scope();
    insta::assert_json_snapshot!(
        "schema_create_request",
        schemars::schema_for!(SecurityMonitoringIntegrationConfigCreateRequest)
    );
}

#[test]
fn response_schema() {
    let _settings = settings().bind_to_scope();
    insta::assert_json_snapshot!(
        "schema_response",
        schemars::schema_for!(SecurityMonitoringIntegrationConfigResponse)
    );
}

#[test]
fn api_error_response_schema() {
    let _settings = settings().bind_to_scope();
    insta::assert_json_snapshot!(
        "schema_api_error_response",
        schemars::schema_for!(ApiErrorResponse)
    );
}

/// Every `Site::ALL` entry, in order: its `DD_SITE` spelling, `Display`, API
/// base URL, and that the browser spelling parses back to it.
#[test]
fn site_table() {
    let _settings = settings().bind_to_scope();
    let rows: Vec<_> = Site::ALL
        .into_iter()
        .map(|site| {
            let browser = format!("https://app.{site}/");
            json!({
                "site": format!("{site:?}"),
                "as_str()": site.as_str(),
                "to_string()": site.to_string(),
                "api_base_url()": site.api_base_url(),
                "parses_from_browser_url": browser.parse::<Site>().ok() == Some(site),
            })
        })
        .collect();
    assert_eq!(Site::default(), Site::Us1);
    insta::assert_json_snapshot!("schema_site_table", rows);
}
