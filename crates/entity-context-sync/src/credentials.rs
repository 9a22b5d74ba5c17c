//! [`Credentials`]: the secrets of one source type.
//!
//! The constructors (`Credentials::okta`, …), the setters of optional
//! secrets and the checks are generated from the spec's secrets schemas
//! (`generated.rs`), so each source type takes exactly the secrets Datadog
//! requires of it and a missing one is a compile error rather than a 400.
//! Every value is held in the generated write-only types: redacted in
//! `Debug`, zeroized on drop, exposed only when the request body is
//! serialized. This module holds what is the same for every source type.

use std::fmt;

use entity_context_sync_client::SecretJson;
use entity_context_sync_client::secret::SecretString;
use secrecy::ExposeSecret;
use serde_json::{Map, Value};

use crate::checks::{check_key, check_secret_lines};
use crate::generated::Creds;
use crate::{Error, IntegrationType, Result};

/// The credentials of one source type: exactly what Datadog requires of it.
///
/// ```
/// use entity_context_sync::{Credentials, IntegrationType};
/// let okta = Credentials::okta("00exampleOktaToken");
/// assert_eq!(okta.integration_type(), IntegrationType::Okta);
/// assert!(!format!("{okta:?}").contains("00example"));
/// ```
#[derive(Clone)]
pub struct Credentials {
    pub(crate) creds: Creds,
    /// A setter used on the wrong source type (field, reason), reported by
    /// [`Credentials::validate`].
    misuse: Option<(&'static str, &'static str)>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.creds, f)
    }
}

impl Credentials {
    pub(crate) fn from_creds(creds: Creds) -> Self {
        Self {
            creds,
            misuse: None,
        }
    }

    /// Records the first misuse of a setter (reported when validated).
    pub(crate) fn misuse(&mut self, field: &'static str, reason: &'static str) {
        self.misuse.get_or_insert((field, reason));
    }

    /// The escape hatch for a source type newer than this SDK: its
    /// `integration_type` and its `secrets` object as raw JSON (held as a
    /// secret). Datadog checks the shape; for a source type this SDK knows,
    /// the raw secrets are checked like its typed ones.
    pub fn raw(integration_type: impl Into<IntegrationType>, secrets: Option<Value>) -> Self {
        Self::from_creds(Creds::Raw {
            integration_type: integration_type.into(),
            secrets: secrets.map(SecretJson::from),
        })
    }

    /// Credentials from their secrets by name, as a JSON object (a
    /// configuration file's, a tool's): the typed credentials of a source
    /// type this SDK knows, checked like its constructor's (a missing,
    /// mistyped or empty secret is an error naming it), or the escape hatch
    /// ([`raw`](Self::raw)) for a newer one. `null` or `{}` for a source
    /// type that takes no secrets.
    ///
    /// ```
    /// use entity_context_sync::{Credentials, IntegrationType};
    /// let okta = Credentials::from_value("OKTA", serde_json::json!({ "api_token": "00exampleToken" }))?;
    /// assert_eq!(okta.integration_type(), IntegrationType::Okta);
    /// assert!(Credentials::from_value("OKTA", serde_json::json!({})).is_err());
    /// # Ok::<(), entity_context_sync::Error>(())
    /// ```
    pub fn from_value(
        integration_type: impl Into<IntegrationType>,
        secrets: Value,
    ) -> Result<Self> {
        let t = integration_type.into();
        let secrets = match secrets {
            Value::Null => None,
            Value::Object(map) if map.is_empty() => None,
            other => Some(SecretJson::from(other)),
        };
        let raw = Self::from_creds(Creds::Raw {
            integration_type: t.clone(),
            secrets,
        });
        raw.validate()?;
        let Creds::Raw { secrets, .. } = &raw.creds else {
            return Ok(raw);
        };
        let Some(known) = Creds::known(&t) else {
            return Ok(raw);
        };
        // Checked above as raw secrets of this type: the typed ones decode.
        let value = secrets
            .as_ref()
            .map_or(Value::Null, |s| s.expose_secret().clone());
        let creds = (known.typed)(value).map_err(|_| {
            Error::validation(
                "secrets",
                format!("do not match the {t} secrets (use {})", known.constructor),
            )
        })?;
        Ok(Self::from_creds(creds))
    }

    /// The source type these credentials are for.
    pub fn integration_type(&self) -> IntegrationType {
        self.creds.integration_type()
    }

    /// Whether there are no secrets to send (Entra ID).
    pub(crate) fn is_empty(&self) -> bool {
        self.creds.is_empty()
    }

    /// Checks every value; errors name the field, never the value.
    pub fn validate(&self) -> Result<()> {
        self.check()
            .map_err(|e| e.about(format!("{} credentials", self.integration_type())))
    }

    /// [`validate`](Self::validate) without saying whose credentials.
    pub(crate) fn check(&self) -> Result<()> {
        if let Some((field, reason)) = self.misuse {
            return Err(Error::validation(field, reason));
        }
        self.creds.check()
    }

    /// Sets the string secret `key`; false when there is no such secret.
    pub(crate) fn set_secret(&mut self, key: &str, value: SecretString) -> bool {
        if let Creds::Raw { secrets, .. } = &mut self.creds {
            let mut map = match secrets.take().map(|s| s.expose_secret().clone()) {
                Some(Value::Object(map)) => map,
                _ => Map::new(),
            };
            map.insert(
                key.to_owned(),
                Value::String(value.expose_secret().to_owned()),
            );
            *secrets = Some(Value::Object(map).into());
            return true;
        }
        self.creds.set_secret(key, value)
    }
}

/// Collects the secret strings of a value, to mask in anything a server
/// echoes back (implemented for every secrets struct in `generated.rs`).
pub(crate) trait SecretStrs {
    fn secret_strs<'a>(&'a self, out: &mut Vec<&'a str>);
}

impl<T: SecretStrs> SecretStrs for Option<T> {
    fn secret_strs<'a>(&'a self, out: &mut Vec<&'a str>) {
        if let Some(v) = self {
            v.secret_strs(out);
        }
    }
}

impl SecretStrs for SecretString {
    fn secret_strs<'a>(&'a self, out: &mut Vec<&'a str>) {
        out.push(self.expose_secret());
    }
}

impl SecretStrs for SecretJson {
    fn secret_strs<'a>(&'a self, out: &mut Vec<&'a str>) {
        out.extend(json_strs(self.expose_secret()));
    }
}

impl SecretStrs for Credentials {
    fn secret_strs<'a>(&'a self, out: &mut Vec<&'a str>) {
        self.creds.secret_strs(out);
    }
}

fn json_strs(value: &Value) -> Box<dyn Iterator<Item = &str> + '_> {
    match value {
        Value::String(s) => Box::new(std::iter::once(s.as_str())),
        Value::Array(items) => Box::new(items.iter().flat_map(json_strs)),
        Value::Object(map) => Box::new(map.values().flat_map(json_strs)),
        _ => Box::new(std::iter::empty()),
    }
}

/// What the raw secrets of a source type this SDK knows must look like
/// (generated from its secrets schema: `Creds::known`).
#[derive(Debug)]
pub(crate) struct Known {
    /// The typed constructor to suggest (`Credentials::okta`).
    pub(crate) constructor: &'static str,
    /// Its secrets' shape; `None` when it takes none.
    pub(crate) shape: Option<&'static Shape>,
    /// The typed credentials from raw secrets of that shape.
    pub(crate) typed: fn(Value) -> serde_json::Result<Creds>,
}

/// The properties of a secrets object (others are sent as they are).
#[derive(Debug)]
pub(crate) struct Shape {
    pub(crate) fields: &'static [ShapeField],
}

/// One property of a [`Shape`].
#[derive(Debug)]
pub(crate) struct ShapeField {
    pub(crate) name: &'static str,
    pub(crate) required: bool,
    pub(crate) kind: ShapeKind,
}

/// What a [`ShapeField`] holds.
#[derive(Debug)]
pub(crate) enum ShapeKind {
    String,
    /// An object of that shape; the text says what it is, for errors.
    Object(&'static Shape, &'static str),
}

/// The secrets a source type this SDK knows takes, by name (empty for one
/// that takes none or is unknown).
pub(crate) fn secret_fields(t: &IntegrationType) -> &'static [ShapeField] {
    Creds::known(t)
        .and_then(|k| k.shape)
        .map_or(&[], |shape| shape.fields)
}

/// The raw escape hatch: `integration_type` printable, `secrets` an object
/// with sane keys and strings, and for a source type this SDK knows, its
/// required secrets present and checked like typed ones.
pub(crate) fn check_raw(t: &IntegrationType, secrets: Option<&SecretJson>) -> Result<()> {
    let text = t.as_str();
    if text.trim().is_empty() || text.trim() != text {
        return Err(Error::validation(
            "integration_type",
            "must be a non-empty value without surrounding spaces",
        ));
    }
    if text.chars().any(char::is_control) {
        // It is logged (span field): a newline would forge log lines.
        return Err(Error::validation(
            "integration_type",
            "must not contain control characters",
        ));
    }
    let value = secrets.map(SecretJson::expose_secret);
    let map = match value {
        None => None,
        Some(Value::Object(map)) => Some(map),
        Some(_) => return Err(Error::validation("secrets", "must be a JSON object")),
    };
    if let Some(map) = map {
        check_strings("secrets", map)?;
    }
    let Some(known) = Creds::known(t) else {
        return Ok(());
    };
    let hint = format!("use {}", known.constructor);
    match (known.shape, map) {
        (None, None) => Ok(()),
        (None, Some(_)) => Err(Error::validation(
            "secrets",
            format!("{text} takes no secrets ({hint})"),
        )),
        (Some(shape), map) => {
            let empty = Map::new();
            check_shape("secrets", shape, map.unwrap_or(&empty), text, &hint)?;
            // The shape fits, so the typed secrets decode: check them as such.
            let value = value.cloned().unwrap_or(Value::Null);
            match (known.typed)(value) {
                Ok(creds) => creds.check(),
                Err(_) => Err(Error::validation(
                    "secrets",
                    format!("do not match the {text} secrets ({hint})"),
                )),
            }
        }
    }
}

/// Keys and string values of a raw secrets object, recursively.
fn check_strings(at: &str, map: &Map<String, Value>) -> Result<()> {
    for (key, value) in map {
        check_key(at, key)?;
        let here = format!("{at}.{key}");
        match value {
            // Line breaks pass here (a raw PEM key); typed checks follow for known types.
            Value::String(s) => check_secret_lines(&here, s)?,
            Value::Object(inner) => check_strings(&here, inner)?,
            _ => {}
        }
    }
    Ok(())
}

/// The required properties of `shape` are in `map`, each of its kind.
fn check_shape(
    at: &str,
    shape: &Shape,
    map: &Map<String, Value>,
    source: &str,
    hint: &str,
) -> Result<()> {
    for field in shape.fields {
        let here = format!("{at}.{}", field.name);
        match (map.get(field.name), &field.kind) {
            (None, _) if field.required => {
                return Err(Error::validation(
                    here,
                    format!("is required for {source} ({hint})"),
                ));
            }
            (None, _) | (Some(Value::String(_)), ShapeKind::String) => {}
            (Some(Value::Object(inner)), ShapeKind::Object(shape, what)) => {
                check_shape(&here, shape, inner, source, what)?;
            }
            (Some(_), ShapeKind::String) => {
                return Err(Error::validation(here, "must be a string"));
            }
            (Some(_), ShapeKind::Object(_, what)) => {
                return Err(Error::validation(here, format!("must be {what}")));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_known_types_need_their_secrets() {
        let err = Credentials::raw("OKTA", None)
            .validate()
            .expect_err("no token");
        assert_eq!(
            err.to_string(),
            "invalid secrets.api_token: is required for OKTA (use Credentials::okta) (OKTA credentials)"
        );
        let err = Credentials::raw(
            "GOOGLE_WORKSPACE",
            Some(serde_json::json!({"service_account_json": "{}"})),
        )
        .validate()
        .expect_err("string key");
        assert!(
            err.to_string().contains("ServiceAccountKey::from_json"),
            "{err}"
        );
        Credentials::raw("JUMPCLOUD", Some(serde_json::json!({"api_key": "x"})))
            .validate()
            .expect("unknown types pass");
        Credentials::raw("ENTRA_ID", None)
            .validate()
            .expect("no secrets needed");
        let err = Credentials::raw("ENTRA_ID", Some(serde_json::json!({"x": "y"})))
            .validate()
            .expect_err("Entra ID takes none");
        assert!(err.to_string().contains("takes no secrets"), "{err}");
        let key = serde_json::json!({"type": "service_account", "project_id": "p",
            "client_email": "a@b.c", "private_key": "not a pem canary-raw-pk"});
        let err = Credentials::raw(
            "GOOGLE_WORKSPACE",
            Some(serde_json::json!({"service_account_json": key})),
        )
        .validate()
        .expect_err("raw key checked like a typed one");
        assert_eq!(
            err.to_string(),
            "invalid secrets.service_account_json.private_key: is not a PEM block (`-----BEGIN … KEY-----` … `-----END … KEY-----`) (GOOGLE_WORKSPACE credentials)"
        );
        let err = Credentials::raw(
            "GOOGLE_WORKSPACE",
            Some(serde_json::json!({"service_account_json": {"type": "service_account"}})),
        )
        .validate()
        .expect_err("missing key fields");
        assert!(
            err.to_string()
                .starts_with("invalid secrets.service_account_json.client_email: is required"),
            "{err}"
        );
    }

    #[test]
    fn setters_of_other_sources_are_refused_when_validated() {
        let err = Credentials::okta("token-value")
            .admin_email("a@example.com")
            .validate()
            .expect_err("not Google Workspace");
        assert_eq!(
            err.to_string(),
            "invalid secrets.admin_email: applies to GOOGLE_WORKSPACE credentials only (OKTA credentials)"
        );
    }

    #[test]
    fn by_name_setter_sets_known_secrets_and_raw_ones() {
        let mut okta = Credentials::okta("old-token");
        assert!(okta.set_secret("api_token", SecretString::from("new-token")));
        assert!(!okta.set_secret("client_id", SecretString::from("x")));
        let mut out = Vec::new();
        okta.secret_strs(&mut out);
        assert_eq!(out, ["new-token"]);
        let mut raw = Credentials::raw("JUMPCLOUD", None);
        assert!(raw.set_secret("api_key", SecretString::from("k1")));
        let mut out = Vec::new();
        raw.secret_strs(&mut out);
        assert_eq!(out, ["k1"]);
    }
}
