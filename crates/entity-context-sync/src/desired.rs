//! [`DesiredState`]: the syncs an account should have, as a file says them,
//! with secrets by reference only (`{ env = "VAR" }`, `{ file = "path" }`).

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::credentials::{ShapeKind, secret_fields};

use crate::{Credentials, Error, IntegrationConfig, IntegrationType, NewSync, Result};

/// The desired state: every sync the file declares (`[[sync]]` in TOML).
///
/// ```
/// use entity_context_sync::DesiredState;
/// let desired: DesiredState = serde_json::from_value(serde_json::json!({
///     "sync": [{
///         "type": "OKTA", "name": "Okta prod", "domain": "acme.okta.com",
///         "secrets": { "api_token": { "env": "OKTA_TOKEN" } }
///     }]
/// }))?;
/// assert_eq!(desired.syncs[0].name, "Okta prod");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct DesiredState {
    /// The syncs, in the file's order.
    #[serde(rename = "sync", default)]
    pub syncs: Vec<DesiredSync>,
}

/// One declared sync. A config is identified by its source type and name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct DesiredSync {
    /// The source type (`OKTA`, `GOOGLE_WORKSPACE`, …).
    #[serde(rename = "type")]
    pub integration_type: IntegrationType,
    /// The display name.
    pub name: String,
    /// The domain.
    pub domain: String,
    /// Whether it should be enabled; `None` leaves it as it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Non-secret settings; settings not named are left alone.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub settings: Map<String, Value>,
    /// Each secret by name, as a reference to where its value lives.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub secrets: BTreeMap<String, SecretRef>,
}

/// Where a secret's value lives: never in the file itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub enum SecretRef {
    /// An environment variable (`{ env = "OKTA_TOKEN" }`).
    #[serde(rename = "env")]
    Env(String),
    /// A file (`{ file = "key.json" }`), relative to the desired-state file;
    /// one trailing newline is dropped.
    #[serde(rename = "file")]
    File(PathBuf),
}

impl<'de> Deserialize<'de> for SecretRef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct RefVisitor;
        const EXPECTED: &str = "{ env = \"VAR\" } or { file = \"path\" }";
        fn literal<E: de::Error>() -> E {
            E::custom(format!(
                "a literal secret is refused (secrets never live in the file): use {EXPECTED}"
            ))
        }
        impl<'de> Visitor<'de> for RefVisitor {
            type Value = SecretRef;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(EXPECTED)
            }
            // The value is never repeated: it may be a real secret.
            fn visit_str<E: de::Error>(self, _: &str) -> std::result::Result<SecretRef, E> {
                Err(literal())
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> std::result::Result<SecretRef, E> {
                Err(literal())
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> std::result::Result<SecretRef, E> {
                Err(literal())
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> std::result::Result<SecretRef, E> {
                Err(literal())
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> std::result::Result<SecretRef, E> {
                Err(literal())
            }
            fn visit_seq<A: de::SeqAccess<'de>>(
                self,
                _: A,
            ) -> std::result::Result<SecretRef, A::Error> {
                Err(literal())
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<SecretRef, A::Error> {
                let Some(key) = map.next_key::<String>()? else {
                    return Err(de::Error::custom(format!(
                        "an empty reference: use {EXPECTED}"
                    )));
                };
                let found = match key.as_str() {
                    "env" => SecretRef::Env(map.next_value()?),
                    "file" => SecretRef::File(map.next_value()?),
                    _ => {
                        return Err(de::Error::custom(format!(
                            "unknown reference `{key}`: use {EXPECTED}"
                        )));
                    }
                };
                if map.next_key::<String>()?.is_some() {
                    return Err(de::Error::custom(format!(
                        "one reference per secret: use {EXPECTED}"
                    )));
                }
                Ok(found)
            }
        }
        deserializer.deserialize_any(RefVisitor)
    }
}

impl fmt::Display for SecretRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretRef::Env(var) => write!(f, "the environment variable {var}"),
            SecretRef::File(path) => write!(f, "the file {}", path.display()),
        }
    }
}

impl SecretRef {
    /// The value, read through `env` or from the file (relative to `base`).
    fn read(
        &self,
        base: &Path,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> std::result::Result<String, String> {
        match self {
            SecretRef::Env(var) => match env(var) {
                Some(v) if v.is_empty() => Err(format!("{self} is empty")),
                Some(v) => Ok(v),
                None => Err(format!("{self} is not set")),
            },
            SecretRef::File(path) => {
                let full = base.join(path);
                let mut text = std::fs::read_to_string(&full)
                    .map_err(|e| format!("{self} cannot be read: {}", io_reason(&e)))?;
                if text.ends_with('\n') {
                    text.pop();
                    if text.ends_with('\r') {
                        text.pop();
                    }
                }
                Ok(text)
            }
        }
    }
}

/// An I/O error's reason without the OS error number.
fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => e.kind().to_string(),
    }
}

impl DesiredState {
    /// The syncs to converge to: each checked like [`NewSync::validate`], its
    /// secrets read (files relative to `base`), and no two with the same
    /// source type and name. Errors are [`Error::Desired`], naming the sync
    /// and its field, never a secret's value. Nothing is sent.
    pub fn resolve(&self, base: &Path) -> Result<Vec<NewSync>> {
        self.resolve_with(base, |var| std::env::var(var).ok())
    }

    /// [`resolve`](Self::resolve) with a custom lookup of environment
    /// variables (tests, a secrets manager, placeholders for a demo).
    pub fn resolve_with(
        &self,
        base: &Path,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Vec<NewSync>> {
        let mut seen = HashSet::new();
        let mut out = Vec::with_capacity(self.syncs.len());
        for (index, sync) in self.syncs.iter().enumerate() {
            if !seen.insert((sync.integration_type.clone(), sync.name.as_str())) {
                return Err(Error::desired(
                    index,
                    "name",
                    format!(
                        "another {} sync is named {:?} (a sync is identified by type and name)",
                        sync.integration_type, sync.name
                    ),
                ));
            }
            out.push(sync.resolve(index, base, &env)?);
        }
        Ok(out)
    }

    /// The desired state of `configs` (an account, as listed): secrets as
    /// `{ env = "…" }` placeholders named by [`DesiredSync::env_name`], the
    /// required ones only, so the file lists what must be provided.
    pub fn from_configs<'a>(configs: impl IntoIterator<Item = &'a IntegrationConfig>) -> Self {
        let mut used = HashSet::new();
        let syncs = configs
            .into_iter()
            .map(|c| {
                let name = c.name.clone().unwrap_or_default();
                let secrets = secret_fields(&c.integration_type)
                    .iter()
                    .filter(|f| f.required)
                    .map(|f| {
                        let base = DesiredSync::env_name(&c.integration_type, &name, f.name);
                        let mut var = base.clone();
                        let mut n = 2;
                        while !used.insert(var.clone()) {
                            var = format!("{base}_{n}");
                            n += 1;
                        }
                        (f.name.to_owned(), SecretRef::Env(var))
                    })
                    .collect();
                DesiredSync {
                    integration_type: c.integration_type.clone(),
                    name,
                    domain: c.domain.clone(),
                    enabled: Some(c.enabled),
                    settings: c.settings.clone(),
                    secrets,
                }
            })
            .collect();
        Self { syncs }
    }
}

impl DesiredSync {
    /// A sync to declare; add secrets with [`secret`](Self::secret).
    pub fn new(
        integration_type: impl Into<IntegrationType>,
        name: impl Into<String>,
        domain: impl Into<String>,
    ) -> Self {
        Self {
            integration_type: integration_type.into(),
            name: name.into(),
            domain: domain.into(),
            enabled: None,
            settings: Map::new(),
            secrets: BTreeMap::new(),
        }
    }

    /// Declares where the secret `key` lives.
    pub fn secret(mut self, key: impl Into<String>, reference: SecretRef) -> Self {
        self.secrets.insert(key.into(), reference);
        self
    }

    /// The environment variable [`DesiredState::from_configs`] names for a
    /// secret: `OKTA_OKTA_PROD_API_TOKEN` for `api_token` of OKTA "Okta prod".
    pub fn env_name(integration_type: &IntegrationType, name: &str, key: &str) -> String {
        let joined = format!("{} {name} {key}", integration_type.as_str());
        let mut var = String::new();
        for c in joined.chars() {
            if c.is_ascii_alphanumeric() {
                var.push(c.to_ascii_uppercase());
            } else if !var.is_empty() && !var.ends_with('_') {
                var.push('_');
            }
        }
        while var.ends_with('_') {
            var.pop();
        }
        var
    }

    fn resolve(
        &self,
        index: usize,
        base: &Path,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<NewSync> {
        let t = &self.integration_type;
        if !IntegrationType::KNOWN.contains(t) {
            let known: Vec<&str> = IntegrationType::KNOWN.iter().map(|k| k.as_str()).collect();
            return Err(Error::desired(
                index,
                "type",
                format!(
                    "unknown source type {t} (this SDK knows {})",
                    known.join(", ")
                ),
            ));
        }
        let fields = secret_fields(t);
        let mut secrets = Map::new();
        for (key, reference) in &self.secrets {
            let Some(shape) = fields.iter().find(|f| f.name == key.as_str()) else {
                let names: Vec<&str> = fields.iter().map(|f| f.name).collect();
                let takes = if names.is_empty() {
                    "no secrets".to_owned()
                } else {
                    names.join(", ")
                };
                return Err(Error::desired(
                    index,
                    format!("secrets.{key}"),
                    format!("{t} has no secret {key:?} (it takes {takes})"),
                ));
            };
            let field = format!("secrets.{key}");
            let text = reference
                .read(base, env)
                .map_err(|reason| Error::desired(index, &field, reason))?;
            let value = match &shape.kind {
                ShapeKind::Object(_, what) => {
                    let parsed: Value = serde_json::from_str(&text).map_err(|_| {
                        Error::desired(index, &field, format!("{reference} is not JSON ({what})"))
                    })?;
                    parsed
                }
                ShapeKind::String => Value::String(text),
            };
            secrets.insert(key.clone(), value);
        }
        for field in fields {
            let key = field.name;
            if field.required && !self.secrets.contains_key(key) {
                return Err(Error::desired(
                    index,
                    "secrets",
                    format!("{t} requires the secret {key:?} ({key} = {{ env = \"…\" }})"),
                ));
            }
        }
        let credentials = Credentials::from_value(t.clone(), Value::Object(secrets))
            .map_err(|e| Error::desired_from(index, e))?;
        let mut sync = NewSync::with_credentials(&self.name, &self.domain, credentials)
            .settings(self.settings.clone());
        if let Some(enabled) = self.enabled {
            sync = sync.enabled(enabled);
        }
        sync.validate().map_err(|e| Error::desired_from(index, e))?;
        Ok(sync)
    }
}
