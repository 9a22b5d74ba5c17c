//! How long `cargo xtask spec-diff` takes on a spec the size of Datadog's v2
//! `openapi.yaml` (8 MB and more).
//!
//! ```sh
//! cargo run --release -p xtask --example spec_diff_bench [-- MEGABYTES [OUT.yaml]]
//! ```
//!
//! With `OUT.yaml`, the generated document is also written there, to time the
//! command itself: `time target/release/xtask spec-diff OUT.yaml`.
//!
//! Generates a synthetic upstream document: the workspace's fragment (its
//! paths and components, with one enum value and one secret field added) plus
//! 1,000+ unrelated operations with schemas, descriptions and examples, until
//! the YAML reaches the target size (default 8 MB). Then times what the
//! command does (parse both documents, extract, diff), five times, and prints
//! the figures. Not a test: timings depend on the machine.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};
use xtask::spec_diff::{self, Options};

fn main() {
    let megabytes: f64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(8.0);
    let root = xtask::workspace_root();
    let ours_path = root.join(xtask::SPEC_PATH);
    let ours_text = std::fs::read_to_string(&ours_path).expect("read the fragment");
    let ours_doc = spec_diff::load(&ours_text, Path::new(xtask::SPEC_PATH)).expect("load");

    let (upstream_text, operations) = synthetic(&ours_doc, (megabytes * 1_000_000.0) as usize);
    if let Some(out) = std::env::args().nth(2) {
        std::fs::write(&out, &upstream_text).expect("write the synthetic spec");
        println!("wrote {out}");
    }
    println!(
        "synthetic upstream: {:.1} MB of YAML, {} operations ({} under the resource)",
        upstream_text.len() as f64 / 1e6,
        operations,
        ours_doc["paths"].as_object().map_or(0, |p| p.len()),
    );

    let mut runs: Vec<(Duration, Duration, Duration)> = Vec::new();
    let mut changes = 0;
    for _ in 0..5 {
        let start = Instant::now();
        let upstream =
            spec_diff::load(&upstream_text, Path::new("upstream.yaml")).expect("load upstream");
        let parsed = start.elapsed();
        let upstream = spec_diff::extract(&upstream, Path::new("upstream.yaml")).expect("extract");
        let ours = spec_diff::load(&ours_text, Path::new(xtask::SPEC_PATH))
            .and_then(|d| spec_diff::extract(&d, Path::new(xtask::SPEC_PATH)))
            .expect("ours");
        let diff = spec_diff::diff(&ours, &upstream, Options::default());
        let total = start.elapsed();
        changes = diff.len();
        runs.push((parsed, total - parsed, total));
    }
    runs.sort_by_key(|r| r.2);

    // The parse alone, two ways: what `load` does (through `serde_yaml::Value`,
    // which rejects duplicate keys) and straight into `serde_json::Value`.
    let time = |f: &dyn Fn()| {
        let mut best = Duration::MAX;
        for _ in 0..3 {
            let start = Instant::now();
            f();
            best = best.min(start.elapsed());
        }
        best
    };
    let via_yaml_value = time(&|| {
        let v: serde_yaml::Value = serde_yaml::from_str(&upstream_text).expect("parse");
        let _: Value = serde_json::to_value(&v).expect("convert");
    });
    let direct = time(&|| {
        let _: Value = serde_yaml::from_str(&upstream_text).expect("parse");
    });
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let (best, median) = (runs[0], runs[runs.len() / 2]);
    println!(
        "spec-diff (parse + extract + diff), 5 runs: best {:.0} ms, median {:.0} ms \
         (median: parse upstream {:.0} ms, the rest {:.1} ms); {} change(s) found",
        ms(best.2),
        ms(median.2),
        ms(median.0),
        ms(median.1),
        changes
    );
    println!(
        "parse alone, best of 3: via serde_yaml::Value {:.0} ms, straight to serde_json::Value {:.0} ms",
        ms(via_yaml_value),
        ms(direct)
    );
}

/// The fragment's paths and components, one realistic upstream change, and
/// unrelated operations until the YAML is `target` bytes long.
fn synthetic(ours: &Value, target: usize) -> (String, usize) {
    let mut doc = ours.clone();
    // Upstream gains a source type and a secret field.
    if let Some(Value::Array(values)) =
        doc.pointer_mut("/components/schemas/SecurityMonitoringIntegrationType/enum")
    {
        values.push(json!("JUMPCLOUD"));
    }
    if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
        schemas.insert(
            "BenchSecrets".into(),
            json!({"type": "object", "writeOnly": true, "properties": {"api_token": {"type": "string"}}}),
        );
    }

    let mut paths = doc["paths"].as_object().cloned().unwrap_or_default();
    let mut schemas = doc["components"]["schemas"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let text = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod \
                tempor incididunt ut labore et dolore magna aliqua.";
    let mut operations = paths
        .values()
        .filter_map(Value::as_object)
        .map(|item| item.len())
        .sum::<usize>();
    let mut i = 0;
    let mut size = 0;
    while size < target || operations < 1_000 {
        let name = format!("Thing{i}");
        let mut properties = Map::new();
        for p in 0..12 {
            properties.insert(
                format!("field_{p}"),
                json!({"type": if p % 3 == 0 { "integer" } else { "string" },
                       "format": if p % 3 == 0 { "int64" } else { "" },
                       "description": format!("Field {p} of {name}. {text}"),
                       "example": format!("value-{i}-{p}")}),
            );
        }
        schemas.insert(
            format!("{name}Attributes"),
            json!({"type": "object", "description": text, "properties": properties,
                   "required": ["field_0", "field_1"]}),
        );
        schemas.insert(
            format!("{name}Response"),
            json!({"type": "object", "properties": {"data": {"type": "array",
                   "items": {"$ref": format!("#/components/schemas/{name}Attributes")}}}}),
        );
        let response = json!({"200": {"description": "OK", "content": {"application/json": {
            "schema": {"$ref": format!("#/components/schemas/{name}Response")}}}},
            "403": {"$ref": "#/components/responses/NotAuthorizedResponse"}});
        paths.insert(
            format!("/api/v2/things/thing_{i}"),
            json!({
                "get": {"operationId": format!("List{name}"), "summary": text, "description": text,
                        "tags": ["Things"], "parameters": [{"name": "page[size]", "in": "query",
                        "schema": {"type": "integer", "format": "int64"}}], "responses": response},
                "post": {"operationId": format!("Create{name}"), "summary": text, "description": text,
                         "tags": ["Things"], "requestBody": {"required": true, "content": {"application/json": {
                         "schema": {"$ref": format!("#/components/schemas/{name}Attributes")}}}},
                         "responses": response},
            }),
        );
        operations += 2;
        i += 1;
        // About 5.1 kB of YAML per iteration; measure exactly at the end.
        size += 5_100;
    }
    doc["paths"] = Value::Object(paths);
    doc["components"]["schemas"] = Value::Object(schemas);
    let yaml = serde_yaml::to_string(&doc).expect("serialize YAML");
    (yaml, operations)
}
