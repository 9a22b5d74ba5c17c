//! `cargo xtask spec-diff`: compare the fragment in `openapi/` with the
//! resource's part of Datadog's full published v2 spec.
//!
//! Both documents go through the same steps:
//!
//! 1. [`load`]: YAML (or JSON) into a [`serde_json::Value`], OpenAPI 3.0 only.
//! 2. [`extract()`]: the operations whose path is [`RESOURCE_PATH`] or lies under
//!    it, plus every component they reach, transitively (including
//!    discriminator mappings and `$ref` cycles), as a standalone document.
//! 3. [`diff()`]: a semantic comparison of the two subsets, grouped by
//!    operation (keyed by `operationId`) and by component schema (keyed by
//!    name). Descriptions and examples are ignored unless [`Options::text`].
//!
//! [`Diff`] renders as one change per line ([`Diff::render`]) or as data
//! ([`Diff::to_json`]).

mod diff;
mod extract;
mod render;

use std::path::Path;

use serde_json::Value;

use crate::Error;

pub use diff::{Change, Diff, Group, diff};
pub use extract::{extract, to_yaml};

/// The resource: operations on this path, or on paths under it, are compared.
pub const RESOURCE_PATH: &str = "/api/v2/security_monitoring/configuration/integration_config";

/// Where Datadog publishes its full v2 spec (what the scheduled workflow diffs against).
pub const UPSTREAM_URL: &str = "https://raw.githubusercontent.com/DataDog/datadog-api-client-rust/master/.generator/schemas/v2/openapi.yaml";

/// What the comparison looks at.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Also compare descriptions, summaries, titles and examples.
    pub text: bool,
}

/// Whether `path` belongs to the resource: equal to [`RESOURCE_PATH`] or under it.
pub fn is_resource_path(path: &str) -> bool {
    path.strip_prefix(RESOURCE_PATH)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Parses an OpenAPI 3.0 document (YAML or JSON); `file` names it in errors.
///
/// Only the top level is checked here (a mapping with `openapi: 3.0.x` and a
/// `paths` mapping); [`extract()`] checks every `$ref` it follows.
pub fn load(text: &str, file: &Path) -> Result<Value, Error> {
    // The same reader as `generate`: it rejects duplicate keys.
    let raw = crate::spec::yaml_to_json(text, file)?;
    if !raw.is_object() {
        return Err(Error::new(
            file,
            "not an OpenAPI document: the top level must be a mapping with `openapi`, `info` and `paths`",
        ));
    }
    match raw.get("openapi") {
        Some(Value::String(v)) if v.starts_with("3.0.") => {}
        Some(Value::String(v)) => {
            return Err(Error::new(
                file,
                format!(
                    "OpenAPI {v} is not supported: spec-diff compares OpenAPI 3.0.x documents, \
                     like Datadog's published spec and our 3.0.3 fragment. A 3.1 document means \
                     different things by the same words (`type: [string, \"null\"]` instead of \
                     `nullable`, `examples` arrays, siblings of `$ref`), so a diff against the \
                     fragment would report changes that are not there; teach spec-diff 3.1 first."
                ),
            ));
        }
        Some(other) => {
            return Err(Error::new(
                file,
                format!("`openapi: {other}` is not a version string such as \"3.0.0\""),
            ));
        }
        None => {
            return Err(Error::new(
                file,
                "missing `openapi` version field: not an OpenAPI 3.0 document",
            ));
        }
    }
    if !raw.get("paths").is_some_and(Value::is_object) {
        return Err(Error::new(
            file,
            "missing or invalid `paths`: an OpenAPI document needs a `paths` mapping",
        ));
    }
    Ok(raw)
}

/// Loads and extracts both documents and compares them.
pub fn run(ours: (&str, &Path), upstream: (&str, &Path), options: Options) -> Result<Diff, Error> {
    let ours_doc = extract(&load(ours.0, ours.1)?, ours.1)?;
    let upstream_doc = extract(&load(upstream.0, upstream.1)?, upstream.1)?;
    Ok(diff(&ours_doc, &upstream_doc, options))
}
