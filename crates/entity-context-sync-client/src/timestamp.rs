//! [`Timestamp`]: the SDK's own instant type for every `format: date-time`
//! string of the API, read and written as RFC 3339.
//!
//! Hand-written (the generated types name it through the xtask's conversion
//! setting). Conversions to and from `chrono::DateTime<Utc>` are behind the
//! `chrono` feature; to and from `std::time::SystemTime` are always there.

#![warn(
    clippy::all,
    clippy::dbg_macro,
    clippy::todo,
    clippy::unwrap_used,
    missing_docs
)]

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const NANOS_PER_SEC: u32 = 1_000_000_000;
const SECS_PER_DAY: i64 = 86_400;
/// 0000-01-01T00:00:00Z.
const MIN_SECS: i64 = days_from_civil(0, 1, 1) * SECS_PER_DAY;
/// 9999-12-31T23:59:59Z.
const MAX_SECS: i64 = days_from_civil(9999, 12, 31) * SECS_PER_DAY + SECS_PER_DAY - 1;
/// `9999-12-31T23:59:59.123456789Z`.
const MAX_LEN: usize = 30;

/// An instant in UTC with nanosecond precision, between
/// `0000-01-01T00:00:00Z` and `9999-12-31T23:59:59.999999999Z` (the years
/// RFC 3339 can write).
///
/// It is read from and written to JSON as an RFC 3339 string. `Display` (and
/// `Debug`) write UTC with `Z`, and the fraction of a second only when it is
/// not zero, in 3, 6 or 9 digits (`2026-05-01T12:00:00Z`,
/// `2026-05-01T12:00:00.120Z`): the text chrono writes for a
/// `DateTime<Utc>`.
///
/// Convert it with `SystemTime::from(t)` / `Timestamp::try_from(system_time)`,
/// or, with the `chrono` feature, `chrono::DateTime::<Utc>::from(t)` /
/// `Timestamp::try_from(date_time)`.
///
/// ```
/// # use entity_context_sync_client::Timestamp;
/// let t: Timestamp = "2026-05-01T14:00:00.5+02:00".parse()?;
/// assert_eq!(t.to_string(), "2026-05-01T12:00:00.500Z");
/// assert_eq!((t.unix_seconds(), t.subsec_nanos()), (1_777_636_800, 500_000_000));
/// # Ok::<(), entity_context_sync_client::ParseTimestampError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    /// Unix seconds, UTC.
    secs: i64,
    /// Always below one second.
    nanos: u32,
}

impl Timestamp {
    /// `1970-01-01T00:00:00Z`.
    pub const UNIX_EPOCH: Self = Self { secs: 0, nanos: 0 };
    /// The earliest timestamp, `0000-01-01T00:00:00Z`.
    pub const MIN: Self = Self {
        secs: MIN_SECS,
        nanos: 0,
    };
    /// The latest timestamp, `9999-12-31T23:59:59.999999999Z`.
    pub const MAX: Self = Self {
        secs: MAX_SECS,
        nanos: NANOS_PER_SEC - 1,
    };

    /// The instant `secs` seconds (and `nanos` nanoseconds) after
    /// `1970-01-01T00:00:00Z`; `None` when `nanos` is a second or more or the
    /// instant is outside the years 0000 to 9999.
    pub const fn from_unix(secs: i64, nanos: u32) -> Option<Self> {
        if nanos >= NANOS_PER_SEC || secs < MIN_SECS || secs > MAX_SECS {
            return None;
        }
        Some(Self { secs, nanos })
    }

    /// Whole seconds since `1970-01-01T00:00:00Z` (negative before).
    pub const fn unix_seconds(&self) -> i64 {
        self.secs
    }

    /// Nanoseconds after [`unix_seconds`](Self::unix_seconds), below one second.
    pub const fn subsec_nanos(&self) -> u32 {
        self.nanos
    }

    /// Reads an RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
    ///
    /// As chrono's `DateTime::parse_from_rfc3339`: `t` and `z` may be lowercase,
    /// a space may separate the date and the time, the fraction has one or
    /// more digits (the first 9 are kept, the rest dropped) and the offset is
    /// at most ±23:59. A leap second (`:60`) is accepted as chrono does and
    /// read as Unix time counts it, the next second: `23:59:60.5Z` is
    /// `00:00:00.5Z` of the next day. Nothing else is accepted: no missing
    /// offset, no `+0530`, no surrounding whitespace; and the instant, in UTC,
    /// must fall in the years 0000 to 9999.
    pub fn parse_rfc3339(text: &str) -> Result<Self, ParseTimestampError> {
        parse(text.as_bytes())
    }

    /// Writes the RFC 3339 text into `buf`, returning it.
    fn encode<'a>(&self, buf: &'a mut [u8; MAX_LEN]) -> &'a str {
        let days = self.secs.div_euclid(SECS_PER_DAY);
        let secs_of_day = self.secs.rem_euclid(SECS_PER_DAY) as u32;
        let (year, month, day) = civil_from_days(days);
        let year = year as u32; // 0..=9999 by construction
        put2(buf, 0, year / 100);
        put2(buf, 2, year % 100);
        buf[4] = b'-';
        put2(buf, 5, month);
        buf[7] = b'-';
        put2(buf, 8, day);
        buf[10] = b'T';
        put2(buf, 11, secs_of_day / 3600);
        buf[13] = b':';
        put2(buf, 14, secs_of_day / 60 % 60);
        buf[16] = b':';
        put2(buf, 17, secs_of_day % 60);
        let mut len = 19;
        // chrono's `SecondsFormat::AutoSi`: none, milli, micro or nano digits.
        let (mut fraction, digits) = match self.nanos {
            0 => (0, 0),
            n if n.is_multiple_of(1_000_000) => (n / 1_000_000, 3),
            n if n.is_multiple_of(1_000) => (n / 1_000, 6),
            n => (n, 9),
        };
        if digits > 0 {
            buf[len] = b'.';
            for i in (1..=digits).rev() {
                buf[len + i] = b'0' + (fraction % 10) as u8;
                fraction /= 10;
            }
            len += digits + 1;
        }
        buf[len] = b'Z';
        len += 1;
        // Only ASCII digits and separators were written.
        std::str::from_utf8(&buf[..len]).unwrap_or_default()
    }
}

fn put2(buf: &mut [u8; MAX_LEN], at: usize, value: u32) {
    buf[at] = b'0' + (value / 10) as u8;
    buf[at + 1] = b'0' + (value % 10) as u8;
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
const fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = month as i64;
    let shifted_month = if month > 2 { month - 3 } else { month + 9 };
    let day_of_year = (153 * shifted_month + 2) / 5 + day as i64 - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The proleptic Gregorian date of a day since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`).
const fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    } as u32;
    let year = year_of_era + era * 400 + if month <= 2 { 1 } else { 0 };
    (year, month, day)
}

const fn is_leap_year(year: u32) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

const fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The digit at `at`, if it is one.
fn digit(bytes: &[u8], at: usize) -> Result<u32, ParseTimestampError> {
    match bytes.get(at) {
        Some(b @ b'0'..=b'9') => Ok(u32::from(b - b'0')),
        Some(_) => Err(ParseTimestampError::new(ErrorKind::Syntax)),
        None => Err(ParseTimestampError::new(ErrorKind::TooShort)),
    }
}

fn two_digits(bytes: &[u8], at: usize) -> Result<u32, ParseTimestampError> {
    Ok(digit(bytes, at)? * 10 + digit(bytes, at + 1)?)
}

fn expect_byte(bytes: &[u8], at: usize, accept: &[u8]) -> Result<(), ParseTimestampError> {
    match bytes.get(at) {
        Some(b) if accept.contains(b) => Ok(()),
        Some(_) => Err(ParseTimestampError::new(ErrorKind::Syntax)),
        None => Err(ParseTimestampError::new(ErrorKind::TooShort)),
    }
}

fn parse(bytes: &[u8]) -> Result<Timestamp, ParseTimestampError> {
    let field = |ok: bool| {
        if ok {
            Ok(())
        } else {
            Err(ParseTimestampError::new(ErrorKind::Field))
        }
    };
    let year = two_digits(bytes, 0)? * 100 + two_digits(bytes, 2)?;
    expect_byte(bytes, 4, b"-")?;
    let month = two_digits(bytes, 5)?;
    expect_byte(bytes, 7, b"-")?;
    let day = two_digits(bytes, 8)?;
    expect_byte(bytes, 10, b"Tt ")?;
    let hour = two_digits(bytes, 11)?;
    expect_byte(bytes, 13, b":")?;
    let minute = two_digits(bytes, 14)?;
    expect_byte(bytes, 16, b":")?;
    let second = two_digits(bytes, 17)?;
    field((1..=12).contains(&month))?;
    field(day >= 1 && day <= days_in_month(year, month))?;
    field(hour <= 23 && minute <= 59 && second <= 60)?;

    let mut at = 19;
    let mut nanos = 0;
    if bytes.get(at) == Some(&b'.') {
        at += 1;
        let start = at;
        let mut scale = NANOS_PER_SEC;
        while let Some(b @ b'0'..=b'9') = bytes.get(at) {
            if scale > 1 {
                scale /= 10;
                nanos += u32::from(b - b'0') * scale;
            }
            at += 1;
        }
        if at == start {
            return Err(ParseTimestampError::new(if at == bytes.len() {
                ErrorKind::TooShort
            } else {
                ErrorKind::Syntax
            }));
        }
    }

    let offset = match bytes.get(at) {
        Some(b'Z' | b'z') => {
            at += 1;
            0
        }
        Some(sign @ (b'+' | b'-')) => {
            let hours = two_digits(bytes, at + 1)?;
            expect_byte(bytes, at + 3, b":")?;
            let minutes = two_digits(bytes, at + 4)?;
            field(hours <= 23 && minutes <= 59)?;
            at += 6;
            let offset = i64::from(hours * 3600 + minutes * 60);
            if *sign == b'-' { -offset } else { offset }
        }
        Some(_) => return Err(ParseTimestampError::new(ErrorKind::Syntax)),
        None => return Err(ParseTimestampError::new(ErrorKind::TooShort)),
    };
    if at != bytes.len() {
        return Err(ParseTimestampError::new(ErrorKind::Syntax));
    }

    let secs = days_from_civil(i64::from(year), month, day) * SECS_PER_DAY
        + i64::from(hour * 3600 + minute * 60 + second)
        - offset;
    Timestamp::from_unix(secs, nanos).ok_or(ParseTimestampError::new(ErrorKind::Range))
}

impl FromStr for Timestamp {
    type Err = ParseTimestampError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse_rfc3339(text)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.encode(&mut [0; MAX_LEN]))
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.encode(&mut [0; MAX_LEN]))
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;

        impl serde::de::Visitor<'_> for Visitor {
            type Value = Timestamp;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 date-time string")
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Timestamp, E> {
                Timestamp::parse_rfc3339(text).map_err(|e| E::custom(format_args!("{e}: `{text}`")))
            }
        }

        deserializer.deserialize_str(Visitor)
    }
}

/// # Panics
///
/// Where `SystemTime` cannot hold the instant, as `SystemTime + Duration`
/// does (on Windows: before the year 1601).
impl From<Timestamp> for SystemTime {
    fn from(t: Timestamp) -> Self {
        let nanos = Duration::from_nanos(u64::from(t.nanos));
        if t.secs >= 0 {
            UNIX_EPOCH + Duration::from_secs(t.secs.unsigned_abs()) + nanos
        } else {
            UNIX_EPOCH - Duration::from_secs(t.secs.unsigned_abs()) + nanos
        }
    }
}

impl TryFrom<SystemTime> for Timestamp {
    type Error = TimestampOutOfRange;

    /// Fails outside the years 0000 to 9999.
    fn try_from(time: SystemTime) -> Result<Self, Self::Error> {
        let (secs, nanos) = match time.duration_since(UNIX_EPOCH) {
            Ok(after) => (i64::try_from(after.as_secs()).ok(), after.subsec_nanos()),
            Err(before) => {
                let before = before.duration();
                let secs = i64::try_from(before.as_secs()).ok().map(|s| -s);
                match before.subsec_nanos() {
                    0 => (secs, 0),
                    n => (secs.map(|s| s - 1), NANOS_PER_SEC - n),
                }
            }
        };
        secs.and_then(|secs| Self::from_unix(secs, nanos))
            .ok_or(TimestampOutOfRange)
    }
}

#[cfg(feature = "chrono")]
impl From<Timestamp> for chrono::DateTime<chrono::Utc> {
    fn from(t: Timestamp) -> Self {
        Self::from_timestamp(t.secs, t.nanos)
            .expect("the years 0000 to 9999 are within chrono's range")
    }
}

#[cfg(feature = "chrono")]
impl TryFrom<chrono::DateTime<chrono::Utc>> for Timestamp {
    type Error = TimestampOutOfRange;

    /// Fails outside the years 0000 to 9999. A leap second is read as the
    /// next second, as Unix time counts it.
    fn try_from(time: chrono::DateTime<chrono::Utc>) -> Result<Self, Self::Error> {
        let (secs, nanos) = (time.timestamp(), time.timestamp_subsec_nanos());
        let (secs, nanos) = match nanos.checked_sub(NANOS_PER_SEC) {
            Some(leap) => (secs + 1, leap),
            None => (secs, nanos),
        };
        Self::from_unix(secs, nanos).ok_or(TimestampOutOfRange)
    }
}

/// The same schema as chrono's `DateTime`, inlined.
#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Timestamp {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Timestamp".into()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        "entity_context_sync_client::Timestamp".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date-time",
        })
    }
}

/// Why a text is not a [`Timestamp`] ([`Timestamp::parse_rfc3339`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseTimestampError {
    kind: ErrorKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ErrorKind {
    TooShort,
    Syntax,
    Field,
    Range,
}

impl ParseTimestampError {
    const fn new(kind: ErrorKind) -> Self {
        Self { kind }
    }
}

impl fmt::Display for ParseTimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.kind {
            ErrorKind::TooShort => {
                "not an RFC 3339 date-time (YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)): too short"
            }
            ErrorKind::Syntax => {
                "not an RFC 3339 date-time (YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM))"
            }
            ErrorKind::Field => "RFC 3339 date-time with a field out of range",
            ErrorKind::Range => "RFC 3339 date-time outside the years 0000 to 9999 (UTC)",
        })
    }
}

impl std::error::Error for ParseTimestampError {}

/// An instant outside the years 0000 to 9999, which a [`Timestamp`] cannot
/// hold (`Timestamp::try_from` a `SystemTime` or, with the `chrono` feature,
/// a `chrono::DateTime<Utc>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimestampOutOfRange;

impl fmt::Display for TimestampOutOfRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("instant outside the years 0000 to 9999 (UTC)")
    }
}

impl std::error::Error for TimestampOutOfRange {}

#[cfg(test)]
mod tests;
