//! [`Credentials`] per source type, and Google's [`ServiceAccountKey`].
//!
//! Each source type takes exactly the secrets Datadog requires of it, so a
//! missing secret is a compile error rather than a 400. Every value is held
//! in the generated write-only types: redacted in `Debug`, zeroized on drop,
//! exposed only when the request body is serialized.

use std::fmt;
use std::path::Path;

use entity_context_sync_client::secret::{SecretString, zeroize_value};
use entity_context_sync_client::secrets as ws;
use entity_context_sync_client::types as wire;
use entity_context_sync_client::unions::SecurityMonitoringIntegrationCredentialsValidateAttributes as ValidateAttributes;
use entity_context_sync_client::{RawAttributes, SecretJson};
use secrecy::ExposeSecret;
use serde_json::{Map, Value};
use zeroize::Zeroize;

use crate::{Error, IntegrationType, Result};

/// Largest accepted secret value, in bytes (room for a PEM key).
pub const MAX_SECRET_LEN: usize = 64 * 1024;

const KEY_FIELD: &str = "secrets.service_account_json";
/// `{KEY_FIELD}.type`, `.project_id`, `.client_email`, `.private_key`.
const KEY_FIELDS: [&str; 4] = [
    "secrets.service_account_json.type",
    "secrets.service_account_json.project_id",
    "secrets.service_account_json.client_email",
    "secrets.service_account_json.private_key",
];

/// A Google Cloud service account key: the JSON key file Google Cloud issues.
///
/// Every field, the `private_key` above all, is secret: redacted in `Debug`,
/// zeroized on drop, sent only in the request body. Errors name the field
/// at fault, never its value.
///
/// ```
/// use entity_context_sync::ServiceAccountKey;
/// let key = ServiceAccountKey::from_json(r#"{
///     "type": "service_account",
///     "project_id": "example-project",
///     "private_key_id": "0123abcd",
///     "private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQ...\n-----END PRIVATE KEY-----\n",
///     "client_email": "siem-sync@example-project.iam.gserviceaccount.com"
/// }"#)?;
/// assert!(!format!("{key:?}").contains("MIIEvQ"));
/// # Ok::<(), entity_context_sync::Error>(())
/// ```
#[derive(Clone)]
pub struct ServiceAccountKey(
    pub(crate) ws::SecurityMonitoringIntegrationConfigGoogleWorkspaceServiceAccount,
);

impl fmt::Debug for ServiceAccountKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ServiceAccountKey").field(&self.0).finish()
    }
}

impl ServiceAccountKey {
    /// A key from its required fields; `type` is `service_account`. Add the
    /// key file's other fields with [`field`](Self::field).
    pub fn new(
        project_id: impl Into<String>,
        client_email: impl Into<String>,
        private_key: impl Into<SecretString>,
    ) -> Self {
        Self(
            ws::SecurityMonitoringIntegrationConfigGoogleWorkspaceServiceAccount {
                type_: SecretString::from("service_account"),
                project_id: SecretString::from(project_id.into()),
                client_email: SecretString::from(client_email.into()),
                private_key: private_key.into(),
                extra: Default::default(),
            },
        )
    }

    /// A key from the key file's JSON text, checked (see [`validate`](Self::validate)).
    pub fn from_json(text: &str) -> Result<Self> {
        let value: Value = serde_json::from_str(text).map_err(|e| {
            Error::validation(
                KEY_FIELD,
                format!(
                    "is not valid JSON ({} at line {}, column {}); pass the key file's contents",
                    json_error_kind(&e),
                    e.line(),
                    e.column()
                ),
            )
        })?;
        Self::from_value(value)
    }

    /// A key from the key file's contents already parsed as JSON, checked
    /// (see [`validate`](Self::validate)).
    pub fn from_value(value: Value) -> Result<Self> {
        let Value::Object(mut map) = value else {
            let mut value = value;
            zeroize_value(&mut value);
            return Err(Error::validation(
                KEY_FIELD,
                "must be a JSON object (the service account key file)",
            ));
        };
        let mut take = |name: &str| -> Result<SecretString> {
            match map.remove(name) {
                Some(Value::String(s)) => Ok(SecretString::from(s)),
                Some(mut other) => {
                    zeroize_value(&mut other);
                    Err(Error::validation(
                        format!("{KEY_FIELD}.{name}"),
                        "must be a string",
                    ))
                }
                None => Err(Error::validation(
                    format!("{KEY_FIELD}.{name}"),
                    "is missing",
                )),
            }
        };
        let fields = (|| {
            Ok::<_, Error>(
                ws::SecurityMonitoringIntegrationConfigGoogleWorkspaceServiceAccount {
                    type_: take("type")?,
                    project_id: take("project_id")?,
                    private_key: take("private_key")?,
                    client_email: take("client_email")?,
                    extra: Default::default(),
                },
            )
        })();
        let mut key = match fields {
            Ok(key) => key,
            Err(e) => {
                zeroize_value(&mut Value::Object(std::mem::take(&mut map)));
                return Err(e);
            }
        };
        key.extra = std::mem::take(&mut map)
            .into_iter()
            .map(|(k, v)| (k, SecretJson::from(v)))
            .collect();
        let key = Self(key);
        key.validate()?;
        Ok(key)
    }

    /// A key from a key file on disk. Errors name the path, never its contents.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let mut text = std::fs::read_to_string(path).map_err(|e| {
            Error::validation(
                KEY_FIELD,
                format!(
                    "cannot read the key file `{}`: {}",
                    path.display(),
                    e.kind()
                ),
            )
        })?;
        let key = Self::from_json(&text);
        text.zeroize();
        key
    }

    /// Adds or replaces one of the key file's other fields (`private_key_id`,
    /// `client_id`, `token_uri`, …), held as a secret too.
    pub fn field(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.0
            .extra
            .insert(name.into(), SecretJson::from(value.into()));
        self
    }

    /// Checks the key: `type` is `service_account`, the required fields are
    /// not empty, `client_email` is an email, `private_key` a PEM block.
    pub fn validate(&self) -> Result<()> {
        validate_key(&self.0)
    }
}

/// [`ServiceAccountKey::validate`] on a borrowed key: validating the key of
/// a [`Credentials`] copies nothing.
fn validate_key(
    k: &ws::SecurityMonitoringIntegrationConfigGoogleWorkspaceServiceAccount,
) -> Result<()> {
    // The field names as literals: formatting them for every valid key
    // cost more than the checks (`key_field_names_match` pins them).
    for (name, value) in [
        (KEY_FIELDS[0], &k.type_),
        (KEY_FIELDS[1], &k.project_id),
        (KEY_FIELDS[2], &k.client_email),
        (KEY_FIELDS[3], &k.private_key),
    ] {
        check_secret(name, value.expose_secret())?;
    }
    if k.type_.expose_secret() != "service_account" {
        return Err(Error::validation(
            KEY_FIELDS[0],
            "must be `service_account` (is this a service account key file?)",
        ));
    }
    let email = k.client_email.expose_secret();
    if !email.contains('@') || email.chars().any(char::is_whitespace) {
        return Err(Error::validation(KEY_FIELDS[2], "is not an email address"));
    }
    if !is_pem(k.private_key.expose_secret()) {
        return Err(Error::validation(
            KEY_FIELDS[3],
            "is not a PEM block (`-----BEGIN … KEY-----` … `-----END … KEY-----`)",
        ));
    }
    for name in k.extra.keys() {
        crate::checks::check_key(KEY_FIELD, name)?;
    }
    Ok(())
}

fn is_pem(text: &str) -> bool {
    let text = text.trim();
    let Some(body) = text.strip_prefix("-----BEGIN ") else {
        return false;
    };
    let Some((label, rest)) = body.split_once("-----") else {
        return false;
    };
    // Ends with `-----END {label}-----`, matched piecewise (no allocation).
    !label.is_empty()
        && rest
            .trim_end()
            .strip_suffix("-----")
            .and_then(|r| r.strip_suffix(label))
            .is_some_and(|r| r.ends_with("-----END "))
        && rest.len() > label.len() + 14
}

/// serde_json's error category, without the message (which may quote input).
fn json_error_kind(e: &serde_json::Error) -> &'static str {
    match e.classify() {
        serde_json::error::Category::Eof => "it ends early",
        serde_json::error::Category::Syntax => "syntax error",
        serde_json::error::Category::Data | serde_json::error::Category::Io => "bad data",
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

/// The credentials of one source type: exactly what Datadog requires of it.
///
/// ```
/// use entity_context_sync::{Credentials, IntegrationType};
/// let okta = Credentials::okta("00exampleOktaToken");
/// assert_eq!(okta.integration_type(), IntegrationType::Okta);
/// assert!(!format!("{okta:?}").contains("00example"));
/// ```
#[derive(Clone)]
pub struct Credentials(pub(crate) Creds);

#[derive(Clone, Debug)]
pub(crate) enum Creds {
    GoogleWorkspace(ws::SecurityMonitoringIntegrationConfigGoogleWorkspaceSecrets),
    Okta(ws::SecurityMonitoringIntegrationConfigOktaSecrets),
    CrowdStrike(ws::SecurityMonitoringIntegrationConfigCrowdStrikeSecrets),
    SentinelOne(ws::SecurityMonitoringIntegrationConfigSentinelOneSecrets),
    EntraId,
    /// The escape hatch: any source type, secrets as raw JSON.
    Raw {
        integration_type: IntegrationType,
        secrets: Option<SecretJson>,
    },
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl Credentials {
    /// Google Workspace: a service account key.
    pub fn google_workspace(key: ServiceAccountKey) -> Self {
        Self(Creds::GoogleWorkspace(
            ws::SecurityMonitoringIntegrationConfigGoogleWorkspaceSecrets {
                admin_email: None,
                service_account_json: key.0,
            },
        ))
    }

    /// Google Workspace: a service account key and the admin it impersonates.
    pub fn google_workspace_as(key: ServiceAccountKey, admin_email: impl Into<String>) -> Self {
        Self::google_workspace(key).with_admin_email(admin_email.into())
    }

    /// Okta: an API token.
    pub fn okta(api_token: impl Into<SecretString>) -> Self {
        Self(Creds::Okta(
            ws::SecurityMonitoringIntegrationConfigOktaSecrets {
                api_token: api_token.into(),
            },
        ))
    }

    /// CrowdStrike: an API client's id and secret.
    pub fn crowdstrike(
        client_id: impl Into<SecretString>,
        client_secret: impl Into<SecretString>,
    ) -> Self {
        Self(Creds::CrowdStrike(
            ws::SecurityMonitoringIntegrationConfigCrowdStrikeSecrets {
                client_id: client_id.into(),
                client_secret: client_secret.into(),
            },
        ))
    }

    /// SentinelOne: an API token.
    pub fn sentinel_one(api_token: impl Into<SecretString>) -> Self {
        Self(Creds::SentinelOne(
            ws::SecurityMonitoringIntegrationConfigSentinelOneSecrets {
                api_token: api_token.into(),
            },
        ))
    }

    /// Microsoft Entra ID: no secrets (Datadog's app registration is used).
    pub fn entra_id() -> Self {
        Self(Creds::EntraId)
    }

    /// The escape hatch for a source type newer than this SDK: its
    /// `integration_type` and its `secrets` object as raw JSON (held as a
    /// secret). Datadog checks the shape; this SDK checks only that known
    /// source types get their required secrets.
    pub fn raw(integration_type: impl Into<IntegrationType>, secrets: Option<Value>) -> Self {
        Self(Creds::Raw {
            integration_type: integration_type.into(),
            secrets: secrets.map(SecretJson::from),
        })
    }

    /// The source type these credentials are for.
    pub fn integration_type(&self) -> IntegrationType {
        match &self.0 {
            Creds::GoogleWorkspace(_) => IntegrationType::GoogleWorkspace,
            Creds::Okta(_) => IntegrationType::Okta,
            Creds::CrowdStrike(_) => IntegrationType::Crowdstrike,
            Creds::SentinelOne(_) => IntegrationType::Sentinelone,
            Creds::EntraId => IntegrationType::EntraId,
            Creds::Raw {
                integration_type, ..
            } => integration_type.clone(),
        }
    }

    /// Whether there are no secrets to send (Entra ID).
    pub(crate) fn is_empty(&self) -> bool {
        matches!(self.0, Creds::EntraId | Creds::Raw { secrets: None, .. })
    }

    pub(crate) fn with_admin_email(mut self, email: String) -> Self {
        if let Creds::GoogleWorkspace(s) = &mut self.0 {
            s.admin_email = Some(SecretString::from(email));
        }
        self
    }

    /// Checks every value; errors name the field, never the value.
    pub fn validate(&self) -> Result<()> {
        let check = |field: &str, value: &SecretString| check_secret(field, value.expose_secret());
        match &self.0 {
            Creds::GoogleWorkspace(s) => {
                validate_key(&s.service_account_json)?;
                if let Some(email) = &s.admin_email {
                    check("secrets.admin_email", email)?;
                    if !email.expose_secret().contains('@') {
                        return Err(Error::validation(
                            "secrets.admin_email",
                            "is not an email address",
                        ));
                    }
                }
                Ok(())
            }
            Creds::Okta(s) => check("secrets.api_token", &s.api_token),
            Creds::SentinelOne(s) => check("secrets.api_token", &s.api_token),
            Creds::CrowdStrike(s) => {
                check("secrets.client_id", &s.client_id)?;
                check("secrets.client_secret", &s.client_secret)
            }
            Creds::EntraId => Ok(()),
            Creds::Raw {
                integration_type,
                secrets,
            } => check_raw(integration_type, secrets.as_ref()),
        }
    }
}

/// Collects the secret strings of a value, to mask in anything a server
/// echoes back (a key's `type`, which is public, is left out).
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

impl SecretStrs for ws::SecurityMonitoringIntegrationConfigGoogleWorkspaceServiceAccount {
    fn secret_strs<'a>(&'a self, out: &mut Vec<&'a str>) {
        for s in [&self.project_id, &self.client_email, &self.private_key] {
            s.secret_strs(out);
        }
        self.extra.values().for_each(|v| v.secret_strs(out));
    }
}

impl SecretStrs for ws::SecurityMonitoringIntegrationConfigGoogleWorkspaceSecrets {
    fn secret_strs<'a>(&'a self, out: &mut Vec<&'a str>) {
        self.service_account_json.secret_strs(out);
        self.admin_email.secret_strs(out);
    }
}

impl SecretStrs for ws::SecurityMonitoringIntegrationConfigOktaSecrets {
    fn secret_strs<'a>(&'a self, out: &mut Vec<&'a str>) {
        self.api_token.secret_strs(out);
    }
}

impl SecretStrs for ws::SecurityMonitoringIntegrationConfigSentinelOneSecrets {
    fn secret_strs<'a>(&'a self, out: &mut Vec<&'a str>) {
        self.api_token.secret_strs(out);
    }
}

impl SecretStrs for ws::SecurityMonitoringIntegrationConfigCrowdStrikeSecrets {
    fn secret_strs<'a>(&'a self, out: &mut Vec<&'a str>) {
        self.client_id.secret_strs(out);
        self.client_secret.secret_strs(out);
    }
}

impl SecretStrs for Credentials {
    fn secret_strs<'a>(&'a self, out: &mut Vec<&'a str>) {
        match &self.0 {
            Creds::GoogleWorkspace(s) => s.secret_strs(out),
            Creds::Okta(s) => s.secret_strs(out),
            Creds::SentinelOne(s) => s.secret_strs(out),
            Creds::CrowdStrike(s) => s.secret_strs(out),
            Creds::EntraId => {}
            Creds::Raw { secrets, .. } => secrets.secret_strs(out),
        }
    }
}

fn check_secret(field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::validation(field, "is empty"));
    }
    if value.len() > MAX_SECRET_LEN {
        return Err(Error::validation(
            field,
            format!("is {} bytes; the limit is {MAX_SECRET_LEN}", value.len()),
        ));
    }
    Ok(())
}

/// The secrets each known source type requires, and the constructor to use.
fn required_secrets(t: &IntegrationType) -> Option<(&'static [&'static str], &'static str)> {
    Some(match t {
        IntegrationType::GoogleWorkspace => {
            (&["service_account_json"], "Credentials::google_workspace")
        }
        IntegrationType::Okta => (&["api_token"], "Credentials::okta"),
        IntegrationType::Crowdstrike => {
            (&["client_id", "client_secret"], "Credentials::crowdstrike")
        }
        IntegrationType::Sentinelone => (&["api_token"], "Credentials::sentinel_one"),
        IntegrationType::EntraId => (&[], "Credentials::entra_id"),
        _ => return None,
    })
}

fn check_raw(t: &IntegrationType, secrets: Option<&SecretJson>) -> Result<()> {
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
    let map = match secrets.map(SecretJson::expose_secret) {
        None => None,
        Some(Value::Object(map)) => Some(map),
        Some(_) => return Err(Error::validation("secrets", "must be a JSON object")),
    };
    if let Some(map) = map {
        for (key, value) in map {
            crate::checks::check_key("secrets", key)?;
            if let Value::String(s) = value {
                check_secret(&format!("secrets.{key}"), s)?;
            }
        }
    }
    if let Some((required, constructor)) = required_secrets(t) {
        for key in required {
            if !map.is_some_and(|m| m.contains_key(*key)) {
                return Err(Error::validation(
                    format!("secrets.{key}"),
                    format!("is required for {text} (use {constructor})"),
                ));
            }
        }
        if *t == IntegrationType::GoogleWorkspace {
            match map.and_then(|m| m.get("service_account_json")) {
                // The same checks as a typed key; the copy is zeroized on drop.
                Some(key @ Value::Object(_)) => {
                    ServiceAccountKey::from_value(key.clone())?;
                }
                _ => {
                    return Err(Error::validation(
                        "secrets.service_account_json",
                        "must be the key file's JSON object (use ServiceAccountKey::from_json)",
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The body of a credential check for `credentials` on `domain`.
pub(crate) fn validate_request(
    domain: String,
    credentials: Credentials,
) -> wire::SecurityMonitoringIntegrationCredentialsValidateRequest {
    macro_rules! typed {
        ($variant:ident, $ty:ident, $tag:ident, $secrets:expr) => {
            ValidateAttributes::$variant(wire::$ty {
                domain,
                integration_type: wire::$tag::default(),
                secrets: $secrets,
            })
        };
    }
    let attributes = match credentials.0 {
        Creds::GoogleWorkspace(s) => typed!(
            GoogleWorkspace,
            SecurityMonitoringGoogleWorkspaceIntegrationCredentialsValidateAttributes,
            SecurityMonitoringIntegrationTypeGoogleWorkspace,
            s
        ),
        Creds::Okta(s) => typed!(
            Okta,
            SecurityMonitoringOktaIntegrationCredentialsValidateAttributes,
            SecurityMonitoringIntegrationTypeOkta,
            s
        ),
        Creds::CrowdStrike(s) => typed!(
            Crowdstrike,
            SecurityMonitoringCrowdStrikeIntegrationCredentialsValidateAttributes,
            SecurityMonitoringIntegrationTypeCrowdStrike,
            s
        ),
        Creds::SentinelOne(s) => typed!(
            Sentinelone,
            SecurityMonitoringSentinelOneIntegrationCredentialsValidateAttributes,
            SecurityMonitoringIntegrationTypeSentinelOne,
            s
        ),
        Creds::EntraId => ValidateAttributes::EntraId(
            wire::SecurityMonitoringEntraIdIntegrationCredentialsValidateAttributes {
                domain,
                integration_type: wire::SecurityMonitoringIntegrationTypeEntraId::default(),
            },
        ),
        Creds::Raw {
            integration_type,
            secrets,
        } => {
            let mut fields = Map::new();
            fields.insert(
                "integration_type".into(),
                Value::String(integration_type.as_str().to_owned()),
            );
            fields.insert("domain".into(), Value::String(domain));
            ValidateAttributes::Unknown(RawAttributes::new(fields, None).with_secrets(secrets))
        }
    };
    wire::SecurityMonitoringIntegrationCredentialsValidateRequest {
        data: wire::SecurityMonitoringIntegrationCredentialsValidateData {
            attributes,
            type_: wire::SecurityMonitoringIntegrationConfigResourceType::IntegrationConfig,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PEM: &str = "-----BEGIN PRIVATE KEY-----\nMIIcanary\n-----END PRIVATE KEY-----\n";

    #[test]
    fn key_field_names_match() {
        for (field, name) in
            KEY_FIELDS
                .iter()
                .zip(["type", "project_id", "client_email", "private_key"])
        {
            assert_eq!(*field, format!("{KEY_FIELD}.{name}"));
        }
    }

    #[test]
    fn pem_blocks_need_matching_end_lines() {
        assert!(is_pem(PEM));
        assert!(is_pem(
            "  -----BEGIN RSA PRIVATE KEY-----\nx\n-----END RSA PRIVATE KEY-----  "
        ));
        for text in [
            "-----BEGIN PRIVATE KEY-----\nx\n-----END RSA PRIVATE KEY-----",
            "-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY----",
            "-----BEGIN PRIVATE KEY-----\nx\nEND PRIVATE KEY-----",
            "-----BEGIN PRIVATE KEY-----",
            "-----BEGIN PRIVATE KEY-----END PRIVATE KEY-----",
            "-----BEGIN -----\nx\n-----END -----",
            "MIIcanary",
        ] {
            assert!(!is_pem(text), "{text:?}");
        }
    }

    #[test]
    fn pem_blocks() {
        assert!(is_pem(PEM));
        assert!(is_pem(
            "-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----"
        ));
        for bad in [
            "",
            "MIIE",
            "-----BEGIN PRIVATE KEY-----\nabc",
            "-----BEGIN X-----\nabc\n-----END Y-----",
        ] {
            assert!(!is_pem(bad), "{bad:?}");
        }
    }

    #[test]
    fn raw_known_types_need_their_secrets() {
        let err = Credentials::raw("OKTA", None)
            .validate()
            .expect_err("no token");
        assert_eq!(
            err.to_string(),
            "invalid secrets.api_token: is required for OKTA (use Credentials::okta)"
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
            "invalid secrets.service_account_json.private_key: is not a PEM block (`-----BEGIN … KEY-----` … `-----END … KEY-----`)"
        );
    }
}
