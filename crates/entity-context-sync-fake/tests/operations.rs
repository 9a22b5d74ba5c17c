//! Each of the ten operations over loopback, plus 403, 404, 405 and the
//! handle's seeding and inspection helpers.

mod common;

use common::{TYPES, call, call_with_keys, create, create_body, valid_attributes};
use entity_context_sync_fake::{FakeDatadog, SeedConfig, operation_ids};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[test]
fn the_fragment_defines_all_ten_operations() {
    assert_eq!(
        operation_ids(),
        [
            "ActivateIntegration",
            "CreateSecurityMonitoringIntegrationConfig",
            "DeactivateIntegration",
            "DeleteSecurityMonitoringIntegrationConfig",
            "GetEntraIdAzureAppRegistrations",
            "GetSecurityMonitoringIntegrationConfig",
            "ListSecurityMonitoringIntegrationConfigs",
            "UpdateSecurityMonitoringIntegrationConfig",
            "ValidateSecurityMonitoringIntegrationConfig",
            "ValidateSecurityMonitoringIntegrationCredentials",
        ]
    );
}

#[tokio::test]
async fn create_returns_the_config_without_secrets() {
    let fake = FakeDatadog::start().await;
    for integration_type in TYPES {
        let data = create(&fake, valid_attributes(integration_type, "tok-123")).await;
        let id = data["id"].as_str().expect("id");
        assert_eq!(
            id.split('-').map(str::len).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert_eq!(data["type"], "integration_config");
        let attributes = &data["attributes"];
        let mut keys: Vec<&str> = attributes
            .as_object()
            .expect("attributes")
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "created_at",
                "domain",
                "enabled",
                "integration_type",
                "modified_at",
                "name",
                "settings",
                "state"
            ]
        );
        assert_eq!(attributes["integration_type"], integration_type);
        assert_eq!(attributes["enabled"], true);
        assert_eq!(attributes["state"], "valid");
        assert_eq!(attributes["settings"], json!({"setting1": "value1"}));
        let created = attributes["created_at"].as_str().expect("created_at");
        assert!(
            chrono::DateTime::parse_from_rfc3339(created).is_ok(),
            "{created}"
        );
        assert!(created.ends_with('Z'));
        assert_eq!(attributes["modified_at"], attributes["created_at"]);
    }
    assert_eq!(fake.configs().len(), 5);
}

#[tokio::test]
async fn an_invalid_secret_is_stored_with_state_invalid() {
    let fake = FakeDatadog::start().await;
    let data = create(&fake, valid_attributes("OKTA", "invalid-token")).await;
    assert_eq!(data["attributes"]["state"], "invalid");
    let id = data["id"].as_str().expect("id");
    assert_eq!(fake.secret_paths(id), Some(vec!["api_token".to_owned()]));
}

#[tokio::test]
async fn list_returns_every_config_and_filters_by_type() {
    let fake = FakeDatadog::start().await;
    let okta = create(&fake, valid_attributes("OKTA", "t")).await;
    create(&fake, valid_attributes("ENTRA_ID", "t")).await;
    let all = call(&fake, Method::GET, "", None).await;
    assert_eq!(all.status, StatusCode::OK);
    assert_eq!(all.json()["data"].as_array().expect("array").len(), 2);
    assert_eq!(all.json()["data"][0], okta);

    let filtered = call(
        &fake,
        Method::GET,
        "?filter%5Bintegration_type%5D=OKTA",
        None,
    )
    .await;
    assert_eq!(filtered.json()["data"], json!([okta]));
    let lower = call(&fake, Method::GET, "?filter[integration_type]=okta", None).await;
    assert_eq!(lower.json()["data"], json!([okta]));
    let none = call(
        &fake,
        Method::GET,
        "?filter[integration_type]=SENTINELONE",
        None,
    )
    .await;
    assert_eq!(none.json(), json!({"data": []}));
}

#[tokio::test]
async fn get_returns_one_config_and_404_for_an_unknown_id() {
    let fake = FakeDatadog::start().await;
    let data = create(&fake, valid_attributes("CROWDSTRIKE", "t")).await;
    let id = data["id"].as_str().expect("id");
    let got = call(&fake, Method::GET, &format!("/{id}"), None).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.json(), json!({ "data": data }));

    let missing = call(&fake, Method::GET, "/no-such-id", None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.json(), json!({"errors": ["Not found"]}));
}

#[tokio::test]
async fn update_changes_only_the_fields_sent() {
    let fake = FakeDatadog::start().await;
    let data = create(&fake, valid_attributes("OKTA", "t")).await;
    let id = data["id"].as_str().expect("id");
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let patch = create_body(json!({"integration_type": "OKTA", "enabled": false}));
    let updated = call(&fake, Method::PATCH, &format!("/{id}"), Some(patch)).await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.text);
    let attributes = updated.json()["data"]["attributes"].clone();
    assert_eq!(attributes["enabled"], false);
    assert_eq!(attributes["name"], data["attributes"]["name"]);
    assert_eq!(attributes["domain"], data["attributes"]["domain"]);
    assert_eq!(attributes["settings"], data["attributes"]["settings"]);
    assert_eq!(attributes["created_at"], data["attributes"]["created_at"]);
    assert_ne!(attributes["modified_at"], data["attributes"]["modified_at"]);

    let patch = create_body(json!({
        "integration_type": "OKTA", "name": "renamed", "secrets": {"api_token": "invalid-now"}
    }));
    let updated = call(&fake, Method::PATCH, &format!("/{id}"), Some(patch)).await;
    let attributes = updated.json()["data"]["attributes"].clone();
    assert_eq!(
        (
            &attributes["name"],
            &attributes["enabled"],
            &attributes["state"]
        ),
        (&json!("renamed"), &json!(false), &json!("invalid"))
    );
    assert_eq!(fake.config(id).expect("stored")["attributes"], attributes);
}

#[tokio::test]
async fn update_refuses_another_type_and_answers_404_for_an_unknown_id() {
    let fake = FakeDatadog::start().await;
    let data = create(&fake, valid_attributes("OKTA", "t")).await;
    let id = data["id"].as_str().expect("id");
    let patch = create_body(json!({"integration_type": "SENTINELONE", "name": "x"}));
    let refused = call(&fake, Method::PATCH, &format!("/{id}"), Some(patch.clone())).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        refused.errors(),
        ["data.attributes.integration_type: does not match the stored configuration (OKTA)"]
    );
    let missing = call(&fake, Method::PATCH, "/nope", Some(patch)).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(fake.config(id).expect("stored"), data);
}

#[tokio::test]
async fn delete_answers_204_without_a_body_then_404() {
    let fake = FakeDatadog::start().await;
    let data = create(&fake, valid_attributes("SENTINELONE", "t")).await;
    let id = data["id"].as_str().expect("id");
    let deleted = call(&fake, Method::DELETE, &format!("/{id}"), None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_eq!(deleted.text, "");
    assert!(fake.configs().is_empty());
    let again = call(&fake, Method::DELETE, &format!("/{id}"), None).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert_eq!(again.json(), json!({"errors": ["Not found"]}));
}

#[tokio::test]
async fn validate_stored_credentials() {
    let fake = FakeDatadog::start().await;
    let good = create(&fake, valid_attributes("GOOGLE_WORKSPACE", "pk")).await;
    let bad = create(&fake, valid_attributes("GOOGLE_WORKSPACE", "invalid-pk")).await;
    let entra = create(&fake, valid_attributes("ENTRA_ID", "")).await;
    for (data, status) in [
        (&good, StatusCode::OK),
        (&entra, StatusCode::OK),
        (&bad, StatusCode::BAD_REQUEST),
    ] {
        let id = data["id"].as_str().expect("id");
        let reply = call(&fake, Method::POST, &format!("/{id}/validate"), None).await;
        assert_eq!(reply.status, status, "{}", reply.text);
        if status == StatusCode::OK {
            assert_eq!(reply.text, "");
        } else {
            assert_eq!(
                reply.errors(),
                ["secrets.service_account_json.private_key: rejected by the source"]
            );
        }
    }
    let missing = call(&fake, Method::POST, "/nope/validate", None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn validate_credentials_in_a_body() {
    let fake = FakeDatadog::start().await;
    let body = |secret: &str| {
        json!({"data": {"type": "integration_config", "attributes": {
            "integration_type": "CROWDSTRIKE", "domain": "acme.example",
            "secrets": {"client_id": "cid", "client_secret": secret}
        }}})
    };
    let ok = call(&fake, Method::POST, "/validate", Some(body("fine"))).await;
    assert_eq!((ok.status, ok.text.as_str()), (StatusCode::OK, ""));
    let rejected = call(
        &fake,
        Method::POST,
        "/validate",
        Some(body("invalid-secret")),
    )
    .await;
    assert_eq!(rejected.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        rejected.errors(),
        ["data.attributes.secrets.client_secret: rejected by the source"]
    );
    assert!(fake.configs().is_empty(), "validation stores nothing");
}

#[tokio::test]
async fn activate_is_idempotent_case_insensitive_and_entra_only() {
    let fake = FakeDatadog::start().await;
    let first = call(&fake, Method::POST, "/entra_id/activate", None).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    let data = first.json()["data"].clone();
    assert_eq!(data["attributes"]["integration_type"], "ENTRA_ID");
    assert_eq!(data["attributes"]["enabled"], true);
    assert_eq!(data["attributes"]["name"], "Entra ID");

    let again = call(&fake, Method::POST, "/ENTRA_ID/activate", None).await;
    assert_eq!(again.json()["data"]["id"], data["id"]);
    assert_eq!(fake.configs().len(), 1);

    let refused = call(&fake, Method::POST, "/okta/activate", None).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        refused.errors(),
        ["integration_type: OKTA needs credentials: create it instead of activating it"]
    );
    let unknown = call(&fake, Method::POST, "/pagerduty/activate", None).await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn activate_with_a_body_creates_from_it_and_re_enables() {
    let fake = FakeDatadog::start().await;
    let body = json!({"data": {"type": "activate_entra_id_request", "attributes": {
        "domain": "acme.onmicrosoft.com", "name": "Entra prod", "settings": {"a": 1}
    }}});
    let created = call(&fake, Method::POST, "/entra_id/activate", Some(body)).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.text);
    let attributes = created.json()["data"]["attributes"].clone();
    assert_eq!(attributes["domain"], "acme.onmicrosoft.com");
    assert_eq!(attributes["name"], "Entra prod");
    assert_eq!(attributes["settings"], json!({"a": 1}));

    let off = call(&fake, Method::POST, "/entra_id/deactivate", None).await;
    assert_eq!(off.status, StatusCode::OK);
    assert_eq!(off.json()["data"]["attributes"]["enabled"], false);
    let on = call(&fake, Method::POST, "/entra_id/activate", None).await;
    assert_eq!(on.json()["data"]["attributes"]["enabled"], true);
    assert_eq!(on.json()["data"]["id"], created.json()["data"]["id"]);
}

#[tokio::test]
async fn deactivate_disables_every_active_config_of_the_type() {
    let fake = FakeDatadog::start().await;
    let a = fake.seed(SeedConfig::new("OKTA", "a", "a.example"));
    let b = fake.seed(SeedConfig::new("OKTA", "b", "b.example"));
    let c = fake.seed(SeedConfig::new("SENTINELONE", "c", "c.example"));
    let reply = call(&fake, Method::POST, "/okta/deactivate", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["data"]["id"], a.as_str());
    for (id, enabled) in [(&a, false), (&b, false), (&c, true)] {
        assert_eq!(
            fake.config(id).expect("stored")["attributes"]["enabled"],
            enabled
        );
    }
    let none_left = call(&fake, Method::POST, "/okta/deactivate", None).await;
    assert_eq!(none_left.status, StatusCode::NOT_FOUND);
    assert_eq!(none_left.json(), json!({"errors": ["Not found"]}));
}

#[tokio::test]
async fn azure_app_registrations_default_and_settable() {
    let fake = FakeDatadog::start().await;
    let reply = call(
        &fake,
        Method::GET,
        "/entra_id/azure_app_registrations",
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    let body = reply.json();
    assert_eq!(body["data"]["type"], "entra_id_azure_app_registrations");
    let registration = &body["data"]["attributes"]["azure_app_registrations"][0];
    for key in ["tenant_id", "client_id"] {
        assert!(registration[key].is_string(), "{key}");
    }
    assert!(registration["subscription_count"].is_i64());
    assert_eq!(body["data"]["attributes"]["has_valid_prerequisite"], true);

    let custom = json!({"data": {"id": "x", "type": "entra_id_azure_app_registrations",
        "attributes": {"azure_app_registrations": [], "has_valid_prerequisite": false}}});
    fake.set_azure_app_registrations(custom.clone());
    let reply = call(
        &fake,
        Method::GET,
        "/entra_id/azure_app_registrations",
        None,
    )
    .await;
    assert_eq!(reply.json(), custom);
}

#[tokio::test]
async fn wrong_or_missing_keys_get_403_on_every_path() {
    let fake = FakeDatadog::start().await;
    let id = fake.seed(SeedConfig::new("OKTA", "a", "a.example"));
    let cases: [(Method, String); 4] = [
        (Method::GET, String::new()),
        (Method::GET, format!("/{id}")),
        (Method::DELETE, format!("/{id}")),
        (Method::GET, "/does/not/exist".to_owned()),
    ];
    let (api, app) = (fake.api_key().to_owned(), fake.app_key().to_owned());
    for (method, path) in cases {
        for keys in [
            None,
            Some(("wrong", app.as_str())),
            Some((api.as_str(), "wrong")),
        ] {
            let reply = call_with_keys(&fake, method.clone(), &path, None, keys).await;
            assert_eq!(
                reply.status,
                StatusCode::FORBIDDEN,
                "{method} {path} {keys:?}"
            );
            assert_eq!(reply.json(), json!({"errors": ["Forbidden"]}));
            assert_eq!(reply.header("x-ratelimit-name"), "integration_config");
        }
    }
    assert_eq!(fake.configs().len(), 1, "nothing deleted");
}

#[tokio::test]
async fn custom_keys_replace_the_defaults() {
    let fake = FakeDatadog::builder()
        .api_key("my-api")
        .app_key("my-app")
        .start()
        .await;
    assert_eq!((fake.api_key(), fake.app_key()), ("my-api", "my-app"));
    let ok = call_with_keys(&fake, Method::GET, "", None, Some(("my-api", "my-app"))).await;
    assert_eq!(ok.status, StatusCode::OK);
    let defaults = (
        entity_context_sync_fake::FAKE_API_KEY,
        entity_context_sync_fake::FAKE_APP_KEY,
    );
    let refused = call_with_keys(&fake, Method::GET, "", None, Some(defaults)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn unknown_paths_are_404_and_wrong_methods_405() {
    let fake = FakeDatadog::start().await;
    let reply = call(&fake, Method::GET, "/a/b/c", None).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.json(), json!({"errors": ["Not found"]}));
    assert_eq!(reply.header("x-ratelimit-name"), "integration_config");
    let reply = call(&fake, Method::PUT, "", None).await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(reply.json(), json!({"errors": ["Method not allowed"]}));
    assert_eq!(reply.header("x-ratelimit-remaining"), "998");
}

#[tokio::test]
async fn seed_insert_inspect_and_reset() {
    let fake = FakeDatadog::start().await;
    let seeded = fake.seed(
        SeedConfig::new("FUTURE_SOURCE", "new", "n.example")
            .enabled(false)
            .settings(json!({"k": "v"})),
    );
    let inserted = fake
        .insert_config(json!({"data": {"attributes": {
            "integration_type": "OKTA", "name": "i", "domain": "i.example",
            "secrets": {"api_token": "t"}
        }}}))
        .expect("inserted");
    assert!(fake.insert_config(json!({"name": "no type"})).is_err());
    let listed = call(&fake, Method::GET, "", None).await.json()["data"].clone();
    assert_eq!(listed, json!(fake.configs()));
    assert_eq!(listed[0]["id"], seeded.as_str());
    assert_eq!(listed[0]["attributes"]["integration_type"], "FUTURE_SOURCE");
    assert_eq!(listed[0]["attributes"]["enabled"], false);
    assert_eq!(
        fake.secret_paths(&inserted),
        Some(vec!["api_token".to_owned()])
    );
    assert_eq!(fake.secret_paths("nope"), None);

    assert_eq!(fake.total_requests(), 1);
    assert_eq!(
        fake.request_count("get", entity_context_sync_fake::API_PATH),
        1
    );
    assert_eq!(
        fake.request_count("POST", entity_context_sync_fake::API_PATH),
        0
    );
    let recorded = &fake.requests()[0];
    assert_eq!((recorded.seq, recorded.status), (1, Some(200)));

    fake.reset();
    assert!(fake.configs().is_empty());
    assert!(fake.requests().is_empty());
    assert_eq!(fake.total_requests(), 0);
}

#[test]
fn the_blocking_variant_serves_sync_code() {
    let fake = FakeDatadog::start_blocking();
    assert!(fake.base_url().starts_with("http://127.0.0.1:"));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let reply = runtime.block_on(call(&fake, Method::POST, "/entra_id/activate", None));
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(fake.configs().len(), 1);
    let addr = fake.addr();
    drop(fake);
    // Stopped: the port refuses connections.
    assert!(std::net::TcpStream::connect(addr).is_err());
}

#[tokio::test]
async fn dropping_the_async_fake_stops_it() {
    let fake = FakeDatadog::start().await;
    let url = fake.api_url();
    drop(fake);
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let result = common::http().get(url).send().await;
    assert!(result.is_err(), "{result:?}");
}

#[tokio::test]
async fn recording_can_be_turned_off_for_benches() {
    let fake = FakeDatadog::builder().record_requests(false).start().await;
    fake.fail_on(2, entity_context_sync_fake::Fault::status(500));
    assert_eq!(
        call(&fake, Method::GET, "", None).await.status,
        StatusCode::OK
    );
    assert_eq!(
        call(&fake, Method::GET, "", None).await.status,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    assert!(fake.requests().is_empty());
    assert_eq!(fake.total_requests(), 2);
}
