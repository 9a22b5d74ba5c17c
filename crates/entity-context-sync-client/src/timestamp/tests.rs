use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, SecondsFormat, Utc};

use super::{ErrorKind, ParseTimestampError, Timestamp, TimestampOutOfRange};

fn ts(text: &str) -> Timestamp {
    Timestamp::parse_rfc3339(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn unix(secs: i64, nanos: u32) -> Timestamp {
    Timestamp::from_unix(secs, nanos).expect("in range")
}

fn chrono_utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .with_timezone(&Utc)
}

/// What chrono's `Serialize` writes for a `DateTime<Utc>`.
fn chrono_text(t: DateTime<Utc>) -> String {
    serde_json::to_value(t)
        .expect("serializes")
        .as_str()
        .expect("a string")
        .to_string()
}

/// A small deterministic generator (xorshift64*), for the agreement tests.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[test]
fn reads_and_writes_utc() {
    let t = ts("2026-05-01T12:00:00Z");
    assert_eq!((t.unix_seconds(), t.subsec_nanos()), (1_777_636_800, 0));
    assert_eq!(t.to_string(), "2026-05-01T12:00:00Z");
    assert_eq!(format!("{t:?}"), "2026-05-01T12:00:00Z");
    assert_eq!(ts("1970-01-01T00:00:00Z"), Timestamp::UNIX_EPOCH);
    assert_eq!(ts("0000-01-01T00:00:00Z"), Timestamp::MIN);
    assert_eq!(ts("9999-12-31T23:59:59.999999999Z"), Timestamp::MAX);
    assert_eq!(Timestamp::MIN.to_string(), "0000-01-01T00:00:00Z");
    assert_eq!(Timestamp::MAX.to_string(), "9999-12-31T23:59:59.999999999Z");
    assert_eq!(
        unix(-1, 500_000_000).to_string(),
        "1969-12-31T23:59:59.500Z"
    );
    assert_eq!(unix(-62_135_596_800, 0).to_string(), "0001-01-01T00:00:00Z");
}

#[test]
fn round_trips() {
    for text in [
        "2026-05-01T12:00:00Z",
        "2026-05-01T12:00:00.123Z",
        "2026-05-01T12:00:00.123456Z",
        "2026-05-01T12:00:00.123456789Z",
        "2024-02-29T23:59:59.000000001Z",
        "1969-07-20T20:17:40Z",
        "0000-02-29T00:00:00Z",
        "9999-12-31T23:59:59Z",
    ] {
        let t = ts(text);
        assert_eq!(t.to_string(), text);
        assert_eq!(ts(&t.to_string()), t);
        assert_eq!(unix(t.unix_seconds(), t.subsec_nanos()), t);
    }
}

#[test]
fn applies_the_offset() {
    assert_eq!(ts("2026-05-01T17:30:00+05:30"), ts("2026-05-01T12:00:00Z"));
    // -08:00 crosses into the next day in UTC.
    assert_eq!(
        ts("2026-12-31T20:00:00.25-08:00").to_string(),
        "2027-01-01T04:00:00.250Z"
    );
    // +05:30 crosses back into the previous day.
    assert_eq!(
        ts("2024-03-01T01:00:00+05:30").to_string(),
        "2024-02-29T19:30:00Z"
    );
    assert_eq!(ts("2026-05-01T12:00:00-00:00"), ts("2026-05-01T12:00:00Z"));
    assert_eq!(
        ts("2026-05-01T12:00:00+23:59").unix_seconds(),
        1_777_636_800 - 86_340
    );
}

#[test]
fn accepts_what_parse_from_rfc3339_accepts() {
    let utc = ts("2026-05-01T12:00:00Z");
    for text in [
        "2026-05-01t12:00:00z",
        "2026-05-01 12:00:00Z",
        "2026-05-01T12:00:00.0Z",
        "2026-05-01T12:00:00.000000000000Z",
    ] {
        assert_eq!(ts(text), utc, "{text}");
        assert_eq!(
            chrono_utc(text),
            DateTime::<Utc>::from(SystemTime::from(utc))
        );
    }
}

#[test]
fn fractions_of_1_to_9_digits_and_more_truncated() {
    let cases = [
        (".1", 100_000_000),
        (".12", 120_000_000),
        (".123", 123_000_000),
        (".1234", 123_400_000),
        (".12345", 123_450_000),
        (".123456", 123_456_000),
        (".1234567", 123_456_700),
        (".12345678", 123_456_780),
        (".123456789", 123_456_789),
        (".1234567891", 123_456_789),
        (".123456789999999", 123_456_789),
        (".000000001", 1),
        (".0000000009", 0),
    ];
    for (fraction, nanos) in cases {
        let text = format!("2026-05-01T12:00:00{fraction}Z");
        let t = ts(&text);
        assert_eq!(t.subsec_nanos(), nanos, "{text}");
        assert_eq!(t.unix_seconds(), 1_777_636_800, "{text}");
    }
}

#[test]
fn writes_3_6_or_9_fraction_digits() {
    for (nanos, text) in [
        (0, "2026-05-01T12:00:00Z"),
        (100_000_000, "2026-05-01T12:00:00.100Z"),
        (1_000_000, "2026-05-01T12:00:00.001Z"),
        (120_000, "2026-05-01T12:00:00.000120Z"),
        (1_000, "2026-05-01T12:00:00.000001Z"),
        (123_456_780, "2026-05-01T12:00:00.123456780Z"),
        (1, "2026-05-01T12:00:00.000000001Z"),
    ] {
        assert_eq!(unix(1_777_636_800, nanos).to_string(), text);
    }
}

#[test]
fn leap_years() {
    for ok in [
        "2024-02-29T00:00:00Z",
        "2000-02-29T00:00:00Z",
        "1600-02-29T00:00:00Z",
    ] {
        assert_eq!(ts(ok).to_string(), ok);
    }
    for refused in [
        "2023-02-29T00:00:00Z",
        "1900-02-29T00:00:00Z",
        "2100-02-29T00:00:00Z",
        "2024-02-30T00:00:00Z",
    ] {
        assert_eq!(
            Timestamp::parse_rfc3339(refused),
            Err(ParseTimestampError::new(ErrorKind::Field)),
            "{refused}"
        );
    }
    for (month, days) in [(1, 31), (4, 30), (6, 30), (9, 30), (11, 30), (12, 31)] {
        assert!(Timestamp::parse_rfc3339(&format!("2023-{month:02}-{days}T00:00:00Z")).is_ok());
        assert!(
            Timestamp::parse_rfc3339(&format!("2023-{month:02}-{}T00:00:00Z", days + 1)).is_err()
        );
    }
}

#[test]
fn leap_second_is_the_next_second() {
    assert_eq!(
        ts("2016-12-31T23:59:60.5Z").to_string(),
        "2017-01-01T00:00:00.500Z"
    );
    // As chrono counts it in Unix time.
    let leap = chrono_utc("2016-12-31T23:59:60.5Z");
    assert_eq!(
        leap.timestamp_nanos_opt(),
        Some(1_483_228_800_500_000_000),
        "chrono: {leap}"
    );
    // Past the last second of the range.
    assert!(Timestamp::parse_rfc3339("9999-12-31T23:59:60Z").is_err());
}

#[test]
fn refuses_bad_inputs() {
    for bad in [
        "",
        "2026",
        "2026-05-01",
        "2026-05-01T12:00",
        "2026-05-01T12:00:00",
        "2026-05-01T12:00:00.",
        "2026-05-01T12:00:00.Z",
        "2026-05-01T12:00:00.123",
        "2026-05-01T12:00:00+05",
        "2026-05-01T12:00:00+0530",
        "2026-05-01T12:00:00+05:3",
        "2026-05-01T12:00:00+24:00",
        "2026-05-01T12:00:00+05:60",
        "2026-05-01T12:00:00 Z",
        "2026-05-01T12:00:00UTC",
        "2026-05-01T12:00:00Z ",
        " 2026-05-01T12:00:00Z",
        "2026-05-01T12:00:00ZZ",
        "2026-05-01T12:00:00\u{2212}05:00",
        "2026-13-01T12:00:00Z",
        "2026-00-01T12:00:00Z",
        "2026-05-00T12:00:00Z",
        "2026-05-32T12:00:00Z",
        "2026-05-01T24:00:00Z",
        "2026-05-01T12:60:00Z",
        "2026-05-01T12:00:61Z",
        "2026-05-01X12:00:00Z",
        "2026/05/01T12:00:00Z",
        "2026-05-01T12-00-00Z",
        "abcd-ef-ghTij:kl:mnZ",
        "2026-O5-01T12:00:00Z",
        "yesterday",
        "+2026-05-01T12:00:00Z",
        "-0001-12-31T00:00:00Z",
        "12026-05-01T12:00:00Z",
        "2026-05-01T12:00:00.12a3Z",
        "2026-05-01T12:00:00ë",
        // Out of the years 0000..=9999 once in UTC.
        "0000-01-01T00:00:00+00:01",
        "9999-12-31T23:59:00-00:01",
    ] {
        let result = Timestamp::parse_rfc3339(bad);
        assert!(result.is_err(), "{bad:?} was accepted as {result:?}");
        assert!(bad.parse::<Timestamp>().is_err());
    }
}

#[test]
fn from_unix_checks_the_range() {
    assert_eq!(
        Timestamp::from_unix(0, 999_999_999),
        Some(unix(0, 999_999_999))
    );
    assert_eq!(Timestamp::from_unix(0, 1_000_000_000), None);
    assert_eq!(
        Timestamp::from_unix(-62_167_219_200, 0),
        Some(Timestamp::MIN)
    );
    assert_eq!(Timestamp::from_unix(-62_167_219_201, 999_999_999), None);
    assert_eq!(
        Timestamp::from_unix(253_402_300_799, 999_999_999),
        Some(Timestamp::MAX)
    );
    assert_eq!(Timestamp::from_unix(253_402_300_800, 0), None);
    assert_eq!(Timestamp::from_unix(i64::MIN, 0), None);
    assert_eq!(Timestamp::from_unix(i64::MAX, 0), None);
}

#[test]
fn orders_by_instant() {
    let mut all = [
        ts("2026-05-01T12:00:00.5Z"),
        ts("1969-12-31T23:59:59.9Z"),
        ts("2026-05-01T12:00:00Z"),
        ts("1969-12-31T23:59:59Z"),
    ];
    all.sort();
    let texts: Vec<String> = all.iter().map(ToString::to_string).collect();
    assert_eq!(
        texts,
        [
            "1969-12-31T23:59:59Z",
            "1969-12-31T23:59:59.900Z",
            "2026-05-01T12:00:00Z",
            "2026-05-01T12:00:00.500Z",
        ]
    );
}

#[test]
fn serde_is_the_rfc_3339_string() {
    let t = ts("2026-05-01T14:00:00.123456+02:00");
    assert_eq!(
        serde_json::to_string(&t).expect("serializes"),
        r#""2026-05-01T12:00:00.123456Z""#
    );
    let back: Timestamp =
        serde_json::from_str(r#""2026-05-01T12:00:00.123456Z""#).expect("decodes");
    assert_eq!(back, t);
    let none: Option<Timestamp> = serde_json::from_str("null").expect("decodes");
    assert_eq!(none, None);
    // An owned string (from a `Value`) decodes too.
    let owned: Timestamp =
        serde_json::from_value(serde_json::json!("2026-05-01T12:00:00Z")).expect("decodes");
    assert_eq!(owned.unix_seconds(), 1_777_636_800);

    let bad = serde_json::from_str::<Timestamp>(r#""yesterday""#)
        .expect_err("refused")
        .to_string();
    assert!(bad.contains("`yesterday`"), "{bad}");
    let number = serde_json::from_str::<Timestamp>("12")
        .expect_err("refused")
        .to_string();
    assert!(number.contains("an RFC 3339 date-time string"), "{number}");
}

#[test]
fn display_pads_like_a_str() {
    let t = ts("2026-05-01T12:00:00Z");
    assert_eq!(format!("[{t:>22}]"), "[  2026-05-01T12:00:00Z]");
}

#[test]
fn system_time_both_ways() {
    let t = ts("2026-05-01T12:00:00.25Z");
    let system = SystemTime::from(t);
    assert_eq!(
        system,
        UNIX_EPOCH + Duration::new(1_777_636_800, 250_000_000)
    );
    assert_eq!(Timestamp::try_from(system), Ok(t));

    let before = ts("1969-12-31T23:59:59.75Z");
    let system = SystemTime::from(before);
    assert_eq!(system, UNIX_EPOCH - Duration::from_millis(250));
    assert_eq!(Timestamp::try_from(system), Ok(before));
    assert_eq!(Timestamp::try_from(UNIX_EPOCH), Ok(Timestamp::UNIX_EPOCH));
    for t in [Timestamp::MIN, Timestamp::MAX] {
        assert_eq!(Timestamp::try_from(SystemTime::from(t)), Ok(t));
    }

    let after_max = SystemTime::from(Timestamp::MAX) + Duration::from_nanos(1);
    assert_eq!(Timestamp::try_from(after_max), Err(TimestampOutOfRange));
    let before_min = SystemTime::from(Timestamp::MIN) - Duration::from_nanos(1);
    assert_eq!(Timestamp::try_from(before_min), Err(TimestampOutOfRange));
}

#[cfg(feature = "chrono")]
#[test]
fn chrono_both_ways() {
    let t = ts("2026-05-01T12:00:00.123456789Z");
    let chrono = DateTime::<Utc>::from(t);
    assert_eq!(chrono, chrono_utc("2026-05-01T12:00:00.123456789Z"));
    assert_eq!(Timestamp::try_from(chrono), Ok(t));
    // A leap second is the next second, as `parse_rfc3339` reads it.
    let leap = chrono_utc("2016-12-31T23:59:60.5Z");
    assert_eq!(Timestamp::try_from(leap), Ok(ts("2016-12-31T23:59:60.5Z")));
    for t in [Timestamp::MIN, Timestamp::MAX, Timestamp::UNIX_EPOCH] {
        assert_eq!(Timestamp::try_from(DateTime::<Utc>::from(t)), Ok(t));
    }
    let year_10000 =
        chrono_utc("9999-12-31T23:59:59.999999999Z") + chrono::TimeDelta::nanoseconds(1);
    assert_eq!(Timestamp::try_from(year_10000), Err(TimestampOutOfRange));
    assert_eq!(
        Timestamp::try_from(DateTime::<Utc>::MIN_UTC),
        Err(TimestampOutOfRange)
    );
}

/// A random instant in the range, with a fraction of 0, 3, 6 or 9 digits.
fn random_timestamp(rng: &mut Rng) -> Timestamp {
    let span = (Timestamp::MAX.unix_seconds() - Timestamp::MIN.unix_seconds() + 1) as u64;
    let secs = Timestamp::MIN.unix_seconds() + rng.below(span) as i64;
    let nanos = match rng.below(4) {
        0 => 0,
        1 => rng.below(1000) as u32 * 1_000_000,
        2 => rng.below(1_000_000) as u32 * 1_000,
        _ => rng.below(1_000_000_000) as u32,
    };
    unix(secs, nanos)
}

#[test]
fn agrees_with_chrono_on_generated_values() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..500 {
        let t = random_timestamp(&mut rng);
        let chrono =
            DateTime::from_timestamp(t.unix_seconds(), t.subsec_nanos()).expect("chrono range");
        // The same text as chrono's `Serialize`, and the same instant back.
        let text = chrono_text(chrono);
        assert_eq!(t.to_string(), text);
        assert_eq!(
            serde_json::to_value(t).expect("serializes"),
            serde_json::json!(text)
        );
        assert_eq!(ts(&text), t, "{text}");

        // With an offset and any number of fraction digits, as chrono reads it.
        let offset = rng.below(2 * 1440 - 1) as i32 - 1439;
        let zone = chrono::FixedOffset::east_opt(offset * 60).expect("offset");
        let digits = match rng.below(4) {
            0 => SecondsFormat::Secs,
            1 => SecondsFormat::Millis,
            2 => SecondsFormat::Micros,
            _ => SecondsFormat::Nanos,
        };
        let local = chrono.with_timezone(&zone).to_rfc3339_opts(digits, false);
        match Timestamp::parse_rfc3339(&local) {
            Ok(ours) => {
                let theirs = chrono_utc(&local);
                assert_eq!(
                    (ours.unix_seconds(), ours.subsec_nanos()),
                    (theirs.timestamp(), theirs.timestamp_subsec_nanos()),
                    "{local}"
                );
            }
            // Only the first and last day of the range can leave it once in UTC.
            Err(e) => assert!(
                local.starts_with("0000-01-01")
                    || local.starts_with("9999-12-31")
                    || local.starts_with("-0001")
                    || local.starts_with("+10000"),
                "{local}: {e}"
            ),
        }
    }
}

#[test]
fn civil_days_agree_with_chrono_for_every_day() {
    let mut day = chrono::NaiveDate::from_ymd_opt(0, 1, 1).expect("date");
    let last = chrono::NaiveDate::from_ymd_opt(9999, 12, 31).expect("date");
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("date");
    while day <= last {
        use chrono::Datelike;
        let days = (day - epoch).num_days();
        let civil = (i64::from(day.year()), day.month(), day.day());
        assert_eq!(super::civil_from_days(days), civil);
        assert_eq!(super::days_from_civil(civil.0, civil.1, civil.2), days);
        day = day.succ_opt().expect("next day");
    }
}
