//! Google's [`ServiceAccountKey`]: the hand-made type the generated layer
//! takes for the Google Workspace secret `service_account_json`, and the
//! checks it calls for it (`check_key`, named in xtask's `custom.rs`).

use std::fmt;
use std::path::Path;

use entity_context_sync_client::SecretJson;
use entity_context_sync_client::secret::{SecretString, zeroize_value};
use entity_context_sync_client::secrets::SecurityMonitoringIntegrationConfigGoogleWorkspaceServiceAccount as Wire;
use secrecy::ExposeSecret;
use serde_json::Value;
use zeroize::Zeroize;

use crate::checks::{check_key as check_map_key, check_secret, check_secret_lines};
use crate::credentials::SecretStrs;
use crate::{Error, Result};

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
pub struct ServiceAccountKey(pub(crate) Wire);

impl fmt::Debug for ServiceAccountKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ServiceAccountKey").field(&self.0).finish()
    }
}

impl From<ServiceAccountKey> for Wire {
    fn from(key: ServiceAccountKey) -> Self {
        key.0
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
        Self(Wire {
            type_: SecretString::from("service_account"),
            project_id: SecretString::from(project_id.into()),
            client_email: SecretString::from(client_email.into()),
            private_key: private_key.into(),
            extra: Default::default(),
        })
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
            Ok::<_, Error>(Wire {
                type_: take("type")?,
                project_id: take("project_id")?,
                private_key: take("private_key")?,
                client_email: take("client_email")?,
                extra: Default::default(),
            })
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
    /// not empty and hold no control characters (the private key's line
    /// breaks aside), `client_email` is an email, `private_key` a PEM block.
    pub fn validate(&self) -> Result<()> {
        check_key(&self.0)
    }
}

/// [`ServiceAccountKey::validate`] on the generated struct: the hook the
/// generated checks of the Google Workspace secrets call. Copies nothing.
pub(crate) fn check_key(k: &Wire) -> Result<()> {
    // The field names as literals: formatting them for every valid key
    // cost more than the checks (`key_field_names_match` pins them).
    for (name, value) in [
        (KEY_FIELDS[0], &k.type_),
        (KEY_FIELDS[1], &k.project_id),
        (KEY_FIELDS[2], &k.client_email),
    ] {
        check_secret(name, value.expose_secret())?;
    }
    check_secret_lines(KEY_FIELDS[3], k.private_key.expose_secret())?;
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
        check_map_key(KEY_FIELD, name)?;
    }
    Ok(())
}

/// Every secret of the key but its `type`, which is public (masking
/// `service_account` would mangle Datadog's messages about the field).
impl SecretStrs for Wire {
    fn secret_strs<'a>(&'a self, out: &mut Vec<&'a str>) {
        for s in [&self.project_id, &self.client_email, &self.private_key] {
            s.secret_strs(out);
        }
        self.extra.values().for_each(|v| v.secret_strs(out));
    }
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
    fn the_private_key_keeps_its_line_breaks_other_fields_refuse_control_characters() {
        let key = ServiceAccountKey::new(
            "example-project",
            "sa@example.com",
            PEM.replace('\n', "\r\n"),
        );
        key.validate().expect("CRLF line breaks in a PEM block");
        let err = ServiceAccountKey::new("example\nproject", "sa@example.com", PEM)
            .validate()
            .expect_err("a newline in project_id");
        assert_eq!(
            err.to_string(),
            "invalid secrets.service_account_json.project_id: must not contain control characters (found U+000A)"
        );
        let err = ServiceAccountKey::new("p", "sa@example.com", PEM.replace("MII", "M\u{0}I"))
            .validate()
            .expect_err("a NUL in the key");
        assert!(err.to_string().contains("U+0000"), "{err}");
    }
}
