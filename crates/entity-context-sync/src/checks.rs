//! The field checks shared by every builder that sends names, domains,
//! settings or map keys (create, update, activate, credential checks), and
//! their limits.

use serde_json::{Map, Value};

use crate::{Error, Result};

/// Longest accepted `name`, in characters.
pub const MAX_NAME_CHARS: usize = 256;
/// Longest accepted `domain`, in bytes (the DNS limit).
pub const MAX_DOMAIN_LEN: usize = 253;
/// Longest accepted secret or setting key, in bytes.
pub const MAX_KEY_LEN: usize = 256;
/// Largest accepted `settings` object, serialized, in bytes.
pub const MAX_SETTINGS_LEN: usize = 256 * 1024;
/// Largest accepted secret value, in bytes (room for a PEM key).
pub const MAX_SECRET_LEN: usize = 64 * 1024;

/// A secret string: not empty, not too long, no control characters (a
/// token read from a file with its newline would be refused by the source,
/// and a newline in a header or log line is worse). Errors never show it.
pub(crate) fn check_secret(field: &str, value: &str) -> Result<()> {
    check_secret_text(field, value, |_| false)
}

/// [`check_secret`] for a multi-line value (a PEM block): line breaks and
/// tabs allowed.
pub(crate) fn check_secret_lines(field: &str, value: &str) -> Result<()> {
    check_secret_text(field, value, |c| matches!(c, '\n' | '\r' | '\t'))
}

fn check_secret_text(field: &str, value: &str, allowed: fn(char) -> bool) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::validation(field, "is empty"));
    }
    if value.len() > MAX_SECRET_LEN {
        return Err(Error::validation(
            field,
            format!("is {} bytes; the limit is {MAX_SECRET_LEN}", value.len()),
        ));
    }
    if let Some(c) = value.chars().find(|&c| c.is_control() && !allowed(c)) {
        let hint = if value.trim_end() != value && value.trim_end().chars().all(|c| !c.is_control())
        {
            " at its end: trim the line break a file or a shell left"
        } else {
            ""
        };
        return Err(Error::validation(
            field,
            format!(
                "must not contain control characters (found U+{:04X}{hint})",
                u32::from(c)
            ),
        ));
    }
    Ok(())
}

/// An email address, roughly: something before and after one `@`, no spaces.
pub(crate) fn check_email(field: &str, value: &str) -> Result<()> {
    let valid = value
        .split_once('@')
        .is_some_and(|(user, host)| !user.is_empty() && !host.is_empty() && !host.contains('@'))
        && !value.chars().any(char::is_whitespace);
    if valid {
        Ok(())
    } else {
        Err(Error::validation(field, "is not an email address"))
    }
}

/// The optional name, domain and settings of a partial change (update,
/// activate): each checked as a create checks it, when set.
pub(crate) fn check_changes(
    name: Option<&str>,
    domain: Option<&str>,
    settings: Option<&Map<String, Value>>,
) -> Result<()> {
    if let Some(name) = name {
        check_text("name", name, MAX_NAME_CHARS)?;
    }
    if let Some(domain) = domain {
        check_domain(domain)?;
    }
    if let Some(settings) = settings {
        check_settings(settings)?;
    }
    Ok(())
}

/// Settings: keys and total size.
pub(crate) fn check_settings(settings: &Map<String, Value>) -> Result<()> {
    for key in settings.keys() {
        check_key("settings", key)?;
    }
    let size = serialized_len(settings);
    if size > MAX_SETTINGS_LEN {
        return Err(Error::validation(
            "settings",
            format!("serialize to {size} bytes; the limit is {MAX_SETTINGS_LEN}"),
        ));
    }
    Ok(())
}

pub(crate) fn check_text(field: &str, value: &str, max_chars: usize) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::validation(
            field,
            "must not be empty or only whitespace",
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::validation(
            field,
            "must not contain control characters",
        ));
    }
    let n = value.chars().count();
    if n > max_chars {
        return Err(Error::validation(
            field,
            format!("is {n} characters; the limit is {max_chars}"),
        ));
    }
    Ok(())
}

pub(crate) fn check_domain(domain: &str) -> Result<()> {
    check_text("domain", domain, MAX_DOMAIN_LEN)?;
    // Byte-window searches: `str::contains` sets up a general substring
    // searcher each time, which costs more than a domain-length scan.
    if has_window(domain, b"://") {
        return Err(Error::validation(
            "domain",
            "must be a bare domain such as `example.com`, without a scheme",
        ));
    }
    if domain.chars().any(char::is_whitespace) {
        return Err(Error::validation("domain", "must not contain spaces"));
    }
    if let Some(c) = domain
        .chars()
        .find(|c| matches!(c, '/' | '?' | '#' | '@' | ':' | '\\'))
    {
        return Err(Error::validation(
            "domain",
            format!(
                "must be a bare domain such as `example.com`, without a path, port or user (found `{c}`)"
            ),
        ));
    }
    if domain.len() > MAX_DOMAIN_LEN {
        return Err(Error::validation(
            "domain",
            format!("is {} bytes; the limit is {MAX_DOMAIN_LEN}", domain.len()),
        ));
    }
    if domain.starts_with('.') || domain.ends_with('.') || has_window(domain, b"..") {
        return Err(Error::validation(
            "domain",
            "has an empty label (leading, trailing or double dot)",
        ));
    }
    Ok(())
}

/// Whether `text` contains `needle` (a short ASCII pattern).
fn has_window(text: &str, needle: &[u8]) -> bool {
    text.as_bytes().windows(needle.len()).any(|w| w == needle)
}

/// Bytes of `value` serialized as JSON, counted without building the string.
fn serialized_len(value: &impl serde::Serialize) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    match serde_json::to_writer(&mut count, value) {
        Ok(()) => count.0,
        Err(_) => 0,
    }
}

pub(crate) fn check_key(map: &str, key: &str) -> Result<()> {
    if key.trim().is_empty() {
        return Err(Error::validation(map, "keys must not be empty"));
    }
    if key.len() > MAX_KEY_LEN {
        return Err(Error::validation(
            map,
            format!("key is {} bytes; the limit is {MAX_KEY_LEN}", key.len()),
        ));
    }
    if key.chars().any(char::is_control) {
        return Err(Error::validation(
            map,
            "keys must not contain control characters",
        ));
    }
    Ok(())
}
