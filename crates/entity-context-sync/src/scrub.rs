//! Removing credentials from anything a server sends back before it reaches
//! an error: a misbehaving proxy or server may echo the request.

use secrecy::{ExposeSecret, SecretString};

const MASK: &str = "[REDACTED]";

/// The secret strings of one call: both keys and every `secrets` value.
pub(crate) struct Scrubber<'a> {
    needles: Vec<&'a str>,
}

impl<'a> Scrubber<'a> {
    pub(crate) fn new(keys: &'a [SecretString; 2], secrets: impl Iterator<Item = &'a str>) -> Self {
        let mut needles: Vec<&str> = keys
            .iter()
            .map(|k| k.expose_secret())
            .chain(secrets)
            .filter(|s| !s.is_empty())
            .collect();
        // Longest first, so a secret containing another is masked whole.
        needles.sort_by_key(|s| std::cmp::Reverse(s.len()));
        Self { needles }
    }

    /// `text` with every secret replaced by a mask.
    pub(crate) fn clean(&self, text: &str) -> String {
        self.needles
            .iter()
            .fold(text.to_string(), |acc, needle| acc.replace(needle, MASK))
    }
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
}
