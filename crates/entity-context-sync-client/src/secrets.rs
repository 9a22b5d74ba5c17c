//! `SecretMap`: the write-only `secrets` object of the spec.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::ser::SerializeMap;

/// Credentials sent to Datadog and never returned. Values are redacted in
/// `Debug`, have no `Display`, are zeroized on drop, and are exposed only when
/// the request body is serialized.
#[derive(Clone, Default)]
pub struct SecretMap(BTreeMap<String, SecretString>);

impl SecretMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds or replaces the secret under `key`.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<SecretString>) {
        self.0.insert(key.into(), value.into());
    }

    /// The secret under `key`, if any.
    pub fn get(&self, key: &str) -> Option<&SecretString> {
        self.0.get(key)
    }

    /// The keys (never the values), in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    /// Iterates over keys and (still secret) values, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &SecretString)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Number of secrets.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no secrets.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for SecretMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.keys().map(|k| (k, format_args!("[REDACTED]"))))
            .finish()
    }
}

impl<K: Into<String>, V: Into<SecretString>> FromIterator<(K, V)> for SecretMap {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Self(
            iter.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}

impl serde::Serialize for SecretMap {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v.expose_secret())?;
        }
        map.end()
    }
}

impl<'de> serde::Deserialize<'de> for SecretMap {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Self(BTreeMap::deserialize(deserializer)?))
    }
}

impl schemars::JsonSchema for SecretMap {
    fn schema_name() -> Cow<'static, str> {
        "SecretMap".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "object",
            "additionalProperties": { "type": "string" },
            "writeOnly": true,
            "description": "Write-only credentials; never returned by the API."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_values_and_serialize_exposes_them() {
        let map: SecretMap = [("admin_email", "canary-7f3a@example.com")]
            .into_iter()
            .collect();
        let debug = format!("{map:?}");
        assert!(debug.contains("admin_email"), "{debug}");
        assert!(!debug.contains("canary-7f3a"), "{debug}");
        let json = serde_json::to_string(&map).expect("serializes");
        assert_eq!(json, r#"{"admin_email":"canary-7f3a@example.com"}"#);
    }

    #[test]
    fn deserialize_round_trips() {
        let map: SecretMap = serde_json::from_str(r#"{"b":"2","a":"1"}"#).expect("decodes");
        assert_eq!(map.keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(
            map.get("a")
                .map(|s| s.expose_secret().to_string())
                .as_deref(),
            Some("1")
        );
    }
}
