//! The drift alarm on a document shaped like Datadog's current definition
//! (`fixtures/datadog_current.yaml`, written from the facts page): the
//! fragment matches it, so the scheduled check is green; each change Datadog
//! could make is still reported, by name, and fails the check.

mod common;

use std::path::Path;

use common::{at, edit_yaml, real_spec, xtask_bin};
use serde_yaml::Value as Y;
use xtask::spec_diff::{self, Options};

const DATADOG: &str = include_str!("fixtures/datadog_current.yaml");

fn diff(upstream: &str) -> spec_diff::Diff {
    spec_diff::run(
        (&real_spec(), Path::new("openapi/entity-context-sync.yaml")),
        (upstream, Path::new("datadog.yaml")),
        Options::default(),
    )
    .expect("both documents are usable")
}

fn rendered(d: &spec_diff::Diff) -> String {
    d.render("ours", "datadog")
}

fn schema<'a>(doc: &'a mut Y, name: &str) -> &'a mut Y {
    at(doc, &["components", "schemas", name])
}

#[test]
fn the_fragment_matches_datadogs_definition() {
    let d = diff(DATADOG);
    assert!(d.is_empty(), "{}", rendered(&d));
    // Only the text differs (descriptions, summaries, Datadog's first-generation examples).
    let text = spec_diff::run(
        (&real_spec(), Path::new("ours")),
        (DATADOG, Path::new("datadog")),
        Options { text: true },
    )
    .expect("usable");
    assert!(
        !text.is_empty(),
        "the fixture's wording is Datadog's, not ours"
    );
    assert!(
        text.operations
            .iter()
            .chain(&text.schemas)
            .flat_map(|g| &g.changes)
            .all(|c| c.kind == "text_changed"),
        "{}",
        text.render("ours", "datadog")
    );
}

#[test]
fn the_check_exits_0_on_it() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/datadog_current.yaml");
    let out = xtask_bin(&["spec-diff", fixture.to_str().expect("utf-8 path")]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("no difference"));
}

#[test]
fn each_change_datadog_could_make_is_named_and_fails_the_check() {
    type Edit = fn(&mut Y);
    let cases: [(&str, Edit, &[&str]); 5] = [
        (
            "a new enum value",
            |doc| {
                schema(doc, "SecurityMonitoringIntegrationType")["enum"]
                    .as_sequence_mut()
                    .expect("enum")
                    .push(Y::String("JUMPCLOUD".into()));
            },
            &["schema SecurityMonitoringIntegrationType: enum value added: JUMPCLOUD"],
        ),
        (
            "a new required secret",
            |doc| {
                let okta = schema(doc, "SecurityMonitoringIntegrationConfigOktaSecrets");
                okta["properties"]
                    .as_mapping_mut()
                    .expect("properties")
                    .insert(
                        Y::String("org_id".into()),
                        serde_yaml::from_str("{type: string}").expect("yaml"),
                    );
                okta["required"]
                    .as_sequence_mut()
                    .expect("required")
                    .push(Y::String("org_id".into()));
            },
            &[
                "schema SecurityMonitoringIntegrationConfigOktaSecrets: property added: org_id",
                "schema SecurityMonitoringIntegrationConfigOktaSecrets: now required: org_id",
            ],
        ),
        (
            "a new response property",
            |doc| {
                schema(doc, "SecurityMonitoringIntegrationConfigAttributes")["properties"]
                    .as_mapping_mut()
                    .expect("properties")
                    .insert(
                        Y::String("last_synced_at".into()),
                        serde_yaml::from_str("{type: string, format: date-time}").expect("yaml"),
                    );
            },
            &[
                "schema SecurityMonitoringIntegrationConfigAttributes: property added: last_synced_at",
            ],
        ),
        (
            "a new response code",
            |doc| {
                let create = at(
                    doc,
                    &[
                        "paths",
                        "/api/v2/security_monitoring/configuration/integration_config",
                        "post",
                        "responses",
                    ],
                );
                create.as_mapping_mut().expect("responses").insert(
                    Y::String("409".into()),
                    serde_yaml::from_str("{$ref: '#/components/responses/BadRequestResponse'}")
                        .expect("yaml"),
                );
            },
            &["operation CreateSecurityMonitoringIntegrationConfig: response added: 409"],
        ),
        (
            "a removed operation",
            |doc| {
                at(doc, &["paths"])
                    .as_mapping_mut()
                    .expect("paths")
                    .remove(
                        "/api/v2/security_monitoring/configuration/integration_config/{integration_type}/deactivate",
                    );
            },
            &["operation DeactivateIntegration: removed"],
        ),
    ];
    let dir = tempfile::tempdir().expect("temp dir");
    for (what, edit, expected) in cases {
        let upstream = edit_yaml(DATADOG, edit);
        let d = diff(&upstream);
        let text = rendered(&d);
        assert!(!d.is_empty(), "{what}: not reported");
        for line in expected {
            assert!(
                text.contains(line),
                "{what}: {line:?} missing from:\n{text}"
            );
        }
        let file = dir.path().join("datadog.yaml");
        std::fs::write(&file, &upstream).expect("write");
        let out = xtask_bin(&["spec-diff", file.to_str().expect("utf-8 path")]);
        assert_eq!(out.status.code(), Some(1), "{what}: the check fails");
        for line in expected {
            assert!(
                String::from_utf8_lossy(&out.stdout).contains(line),
                "{what}: the CLI names {line:?}"
            );
        }
    }
}
