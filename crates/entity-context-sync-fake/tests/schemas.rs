//! Request bodies the fragment's schemas reject: each gets 400 with every
//! problem listed by JSON path, changes nothing, and quotes no value sent.

mod common;

use common::{call, create_body, service_account, valid_attributes};
use entity_context_sync_fake::FakeDatadog;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const SECRET: &str = "table-secret-d41c";

/// `valid_attributes(type)` with `edit` applied.
fn attributes(integration_type: &str, edit: impl FnOnce(&mut Value)) -> Value {
    let mut attributes = valid_attributes(integration_type, SECRET);
    edit(&mut attributes);
    attributes
}

fn remove(value: &mut Value, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').expect("a pointer");
    value
        .pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .expect("parent object")
        .remove(key);
}

struct Case {
    name: &'static str,
    method: Method,
    path: &'static str,
    body: Option<Value>,
    raw: Option<&'static str>,
    errors: &'static [&'static str],
}

fn create_case(name: &'static str, attrs: Value, errors: &'static [&'static str]) -> Case {
    Case {
        name,
        method: Method::POST,
        path: "",
        body: Some(create_body(attrs)),
        raw: None,
        errors,
    }
}

/// The 400 of a create with a source type the spec does not have: it lists
/// the spec's source types (sorted, as the fake's validator lists them).
fn unknown_type_errors() -> &'static [&'static str] {
    let mut types = entity_context_sync_fake::source_types().to_vec();
    types.sort_unstable();
    let message = format!(
        "data.attributes.integration_type: must be one of: {}",
        types.join(", ")
    );
    Box::leak(vec![&*Box::leak(message.into_boxed_str())].into_boxed_slice())
}

fn cases() -> Vec<Case> {
    vec![
        create_case(
            "google workspace without service_account_json",
            attributes("GOOGLE_WORKSPACE", |a| {
                remove(a, "/secrets/service_account_json")
            }),
            &["data.attributes.secrets.service_account_json: is required"],
        ),
        create_case(
            "google workspace key without private_key and client_email",
            attributes("GOOGLE_WORKSPACE", |a| {
                remove(a, "/secrets/service_account_json/private_key");
                remove(a, "/secrets/service_account_json/client_email");
            }),
            &[
                "data.attributes.secrets.service_account_json.private_key: is required",
                "data.attributes.secrets.service_account_json.client_email: is required",
            ],
        ),
        create_case(
            "google workspace with the seed page's admin_email-only secrets",
            attributes("GOOGLE_WORKSPACE", |a| {
                a["secrets"] = json!({"admin_email": "test@example.com"});
            }),
            &["data.attributes.secrets.service_account_json: is required"],
        ),
        create_case(
            "okta without secrets",
            attributes("OKTA", |a| remove(a, "/secrets")),
            &["data.attributes.secrets: is required"],
        ),
        create_case(
            "okta with an empty secrets object",
            attributes("OKTA", |a| a["secrets"] = json!({})),
            &["data.attributes.secrets.api_token: is required"],
        ),
        create_case(
            "crowdstrike without client_secret",
            attributes("CROWDSTRIKE", |a| remove(a, "/secrets/client_secret")),
            &["data.attributes.secrets.client_secret: is required"],
        ),
        create_case(
            "sentinelone without api_token",
            attributes("SENTINELONE", |a| remove(a, "/secrets/api_token")),
            &["data.attributes.secrets.api_token: is required"],
        ),
        create_case(
            "entra id without name and domain",
            attributes("ENTRA_ID", |a| {
                remove(a, "/name");
                remove(a, "/domain");
            }),
            &[
                "data.attributes.domain: is required",
                "data.attributes.name: is required",
            ],
        ),
        create_case(
            "unknown integration_type",
            attributes("OKTA", |a| a["integration_type"] = json!("PAGERDUTY")),
            unknown_type_errors(),
        ),
        create_case(
            "lower-case integration_type",
            attributes("OKTA", |a| a["integration_type"] = json!("okta")),
            unknown_type_errors(),
        ),
        create_case(
            "missing integration_type",
            attributes("OKTA", |a| remove(a, "/integration_type")),
            &["data.attributes.integration_type: is required"],
        ),
        create_case(
            "integration_type of the wrong JSON type",
            attributes("OKTA", |a| a["integration_type"] = json!(3)),
            &["data.attributes.integration_type: expected string, got integer"],
        ),
        create_case(
            "wrong JSON types",
            attributes("OKTA", |a| {
                a["name"] = json!(42);
                a["domain"] = json!(["acme"]);
                a["settings"] = json!("none");
                a["secrets"]["api_token"] = json!({"value": SECRET});
            }),
            &[
                "data.attributes.domain: expected string, got array",
                "data.attributes.name: expected string, got integer",
                "data.attributes.secrets.api_token: expected string, got object",
                "data.attributes.settings: expected object, got string",
            ],
        ),
        create_case(
            "null where a string is required",
            attributes("SENTINELONE", |a| a["secrets"]["api_token"] = Value::Null),
            &["data.attributes.secrets.api_token: expected string, got null"],
        ),
        Case {
            name: "wrong resource type and missing attributes",
            method: Method::POST,
            path: "",
            body: Some(json!({"data": {"type": "integration"}})),
            raw: None,
            errors: &[
                "data.attributes: is required",
                "data.type: must be one of: integration_config",
            ],
        },
        Case {
            name: "no data",
            method: Method::POST,
            path: "",
            body: Some(json!({"attributes": {}})),
            raw: None,
            errors: &["data: is required"],
        },
        Case {
            name: "not an object",
            method: Method::POST,
            path: "",
            body: Some(json!([1, 2])),
            raw: None,
            errors: &["body: expected object, got array"],
        },
        Case {
            name: "not JSON",
            method: Method::POST,
            path: "",
            body: None,
            raw: Some(r#"{"data": {"secrets": "table-secret-d41c""#),
            errors: &["body: is not valid JSON (line 1, column 40)"],
        },
        Case {
            name: "empty body",
            method: Method::POST,
            path: "",
            body: None,
            raw: Some(""),
            errors: &["body: is required"],
        },
        Case {
            name: "update without integration_type",
            method: Method::PATCH,
            path: "/{id}",
            body: Some(create_body(json!({"name": "x"}))),
            raw: None,
            errors: &["data.attributes.integration_type: is required"],
        },
        Case {
            name: "update with a non-boolean enabled",
            method: Method::PATCH,
            path: "/{id}",
            body: Some(create_body(
                json!({"integration_type": "OKTA", "enabled": "yes"}),
            )),
            raw: None,
            errors: &["data.attributes.enabled: expected boolean, got string"],
        },
        Case {
            name: "update with incomplete typed secrets",
            method: Method::PATCH,
            path: "/{id}",
            body: Some(create_body(
                json!({"integration_type": "OKTA", "secrets": {"token": SECRET}}),
            )),
            raw: None,
            errors: &["data.attributes.secrets.api_token: is required"],
        },
        Case {
            name: "credential validation without domain",
            method: Method::POST,
            path: "/validate",
            body: Some(
                json!({"data": {"type": "integration_config", "attributes": {
                    "integration_type": "OKTA", "secrets": {"api_token": SECRET}
                }}}),
            ),
            raw: None,
            errors: &["data.attributes.domain: is required"],
        },
        Case {
            name: "credential validation of a google key without project_id",
            method: Method::POST,
            path: "/validate",
            body: Some(
                json!({"data": {"type": "integration_config", "attributes": {
                    "integration_type": "GOOGLE_WORKSPACE", "domain": "d",
                    "secrets": {"service_account_json": {
                        "type": "service_account", "private_key": SECRET, "client_email": "e"
                    }}
                }}}),
            ),
            raw: None,
            errors: &["data.attributes.secrets.service_account_json.project_id: is required"],
        },
        Case {
            name: "credential validation without a body",
            method: Method::POST,
            path: "/validate",
            body: None,
            raw: Some(""),
            errors: &["body: is required"],
        },
        Case {
            name: "activate with the wrong resource type",
            method: Method::POST,
            path: "/entra_id/activate",
            body: Some(json!({"data": {"type": "integration_config", "attributes": {"name": 1}}})),
            raw: None,
            errors: &[
                "data.attributes.name: expected string, got integer",
                "data.type: must be one of: activate_entra_id_request",
            ],
        },
    ]
}

#[tokio::test]
async fn rejected_bodies_get_400_with_every_problem_by_path() {
    let fake = FakeDatadog::start().await;
    let id = fake.seed(entity_context_sync_fake::SeedConfig::new(
        "OKTA",
        "o",
        "o.example",
    ));
    let before = fake.configs();
    let mut failures = Vec::new();
    for case in cases() {
        let path = case.path.replace("{id}", &id);
        let reply = match case.raw {
            Some(raw) => {
                let response = common::http()
                    .request(case.method.clone(), format!("{}{path}", fake.api_url()))
                    .header("DD-API-KEY", fake.api_key())
                    .header("DD-APPLICATION-KEY", fake.app_key())
                    .header("content-type", "application/json")
                    .body(raw)
                    .send()
                    .await
                    .expect("answered");
                common::Reply {
                    status: response.status(),
                    headers: response.headers().clone(),
                    text: response.text().await.expect("body"),
                }
            }
            None => call(&fake, case.method.clone(), &path, case.body.clone()).await,
        };
        assert!(
            !reply.text.contains(SECRET),
            "{}: leaks: {}",
            case.name,
            reply.text
        );
        if reply.status != StatusCode::BAD_REQUEST {
            failures.push(format!(
                "{}: status {} {}",
                case.name, reply.status, reply.text
            ));
            continue;
        }
        if reply.errors() != case.errors {
            failures.push(format!(
                "{}: got {:?}, want {:?}",
                case.name,
                reply.errors(),
                case.errors
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(fake.configs(), before, "a rejected body changes nothing");
}

#[tokio::test]
async fn bodies_the_schemas_allow_are_accepted() {
    let fake = FakeDatadog::start().await;
    // A Google key file's other fields are allowed (additionalProperties),
    // and admin_email is optional.
    let mut account = service_account(SECRET);
    account["universe_domain"] = json!("googleapis.com");
    let reply = call(
        &fake,
        Method::POST,
        "",
        Some(create_body(json!({
            "integration_type": "GOOGLE_WORKSPACE", "name": "g", "domain": "d",
            "secrets": {"service_account_json": account}
        }))),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    // Settings are free-form.
    let reply = call(
        &fake,
        Method::POST,
        "",
        Some(create_body(attributes("ENTRA_ID", |a| {
            a["settings"] = json!({"nested": {"deep": [1, true, null]}});
        }))),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    // An update may send nothing but the discriminator; activate's body is optional.
    let id = reply.json()["data"]["id"].as_str().expect("id").to_owned();
    let reply = call(
        &fake,
        Method::PATCH,
        &format!("/{id}"),
        Some(create_body(json!({"integration_type": "ENTRA_ID"}))),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let reply = call(&fake, Method::POST, "/entra_id/activate", Some(json!({}))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
}
