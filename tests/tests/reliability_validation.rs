//! Input validation: every class of bad input the facade refuses, each
//! against the stateful fake, which must see zero requests; and the
//! boundary values just inside each limit, which must go through (against a
//! raw server's canned 200: the fake would refuse the unknown source type).

use entity_context_sync::{
    Client, Error, IntegrationType, MAX_DOMAIN_LEN, MAX_KEY_LEN, MAX_NAME_CHARS, MAX_SECRET_LEN,
    MAX_SETTINGS_LEN, NewSync, RetryPolicy, ServiceAccountKey, Site,
};
use entity_context_sync_tests::faults::{
    Action, RawServer, RecordingSleep, TEST_API_KEY, TEST_APP_KEY, fake, json_response, test_client,
};
use entity_context_sync_tests::{SEED_RESPONSE, SERVICE_ACCOUNT_KEY, service_account_key};
use serde_json::{Map, Value, json};

const SECRET: &str = "validation-secret-5d2c@example.com";
/// Canary token, client id / secret and private key line: never in an error.
const TOKEN: &str = "validation-token-8a1f";
const CS_ID: &str = "validation-csid-2b7e";
const CS_SECRET: &str = "validation-cssecret-6c3d";
const PEM_LINE: &str = "validationPemLine9e4a";
const CANARIES: [&str; 5] = [SECRET, TOKEN, CS_ID, CS_SECRET, PEM_LINE];

fn pem() -> String {
    format!("-----BEGIN PRIVATE KEY-----\n{PEM_LINE}\n-----END PRIVATE KEY-----\n")
}

fn gws(name: &str, domain: &str) -> NewSync {
    NewSync::google_workspace(name, domain, service_account_key()).admin_email(SECRET)
}

fn gws_key(project_id: &str, client_email: &str, private_key: &str) -> NewSync {
    NewSync::google_workspace(
        "n",
        "siem-test.com",
        ServiceAccountKey::new(project_id, client_email, private_key),
    )
}

fn ok_sync() -> NewSync {
    gws("My GWS Integration", "siem-test.com")
}

/// (class, case, input, the field the error must name).
fn invalid_inputs() -> Vec<(&'static str, String, NewSync, &'static str)> {
    let mut cases: Vec<(&'static str, String, NewSync, &'static str)> = Vec::new();
    let mut add = |class: &'static str, case: &str, sync: NewSync, field: &'static str| {
        cases.push((class, case.to_string(), sync, field));
    };
    // name
    for (case, name) in [
        ("empty", String::new()),
        ("whitespace", " \t ".to_string()),
        ("NUL", "a\0b".to_string()),
        ("newline", "a\nb".to_string()),
        ("escape", "a\u{1b}[31mb".to_string()),
        ("DEL", "a\u{7f}b".to_string()),
        ("C1 control", "a\u{85}b".to_string()),
        ("oversize ASCII", "n".repeat(MAX_NAME_CHARS + 1)),
        ("oversize multibyte", "é".repeat(MAX_NAME_CHARS + 1)),
    ] {
        add("name", case, gws(&name, "siem-test.com"), "name");
    }
    // domain
    for (case, domain) in [
        ("empty", String::new()),
        ("whitespace", "   ".to_string()),
        ("scheme", "https://siem-test.com".to_string()),
        ("scheme-relative", "//siem-test.com".to_string()),
        ("path", "siem-test.com/admin".to_string()),
        ("space", "siem test.com".to_string()),
        ("tab", "siem-test.com\t".to_string()),
        ("port", "siem-test.com:443".to_string()),
        ("query", "siem-test.com?x=1".to_string()),
        ("fragment", "siem-test.com#x".to_string()),
        ("userinfo", "admin@siem-test.com".to_string()),
        ("backslash", "siem-test.com\\x".to_string()),
        ("leading dot", ".siem-test.com".to_string()),
        ("trailing dot", "siem-test.com.".to_string()),
        ("double dot", "siem..test.com".to_string()),
        ("only a dot", ".".to_string()),
        ("control char", "siem\0test.com".to_string()),
        (
            "oversize ASCII",
            format!("{}.com", "a".repeat(MAX_DOMAIN_LEN - 3)),
        ),
        (
            "oversize bytes (multibyte)",
            "é".repeat(MAX_DOMAIN_LEN / 2 + 1),
        ),
    ] {
        add("domain", case, gws("n", &domain), "domain");
    }
    // secrets, per source type
    for blank in ["", " \n\t "] {
        let kind = if blank.is_empty() {
            "empty"
        } else {
            "whitespace"
        };
        add(
            "secrets",
            &format!("Okta api_token {kind}"),
            NewSync::okta("n", "siem-test.okta.com", blank),
            "secrets.api_token",
        );
        add(
            "secrets",
            &format!("SentinelOne api_token {kind}"),
            NewSync::sentinel_one("n", "usea1.sentinelone.net", blank),
            "secrets.api_token",
        );
        add(
            "secrets",
            &format!("CrowdStrike client_id {kind}"),
            NewSync::crowdstrike("n", "api.crowdstrike.com", blank, CS_SECRET),
            "secrets.client_id",
        );
        add(
            "secrets",
            &format!("CrowdStrike client_secret {kind}"),
            NewSync::crowdstrike("n", "api.crowdstrike.com", CS_ID, blank),
            "secrets.client_secret",
        );
        add(
            "secrets",
            &format!("admin_email {kind}"),
            ok_sync().admin_email(blank),
            "secrets.admin_email",
        );
    }
    add(
        "secrets",
        "oversize Okta api_token",
        NewSync::okta("n", "siem-test.okta.com", TOKEN.repeat(MAX_SECRET_LEN / 8)),
        "secrets.api_token",
    );
    add(
        "secrets",
        "oversize CrowdStrike client_secret",
        NewSync::crowdstrike(
            "n",
            "api.crowdstrike.com",
            CS_ID,
            "s".repeat(MAX_SECRET_LEN + 1),
        ),
        "secrets.client_secret",
    );
    add(
        "secrets",
        "admin_email not an email",
        ok_sync().admin_email(TOKEN),
        "secrets.admin_email",
    );
    for (case, sync) in [
        (
            "admin_email on Okta",
            NewSync::okta("n", "siem-test.okta.com", TOKEN),
        ),
        (
            "admin_email on SentinelOne",
            NewSync::sentinel_one("n", "usea1.sentinelone.net", TOKEN),
        ),
        (
            "admin_email on CrowdStrike",
            NewSync::crowdstrike("n", "api.crowdstrike.com", CS_ID, CS_SECRET),
        ),
        (
            "admin_email on Entra ID",
            NewSync::entra_id("n", "siem-test.com"),
        ),
        (
            "admin_email on raw",
            NewSync::raw("NEW_SOURCE", "n", "siem-test.com"),
        ),
    ] {
        add(
            "secrets",
            case,
            sync.admin_email(SECRET),
            "secrets.admin_email",
        );
    }
    // the service account key (built in code; key files: see below)
    for (case, sync, field) in [
        (
            "empty project_id",
            gws_key(" ", "sa@p.iam.gserviceaccount.com", &pem()),
            "project_id",
        ),
        (
            "empty client_email",
            gws_key("p", "", &pem()),
            "client_email",
        ),
        (
            "client_email not an email",
            gws_key("p", CS_ID, &pem()),
            "client_email",
        ),
        (
            "empty private_key",
            gws_key("p", "sa@p.iam.gserviceaccount.com", ""),
            "private_key",
        ),
        (
            "private_key not a PEM block",
            gws_key("p", "sa@p.iam.gserviceaccount.com", PEM_LINE),
            "private_key",
        ),
        (
            "private_key PEM without its END line",
            gws_key(
                "p",
                "sa@p.iam.gserviceaccount.com",
                &format!("-----BEGIN PRIVATE KEY-----\n{PEM_LINE}\n"),
            ),
            "private_key",
        ),
        (
            "oversize private_key",
            gws_key(
                "p",
                "sa@p.iam.gserviceaccount.com",
                &PEM_LINE.repeat(MAX_SECRET_LEN / 16),
            ),
            "private_key",
        ),
    ] {
        add(
            "service account key",
            case,
            sync,
            match field {
                "project_id" => "secrets.service_account_json.project_id",
                "client_email" => "secrets.service_account_json.client_email",
                _ => "secrets.service_account_json.private_key",
            },
        );
    }
    add(
        "service account key",
        "empty extra field name",
        NewSync::google_workspace("n", "siem-test.com", service_account_key().field("", TOKEN)),
        "secrets.service_account_json",
    );
    // the escape hatch
    let raw = || NewSync::raw("NEW_SOURCE", "n", "siem-test.com");
    for (case, sync, field) in [
        (
            "secrets not an object",
            raw().raw_secrets(json!(TOKEN)),
            "secrets",
        ),
        (
            "empty key",
            raw().raw_secrets(json!({ "": TOKEN })),
            "secrets",
        ),
        (
            "whitespace key",
            raw().raw_secrets(json!({ "  ": TOKEN })),
            "secrets",
        ),
        (
            "oversize key",
            raw().raw_secrets(json!({ "k".repeat(MAX_KEY_LEN + 1): TOKEN })),
            "secrets",
        ),
        (
            "control char in key",
            raw().raw_secrets(json!({ "api\nkey": TOKEN })),
            "secrets",
        ),
        (
            "empty value",
            raw().raw_secrets(json!({ "api_key": "" })),
            "secrets.api_key",
        ),
        (
            "one good, one empty",
            raw().raw_secrets(json!({ "api_key": TOKEN, "extra": " " })),
            "secrets.extra",
        ),
        (
            "oversize value",
            raw().raw_secrets(json!({ "api_key": "s".repeat(MAX_SECRET_LEN + 1) })),
            "secrets.api_key",
        ),
        (
            "raw OKTA without api_token",
            NewSync::raw("OKTA", "n", "siem-test.okta.com").raw_secrets(json!({ "token": TOKEN })),
            "secrets.api_token",
        ),
        (
            "raw SENTINELONE without secrets",
            NewSync::raw("SENTINELONE", "n", "usea1.sentinelone.net"),
            "secrets.api_token",
        ),
        (
            "raw CROWDSTRIKE without client_secret",
            NewSync::raw("CROWDSTRIKE", "n", "api.crowdstrike.com")
                .raw_secrets(json!({ "client_id": CS_ID })),
            "secrets.client_secret",
        ),
        (
            "raw GOOGLE_WORKSPACE, admin_email only",
            NewSync::raw("GOOGLE_WORKSPACE", "n", "siem-test.com")
                .raw_secrets(json!({ "admin_email": SECRET })),
            "secrets.service_account_json",
        ),
        (
            "raw GOOGLE_WORKSPACE, key file as a string",
            NewSync::raw("GOOGLE_WORKSPACE", "n", "siem-test.com")
                .raw_secrets(json!({ "service_account_json": pem() })),
            "secrets.service_account_json",
        ),
        (
            "raw_secrets on a typed source",
            NewSync::okta("n", "siem-test.okta.com", TOKEN).raw_secrets(json!({ "k": TOKEN })),
            "secrets",
        ),
        (
            "raw_attribute on a typed source",
            NewSync::entra_id("n", "siem-test.com").raw_attribute("tenant", TOKEN),
            "attributes",
        ),
        (
            "raw_attribute setting name",
            raw().raw_attribute("name", "other"),
            "attributes.name",
        ),
        (
            "raw_attribute setting secrets",
            raw().raw_attribute("secrets", json!({ "k": TOKEN })),
            "attributes.secrets",
        ),
    ] {
        add("escape hatch (raw)", case, sync, field);
    }
    // settings
    add(
        "settings",
        "empty key",
        ok_sync().setting("", 1),
        "settings",
    );
    add(
        "settings",
        "whitespace key",
        ok_sync().setting(" ", 1),
        "settings",
    );
    add(
        "settings",
        "oversize key",
        ok_sync().setting("k".repeat(MAX_KEY_LEN + 1), 1),
        "settings",
    );
    add(
        "settings",
        "control char in key",
        ok_sync().setting("a\u{0}b", 1),
        "settings",
    );
    add(
        "settings",
        "oversize object",
        ok_sync().setting("blob", "x".repeat(MAX_SETTINGS_LEN)),
        "settings",
    );
    add(
        "settings",
        "oversize through many keys",
        ok_sync().settings((0..5000).map(|i| (format!("key{i}"), "v".repeat(60).into()))),
        "settings",
    );
    // integration type
    for (case, value) in [
        ("empty", ""),
        ("whitespace", "   "),
        ("leading space", " OKTA"),
        ("trailing space", "OKTA "),
        ("newline", "NEW\nSOURCE"),
        ("NUL", "NEW\0SOURCE"),
    ] {
        add(
            "integration_type (Unknown)",
            case,
            NewSync::raw(IntegrationType::from(value), "n", "siem-test.com")
                .raw_secrets(json!({ "token": TOKEN })),
            "integration_type",
        );
    }
    cases
}

#[tokio::test]
async fn every_invalid_input_is_refused_before_anything_is_sent() {
    let fake = fake().await;
    let sleep = RecordingSleep::default();
    let client = test_client(&fake.base_url(), &sleep, RetryPolicy::default());
    let cases = invalid_inputs();
    let mut per_class: Vec<(&str, usize)> = Vec::new();
    let mut failures = Vec::new();
    for (class, case, sync, field) in &cases {
        let label = format!("{class}: {case}");
        let direct = sync.validate();
        let sent = client.entity_context_syncs().create(sync.clone()).await;
        match (&direct, &sent) {
            (
                Err(Error::Validation { field: f1, .. }),
                Err(err @ Error::Validation { field: f2, reason }),
            ) if f1 == field && f2 == field => {
                assert!(
                    !err.is_retryable() && !err.may_have_been_applied() && err.status().is_none(),
                    "{label}"
                );
                let text = format!("{err} {err:?}");
                for canary in CANARIES {
                    assert!(!text.contains(canary), "{label}: secret in {text}");
                }
                assert!(!reason.is_empty(), "{label}");
                assert!(text.len() < 512, "{label}: {} bytes of message", text.len());
            }
            _ => failures.push(format!(
                "{label}: want field `{field}`, validate() = {direct:?}, create = {:?}",
                sent.as_ref().map(|r| r.status)
            )),
        }
        match per_class.iter_mut().find(|(c, _)| c == class) {
            Some((_, n)) => *n += 1,
            None => per_class.push((class, 1)),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(
        fake.total_requests(),
        0,
        "a refused input never reaches the server"
    );
    assert!(sleep.waits().is_empty());
    println!(
        "reliability: {} invalid inputs refused, 0 requests: {per_class:?}",
        cases.len()
    );
}

/// Key files `ServiceAccountKey::from_json` / `from_file` refuse: each a
/// `Validation` error naming the field, never quoting the file.
#[tokio::test]
async fn every_bad_key_file_is_refused_naming_the_field() {
    let file: Map<String, Value> = serde_json::from_str(SERVICE_ACCOUNT_KEY).expect("fixture");
    let with = |edit: &dyn Fn(&mut Map<String, Value>)| {
        let mut map = file.clone();
        map.insert("private_key".into(), Value::from(pem()));
        map.insert("client_id".into(), Value::from(CS_ID));
        edit(&mut map);
        Value::Object(map).to_string()
    };
    let f = "secrets.service_account_json";
    let mut cases: Vec<(String, String, String)> = vec![
        ("not JSON: the PEM alone".into(), pem(), f.into()),
        (
            "not JSON: truncated".into(),
            with(&|_| {})[..60].to_string(),
            f.into(),
        ),
        ("not JSON: empty".into(), String::new(), f.into()),
        (
            "not an object: a string".into(),
            json!(TOKEN).to_string(),
            f.into(),
        ),
        (
            "not an object: an array".into(),
            json!([pem()]).to_string(),
            f.into(),
        ),
        (
            "type authorized_user".into(),
            with(&|m| {
                m.insert("type".into(), json!("authorized_user"));
            }),
            format!("{f}.type"),
        ),
        (
            "private_key not a PEM block".into(),
            with(&|m| {
                m.insert("private_key".into(), json!(PEM_LINE));
            }),
            format!("{f}.private_key"),
        ),
        (
            "client_email not an email".into(),
            with(&|m| {
                m.insert("client_email".into(), json!(TOKEN));
            }),
            format!("{f}.client_email"),
        ),
    ];
    for field in ["type", "project_id", "private_key", "client_email"] {
        cases.push((
            format!("{field} missing"),
            with(&|m| {
                m.remove(field);
            }),
            format!("{f}.{field}"),
        ));
        for (kind, value) in [
            ("number", json!(42)),
            ("null", json!(null)),
            ("array", json!([TOKEN])),
            ("object", json!({ "k": SECRET })),
        ] {
            cases.push((
                format!("{field} a {kind}"),
                with(&|m| {
                    m.insert(field.into(), value.clone());
                }),
                format!("{f}.{field}"),
            ));
        }
    }
    let fake = fake().await;
    let mut failures = Vec::new();
    for (case, text, field) in &cases {
        match ServiceAccountKey::from_json(text).as_ref() {
            Err(err @ Error::Validation { field: got, .. }) if got == field => {
                let shown = format!("{err} {err:?}");
                for canary in CANARIES {
                    assert!(!shown.contains(canary), "{case}: secret in {shown}");
                }
                assert!(!shown.contains("BEGIN PRIVATE KEY-----"), "{case}: {shown}");
            }
            other => failures.push(format!("{case}: want `{field}`, got {other:?}")),
        }
    }
    // Paths: missing, a directory, unreadable (not UTF-8).
    let dir = std::env::temp_dir().join(format!("ecs-keyfiles-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let binary = dir.join("key.p12");
    std::fs::write(&binary, [0xffu8, 0xfe, 0x00, 0x80]).expect("write");
    let paths = [dir.join("missing.json"), dir.clone(), binary];
    for path in &paths {
        match ServiceAccountKey::from_file(path) {
            Err(err @ Error::Validation { .. }) => {
                assert!(err.to_string().contains("key file"), "{err}");
            }
            other => failures.push(format!("{}: {other:?}", path.display())),
        }
    }
    std::fs::remove_dir_all(&dir).expect("clean up");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(fake.total_requests(), 0);
    println!(
        "reliability: {} bad key files and {} bad key file paths refused, 0 requests",
        cases.len(),
        paths.len()
    );
}

#[tokio::test]
async fn values_just_inside_every_limit_are_sent() {
    let accepted: Vec<(&str, NewSync)> = vec![
        (
            "name of MAX_NAME_CHARS ASCII",
            gws(&"n".repeat(MAX_NAME_CHARS), "siem-test.com"),
        ),
        (
            "name of MAX_NAME_CHARS multibyte",
            gws(&"é".repeat(MAX_NAME_CHARS), "siem-test.com"),
        ),
        ("unicode name", gws("Intégration 日本 🚀", "siem-test.com")),
        (
            "domain of MAX_DOMAIN_LEN bytes",
            gws("n", &format!("{}.com", "a".repeat(MAX_DOMAIN_LEN - 4))),
        ),
        ("single-label domain", gws("n", "localhost")),
        ("IDN domain", gws("n", "bücher.example")),
        ("punycode domain", gws("n", "xn--bcher-kva.example")),
        (
            "name with surrounding spaces",
            gws("  padded  ", "siem-test.com"),
        ),
        (
            "secret of MAX_SECRET_LEN bytes",
            NewSync::okta("n", "siem-test.com", "s".repeat(MAX_SECRET_LEN)),
        ),
        (
            "PEM private key with newlines",
            gws_key("p", "sa@p.iam.gserviceaccount.com", &pem()),
        ),
        (
            "private key of MAX_SECRET_LEN bytes",
            gws_key(
                "p",
                "sa@p.iam.gserviceaccount.com",
                &format!(
                    "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----",
                    "A".repeat(MAX_SECRET_LEN - 54)
                ),
            ),
        ),
        (
            "key file field name of MAX_KEY_LEN bytes",
            NewSync::google_workspace(
                "n",
                "siem-test.com",
                service_account_key().field("k".repeat(MAX_KEY_LEN), TOKEN),
            ),
        ),
        (
            "raw secret key of MAX_KEY_LEN bytes",
            NewSync::raw("NEW_SOURCE", "n", "siem-test.com")
                .raw_secrets(json!({ "k".repeat(MAX_KEY_LEN): TOKEN })),
        ),
        (
            "CrowdStrike secrets of MAX_SECRET_LEN bytes",
            NewSync::crowdstrike(
                "n",
                "api.crowdstrike.com",
                "i".repeat(MAX_SECRET_LEN),
                "s".repeat(MAX_SECRET_LEN),
            ),
        ),
        (
            "SentinelOne token of 1 character",
            NewSync::sentinel_one("n", "usea1.sentinelone.net", "t"),
        ),
        (
            "Entra ID: no secrets",
            NewSync::entra_id("n", "siem-test.com"),
        ),
        (
            "raw known type with its secrets",
            NewSync::raw("OKTA", "n", "siem-test.okta.com")
                .raw_secrets(json!({ "api_token": TOKEN })),
        ),
        (
            "setting key of MAX_KEY_LEN bytes",
            ok_sync().setting("k".repeat(MAX_KEY_LEN), true),
        ),
        (
            "nested settings",
            ok_sync().setting("nested", serde_json::json!({"a": [1, {"b": null}]})),
        ),
        (
            "settings just under MAX_SETTINGS_LEN",
            ok_sync().setting("blob", "x".repeat(MAX_SETTINGS_LEN - 16)),
        ),
        (
            "unknown integration type",
            NewSync::raw(IntegrationType::from("NEW_SOURCE"), "n", "siem-test.com")
                .raw_secrets(json!({ "token": TOKEN })),
        ),
    ];
    let server = RawServer::always(Action::Reply(json_response(200, SEED_RESPONSE))).await;
    let sleep = RecordingSleep::default();
    let client = test_client(&server.base_url(), &sleep, RetryPolicy::none());
    for (label, sync) in &accepted {
        sync.validate().unwrap_or_else(|e| panic!("{label}: {e}"));
        client
            .entity_context_syncs()
            .create(sync.clone())
            .await
            .unwrap_or_else(|e| panic!("{label}: {e}"));
    }
    assert_eq!(
        server.requests(),
        accepted.len(),
        "one request per accepted input"
    );
    println!(
        "reliability: {} boundary inputs accepted, {} requests",
        accepted.len(),
        server.requests()
    );
}

/// (class, case, result of building).
fn bad_configs(base_url: &str) -> Vec<(&'static str, String, entity_context_sync::Result<Client>)> {
    let keyed = || {
        Client::builder()
            .api_key(TEST_API_KEY)
            .app_key(TEST_APP_KEY)
            .base_url(base_url)
    };
    let mut out: Vec<(&'static str, String, entity_context_sync::Result<Client>)> = Vec::new();
    out.push((
        "keys",
        "no API key".into(),
        Client::builder()
            .app_key(TEST_APP_KEY)
            .base_url(base_url)
            .build(),
    ));
    out.push((
        "keys",
        "no application key".into(),
        Client::builder()
            .api_key(TEST_API_KEY)
            .base_url(base_url)
            .build(),
    ));
    for (case, key) in [
        ("empty", ""),
        ("whitespace", " \t\n"),
        ("inner space", "abc def"),
        ("NUL", "abc\0def"),
        ("DEL", "abc\u{7f}def"),
        ("non-ASCII", "clé-ключ"),
        ("CRLF header injection", "abc\r\nX-Evil: 1"),
    ] {
        out.push((
            "keys",
            format!("API key: {case}"),
            keyed().api_key(key).build(),
        ));
        out.push((
            "keys",
            format!("application key: {case}"),
            keyed().app_key(key).build(),
        ));
    }
    for url in [
        "",
        "not a url",
        "127.0.0.1:8080",
        "ftp://127.0.0.1/",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "mailto:dd@example.com",
        "http://",
        "http://127.0.0.1/?q=1",
        "http://127.0.0.1/#frag",
        "http://user:pass@127.0.0.1/",
        "http://user@127.0.0.1/",
        "http://[::1/",
    ] {
        out.push((
            "base_url",
            format!("{url:?}"),
            keyed().base_url(url).build(),
        ));
    }
    for ua in ["ua\n", "ua\r\nX-Evil: 1", "ua\0", "ua\u{7f}"] {
        out.push((
            "user_agent",
            format!("{ua:?}"),
            keyed().user_agent(ua).build(),
        ));
    }
    let env = |vars: &'static [(&'static str, &'static str)]| {
        Client::builder()
            .env_from(move |name| {
                vars.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_string())
            })
            .and_then(|b| b.build())
    };
    for (case, vars) in [
        ("DD_API_KEY unset", &[("DD_APP_KEY", "k")][..]),
        ("DD_APP_KEY unset", &[("DD_API_KEY", "k")][..]),
        (
            "DD_API_KEY empty",
            &[("DD_API_KEY", ""), ("DD_APP_KEY", "k")][..],
        ),
        (
            "DD_APP_KEY whitespace",
            &[("DD_API_KEY", "k"), ("DD_APP_KEY", "  ")][..],
        ),
        (
            "DD_SITE typo",
            &[
                ("DD_API_KEY", "k"),
                ("DD_APP_KEY", "k"),
                ("DD_SITE", "datadoghq.co"),
            ][..],
        ),
        (
            "DD_SITE foreign host",
            &[
                ("DD_API_KEY", "k"),
                ("DD_APP_KEY", "k"),
                ("DD_SITE", "evil.example.com"),
            ][..],
        ),
        (
            "DD_SITE lookalike",
            &[
                ("DD_API_KEY", "k"),
                ("DD_APP_KEY", "k"),
                ("DD_SITE", "https://app.datadoghq.com.evil.com"),
            ][..],
        ),
    ] {
        out.push(("environment", case.to_string(), env(vars)));
    }
    for site in [
        "evil.com",
        "datadoghq",
        "app.datadoghq.com.evil.com",
        "us6.datadoghq.com",
    ] {
        out.push((
            "site",
            format!("{site:?}"),
            site.parse::<Site>().and_then(|s| keyed().site(s).build()),
        ));
    }
    out
}

#[tokio::test]
async fn every_bad_config_is_refused_before_anything_is_sent() {
    let fake = fake().await;
    let configs = bad_configs(&fake.base_url());
    let mut per_class: Vec<(&str, usize)> = Vec::new();
    let mut failures = Vec::new();
    for (class, case, built) in &configs {
        match built {
            Err(Error::Config { message }) => {
                assert!(!message.is_empty(), "{class}: {case}");
                for secret in ["abc def", "abc\0def", "clé-ключ", "abc\r\nX-Evil"] {
                    assert!(!message.contains(secret), "{class}: {case}: {message}");
                }
            }
            Err(other) => failures.push(format!("{class}: {case}: not a config error: {other:?}")),
            Ok(client) => {
                // Make sure a wrongly accepted client would be noticed by the server count.
                let _ = client.entity_context_syncs().create(ok_sync()).await;
                failures.push(format!("{class}: {case}: accepted"));
            }
        }
        match per_class.iter_mut().find(|(c, _)| c == class) {
            Some((_, n)) => *n += 1,
            None => per_class.push((class, 1)),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(fake.total_requests(), 0);
    println!(
        "reliability: {} bad configs refused, 0 requests: {per_class:?}",
        configs.len()
    );
}
