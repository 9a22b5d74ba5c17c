//! Client configuration: sites, the environment, keys, base URLs — every
//! mistake an `Error::Config`, never a panic — and `Debug` output that never
//! shows a key or a secret.

use entity_context_sync::{Client, ClientBuilder, Error, NewSync, RetryPolicy, Site};
use entity_context_sync_httpmock::MockServerExt;
use entity_context_sync_tests::common::*;
use httpmock::MockServer;

fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let vars: Vec<(String, String)> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
}

fn config_message(result: Result<impl std::fmt::Debug, Error>) -> String {
    match result {
        Err(Error::Config { message }) => message,
        other => panic!("expected Error::Config, got {other:?}"),
    }
}

#[test]
fn sites_parse_from_every_spelling_and_map_to_api_hosts() {
    let table = [
        (Site::Us1, "datadoghq.com", "https://api.datadoghq.com"),
        (
            Site::Us3,
            "us3.datadoghq.com",
            "https://api.us3.datadoghq.com",
        ),
        (
            Site::Us5,
            "us5.datadoghq.com",
            "https://api.us5.datadoghq.com",
        ),
        (Site::Eu1, "datadoghq.eu", "https://api.datadoghq.eu"),
        (
            Site::Ap1,
            "ap1.datadoghq.com",
            "https://api.ap1.datadoghq.com",
        ),
        (
            Site::Ap2,
            "ap2.datadoghq.com",
            "https://api.ap2.datadoghq.com",
        ),
        (Site::Us1Fed, "ddog-gov.com", "https://api.ddog-gov.com"),
        (
            Site::Us2Fed,
            "us2.ddog-gov.com",
            "https://api.us2.ddog-gov.com",
        ),
    ];
    assert_eq!(Site::ALL.len(), table.len());
    for (site, dd_site, api) in table {
        assert_eq!(site.as_str(), dd_site);
        assert_eq!(site.to_string(), dd_site);
        assert_eq!(site.api_base_url(), api);
        for spelling in [
            dd_site.to_string(),
            format!("app.{dd_site}"),
            format!("api.{dd_site}"),
            format!("https://app.{dd_site}/"),
            format!("  {}  ", dd_site.to_uppercase()),
        ] {
            assert_eq!(spelling.parse::<Site>().ok(), Some(site), "{spelling:?}");
        }
        let client = Client::builder()
            .api_key(API_KEY)
            .app_key(APP_KEY)
            .site(site)
            .build()
            .expect("valid client");
        assert_eq!(client.base_url(), api);
    }
    assert_eq!(Site::default(), Site::Us1);
}

#[test]
fn unknown_sites_are_config_errors() {
    for bad in [
        "",
        "datadoghq.co",
        "us4.datadoghq.com",
        "example.com",
        "https://app.datadoghq.com/x",
    ] {
        let message = config_message(bad.parse::<Site>());
        assert!(
            message.contains("unknown Datadog site"),
            "{bad:?}: {message}"
        );
        assert!(
            message.contains("us5.datadoghq.com"),
            "lists the valid ones: {message}"
        );
    }
}

#[test]
fn env_from_reads_keys_and_site() {
    let client = Client::builder()
        .env_from(env(&[
            ("DD_API_KEY", API_KEY),
            ("DD_APP_KEY", APP_KEY),
            ("DD_SITE", "app.datadoghq.eu"),
        ]))
        .and_then(ClientBuilder::build)
        .expect("valid env");
    assert_eq!(client.base_url(), "https://api.datadoghq.eu");

    // DD_SITE is optional; empty means the default.
    for site in [None, Some(""), Some("  ")] {
        let mut vars = vec![("DD_API_KEY", API_KEY), ("DD_APP_KEY", APP_KEY)];
        if let Some(site) = site {
            vars.push(("DD_SITE", site));
        }
        let client = Client::builder()
            .env_from(env(&vars))
            .and_then(ClientBuilder::build)
            .expect("valid env");
        assert_eq!(client.base_url(), "https://api.datadoghq.com", "{site:?}");
    }
}

#[tokio::test]
async fn env_keys_are_trimmed_and_sent() {
    let server = MockServer::start_async().await;
    let requests = Requests::default();
    let matcher = requests.matcher();
    server.create_security_monitoring_integration_config(|when, then| {
        when.into_inner().is_true(matcher);
        then.ok(&seed_response());
    });
    let client = Client::builder()
        .env_from(env(&[
            ("DD_API_KEY", &format!("{API_KEY}\n")),
            ("DD_APP_KEY", &format!(" {APP_KEY}")),
            ("DD_SITE", "us5.datadoghq.com"),
        ]))
        .expect("valid env")
        .base_url(server.base_url()) // the base URL wins over the site
        .build()
        .expect("valid client");
    assert_eq!(client.base_url(), server.base_url());
    client
        .entity_context_syncs()
        .create(NewSync::okta("o", "acme.okta.com", SECRET))
        .await
        .expect("create succeeds");
    let seen = requests.only();
    assert_eq!(seen.header("dd-api-key"), API_KEY);
    assert_eq!(seen.header("dd-application-key"), APP_KEY);
}

#[test]
fn env_from_missing_or_empty_keys_and_bad_site() {
    let cases: [(&[(&str, &str)], &str); 6] = [
        (&[], "DD_API_KEY is not set"),
        (&[("DD_APP_KEY", APP_KEY)], "DD_API_KEY is not set"),
        (&[("DD_API_KEY", API_KEY)], "DD_APP_KEY is not set"),
        (
            &[("DD_API_KEY", ""), ("DD_APP_KEY", APP_KEY)],
            "DD_API_KEY is set but empty",
        ),
        (
            &[("DD_API_KEY", API_KEY), ("DD_APP_KEY", " \n")],
            "DD_APP_KEY is set but empty",
        ),
        (
            &[
                ("DD_API_KEY", API_KEY),
                ("DD_APP_KEY", APP_KEY),
                ("DD_SITE", "datadoghq.co"),
            ],
            "DD_SITE: unknown Datadog site `datadoghq.co`",
        ),
    ];
    for (vars, expected) in cases {
        let message = config_message(Client::builder().env_from(env(vars)));
        assert!(message.contains(expected), "{vars:?}: {message}");
        assert_no_leak(&message, &[]);
    }
}

#[test]
fn env_key_with_invalid_characters_names_the_variable() {
    let err = Client::builder()
        .env_from(env(&[
            ("DD_API_KEY", "abc def-ghij"),
            ("DD_APP_KEY", APP_KEY),
        ]))
        .and_then(ClientBuilder::build)
        .expect_err("space inside the key");
    let text = shown(&err);
    assert!(
        text.contains("DD_API_KEY contains a character that is not allowed"),
        "{text}"
    );
    assert!(text.contains("position 4"), "{text}");
    assert!(!text.contains("abc def"), "{text}");
}

/// Keys shorter than `MIN_KEY_LEN` are refused at build with a clear
/// message (a 1-character key would otherwise be masked inside every word of
/// every error message), and never quoted.
#[test]
fn keys_shorter_than_min_key_len_are_refused_at_build() {
    assert_eq!(entity_context_sync::MIN_KEY_LEN, 8);
    for (api, app, what) in [
        ("k", APP_KEY, "api_key"),
        (API_KEY, "q", "app_key"),
        ("k3y-123", APP_KEY, "api_key"),
        (" \tk3y4567 ", "q", "api_key"),
    ] {
        let err = Client::builder()
            .api_key(api)
            .app_key(app)
            .build()
            .expect_err("too short");
        let text = shown(&err);
        assert!(matches!(err, Error::Config { .. }), "{text}");
        assert!(
            text.contains(&format!(
                "{what} is too short to be a Datadog key (fewer than 8 characters)"
            )),
            "{api:?}/{app:?}: {text}"
        );
        assert!(!text.contains("k3y"), "{text}");
    }
    let err = Client::builder()
        .env_from(env(&[("DD_API_KEY", API_KEY), ("DD_APP_KEY", "x")]))
        .and_then(ClientBuilder::build)
        .expect_err("short env key");
    assert!(shown(&err).contains("DD_APP_KEY is too short"), "{err}");
    // Exactly MIN_KEY_LEN characters (after trimming) is accepted.
    Client::builder()
        .api_key(" k3y45678\n")
        .app_key("a".repeat(8))
        .build()
        .expect("8 characters is enough");
}

#[test]
fn missing_empty_and_invalid_keys_are_config_errors() {
    let message = config_message(Client::builder().app_key(APP_KEY).build());
    assert!(message.contains("no API key"), "{message}");
    let message = config_message(Client::builder().api_key(API_KEY).build());
    assert!(message.contains("no application key"), "{message}");

    let secret_ish = "k3y";
    for (api, app, expected) in [
        ("", APP_KEY, "api_key is empty"),
        (" \t\n", APP_KEY, "api_key is empty"),
        (API_KEY, "", "app_key is empty"),
        ("k3y with space", APP_KEY, "api_key contains a character"),
        (API_KEY, "k", "app_key is too short"),
        ("k3y\u{0}nul-key", APP_KEY, "api_key contains a character"),
        (API_KEY, "k3y\nnewline", "app_key contains a character"),
        (API_KEY, "k3y-clé-1234", "app_key contains a character"),
    ] {
        let err = Client::builder()
            .api_key(api)
            .app_key(app)
            .build()
            .expect_err(expected);
        let text = shown(&err);
        assert!(matches!(err, Error::Config { .. }), "{text}");
        assert!(text.contains(expected), "{api:?}/{app:?}: {text}");
        assert!(!text.contains(secret_ish), "{text}");
        assert_no_leak(&text, &[]);
    }
}

#[test]
fn bad_base_urls_are_config_errors_never_panics() {
    for url in [
        "",
        "   ",
        "not a url",
        "127.0.0.1:8080",
        "localhost:8080",
        "ftp://example.com",
        "file:///etc/passwd",
        "http://",
        "https://",
        "http://exa mple.com",
        "http://[::1",
        "http://example.com/?q=1",
        "http://example.com/#frag",
        "http://user:pass@example.com",
        "http://user@example.com",
    ] {
        let message = config_message(builder(url).build());
        assert!(message.contains("base_url"), "{url:?}: {message}");
    }
}

#[test]
fn base_url_credentials_are_never_echoed() {
    for url in [
        "http://user:hunter2pw@example.com",
        "http://user:hunter2pw@example.com/?q=1",
        "http://user:hunter2pw@example.com/#x",
        "http://user:hunter2pw@exa mple.com",
        "ftp://user:hunter2pw@example.com",
        "user:hunter2pw@example.com",
        "http://user:hunter2pw@[::1",
    ] {
        let message = config_message(builder(url).build());
        assert!(message.contains("base_url"), "{url:?}: {message}");
        assert!(!message.contains("hunter2pw"), "{url:?}: {message}");
    }
}

#[tokio::test]
async fn base_url_path_prefix_is_kept_and_trailing_slash_dropped() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.method(httpmock::Method::POST)
            .path(format!("/proxy/datadog{PATH}"));
        then.status(200)
            .header("content-type", "application/json")
            .body(SEED_RESPONSE);
    });
    let base = format!("{}/proxy/datadog/", server.base_url());
    let (client, _) = client_with(&base, RetryPolicy::none());
    assert_eq!(
        client.base_url(),
        format!("{}/proxy/datadog", server.base_url())
    );
    client
        .entity_context_syncs()
        .create(NewSync::okta("o", "acme.okta.com", SECRET))
        .await
        .expect("create succeeds");
    assert_eq!(mock.calls(), 1);
}

#[test]
fn user_agent_with_invalid_characters_is_a_config_error() {
    for ua in ["bad\nagent", "nul\u{0}", "tab\u{7f}"] {
        let message = config_message(builder("http://127.0.0.1:9").user_agent(ua).build());
        assert!(message.contains("user_agent"), "{ua:?}: {message}");
    }
}

#[tokio::test]
async fn debug_output_never_contains_keys_or_secrets() {
    let server = MockServer::start_async().await;
    server.create_security_monitoring_integration_config(|_, then| {
        then.ok(&seed_response());
    });
    let builder = builder(&server.base_url());
    let client = builder.clone().build().expect("valid client");
    let sync = gws("n", "siem-test.com");
    let okta = NewSync::okta("n", "siem-test.okta.com", "canary-other-secret-55e1");
    let crowdstrike = NewSync::crowdstrike(
        "n",
        "api.crowdstrike.com",
        "canary-cs-client-id-3c1a",
        "canary-cs-client-secret-8d2f",
    );
    let key = canary_key();
    let syncs = client.entity_context_syncs();
    let pending = syncs.create(sync.clone());
    let mut texts = vec![
        format!("{builder:?}"),
        format!("{builder:#?}"),
        format!("{client:?}"),
        format!("{client:#?}"),
        format!("{:?}", client.inner()),
        format!("{sync:?}"),
        format!("{sync:#?}"),
        format!("{okta:?}"),
        format!("{crowdstrike:#?}"),
        format!("{key:?}"),
        format!("{:?}", sync.credentials()),
        format!("{syncs:?}"),
        format!("{pending:?}"),
    ];
    let response = pending.await.expect("create succeeds");
    texts.push(format!("{response:?}"));
    texts.push(serde_json::to_string(&response).expect("serializes"));

    let refused = client
        .entity_context_syncs()
        .create(NewSync::okta("n", "x.com", ""))
        .await
        .expect_err("empty secret");
    texts.push(shown(&refused));
    let config = Client::builder()
        .api_key(API_KEY)
        .build()
        .expect_err("no app key");
    texts.push(shown(&config));

    assert!(
        texts[5].contains("admin_email") && texts[5].contains("private_key"),
        "secret keys are shown: {}",
        texts[5]
    );
    for text in &texts {
        assert_no_leak(
            text,
            &[
                SECRET,
                "canary-other-secret-55e1",
                "canary-cs-client-id-3c1a",
                "canary-cs-client-secret-8d2f",
            ],
        );
    }
}
