//! Arguments are checked before anything is sent: each bad `NewSync` is an
//! `Error::Validation` naming the field, and the server sees zero requests.

use entity_context_sync::{
    Credentials, Error, IntegrationType, MAX_DOMAIN_LEN, MAX_KEY_LEN, MAX_NAME_CHARS,
    MAX_SECRET_LEN, MAX_SETTINGS_LEN, NewSync, ServiceAccountKey,
};
use entity_context_sync_httpmock::MockServerExt;
use entity_context_sync_tests::common::*;
use httpmock::MockServer;
use serde_json::{Map, Value, json};

/// Canary token, client id and client secret: never in an error.
const TOKEN: &str = "canary-token-6b1e90f2";
const CS_ID: &str = "canary-csid-71d2a9";
const CS_SECRET: &str = "canary-cssecret-0e8b44";
const CANARIES: &[&str] = &[SECRET, TOKEN, CS_ID, CS_SECRET];

/// Sends `sync` to a server that would accept anything; expects a
/// validation error on `field` whose reason contains `reason`, and no request.
async fn refused(sync: NewSync, field: &str, reason: &str) -> Error {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.any_request();
        then.status(200)
            .header("content-type", "application/json")
            .body(SEED_RESPONSE);
    });
    let (client, sleep) = client(&server);
    let direct = sync.validate().expect_err("validate() refuses it too");
    let err = client
        .entity_context_syncs()
        .create(sync)
        .await
        .expect_err("refused before sending");
    assert_eq!(mock.calls(), 0, "nothing may be sent for {field}");
    assert!(sleep.waits().is_empty());
    match &err {
        Error::Validation {
            field: got,
            reason: why,
        } => {
            assert_eq!(got, field, "{err}");
            assert!(why.contains(reason), "reason {why:?} lacks {reason:?}");
        }
        other => panic!("expected Error::Validation, got {other:?}"),
    }
    assert_eq!(direct.to_string(), err.to_string());
    assert_eq!(
        err.to_string(),
        format!("invalid {field}: {}", reason_of(&err))
    );
    assert!(!err.is_retryable());
    assert!(!err.may_have_been_applied());
    assert_eq!(err.status(), None);
    assert_no_leak(&shown(&err), CANARIES);
    err
}

fn reason_of(err: &Error) -> &str {
    match err {
        Error::Validation { reason, .. } => reason,
        _ => "",
    }
}

#[tokio::test]
async fn empty_name() {
    refused(gws("", "siem-test.com"), "name", "must not be empty").await;
}

#[tokio::test]
async fn whitespace_name() {
    let err = refused(gws(" \t ", "siem-test.com"), "name", "only whitespace").await;
    println!("validation Display: {err}");
    assert_eq!(
        err.to_string(),
        "invalid name: must not be empty or only whitespace (GOOGLE_WORKSPACE sync)"
    );
}

#[tokio::test]
async fn name_with_control_characters() {
    refused(
        gws("My\u{0}GWS", "siem-test.com"),
        "name",
        "control characters",
    )
    .await;
    refused(
        gws("line\nbreak", "siem-test.com"),
        "name",
        "control characters",
    )
    .await;
}

#[tokio::test]
async fn oversized_name() {
    let name = "é".repeat(MAX_NAME_CHARS + 1);
    refused(
        gws(&name, "siem-test.com"),
        "name",
        "257 characters; the limit is 256",
    )
    .await;
}

#[tokio::test]
async fn empty_domain() {
    refused(gws("n", ""), "domain", "must not be empty").await;
    refused(gws("n", "   "), "domain", "must not be empty").await;
}

#[tokio::test]
async fn domain_with_scheme() {
    let err = refused(
        gws("n", "https://siem-test.com"),
        "domain",
        "without a scheme",
    )
    .await;
    assert_eq!(
        err.to_string(),
        "invalid domain: must be a bare domain such as `example.com`, without a scheme (GOOGLE_WORKSPACE sync \"n\")"
    );
}

#[tokio::test]
async fn domain_with_path() {
    refused(gws("n", "siem-test.com/admin"), "domain", "found `/`").await;
}

#[tokio::test]
async fn domain_with_spaces() {
    refused(
        gws("n", "siem test.com"),
        "domain",
        "must not contain spaces",
    )
    .await;
    refused(
        gws("n", " siem-test.com"),
        "domain",
        "must not contain spaces",
    )
    .await;
}

#[tokio::test]
async fn domain_with_port() {
    refused(gws("n", "siem-test.com:443"), "domain", "found `:`").await;
}

#[tokio::test]
async fn domain_with_user_query_or_fragment() {
    refused(gws("n", "admin@siem-test.com"), "domain", "found `@`").await;
    refused(gws("n", "siem-test.com?x=1"), "domain", "found `?`").await;
    refused(gws("n", "siem-test.com#top"), "domain", "found `#`").await;
}

#[tokio::test]
async fn domain_with_leading_trailing_or_double_dot() {
    refused(gws("n", ".siem-test.com"), "domain", "empty label").await;
    refused(gws("n", "siem-test.com."), "domain", "empty label").await;
    refused(gws("n", "siem..test.com"), "domain", "empty label").await;
}

#[tokio::test]
async fn domain_with_control_characters() {
    refused(gws("n", "siem-test.com\r"), "domain", "control characters").await;
}

#[tokio::test]
async fn oversized_domain() {
    let domain = format!("{}.com", "a".repeat(MAX_DOMAIN_LEN));
    refused(gws("n", &domain), "domain", "the limit is 253").await;
}

#[tokio::test]
async fn raw_known_types_without_their_secrets_name_their_own_key_and_constructor() {
    for (t, key, constructor) in [
        ("OKTA", "api_token", "Credentials::okta"),
        ("SENTINELONE", "api_token", "Credentials::sentinelone"),
        ("CROWDSTRIKE", "client_id", "Credentials::crowdstrike"),
        (
            "GOOGLE_WORKSPACE",
            "service_account_json",
            "Credentials::google_workspace",
        ),
    ] {
        let err = refused(
            NewSync::raw(t, "n", "acme.example.com"),
            &format!("secrets.{key}"),
            &format!("is required for {t} (use {constructor})"),
        )
        .await;
        if t != "GOOGLE_WORKSPACE" {
            let text = shown(&err);
            assert!(
                !text.contains("service_account") && !text.contains("google"),
                "{t}: the hint is about {t}, not Google: {text}"
            );
        }
    }
    // One of two required secrets given: the other is named.
    refused(
        NewSync::raw("CROWDSTRIKE", "n", "api.crowdstrike.com")
            .raw_secrets(json!({ "client_id": CS_ID })),
        "secrets.client_secret",
        "is required for CROWDSTRIKE (use Credentials::crowdstrike)",
    )
    .await;
    // The key file as a string rather than its JSON object.
    refused(
        NewSync::raw("GOOGLE_WORKSPACE", "n", "siem-test.com")
            .raw_secrets(json!({ "service_account_json": format!("{{\"k\":\"{SECRET}\"}}") })),
        "secrets.service_account_json",
        "ServiceAccountKey::from_json",
    )
    .await;
    // Entra ID needs none; an unknown type is left to Datadog.
    NewSync::raw("ENTRA_ID", "n", "acme.example.com")
        .validate()
        .expect("Entra ID needs no secrets");
    NewSync::raw("JUMPCLOUD", "n", "acme.example.com")
        .validate()
        .expect("an unknown type's secrets are Datadog's to check");
}

#[tokio::test]
async fn raw_secrets_must_be_an_object() {
    refused(
        NewSync::raw("JUMPCLOUD", "n", "acme.example.com").raw_secrets(json!(TOKEN)),
        "secrets",
        "must be a JSON object",
    )
    .await;
}

#[tokio::test]
async fn empty_secret_key() {
    refused(
        NewSync::raw("JUMPCLOUD", "n", "acme.example.com").raw_secrets(json!({ "": TOKEN })),
        "secrets",
        "keys must not be empty",
    )
    .await;
    refused(
        NewSync::raw("JUMPCLOUD", "n", "acme.example.com").raw_secrets(json!({ "  ": TOKEN })),
        "secrets",
        "keys must not be empty",
    )
    .await;
    refused(
        NewSync::google_workspace("n", "siem-test.com", canary_key().field(" ", TOKEN)),
        "secrets.service_account_json",
        "keys must not be empty",
    )
    .await;
}

#[tokio::test]
async fn empty_secret_value_per_source() {
    for blank in ["", " \n "] {
        refused(
            NewSync::okta("n", "acme.okta.com", blank),
            "secrets.api_token",
            "is empty",
        )
        .await;
        refused(
            NewSync::sentinel_one("n", "usea1.sentinelone.net", blank),
            "secrets.api_token",
            "is empty",
        )
        .await;
        refused(
            NewSync::crowdstrike("n", "api.crowdstrike.com", blank, CS_SECRET),
            "secrets.client_id",
            "is empty",
        )
        .await;
        refused(
            NewSync::crowdstrike("n", "api.crowdstrike.com", CS_ID, blank),
            "secrets.client_secret",
            "is empty",
        )
        .await;
        refused(
            gws("n", "siem-test.com").admin_email(blank),
            "secrets.admin_email",
            "is empty",
        )
        .await;
        refused(
            NewSync::raw("JUMPCLOUD", "n", "acme.example.com")
                .raw_secrets(json!({ "api_key": blank })),
            "secrets.api_key",
            "is empty",
        )
        .await;
        for (field, key) in [
            (
                "project_id",
                ServiceAccountKey::new(blank, CLIENT_EMAIL_CANARY, pem()),
            ),
            (
                "client_email",
                ServiceAccountKey::new("canary-proj", blank, pem()),
            ),
            (
                "private_key",
                ServiceAccountKey::new("canary-proj", CLIENT_EMAIL_CANARY, blank),
            ),
        ] {
            refused(
                NewSync::google_workspace("n", "siem-test.com", key),
                &format!("secrets.service_account_json.{field}"),
                "is empty",
            )
            .await;
        }
    }
}

fn pem() -> String {
    format!("-----BEGIN PRIVATE KEY-----\n{PEM_CANARY}\n-----END PRIVATE KEY-----\n")
}

#[tokio::test]
async fn bad_service_account_keys_are_refused_at_create() {
    refused(
        NewSync::google_workspace(
            "n",
            "siem-test.com",
            ServiceAccountKey::new("canary-proj", "canary-sa-not-an-email", pem()),
        ),
        "secrets.service_account_json.client_email",
        "is not an email address",
    )
    .await;
    refused(
        NewSync::google_workspace(
            "n",
            "siem-test.com",
            ServiceAccountKey::new("canary-proj", CLIENT_EMAIL_CANARY, PEM_CANARY),
        ),
        "secrets.service_account_json.private_key",
        "is not a PEM block",
    )
    .await;
    refused(
        gws("n", "siem-test.com").admin_email(TOKEN),
        "secrets.admin_email",
        "is not an email address",
    )
    .await;
}

/// The key file's text with `edit` applied.
fn key_file_with(edit: impl FnOnce(&mut Map<String, Value>)) -> String {
    let mut key: Map<String, Value> = serde_json::from_str(KEY_FILE).expect("fixture");
    key.insert("private_key".into(), Value::from(pem()));
    key.insert("client_email".into(), Value::from(CLIENT_EMAIL_CANARY));
    key.insert("private_key_id".into(), Value::from(KEY_ID_CANARY));
    edit(&mut key);
    Value::Object(key).to_string()
}

/// A key file `from_json` refuses: a validation error on `field` whose
/// reason contains `reason`, with no secret in its Display or Debug.
fn bad_key_file(text: &str, field: &str, reason: &str) {
    let err = ServiceAccountKey::from_json(text).expect_err(field);
    match &err {
        Error::Validation {
            field: got,
            reason: why,
        } => {
            assert_eq!(got, field, "{err}");
            assert!(why.contains(reason), "reason {why:?} lacks {reason:?}");
        }
        other => panic!("expected Error::Validation, got {other:?}"),
    }
    assert_no_leak(&shown(&err), CANARIES);
    assert!(!shown(&err).contains("line2canary"), "{err:?}");
}

#[test]
fn key_files_that_are_not_a_service_account_key() {
    let field = "secrets.service_account_json";
    bad_key_file(&pem(), field, "is not valid JSON");
    bad_key_file(
        &format!("{{\"private_key\": \"{PEM_CANARY}"),
        field,
        "is not valid JSON",
    );
    bad_key_file(&format!("\"{PEM_CANARY}\""), field, "must be a JSON object");
    bad_key_file(
        &format!("[\"{PEM_CANARY}\"]"),
        field,
        "must be a JSON object",
    );
    for missing in ["type", "project_id", "private_key", "client_email"] {
        bad_key_file(
            &key_file_with(|k| {
                k.remove(missing);
            }),
            &format!("{field}.{missing}"),
            "is missing",
        );
        for not_a_string in [
            json!(42),
            json!([PEM_CANARY]),
            json!({ "v": SECRET }),
            json!(null),
        ] {
            bad_key_file(
                &key_file_with(|k| {
                    k.insert(missing.into(), not_a_string);
                }),
                &format!("{field}.{missing}"),
                "must be a string",
            );
        }
    }
    bad_key_file(
        &key_file_with(|k| {
            k.insert("type".into(), json!("authorized_user"));
        }),
        &format!("{field}.type"),
        "must be `service_account`",
    );
    bad_key_file(
        &key_file_with(|k| {
            k.insert("private_key".into(), json!(PEM_CANARY));
        }),
        &format!("{field}.private_key"),
        "is not a PEM block",
    );
    bad_key_file(
        &key_file_with(|k| {
            k.insert(
                "private_key".into(),
                json!(format!("-----BEGIN PRIVATE KEY-----\n{PEM_CANARY}")),
            );
        }),
        &format!("{field}.private_key"),
        "is not a PEM block",
    );
    bad_key_file(
        &key_file_with(|k| {
            k.insert("client_email".into(), json!(SECRET.replace('@', "-at-")));
        }),
        &format!("{field}.client_email"),
        "is not an email address",
    );
    // The fixture itself is fine, and so are non-string extra fields.
    ServiceAccountKey::from_json(KEY_FILE).expect("the fixture is valid");
    ServiceAccountKey::from_json(&key_file_with(|k| {
        k.insert("client_id".into(), json!(1234567890));
    }))
    .expect("extra fields may be any JSON");
}

#[test]
fn unreadable_key_file_paths_name_the_path_not_the_contents() {
    let dir = std::env::temp_dir().join(format!("ecs-validation-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let missing = dir.join("no-such-key.json");
    let err = ServiceAccountKey::from_file(&missing).expect_err("missing");
    let text = shown(&err);
    assert!(text.contains("cannot read the key file"), "{text}");
    assert!(text.contains("no-such-key.json"), "{text}");
    let err = ServiceAccountKey::from_file(&dir).expect_err("a directory");
    assert!(
        matches!(&err, Error::Validation { field, .. } if field == "secrets.service_account_json")
    );
    // A readable file that is not a key: the error never quotes its contents.
    let not_json = dir.join("pem.txt");
    std::fs::write(&not_json, pem()).expect("write");
    let err = ServiceAccountKey::from_file(&not_json).expect_err("not JSON");
    let text = shown(&err);
    assert!(text.contains("is not valid JSON"), "{text}");
    assert_no_leak(&text, CANARIES);
    assert!(!text.contains("BEGIN"), "{text}");
    let good = dir.join("key.json");
    std::fs::write(&good, KEY_FILE).expect("write");
    ServiceAccountKey::from_file(&good).expect("the fixture reads back");
    std::fs::remove_dir_all(&dir).expect("clean up");
}

#[tokio::test]
async fn admin_email_on_a_source_other_than_google_workspace() {
    for sync in [
        NewSync::okta("n", "acme.okta.com", TOKEN),
        NewSync::sentinel_one("n", "usea1.sentinelone.net", TOKEN),
        NewSync::crowdstrike("n", "api.crowdstrike.com", CS_ID, CS_SECRET),
        NewSync::entra_id("n", "acme.onmicrosoft.com"),
        NewSync::raw("JUMPCLOUD", "n", "acme.example.com"),
    ] {
        refused(
            sync.admin_email(SECRET),
            "secrets.admin_email",
            "applies to GOOGLE_WORKSPACE credentials only",
        )
        .await;
    }
}

#[tokio::test]
async fn raw_setters_on_a_typed_source() {
    refused(
        NewSync::okta("n", "acme.okta.com", TOKEN).raw_secrets(json!({ "api_token": SECRET })),
        "secrets",
        "raw_secrets applies to NewSync::raw only",
    )
    .await;
    refused(
        NewSync::entra_id("n", "acme.onmicrosoft.com").raw_attribute("tenant", "t"),
        "attributes",
        "raw_attribute applies to NewSync::raw only",
    )
    .await;
    for reserved in ["integration_type", "name", "domain", "settings", "secrets"] {
        refused(
            NewSync::raw("JUMPCLOUD", "n", "acme.example.com").raw_attribute(reserved, "x"),
            &format!("attributes.{reserved}"),
            "is set by NewSync itself",
        )
        .await;
    }
}

/// The deprecated `.secret(..)` on a source's constructor accepts only that
/// source's secret names.
#[tokio::test]
#[allow(deprecated)]
async fn deprecated_secret_with_a_key_the_source_does_not_have() {
    refused(
        NewSync::okta("n", "acme.okta.com", TOKEN).secret("client_secret", SECRET),
        "secrets.client_secret",
        "is not a secret of OKTA",
    )
    .await;
    refused(
        NewSync::entra_id("n", "acme.onmicrosoft.com").secret("client_secret", SECRET),
        "secrets.client_secret",
        "is not a secret of ENTRA_ID",
    )
    .await;
    // Its known keys still work.
    NewSync::okta("n", "acme.okta.com", "placeholder")
        .secret("api_token", TOKEN)
        .validate()
        .expect("api_token is Okta's secret");
}

#[tokio::test]
async fn oversized_secret_value() {
    let big = format!("{SECRET}{}", "x".repeat(MAX_SECRET_LEN));
    let err = refused(
        NewSync::okta("n", "acme.okta.com", big.as_str()),
        "secrets.api_token",
        &format!("is {} bytes; the limit is {MAX_SECRET_LEN}", big.len()),
    )
    .await;
    assert_no_leak(&shown(&err), &[&big[..40]]);
    refused(
        NewSync::crowdstrike("n", "api.crowdstrike.com", CS_ID, big.as_str()),
        "secrets.client_secret",
        "the limit is 65536",
    )
    .await;
    refused(
        NewSync::google_workspace(
            "n",
            "siem-test.com",
            ServiceAccountKey::new("canary-proj", CLIENT_EMAIL_CANARY, big.as_str()),
        ),
        "secrets.service_account_json.private_key",
        "the limit is 65536",
    )
    .await;
}

#[tokio::test]
async fn oversized_secret_key() {
    refused(
        NewSync::raw("JUMPCLOUD", "n", "acme.example.com")
            .raw_secrets(json!({ "k".repeat(MAX_KEY_LEN + 1): TOKEN })),
        "secrets",
        "the limit is 256",
    )
    .await;
    refused(
        NewSync::google_workspace(
            "n",
            "siem-test.com",
            canary_key().field("k".repeat(MAX_KEY_LEN + 1), TOKEN),
        ),
        "secrets.service_account_json",
        "the limit is 256",
    )
    .await;
}

#[tokio::test]
async fn control_characters_in_secret_key() {
    refused(
        NewSync::raw("JUMPCLOUD", "n", "acme.example.com")
            .raw_secrets(json!({ "api\ttoken": TOKEN })),
        "secrets",
        "control characters",
    )
    .await;
}

#[tokio::test]
async fn oversized_settings() {
    let sync = gws("n", "siem-test.com").setting("blob", "x".repeat(MAX_SETTINGS_LEN));
    refused(sync, "settings", "the limit is 262144").await;
}

#[tokio::test]
async fn bad_setting_keys() {
    refused(
        gws("n", "siem-test.com").setting("", 1),
        "settings",
        "keys must not be empty",
    )
    .await;
    refused(
        gws("n", "siem-test.com").setting("a\u{7}b", 1),
        "settings",
        "control characters",
    )
    .await;
    refused(
        gws("n", "siem-test.com").setting("s".repeat(MAX_KEY_LEN + 1), 1),
        "settings",
        "the limit is 256",
    )
    .await;
}

#[tokio::test]
async fn empty_or_padded_custom_integration_type() {
    let custom = |t: &str| {
        NewSync::raw(IntegrationType::from(t), "n", "acme.example.com")
            .raw_secrets(json!({ "token": TOKEN }))
    };
    refused(custom(""), "integration_type", "non-empty").await;
    refused(
        custom(" JUMPCLOUD "),
        "integration_type",
        "surrounding spaces",
    )
    .await;
    refused(
        NewSync::raw("JUMP\nCLOUD", "n", "acme.example.com"),
        "integration_type",
        "control characters",
    )
    .await;
    assert!(
        Credentials::raw("JUMP\nCLOUD", None).validate().is_err(),
        "Credentials::validate refuses it too"
    );
}

#[tokio::test]
async fn limits_are_inclusive_and_multiline_secrets_are_fine() {
    // Exactly at each limit is accepted and sent unchanged.
    let name = "é".repeat(MAX_NAME_CHARS);
    let domain = format!("{}.com", "a".repeat(MAX_DOMAIN_LEN - 4));
    let admin = format!("{}@x.co", "s".repeat(MAX_SECRET_LEN - 5));
    let pem = "-----BEGIN PRIVATE KEY-----\nMIIE\nline2\n-----END PRIVATE KEY-----\n";
    let key = ServiceAccountKey::new("p", "sa@p.iam.gserviceaccount.com", pem)
        .field("k".repeat(MAX_KEY_LEN), "v");
    let sync =
        NewSync::google_workspace(name.as_str(), domain.as_str(), key).admin_email(admin.as_str());
    sync.validate().expect("at the limits is valid");

    let server = MockServer::start_async().await;
    let requests = Requests::default();
    let matcher = requests.matcher();
    let mock = server.create_security_monitoring_integration_config(|when, then| {
        when.into_inner().is_true(matcher);
        then.ok(&seed_response());
    });
    let (client, _) = client(&server);
    client
        .entity_context_syncs()
        .create(sync)
        .await
        .expect("accepted");
    assert_eq!(mock.calls(), 1);
    let body = requests.only().json();
    let attrs = &body["data"]["attributes"];
    assert_eq!(attrs["name"], Value::from(name));
    assert_eq!(attrs["domain"], Value::from(domain));
    assert_eq!(
        attrs["secrets"]["admin_email"].as_str().map(str::len),
        Some(MAX_SECRET_LEN)
    );
    let sent_key = &attrs["secrets"]["service_account_json"];
    assert_eq!(sent_key["private_key"], Value::from(pem));
    assert_eq!(sent_key["k".repeat(MAX_KEY_LEN).as_str()], Value::from("v"));
}

#[tokio::test]
async fn first_problem_wins_and_nothing_is_sent_for_any_of_many_bad_syncs() {
    // One server, many refusals in a row: still zero requests.
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.any_request();
        then.status(200).body(SEED_RESPONSE);
    });
    let (client, _) = client(&server);
    let bad = [
        NewSync::google_workspace("", "", canary_key()),
        NewSync::okta("n", "https://x/", TOKEN),
        NewSync::okta("n", "x.com", ""),
        NewSync::crowdstrike("n", "x.com", CS_ID, " "),
        NewSync::raw(IntegrationType::from(""), "n", "x.com").raw_secrets(json!({ "k": "v" })),
        NewSync::entra_id("n", "x.com").admin_email(SECRET),
    ];
    let mut fields = Vec::new();
    for sync in bad {
        match client.entity_context_syncs().create(sync).await {
            Err(Error::Validation { field, .. }) => fields.push(field),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }
    assert_eq!(
        fields,
        [
            "name",
            "domain",
            "secrets.api_token",
            "secrets.client_secret",
            "integration_type",
            "secrets.admin_email"
        ]
    );
    assert_eq!(mock.calls(), 0);
}

#[tokio::test]
async fn secrets_with_control_characters_are_refused_naming_the_sync() {
    let err = refused(
        NewSync::okta("Okta prod", "acme.okta.com", format!("{TOKEN}\n")),
        "secrets.api_token",
        "must not contain control characters (found U+000A at its end",
    )
    .await;
    assert_eq!(
        err.to_string(),
        "invalid secrets.api_token: must not contain control characters (found U+000A at its end: trim the line break a file or a shell left) (OKTA sync \"Okta prod\")"
    );
    for token in [
        format!("a\tb{TOKEN}"),
        format!("{TOKEN}\r\nX"),
        format!("\u{0}{TOKEN}"),
    ] {
        refused(
            NewSync::sentinel_one("S1", "usea1.sentinelone.net", token),
            "secrets.api_token",
            "must not contain control characters",
        )
        .await;
    }
    refused(
        NewSync::crowdstrike(
            "CS",
            "api.crowdstrike.com",
            CS_ID,
            format!("{CS_SECRET}\u{1b}[2J"),
        ),
        "secrets.client_secret",
        "control characters (found U+001B)",
    )
    .await;
    refused(
        gws("n", "siem-test.com").admin_email("admin@example.com\n"),
        "secrets.admin_email",
        "control characters",
    )
    .await;
}
