//! Datadog's `X-RateLimit-*` response headers.

use std::time::Duration;

use reqwest::header::HeaderMap;

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
    /// Reads the headers; `None` when none of them is present.
    pub fn from_headers(headers: &HeaderMap) -> Option<Self> {
        let text = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        let number = |name: &str| text(name).and_then(|v| v.parse::<u64>().ok());
        let rl = RateLimit {
            limit: number("x-ratelimit-limit"),
            period: number("x-ratelimit-period"),
            remaining: number("x-ratelimit-remaining"),
            reset: number("x-ratelimit-reset"),
            name: text("x-ratelimit-name").map(|s| s.chars().take(128).collect()),
        };
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
}
