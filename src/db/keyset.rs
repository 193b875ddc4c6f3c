//! Keyset pagination: a page starts after the last row of the one before, by its sort key and id,
//! so that a deep page costs what the first does. Offsets make the database walk every row they
//! skip, and counting every match is what made large lists slow.

use chrono::{NaiveDate, NaiveDateTime};

/// The position after which a page starts: the sort key of the last row seen, and its id for ties.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct After {
    /// The sort key as text: a timestamp, a title or a day; `None` for a missing day.
    pub key: Option<String>,
    /// The row's id, the tie-breaker.
    pub id: String,
}

const STAMP: &str = "%Y-%m-%dT%H:%M:%S%.f";

/// The text of a timestamp key.
pub fn stamp(at: NaiveDateTime) -> String {
    at.format(STAMP).to_string()
}

/// A timestamp key read back; `None` when the text is not one.
pub fn parse_stamp(key: Option<&str>) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(key?, STAMP).ok()
}

/// A day key read back: `Some(None)` for a missing day, `None` when the text is not a day.
pub fn parse_day(key: Option<&str>) -> Option<Option<NaiveDate>> {
    match key {
        None => Some(None),
        Some(k) => NaiveDate::parse_from_str(k, "%Y-%m-%d").ok().map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timestamp_key_reads_back_to_the_same_microsecond() {
        let at = NaiveDate::from_ymd_opt(2026, 12, 6)
            .unwrap()
            .and_hms_micro_opt(21, 3, 4, 123_456)
            .unwrap();
        assert_eq!(parse_stamp(Some(&stamp(at))), Some(at));
        assert_eq!(parse_stamp(Some("i går")), None);
    }

    #[test]
    fn a_missing_day_is_a_key_of_its_own() {
        assert_eq!(parse_day(None), Some(None));
        assert_eq!(
            parse_day(Some("2027-03-01")),
            Some(NaiveDate::from_ymd_opt(2027, 3, 1))
        );
        assert_eq!(parse_day(Some("1. mars")), None);
    }
}
