//! API and application keys: held as [`SecretString`], trimmed, checked, and
//! turned into sensitive header values.

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

use crate::{Error, Result};

/// Datadog's API key header.
pub(crate) const API_KEY_HEADER: &str = "dd-api-key";
/// Datadog's application key header.
pub(crate) const APP_KEY_HEADER: &str = "dd-application-key";

/// Shortest key accepted: Datadog API keys have 32 characters and
/// application keys 40, so anything much shorter is a mistake (and would be
/// masked inside every word of an error message).
pub const MIN_KEY_LEN: usize = 8;

/// Checks a key and turns it into a sensitive header value. `what` names it
/// in errors (`DD_API_KEY`, `api_key`); the key itself is never shown.
pub(crate) fn key_header(key: &SecretString, what: &str) -> Result<HeaderValue> {
    let key = key.expose_secret().trim();
    if key.is_empty() {
        return Err(Error::config(format!(
            "{what} is empty; set it to your Datadog key"
        )));
    }
    if key.chars().count() < MIN_KEY_LEN {
        return Err(Error::config(format!(
            "{what} is too short to be a Datadog key (fewer than {MIN_KEY_LEN} characters); check that it is not truncated"
        )));
    }
    if let Some(pos) = key.chars().position(|c| !c.is_ascii_graphic()) {
        return Err(Error::config(format!(
            "{what} contains a character that is not allowed in an HTTP header (at position {}); keys are printable ASCII",
            pos + 1
        )));
    }
    let mut value = HeaderValue::from_str(key)
        .map_err(|_| Error::config(format!("{what} is not a valid header value")))?;
    value.set_sensitive(true);
    Ok(value)
}

/// The two credential headers, both marked sensitive.
pub(crate) fn credential_headers(
    api_key: &SecretString,
    app_key: &SecretString,
    names: [&str; 2],
) -> Result<HeaderMap> {
    let mut headers = HeaderMap::with_capacity(2);
    headers.insert(
        HeaderName::from_static(API_KEY_HEADER),
        key_header(api_key, names[0])?,
    );
    headers.insert(
        HeaderName::from_static(APP_KEY_HEADER),
        key_header(app_key, names[1])?,
    );
    Ok(headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_marks_sensitive() {
        let v = key_header(&SecretString::from(" abc12345\n"), "DD_API_KEY").expect("valid");
        assert_eq!(v.as_bytes(), b"abc12345");
        assert!(v.is_sensitive());
        assert_eq!(format!("{v:?}"), "Sensitive");
    }

    #[test]
    fn empty_and_invalid_keys_are_errors_that_do_not_echo_the_key() {
        let err = key_header(&SecretString::from("  \n"), "DD_APP_KEY").expect_err("empty");
        assert!(err.to_string().contains("DD_APP_KEY is empty"), "{err}");
        let err = key_header(&SecretString::from("sekrit\u{7f}value"), "api_key")
            .expect_err("control char");
        let msg = err.to_string();
        assert!(
            msg.contains("api_key contains a character") && msg.contains("position 7"),
            "{msg}"
        );
        assert!(!msg.contains("sekrit"), "{msg}");
        assert!(key_header(&SecretString::from("has space"), "api_key").is_err());
        let err = key_header(&SecretString::from("k"), "api_key").expect_err("short");
        assert!(err.to_string().contains("too short"), "{err}");
    }
}
