//! Numbers, dates and plurals as a Norwegian (or English) reader expects them:
//! "120 000 000 kr", "0,5 %", "23. april 2027, kl. 09.00".

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeZone, Timelike};

use crate::domain::Lang;

use crate::domain::language::MONTHS_NB;
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A whole number with thousands grouped: a no-break space in Bokmål (so "120 000" never
/// breaks over two lines), a comma in English.
pub fn number(lang: Lang, n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let sep = match lang {
        Lang::Nb => '\u{a0}',
        Lang::En => ',',
    };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    if n < 0 {
        // A real minus sign, as Norwegian typography has it.
        out.insert(0, if lang == Lang::Nb { '\u{2212}' } else { '-' });
    }
    out
}

/// A decimal number with `places` decimals: a decimal comma in Bokmål.
pub fn decimal(lang: Lang, value: f64, places: usize) -> String {
    let text = format!("{:.*}", places, value.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let whole: i64 = whole.parse().unwrap_or(0);
    let sign = if value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        -1
    } else {
        1
    };
    let mut out = number(lang, whole * sign);
    if sign < 0 && whole == 0 {
        out.insert(0, if lang == Lang::Nb { '\u{2212}' } else { '-' });
    }
    if !fraction.is_empty() {
        out.push(if lang == Lang::Nb { ',' } else { '.' });
        out.push_str(fraction);
    }
    out
}

/// A share in [0, 1] as a percentage with `places` decimals, with a no-break space before `%`
/// in Bokmål.
pub fn percent(lang: Lang, share: f64, places: usize) -> String {
    let n = decimal(lang, share * 100.0, places);
    match lang {
        Lang::Nb => format!("{n}\u{a0}%"),
        Lang::En => format!("{n}%"),
    }
}

/// A date written out: "23. april 2027", "23 April 2027".
pub fn date(lang: Lang, d: NaiveDate) -> String {
    let m = d.month0() as usize;
    match lang {
        Lang::Nb => format!("{}. {} {}", d.day(), MONTHS_NB[m], d.year()),
        Lang::En => format!("{} {} {}", d.day(), MONTHS_EN[m], d.year()),
    }
}

/// A stored UTC time in Norwegian local time: "23. april 2027, kl. 09.00".
pub fn date_time(lang: Lang, utc: NaiveDateTime) -> String {
    let local = chrono_tz::Europe::Oslo.from_utc_datetime(&utc);
    let day = date(lang, local.date_naive());
    match lang {
        Lang::Nb => format!("{day}, kl. {:02}.{:02}", local.hour(), local.minute()),
        Lang::En => format!("{day}, {:02}:{:02}", local.hour(), local.minute()),
    }
}

/// The time of day alone, in Norwegian time: "kl. 09.30" (Bokmål) or "09:30" (English), for
/// the end of a slot on the same day as its start.
pub fn clock(lang: Lang, utc: NaiveDateTime) -> String {
    let local = chrono_tz::Europe::Oslo.from_utc_datetime(&utc);
    match lang {
        Lang::Nb => format!("kl. {:02}.{:02}", local.hour(), local.minute()),
        Lang::En => format!("{:02}:{:02}", local.hour(), local.minute()),
    }
}

/// The key of the plural form for `n`: `{key}.one` or `{key}.other` (both languages have only
/// these two forms for counts).
pub fn plural_key(key: &str, n: i64) -> String {
    if n == 1 {
        format!("{key}.one")
    } else {
        format!("{key}.other")
    }
}

/// An organisation's key where a page says "organisation number": a Norwegian number as it is,
/// and the key of a buyer from a notice without one (`scheme:identifier`, or `navn:…` for one
/// with no identifier at all) as what it is, never as if it were a number.
pub fn organisation_number(lang: Lang, key: &str) -> String {
    let none = match lang {
        Lang::Nb => "ingen norsk",
        Lang::En => "no Norwegian number",
    };
    if key.len() == 9 && key.bytes().all(|b| b.is_ascii_digit()) {
        key.to_owned()
    } else if key.starts_with("navn:") {
        none.to_owned()
    } else if let Some((scheme, id)) = key.split_once(':') {
        format!("{none} ({scheme} {id})")
    } else {
        format!("{none} ({key})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_with_a_space_in_bokmål_and_a_comma_in_english() {
        assert_eq!(number(Lang::Nb, 120_000_000), "120\u{a0}000\u{a0}000");
        assert_eq!(number(Lang::En, 120_000_000), "120,000,000");
        assert_eq!(number(Lang::Nb, 999), "999");
        assert_eq!(number(Lang::Nb, 1000), "1\u{a0}000");
        assert_eq!(number(Lang::Nb, -4500), "\u{2212}4\u{a0}500");
    }

    #[test]
    fn decimals_and_percentages_use_a_decimal_comma_in_bokmål() {
        assert_eq!(percent(Lang::Nb, 0.0, 1), "0,0\u{a0}%");
        assert_eq!(percent(Lang::En, 0.0526, 1), "5.3%");
        assert_eq!(decimal(Lang::Nb, 12345.678, 2), "12\u{a0}345,68");
        assert_eq!(percent(Lang::Nb, 0.14, 0), "14\u{a0}%");
    }

    #[test]
    fn dates_are_written_out() {
        let d = NaiveDate::from_ymd_opt(2027, 4, 23).unwrap();
        assert_eq!(date(Lang::Nb, d), "23. april 2027");
        assert_eq!(date(Lang::En, d), "23 April 2027");
        // 07:00 UTC is 09:00 in Oslo in summer time.
        let t = d.and_hms_opt(7, 0, 0).unwrap();
        assert_eq!(date_time(Lang::Nb, t), "23. april 2027, kl. 09.00");
        assert_eq!(date_time(Lang::En, t), "23 April 2027, 09:00");
    }

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(plural_key("x", 1), "x.one");
        assert_eq!(plural_key("x", 0), "x.other");
        assert_eq!(plural_key("x", 2), "x.other");
    }

    #[test]
    fn a_foreign_buyers_key_is_not_shown_as_an_organisation_number() {
        assert_eq!(organisation_number(Lang::Nb, "910005049"), "910005049");
        assert_eq!(
            organisation_number(Lang::Nb, "EU-DIGIT:ec-digit-42"),
            "ingen norsk (EU-DIGIT ec-digit-42)"
        );
        assert_eq!(
            organisation_number(Lang::En, "navn:european commission"),
            "no Norwegian number"
        );
        assert_eq!(
            organisation_number(Lang::Nb, "ABE"),
            "ingen norsk (ABE)",
            "an identifier without a scheme"
        );
    }
}
