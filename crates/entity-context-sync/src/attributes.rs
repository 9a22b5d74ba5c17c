//! What the generated conversions (`create_attributes`, `update_attributes`,
//! `validate_credentials_attributes` in `generated.rs`) fill a union member
//! from: a sync's [`Parts`], and the raw attributes of the escape hatch.

use entity_context_sync_client::{RawAttributes, SecretJson};
use serde_json::{Map, Value};

use crate::generated::Creds;
use crate::{Error, IntegrationType, Result};

/// The non-secret attributes of a request, each set or not.
#[derive(Debug, Default)]
pub(crate) struct Parts {
    pub(crate) name: Option<String>,
    pub(crate) domain: Option<String>,
    pub(crate) enabled: Option<bool>,
    pub(crate) settings: Option<Map<String, Value>>,
    /// Other attributes, sent only by the escape hatch ([`raw`]).
    pub(crate) raw_fields: Map<String, Value>,
}

/// A part the member requires.
pub(crate) fn required<T>(field: &str, value: Option<T>) -> Result<T> {
    value.ok_or_else(|| Error::validation(field, "is required"))
}

/// The raw attributes of a source type newer than the SDK (or of raw
/// credentials): every part that is set, plus `secrets`, held as a secret.
pub(crate) fn raw(
    integration_type: &IntegrationType,
    name: Option<String>,
    domain: Option<String>,
    enabled: Option<bool>,
    settings: Option<Map<String, Value>>,
    raw_fields: Map<String, Value>,
    secrets: Option<SecretJson>,
) -> RawAttributes {
    let mut fields = raw_fields;
    fields.insert(
        "integration_type".into(),
        Value::String(integration_type.as_str().to_owned()),
    );
    let parts = [
        ("name", name.map(Value::String)),
        ("domain", domain.map(Value::String)),
        ("enabled", enabled.map(Value::Bool)),
        ("settings", settings.map(Value::Object)),
    ];
    for (key, value) in parts {
        if let Some(value) = value {
            fields.insert(key.into(), value);
        }
    }
    RawAttributes::new(fields, None).with_secrets(secrets)
}

/// Credentials that do not fit the member of `integration_type` for the
/// operation `role` (`create`, `update`, `validate_credentials`).
pub(crate) fn wrong_credentials(
    role: &str,
    integration_type: &IntegrationType,
    creds: Option<&Creds>,
) -> Error {
    match creds {
        None => {
            let hint = Creds::known(integration_type)
                .map(|k| format!(" (use {})", k.constructor))
                .unwrap_or_default();
            Error::validation(
                "secrets",
                format!("are required for {integration_type}{hint}"),
            )
        }
        Some(c) if c.integration_type() == *integration_type => Error::validation(
            "credentials",
            format!("{integration_type} takes no secrets on {role}"),
        ),
        Some(c) => Error::validation(
            "credentials",
            format!(
                "are for {}, but the sync is of type {integration_type}",
                c.integration_type()
            ),
        ),
    }
}
