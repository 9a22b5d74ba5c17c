//! Removing credentials from anything a server sends back before it reaches
//! an error: a misbehaving proxy or server may echo the request.

use std::borrow::Cow;
use std::sync::OnceLock;

use secrecy::{ExposeSecret, SecretString};

const MASK: &str = "[REDACTED]";

/// Secrets (in any escaped form) at least this long are masked wherever they
/// occur; shorter ones only as whole values, so a short secret does not mangle
/// the words and URLs around it (`/api/v2/securit[REDACTED]_monitoring`).
const ANYWHERE_LEN: usize = 12;

/// The secret strings of one call: both keys and every `secrets` value,
/// each also in the escaped forms an echo carries it in.
///
/// Built for every call but needed only when an error quotes something the
/// server sent, so the escaped forms (a dozen allocations) are computed on
/// the first [`clean`](Self::clean), not up front.
pub(crate) struct Scrubber<'a> {
    keys: &'a [SecretString; 2],
    /// The call's own secrets. Collected from a `Vec`'s iterator this reuses
    /// its allocation, and a call without secrets allocates nothing.
    secrets: Vec<&'a str>,
    needles: OnceLock<Vec<Cow<'a, str>>>,
}

impl<'a> Scrubber<'a> {
    pub(crate) fn new(keys: &'a [SecretString; 2], secrets: impl Iterator<Item = &'a str>) -> Self {
        Self {
            keys,
            secrets: secrets.collect(),
            needles: OnceLock::new(),
        }
    }

    fn needles(&self) -> &[Cow<'a, str>] {
        self.needles.get_or_init(|| {
            let mut needles: Vec<Cow<'a, str>> = Vec::new();
            let keys = self.keys.iter().map(|k| k.expose_secret());
            for secret in keys.chain(self.secrets.iter().copied()) {
                if secret.is_empty() {
                    continue;
                }
                // An echoed request body holds a secret JSON-escaped (a PEM key's
                // newlines become `\n`), an echo of that body inside another JSON
                // string escaped twice, and serde's messages quote it Debug-escaped.
                // Servers whose JSON is ASCII-only (Python's default) also write
                // every non-ASCII character as `\uXXXX`.
                let json = json_escaped(secret);
                let json_twice = json_escaped(&json);
                let ascii = ascii_escaped(&json);
                let debug = format!("{secret:?}");
                let debug = debug[1..debug.len() - 1].to_string();
                needles.push(Cow::Borrowed(secret));
                for form in [json, json_twice, ascii, debug] {
                    if !needles.iter().any(|n| *n == form) {
                        needles.push(Cow::Owned(form));
                    }
                }
            }
            // Longest first, so a secret containing another is masked whole.
            needles.sort_by_key(|s| std::cmp::Reverse(s.len()));
            needles
        })
    }

    /// `text` with every secret replaced by a mask.
    pub(crate) fn clean(&self, text: &str) -> String {
        self.needles().iter().fold(text.to_string(), |acc, needle| {
            if needle.len() >= ANYWHERE_LEN {
                acc.replace(needle.as_ref(), MASK)
            } else {
                replace_whole(&acc, needle)
            }
        })
    }
}

/// Whether `c` continues a word (a match next to it is part of a longer value).
fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `text` with every occurrence of `needle` that is a whole value (not
/// preceded or followed by a word character) replaced by the mask.
fn replace_whole(text: &str, needle: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = 0;
    for (at, _) in text.match_indices(needle) {
        if at < rest {
            continue;
        }
        let end = at + needle.len();
        let before = text[..at].chars().next_back();
        let after = text[end..].chars().next();
        let inside_word = needle.starts_with(is_word) && before.is_some_and(is_word)
            || needle.ends_with(is_word) && after.is_some_and(is_word);
        if !inside_word {
            out.push_str(&text[rest..at]);
            out.push_str(MASK);
            rest = end;
        }
    }
    out.push_str(&text[rest..]);
    out
}

/// `text` as it appears inside a JSON string (without the quotes).
fn json_escaped(text: &str) -> String {
    let quoted = serde_json::Value::from(text).to_string();
    quoted[1..quoted.len() - 1].to_string()
}

/// JSON-escaped `json` with every non-ASCII character as `\uXXXX` (UTF-16).
fn ascii_escaped(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            for unit in c.encode_utf16(&mut [0; 2]) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keys_and_secrets_longest_first() {
        let keys = [
            SecretString::from("apikey123"),
            SecretString::from("appkey456"),
        ];
        let scrub = Scrubber::new(&keys, ["hunter2", "hunter2-long"].into_iter());
        assert_eq!(
            scrub.clean("echo apikey123 appkey456 hunter2-long hunter2"),
            "echo [REDACTED] [REDACTED] [REDACTED] [REDACTED]"
        );
    }

    #[test]
    fn short_secrets_are_masked_as_whole_values_only() {
        let keys = [
            SecretString::from("ty_m"),
            SecretString::from("appkey456789"),
        ];
        let scrub = Scrubber::new(&keys, ["abc"].into_iter());
        assert_eq!(
            scrub.clean("/api/v2/security_monitoring/abcd?k=abc&x=\"ty_m\" (ty_m)"),
            "/api/v2/security_monitoring/abcd?k=[REDACTED]&x=\"[REDACTED]\" ([REDACTED])"
        );
        assert_eq!(scrub.clean("xappkey456789x"), "x[REDACTED]x");
    }

    #[test]
    fn masks_escaped_forms_of_secrets() {
        let keys = [SecretString::from("k1"), SecretString::from("k2")];
        let pem = "-----BEGIN KEY-----\nabc\"def\n-----END KEY-----";
        let scrub = Scrubber::new(&keys, [pem].into_iter());
        let once = serde_json::to_string(pem).expect("serializes");
        let twice = serde_json::to_string(&once).expect("serializes");
        let debug = format!("{pem:?}");
        for text in [pem.to_string(), once, twice, debug] {
            let cleaned = scrub.clean(&text);
            assert!(
                cleaned.contains(MASK) && !cleaned.contains("abc"),
                "{cleaned}"
            );
        }
    }
}
