//! Input validation: every class of bad input the facade refuses, each
//! against a live counting server that must see zero requests; and the
//! boundary values just inside each limit, which must go through.

use entity_context_sync::{
    Client, Error, IntegrationType, MAX_DOMAIN_LEN, MAX_KEY_LEN, MAX_NAME_CHARS, MAX_SECRET_LEN,
    MAX_SETTINGS_LEN, NewSync, RetryPolicy, Site,
};
use entity_context_sync_tests::SEED_RESPONSE;
use entity_context_sync_tests::faults::{
    Action, RawServer, RecordingSleep, TEST_API_KEY, TEST_APP_KEY, json_response, test_client,
};

const SECRET: &str = "validation-secret-5d2c";

fn gws(name: &str, domain: &str) -> NewSync {
    NewSync::google_workspace(name, domain).admin_email(SECRET)
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
    // secrets
    let base = || NewSync::google_workspace("n", "siem-test.com");
    add("secrets", "none at all", base(), "secrets");
    add("secrets", "empty key", base().secret("", SECRET), "secrets");
    add(
        "secrets",
        "whitespace key",
        base().secret("  ", SECRET),
        "secrets",
    );
    add(
        "secrets",
        "oversize key",
        base().secret("k".repeat(MAX_KEY_LEN + 1), SECRET),
        "secrets",
    );
    add(
        "secrets",
        "control char in key",
        base().secret("admin\nemail", SECRET),
        "secrets",
    );
    add(
        "secrets",
        "empty value",
        base().secret("admin_email", ""),
        "secrets.admin_email",
    );
    add(
        "secrets",
        "whitespace value",
        base().secret("admin_email", " \n\t "),
        "secrets.admin_email",
    );
    add(
        "secrets",
        "oversize value",
        base().secret("admin_email", "s".repeat(MAX_SECRET_LEN + 1)),
        "secrets.admin_email",
    );
    add(
        "secrets",
        "one good, one empty",
        ok_sync().secret("extra", ""),
        "secrets.extra",
    );
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
            NewSync::new(IntegrationType::from(value), "n", "siem-test.com").admin_email(SECRET),
            "integration_type",
        );
    }
    cases
}

#[tokio::test]
async fn every_invalid_input_is_refused_before_anything_is_sent() {
    let server = RawServer::always(Action::Reply(json_response(200, SEED_RESPONSE))).await;
    let sleep = RecordingSleep::default();
    let client = test_client(&server.base_url(), &sleep, RetryPolicy::default());
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
                assert!(!text.contains(SECRET), "{label}: secret in {text}");
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
        server.requests(),
        0,
        "a refused input never reaches the server"
    );
    assert!(sleep.waits().is_empty());
    println!(
        "reliability: {} invalid inputs refused, 0 requests: {per_class:?}",
        cases.len()
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
            NewSync::okta("n", "siem-test.com").secret("api_token", "s".repeat(MAX_SECRET_LEN)),
        ),
        (
            "PEM secret with newlines",
            NewSync::okta("n", "siem-test.com").secret(
                "private_key",
                "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n",
            ),
        ),
        (
            "secret key of MAX_KEY_LEN bytes",
            NewSync::okta("n", "siem-test.com").secret("k".repeat(MAX_KEY_LEN), SECRET),
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
            NewSync::new(IntegrationType::from("NEW_SOURCE"), "n", "siem-test.com")
                .secret("token", SECRET),
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
    let server = RawServer::always(Action::Reply(json_response(200, SEED_RESPONSE))).await;
    let configs = bad_configs(&server.base_url());
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
    assert_eq!(server.requests(), 0);
    println!(
        "reliability: {} bad configs refused, 0 requests: {per_class:?}",
        configs.len()
    );
}
