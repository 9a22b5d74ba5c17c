//! The plan/apply engine of the facade against the stateful fake: a desired
//! state (secrets by reference) resolved, planned from one listing, applied
//! without duplicates; `ensure` converging `enabled`.

use std::path::Path;

use entity_context_sync::{
    Action, DesiredState, EnsureOutcome, Error, FieldChange, NewSync, SecretRef,
};
use entity_context_sync_fake::{Fault, SeedConfig};
use entity_context_sync_tests::common::{KEY_FILE, PEM_CANARY, assert_no_leak, builder, fake};
use serde_json::json;

fn desired(value: serde_json::Value) -> DesiredState {
    serde_json::from_value(value).expect("a desired state")
}

fn env(var: &str) -> Option<String> {
    match var {
        "OKTA_TOKEN" => Some("00canary-okta-5e1d".into()),
        "EMPTY" => Some(String::new()),
        _ => None,
    }
}

#[test]
fn secrets_are_references_and_resolve_through_env_and_files() {
    let dir = std::env::temp_dir().join(format!("ecs-plan-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("key.json"), format!("{KEY_FILE}\n")).expect("key file");
    let state = desired(json!({ "sync": [
        { "type": "OKTA", "name": "Okta prod", "domain": "acme.okta.com", "enabled": false,
          "secrets": { "api_token": { "env": "OKTA_TOKEN" } } },
        { "type": "GOOGLE_WORKSPACE", "name": "GWS", "domain": "acme.com",
          "secrets": { "service_account_json": { "file": "key.json" } } },
        { "type": "ENTRA_ID", "name": "Entra", "domain": "acme.onmicrosoft.com" }
    ]}));
    let syncs = state.resolve_with(&dir, env).expect("resolved");
    assert_eq!(syncs.len(), 3);
    assert_eq!(syncs[0].enabled_wanted(), Some(false));
    assert_eq!(syncs[1].integration_type().as_str(), "GOOGLE_WORKSPACE");
    assert_no_leak(&format!("{syncs:?}"), &["00canary-okta-5e1d"]);

    // A literal value is refused by the type itself, and not repeated.
    let literal = serde_json::from_value::<DesiredState>(json!({ "sync": [
        { "type": "OKTA", "name": "x", "domain": "acme.okta.com",
          "secrets": { "api_token": "00literal-canary-99" } }
    ]}))
    .expect_err("a literal secret");
    assert!(
        literal.to_string().contains("a literal secret is refused"),
        "{literal}"
    );
    assert!(!literal.to_string().contains("00literal-canary-99"));
}

#[test]
fn resolution_errors_name_the_sync_and_field_never_the_value() {
    let okta = |secrets: serde_json::Value| json!({ "type": "OKTA", "name": "Okta prod", "domain": "acme.okta.com", "secrets": secrets });
    let cases = [
        (
            vec![okta(json!({ "api_token": { "env": "UNSET" } }))],
            0,
            "secrets.api_token",
            "UNSET is not set",
        ),
        (
            vec![okta(json!({ "api_token": { "env": "EMPTY" } }))],
            0,
            "secrets.api_token",
            "EMPTY is empty",
        ),
        (
            vec![okta(json!({}))],
            0,
            "secrets",
            "requires the secret \"api_token\"",
        ),
        (
            vec![okta(
                json!({ "api_token": { "env": "OKTA_TOKEN" }, "x": { "env": "OKTA_TOKEN" } }),
            )],
            0,
            "secrets.x",
            "has no secret \"x\"",
        ),
        (
            vec![okta(json!({ "api_token": { "file": "nope.txt" } }))],
            0,
            "secrets.api_token",
            "cannot be read: no such file",
        ),
        (
            vec![
                okta(json!({ "api_token": { "env": "OKTA_TOKEN" } })),
                okta(json!({ "api_token": { "env": "OKTA_TOKEN" } })),
            ],
            1,
            "name",
            "another OKTA sync is named",
        ),
        (
            vec![json!({ "type": "PING_ONE", "name": "p", "domain": "d.com" })],
            0,
            "type",
            "unknown source type PING_ONE",
        ),
        (
            vec![
                json!({ "type": "OKTA", "name": "", "domain": "acme.okta.com",
                      "secrets": { "api_token": { "env": "OKTA_TOKEN" } } }),
            ],
            0,
            "name",
            "empty",
        ),
    ];
    for (syncs, at, expected_field, says) in cases {
        let error = desired(json!({ "sync": syncs }))
            .resolve_with(Path::new("."), env)
            .expect_err("refused");
        let Error::Desired {
            sync,
            field,
            reason,
        } = &error
        else {
            panic!("expected Error::Desired, got {error:?}");
        };
        assert_eq!((*sync, field.as_str()), (at, expected_field), "{error}");
        assert!(
            reason.contains(says) || error.to_string().contains(says),
            "{error} says {says:?}"
        );
        assert_no_leak(&format!("{error}{error:?}"), &["00canary-okta-5e1d"]);
    }
}

#[tokio::test]
async fn plan_lists_once_and_names_the_fields_that_differ_including_enabled() {
    let fake = fake().await;
    fake.seed(
        SeedConfig::new("OKTA", "Okta prod", "old.okta.com")
            .settings(json!({ "page_size": 100, "kept": 1 })),
    );
    fake.seed(SeedConfig::new("OKTA", "Okta same", "same.okta.com"));
    fake.seed(SeedConfig::new("OKTA", "Okta stray", "stray.okta.com"));
    fake.seed(SeedConfig::new(
        "CROWDSTRIKE",
        "Other type",
        "api.crowdstrike.com",
    ));
    let client = builder(&fake.base_url()).build().expect("client");
    let syncs = client.entity_context_syncs();
    let desired = vec![
        NewSync::okta("Okta prod", "new.okta.com", "00tok")
            .setting("page_size", 200)
            .enabled(false),
        NewSync::okta("Okta same", "same.okta.com", "00tok"),
        NewSync::sentinelone("S1", "usea1.sentinelone.net", "tok"),
    ];
    let before = fake.total_requests();
    let plan = syncs
        .plan(desired.clone())
        .prune(true)
        .await
        .expect("planned")
        .value;
    assert_eq!(fake.total_requests() - before, 1, "one list, nothing else");
    let by_name = |n: &str| plan.changes.iter().find(|c| c.name == n).expect(n);
    let prod = by_name("Okta prod");
    assert_eq!(prod.action, Action::Update);
    let fields: Vec<&FieldChange> = prod.fields.iter().collect();
    assert_eq!(
        fields.iter().map(|f| f.field).collect::<Vec<_>>(),
        ["domain", "enabled", "settings"]
    );
    assert_eq!(fields[1].before, Some(json!(true)));
    assert_eq!(fields[1].after, Some(json!(false)));
    assert_eq!(
        fields[2].before,
        Some(json!({ "page_size": 100 })),
        "only the differing keys"
    );
    assert_eq!(by_name("Okta same").action, Action::Unchanged);
    assert_eq!(by_name("S1").action, Action::Create);
    assert_eq!(
        by_name("Okta stray").action,
        Action::Delete,
        "a declared type, not named"
    );
    assert!(
        plan.changes.iter().all(|c| c.name != "Other type"),
        "an undeclared type is left alone"
    );
    assert_eq!(
        (
            plan.count(Action::Create),
            plan.count(Action::Update),
            plan.count(Action::Delete),
            plan.count(Action::Unchanged)
        ),
        (1, 1, 1, 1)
    );

    let mut seen = Vec::new();
    let report = syncs
        .apply(plan)
        .parallel(3)
        .on_each(|a| seen.push(a.change.name.clone()))
        .await;
    assert!(report.is_success(), "{report:?}");
    assert_eq!(seen.len(), 4, "a line per change");
    let configs = fake.configs();
    let prod = configs
        .iter()
        .find(|c| c["attributes"]["name"] == "Okta prod")
        .expect("prod");
    assert_eq!(prod["attributes"]["domain"], "new.okta.com");
    assert_eq!(prod["attributes"]["enabled"], false);
    assert_eq!(
        prod["attributes"]["settings"],
        json!({ "page_size": 200, "kept": 1 }),
        "other settings left alone"
    );
    assert!(
        configs
            .iter()
            .all(|c| c["attributes"]["name"] != "Okta stray"),
        "pruned"
    );
    assert_eq!(configs.len(), 4);

    let again = syncs
        .plan(desired)
        .prune(true)
        .await
        .expect("planned")
        .value;
    assert!(!again.has_changes(), "{again:?}");
}

#[tokio::test]
async fn ensure_converges_enabled_on_update_and_on_create() {
    let fake = fake().await;
    let client = builder(&fake.base_url()).build().expect("client");
    let syncs = client.entity_context_syncs();
    let created = syncs
        .ensure(NewSync::okta("Okta prod", "acme.okta.com", "00tok").enabled(false))
        .await
        .expect("created")
        .value;
    assert_eq!(created.outcome, EnsureOutcome::Created);
    assert!(!created.config.enabled, "created, then disabled");
    let enabled = syncs
        .ensure(NewSync::okta("Okta prod", "acme.okta.com", "00tok").enabled(true))
        .await
        .expect("updated")
        .value;
    assert_eq!(
        (enabled.outcome, enabled.changed.as_slice()),
        (EnsureOutcome::Updated, &["enabled"][..])
    );
    assert!(enabled.config.enabled);
    let left = syncs
        .ensure(NewSync::okta("Okta prod", "acme.okta.com", "00tok"))
        .await
        .expect("unchanged")
        .value;
    assert_eq!(
        left.outcome,
        EnsureOutcome::Unchanged,
        "enabled unsaid: left as it is"
    );
}

#[tokio::test]
async fn apply_resolves_a_lost_create_reply_and_reports_partial_failure() {
    let fake = fake().await;
    let client = builder(&fake.base_url()).build().expect("client");
    let syncs = client.entity_context_syncs();
    let desired = vec![
        NewSync::okta("A", "a.okta.com", "00tok"),
        NewSync::okta("B", "b.okta.com", "00tok"),
        NewSync::okta("C", "c.okta.com", "00tok"),
    ];
    let plan = syncs.plan(desired.clone()).await.expect("planned").value;
    let n = fake.total_requests();
    fake.fail_on(n + 1, Fault::ResetAfterApply); // A: applied, reply lost
    fake.fail_on(n + 3, Fault::status(400)); // B: refused (after A's list)
    let report = syncs.apply(plan).parallel(1).await;
    assert!(!report.is_success());
    let failed: Vec<&str> = report.failures().map(|a| a.change.name.as_str()).collect();
    assert_eq!(failed, ["B"]);
    assert_eq!(report.done(Action::Create), 2);
    assert_eq!(
        fake.configs().len(),
        2,
        "A once (resolved by listing), C; not B"
    );
    let rest = syncs.plan(desired).await.expect("planned").value;
    assert_eq!(
        (rest.count(Action::Create), rest.count(Action::Unchanged)),
        (1, 2)
    );
}

#[tokio::test]
async fn plan_refuses_bad_input_before_any_request_and_duplicates_in_the_account() {
    let fake = fake().await;
    let client = builder(&fake.base_url()).build().expect("client");
    let syncs = client.entity_context_syncs();
    let twice = vec![
        NewSync::okta("A", "a.okta.com", "00tok"),
        NewSync::okta("A", "b.okta.com", "00tok"),
    ];
    let error = syncs.plan(twice).await.expect_err("duplicate names");
    assert!(
        error.to_string().contains("two OKTA syncs are named \"A\""),
        "{error}"
    );
    let error = syncs
        .plan(vec![NewSync::okta("A", "", "00tok")])
        .await
        .expect_err("no domain");
    assert!(matches!(error, Error::Validation { .. }), "{error:?}");
    assert_eq!(fake.total_requests(), 0, "nothing sent");

    fake.seed(SeedConfig::new("OKTA", "A", "a.okta.com"));
    fake.seed(SeedConfig::new("OKTA", "A", "a2.okta.com"));
    let error = syncs
        .plan(vec![NewSync::okta("A", "a.okta.com", "00tok")])
        .await
        .expect_err("ambiguous");
    assert!(
        matches!(&error, Error::Ambiguous { ids, .. } if ids.len() == 2),
        "{error:?}"
    );
}

#[tokio::test]
async fn export_names_one_placeholder_per_required_secret_and_round_trips() {
    let fake = fake().await;
    fake.seed(
        SeedConfig::new("CROWDSTRIKE", "Falcon EU", "api.eu-1.crowdstrike.com")
            .settings(json!({ "x": 1 })),
    );
    fake.seed(SeedConfig::new(
        "CROWDSTRIKE",
        "Falcon  EU!",
        "api.eu-2.crowdstrike.com",
    ));
    fake.seed(SeedConfig::new("ENTRA_ID", "Entra", "acme.onmicrosoft.com").enabled(false));
    let client = builder(&fake.base_url()).build().expect("client");
    let mut configs = client
        .entity_context_syncs()
        .list()
        .await
        .expect("listed")
        .value;
    configs.sort_by(|a, b| a.domain.cmp(&b.domain)); // Entra, eu-1, eu-2
    let state = DesiredState::from_configs(&configs);
    let refs = |i: usize| {
        state.syncs[i]
            .secrets
            .values()
            .cloned()
            .collect::<Vec<SecretRef>>()
    };
    assert_eq!(
        refs(1),
        [
            SecretRef::Env("CROWDSTRIKE_FALCON_EU_CLIENT_ID".into()),
            SecretRef::Env("CROWDSTRIKE_FALCON_EU_CLIENT_SECRET".into())
        ]
    );
    assert_eq!(
        refs(2)[0],
        SecretRef::Env("CROWDSTRIKE_FALCON_EU_CLIENT_ID_2".into()),
        "names never collide"
    );
    assert!(refs(0).is_empty(), "Entra ID takes no secrets");
    assert_eq!(state.syncs[0].enabled, Some(false));
    assert_eq!(
        state.syncs[1].settings,
        *json!({ "x": 1 }).as_object().expect("object")
    );
    let back: DesiredState =
        serde_json::from_value(serde_json::to_value(&state).expect("serializes")).expect("parses");
    assert_eq!(back, state);
    // Resolved with the placeholders set, the export plans no change.
    let syncs = back
        .resolve_with(Path::new("."), |_| Some("placeholder-value".into()))
        .expect("resolved");
    let plan = client
        .entity_context_syncs()
        .plan(syncs)
        .prune(true)
        .await
        .expect("planned")
        .value;
    assert!(!plan.has_changes(), "{plan:?}");
    assert!(!PEM_CANARY.is_empty());
}
