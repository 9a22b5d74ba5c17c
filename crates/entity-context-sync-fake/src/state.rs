//! The configurations the fake holds, and how they are rendered.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value, json};

use crate::record::leaf_paths_where;

/// A secret value starting with this makes credentials "invalid": the config
/// is stored with `state: "invalid"`, and credential validation answers 400.
pub const INVALID_SECRET_PREFIX: &str = "invalid";

/// The resource type of every config.
pub(crate) const RESOURCE_TYPE: &str = "integration_config";

/// A configuration to put into the fake directly, bypassing the API (and its
/// schema checks): [`FakeDatadog::seed`](crate::FakeDatadog::seed).
#[derive(Debug, Clone, PartialEq)]
pub struct SeedConfig {
    /// `integration_type`, e.g. `OKTA` (any string: a type newer than the
    /// SDK can be seeded).
    pub integration_type: String,
    /// The display name.
    pub name: String,
    /// The domain.
    pub domain: String,
    /// Whether the sync is enabled (default `true`).
    pub enabled: bool,
    /// Non-secret settings (an object), if any.
    pub settings: Option<Value>,
    /// Secrets to store (never returned); decide `state` by the
    /// [`INVALID_SECRET_PREFIX`] rule.
    pub secrets: Option<Value>,
}

impl Default for SeedConfig {
    fn default() -> Self {
        Self {
            integration_type: String::new(),
            name: String::new(),
            domain: String::new(),
            enabled: true,
            settings: None,
            secrets: None,
        }
    }
}

impl SeedConfig {
    /// An enabled config without settings or secrets.
    pub fn new(
        integration_type: impl Into<String>,
        name: impl Into<String>,
        domain: impl Into<String>,
    ) -> Self {
        Self {
            integration_type: integration_type.into(),
            name: name.into(),
            domain: domain.into(),
            ..Self::default()
        }
    }

    /// With `enabled`.
    pub fn enabled(mut self, enabled: bool) -> Self {
        self.enabled = enabled;
        self
    }

    /// With these settings.
    pub fn settings(mut self, settings: Value) -> Self {
        self.settings = Some(settings);
        self
    }

    /// With these secrets.
    pub fn secrets(mut self, secrets: Value) -> Self {
        self.secrets = Some(secrets);
        self
    }
}

/// One stored configuration.
#[derive(Debug, Clone)]
pub(crate) struct StoredConfig {
    pub(crate) id: String,
    pub(crate) integration_type: String,
    pub(crate) name: Option<String>,
    pub(crate) domain: String,
    pub(crate) enabled: bool,
    pub(crate) settings: Option<Value>,
    /// Kept to answer credential validation; never rendered.
    pub(crate) secrets: Option<Value>,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) modified_at: DateTime<Utc>,
}

impl StoredConfig {
    /// `invalid` when a stored secret starts with [`INVALID_SECRET_PREFIX`].
    pub(crate) fn state(&self) -> &'static str {
        if invalid_secrets(self.secrets.as_ref()).is_empty() {
            "valid"
        } else {
            "invalid"
        }
    }

    /// The config as the API returns it (the `data` of a response): never
    /// any secret.
    pub(crate) fn to_data(&self) -> Value {
        let mut attributes = Map::new();
        attributes.insert("created_at".into(), timestamp(self.created_at).into());
        attributes.insert("domain".into(), self.domain.clone().into());
        attributes.insert("enabled".into(), self.enabled.into());
        attributes.insert(
            "integration_type".into(),
            self.integration_type.clone().into(),
        );
        attributes.insert("modified_at".into(), timestamp(self.modified_at).into());
        if let Some(name) = &self.name {
            attributes.insert("name".into(), name.clone().into());
        }
        attributes.insert(
            "settings".into(),
            self.settings.clone().unwrap_or_else(|| json!({})),
        );
        attributes.insert("state".into(), self.state().into());
        json!({"id": self.id, "type": RESOURCE_TYPE, "attributes": attributes})
    }

    /// Marks a change.
    pub(crate) fn touch(&mut self) {
        self.modified_at = Utc::now();
    }
}

/// Dotted paths (`service_account_json.private_key`) of the secret values that
/// start with [`INVALID_SECRET_PREFIX`].
pub(crate) fn invalid_secrets(secrets: Option<&Value>) -> Vec<String> {
    secrets
        .map(|secrets| {
            leaf_paths_where(secrets, |leaf| {
                leaf.as_str()
                    .is_some_and(|s| s.starts_with(INVALID_SECRET_PREFIX))
            })
        })
        .unwrap_or_default()
}

/// RFC 3339, UTC, milliseconds: `2026-05-01T12:00:00.000Z`.
pub(crate) fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The configurations, in creation order.
#[derive(Debug)]
pub(crate) struct Store {
    configs: Vec<StoredConfig>,
    ids: IdGen,
}

impl Store {
    pub(crate) fn new() -> Self {
        Self {
            configs: Vec::new(),
            ids: IdGen::new(),
        }
    }

    /// Stores a new config and returns it.
    pub(crate) fn insert(&mut self, seed: SeedConfig) -> &StoredConfig {
        let now = Utc::now();
        let config = StoredConfig {
            id: self.ids.next_id(),
            integration_type: seed.integration_type,
            name: Some(seed.name),
            domain: seed.domain,
            enabled: seed.enabled,
            settings: seed.settings,
            secrets: seed.secrets,
            created_at: now,
            modified_at: now,
        };
        self.configs.push(config);
        let last = self.configs.len() - 1;
        &self.configs[last]
    }

    pub(crate) fn get(&self, id: &str) -> Option<&StoredConfig> {
        self.configs.iter().find(|c| c.id == id)
    }

    pub(crate) fn get_mut(&mut self, id: &str) -> Option<&mut StoredConfig> {
        self.configs.iter_mut().find(|c| c.id == id)
    }

    /// Removes a config; whether it existed.
    pub(crate) fn remove(&mut self, id: &str) -> bool {
        let before = self.configs.len();
        self.configs.retain(|c| c.id != id);
        self.configs.len() != before
    }

    pub(crate) fn all(&self) -> &[StoredConfig] {
        &self.configs
    }

    pub(crate) fn all_mut(&mut self) -> &mut [StoredConfig] {
        &mut self.configs
    }
}

/// UUID-shaped ids (8-4-4-4-12 hex): a per-store random-ish seed mixed with a
/// counter, so ids are unique within a store and unlikely to repeat across
/// stores.
#[derive(Debug)]
struct IdGen {
    seed: u64,
    counter: u64,
}

impl IdGen {
    fn new() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        // Distinct per store even when two stores start in the same nanosecond.
        static STORES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let store = STORES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let local = u64::from(std::process::id()) << 32 ^ store;
        Self {
            seed: splitmix(nanos ^ splitmix(local)),
            counter: 0,
        }
    }

    fn next_id(&mut self) -> String {
        self.counter += 1;
        let high = splitmix(self.seed ^ self.counter);
        let low = splitmix(high ^ self.counter.rotate_left(17));
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            high >> 32,
            (high >> 16) & 0xffff,
            high & 0xfff,
            0x8000 | ((low >> 48) & 0x3fff),
            low & 0xffff_ffff_ffff
        )
    }
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_uuid_shaped_and_distinct() {
        let mut ids = IdGen::new();
        let a = ids.next_id();
        let b = ids.next_id();
        assert_ne!(a, b);
        let groups: Vec<usize> = a.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12]);
        assert!(a.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
    }

    #[test]
    fn rendering_never_includes_secrets_and_state_follows_the_rule() {
        let mut store = Store::new();
        let good = store
            .insert(SeedConfig::new("OKTA", "o", "d").secrets(json!({"api_token": "t0k"})))
            .to_data();
        assert_eq!(good["attributes"]["state"], "valid");
        assert_eq!(good["attributes"]["settings"], json!({}));
        assert!(!good.to_string().contains("t0k"));
        let bad = store
            .insert(SeedConfig::new("OKTA", "o", "d").secrets(json!({"api_token": "invalid-1"})))
            .to_data();
        assert_eq!(bad["attributes"]["state"], "invalid");
        assert_eq!(
            invalid_secrets(Some(&json!({"a": {"b": "invalid"}, "c": "ok"}))),
            ["a.b"]
        );
    }
}
