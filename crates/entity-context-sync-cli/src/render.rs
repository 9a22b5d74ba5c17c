//! What plan and apply print: text for people, one JSON document with
//! `--json`. Secrets have no values here to print: only their names.

use entity_context_sync::{
    Action, Applied, ApplyReport, Change, DesiredState, FieldChange, Plan, SecretRef,
};
use serde_json::{Value, json};

const ORDER: [Action; 4] = [
    Action::Create,
    Action::Update,
    Action::Delete,
    Action::Unchanged,
];

/// `+ create OKTA "Okta prod"` and the fields of an update.
pub fn change_line(change: &Change) -> String {
    let mark = match change.action {
        Action::Create => '+',
        Action::Update => '~',
        Action::Delete => '-',
        _ => '=',
    };
    let mut line = format!("{mark} {:<9} {}", change.action.as_str(), change.label());
    if let Some(id) = &change.id {
        line.push_str(&format!(" (id {id})"));
    }
    for f in &change.fields {
        line.push_str(&format!("\n      {}", field_line(f)));
    }
    line
}

fn field_line(f: &FieldChange) -> String {
    match (&f.before, &f.after) {
        (Some(before), Some(after)) => format!("{}: {before} → {after}", f.field),
        _ => format!("{}: (write-only, sent again)", f.field),
    }
}

/// `Plan: 1 to create, 2 to update, 0 to delete, 1 unchanged.`
pub fn plan_summary(plan: &Plan) -> String {
    format!(
        "Plan: {} to create, {} to update, {} to delete, {} unchanged.",
        plan.count(Action::Create),
        plan.count(Action::Update),
        plan.count(Action::Delete),
        plan.count(Action::Unchanged)
    )
}

/// The plan as people read it.
pub fn plan_text(plan: &Plan) -> String {
    let mut out = String::new();
    for action in ORDER {
        for change in plan.changes.iter().filter(|c| c.action == action) {
            out.push_str(&change_line(change));
            out.push('\n');
        }
    }
    out.push_str(&plan_summary(plan));
    if !plan.has_changes() {
        out.push_str(" No changes: the account matches the file.");
    }
    out
}

fn counts(plan_changes: impl Iterator<Item = Action> + Clone) -> Value {
    let mut map = serde_json::Map::new();
    for action in ORDER {
        let n = plan_changes.clone().filter(|a| *a == action).count();
        map.insert(action.as_str().to_owned(), json!(n));
    }
    Value::Object(map)
}

/// `plan --json`.
pub fn plan_json(plan: &Plan) -> Value {
    json!({
        "changes": plan.changes,
        "summary": counts(plan.changes.iter().map(|c| c.action)),
        "has_changes": plan.has_changes(),
    })
}

/// One line as a change finishes: `✓ create OKTA "Okta prod" (id …)`.
pub fn applied_line(a: &Applied) -> String {
    let c = &a.change;
    match &a.outcome {
        Ok(config) => {
            let id = config.as_ref().map(|c| c.id.as_str()).or(c.id.as_deref());
            let id = id.map(|id| format!(" (id {id})")).unwrap_or_default();
            let fields: Vec<&str> = c.fields.iter().map(|f| f.field).collect();
            let fields = if fields.is_empty() {
                String::new()
            } else {
                format!(": {}", fields.join(", "))
            };
            format!("✓ {} {}{id}{fields}", c.action.as_str(), c.label())
        }
        Err(e) => format!("✗ {} {}: {e}", c.action.as_str(), c.label()),
    }
}

/// `Applied: …` and, on failure, what was not applied.
pub fn apply_summary(report: &ApplyReport) -> String {
    let failed: Vec<&Applied> = report.failures().collect();
    let mut out = format!(
        "Applied: {} created, {} updated, {} deleted, {} unchanged; {} failed.",
        report.done(Action::Create),
        report.done(Action::Update),
        report.done(Action::Delete),
        report.done(Action::Unchanged),
        failed.len()
    );
    if !failed.is_empty() {
        out.push_str("\nNot applied (run apply again once fixed; it never duplicates):");
        for a in failed {
            out.push_str(&format!(
                "\n  {} {}",
                a.change.action.as_str(),
                a.change.label()
            ));
        }
    }
    out
}

/// `apply --json`.
pub fn apply_json(report: &ApplyReport) -> Value {
    let applied: Vec<Value> = report
        .applied
        .iter()
        .map(|a| {
            let c = &a.change;
            let id = match &a.outcome {
                Ok(Some(config)) => Some(config.id.clone()),
                _ => c.id.clone(),
            };
            json!({
                "action": c.action,
                "integration_type": c.integration_type,
                "name": c.name,
                "id": id,
                "fields": c.fields,
                "ok": a.outcome.is_ok(),
                "error": a.outcome.as_ref().err().map(|e| e.to_string()),
            })
        })
        .collect();
    let ok = report.applied.iter().filter(|a| a.outcome.is_ok());
    json!({
        "applied": applied,
        "summary": counts(ok.map(|a| a.change.action)),
        "failed": report.failures().count(),
        "success": report.is_success(),
    })
}

/// `export`: the desired state as a file people edit, one `[[sync]]` per
/// config, secrets as inline `{ env = "…" }` references.
pub fn export_toml(desired: &DesiredState) -> Result<String, String> {
    let mut out = String::new();
    for sync in &desired.syncs {
        out.push_str("\n[[sync]]\n");
        out.push_str(&format!(
            "type = {}\n",
            quoted(sync.integration_type.as_str())
        ));
        out.push_str(&format!("name = {}\n", quoted(&sync.name)));
        out.push_str(&format!("domain = {}\n", quoted(&sync.domain)));
        if let Some(enabled) = sync.enabled {
            out.push_str(&format!("enabled = {enabled}\n"));
        }
        if !sync.settings.is_empty() {
            let settings = toml::Value::try_from(&sync.settings)
                .map_err(|e| format!("{} settings cannot be written as TOML: {e}", sync.name))?;
            out.push_str(&format!("settings = {settings}\n"));
        }
        if !sync.secrets.is_empty() {
            out.push_str("[sync.secrets]\n");
            for (key, reference) in &sync.secrets {
                let (kind, target) = match reference {
                    SecretRef::Env(var) => ("env", var.clone()),
                    SecretRef::File(path) => ("file", path.display().to_string()),
                    _ => continue,
                };
                out.push_str(&format!("{key} = {{ {kind} = {} }}\n", quoted(&target)));
            }
        }
    }
    Ok(out)
}

fn quoted(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}
