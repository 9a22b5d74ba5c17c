//! The diff as terminal / CI-log text and as JSON.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::{Diff, Group, Options, RESOURCE_PATH};

impl Diff {
    /// One change per line, `operation <operationId>: …` lines first, then
    /// `schema <Name>: …` lines, each block sorted by name, then a summary
    /// line. `ours` and `upstream` name the two documents.
    pub fn render(&self, ours: &str, upstream: &str) -> String {
        if self.is_empty() {
            return format!(
                "no difference: {ours} matches the {RESOURCE_PATH} operations of {upstream}\n"
            );
        }
        let mut out = String::new();
        for (label, groups) in [("operation", &self.operations), ("schema", &self.schemas)] {
            if groups.is_empty() {
                continue;
            }
            for group in groups {
                for change in &group.changes {
                    let _ = write!(out, "{label} {}: ", group.name);
                    if !change.at.is_empty() {
                        let _ = write!(out, "{}: ", change.at);
                    }
                    let _ = writeln!(out, "{}", change.message);
                }
            }
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "{} difference(s) in {} operation(s) and {} schema(s): {upstream} (upstream) against {ours} (ours)",
            self.len(),
            self.operations.len(),
            self.schemas.len(),
        );
        out
    }

    /// The same as data: `{"ours", "upstream", "resource", "text",
    /// "differences", "operations": [{"name", "changes": [{"at", "kind",
    /// "message", "ours", "upstream"}]}], "schemas": [...]}`.
    pub fn to_json(&self, ours: &str, upstream: &str, options: Options) -> Value {
        let groups = |groups: &[Group]| -> Value {
            groups
                .iter()
                .map(|g| {
                    json!({
                        "name": g.name,
                        "changes": g.changes.iter().map(|c| json!({
                            "at": c.at,
                            "kind": c.kind,
                            "message": c.message,
                            "ours": c.ours,
                            "upstream": c.upstream,
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect()
        };
        json!({
            "ours": ours,
            "upstream": upstream,
            "resource": RESOURCE_PATH,
            "text": options.text,
            "differences": self.len(),
            "operations": groups(&self.operations),
            "schemas": groups(&self.schemas),
        })
    }
}
