//! Request snapshots: the exact request the facade sends, as an httpmock
//! server on 127.0.0.1 received it (method, path, query, sorted headers with
//! the keys and the user agent's version redacted, JSON body with every
//! `secrets` value redacted at any depth). One per source type (Google
//! Workspace from a real-format key file and from the required fields, Okta,
//! Entra ID, CrowdStrike, SentinelOne), with and without settings, the raw
//! escape hatch, the deprecated shims, unicode, a base URL with a path
//! prefix, and the base URL of every site; and a check of every body against
//! the fragment's variant schemas, field for field.

mod snapshots_support;

use std::collections::BTreeSet;

use entity_context_sync::{Client, Credentials, NewSync, RetryPolicy, ServiceAccountKey, Site};
use entity_context_sync_tests::{
    REDACTED, Recorded, Recorder, SEED_REQUEST, SERVICE_ACCOUNT_KEY, SPEC, TEST_API_KEY,
    TEST_APP_KEY, json, service_account_key,
};
use httpmock::MockServer;
use serde_json::{Value, json};
use snapshots_support::{CREATE_PATH, Reply, mount, request_view, seed_sync, settings};

/// Sends `sync` through the facade to a fresh mock server and returns the one
/// request it received.
async fn send(sync: NewSync) -> Recorded {
    let server = MockServer::start_async().await;
    let recorder = Recorder::default();
    let mock = mount(&server, &recorder, &Reply::seed(), None);
    let response = snapshots_support::client(&server)
        .entity_context_syncs()
        .create(sync)
        .await
        .expect("the mock answers 200");
    assert_eq!(response.attempts, 1);
    assert_eq!(mock.calls_async().await, 1);
    let mut requests = recorder.requests();
    assert_eq!(requests.len(), 1, "exactly one request was sent");
    requests.remove(0)
}

/// The `secrets` object exactly as sent (unredacted), to check the values
/// reached the server while the snapshot shows only `[redacted]`.
fn sent_secrets(recorded: &Recorded) -> &Value {
    &recorded.body["data"]["attributes"]["secrets"]
}

#[tokio::test]
async fn seed_example_sends_the_seed_body() {
    let _settings = settings().bind_to_scope();
    let sent = send(seed_sync()).await;
    assert_eq!(
        sent.body,
        json(SEED_REQUEST),
        "the facade sends the seed's example body, byte for byte as JSON"
    );
    insta::assert_json_snapshot!("request_google_workspace_seed", request_view(&sent));
}

#[tokio::test]
async fn google_workspace_from_a_key_file_without_settings() {
    let _settings = settings().bind_to_scope();
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../crates/entity-context-sync/examples/data/service-account-key.json"
    );
    let key = ServiceAccountKey::from_file(path).expect("the fixture is a valid key file");
    let sent = send(NewSync::google_workspace(
        "GWS without settings",
        "siem-test.com",
        key,
    ))
    .await;
    assert_eq!(
        sent_secrets(&sent),
        &json!({ "service_account_json": json(SERVICE_ACCOUNT_KEY) }),
        "the key file is sent whole, every field of it, and no admin_email"
    );
    assert!(
        sent.body["data"]["attributes"].get("settings").is_none(),
        "no settings: the key is omitted, not sent as null or {{}}"
    );
    let view = request_view(&sent);
    let shown = view["body"]["data"]["attributes"]["secrets"]["service_account_json"]
        .as_object()
        .expect("the redacted view keeps the key file's shape");
    assert_eq!(shown.len(), 11, "every field of the key file: {shown:?}");
    assert!(shown.values().all(|v| v == REDACTED), "{shown:?}");
    insta::assert_json_snapshot!("request_google_workspace_key_file_without_settings", view);
}

#[tokio::test]
async fn google_workspace_with_only_the_required_key_fields_and_settings() {
    let _settings = settings().bind_to_scope();
    let key = ServiceAccountKey::new(
        "gws-project-s3cr3t",
        "sync-s3cr3t@gws-project.iam.gserviceaccount.com",
        "-----BEGIN PRIVATE KEY-----\nMIIEs3cr3t\n-----END PRIVATE KEY-----\n",
    );
    let sent = send(
        NewSync::google_workspace("GWS minimal key", "siem-test.com", key)
            .admin_email("admin-s3cr3t@siem-test.com")
            .setting("user_sync_scope", "all"),
    )
    .await;
    assert_eq!(
        sent_secrets(&sent),
        &json!({
            "admin_email": "admin-s3cr3t@siem-test.com",
            "service_account_json": {
                "client_email": "sync-s3cr3t@gws-project.iam.gserviceaccount.com",
                "private_key": "-----BEGIN PRIVATE KEY-----\nMIIEs3cr3t\n-----END PRIVATE KEY-----\n",
                "project_id": "gws-project-s3cr3t",
                "type": "service_account",
            }
        })
    );
    insta::assert_json_snapshot!(
        "request_google_workspace_minimal_key_with_settings",
        request_view(&sent)
    );
}

#[tokio::test]
async fn okta_with_and_without_settings() {
    let _settings = settings().bind_to_scope();
    let with = send(
        NewSync::okta(
            "Okta production",
            "siem-test.okta.com",
            "okta-token-s3cr3t-1",
        )
        .setting("sync_groups", true)
        .setting("page_size", 200)
        .setting("group_filter", json!(["admins", "engineering"])),
    )
    .await;
    assert_eq!(
        sent_secrets(&with),
        &json!({ "api_token": "okta-token-s3cr3t-1" })
    );
    insta::assert_json_snapshot!("request_okta_with_settings", request_view(&with));

    let without = send(NewSync::okta(
        "Okta production",
        "siem-test.okta.com",
        "okta-token-s3cr3t-1",
    ))
    .await;
    assert!(without.body["data"]["attributes"].get("settings").is_none());
    insta::assert_json_snapshot!("request_okta_without_settings", request_view(&without));
}

#[tokio::test]
async fn entra_id_with_and_without_settings_sends_no_secrets() {
    let _settings = settings().bind_to_scope();
    let sync = || NewSync::entra_id("Entra ID tenant", "siem-test.onmicrosoft.com");
    let with = send(
        sync()
            .setting("sync_devices", false)
            .setting("scopes", json!({ "users": true, "groups": ["all"] })),
    )
    .await;
    assert!(
        with.body["data"]["attributes"].get("secrets").is_none(),
        "Entra ID's schema has no secrets property: the key is omitted"
    );
    insta::assert_json_snapshot!("request_entra_id_with_settings", request_view(&with));

    let without = send(sync()).await;
    assert_eq!(
        without.body["data"]["attributes"],
        json!({
            "domain": "siem-test.onmicrosoft.com",
            "integration_type": "ENTRA_ID",
            "name": "Entra ID tenant",
        })
    );
    insta::assert_json_snapshot!("request_entra_id_without_settings", request_view(&without));
}

#[tokio::test]
async fn crowdstrike_with_and_without_settings() {
    let _settings = settings().bind_to_scope();
    let sync = || {
        NewSync::crowdstrike(
            "CrowdStrike Falcon",
            "api.us-2.crowdstrike.com",
            "cs-client-id-s3cr3t-0002",
            "cs-client-secret-s3cr3t-0003",
        )
    };
    let with = send(sync().setting("sync_hosts", true)).await;
    assert_eq!(
        sent_secrets(&with),
        &json!({
            "client_id": "cs-client-id-s3cr3t-0002",
            "client_secret": "cs-client-secret-s3cr3t-0003",
        }),
        "both secrets are sent"
    );
    assert_eq!(
        with.body["data"]["attributes"]["integration_type"],
        "CROWDSTRIKE"
    );
    insta::assert_json_snapshot!("request_crowdstrike_with_settings", request_view(&with));

    let without = send(sync()).await;
    insta::assert_json_snapshot!(
        "request_crowdstrike_without_settings",
        request_view(&without)
    );
}

#[tokio::test]
async fn sentinel_one_with_and_without_settings() {
    let _settings = settings().bind_to_scope();
    let sync = || {
        NewSync::sentinel_one(
            "SentinelOne",
            "usea1.sentinelone.net",
            "s1-api-token-s3cr3t-0004",
        )
    };
    let with = send(sync().setting("site_ids", json!(["1234", "5678"]))).await;
    assert_eq!(
        sent_secrets(&with),
        &json!({ "api_token": "s1-api-token-s3cr3t-0004" })
    );
    assert_eq!(
        with.body["data"]["attributes"]["integration_type"],
        "SENTINELONE"
    );
    insta::assert_json_snapshot!("request_sentinelone_with_settings", request_view(&with));

    let without = send(sync()).await;
    insta::assert_json_snapshot!(
        "request_sentinelone_without_settings",
        request_view(&without)
    );
}

/// The escape hatch: a sixth source type, sent as raw attributes. Secrets
/// (nested too) are redacted in the snapshot like every other `secrets`.
#[tokio::test]
async fn raw_escape_hatch_for_a_source_newer_than_the_sdk() {
    let _settings = settings().bind_to_scope();
    let secrets = json!({
        "api_key": "jumpcloud-key-s3cr3t-0005",
        "oauth": { "client_id": "jc-id-s3cr3t", "scopes": ["s3cr3t-scope"] },
    });
    let sync = NewSync::raw("JUMPCLOUD", "JumpCloud", "console.jumpcloud.com")
        .raw_secrets(secrets.clone())
        .raw_attribute("region", "eu")
        .raw_attribute("enabled", true)
        .setting("sync_groups", true);
    assert!(sync.integration_type().is_unknown());
    let sent = send(sync).await;
    assert_eq!(sent_secrets(&sent), &secrets);
    assert_eq!(
        sent.body["data"]["attributes"],
        json!({
            "domain": "console.jumpcloud.com",
            "enabled": true,
            "integration_type": "JUMPCLOUD",
            "name": "JumpCloud",
            "region": "eu",
            "secrets": secrets,
            "settings": { "sync_groups": true },
        })
    );
    insta::assert_json_snapshot!("request_raw_jumpcloud", request_view(&sent));
}

/// The deprecated shims still send what they did: `NewSync::new` for any
/// type and `.secret(..)` (now the escape hatch underneath).
#[tokio::test]
#[allow(deprecated)]
async fn integration_type_newer_than_the_sdk_is_sent_verbatim() {
    let _settings = settings().bind_to_scope();
    let sent = send(
        NewSync::new("ONELOGIN", "OneLogin", "siem-test.onelogin.com")
            .secret("client_secret", "onelogin-s3cr3t"),
    )
    .await;
    assert_eq!(
        sent_secrets(&sent),
        &json!({ "client_secret": "onelogin-s3cr3t" })
    );
    insta::assert_json_snapshot!("request_unknown_integration_type", request_view(&sent));
}

#[tokio::test]
async fn unicode_name_domain_and_settings_are_sent_verbatim() {
    let _settings = settings().bind_to_scope();
    let name = "Synchronisation Zürich — 東京 🔐";
    let sent = send(
        NewSync::google_workspace(name, "bücher-münchen.example", service_account_key())
            .admin_email("admin-s3cr3t@bücher-münchen.example")
            .setting("région", "Île-de-France")
            .setting("絵文字", "✅ naïve café")
            .setting("rtl", "שלום"),
    )
    .await;
    assert_eq!(sent.body["data"]["attributes"]["name"], name);
    insta::assert_json_snapshot!(
        "request_unicode_name_domain_and_settings",
        request_view(&sent)
    );
}

/// A value for every property of the secrets schema `schema`: its example
/// (the key file fixture for a service account key), or a made-up secret.
fn sample_secrets(spec: &Value, schema: &str) -> Value {
    let properties = spec["components"]["schemas"][schema]["properties"]
        .as_object()
        .expect("a secrets schema with properties");
    let sample = properties
        .iter()
        .map(|(name, property)| {
            let value = match property["$ref"].as_str().and_then(|r| r.rsplit('/').next()) {
                Some(_) if name == "service_account_json" => json(SERVICE_ACCOUNT_KEY),
                Some(nested) => sample_secrets(spec, nested),
                None => property["example"]
                    .as_str()
                    .map_or_else(|| format!("sample-{name}-s3cr3t"), str::to_string)
                    .into(),
            };
            (name.clone(), value)
        })
        .collect();
    Value::Object(sample)
}

/// The `properties` of a component schema of the fragment, and its `required`.
fn schema_fields(spec: &Value, schema: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let s = &spec["components"]["schemas"][schema];
    assert!(s.is_object(), "no schema {schema} in the fragment");
    let keys = |v: &Value| -> BTreeSet<String> {
        match v {
            Value::Object(m) => m.keys().cloned().collect(),
            Value::Array(a) => a
                .iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect(),
            _ => BTreeSet::new(),
        }
    };
    (keys(&s["properties"]), keys(&s["required"]))
}

fn object_keys(value: &Value) -> BTreeSet<String> {
    value
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

/// With every optional field set, the attribute keys the facade sends for
/// each source type are exactly the variant schema's properties, the
/// `secrets` keys exactly the secrets schema's, and the discriminator the
/// mapping's value: field for field, checked against the fragment itself.
#[tokio::test]
async fn request_bodies_match_the_variant_schemas_field_for_field() {
    let spec: Value = serde_yaml::from_str(SPEC).expect("the fragment parses");
    let union =
        &spec["components"]["schemas"]["SecurityMonitoringIntegrationConfigCreateAttributes"];
    let mapping = union["discriminator"]["mapping"]
        .as_object()
        .expect("a discriminator mapping");
    assert_eq!(union["discriminator"]["propertyName"], "integration_type");
    // One case per source type of the fragment, built from the schemas
    // alone (every secret set, the optional ones too), so a source type the
    // fragment gains is covered without a new case here.
    let cases: Vec<(String, NewSync, Option<String>)> = mapping
        .iter()
        .map(|(tag, target)| {
            let variant = target
                .as_str()
                .and_then(|r| r.rsplit('/').next())
                .expect("a $ref");
            let member = &spec["components"]["schemas"][variant];
            let domain = member["properties"]["domain"]["example"]
                .as_str()
                .unwrap_or("siem-test.com");
            let secrets_schema = member["properties"]["secrets"]["$ref"]
                .as_str()
                .and_then(|r| r.rsplit('/').next())
                .map(str::to_string);
            let secrets = secrets_schema
                .as_deref()
                .map_or(Value::Null, |schema| sample_secrets(&spec, schema));
            let credentials = Credentials::from_value(tag.as_str(), secrets)
                .unwrap_or_else(|e| panic!("{tag}: sample secrets: {e}"));
            assert!(
                !credentials.integration_type().is_unknown(),
                "{tag}: a typed source"
            );
            let sync = NewSync::with_credentials("n", domain, credentials).setting("k", 1);
            (tag.clone(), sync, secrets_schema)
        })
        .collect();
    assert!(
        cases.len() >= 5,
        "the fragment's five source types at least"
    );
    for (tag, sync, secrets_schema) in cases {
        let tag = tag.as_str();
        let variant = mapping[tag]
            .as_str()
            .and_then(|r| r.rsplit('/').next())
            .expect("a $ref");
        let (properties, required) = schema_fields(&spec, variant);
        let sent = send(sync).await;
        let attributes = &sent.body["data"]["attributes"];
        assert_eq!(object_keys(attributes), properties, "{tag}: attribute keys");
        assert!(required.is_subset(&properties), "{tag}");
        assert_eq!(attributes["integration_type"], tag, "{tag}: discriminator");
        let tag_schema =
            spec["components"]["schemas"][variant]["properties"]["integration_type"]["$ref"]
                .as_str()
                .and_then(|r| r.rsplit('/').next())
                .expect("integration_type is a single-value enum");
        assert_eq!(
            spec["components"]["schemas"][tag_schema]["enum"],
            json!([tag]),
            "{tag}: the pinned enum"
        );
        assert_eq!(
            object_keys(&sent.body),
            BTreeSet::from(["data".to_string()])
        );
        assert_eq!(
            object_keys(&sent.body["data"]),
            BTreeSet::from(["attributes".to_string(), "type".to_string()])
        );
        assert_eq!(sent.body["data"]["type"], "integration_config");
        match secrets_schema.as_deref() {
            None => assert!(!properties.contains("secrets"), "{tag}"),
            Some(schema) => {
                let (secret_props, secret_required) = schema_fields(&spec, schema);
                assert_eq!(
                    object_keys(&attributes["secrets"]),
                    secret_props,
                    "{tag}: secrets keys"
                );
                assert!(secret_required.is_subset(&secret_props));
                assert!(
                    attributes["secrets"]
                        .as_object()
                        .is_some_and(|m| m.values().all(|v| !v.is_null())),
                    "{tag}: no null secret"
                );
            }
        }
    }
    // The service account object: its required properties are sent, plus
    // the key file's other fields (the schema allows additional properties).
    let (props, required) = schema_fields(
        &spec,
        "SecurityMonitoringIntegrationConfigGoogleWorkspaceServiceAccount",
    );
    assert_eq!(props, required, "every declared property is required");
    assert_eq!(
        spec["components"]["schemas"]["SecurityMonitoringIntegrationConfigGoogleWorkspaceServiceAccount"]
            ["additionalProperties"],
        json!({})
    );
    let sent = send(NewSync::google_workspace(
        "n",
        "siem-test.com",
        service_account_key(),
    ))
    .await;
    let key = object_keys(&sent.body["data"]["attributes"]["secrets"]["service_account_json"]);
    assert!(required.is_subset(&key), "{key:?}");
    assert_eq!(key, object_keys(&json(SERVICE_ACCOUNT_KEY)));
}

#[tokio::test]
async fn base_url_with_a_path_prefix_is_kept() {
    let _settings = settings().bind_to_scope();
    let server = MockServer::start_async().await;
    let recorder = Recorder::default();
    let reply = Reply::seed();
    let mock = server.mock(|when, then| {
        when.method(httpmock::Method::POST)
            .path(format!("/proxy{CREATE_PATH}"))
            .is_true(recorder.matcher());
        then.status(reply.status)
            .header("content-type", "application/json")
            .body(reply.body.as_bytes());
    });
    // A trailing slash on the base URL must not double the slash.
    let client = snapshots_support::builder(&format!("{}/proxy/", server.base_url()))
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("valid base URL");
    client
        .entity_context_syncs()
        .create(seed_sync())
        .await
        .expect("the proxy path is matched");
    assert_eq!(mock.calls_async().await, 1);
    let requests = recorder.requests();
    assert_eq!(requests.len(), 1);
    insta::assert_json_snapshot!(
        "request_base_url_with_path_prefix",
        serde_json::json!({
            "client.base_url()": client.base_url(),
            "request": request_view(&requests[0]),
        })
    );
}

/// A request can only go to 127.0.0.1 here, so for the sites the snapshot is
/// where a client would send: the base URL per site, from the builder and
/// from `DD_SITE`, and a `base_url` overriding the site.
#[test]
fn base_url_per_site() {
    let _settings = settings().bind_to_scope();
    let keys = [("DD_API_KEY", TEST_API_KEY), ("DD_APP_KEY", TEST_APP_KEY)];
    let rows: Vec<Value> = Site::ALL
        .into_iter()
        .map(|site| {
            let from_builder = Client::builder()
                .api_key(TEST_API_KEY)
                .app_key(TEST_APP_KEY)
                .site(site)
                .build()
                .expect("every site builds");
            let from_env = Client::builder()
                .env_from(|var| {
                    keys.iter()
                        .chain(&[("DD_SITE", site.as_str())])
                        .find(|(k, _)| *k == var)
                        .map(|(_, v)| v.to_string())
                })
                .and_then(|b| b.build())
                .expect("DD_SITE builds");
            assert_eq!(from_builder.base_url(), from_env.base_url());
            serde_json::json!({
                "site": format!("{site:?}"),
                "DD_SITE": site.as_str(),
                "client.base_url()": from_builder.base_url(),
            })
        })
        .collect();
    let overridden = Client::builder()
        .api_key(TEST_API_KEY)
        .app_key(TEST_APP_KEY)
        .site(Site::Eu1)
        .base_url("https://dd-proxy.example.internal/datadog/")
        .build()
        .expect("valid base URL");
    insta::assert_json_snapshot!(
        "request_base_url_per_site",
        serde_json::json!({
            "sites": rows,
            "site(Eu1).base_url(\"https://dd-proxy.example.internal/datadog/\")": overridden.base_url(),
        })
    );
}
