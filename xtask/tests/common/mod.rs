//! Helpers shared by the xtask integration tests: temp workspace roots seeded
//! with the real spec fragment, realistic spec mutations, file listings.

#![allow(dead_code)] // each test crate uses a different subset

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;
use xtask::codegen::facade::FACADE_OUT;
use xtask::codegen::fake::FAKE_OUT;
use xtask::codegen::{CLIENT_OUT, HTTPMOCK_OUT};
use xtask::{SPEC_PATH, workspace_root};

/// The generated files, relative to a workspace root.
pub const GENERATED: [&str; 4] = [CLIENT_OUT, HTTPMOCK_OUT, FACADE_OUT, FAKE_OUT];

/// The real spec fragment's text.
pub fn real_spec() -> String {
    let path = workspace_root().join(SPEC_PATH);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// `text` with the one occurrence of `from` replaced by `to`. Panics when
/// `from` is missing or ambiguous, so a change to the real fragment cannot
/// silently turn a mutation into a no-op.
pub fn replace_once(text: &str, from: &str, to: &str) -> String {
    replace_n(text, from, to, 1)
}

/// `text` with exactly `n` occurrences of `from` replaced by `to`.
pub fn replace_n(text: &str, from: &str, to: &str, n: usize) -> String {
    let found = text.matches(from).count();
    assert_eq!(
        found, n,
        "expected {n} occurrence(s) of {from:?} in the spec, found {found}"
    );
    text.replace(from, to)
}

/// Edits the spec as a YAML tree (for structural changes).
pub fn edit_yaml(text: &str, edit: impl FnOnce(&mut serde_yaml::Value)) -> String {
    let mut doc: serde_yaml::Value = serde_yaml::from_str(text).expect("the real spec is YAML");
    edit(&mut doc);
    serde_yaml::to_string(&doc).expect("serialize YAML")
}

/// Indexes a YAML mapping by a path of string keys, panicking on a missing key.
pub fn at<'a>(doc: &'a mut serde_yaml::Value, keys: &[&str]) -> &'a mut serde_yaml::Value {
    keys.iter().fold(doc, |node, key| {
        node.get_mut(*key)
            .unwrap_or_else(|| panic!("the spec has no key `{key}` on the path {keys:?}"))
    })
}

/// The real fragment's source-type enum ends with these lines twice (in
/// `enum` and in `x-enum-varnames`); a new source type goes after them.
pub const SOURCE_TYPES_TAIL: &str = "        - CROWDSTRIKE\n        - SENTINELONE\n";

/// A small, valid spec written for one test: one `POST /things` operation
/// whose request body is the component schema `Body`, and `schemas` as the
/// entries of `components.schemas` (YAML, indented as you like: the common
/// indentation is removed).
pub fn synthetic_spec(schemas: &str) -> String {
    let schemas: String = dedent(schemas)
        .lines()
        .map(|l| match l {
            "" => "\n".to_string(),
            _ => format!("    {l}\n"),
        })
        .collect();
    format!(
        "openapi: 3.0.3\n\
         info:\n  title: synthetic\n  version: \"1.0\"\n\
         paths:\n  /things:\n    post:\n      operationId: CreateThing\n      \
         requestBody:\n        required: true\n        content:\n          application/json:\n            \
         schema:\n              $ref: \"#/components/schemas/Body\"\n      \
         responses:\n        \"204\":\n          description: No Content\n\
         components:\n  schemas:\n{schemas}"
    )
}

/// Schemas for [`synthetic_spec`]: a request body holding a discriminated union of two members. The second
/// value's name exercises PascalCase variant naming.
pub const UNION_SCHEMAS: &str = r##"
    Body:
      type: object
      properties:
        attributes:
          $ref: "#/components/schemas/Attrs"
      required:
        - attributes
    Attrs:
      description: The attributes, one schema per kind.
      oneOf:
        - $ref: "#/components/schemas/AlphaAttrs"
        - $ref: "#/components/schemas/BetaAttrs"
      discriminator:
        propertyName: kind
        mapping:
          ALPHA: "#/components/schemas/AlphaAttrs"
          beta-two: "#/components/schemas/BetaAttrs"
    AlphaAttrs:
      type: object
      properties:
        kind:
          type: string
          enum:
            - ALPHA
        name:
          type: string
      required:
        - kind
        - name
    BetaAttrs:
      type: object
      properties:
        kind:
          type: string
          enum:
            - beta-two
        size:
          type: integer
      required:
        - kind
"##;

/// Schemas for [`synthetic_spec`]: a write-only schema with every kind of member secrets support, and one
/// that refers to it optionally.
pub const SECRETS_SCHEMAS: &str = r##"
    Body:
      type: object
      properties:
        secrets:
          $ref: "#/components/schemas/Creds"
      required:
        - secrets
    Creds:
      description: Credentials.
      type: object
      writeOnly: true
      properties:
        token:
          description: The token.
          type: string
        hint:
          type: string
        key:
          $ref: "#/components/schemas/Key"
        backup:
          $ref: "#/components/schemas/Key"
      required:
        - token
        - key
      additionalProperties: {}
    Key:
      description: A key file (write-only because `Creds` refers to it).
      type: object
      properties:
        private_key:
          type: string
        type:
          type: string
      required:
        - private_key
        - type
      additionalProperties: {}
"##;

/// `text` without the indentation common to its non-blank lines, and without
/// leading blank lines.
pub fn dedent(text: &str) -> String {
    let indent = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    text.lines()
        .skip_while(|l| l.trim().is_empty())
        .map(|l| l.get(indent..).unwrap_or("").trim_end())
        .collect::<Vec<_>>()
        .join("\n")
}

/// `code` with all whitespace removed, to match generated code independently
/// of prettyplease's line breaks.
pub fn squash(code: &str) -> String {
    code.split_whitespace().collect()
}

/// A temp workspace root holding `spec_text` at [`SPEC_PATH`], and nothing else.
pub fn root_with_spec(spec_text: &str) -> TempDir {
    let root = tempfile::tempdir().expect("create temp dir");
    write(root.path(), SPEC_PATH, spec_text);
    root
}

/// A temp workspace root holding `spec_text` and a copy of the real
/// generated files (as if the spec had just been edited in a clean checkout).
pub fn root_with_spec_and_generated(spec_text: &str) -> TempDir {
    let root = root_with_spec(spec_text);
    for rel in GENERATED {
        let contents = fs::read(workspace_root().join(rel)).expect("read generated file");
        write_bytes(root.path(), rel, &contents);
    }
    root
}

pub fn write(root: &Path, rel: &str, contents: &str) {
    write_bytes(root, rel, contents.as_bytes());
}

pub fn write_bytes(root: &Path, rel: &str, contents: &[u8]) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().expect("has a parent")).expect("create dirs");
    fs::write(&path, contents).expect("write file");
}

/// Every file under `root`, relative and `/`-separated, sorted.
pub fn files_under(root: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel: PathBuf = path.strip_prefix(root).expect("under root").to_path_buf();
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

/// Runs the built `xtask` binary with `args`.
pub fn xtask_bin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("run the xtask binary")
}

/// The fragment with a sixth source type planted the way Datadog added
/// CrowdStrike and SentinelOne on 2026-07-17: the enum value (and its
/// varname), a single-value tag schema, a secrets schema with one required
/// string (`api_key`), create, update and credential-validation member
/// schemas, and a `oneOf` entry with its mapping in each of the three unions.
/// Each new schema is a copy of Okta's, renamed.
pub fn plant_source(text: &str, value: &str, schema_word: &str) -> String {
    use serde_yaml::Value as Y;
    edit_yaml(text, |doc| {
        let schemas = at(doc, &["components", "schemas"]);
        for list in ["enum", "x-enum-varnames"] {
            let values = schemas["SecurityMonitoringIntegrationType"][list]
                .as_sequence_mut()
                .expect("the source type enum");
            values.push(Y::String(value.to_string()));
        }
        let renamed =
            |from: &str| -> String { from.replace("Okta", schema_word).replace("OKTA", value) };
        let copy = |schemas: &mut Y, from: &str| {
            let text = serde_yaml::to_string(&schemas[from]).expect("serialize");
            let text = text
                .replace("Okta", schema_word)
                .replace("OKTA", value)
                .replace("api_token", "api_key");
            let new: Y = serde_yaml::from_str(&text).expect("parse");
            let name = renamed(from);
            schemas
                .as_mapping_mut()
                .expect("schemas")
                .insert(Y::String(name), new);
        };
        for from in [
            "SecurityMonitoringIntegrationTypeOkta",
            "SecurityMonitoringIntegrationConfigOktaSecrets",
            "SecurityMonitoringOktaIntegrationConfigCreateAttributes",
            "SecurityMonitoringOktaIntegrationConfigUpdateAttributes",
            "SecurityMonitoringOktaIntegrationCredentialsValidateAttributes",
        ] {
            copy(schemas, from);
        }
        for (union, member) in [
            (
                "SecurityMonitoringIntegrationConfigCreateAttributes",
                "SecurityMonitoringOktaIntegrationConfigCreateAttributes",
            ),
            (
                "SecurityMonitoringIntegrationConfigUpdateAttributes",
                "SecurityMonitoringOktaIntegrationConfigUpdateAttributes",
            ),
            (
                "SecurityMonitoringIntegrationCredentialsValidateAttributes",
                "SecurityMonitoringOktaIntegrationCredentialsValidateAttributes",
            ),
        ] {
            let reference = format!("#/components/schemas/{}", renamed(member));
            let u = &mut schemas[union];
            let mut entry = serde_yaml::Mapping::new();
            entry.insert(Y::String("$ref".into()), Y::String(reference.clone()));
            u["oneOf"]
                .as_sequence_mut()
                .expect("oneOf")
                .push(Y::Mapping(entry));
            u["discriminator"]["mapping"]
                .as_mapping_mut()
                .expect("mapping")
                .insert(Y::String(value.to_string()), Y::String(reference));
        }
    })
}
