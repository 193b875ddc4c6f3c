//! iCalendar (RFC 5545) for dialogue events.

use chrono::NaiveDateTime;

/// Escapes a TEXT value.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace("\r\n", "\\n")
        .replace(['\n', '\r'], "\\n")
}

/// Folds a content line at 75 octets, never inside a UTF-8 character.
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
    out
}

fn stamp(t: NaiveDateTime) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// An event: times in UTC.
pub struct Event<'a> {
    pub uid: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub location: &'a str,
    pub url: &'a str,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

/// The calendar file for one event, with CRLF line ends.
pub fn ics(e: &Event) -> String {
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//innolift//markedsdialog//NB".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}", e.uid),
        format!("DTSTAMP:{}", stamp(e.created_at)),
        format!("DTSTART:{}", stamp(e.starts_at)),
        format!("DTEND:{}", stamp(e.ends_at)),
        format!("SUMMARY:{}", escape(e.title)),
        format!("DESCRIPTION:{}", escape(e.description)),
        format!("LOCATION:{}", escape(e.location)),
        format!("URL:{}", e.url),
        "END:VEVENT".to_owned(),
        "END:VCALENDAR".to_owned(),
    ] {
        out.push_str(&fold(&line));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_folded_escaped_and_end_in_crlf() {
        let t = chrono::NaiveDate::from_ymd_opt(2027, 3, 1)
            .unwrap()
            .and_hms_opt(8, 0, 0)
            .unwrap();
        let long = "Æ".repeat(60);
        let text = ics(&Event {
            uid: "u@x",
            title: "Ferje, batteri; lading",
            description: &long,
            location: "Os",
            url: "https://x",
            starts_at: t,
            ends_at: t,
            created_at: t,
        });
        assert!(text.contains("SUMMARY:Ferje\\, batteri\\; lading\r\n"));
        assert!(text.contains("DTSTART:20270301T080000Z\r\n"));
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "{line}");
        }
        assert!(!text.replace("\r\n", "").contains('\n'));
    }
}
