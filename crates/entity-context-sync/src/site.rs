//! The Datadog regional sites and their API hosts.

use std::fmt;
use std::str::FromStr;

use crate::Error;

/// A Datadog regional site, as in `DD_SITE`.
///
/// Parses the `DD_SITE` spellings (`us5.datadoghq.com`) as well as the
/// browser ones (`app.datadoghq.eu`, `https://us3.datadoghq.com/`).
///
/// ```
/// use entity_context_sync::Site;
/// let site: Site = "app.datadoghq.eu".parse()?;
/// assert_eq!(site, Site::Eu1);
/// assert_eq!(site.api_base_url(), "https://api.datadoghq.eu");
/// # Ok::<(), entity_context_sync::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Site {
    /// US1, `datadoghq.com` (the default).
    #[default]
    Us1,
    /// US3, `us3.datadoghq.com`.
    Us3,
    /// US5, `us5.datadoghq.com`.
    Us5,
    /// EU1, `datadoghq.eu`.
    Eu1,
    /// AP1, `ap1.datadoghq.com`.
    Ap1,
    /// AP2, `ap2.datadoghq.com`.
    Ap2,
    /// US1-FED, `ddog-gov.com`.
    Us1Fed,
    /// US2-FED, `us2.ddog-gov.com`.
    Us2Fed,
}

impl Site {
    /// Every site, in the order of Datadog's site table.
    pub const ALL: [Site; 8] = [
        Site::Us1,
        Site::Us3,
        Site::Us5,
        Site::Eu1,
        Site::Ap1,
        Site::Ap2,
        Site::Us1Fed,
        Site::Us2Fed,
    ];

    /// The `DD_SITE` spelling, e.g. `us5.datadoghq.com`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Site::Us1 => "datadoghq.com",
            Site::Us3 => "us3.datadoghq.com",
            Site::Us5 => "us5.datadoghq.com",
            Site::Eu1 => "datadoghq.eu",
            Site::Ap1 => "ap1.datadoghq.com",
            Site::Ap2 => "ap2.datadoghq.com",
            Site::Us1Fed => "ddog-gov.com",
            Site::Us2Fed => "us2.ddog-gov.com",
        }
    }

    /// The API base URL, e.g. `https://api.us5.datadoghq.com`.
    pub fn api_base_url(self) -> String {
        format!("https://api.{}", self.as_str())
    }
}

impl fmt::Display for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Site {
    type Err = Error;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let s = input.trim().to_ascii_lowercase();
        let s = s
            .strip_prefix("https://")
            .or_else(|| s.strip_prefix("http://"))
            .unwrap_or(&s);
        let s = s.trim_end_matches('/');
        let s = s
            .strip_prefix("app.")
            .or_else(|| s.strip_prefix("api."))
            .unwrap_or(s);
        Site::ALL
            .into_iter()
            .find(|site| site.as_str() == s)
            .ok_or_else(|| {
                let valid = Site::ALL.map(Site::as_str).join(", ");
                Error::config(format!(
                    "unknown Datadog site `{}`; valid sites: {valid}",
                    input.trim()
                ))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sites_match_the_spec_servers() {
        let ours: Vec<&str> = Site::ALL.iter().map(|s| s.as_str()).collect();
        let mut spec: Vec<&str> = entity_context_sync_client::spec_info::SITES.to_vec();
        let mut sorted = ours.clone();
        sorted.sort_unstable();
        spec.sort_unstable();
        assert_eq!(
            sorted, spec,
            "Site::ALL and the spec's `servers` site enum disagree"
        );
    }

    #[test]
    fn api_hosts_are_the_seed_table() {
        let table = [
            ("ap1.datadoghq.com", "https://api.ap1.datadoghq.com"),
            ("ap2.datadoghq.com", "https://api.ap2.datadoghq.com"),
            ("app.datadoghq.eu", "https://api.datadoghq.eu"),
            ("app.ddog-gov.com", "https://api.ddog-gov.com"),
            ("us2.ddog-gov.com", "https://api.us2.ddog-gov.com"),
            ("app.datadoghq.com", "https://api.datadoghq.com"),
            ("us3.datadoghq.com", "https://api.us3.datadoghq.com"),
            ("us5.datadoghq.com", "https://api.us5.datadoghq.com"),
        ];
        for (site, host) in table {
            let parsed: Site = site.parse().expect("seed site parses");
            assert_eq!(parsed.api_base_url(), host, "{site}");
        }
    }

    #[test]
    fn dd_site_and_browser_spellings_parse() {
        for site in Site::ALL {
            assert_eq!(site.as_str().parse::<Site>().ok(), Some(site));
            assert_eq!(
                format!("https://app.{site}/").parse::<Site>().ok(),
                Some(site)
            );
            assert_eq!(
                format!(" {} ", site.as_str().to_uppercase())
                    .parse::<Site>()
                    .ok(),
                Some(site)
            );
        }
    }

    #[test]
    fn unknown_site_lists_the_valid_ones() {
        let err = "datadoghq.co".parse::<Site>().expect_err("typo is refused");
        let msg = err.to_string();
        assert!(msg.contains("unknown Datadog site `datadoghq.co`"), "{msg}");
        assert!(msg.contains("us2.ddog-gov.com"), "{msg}");
        assert!("".parse::<Site>().is_err());
    }
}
