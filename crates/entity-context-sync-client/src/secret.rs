//! Hand-written building blocks for the generated write-only types: the
//! `secrets` structs (module `secrets`) and the raw attributes of a source
//! type newer than this crate (`unions::*::Unknown`).
//!
//! Every secret value is redacted in `Debug`, has no `Display`, is zeroized on
//! drop, and is exposed only when a request body is serialized.

use std::collections::BTreeMap;
use std::fmt;

use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use zeroize::Zeroize;

/// The secret string type of every generated `secrets` field.
pub use secrecy::SecretString;

/// What `Debug` prints instead of a secret value.
pub const REDACTED: &str = "[REDACTED]";

/// A `Debug` stand-in for a secret value: prints `[REDACTED]`.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// `Debug` for a map of secrets: the keys, every value `[REDACTED]`.
pub fn redacted_map<V>(map: &BTreeMap<String, V>) -> impl fmt::Debug + '_ {
    struct Keys<'a, V>(&'a BTreeMap<String, V>);
    impl<V> fmt::Debug for Keys<'_, V> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_map()
                .entries(self.0.keys().map(|k| (k, Redacted)))
                .finish()
        }
    }
    Keys(map)
}

/// Serializes a secret string as its plain value (for `serialize_with`).
pub fn expose<S: serde::Serializer>(
    secret: &SecretString,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(secret.expose_secret())
}

/// Serializes an optional secret string as its plain value (for `serialize_with`).
pub fn expose_option<S: serde::Serializer>(
    secret: &Option<SecretString>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match secret {
        Some(secret) => serializer.serialize_some(secret.expose_secret()),
        None => serializer.serialize_none(),
    }
}

/// Any JSON value held as a secret (for example the extra fields of a Google
/// service-account key file): redacted in `Debug`, every string in it
/// (object keys included) zeroized on drop, exposed only when serialized.
#[derive(Clone, Default, PartialEq)]
pub struct SecretJson(Value);

impl SecretJson {
    /// Wraps a value.
    pub fn new(value: Value) -> Self {
        Self(value)
    }

    /// The value. Do not log it.
    pub fn expose_secret(&self) -> &Value {
        &self.0
    }
}

impl From<Value> for SecretJson {
    fn from(value: Value) -> Self {
        Self(value)
    }
}

impl From<&str> for SecretJson {
    fn from(value: &str) -> Self {
        Self(Value::String(value.to_owned()))
    }
}

impl From<String> for SecretJson {
    fn from(value: String) -> Self {
        Self(Value::String(value))
    }
}

impl fmt::Debug for SecretJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl Drop for SecretJson {
    fn drop(&mut self) {
        zeroize_value(&mut self.0);
    }
}

/// Zeroizes every string of `value`, object keys included, leaving empty
/// containers (for plain JSON that held secrets, such as a parsed key file).
pub fn zeroize_value(value: &mut Value) {
    match value {
        Value::String(s) => s.zeroize(),
        Value::Array(items) => items.iter_mut().for_each(zeroize_value),
        Value::Object(map) => {
            for (mut key, mut item) in std::mem::take(map) {
                key.zeroize();
                zeroize_value(&mut item);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

impl Serialize for SecretJson {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for SecretJson {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Value::deserialize(deserializer).map(Self)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for SecretJson {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "SecretJson".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A write-only value; never returned by the API.",
            "writeOnly": true
        })
    }
}

/// The attributes of a source type this crate does not know (the `Unknown`
/// variant of a discriminated union), as raw JSON: the escape hatch for a
/// source type newer than the SDK.
///
/// The `secrets` member is held apart as a [`SecretJson`]; every other member
/// is taken to be non-sensitive and shows in `Debug`.
#[derive(Clone, Default, PartialEq)]
pub struct RawAttributes {
    fields: Map<String, Value>,
    secrets: Option<SecretJson>,
}

/// The member of [`RawAttributes`] held as a secret.
pub const RAW_SECRETS_KEY: &str = "secrets";

impl RawAttributes {
    /// Attributes from their members; a `secrets` member in `fields` is moved
    /// into the secret part (and replaces `secrets`, if both are given).
    pub fn new(mut fields: Map<String, Value>, secrets: Option<Value>) -> Self {
        let secrets = fields.remove(RAW_SECRETS_KEY).or(secrets).map(SecretJson);
        Self { fields, secrets }
    }

    /// The same attributes with `secrets` set (or removed, with `None`).
    pub fn with_secrets(mut self, secrets: Option<SecretJson>) -> Self {
        self.secrets = secrets;
        self
    }

    /// The non-secret members.
    pub fn fields(&self) -> &Map<String, Value> {
        &self.fields
    }

    /// One non-secret member.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.fields.get(key)
    }

    /// The `secrets` member, if any.
    pub fn secrets(&self) -> Option<&SecretJson> {
        self.secrets.as_ref()
    }

    /// The value of the string member `key` (the union's discriminator), or `""`.
    pub fn str_field(&self, key: &str) -> &str {
        self.fields.get(key).and_then(Value::as_str).unwrap_or("")
    }
}

impl fmt::Debug for RawAttributes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("RawAttributes");
        s.field("fields", &self.fields);
        if self.secrets.is_some() {
            s.field(RAW_SECRETS_KEY, &Redacted);
        }
        s.finish()
    }
}

impl Serialize for RawAttributes {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        // Keys in order, `secrets` among them, as a `BTreeMap` would write them.
        let mut secrets = self.secrets.as_ref();
        for (key, value) in &self.fields {
            if let Some(s) = secrets.filter(|_| key.as_str() > RAW_SECRETS_KEY) {
                map.serialize_entry(RAW_SECRETS_KEY, s)?;
                secrets = None;
            }
            map.serialize_entry(key, value)?;
        }
        if let Some(s) = secrets {
            map.serialize_entry(RAW_SECRETS_KEY, s)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for RawAttributes {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Map::deserialize(deserializer).map(|fields| Self::new(fields, None))
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for RawAttributes {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RawAttributes".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "object",
            "description": "Attributes of a source type newer than this SDK, as raw JSON; `secrets` is write-only."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secret_json_is_redacted_and_round_trips() {
        let value = SecretJson::from(json!({"private_key_id": "canary-4d2e"}));
        assert_eq!(format!("{value:?}"), "[REDACTED]");
        assert_eq!(
            serde_json::to_string(&value).expect("serializes"),
            r#"{"private_key_id":"canary-4d2e"}"#
        );
    }

    #[test]
    fn zeroize_clears_nested_strings() {
        let mut value = json!({"a": ["canary", {"b": "x"}], "n": 1});
        zeroize_value(&mut value);
        assert_eq!(value, json!({}));
        let mut s = Value::String("canary".into());
        zeroize_value(&mut s);
        assert_eq!(s, Value::String(String::new()));
    }

    #[test]
    fn raw_attributes_keep_secrets_apart_and_serialize_in_key_order() {
        let raw: RawAttributes = serde_json::from_value(json!({
            "integration_type": "JUMPCLOUD",
            "name": "n",
            "secrets": {"api_key": "canary-77"},
            "zone": "z"
        }))
        .expect("decodes");
        let debug = format!("{raw:?}");
        assert!(
            debug.contains("JUMPCLOUD") && !debug.contains("canary-77"),
            "{debug}"
        );
        assert_eq!(raw.str_field("integration_type"), "JUMPCLOUD");
        assert_eq!(
            serde_json::to_string(&raw).expect("serializes"),
            r#"{"integration_type":"JUMPCLOUD","name":"n","secrets":{"api_key":"canary-77"},"zone":"z"}"#
        );
        let only = RawAttributes::new(Map::new(), Some(json!({"k": "v"})));
        assert_eq!(
            serde_json::to_string(&only).expect("serializes"),
            r#"{"secrets":{"k":"v"}}"#
        );
    }
}
