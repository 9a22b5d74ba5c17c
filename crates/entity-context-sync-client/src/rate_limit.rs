//! Datadog's `X-RateLimit-*` response headers.

use std::time::Duration;

use reqwest::header::HeaderMap;

/// What every rate-limit header name starts with (`HeaderName`s are lower-case).
const PREFIX: &str = "x-ratelimit-";
/// Most characters of `X-RateLimit-Name` kept.
const MAX_NAME_CHARS: usize = 128;

/// The rate-limit figures Datadog sends with every response.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
#[non_exhaustive]
pub struct RateLimit {
    /// `X-RateLimit-Limit`: requests allowed per period.
    pub limit: Option<u64>,
    /// `X-RateLimit-Period`: the period length, in seconds.
    pub period: Option<u64>,
    /// `X-RateLimit-Remaining`: requests left in this period.
    pub remaining: Option<u64>,
    /// `X-RateLimit-Reset`: seconds until the period resets.
    pub reset: Option<u64>,
    /// `X-RateLimit-Name`: which limit this is.
    pub name: Option<String>,
}

impl RateLimit {
    /// Reads the `X-RateLimit-*` headers; `None` when none of them is present.
    /// Unparsable numbers are `None`; a header sent twice counts by its first
    /// value; the name is cut to 128 characters.
    pub fn from_headers(headers: &HeaderMap) -> Option<Self> {
        // One pass over the headers rather than five lookups. A header sent
        // twice counts by its first value, as `HeaderMap::get` would return.
        let mut rl = RateLimit::default();
        let mut seen = 0u8;
        for (name, value) in headers {
            let Some(field) = name.as_str().strip_prefix(PREFIX) else {
                continue;
            };
            let bit = match field {
                "limit" => 1,
                "period" => 2,
                "remaining" => 4,
                "reset" => 8,
                "name" => 16,
                _ => continue,
            };
            if seen & bit != 0 {
                continue;
            }
            seen |= bit;
            let Some(text) = value.to_str().ok().map(str::trim).filter(|v| !v.is_empty()) else {
                continue;
            };
            let number = || text.parse::<u64>().ok();
            match field {
                "limit" => rl.limit = number(),
                "period" => rl.period = number(),
                "remaining" => rl.remaining = number(),
                "reset" => rl.reset = number(),
                _ => {
                    // No more bytes than the limit in characters: nothing to cut.
                    rl.name = Some(if text.len() <= MAX_NAME_CHARS {
                        text.to_owned()
                    } else {
                        text.chars().take(MAX_NAME_CHARS).collect()
                    });
                }
            }
        }
        (rl != RateLimit::default()).then_some(rl)
    }

    /// Time until the limit resets, when the server said.
    pub fn reset_after(&self) -> Option<Duration> {
        self.reset.map(Duration::from_secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn parses_every_header_and_ignores_garbage() {
        let mut h = HeaderMap::new();
        for (k, v) in [
            ("X-RateLimit-Limit", "100"),
            ("X-RateLimit-Period", "60"),
            ("X-RateLimit-Remaining", "0"),
            ("X-RateLimit-Reset", " 7 "),
            ("X-RateLimit-Name", "security_monitoring_integration_config"),
        ] {
            h.insert(k, HeaderValue::from_static(v));
        }
        let rl = RateLimit::from_headers(&h).expect("present");
        assert_eq!(
            (rl.limit, rl.period, rl.remaining, rl.reset),
            (Some(100), Some(60), Some(0), Some(7))
        );
        assert_eq!(
            rl.name.as_deref(),
            Some("security_monitoring_integration_config")
        );
        assert_eq!(rl.reset_after(), Some(Duration::from_secs(7)));

        h.insert("X-RateLimit-Reset", HeaderValue::from_static("soon"));
        assert_eq!(RateLimit::from_headers(&h).and_then(|r| r.reset), None);
        assert_eq!(RateLimit::from_headers(&HeaderMap::new()), None);
    }

    #[test]
    fn long_names_are_cut_to_128_characters() {
        let mut h = HeaderMap::new();
        let long = "n".repeat(300);
        h.insert(
            "x-ratelimit-name",
            HeaderValue::from_str(&long).expect("ascii"),
        );
        let name = RateLimit::from_headers(&h).and_then(|r| r.name);
        assert_eq!(name.as_deref(), Some(&long[..128]));
        h.insert(
            "x-ratelimit-name",
            HeaderValue::from_str(&long[..128]).expect("ascii"),
        );
        let name = RateLimit::from_headers(&h).and_then(|r| r.name);
        assert_eq!(name.as_deref(), Some(&long[..128]));
    }

    #[test]
    fn a_repeated_header_counts_by_its_first_value_like_get() {
        let mut h = HeaderMap::new();
        h.insert("x-ratelimit-remaining", HeaderValue::from_static("soon"));
        h.append("x-ratelimit-remaining", HeaderValue::from_static("5"));
        h.insert("x-ratelimit-reset", HeaderValue::from_static("7"));
        h.append("x-ratelimit-reset", HeaderValue::from_static("9"));
        h.insert("x-ratelimit-other", HeaderValue::from_static("1"));
        h.insert("content-type", HeaderValue::from_static("application/json"));
        let rl = RateLimit::from_headers(&h).expect("present");
        assert_eq!((rl.remaining, rl.reset), (None, Some(7)));
        assert_eq!(
            rl.remaining,
            h.get("x-ratelimit-remaining")
                .and_then(|v| v.to_str().ok()?.parse().ok())
        );
        assert_eq!((rl.limit, rl.period, rl.name), (None, None, None));
    }
}
